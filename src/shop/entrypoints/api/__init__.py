"""The HTTP API: flask-smorest wiring shared by every resource blueprint."""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema

from shop.entrypoints.api.pagination import (
    WINDOWED_PAGINATION_HEADER,
    windowed_pagination_metadata,
)
from shop.entrypoints.api.schemas import ProblemSchema
from shop.entrypoints.web.arguments import ShopArgumentsParser
from shop.entrypoints.web.fast_dump import use_compiled_dump
from shop.entrypoints.web.problems import PROBLEM_JSON

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# Component response names (Python 3.13 renamed some statuses, e.g. 422's).
UNAUTHORIZED = http.HTTPStatus(401).name
FORBIDDEN = http.HTTPStatus(403).name
NOT_FOUND = http.HTTPStatus(404).name
CONFLICT = http.HTTPStatus(409).name
UNPROCESSABLE = http.HTTPStatus(422).name
NOT_MODIFIED = http.HTTPStatus(304).name
UNAVAILABLE = http.HTTPStatus(503).name
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint whose arguments pass `ShopArgumentsParser`'s checks."""

    ARGUMENTS_PARSER = ShopArgumentsParser()
    PAGINATION_ARGUMENTS_PARSER = ShopArgumentsParser()

    @staticmethod
    def _make_pagination_metadata(page: int, page_size: int, item_count: int) -> dict[str, Any]:
        return windowed_pagination_metadata(page, page_size, item_count)

    def response(self, status_code: Any, schema: Any = None, **kwargs: Any) -> Any:
        """flask-smorest's response decorator; a response schema dumps read models through
        `use_compiled_dump` (the same body, a fraction of the Python)."""
        if isinstance(schema, type) and issubclass(schema, Schema):
            schema = schema()
        if isinstance(schema, Schema):
            schema = use_compiled_dump(schema)
        return super().response(status_code, schema, **kwargs)


class ShopApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting errors as problem+json (rendered by shop.problems)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_pagination_header(self) -> None:
        self.spec.components.header("PAGINATION", WINDOWED_PAGINATION_HEADER, lazy=True)

    def _register_error_handlers(self) -> None:
        """Errors are handled by `shop.entrypoints.web.problems`, registered by the app factory."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)
