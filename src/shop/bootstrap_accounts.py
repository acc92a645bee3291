"""Wiring of the accounts feature: sign-in, recovery, verification, erasure, exports and
their emails."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.account_links import SignedAccountLinks
from shop.adapters.jobs.account_jobs import InlineAccountJobs, RqAccountJobs
from shop.adapters.login_throttle import LimitsLoginThrottle, limits_storage
from shop.adapters.memory.state_file import StateFile
from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.adapters.passwords import Argon2Hasher
from shop.adapters.redis.tokens import RedisTokenStore
from shop.adapters.request_throttle import LimitsRequestThrottle
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.services.accounts import data_export, recovery
from shop.services.accounts.erasure import Erasure
from shop.services.accounts.ports import (
    AccountEmail,
    AccountJobs,
    AccountLinks,
    AccountsUnitOfWorkFactory,
    LoginThrottle,
    PasswordHasher,
    RequestThrottle,
    TokenStore,
)
from shop.services.accounts.recovery import Recovery
from shop.services.common import Clock
from shop.services.notifications import account_emails
from shop.services.notifications.account_emails import AccountMail
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
    jobs: AccountJobs
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

    # The unit of work hands committed emails to `mail`, which reads accounts through it;
    # the inline jobs run use cases wired from them (closures resolved at call time).
    def hand_over(emails: list[AccountEmail]) -> None:
        for email in emails:
            account_emails.deliver(mail, email)

    uow = SqlAlchemyUnitOfWorkFactory(session_factory, hand_over)
    mail = AccountMail(uow=uow, mailer=_LogMailer(), links=links, sender=settings.mail_from)
    hasher = Argon2Hasher(cheap=settings.cheap_password_hashing)
    tokens: TokenStore = RedisTokenStore(redis) if redis is not None else InMemoryTokenStore(state)
    jobs: AccountJobs = (
        RqAccountJobs(redis)
        if redis is not None
        else InlineAccountJobs(
            build_export=lambda export_id: data_export.build_export(uow, clock, export_id),
            send_reset=lambda email: recovery.send_reset_link(recovering, email),
        )
    )
    recovering = Recovery(
        uow=uow,
        hasher=hasher,
        tokens=tokens,
        throttle=LimitsRequestThrottle(
            storage,
            "password-resets",
            settings.password_resets_per_email,
            settings.password_resets_per_address,
        ),
        jobs=jobs,
        clock=clock,
        session_ttl_seconds=settings.refresh_token_ttl,
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
        recovery=recovering,
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
        jobs=jobs,
        mail=mail,
        require_verified_email=settings.require_email_verification,
    )
