"""The gunicorn config module: sizing, shutdown and the metrics folder (read in a child
process, since importing it sets PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, os, types
from pathlib import Path
import shop.entrypoints.gunicorn_conf as c
c.on_starting(None)
folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
(folder / "counter_77.db").write_text("")
(folder / "gauge_livesum_77.db").write_text("")
c.child_exit(None, types.SimpleNamespace(pid=77))
print(json.dumps({
    "workers": c.workers, "threads": c.threads, "worker_class": c.worker_class,
    "graceful_timeout": c.graceful_timeout, "timeout": c.timeout, "bind": c.bind,
    "control_socket_disable": getattr(c, "control_socket_disable", None),
    "accesslog": c.accesslog, "left": sorted(p.name for p in folder.iterdir()),
}))
"""


def probe(tmp_path: Path, **env: str) -> dict[str, object]:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "stale_from_last_run.db").write_text("")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_defaults_use_every_cpu_and_stop_gracefully(tmp_path: Path) -> None:
    conf = probe(tmp_path)
    assert conf["workers"] == max(2, os.cpu_count() or 1)
    assert (conf["threads"], conf["worker_class"]) == (4, "gthread")
    assert (conf["timeout"], conf["graceful_timeout"]) == (30, 30)
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["control_socket_disable"] is True
    assert conf["accesslog"] is None


def test_the_environment_sizes_it(tmp_path: Path) -> None:
    conf = probe(tmp_path, WEB_CONCURRENCY="3", GUNICORN_THREADS="8", SHOP_BIND="10.0.0.1:9000")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (3, 8, "10.0.0.1:9000")


def test_start_empties_the_metrics_folder_and_a_dead_worker_loses_its_live_gauges(
    tmp_path: Path,
) -> None:
    # the stale file of an earlier run is gone; the dead worker's counter stays in the totals
    assert probe(tmp_path)["left"] == ["counter_77.db"]
