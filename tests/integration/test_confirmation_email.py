"""Order-confirmation emails through the outbox: a real RQ worker process, a real SMTP server.

Each order gets exactly one email, also across the three crash points: (a) the commit happened
but the job was never enqueued, (b) the worker is SIGKILLed mid-job, (c) SMTP is down for a while.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from shop.adapters.jobs.inline import InlineJobRunner
from shop.adapters.jobs.rq_dispatcher import RqOutboxDispatcher
from shop.adapters.sql.order_tables import outbox
from tests.integration.apps import Api, AppFactory
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.factories import make_variant
from tests.integration.worker_process import run_worker
from tests.support.smtp_sink import SmtpSink

RECOVERY_SECONDS = 150  # RQ notices a killed worker's job within about 75 s


def place(api: Api, email: str = "ann@example.com") -> dict[str, Any]:
    token = guest_cart(api.client, {make_variant(api.adapters, stock=5): 1})
    response = api.client.post(
        "/api/v1/checkout", json={**BODY, "email": email}, headers={"X-Cart-Token": token}
    )
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def outbox_rows(api: Api) -> list[Any]:
    with api.adapters.engine.connect() as connection:
        return list(connection.execute(select(outbox).order_by(outbox.c.id)))


def worker_env(api: Api, sink: SmtpSink) -> dict[str, str]:
    s = api.adapters.settings
    return {"DATABASE_URL": s.database_url, "REDIS_URL": s.redis_url or "", "SMTP_URL": sink.url}


def assert_still_one_each(
    sink: SmtpSink, orders: list[dict[str, Any]], settle: float = 6.0
) -> None:
    time.sleep(settle)  # a sweep and a maintenance pass run meanwhile
    received = sink.received()
    assert sorted(m["X-Shop-Order-Id"] for m in received) == sorted(str(o["id"]) for o in orders)
    assert len({m["Message-ID"] for m in received}) == len(orders)


def test_each_order_gets_one_email_from_the_worker(
    make_app: AppFactory, smtp_sink: SmtpSink
) -> None:
    api = Api.of(make_app("postgres", smtp_url=smtp_sink.url))
    with run_worker(worker_env(api, smtp_sink)):
        orders = [place(api, f"buyer{n}@example.com") for n in range(3)]
        received = smtp_sink.wait_for(3)
        assert_still_one_each(smtp_sink, orders)
    message = next(m for m in received if m["To"] == "buyer0@example.com")
    assert message["Subject"] == f"Your order #{orders[0]['id']} is confirmed"
    assert {p.get_content_type() for p in message.iter_parts()} == {"text/plain", "text/html"}
    assert all(row.state == "sent" and row.sent_at is not None for row in outbox_rows(api))


def test_a_crash_between_commit_and_enqueue_is_delivered_by_the_sweep(
    make_app: AppFactory, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = Api.of(make_app("postgres", smtp_url=smtp_sink.url))

    def lost(self: RqOutboxDispatcher, entry_id: int) -> None:
        raise RedisConnectionError("gone right after the commit")

    monkeypatch.setattr(RqOutboxDispatcher, "dispatch", lost)
    order = place(api)
    assert smtp_sink.received() == []
    with run_worker(worker_env(api, smtp_sink)):
        smtp_sink.wait_for(1)
        assert_still_one_each(smtp_sink, [order])


@pytest.mark.slow
def test_a_worker_killed_mid_job_is_recovered_and_the_email_sent_once(
    make_app: AppFactory, smtp_sink: SmtpSink
) -> None:
    api = Api.of(make_app("postgres", smtp_url=smtp_sink.url))
    smtp_sink.stall()
    with run_worker(worker_env(api, smtp_sink)) as worker:
        order = place(api)
        deadline = time.monotonic() + 30
        while smtp_sink.sessions_started == 0:
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.05)
        worker.kill()  # mid-job: connected to SMTP, the message not handed over yet
        smtp_sink.release()
        assert smtp_sink.received() == []
        worker.start()
        smtp_sink.wait_for(1, timeout=RECOVERY_SECONDS)
        assert_still_one_each(smtp_sink, [order])


def test_smtp_down_then_up_delivers_once(make_app: AppFactory, smtp_sink: SmtpSink) -> None:
    api = Api.of(make_app("postgres", smtp_url=smtp_sink.url))
    smtp_sink.stop()
    with run_worker(worker_env(api, smtp_sink)) as worker:
        order = place(api)
        deadline = time.monotonic() + 30
        while not any(row.attempts >= 1 for row in outbox_rows(api)):
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.2)
        (row,) = outbox_rows(api)
        assert row.state == "pending"
        assert "Connection refused" in (row.last_error or "") or row.last_error
        smtp_sink.start()
        smtp_sink.wait_for(1)
        assert_still_one_each(smtp_sink, [order])
    (row,) = outbox_rows(api)
    assert row.state == "sent"


def test_the_embedded_default_sends_in_process_after_the_commit(
    make_app: AppFactory, smtp_sink: SmtpSink
) -> None:
    api = Api.of(make_app("embedded", smtp_url=smtp_sink.url))
    order = place(api)
    smtp_sink.wait_for(1, timeout=15)
    assert_still_one_each(smtp_sink, [order], settle=1.0)


def test_on_the_embedded_default_the_in_process_sweep_delivers_a_lost_job(
    make_app: AppFactory, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = Api.of(make_app("embedded", smtp_url=smtp_sink.url))
    handed_over = InlineJobRunner.dispatch

    def lost_after_the_commit(self: InlineJobRunner, entry_id: int) -> None:
        if threading.current_thread().name == "shop-inline-jobs":  # the sweep's hand-over
            handed_over(self, entry_id)

    monkeypatch.setattr(InlineJobRunner, "dispatch", lost_after_the_commit)
    order = place(api)
    time.sleep(2)
    assert smtp_sink.received() == []
    smtp_sink.wait_for(1, timeout=30)
    assert_still_one_each(smtp_sink, [order], settle=1.0)


def test_without_smtp_the_email_is_logged_with_recipient_and_order(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = Api.of(make_app("embedded"))
    with caplog.at_level(logging.INFO, logger="shop.mail"):
        order = place(api, "logged@example.com")
        api.adapters.ordering.inline_jobs.drain()  # type: ignore[union-attr]
    (record,) = [r for r in caplog.records if r.name == "shop.mail"]
    assert "logged@example.com" in record.getMessage()
    assert f"order {order['id']}" in record.getMessage()
    assert order["order_token"] not in record.getMessage()
