"""The ceiling: the smallest Flask app, served by the same gunicorn setup as the shop.

`gunicorn --pythonpath bench hello_app:app`; every shop scenario is reported as a fraction of
what this app does on the same machine in the same run.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.get("/")
def hello() -> Response:
    return jsonify(hello="world")
