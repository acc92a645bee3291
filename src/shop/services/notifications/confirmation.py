"""The order-confirmation email: plain text and HTML, with a stable Message-ID."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from shop.domain.orders.model import Order


def message_id(entry_id: int, domain: str) -> str:
    """The same for every attempt at one outbox entry, so a resent copy can be recognised."""
    return f"<outbox-{entry_id}@{domain}>"


def order_confirmation(order: Order, sender: str, entry_id: int) -> EmailMessage:
    assert order.id is not None
    domain = sender.rpartition("@")[2] or "shop.invalid"
    message = EmailMessage()
    message["Subject"] = f"Your order #{order.id} is confirmed"
    message["From"] = sender
    message["To"] = order.buyer.email
    message["Message-ID"] = message_id(entry_id, domain)
    message["Date"] = format_datetime(order.created_at)
    message["X-Shop-Order-Id"] = str(order.id)
    rows = [
        f"{line.quantity} x {line.product_name} ({line.sku}) {line.line_total} {order.currency}"
        for line in order.lines
    ]
    deadline = payment_deadline(order)
    message.set_content(
        "\n".join(
            [
                f"Hello {order.buyer.full_name},",
                "",
                f"thank you for your order #{order.id}.",
                "",
                *rows,
                "",
                f"Total: {order.total} {order.currency}",
                *(["", deadline] if deadline else []),
            ]
        )
        + "\n"
    )
    items = "".join(f"<li>{escape(row)}</li>" for row in rows)
    message.add_alternative(
        f"<html><body><p>Hello {escape(order.buyer.full_name)},</p>"
        f"<p>thank you for your order #{order.id}.</p><ul>{items}</ul>"
        f"<p><strong>Total: {order.total} {escape(order.currency)}</strong></p>"
        + (f"<p>{escape(deadline)}</p>" if deadline else "")
        + "</body></html>",
        subtype="html",
    )
    return message


def payment_deadline(order: Order) -> str | None:
    """How long the customer has to pay before the order is released (None: no limit)."""
    if order.pay_by is None:
        return None
    minutes = max(1, round((order.pay_by - order.created_at).total_seconds() / 60))
    window = (
        f"{minutes // 60} hours"
        if minutes % 60 == 0 and minutes >= 120
        else ("1 hour" if minutes == 60 else f"{minutes} minutes")
    )
    at = order.pay_by.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Please pay within {window} (by {at}); an unpaid order is then cancelled "
        "and its items released."
    )
