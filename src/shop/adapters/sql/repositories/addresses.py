"""Addresses on the unit of work's session. Default flags change through explicit UPDATEs,
old default cleared before the new one is set, so the partial unique indexes hold at every
statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql.account_tables import addresses
from shop.adapters.sql.tables import users
from shop.domain.accounts.addresses import FIELD_LIMITS, Address, AddressKind

_TEXT_FIELDS = tuple(FIELD_LIMITS)


def _address(row: Any) -> Address:
    return Address(
        **{name: getattr(row, name) for name in _TEXT_FIELDS},
        user_id=row.user_id,
        is_default_shipping=row.is_default_shipping,
        is_default_billing=row.is_default_billing,
        created_at=row.created_at,
        updated_at=row.updated_at,
        id=row.id,
    )


class SqlAddressRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list_for(self, user_id: int) -> list[Address]:
        rows = self.session.execute(
            select(addresses).where(addresses.c.user_id == user_id).order_by(addresses.c.id)
        )
        return [_address(row) for row in rows]

    def get(self, user_id: int, address_id: int) -> Address | None:
        row = self.session.execute(
            select(addresses).where(addresses.c.id == address_id, addresses.c.user_id == user_id)
        ).first()
        return None if row is None else _address(row)

    def add(self, address: Address) -> None:
        address.id = self.session.execute(
            insert(addresses)
            .values(
                **{name: getattr(address, name) for name in _TEXT_FIELDS},
                user_id=address.user_id,
                created_at=address.created_at,
                updated_at=address.updated_at,
            )
            .returning(addresses.c.id)
        ).scalar_one()

    def save(self, address: Address) -> None:
        self.session.execute(
            update(addresses)
            .where(addresses.c.id == address.id)
            .values(
                **{name: getattr(address, name) for name in _TEXT_FIELDS},
                updated_at=address.updated_at,
            )
        )

    def delete(self, address: Address) -> None:
        self.session.execute(delete(addresses).where(addresses.c.id == address.id))

    def lock_book(self, user_id: int) -> None:
        # The account's row is the book's lock (SQLite serialises writers anyway).
        self.session.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())

    def set_default(self, user_id: int, address_id: int | None, kind: AddressKind) -> None:
        flag = addresses.c[f"is_default_{kind}"]
        self.session.execute(
            update(addresses)
            .where(addresses.c.user_id == user_id, flag.is_(True))
            .values({flag: False})
        )
        if address_id is not None:
            self.session.execute(
                update(addresses)
                .where(addresses.c.id == address_id, addresses.c.user_id == user_id)
                .values({flag: True})
            )

    def delete_for_user(self, user_id: int) -> None:
        self.session.execute(delete(addresses).where(addresses.c.user_id == user_id))
