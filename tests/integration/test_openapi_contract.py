"""Schemathesis explores every operation of the app's own /openapi.json (bounded).

It checks that no request, however odd, gets a server error, and that every response matches
the documented schema and content type.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integration.apps import Api, AppFactory
from tests.integration.live_server import serve_in_thread
from tests.support.stripe_emulator import StripeEmulator

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
MAX_EXAMPLES = 25
TIME_LIMIT_SECONDS = 420


def run_schemathesis(
    base_url: str, token: str, *only_paths: str
) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("st")
    narrowed = [arg for path in only_paths for arg in ("--include-path", path)]
    return subprocess.run(
        [
            str(st),
            "run",
            f"{base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--phases",
            "examples,coverage,fuzzing",
            "--header",
            f"Authorization: Bearer {token}",
            # Logout would revoke the token every other operation is explored with; its own
            # tests cover it.
            "--exclude-path",
            "/api/v1/auth/logout",
            "--request-timeout",
            "10",
            "--seed",
            "20261126",
            "--no-color",
            *narrowed,
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_SECONDS,
        check=False,
    )


def test_schemathesis_finds_no_server_error_nor_schema_mismatch(
    make_app: AppFactory, backend: str
) -> None:
    """On the embedded default and on PostgreSQL + Redis: each backend fails its own way."""
    app = make_app(backend)
    api = Api(client=app.test_client(), app=app)
    token = api.admin_headers()["Authorization"].removeprefix("Bearer ")
    with serve_in_thread(app) as base_url:
        result = run_schemathesis(base_url, token)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20000:]
    assert "Tested:" in report, report[-2000:]
    # Only the refresh operation wants another kind of token than the admin's access token.
    assert "GET /api/v1/auth/me" not in report.split("Authentication failed")[-1], report[-3000:]


def test_the_stripe_webhook_refuses_whatever_schemathesis_sends(
    make_app: AppFactory, stripe_emulator: StripeEmulator
) -> None:
    """With the stripe provider configured, nothing unsigned gets past the signature (400)."""
    app = make_app(
        "embedded",
        payment_provider="stripe",
        stripe_api_key="sk_test_shop",
        stripe_webhook_secret="whsec_contract",
        stripe_api_base=stripe_emulator.url,
    )
    with serve_in_thread(app) as base_url:
        result = run_schemathesis(base_url, "none", "/api/v1/payments/stripe/webhook")
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20000:]
    assert "Tested:" in report, report[-2000:]
    assert "Selected: 1/" in report, report[-3000:]
    assert "Tested: 1" in report, report[-3000:]
