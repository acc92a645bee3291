"""Plain HTTP to 127.0.0.1 (set-up requests only; the load is wrk's)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from bench.processes import LOOPBACK

HTTP_TIMEOUT = 10.0


def http(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> tuple[int, dict[str, str], Any]:
    """One request; (status, headers, JSON body or text). Status 0 when nothing answered."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"the bench only talks to {LOOPBACK}: {url}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), _decode(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), _decode(exc.read())
    except (OSError, urllib.error.URLError):
        return 0, {}, None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:300]
