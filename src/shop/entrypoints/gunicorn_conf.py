"""gunicorn settings for production: `gunicorn -c python:shop.entrypoints.gunicorn_conf
'shop.entrypoints.wsgi:app'`.

Sizing: one worker process per CPU (at least two) with `GUNICORN_THREADS` (default 4) threads
each, so the API uses every core while waiting on PostgreSQL and Redis: on two cores this
served more than sync workers (`-w 4`) or 4 x 2 threads in every `bench/run` scenario (the
figures are in the README's Benchmarks section). `WEB_CONCURRENCY` sets
the process count, `SHOP_BIND` (or `PORT`) the address.

Shutdown: on SIGTERM gunicorn stops accepting, lets in-flight requests finish for up to
`graceful_timeout` seconds, then exits. Workers are recycled after `max_requests`.

Metrics: `PROMETHEUS_MULTIPROC_DIR` (default: `shop-metrics-<arbiter pid>` in the system temp
folder, removed at exit) is emptied when the server starts, so each run counts from zero, and
a worker that exits is marked dead there: its counts stay in the totals (a recycled worker
loses nothing), its live gauges go.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.config import KNOWN_SETTINGS

from shop.entrypoints.web.log_format import formatter_for
from shop.settings import log_format_from_env


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _supports(setting: str) -> bool:
    return any(s.name == setting for s in KNOWN_SETTINGS)


_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(
        Path(tempfile.gettempdir()) / f"shop-metrics-{os.getpid()}"
    )
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

bind = os.environ.get("SHOP_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = _int("WEB_CONCURRENCY", max(2, os.cpu_count() or 1))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10
accesslog = None  # the app writes one structured line per request (shop.request)
errorlog = "-"
if _supports("control_socket_disable"):
    control_socket_disable = True

_formatter = type(formatter_for(log_format_from_env(os.environ)))
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"shop": {"()": f"{_formatter.__module__}.{_formatter.__qualname__}"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "shop",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # The app's own line per request (shop.request) has the route template and request
        # id; gunicorn's access line, with the raw path, would only repeat it.
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    """A fresh metrics directory: files of an earlier run would be counted again."""
    if METRICS_DIR.exists():
        shutil.rmtree(METRICS_DIR)
    METRICS_DIR.mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    # Imported here, once PROMETHEUS_MULTIPROC_DIR is set: prometheus-client picks its
    # single- or multi-process value store when first imported.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
