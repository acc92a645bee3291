"""The API worker's RSS after the run: the largest among the shop's gunicorn worker processes,
read as each shop server's scenarios end (target at most 80 MB)."""

from __future__ import annotations

from typing import Any

from bench.process_stats import processes, rss_kb
from bench.report_output import render_table

TARGET_MB = 80.0


def worker_rss_kb(base: str) -> int:
    """The largest RSS among the worker processes of the gunicorn serving `base` (the
    children of its arbiter; each has the arbiter's command line)."""
    bind = base.removeprefix("http://")
    serving = set(processes(lambda _, cmd: "gunicorn" in cmd and bind in cmd.split()))
    workers = processes(lambda ppid, _: ppid in serving)
    return max((rss_kb(pid) for pid in workers), default=0)


def judge_rss(by_server: dict[str, int]) -> dict[str, Any] | None:
    """The row of the JSON results, or None when no shop server ran. `by_server` holds each
    server's figure after its scenarios (named by the server) and when it was ready (named
    "<server> at start"); the verdict is on the former."""
    measured = {name: kb for name, kb in by_server.items() if kb}
    after = [kb for name, kb in measured.items() if not name.endswith(" at start")]
    if not after:
        return None
    largest = max(after) / 1024
    return {
        "what": "largest RSS among the shop's gunicorn workers at the end of their scenarios",
        "by_server_mb": {name: round(kb / 1024, 1) for name, kb in measured.items()},
        "max_mb": round(largest, 1),
        "target": f"<={TARGET_MB:g} MB",
        "target_met": largest <= TARGET_MB,
    }


def rss_table(row: dict[str, Any]) -> str:
    servers = ", ".join(f"{name} {mb:.1f}" for name, mb in row["by_server_mb"].items())
    return render_table(
        ["row", "MB", "servers (MB)", "target", "result"],
        [
            [
                "api_worker_rss",
                f"{row['max_mb']:.1f}",
                servers,
                row["target"],
                "ok" if row["target_met"] else "MISS",
            ]
        ],
    )
