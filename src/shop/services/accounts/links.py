"""Issuing and redeeming the tokens of emailed links (the rules are LinkToken's)."""

from __future__ import annotations

from datetime import datetime

from shop.domain.accounts.link_tokens import (
    InvalidLinkToken,
    LinkPurpose,
    LinkToken,
    hash_link_token,
)
from shop.services.accounts.ports import AccountEmail, AccountEmailKind, AccountsUnitOfWork

EMAIL_OF = {
    LinkPurpose.PASSWORD_RESET: AccountEmailKind.PASSWORD_RESET,
    LinkPurpose.EMAIL_VERIFICATION: AccountEmailKind.EMAIL_VERIFICATION,
    LinkPurpose.ACCOUNT_DELETION: AccountEmailKind.ACCOUNT_DELETION,
    LinkPurpose.EMAIL_CHANGE: AccountEmailKind.EMAIL_CHANGE,
}


def issue_and_email(
    uow: AccountsUnitOfWork,
    user_id: int,
    purpose: LinkPurpose,
    now: datetime,
    new_email: str | None = None,
) -> None:
    """Supersede the account's older tokens of `purpose`, store a new one (for an email
    change, with the address it confirms) and record the email carrying its link, all in
    the caller's transaction (which commits)."""
    uow.link_tokens.supersede(user_id, purpose, now)
    token, raw = LinkToken.issue(user_id, purpose, now, new_email)
    uow.link_tokens.add(token)
    uow.account_emails.add(AccountEmail(EMAIL_OF[purpose], user_id, raw), now)


def redeem(
    uow: AccountsUnitOfWork, raw_token: str, purpose: LinkPurpose, now: datetime
) -> LinkToken:
    """Spend the token in the caller's transaction and return it.

    Raises InvalidLinkToken when it is unknown, used, expired or superseded, also when a
    concurrent request spent it first.
    """
    token = uow.link_tokens.find(hash_link_token(raw_token), purpose)
    if token is None:
        raise InvalidLinkToken()
    token.check_usable(now)
    if token.id is None or not uow.link_tokens.is_newest(token):
        raise InvalidLinkToken()
    if not uow.link_tokens.mark_used(token.id, now):
        raise InvalidLinkToken()
    return token
