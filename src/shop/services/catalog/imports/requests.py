"""Admin use cases of catalog imports: upload a file (always checked by a dry run first),
read an import's report, and apply a finished dry run."""

from __future__ import annotations

from shop.domain.audit import Actor
from shop.domain.errors import Conflict, NotFound
from shop.services.catalog.imports.files import Readable, UploadedFile, read_chunks, sha256_of
from shop.services.catalog.imports.ports import ImportMode, ImportRecord, ImportState
from shop.services.catalog.imports.run import ImportDependencies, has_errors
from shop.services.catalog.imports.stalls import fail_stalled_imports, requeue_lost_imports
from shop.services.common import Row


def start_import(
    deps: ImportDependencies, source: Readable, mode: ImportMode, actor: Actor
) -> ImportRecord:
    """Store the file read from `source` (chunk by chunk, never whole in memory) and queue
    its dry run (and, in `apply` mode, its apply when the dry run finds no error). Raises
    TooLarge, with nothing stored, when the file passes the size limit."""
    file = UploadedFile(source, deps.max_bytes)
    import_id = deps.records.add(mode, file, actor, deps.clock.now())
    deps.jobs.enqueue(import_id)
    return load_import(deps, import_id)


def load_import(deps: ImportDependencies, import_id: int) -> ImportRecord:
    record = deps.records.get(import_id)
    if record is None:
        raise NotFound(f"No import with id {import_id}.")
    return record


def import_report(deps: ImportDependencies, import_id: int) -> Row:
    """The import as the API shows it; rows_done is live while it runs, and a running import
    whose job died (no heartbeat for the stall time) is failed first, and a queued one
    whose job was lost is handed to the queue again. Raises NotFound."""
    record = load_import(deps, import_id)
    if record.state is ImportState.RUNNING and fail_stalled_imports(deps, import_id):
        record = load_import(deps, import_id)
    elif record.state is ImportState.QUEUED and requeue_lost_imports(deps, import_id):
        record = load_import(deps, import_id)
    result = record.result
    rows_total, rows_done = result.rows_total, result.rows_total
    if record.state in (ImportState.QUEUED, ImportState.RUNNING):
        live = deps.progress.get(import_id) if record.state is ImportState.RUNNING else None
        rows_total, rows_done = live if live is not None else (0, 0)
    return {
        "id": record.id,
        "state": str(record.state),
        "mode": str(record.mode),
        "rows_total": rows_total,
        "rows_done": rows_done,
        "counts": dict(result.counts),
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in result.errors],
        "failure": record.failure,
        "created_at": record.created_at,
        "actor_email": record.actor.email,
    }


def apply_import(
    deps: ImportDependencies, import_id: int, source: Readable | None = None
) -> ImportRecord:
    """Queue the apply of a finished dry run without errors. When a file is sent (`source`)
    it must be the very file that was checked (the job checks the stored file's hash again,
    so the stored file is never read here). Raises NotFound or Conflict."""
    record = load_import(deps, import_id)
    if source is not None and sha256_of(read_chunks(source)) != record.file_sha256:
        raise Conflict("This is not the file the dry run checked; upload it as a new import.")
    if record.mode is not ImportMode.DRY_RUN or record.state is not ImportState.DONE:
        raise Conflict(f"Only a finished dry run can be applied (this one is {record.state}).")
    if has_errors(record.result):
        raise Conflict("The dry run found errors: fix the file and upload it again.")
    if not deps.records.claim(import_id, ImportMode.APPLY, [ImportState.DONE], deps.clock.now()):
        raise Conflict("This import is already being applied.")
    deps.jobs.enqueue(import_id)
    return load_import(deps, import_id)
