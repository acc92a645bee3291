"""The real clock (kept beside the services' protocol, re-exported for the composition root)."""

from __future__ import annotations

from shop.services.common import SystemClock

__all__ = ["SystemClock"]
