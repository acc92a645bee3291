"""Wiring of the accounts feature: sign-in, recovery, verification, erasure, exports and
their emails."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

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
from shop.adapters.sealing import Sealer
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.bootstrap_ordering import Ordering
from shop.services.accounts import data_export, email_change, recovery
from shop.services.accounts.email_change import EmailChange
from shop.services.accounts.erasure import Erasure
from shop.services.accounts.ports import (
    AccountJobs,
    AccountLinks,
    AccountsUnitOfWorkFactory,
    CustomerQueries,
    LoginThrottle,
    PasswordHasher,
    RequestThrottle,
    RolesUnitOfWorkFactory,
    TokenStore,
)
from shop.services.accounts.recovery import Recovery
from shop.services.common import Clock
from shop.services.notifications import account_emails
from shop.services.notifications.account_emails import AccountMail
from shop.services.notifications.ports import ACCOUNT_EMAIL
from shop.settings import Settings


@dataclass(frozen=True)
class AccountsBundle:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    login_throttle: LoginThrottle
    recovery: Recovery
    erasure: Erasure
    email_change: EmailChange
    verification_throttle: RequestThrottle
    links: AccountLinks
    jobs: AccountJobs
    mail: AccountMail
    require_verified_email: bool
    roles: RolesUnitOfWorkFactory
    customers: CustomerQueries


def token_store(redis: Redis | None, state: StateFile | None) -> TokenStore:
    """Revocation state: Redis when configured, else this process (kept in the state file)."""
    return RedisTokenStore(redis) if redis is not None else InMemoryTokenStore(state)


def build_accounts(
    settings: Settings,
    session_factory: sessionmaker[Session],
    redis: Redis | None,
    tokens: TokenStore,
    clock: Clock,
    limits_uri: str,
    limits_options: dict[str, float | str | bool],
    ordering: Ordering,
    customers: CustomerQueries,
) -> AccountsBundle:
    """The accounts feature's bundle; its emails join the ordering's outbox and delivery."""
    storage = limits_storage(limits_uri, limits_options)

    def emails_throttle(name: str) -> LimitsRequestThrottle:
        """Emails sent on request, counted per account and per client address."""
        return LimitsRequestThrottle(
            storage, name, settings.password_resets_per_email, settings.password_resets_per_address
        )

    links = SignedAccountLinks(settings.public_url, settings.secret_key)
    sealer = Sealer(settings.secret_key)
    delivery = ordering.delivery
    # Account emails are outbox rows of the use case's transaction, handed to the delivery
    # job after the commit, and composed by this feature when the job sends them.
    uow = SqlAlchemyUnitOfWorkFactory(session_factory, delivery.dispatcher.dispatch, sealer)
    mail = AccountMail(uow=uow, links=links, sealer=sealer, sender=settings.mail_from)
    delivery.composers[ACCOUNT_EMAIL] = partial(account_emails.compose, mail)
    delivery.chores.append(partial(data_export.purge_expired, uow, clock))
    delivery.chores.append(partial(email_change.forget_expired_addresses, uow, clock))
    hasher = Argon2Hasher(cheap=settings.cheap_password_hashing)
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
        throttle=emails_throttle("password-resets"),
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
        email_change=EmailChange(
            uow=uow,
            hasher=hasher,
            tokens=tokens,
            throttle=emails_throttle("email-changes"),
            clock=clock,
            session_ttl_seconds=settings.refresh_token_ttl,
        ),
        verification_throttle=emails_throttle("verification-emails"),
        links=links,
        jobs=jobs,
        mail=mail,
        require_verified_email=settings.require_email_verification,
        roles=uow,
        customers=customers,
    )
