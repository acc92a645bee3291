"""Plain, one-line-per-event logs on stderr."""

from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    level = os.environ.get("SHOP_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
