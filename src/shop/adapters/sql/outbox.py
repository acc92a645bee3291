"""The outbox table: entries written with the order, claimed by sweeps, locked by consumers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql.order_tables import outbox
from shop.services.notifications.ports import OutboxEntry, OutboxState

INSERT_ENTRY = insert(outbox).returning(outbox.c.id)  # built once, the values bound per call


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload),
        state=OutboxState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        available_at=row.available_at,
    )


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, kind: str, payload: dict[str, Any], now: datetime, due: datetime) -> int:
        values = {
            "kind": kind,
            "payload": payload,
            "state": str(OutboxState.PENDING),
            "attempts": 0,
            "created_at": now,
            "available_at": due,
        }
        return int(self.session.execute(INSERT_ENTRY, values).scalar_one())

    def lock(self, entry_id: int) -> OutboxEntry | None:
        row = self.session.execute(
            select(outbox).where(outbox.c.id == entry_id).with_for_update()
        ).first()
        return None if row is None else _entry(row)

    def mark_sent(self, entry_id: int, now: datetime) -> None:
        self.session.execute(
            update(outbox)
            .where(outbox.c.id == entry_id, outbox.c.state == str(OutboxState.PENDING))
            .values(state=str(OutboxState.SENT), sent_at=now, last_error=None)
        )

    def record_failure(self, entry_id: int, error: str, retry_at: datetime, *, dead: bool) -> None:
        state = OutboxState.DEAD if dead else OutboxState.PENDING
        self.session.execute(
            update(outbox)
            .where(outbox.c.id == entry_id)
            .values(
                attempts=outbox.c.attempts + 1,
                last_error=error,
                available_at=retry_at,
                state=str(state),
            )
        )

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[int]:
        due = list(
            self.session.scalars(
                select(outbox.c.id)
                .where(outbox.c.state == str(OutboxState.PENDING), outbox.c.available_at <= now)
                .order_by(outbox.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if due:
            self.session.execute(
                update(outbox).where(outbox.c.id.in_(due)).values(available_at=lease_until)
            )
        return due

    def find(
        self, state: OutboxState | None, page: int, page_size: int
    ) -> tuple[list[OutboxEntry], int]:
        condition = [] if state is None else [outbox.c.state == str(state)]
        total = self.session.scalar(select(func.count()).select_from(outbox).where(*condition))
        rows = self.session.execute(
            select(outbox)
            .where(*condition)
            .order_by(outbox.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        return [_entry(row) for row in rows], int(total or 0)

    def revive(self, entry_id: int, now: datetime) -> bool:
        result = self.session.execute(
            update(outbox)
            .where(outbox.c.id == entry_id, outbox.c.state == str(OutboxState.DEAD))
            .values(state=str(OutboxState.PENDING), attempts=0, available_at=now)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def exists(self, entry_id: int) -> bool:
        return self.session.scalar(select(outbox.c.id).where(outbox.c.id == entry_id)) is not None
