"""/api/v1/products: search and read (public), create, update and delete (admin)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only, public_read
from shop.entrypoints.api.catalog.query import ProductQuerySchema
from shop.entrypoints.api.catalog.schemas import (
    ProductCreateSchema,
    ProductSchema,
    ProductSummarySchema,
    ProductUpdateSchema,
)
from shop.entrypoints.web.auth import api_actor, viewer_is_admin
from shop.entrypoints.web.context import adapters
from shop.services.catalog import products, reads
from shop.services.catalog.ports import ProductSearch

blp = Blueprint("products", __name__, url_prefix="/api/v1/products", description="Products")


@blp.route("")
class Products(MethodView):
    @public_read(blp)
    @blp.arguments(ProductQuerySchema, location="query")
    @blp.response(200, ProductSummarySchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, search: ProductSearch, pagination_parameters: PaginationParameters) -> Any:
        """Search the products: text, category, price range, attributes, stock; sorted."""
        search = replace(search, include_inactive=viewer_is_admin())
        page = pagination_parameters
        rows, page.item_count = reads.list_products(
            adapters().catalog.queries, search, page.page, page.page_size
        )
        return rows

    @admin_only(blp, 409)
    @blp.arguments(ProductCreateSchema)
    @blp.response(201, ProductSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a product (add its variants next); 422 for an unknown category_id."""
        a = adapters()
        product = products.create_product(
            a.catalog.uow, a.catalog.version, a.clock, **body, actor=api_actor()
        )
        return reads.get_product(a.catalog.queries, _id(product.id), include_inactive=True)


@blp.route("/<int:product_id>")
class ProductItem(MethodView):
    @public_read(blp, 404)
    @blp.response(200, ProductSchema)
    def get(self, product_id: int) -> Any:
        """A product with its variants (404 for an inactive one, except for admins)."""
        return reads.get_product(adapters().catalog.queries, product_id, viewer_is_admin())

    @admin_only(blp, 404, 409)
    @blp.arguments(ProductUpdateSchema)
    @blp.response(200, ProductSchema)
    def patch(self, body: dict[str, Any], product_id: int) -> Any:
        """Change a product's fields; is_active false hides it from customers."""
        a = adapters()
        products.update_product(
            a.catalog.uow, a.catalog.version, a.clock, product_id, **body, actor=api_actor()
        )
        return reads.get_product(a.catalog.queries, product_id, include_inactive=True)

    @admin_only(blp, 404)
    @blp.response(204)
    def delete(self, product_id: int) -> None:
        """Delete a product; one that was ever ordered is deactivated instead."""
        a = adapters()
        products.delete_product(
            a.catalog.uow, a.catalog.version, a.clock, product_id, actor=api_actor()
        )


def _id(value: int | None) -> int:
    assert value is not None, "a committed entity has an id"
    return value
