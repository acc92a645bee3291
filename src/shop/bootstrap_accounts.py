"""Wiring of the accounts feature: sign-in, recovery, verification, erasure, exports and
their emails."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.account_links import SignedAccountLinks
from shop.adapters.jobs.data_exports import InlineExportJobs, RqExportJobs
from shop.adapters.login_throttle import LimitsLoginThrottle, limits_storage
from shop.adapters.memory.state_file import StateFile
from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.adapters.passwords import Argon2Hasher
from shop.adapters.redis.tokens import RedisTokenStore
from shop.adapters.request_throttle import LimitsRequestThrottle
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.services.accounts import data_export
from shop.services.accounts.erasure import Erasure
from shop.services.accounts.ports import (
    AccountEmail,
    AccountLinks,
    AccountsUnitOfWorkFactory,
    ExportJobs,
    LoginThrottle,
    PasswordHasher,
    RequestThrottle,
    TokenStore,
)
from shop.services.accounts.recovery import Recovery
from shop.services.common import Clock
from shop.services.notifications import account_emails
from shop.services.notifications.account_emails import AccountMail, Mailer
from shop.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountsBundle:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    login_throttle: LoginThrottle
    recovery: Recovery
    erasure: Erasure
    verification_throttle: RequestThrottle
    links: AccountLinks
    export_jobs: ExportJobs
    mail: AccountMail
    require_verified_email: bool


class _LogMailer:
    """Without SMTP_URL: the email goes to the log (logger `shop.mail`)."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        logging.getLogger("shop.mail").info(
            "email to %s (SMTP_URL unset): %s\n%s",
            message["To"],
            message["Subject"],
            body.get_content() if body is not None else "",
        )


def build_accounts(
    settings: Settings,
    session_factory: sessionmaker[Session],
    redis: Redis | None,
    state: StateFile | None,
    clock: Clock,
    limits_uri: str,
    limits_options: dict[str, float | str | bool],
) -> AccountsBundle:
    storage = limits_storage(limits_uri, limits_options)
    links = SignedAccountLinks(settings.public_url, settings.secret_key)
    mailer: Mailer = _LogMailer()
    late: list[AccountMail] = []

    def hand_over(emails: list[AccountEmail]) -> None:
        for email in emails:
            account_emails.deliver(late[0], email)

    uow = SqlAlchemyUnitOfWorkFactory(session_factory, hand_over)
    mail = AccountMail(uow=uow, mailer=mailer, links=links, sender=settings.mail_from)
    late.append(mail)
    hasher = Argon2Hasher(cheap=settings.cheap_password_hashing)
    tokens: TokenStore = RedisTokenStore(redis) if redis is not None else InMemoryTokenStore(state)
    export_jobs: ExportJobs = (
        RqExportJobs(redis)
        if redis is not None
        else InlineExportJobs(lambda export_id: data_export.build_export(uow, clock, export_id))
    )
    return AccountsBundle(
        uow=uow,
        hasher=hasher,
        tokens=tokens,
        login_throttle=LimitsLoginThrottle(
            storage,
            settings.login_failures_per_email_and_address,
            settings.login_failures_per_email,
            settings.login_failures_per_address,
        ),
        recovery=Recovery(
            uow=uow,
            hasher=hasher,
            tokens=tokens,
            throttle=LimitsRequestThrottle(
                storage,
                "password-resets",
                settings.password_resets_per_email,
                settings.password_resets_per_address,
            ),
            clock=clock,
            session_ttl_seconds=settings.refresh_token_ttl,
        ),
        erasure=Erasure(
            uow=uow,
            hasher=hasher,
            tokens=tokens,
            clock=clock,
            session_ttl_seconds=settings.refresh_token_ttl,
        ),
        verification_throttle=LimitsRequestThrottle(
            storage,
            "verification-emails",
            settings.password_resets_per_email,
            settings.password_resets_per_address,
        ),
        links=links,
        export_jobs=export_jobs,
        mail=mail,
        require_verified_email=settings.require_email_verification,
    )
