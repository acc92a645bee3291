"""One line per event on stderr: JSON (the default outside development) or text."""

from __future__ import annotations

import logging
import os
import sys

from shop.entrypoints.web.log_format import formatter_for
from shop.settings import log_format_from_env


def configure_logging() -> None:
    """Root logging from SHOP_LOG_LEVEL and SHOP_LOG_FORMAT (json or text)."""
    level = os.environ.get("SHOP_LOG_LEVEL", "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter_for(log_format_from_env(os.environ)))
    logging.basicConfig(level=level, handlers=[handler], force=True)
