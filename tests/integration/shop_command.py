"""Run the `shop` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys


def shop(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shop.entrypoints.cli", *args],
        # The payment provider must be explicit in production; tests take no real money.
        env={"SHOP_PAYMENT_PROVIDER": "test", **os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
