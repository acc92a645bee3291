"""The accounts' repository on the unit of work's session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.domain.accounts.users import User


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> None:
        self.session.add(user)

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def get_by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(orm.users.c.email == email)).first()
