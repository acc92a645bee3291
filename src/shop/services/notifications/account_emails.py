"""The account emails (password reset, email verification, deletion confirmation, export
ready, email change and its notice to the old address): plain text and HTML, carrying the
link and nothing else that is secret."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from typing import Any

from shop.domain.accounts.link_tokens import LinkPurpose, hash_link_token
from shop.services.accounts.ports import (
    AccountEmail,
    AccountEmailKind,
    AccountLinks,
    AccountsUnitOfWorkFactory,
    SecretSealer,
)
from shop.services.notifications.confirmation import message_id

SUBJECT = {
    AccountEmailKind.PASSWORD_RESET: "Reset your password",
    AccountEmailKind.EMAIL_VERIFICATION: "Verify your email address",
    AccountEmailKind.ACCOUNT_DELETION: "Confirm the deletion of your account",
    AccountEmailKind.DATA_EXPORT_READY: "Your personal data export is ready",
    AccountEmailKind.EMAIL_CHANGE: "Confirm your new email address",
    AccountEmailKind.EMAIL_CHANGE_NOTICE: "A change of your email address was asked for",
}
BODY = {
    AccountEmailKind.PASSWORD_RESET: (
        "Somebody (hopefully you) asked to reset the password of your account. "
        "The link works once, within an hour; if you did not ask, ignore this email.",
        "Choose a new password",
    ),
    AccountEmailKind.EMAIL_VERIFICATION: (
        "Please confirm that this is your email address. The link works once, within 24 hours.",
        "Verify my email address",
    ),
    AccountEmailKind.ACCOUNT_DELETION: (
        "You asked us to delete your account. Following the link erases your name, email, "
        "phone and addresses for good; your orders stay, anonymised. The link works once, "
        "within 24 hours; if you did not ask, ignore this email and change your password.",
        "Delete my account",
    ),
    AccountEmailKind.DATA_EXPORT_READY: (
        "The file with your personal data is ready. The link expires in 24 hours.",
        "Download my data",
    ),
    AccountEmailKind.EMAIL_CHANGE: (
        "Please confirm that your account should use this email address from now on. The "
        "link works once, within 24 hours; if you did not ask, ignore this email.",
        "Use this email address",
    ),
    AccountEmailKind.EMAIL_CHANGE_NOTICE: (
        "Somebody (hopefully you) asked to move your account to another email address. "
        "Nothing changes until the new address is confirmed from the link sent to it. If you "
        "did not ask, change your password.",
        "",
    ),
}


@dataclass(frozen=True)
class AccountMail:
    uow: AccountsUnitOfWorkFactory
    links: AccountLinks
    sealer: SecretSealer
    sender: str


def render(
    kind: AccountEmailKind, recipient: str, link: str | None, sender: str, entry_id: int
) -> EmailMessage:
    """The email; without a link (a notice) it is the text alone."""
    text, action = BODY[kind]
    message = EmailMessage()
    message["Subject"] = SUBJECT[kind]
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = message_id(entry_id, sender.rpartition("@")[2] or "shop.invalid")
    message["X-Shop-Email-Kind"] = str(kind)
    plain = f"Hello,\n\n{text}\n" + (f"\n{action}: {link}\n" if link else "")
    button = f'<p><a href="{escape(link)}">{escape(action)}</a></p>' if link else ""
    message.set_content(plain)
    message.add_alternative(
        f"<html><body><p>Hello,</p><p>{escape(text)}</p>{button}</body></html>",
        subtype="html",
    )
    return message


def outbox_payload(mail_sealer: SecretSealer, email: AccountEmail) -> dict[str, Any]:
    """What the outbox keeps of an account email: ids and the sealed token (or, for an
    email change's notice, the sealed old address), never an address or a token in the
    clear."""
    secret = email.secret
    if email.kind is not AccountEmailKind.DATA_EXPORT_READY:
        secret = mail_sealer.seal(secret)
    return {"kind": str(email.kind), "user_id": email.user_id, "secret": secret}


def compose(mail: AccountMail, entry_id: int, payload: dict[str, Any]) -> EmailMessage | None:
    """The email of an outbox entry, to the account's current address (an email change's
    link to the new one, its notice to the old one); None when the account was erased
    meanwhile (it gets nothing)."""
    kind = AccountEmailKind(payload["kind"])
    with mail.uow() as uow:
        user = uow.users.get(int(payload["user_id"]))
    if user is None or user.is_deleted:
        return None
    secret = str(payload["secret"])
    if kind is not AccountEmailKind.DATA_EXPORT_READY:
        secret = mail.sealer.open(secret)
    if kind is AccountEmailKind.EMAIL_CHANGE_NOTICE:  # the secret is the old address
        return render(kind, secret, None, mail.sender, entry_id)
    recipient = user.email
    if kind is AccountEmailKind.EMAIL_CHANGE:
        pending = _pending_address(mail, secret)
        if pending is None:
            return None
        recipient = pending
    link = mail.links.link_for(kind, secret)
    return render(kind, recipient, link, mail.sender, entry_id)


def _pending_address(mail: AccountMail, raw_token: str) -> str | None:
    """The new address an email change's link goes to; None once the link was superseded
    or spent (its address is forgotten then, and the email not worth sending)."""
    with mail.uow() as uow:
        token = uow.link_tokens.find(hash_link_token(raw_token), LinkPurpose.EMAIL_CHANGE)
    return None if token is None else token.new_email
