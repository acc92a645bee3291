"""Personal-data exports on the unit of work's session."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.adapters.sql.account_tables import data_exports
from shop.domain.errors import Conflict
from shop.services.accounts.ports import DataExport, ExportState

LOST_AFTER = timedelta(hours=1)
BUSY = "An export of this account is being prepared; wait for its email."


class SqlDataExportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start(self, user_id: int, now: datetime) -> int:
        # Earlier finished exports are replaced (one file per account at most), and one
        # queued for longer than its job could take is taken for lost.
        self.session.execute(
            delete(data_exports).where(
                data_exports.c.user_id == user_id,
                or_(
                    data_exports.c.state != str(ExportState.QUEUED),
                    data_exports.c.created_at < now - LOST_AFTER,
                ),
            )
        )
        try:
            return int(
                self.session.execute(
                    insert(data_exports)
                    .values(user_id=user_id, state=str(ExportState.QUEUED), created_at=now)
                    .returning(data_exports.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:  # the partial unique index: one queued per account
            raise Conflict(BUSY) from exc

    def get(self, export_id: int) -> DataExport | None:
        row = self.session.execute(
            select(data_exports).where(data_exports.c.id == export_id)
        ).first()
        if row is None:
            return None
        return DataExport(
            id=row.id,
            user_id=row.user_id,
            state=ExportState(row.state),
            created_at=row.created_at,
            expires_at=row.expires_at,
            content=row.content,
        )

    def finish(self, export_id: int, content: str, now: datetime, expires_at: datetime) -> None:
        self.session.execute(
            update(data_exports)
            .where(data_exports.c.id == export_id)
            .values(
                state=str(ExportState.DONE), content=content, finished_at=now, expires_at=expires_at
            )
        )

    def fail(self, export_id: int, now: datetime) -> None:
        self.session.execute(
            update(data_exports)
            .where(data_exports.c.id == export_id)
            .values(state=str(ExportState.FAILED), finished_at=now)
        )

    def delete_for_user(self, user_id: int) -> None:
        self.session.execute(delete(data_exports).where(data_exports.c.user_id == user_id))

    def purge_expired(self, now: datetime) -> int:
        result = self.session.execute(delete(data_exports).where(data_exports.c.expires_at <= now))
        return int(result.rowcount)  # type: ignore[attr-defined]
