"""scripts/run: a busy port stops it before any data is touched; the demo admin's password is
generated once into SHOP_DATA_DIR and the same at every start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "scripts" / "run"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    return {**env, "SHOP_DATA_DIR": str(data_dir)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_busy_port_stops_it_before_any_data_is_touched(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [str(RUN), "--port", str(port)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    assert f"127.0.0.1:{port} is busy" in result.stderr
    assert list(tmp_path.iterdir()) == []


def _start_and_read_admin(data_dir: Path) -> str:
    process = subprocess.Popen(
        [str(RUN), "--port", str(_free_port())],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 300
        for line in process.stdout:
            if line.startswith("Demo admin:"):
                return line.split()[4]
            assert time.monotonic() < deadline, "scripts/run printed no demo admin"
        raise AssertionError(f"scripts/run ended with status {process.wait()}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_the_demo_admin_password_is_kept_across_starts(tmp_path: Path) -> None:
    first = _start_and_read_admin(tmp_path)
    assert (tmp_path / "demo-admin-password").read_text().strip() == first
    assert _start_and_read_admin(tmp_path) == first
