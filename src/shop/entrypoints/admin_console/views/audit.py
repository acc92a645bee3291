"""The audit log page, with the API's filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request

from shop.domain.errors import ValidationFailed
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import optional_int, page_count, page_number
from shop.entrypoints.web.context import adapters
from shop.services.audit import log
from shop.services.audit.ports import AuditFilter

PAGE_SIZE = 50


def _since(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({"since": ["Use a date such as 2026-12-01."]}) from None
    if moment.tzinfo is None:
        raise ValidationFailed({"since": ["Give the offset, e.g. 2026-12-01T00:00+00:00."]})
    return moment


@console.route("/audit")
def audit_log() -> Any:
    args = request.args
    filters = AuditFilter(
        actor_id=optional_int(args.get("actor_id")),
        entity=args.get("entity", "").strip() or None,
        entity_id=args.get("entity_id", "").strip() or None,
        since=_since(args.get("since", "").strip()),
    )
    page = page_number()
    rows, total = log.list_entries(adapters().audit, filters, page, PAGE_SIZE)
    return render_template(
        "admin/audit.html",
        rows=rows,
        total=total,
        filters=filters,
        page=page,
        pages=page_count(total, PAGE_SIZE),
    )
