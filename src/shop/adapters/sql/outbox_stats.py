"""The outbox backlog, read from the `outbox` table once the migrations have created it.

Until then (or on a database that lacks it) the answer is "no outbox": None, not an error.
Rows not yet sent are those whose `state` is `pending`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from shop.services.operations.ports import OutboxBacklog

OUTBOX_TABLE = "outbox"
_BACKLOG = text(f"SELECT count(*), min(created_at) FROM {OUTBOX_TABLE} WHERE state = 'pending'")


class SqlOutboxStats:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def backlog(self) -> OutboxBacklog | None:
        with self._engine.connect() as connection:
            if not inspect(connection).has_table(OUTBOX_TABLE):
                return None
            pending, oldest = connection.execute(_BACKLOG).one()
        return OutboxBacklog(pending=int(pending), oldest_age_seconds=_age(oldest))


def _age(created_at: datetime | str | None) -> float:
    if created_at is None:
        return 0.0
    if isinstance(created_at, str):  # SQLite hands back text
        created_at = datetime.fromisoformat(created_at)
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - created_at).total_seconds())
