"""Responses without a body (204, 304) carry no Content-Type: there is nothing to describe."""

from __future__ import annotations

from flask import Flask, Response

BODYLESS = (204, 304)


def drop_content_type_without_body(response: Response) -> Response:
    if response.status_code in BODYLESS:
        response.headers.pop("Content-Type", None)
    return response


def init_responses(app: Flask) -> None:
    app.after_request(drop_content_type_without_body)
