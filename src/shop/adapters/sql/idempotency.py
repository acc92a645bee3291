"""Idempotency records, unique on (scope, key): in flight under a lease, then the response."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shop.adapters.sql.engine import autocommit, connect
from shop.adapters.sql.order_tables import idempotency_keys as keys
from shop.services.checkout.ports import IdempotencyRecord

# Built once (checkout runs them on every call with a key), the values bound per call.
INSERTS = {
    name: dialect.insert(keys)
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(keys.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
COMPLETE = (
    update(keys)
    .where(
        keys.c.id == bindparam("record_id"),
        keys.c.lease == bindparam("held_lease"),
        keys.c.status_code.is_(None),
    )
    .values(
        status_code=bindparam("answer_status"),
        body=bindparam("answer_body"),
        lease=None,
        locked_until=None,
    )
)


class SqlIdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def insert(
        self, scope: str, key: str, fingerprint: str, lease: str, until: datetime, now: datetime
    ) -> int | None:
        bind = self.session.get_bind()
        values = {
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "lease": lease,
            "locked_until": until,
            "created_at": now,
        }
        statement = INSERTS["postgresql" if bind.dialect.name == "postgresql" else "sqlite"]
        if not isinstance(bind, Engine):  # a session on a caller's connection: its transaction
            return _id(self.session.execute(statement, values).scalar_one_or_none())
        # Its own transaction, as the port says: one statement in autocommit, so one round
        # trip (no BEGIN and COMMIT around it), whatever the session does next.
        with connect(autocommit(bind)) as connection:
            return _id(connection.execute(statement, values).scalar_one_or_none())

    def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        row = self.session.execute(
            select(keys).where(keys.c.scope == scope, keys.c.key == key)
        ).first()
        if row is None:
            return None
        return IdempotencyRecord(
            id=row.id,
            fingerprint=row.fingerprint,
            status_code=row.status_code,
            body=row.body,
            locked_until=row.locked_until,
        )

    def take_over(self, record_id: int, lease: str, until: datetime, now: datetime) -> bool:
        result = self.session.execute(
            update(keys)
            .where(keys.c.id == record_id, keys.c.status_code.is_(None), keys.c.locked_until < now)
            .values(lease=lease, locked_until=until)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def complete(self, record_id: int, lease: str, status_code: int, body: str) -> bool:
        answer = {
            "record_id": record_id,
            "held_lease": lease,
            "answer_status": status_code,
            "answer_body": body,
        }
        result = self.session.execute(COMPLETE, answer)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def release(self, record_id: int, lease: str) -> None:
        self.session.execute(
            delete(keys).where(
                keys.c.id == record_id, keys.c.lease == lease, keys.c.status_code.is_(None)
            )
        )

    def purge(self, created_before: datetime) -> int:
        result = self.session.execute(delete(keys).where(keys.c.created_at < created_before))
        return int(result.rowcount)  # type: ignore[attr-defined]


def _id(record_id: int | None) -> int | None:
    return None if record_id is None else int(record_id)
