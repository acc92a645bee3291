"""/api/v1/attributes: run-time attributes (Color, Memory...) and their values."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only, public_read
from shop.entrypoints.api.catalog.schemas import (
    AttributeCreateSchema,
    AttributeSchema,
    AttributeValueCreateSchema,
    AttributeValueSchema,
)
from shop.entrypoints.web.auth import api_actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog import attributes, reads

blp = Blueprint(
    "attributes",
    __name__,
    url_prefix="/api/v1/attributes",
    description="Variant attributes and their values",
)


@blp.route("")
class Attributes(MethodView):
    @public_read(blp)
    @blp.response(200, AttributeSchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, pagination_parameters: PaginationParameters) -> Any:
        """List the attributes, by name, each with its values."""
        rows, pagination_parameters.item_count = reads.list_attributes(
            adapters().catalog.queries, pagination_parameters.page, pagination_parameters.page_size
        )
        return rows

    @admin_only(blp, 409)
    @blp.arguments(AttributeCreateSchema)
    @blp.response(201, AttributeSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create an attribute; 409 if one has that name in any letter case."""
        a = adapters()
        return attributes.create_attribute(
            a.catalog.uow, a.catalog.version, body["name"], actor=api_actor(), clock=a.clock
        )


@blp.route("/<int:attribute_id>/values")
class AttributeValues(MethodView):
    @admin_only(blp, 404, 409)
    @blp.arguments(AttributeValueCreateSchema)
    @blp.response(201, AttributeValueSchema)
    def post(self, body: dict[str, Any], attribute_id: int) -> Any:
        """Add a value to an attribute; 409 if it has that value in any letter case."""
        a = adapters()
        return attributes.add_attribute_value(
            a.catalog.uow,
            a.catalog.version,
            attribute_id,
            body["value"],
            actor=api_actor(),
            clock=a.clock,
        )
