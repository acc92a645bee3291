"""/api/v1/admin/audit: every admin change, newest first, with filters."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from marshmallow import fields, post_load, validate

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.api.schemas import ShopSchema
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.converters import MAX_ID
from shop.services.audit import log
from shop.services.audit.ports import AuditFilter

blp = Blueprint("admin_audit", __name__, url_prefix="/api/v1/admin", description="Admin: audit")

ENTITIES = ("category", "attribute", "product", "variant", "order", "user", "payment")


class AuditQuerySchema(ShopSchema):
    actor_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    entity = fields.String(validate=validate.OneOf(ENTITIES))
    entity_id = fields.String(validate=validate.Length(min=1, max=64))
    since = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset"})

    class Meta:
        unknown = "exclude"

    @post_load
    def to_filter(self, data: dict[str, Any], **_: Any) -> AuditFilter:
        return AuditFilter(**data)


class AuditEntrySchema(ShopSchema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor_id = fields.Integer(required=True, allow_none=True)
    actor_email = fields.String(required=True)
    source = fields.String(required=True, metadata={"enum": ["api", "console", "import", "system"]})
    action = fields.String(
        required=True,
        metadata={
            "description": "create, update, delete, deactivate, status, stock, refund... A "
            "refund (entity payment) is recorded twice: the admin's cancel of a paid order "
            "asks for it (changes.refund_requested, with the cancel), then the provider's "
            "confirmation (source system, changes.refunded [before, after])"
        },
    )
    entity = fields.String(required=True)
    entity_id = fields.String(required=True)
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw(allow_none=True)),
        required=True,
        metadata={"description": "field -> [before, after], values as the API shows them"},
    )


@blp.route("/audit")
class AuditLog(MethodView):
    @admin_only(blp)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, filters: AuditFilter, pagination_parameters: PaginationParameters) -> Any:
        """Every admin change (API, console, imports), newest first."""
        page = pagination_parameters
        rows, page.item_count = log.list_entries(
            adapters().audit, filters, page.page, page.page_size
        )
        return rows
