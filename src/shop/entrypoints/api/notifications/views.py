"""/api/v1/admin/outbox: emails waiting, sent, or dead-lettered, and re-driving a dead one."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from marshmallow import fields, validate

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.api.schemas import ShopSchema
from shop.entrypoints.web.context import adapters
from shop.services.notifications import outbox
from shop.services.notifications.ports import ORDER_CONFIRMATION, OutboxEntry, OutboxState

blp = Blueprint(
    "outbox", __name__, url_prefix="/api/v1/admin/outbox", description="The email outbox"
)

STATES = [str(s) for s in OutboxState]


class OutboxQuerySchema(ShopSchema):
    state = fields.String(validate=validate.OneOf(STATES))


class OutboxEntrySchema(ShopSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": ORDER_CONFIRMATION})
    state = fields.String(validate=validate.OneOf(STATES))
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


def _row(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "state": str(entry.state),
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "created_at": entry.created_at,
        "sent_at": entry.sent_at,
    }


@blp.route("")
class Outbox(MethodView):
    @admin_only(blp, 422, 503)
    @blp.arguments(OutboxQuerySchema, location="query")
    @blp.response(200, OutboxEntrySchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """Outbox entries, newest first; `state=dead` lists those that gave up."""
        state = OutboxState(query["state"]) if "state" in query else None
        entries, pagination_parameters.item_count = outbox.list_entries(
            adapters().ordering.uow,
            state,
            pagination_parameters.page,
            pagination_parameters.page_size,
        )
        return [_row(entry) for entry in entries]


@blp.route("/<int:entry_id>/retry")
class OutboxRetry(MethodView):
    @admin_only(blp, 404, 503)
    @blp.response(202)
    def post(self, entry_id: int) -> None:
        """Put a dead entry back to pending and deliver it again (its attempts start over)."""
        outbox.revive(adapters().ordering.delivery, entry_id)
