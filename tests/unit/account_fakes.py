"""In-memory fakes of the accounts feature's repositories beyond users (see fakes.py)."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shop.domain.accounts.addresses import Address, AddressKind
from shop.domain.accounts.link_tokens import LinkPurpose, LinkToken
from shop.domain.errors import Conflict
from shop.services.accounts.ports import AccountEmail, DataExport, ExportState

_ids = itertools.count(1000)


@dataclass
class AccountRows:
    link_tokens: dict[int, LinkToken] = field(default_factory=dict)
    addresses: dict[int, Address] = field(default_factory=dict)
    exports: dict[int, DataExport] = field(default_factory=dict)
    emails: list[AccountEmail] = field(default_factory=list)
    # Other features' rows about people, as plain dicts (orders, reviews).
    orders: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)


class FakeLinkTokens:
    def __init__(self, rows: AccountRows) -> None:
        self.rows = rows.link_tokens

    def add(self, token: LinkToken) -> None:
        token.id = next(_ids)
        self.rows[token.id] = dataclasses.replace(token)

    def supersede(self, user_id: int, purpose: LinkPurpose, now: datetime) -> None:
        for token in self.rows.values():
            if token.user_id == user_id and token.purpose == purpose and token.used_at is None:
                token.superseded_at = token.superseded_at or now
                token.new_email = None

    def find(self, token_hash: str, purpose: LinkPurpose) -> LinkToken | None:
        found = [t for t in self.rows.values() if t.token_hash == token_hash]
        return dataclasses.replace(found[0]) if found and found[0].purpose == purpose else None

    def is_newest(self, token: LinkToken) -> bool:
        same = [
            t.id or 0
            for t in self.rows.values()
            if (t.user_id, t.purpose) == (token.user_id, token.purpose)
        ]
        return max(same) == token.id

    def mark_used(self, token_id: int, now: datetime) -> bool:
        token = self.rows[token_id]
        if token.used_at is not None:
            return False
        token.used_at = now
        token.new_email = None
        return True

    def forget_expired_addresses(self, now: datetime) -> int:
        expired = [t for t in self.rows.values() if t.new_email and t.expires_at <= now]
        for token in expired:
            token.new_email = None
        return len(expired)

    def delete_for_user(self, user_id: int) -> None:
        for key in [k for k, t in self.rows.items() if t.user_id == user_id]:
            del self.rows[key]


class FakeAddresses:
    def __init__(self, rows: AccountRows) -> None:
        self.rows = rows.addresses
        self.locked: list[int] = []

    def list_for(self, user_id: int) -> list[Address]:
        return [dataclasses.replace(a) for a in self.rows.values() if a.user_id == user_id]

    def get(self, user_id: int, address_id: int) -> Address | None:
        address = self.rows.get(address_id)
        return dataclasses.replace(address) if address and address.user_id == user_id else None

    def add(self, address: Address) -> None:
        address.id = next(_ids)
        self.rows[address.id] = dataclasses.replace(
            address, is_default_shipping=False, is_default_billing=False
        )

    def save(self, address: Address) -> None:
        stored = self.rows[address.id or 0]
        self.rows[stored.id or 0] = dataclasses.replace(
            address,
            is_default_shipping=stored.is_default_shipping,
            is_default_billing=stored.is_default_billing,
        )

    def delete(self, address: Address) -> None:
        self.rows.pop(address.id or 0, None)

    def lock_book(self, user_id: int) -> None:
        self.locked.append(user_id)

    def set_default(self, user_id: int, address_id: int | None, kind: AddressKind) -> None:
        flag = f"is_default_{kind}"
        for address in self.rows.values():
            if address.user_id == user_id:
                setattr(address, flag, address.id == address_id)

    def delete_for_user(self, user_id: int) -> None:
        for key in [k for k, a in self.rows.items() if a.user_id == user_id]:
            del self.rows[key]


class FakePersonalData:
    def __init__(self, rows: AccountRows) -> None:
        self.rows = rows

    def orders_of(self, user_id: int) -> list[dict[str, Any]]:
        return [dict(o) for o in self.rows.orders if o.get("user_id") == user_id]

    def reviews_of(self, user_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows.reviews if r.get("user_id") == user_id]

    def anonymise_orders(self, user_id: int) -> int:
        own = [o for o in self.rows.orders if o.get("user_id") == user_id]
        for order in own:
            order.update(email="", full_name="", phone="")
        return len(own)

    def detach_reviews(self, user_id: int) -> int:
        own = [r for r in self.rows.reviews if r.get("user_id") == user_id]
        for review in own:
            review["user_id"] = None
        return len(own)

    def claim_guest_orders(self, user_id: int, email: str) -> int:
        claimed = [o for o in self.rows.orders if o.get("user_id") is None and o["email"] == email]
        for order in claimed:
            order["user_id"] = user_id
        return len(claimed)


class FakeDataExports:
    def __init__(self, rows: AccountRows) -> None:
        self.rows = rows.exports

    def start(self, user_id: int, now: datetime) -> int:
        if any(e.user_id == user_id and e.state is ExportState.QUEUED for e in self.rows.values()):
            raise Conflict("busy")
        export_id = next(_ids)
        self.rows[export_id] = DataExport(export_id, user_id, ExportState.QUEUED, now, None, None)
        return export_id

    def get(self, export_id: int) -> DataExport | None:
        return self.rows.get(export_id)

    def finish(self, export_id: int, content: str, now: datetime, expires_at: datetime) -> None:
        self.rows[export_id] = dataclasses.replace(
            self.rows[export_id], state=ExportState.DONE, content=content, expires_at=expires_at
        )

    def fail(self, export_id: int, now: datetime) -> None:
        self.rows[export_id] = dataclasses.replace(self.rows[export_id], state=ExportState.FAILED)

    def delete_for_user(self, user_id: int) -> None:
        for key in [k for k, e in self.rows.items() if e.user_id == user_id]:
            del self.rows[key]

    def purge_expired(self, now: datetime) -> int:
        gone = [k for k, e in self.rows.items() if e.expires_at is not None and e.expires_at <= now]
        for key in gone:
            del self.rows[key]
        return len(gone)


class FakeAccountEmails:
    """Emails recorded in the transaction; committed ones are in the committed rows."""

    def __init__(self, rows: AccountRows) -> None:
        self.rows = rows.emails

    def add(self, email: AccountEmail, now: datetime) -> None:
        self.rows.append(email)


class QueuedJobs:
    """Account jobs recorded, not run: the exports a request queued."""

    def __init__(self) -> None:
        self.queued: list[int] = []

    def build_export(self, export_id: int) -> None:
        self.queued.append(export_id)

    def send_password_reset(self, email: str) -> None:
        raise AssertionError("not expected here")
