"""Imports whose job died mid-run (its worker killed or its process stopped): a running import
with no heartbeat for `stall_seconds` is failed, so that nobody waits on it forever."""

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
