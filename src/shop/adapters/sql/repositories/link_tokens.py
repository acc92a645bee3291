"""Link tokens (only their hashes) on the unit of work's session. An email change's new
address is kept only while its token may still be used (the maintenance forgets it once the
token expired unused)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql.account_tables import link_tokens
from shop.domain.accounts.link_tokens import LinkPurpose, LinkToken


def _token(row: Any) -> LinkToken:
    return LinkToken(
        user_id=row.user_id,
        purpose=LinkPurpose(row.purpose),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        superseded_at=row.superseded_at,
        id=row.id,
        new_email=row.new_email,
    )


class SqlLinkTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: LinkToken) -> None:
        token.id = self.session.execute(
            insert(link_tokens)
            .values(
                user_id=token.user_id,
                purpose=str(token.purpose),
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                new_email=token.new_email,
            )
            .returning(link_tokens.c.id)
        ).scalar_one()

    def supersede(self, user_id: int, purpose: LinkPurpose, now: datetime) -> None:
        self.session.execute(
            update(link_tokens)
            .where(
                link_tokens.c.user_id == user_id,
                link_tokens.c.purpose == str(purpose),
                link_tokens.c.used_at.is_(None),
                link_tokens.c.superseded_at.is_(None),
            )
            .values(superseded_at=now, new_email=None)
        )

    def find(self, token_hash: str, purpose: LinkPurpose) -> LinkToken | None:
        row = self.session.execute(
            select(link_tokens).where(
                link_tokens.c.token_hash == token_hash, link_tokens.c.purpose == str(purpose)
            )
        ).first()
        return None if row is None else _token(row)

    def is_newest(self, token: LinkToken) -> bool:
        newest = self.session.scalar(
            select(func.max(link_tokens.c.id)).where(
                link_tokens.c.user_id == token.user_id,
                link_tokens.c.purpose == str(token.purpose),
            )
        )
        return bool(newest == token.id)

    def mark_used(self, token_id: int, now: datetime) -> bool:
        result = self.session.execute(
            update(link_tokens)
            .where(link_tokens.c.id == token_id, link_tokens.c.used_at.is_(None))
            .values(used_at=now, new_email=None)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def forget_expired_addresses(self, now: datetime) -> int:
        result = self.session.execute(
            update(link_tokens)
            .where(link_tokens.c.new_email.is_not(None), link_tokens.c.expires_at <= now)
            .values(new_email=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def delete_for_user(self, user_id: int) -> None:
        self.session.execute(delete(link_tokens).where(link_tokens.c.user_id == user_id))
