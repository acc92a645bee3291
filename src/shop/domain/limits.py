"""Bounds every feature shares."""

from __future__ import annotations

MAX_INTEGER = 2**31 - 1
"""The largest id or stock count: ids and stock are 32-bit INTEGER columns, so a larger one
names nothing that exists (404) or is refused (422), never a driver overflow."""
