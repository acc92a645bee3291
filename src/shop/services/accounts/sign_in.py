"""Signing in and out: credentials, failed-attempt limits, refresh-token rotation, logout."""

from __future__ import annotations

from shop.domain.accounts.users import User, normalise_email
from shop.domain.errors import RateLimited, Unauthorized, ValidationFailed
from shop.services.accounts.ports import (
    AccountsUnitOfWorkFactory,
    LoginThrottle,
    PasswordHasher,
    TokenStore,
)

BAD_CREDENTIALS = "Email or password is incorrect."


class _TimingShield:
    """A hash to verify against when the email is unknown, so both failures take as long."""

    _hash: str | None = None

    @classmethod
    def hash_for(cls, hasher: PasswordHasher) -> str:
        if cls._hash is None:
            cls._hash = hasher.hash("timing-shield-password")
        return cls._hash


def authenticate(
    uow_factory: AccountsUnitOfWorkFactory, hasher: PasswordHasher, email: str, password: str
) -> User:
    """Return the user whose credentials these are. Raises Unauthorized otherwise.

    An unknown email and a wrong password fail alike and in about the same time.
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:  # a malformed email is just bad credentials here
        email = ""
    with uow_factory() as uow:
        user = uow.users.get_by_email(email) if email else None
        if user is None:
            hasher.verify(_TimingShield.hash_for(hasher), password)
            raise Unauthorized(BAD_CREDENTIALS)
        if not hasher.verify(user.password_hash, password):
            raise Unauthorized(BAD_CREDENTIALS)
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
            uow.commit()
    return user


def sign_in(
    uow_factory: AccountsUnitOfWorkFactory,
    hasher: PasswordHasher,
    throttle: LoginThrottle,
    email: str,
    password: str,
    client: str,
) -> User:
    """Authenticate, refusing early while the account or the client failed too often.

    Raises RateLimited (with the wait) or Unauthorized; only failures count.
    """
    wait = throttle.retry_after(email, client)
    if wait:
        raise RateLimited("Too many failed sign-ins; wait before trying again.", wait)
    try:
        return authenticate(uow_factory, hasher, email, password)
    except Unauthorized:
        throttle.record_failure(email, client)
        raise


def rotate_refresh_token(
    tokens: TokenStore, jti: str, family: str, family_ttl_seconds: int
) -> None:
    """Spend the refresh token `jti` so that it can never be used again.

    Presenting a spent token is reuse: someone holds a copy. Every token of that login
    (`family`) is revoked, so a stolen token is useless once either party rotates.
    Raises Unauthorized on reuse or when the family was revoked.
    """
    if tokens.is_family_revoked(family):
        raise Unauthorized("This session has been revoked; sign in again.")
    if not tokens.consume_refresh(jti):
        tokens.revoke_family(family, family_ttl_seconds)
        raise Unauthorized("Refresh token already used; every token of this session is revoked.")


def logout(
    tokens: TokenStore,
    access_jti: str,
    access_ttl_seconds: int,
    refresh_family: str | None = None,
    refresh_ttl_seconds: int = 0,
) -> None:
    """Revoke the access token at once, and the whole login session when its refresh is given."""
    tokens.revoke(access_jti, max(access_ttl_seconds, 1))
    if refresh_family is not None:
        tokens.revoke_family(refresh_family, max(refresh_ttl_seconds, 1))
