"""/api/v1/variants/{id}/stock-adjustments: relative, guarded stock changes and the ledger."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from marshmallow import ValidationError, fields, validate

from shop.domain.catalog.stock import MAX_REASON
from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.api.catalog.fields import MAX_STOCK
from shop.entrypoints.api.schemas import ProblemSchema, ShopSchema, StrictSchema
from shop.entrypoints.web.auth import api_actor
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.problems import PROBLEM_JSON
from shop.services.catalog import stock

blp = Blueprint("stock", __name__, url_prefix="/api/v1", description="Stock adjustments")


def _non_zero(value: int) -> None:
    if value == 0:
        raise ValidationError("Must not be zero.")


class StockAdjustmentCreateSchema(StrictSchema):
    delta = fields.Integer(
        required=True,
        strict=True,
        validate=[validate.Range(min=-MAX_STOCK, max=MAX_STOCK), _non_zero],
        metadata={"description": "Units to add (negative to remove); never zero."},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON))


class StockAdjustmentSchema(ShopSchema):
    id = fields.Integer(required=True)
    variant_id = fields.Integer(required=True)
    delta = fields.Integer(required=True)
    reason = fields.String(required=True)
    stock_after = fields.Integer(required=True)
    actor_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class BelowZeroProblemSchema(ProblemSchema):
    available = fields.Integer(metadata={"description": "The stock now."})


BELOW_ZERO = {
    "schema": BelowZeroProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "The stock would go below zero: `available` is the stock now. Nothing "
    "was changed.",
}


@blp.route("/variants/<int:variant_id>/stock-adjustments")
class StockAdjustments(MethodView):
    @admin_only(blp, 404)
    @blp.alt_response(409, **BELOW_ZERO)
    @blp.arguments(StockAdjustmentCreateSchema)
    @blp.response(201, StockAdjustmentSchema)
    def post(self, body: dict[str, Any], variant_id: int) -> Any:
        """Change the stock by `delta` in one guarded update, recorded in the ledger with
        who, when, why and the resulting level. 409 with `available` when the result would
        be below zero; concurrent adjustments and checkouts add up exactly."""
        a = adapters()
        return stock.adjust_stock(
            a.catalog.uow, a.clock, variant_id, body["delta"], body["reason"], actor=api_actor()
        )

    @admin_only(blp, 404)
    @blp.response(200, StockAdjustmentSchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, variant_id: int, pagination_parameters: PaginationParameters) -> Any:
        """The variant's stock ledger, newest first."""
        page = pagination_parameters
        rows, page.item_count = stock.stock_ledger(
            adapters().catalog.queries, variant_id, page.page, page.page_size
        )
        return rows
