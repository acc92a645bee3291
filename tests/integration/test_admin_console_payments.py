"""The order page's payment section, and refunds audited from the console and from the API
alike: the admin's request with the cancel, the refunded amount when the provider confirms it
(on the embedded default and on PostgreSQL + Redis with a real worker)."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask

from shop.services.audit.log import list_entries
from shop.services.audit.ports import AuditFilter
from tests.integration.apps import Api
from tests.integration.console_support import signed_in_console
from tests.integration.payment_support import DECLINED, guest_order, pay, read_order, run_jobs


def _payment_entries(api: Api, payment_id: int) -> list[dict[str, Any]]:
    rows, _ = list_entries(
        api.adapters.audit, AuditFilter(entity="payment", entity_id=str(payment_id)), 1, 50
    )
    return list(reversed(rows))


def _section(page: str) -> str:
    """The text of the page's payment section, tags and spacing removed."""
    start = page.index('<section aria-labelledby="payments-heading">')
    section = page[start : page.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_the_order_page_shows_each_payment_with_its_provider_and_reference(app: Flask) -> None:
    console = signed_in_console(app)
    api = Api.of(app)
    order = guest_order(api, price="12.50", quantity=2)
    page = f"/admin/orders/{order['id']}"
    assert "Payment status unpaid Refunded 0.00 USD" in _section(console.get(page).text)
    assert "No payment yet." in _section(console.get(page).text)

    declined = pay(api, order, DECLINED).json
    paid = pay(api, order).json
    section = _section(console.get(page).text)
    assert "Payment status paid Refunded 0.00 USD" in section
    for payment, status in ((declined, "failed"), (paid, "succeeded")):
        row = f"#{payment['id']} "
        assert row in section
        after = section[section.index(row) :]
        assert after.split(" ", 5)[3:5] == ["test", status], after
        assert f"25.00 USD test_shop-payment-{payment['id']} 0.00 USD" in after
    assert "Refunds" not in section


def test_a_paid_order_cancelled_in_the_console_is_refunded_and_the_refund_audited(
    app: Flask,
) -> None:
    console = signed_in_console(app)
    api = Api.of(app)
    order = guest_order(api, price="9.99", quantity=1)
    payment = pay(api, order).json
    page = f"/admin/orders/{order['id']}"
    question = f"Cancel order for order #{order['id']}? 9.99 USD will be refunded."
    assert f'data-confirm="{question}"' in console.get(page).text
    console.post(f"{page}/status", {"status": "cancelled"})
    if api.adapters.ordering.inline_refunds is None:  # on Redis it waits for a worker
        assert "Refund pending 9.99 USD" in _section(console.get(page).text)
    run_jobs(api)

    assert read_order(api, order)["payment_status"] == "refunded"
    section = _section(console.get(page).text)
    assert "Payment status refunded Refunded 9.99 USD" in section
    assert "Refund pending" not in section
    refunds = section[section.index("Refunds") :]
    assert re.search(rf"#{payment['id']} 9\.99 USD requested boss@example\.com", refunds)
    assert re.search(rf"#{payment['id']} 9\.99 USD refunded provider", refunds)
    entries = _payment_entries(api, payment["id"])
    assert [(e["source"], e["action"], e["actor_email"], e["changes"]) for e in entries] == [
        ("console", "refund", "boss@example.com", {"refund_requested": [None, "9.99"]}),
        ("system", "refund", "", {"refunded": ["0.00", "9.99"]}),
    ]


def test_a_refund_asked_for_through_the_api_is_audited_as_the_api(api: Api) -> None:
    admin = api.admin_headers()
    order = guest_order(api, price="5.00", quantity=3)
    payment = pay(api, order).json
    cancelled = api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)
    assert cancelled.status_code == 200, cancelled.json
    run_jobs(api)
    assert read_order(api, order)["refunded_amount"] == "15.00"
    listed = api.client.get(
        "/api/v1/admin/audit",
        query_string={"entity": "payment", "entity_id": str(payment["id"])},
        headers=admin,
    )
    assert listed.status_code == 200, listed.json
    entries = list(reversed(listed.json))  # type: ignore[arg-type]
    assert [(e["source"], e["action"], e["changes"]) for e in entries] == [
        ("api", "refund", {"refund_requested": [None, "15.00"]}),
        ("system", "refund", {"refunded": ["0.00", "15.00"]}),
    ]
    assert entries[0]["actor_email"].startswith("admin")
    assert entries[1]["actor_id"] is None


def test_an_admin_cancel_of_an_unpaid_order_audits_the_move_and_no_refund(api: Api) -> None:
    order = guest_order(api)
    pay(api, order, DECLINED)
    admin = api.admin_headers()
    api.client.patch(f"/api/v1/orders/{order['id']}", json={"status": "cancelled"}, headers=admin)
    listed = api.client.get("/api/v1/admin/audit", headers=admin).json
    assert [(e["entity"], e["action"]) for e in listed] == [("order", "status")]  # type: ignore[union-attr]
