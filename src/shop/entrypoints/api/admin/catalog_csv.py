"""/api/v1/admin/catalog: the catalog CSV, exported (streamed) and imported (dry run first)."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Response, request, stream_with_context
from flask.views import MethodView
from marshmallow import EXCLUDE, fields, validate

from shop.domain.errors import ValidationFailed
from shop.entrypoints.api import Blueprint
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.api.catalog.query import ProductQuerySchema
from shop.entrypoints.api.schemas import ShopSchema
from shop.entrypoints.web.auth import api_actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog.exports import export_csv
from shop.services.catalog.imports.ports import ImportMode
from shop.services.catalog.imports.requests import (
    apply_import,
    import_report,
    start_import,
)
from shop.services.catalog.ports import ProductSearch

blp = Blueprint(
    "admin_catalog_csv", __name__, url_prefix="/api/v1/admin/catalog", description="Admin: CSV"
)

FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the mode field around the file


@blp.before_request
def _allow_large_files() -> None:
    """Imports may upload up to SHOP_IMPORT_MAX_BYTES (other requests keep the 1 MiB limit)."""
    if request.method == "POST" and request.path.rstrip("/").endswith("/imports"):
        limit = adapters().catalog.imports.max_bytes
        request.max_content_length = limit + FORM_OVERHEAD_BYTES


class ExportQuerySchema(ProductQuerySchema):
    class Meta:
        unknown = EXCLUDE


class UploadSchema(ShopSchema):
    class Meta:
        unknown = EXCLUDE

    mode = fields.String(
        load_default=ImportMode.DRY_RUN.value,
        validate=validate.OneOf([m.value for m in ImportMode]),
        metadata={"description": "dry_run (default): check only; apply: check, then apply"},
    )


FILE = {"type": "string", "format": "binary", "description": "the catalog CSV (UTF-8)"}
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": FILE,
                    "mode": {"type": "string", "enum": ["dry_run", "apply"], "default": "dry_run"},
                },
            }
        }
    },
}
APPLY_BODY = {
    "required": False,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": FILE}},
        }
    },
}


def _uploaded(required: bool) -> IO[bytes] | None:
    """The uploaded file's stream (Werkzeug spools a large one to a temporary file), read
    in chunks by the use case."""
    upload = request.files.get("file")
    if upload is None:
        if required:
            raise ValidationFailed({"file": ["Attach the CSV file as the form field 'file'."]})
        return None
    return upload.stream


class ImportStartedSchema(ShopSchema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    mode = fields.String(required=True, metadata={"enum": ["dry_run", "apply"]})


class RowErrorSchema(ShopSchema):
    row = fields.Integer(required=True, metadata={"description": "1 is the header row"})
    field = fields.String(required=True)
    message = fields.String(required=True)


class CountsSchema(ShopSchema):
    create = fields.Integer(required=True)
    update = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    error = fields.Integer(required=True)


class ImportSchema(ImportStartedSchema):
    rows_total = fields.Integer(required=True)
    rows_done = fields.Integer(required=True)
    counts = fields.Nested(CountsSchema, required=True)
    errors = fields.List(fields.Nested(RowErrorSchema), required=True)
    failure = fields.String(
        required=True, allow_none=True, metadata={"description": "why a failed import stopped"}
    )
    created_at = fields.DateTime(required=True)


def _started(record: Any) -> dict[str, Any]:
    return {"id": record.id, "state": str(record.state), "mode": str(record.mode)}


@blp.route("/export")
class CatalogExport(MethodView):
    @admin_only(blp)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="The catalog CSV, streamed")
    def get(self, search: ProductSearch) -> Response:
        """The catalog CSV of the products the product list's filters match (inactive too)."""
        chunks = export_csv(adapters().catalog.export, search)
        return Response(
            stream_with_context(chunks),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="catalog.csv"'},
        )


@blp.route("/imports")
class CatalogImports(MethodView):
    @admin_only(blp, 413, 422)
    @blp.arguments(UploadSchema, location="form")
    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(202, ImportStartedSchema)
    def post(self, form: dict[str, Any]) -> dict[str, Any]:
        """Upload a catalog CSV: a dry run checks every row (and `apply` then applies it)."""
        source = _uploaded(required=True) or io.BytesIO()
        mode = ImportMode(form["mode"])
        return _started(start_import(adapters().catalog.imports, source, mode, api_actor()))


@blp.route("/imports/<int:import_id>")
class CatalogImport(MethodView):
    @admin_only(blp, 404)
    @blp.response(200, ImportSchema)
    def get(self, import_id: int) -> dict[str, Any]:
        """The import's state, progress (rows_done of rows_total) and report."""
        return import_report(adapters().catalog.imports, import_id)


@blp.route("/imports/<int:import_id>/apply")
class CatalogImportApply(MethodView):
    @admin_only(blp, 404, 409)
    @blp.doc(requestBody=APPLY_BODY)
    @blp.response(202, ImportStartedSchema)
    def post(self, import_id: int) -> dict[str, Any]:
        """Apply a finished dry run without errors, in one transaction (all or nothing).
        If a file is sent, it must be the one the dry run checked."""
        source = _uploaded(required=False)
        record = apply_import(adapters().catalog.imports, import_id, source)
        return _started(record)
