"""The account emails end to end: through the outbox to a real SMTP server (aiosmtpd), sent
by a real `shop worker` process on PostgreSQL + Redis, by the app's job thread on the
embedded default. Each arrives once, in plain text and HTML, with the link and no secret."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

from sqlalchemy import select

from shop.adapters.sql.order_tables import outbox
from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.integration.worker_process import run_worker
from tests.support.smtp_sink import SmtpSink

LINK = re.compile(r"https?://\S+")


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


@contextlib.contextmanager
def jobs_running(api: Api, backend: str, sink: SmtpSink) -> Iterator[None]:
    if backend == "embedded":
        yield  # the app's own job thread sends
        return
    s = api.adapters.settings
    env = {"DATABASE_URL": s.database_url, "REDIS_URL": s.redis_url or "", "SMTP_URL": sink.url}
    with run_worker(env):
        yield


def test_each_account_email_arrives_once_with_only_its_link(
    make_app: AppFactory, backend: str, smtp_sink: SmtpSink
) -> None:
    app = make_app(backend, smtp_url=smtp_sink.url)
    api = Api(client=app.test_client(), app=app)
    email = api.new_email("mail")
    with jobs_running(api, backend, smtp_sink):
        api.register(email)
        headers = bearer(api.login(email)["access_token"])
        assert (
            api.client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
        )
        asked = api.client.post(
            "/api/v1/me/deletion-request", json={"password": PASSWORD}, headers=headers
        )
        assert asked.status_code == 202
        assert api.client.post("/api/v1/me/data-export", headers=headers).status_code == 202
        received = smtp_sink.wait_for(4)
        time.sleep(6)  # a sweep runs meanwhile: nothing is sent twice
        received = smtp_sink.received()

    subjects = sorted(m["Subject"] for m in received)
    assert subjects == sorted(
        [
            "Verify your email address",
            "Reset your password",
            "Confirm the deletion of your account",
            "Your personal data export is ready",
        ]
    )
    assert len({m["Message-ID"] for m in received}) == 4
    tokens: dict[str, str] = {}
    for message in received:
        assert message["To"] == email
        assert {p.get_content_type() for p in message.iter_parts()} == {"text/plain", "text/html"}
        text = plain_text(message)
        assert PASSWORD not in message.as_string()
        links = LINK.findall(text)
        assert len(links) == 1, text
        found = re.search(r"token=([\w-]+)", links[0])
        if found:
            tokens[message["Subject"]] = found.group(1)

    # The outbox never held a token in the clear.
    with api.adapters.engine.connect() as connection:
        payloads = [str(row.payload) for row in connection.execute(select(outbox))]
    for token in tokens.values():
        assert not any(token in payload for payload in payloads)
    # The emailed links work.
    verify = api.client.post(
        "/api/v1/auth/verify-email", json={"token": tokens["Verify your email address"]}
    )
    assert verify.status_code == 204
    reset = api.client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": tokens["Reset your password"], "new_password": "brand-new-password"},
    )
    assert reset.status_code == 204
