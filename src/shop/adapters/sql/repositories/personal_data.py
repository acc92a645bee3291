"""What other features hold about a person: read for exports, erased on deletion.

Orders keep their lines and totals untouched; only the buyer's contact fields change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql.order_tables import idempotency_keys, order_lines, orders, outbox
from shop.adapters.sql.tables import reviews
from shop.domain.accounts.users import anonymous_email

POSTAL_PREFIX = 2  # characters of the postal code an anonymised order keeps (the region)


def anonymised_address(address: dict[str, Any]) -> dict[str, Any]:
    """The country and the postal code's prefix: enough for tax and statistics."""
    return {
        "line1": "",
        "line2": None,
        "city": "",
        "postal_code": str(address.get("postal_code", ""))[:POSTAL_PREFIX],
        "country": address.get("country", ""),
    }


class SqlPersonalDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def orders_of(self, user_id: int) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(orders).where(orders.c.user_id == user_id).order_by(orders.c.id)
        ).all()
        ids = [row.id for row in rows]
        lines: dict[int, list[dict[str, Any]]] = {order_id: [] for order_id in ids}
        if ids:
            for line in self.session.execute(
                select(order_lines)
                .where(order_lines.c.order_id.in_(ids))
                .order_by(order_lines.c.id)
            ):
                lines[line.order_id].append(
                    {
                        "variant_id": line.variant_id,
                        "sku": line.sku,
                        "product_name": line.product_name,
                        "attributes": [{"name": n, "value": v} for n, v in line.attributes],
                        "unit_price": str(line.unit_price),
                        "quantity": line.quantity,
                    }
                )
        return [
            {
                "id": row.id,
                "status": row.status,
                "email": row.email,
                "full_name": row.full_name,
                "phone": row.phone,
                "address": row.address,
                "currency": row.currency,
                "subtotal": str(row.subtotal),
                "total": str(row.total),
                "created_at": row.created_at.isoformat(),
                "lines": lines[row.id],
            }
            for row in rows
        ]

    def reviews_of(self, user_id: int) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(reviews).where(reviews.c.user_id == user_id).order_by(reviews.c.id)
        )
        return [
            {
                "id": row.id,
                "product_id": row.product_id,
                "rating": row.rating,
                "comment": row.comment,
                "created_at": row.created_at.isoformat(),
            }
            for row in rows
        ]

    def anonymise_orders(self, user_id: int) -> int:
        email = anonymous_email(user_id)
        own = self.session.execute(
            select(orders.c.id, orders.c.email, orders.c.address).where(orders.c.user_id == user_id)
        ).all()
        emails = {row.email.lower() for row in own}
        for row in own:
            self.session.execute(
                update(orders)
                .where(orders.c.id == row.id)
                .values(
                    email=email, full_name="", phone="", address=anonymised_address(row.address)
                )
            )
        # Stored checkout answers (idempotency) and delivery errors may quote the buyer.
        self.session.execute(
            delete(idempotency_keys).where(
                or_(
                    idempotency_keys.c.scope == f"user:{user_id}",
                    *[idempotency_keys.c.body.contains(e, autoescape=True) for e in emails],
                )
            )
        )
        if emails:
            self.session.execute(
                update(outbox)
                .where(
                    or_(
                        *[
                            func.lower(outbox.c.last_error).contains(e, autoescape=True)
                            for e in emails
                        ]
                    )
                )
                .values(last_error=None)
            )
        return len(own)

    def detach_reviews(self, user_id: int) -> int:
        """The reviews stay (and the products' ratings with them), without their author."""
        result = self.session.execute(
            update(reviews).where(reviews.c.user_id == user_id).values(user_id=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def claim_guest_orders(self, user_id: int, email: str) -> int:
        result = self.session.execute(
            update(orders)
            .where(orders.c.user_id.is_(None), func.lower(orders.c.email) == email.lower())
            .values(user_id=user_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
