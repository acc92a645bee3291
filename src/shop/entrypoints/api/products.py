"""/api/v1/products: search and read (public), create, update and delete (admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog_docs import admin_only, public_read
from shop.entrypoints.auth import viewer_is_admin
from shop.entrypoints.context import adapters
from shop.entrypoints.schemas.catalog import (
    ProductCreateSchema,
    ProductQuerySchema,
    ProductSchema,
    ProductSummarySchema,
    ProductUpdateSchema,
)
from shop.services import catalog
from shop.services.ports import ProductSearch

blp = Blueprint("products", __name__, url_prefix="/api/v1/products", description="Products")


@blp.route("")
class Products(MethodView):
    @public_read(blp)
    @blp.arguments(ProductQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, ProductSummarySchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, pagination_parameters: PaginationParameters, **query: Any) -> Any:
        """Search the products: text, category, price range, attributes, stock; sorted."""
        search = ProductSearch(
            q=query.get("q"),
            category=query.get("category"),
            min_price=query.get("min_price"),
            max_price=query.get("max_price"),
            attributes=query.get("attr", ()),
            in_stock=query.get("in_stock"),
            sort=query["sort"],
            include_inactive=viewer_is_admin(),
        )
        rows, pagination_parameters.item_count = catalog.list_products(
            adapters().catalog_queries,
            search,
            pagination_parameters.page,
            pagination_parameters.page_size,
        )
        return rows

    @admin_only(blp, 409)
    @blp.arguments(ProductCreateSchema)
    @blp.response(201, ProductSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a product (add its variants next); 422 for an unknown category_id."""
        a = adapters()
        product = catalog.create_product(a.uow, a.catalog_version, **body)
        return catalog.get_product(a.catalog_queries, _id(product.id), include_inactive=True)


@blp.route("/<int:product_id>")
class ProductItem(MethodView):
    @public_read(blp, 404)
    @blp.response(200, ProductSchema)
    def get(self, product_id: int) -> Any:
        """A product with its variants (404 for an inactive one, except for admins)."""
        return catalog.get_product(adapters().catalog_queries, product_id, viewer_is_admin())

    @admin_only(blp, 404, 409)
    @blp.arguments(ProductUpdateSchema)
    @blp.response(200, ProductSchema)
    def patch(self, body: dict[str, Any], product_id: int) -> Any:
        """Change a product's fields; is_active false hides it from customers."""
        a = adapters()
        catalog.update_product(a.uow, a.catalog_version, product_id, **body)
        return catalog.get_product(a.catalog_queries, product_id, include_inactive=True)

    @admin_only(blp, 404)
    @blp.response(204)
    def delete(self, product_id: int) -> None:
        """Delete a product; one that was ever ordered is deactivated instead."""
        a = adapters()
        catalog.delete_product(a.uow, a.catalog_version, product_id)


def _id(value: int | None) -> int:
    assert value is not None, "a committed entity has an id"
    return value
