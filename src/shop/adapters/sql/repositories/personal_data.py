"""What other features hold about a person: read for exports, erased on deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


class SqlPersonalDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def orders_of(self, user_id: int) -> list[dict[str, Any]]:
        return []

    def reviews_of(self, user_id: int) -> list[dict[str, Any]]:
        return []

    def anonymise_orders(self, user_id: int) -> None:
        return None

    def detach_reviews(self, user_id: int) -> None:
        return None

    def claim_guest_orders(self, user_id: int, email: str) -> int:
        return 0
