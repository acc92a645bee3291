"""Imports whose job was lost or died mid-run, so that nobody waits on them forever.

A running import with no heartbeat for `stall_seconds` (its worker was killed or its process
stopped) is failed. A queued import still waiting `stall_seconds` after it was handed to the
queue may have lost its job (the queue's data was lost, or the hand-over failed after the
upload was stored): it is handed to the queue again. That is safe when the job was only late,
because a job starts its import only if it is still queued (a second job does nothing).
"""

from __future__ import annotations

from datetime import timedelta

from shop.services.catalog.imports.run import ImportDependencies

STALLED = (
    "the import stopped before it finished (the worker running it was stopped or killed); "
    "nothing was changed: upload the file again"
)


def fail_stalled_imports(deps: ImportDependencies, import_id: int | None = None) -> int:
    """Fail every stalled running import (or only `import_id`); how many were failed."""
    now = deps.clock.now()
    silent_since = now - timedelta(seconds=deps.stall_seconds)
    return deps.records.fail_stalled(silent_since, STALLED, now, import_id)


def requeue_lost_imports(deps: ImportDependencies, import_id: int | None = None) -> int:
    """Hand every import queued for `stall_seconds` (or only `import_id`) to the queue again,
    at most once per `stall_seconds` each; how many were handed."""
    now = deps.clock.now()
    lost = deps.records.requeue_lost(now - timedelta(seconds=deps.stall_seconds), now, import_id)
    for found in lost:
        deps.jobs.enqueue(found)
    return len(lost)
