"""Variants: /api/v1/products/{id}/variants (admin create), /api/v1/variants/{id}."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from shop.entrypoints.api import Blueprint
from shop.entrypoints.api.catalog.docs import admin_only, public_read
from shop.entrypoints.api.catalog.schemas import (
    VariantCreateSchema,
    VariantSchema,
    VariantUpdateSchema,
)
from shop.entrypoints.web.auth import api_actor, viewer_is_admin
from shop.entrypoints.web.context import adapters
from shop.services.catalog import reads, variants

blp = Blueprint("variants", __name__, url_prefix="/api/v1", description="Product variants")


@blp.route("/products/<int:product_id>/variants")
class ProductVariants(MethodView):
    @admin_only(blp, 404, 409)
    @blp.arguments(VariantCreateSchema)
    @blp.response(201, VariantSchema)
    def post(self, body: dict[str, Any], product_id: int) -> Any:
        """Add a variant. Attributes are given by name and must exist (422 naming the
        unknown one); 409 for a SKU used anywhere or a repeated attribute combination."""
        a = adapters()
        variant = variants.add_variant(
            a.catalog.uow, a.catalog.version, a.clock, product_id, **body, actor=api_actor()
        )
        assert variant.id is not None
        return reads.get_variant(a.catalog.queries, variant.id, include_inactive=True)


@blp.route("/variants/<int:variant_id>")
class VariantItem(MethodView):
    @public_read(blp, 404)
    @blp.response(200, VariantSchema)
    def get(self, variant_id: int) -> Any:
        """A variant (404 when it or its product is inactive, except for admins)."""
        return reads.get_variant(adapters().catalog.queries, variant_id, viewer_is_admin())

    @admin_only(blp, 404, 409)
    @blp.arguments(VariantUpdateSchema)
    @blp.response(200, VariantSchema)
    def patch(self, body: dict[str, Any], variant_id: int) -> Any:
        """Change a variant's SKU, price, stock or activity; never below zero."""
        a = adapters()
        variants.update_variant(
            a.catalog.uow, a.catalog.version, a.clock, variant_id, **body, actor=api_actor()
        )
        return reads.get_variant(a.catalog.queries, variant_id, include_inactive=True)
