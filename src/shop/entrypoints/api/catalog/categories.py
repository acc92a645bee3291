"""/api/v1/categories: public list; admin create, update and delete."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only, public_read
from shop.entrypoints.api.catalog.schemas import (
    CategoryCreateSchema,
    CategorySchema,
    CategoryUpdateSchema,
)
from shop.entrypoints.web.auth import api_actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog import categories, reads

blp = Blueprint(
    "categories", __name__, url_prefix="/api/v1/categories", description="Product categories"
)


@blp.route("")
class Categories(MethodView):
    @public_read(blp)
    @blp.response(200, CategorySchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, pagination_parameters: PaginationParameters) -> Any:
        """List the categories, by name."""
        rows, pagination_parameters.item_count = reads.list_categories(
            adapters().catalog.queries, pagination_parameters.page, pagination_parameters.page_size
        )
        return rows

    @admin_only(blp, 409)
    @blp.arguments(CategoryCreateSchema)
    @blp.response(201, CategorySchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a category; without a slug, one is derived from the name (made unique)."""
        a = adapters()
        return categories.create_category(
            a.catalog.uow,
            a.catalog.version,
            body["name"],
            body.get("slug"),
            actor=api_actor(),
            clock=a.clock,
        )


@blp.route("/<int:category_id>")
class CategoryItem(MethodView):
    @admin_only(blp, 404, 409)
    @blp.arguments(CategoryUpdateSchema)
    @blp.response(200, CategorySchema)
    def patch(self, body: dict[str, Any], category_id: int) -> Any:
        """Rename a category or change its slug (409 if that slug is taken)."""
        a = adapters()
        return categories.update_category(
            a.catalog.uow, a.catalog.version, category_id, **body, actor=api_actor(), clock=a.clock
        )

    @admin_only(blp, 404, 409)
    @blp.response(204)
    def delete(self, category_id: int) -> None:
        """Delete a category; 409 while products are in it."""
        a = adapters()
        categories.delete_category(
            a.catalog.uow, a.catalog.version, category_id, actor=api_actor(), clock=a.clock
        )
