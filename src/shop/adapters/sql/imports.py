"""Catalog imports on SQL: each change of an import's record in a short transaction of its
own, apart from the long transaction that imports the rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from shop.adapters.sql import import_tables, tables
from shop.adapters.sql.engine import connect
from shop.domain.audit import Actor, Source
from shop.domain.catalog.csv_rows import RowError
from shop.services.catalog.imports.files import UploadedFile
from shop.services.catalog.imports.ports import (
    ImportMode,
    ImportRecord,
    ImportResult,
    ImportState,
)

t = import_tables.catalog_imports
chunks_table = import_tables.catalog_import_chunks
CATALOG_TABLES = (
    tables.categories,
    tables.attributes,
    tables.attribute_values,
    tables.products,
    tables.variants,
    tables.variant_attribute_values,
    tables.stock_adjustments,
)


def _report(result: ImportResult) -> dict[str, Any]:
    return {
        "counts": result.counts,
        "errors": [[e.row, e.field, e.message] for e in result.errors],
        "seen_stock": result.seen_stock,
    }


def _result(rows_total: int, report: dict[str, Any]) -> ImportResult:
    result = ImportResult(rows_total=rows_total)
    result.counts.update(report.get("counts", {}))
    result.errors = [RowError(*e) for e in report.get("errors", [])]
    result.seen_stock = dict(report.get("seen_stock", {}))
    return result


class SqlImportRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, mode: ImportMode, file: UploadedFile, actor: Actor, at: datetime) -> int:
        """One transaction: the record, then each chunk as it is read (one in memory at a
        time), then the hash; a file refused half-way (TooLarge) leaves nothing."""
        statement = insert(t).values(
            state=str(ImportState.QUEUED),
            mode=str(mode),
            file_sha256="",
            actor_id=actor.user_id,
            actor_email=actor.email,
            created_at=at,
            report=_report(ImportResult()),
        )
        with connect(self.engine) as connection, connection.begin():
            import_id = int(connection.execute(statement.returning(t.c.id)).scalar_one())
            for seq, chunk in enumerate(file.chunks()):
                connection.execute(
                    insert(chunks_table).values(import_id=import_id, seq=seq, data=chunk)
                )
            sealed = update(t).where(t.c.id == import_id).values(file_sha256=file.sha256)
            connection.execute(sealed)
        return import_id

    def get(self, import_id: int) -> ImportRecord | None:
        with connect(self.engine) as connection:
            row = connection.execute(select(t).where(t.c.id == import_id)).first()
        if row is None:
            return None
        return ImportRecord(
            id=row.id,
            state=ImportState(row.state),
            mode=ImportMode(row.mode),
            file_sha256=row.file_sha256,
            actor=Actor(row.actor_id, row.actor_email, Source.IMPORT),
            created_at=row.created_at,
            result=_result(row.rows_total, row.report),
            failure=row.failure,
        )

    def chunks(self, import_id: int) -> Iterator[bytes]:
        """One short query per chunk: nothing is held open between two chunks."""
        c = chunks_table.c
        for seq in itertools.count():
            query = select(c.data).where(c.import_id == import_id, c.seq == seq)
            with connect(self.engine) as connection:
                data = connection.scalar(query)
            if data is None:
                return
            yield bytes(data)

    def claim(
        self, import_id: int, mode: ImportMode, allowed: Iterable[ImportState], at: datetime
    ) -> bool:
        statement = (
            update(t)
            .where(t.c.id == import_id, t.c.mode != str(mode))
            .where(t.c.state.in_([str(s) for s in allowed]))
            .values(mode=str(mode), state=str(ImportState.QUEUED), heartbeat_at=at)
        )
        return self._changed(statement)

    def start(self, import_id: int, at: datetime) -> bool:
        statement = (
            update(t)
            .where(t.c.id == import_id, t.c.state == str(ImportState.QUEUED))
            .values(state=str(ImportState.RUNNING), heartbeat_at=at)
        )
        return self._changed(statement)

    def beat(self, import_id: int, at: datetime) -> None:
        running = t.c.state == str(ImportState.RUNNING)
        self._changed(update(t).where(t.c.id == import_id, running).values(heartbeat_at=at))

    def finish(
        self,
        import_id: int,
        state: ImportState,
        result: ImportResult,
        at: datetime,
        failure: str | None = None,
    ) -> None:
        not_failed_meanwhile = t.c.state.in_([str(ImportState.RUNNING), str(ImportState.DONE)])
        statement = (
            update(t)
            .where(t.c.id == import_id, not_failed_meanwhile)
            .values(
                state=str(state),
                rows_total=result.rows_total,
                report=_report(result),
                finished_at=at,
                failure=failure,
            )
        )
        self._changed(statement)

    def fail_stalled(
        self, silent_since: datetime, failure: str, at: datetime, import_id: int | None = None
    ) -> int:
        silent = or_(t.c.heartbeat_at.is_(None), t.c.heartbeat_at < silent_since)
        statement = update(t).where(t.c.state == str(ImportState.RUNNING), silent)
        if import_id is not None:
            statement = statement.where(t.c.id == import_id)
        values = {"state": str(ImportState.FAILED), "failure": failure, "finished_at": at}
        with connect(self.engine) as connection, connection.begin():
            return int(connection.execute(statement.values(**values)).rowcount)

    def requeue_lost(
        self, queued_before: datetime, at: datetime, import_id: int | None = None
    ) -> list[int]:
        """While queued, heartbeat_at is when the import was last handed to the queue (unset:
        at its upload). One UPDATE ... RETURNING: a concurrent sweep's UPDATE re-checks the
        condition after this one commits, and finds the new mark."""
        handed_at = func.coalesce(t.c.heartbeat_at, t.c.created_at)
        statement = update(t).where(t.c.state == str(ImportState.QUEUED), handed_at < queued_before)
        if import_id is not None:
            statement = statement.where(t.c.id == import_id)
        with connect(self.engine) as connection, connection.begin():
            rows = connection.execute(statement.values(heartbeat_at=at).returning(t.c.id))
            return sorted(int(row.id) for row in rows)

    def _changed(self, statement: Any) -> bool:
        with connect(self.engine) as connection, connection.begin():
            return bool(connection.execute(statement).rowcount)


class SqlImportSettlement:
    """An import's end written in the unit of work's own transaction (see ImportSettlement)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def settle(self, import_id: int, result: ImportResult, at: datetime) -> bool:
        statement = (
            update(t)
            .where(t.c.id == import_id, t.c.state == str(ImportState.RUNNING))
            .values(
                state=str(ImportState.DONE),
                rows_total=result.rows_total,
                report=_report(result),
                finished_at=at,
                heartbeat_at=at,
            )
        )
        outcome: Any = self.session.execute(statement)
        return bool(outcome.rowcount)

    def refresh_statistics(self) -> None:
        """ANALYZE may run inside a transaction; it counts the transaction's own new rows."""
        if self.session.get_bind().dialect.name == "postgresql":
            names = ", ".join(table.name for table in CATALOG_TABLES)
            self.session.execute(text(f"ANALYZE {names}"))
        else:
            self.session.execute(text("ANALYZE"))
