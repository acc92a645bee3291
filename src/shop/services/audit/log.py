"""Reading the audit log (writes happen inside each feature's use cases)."""

from __future__ import annotations

from shop.services.audit.ports import AuditFilter, AuditQueries
from shop.services.common import Page


def list_entries(queries: AuditQueries, filters: AuditFilter, page: int, page_size: int) -> Page:
    """A page of audit entries, newest first, and the number that match the filters."""
    return queries.entries(filters, page, page_size)
