"""The account emails (password reset, email verification, deletion confirmation, export
ready): plain text and HTML, carrying the link and nothing else that is secret."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from typing import Any

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
}


@dataclass(frozen=True)
class AccountMail:
    uow: AccountsUnitOfWorkFactory
    links: AccountLinks
    sealer: SecretSealer
    sender: str


def render(
    kind: AccountEmailKind, recipient: str, link: str, sender: str, entry_id: int
) -> EmailMessage:
    text, action = BODY[kind]
    message = EmailMessage()
    message["Subject"] = SUBJECT[kind]
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = message_id(entry_id, sender.rpartition("@")[2] or "shop.invalid")
    message["X-Shop-Email-Kind"] = str(kind)
    message.set_content(f"Hello,\n\n{text}\n\n{action}: {link}\n")
    message.add_alternative(
        f"<html><body><p>Hello,</p><p>{escape(text)}</p>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p></body></html>',
        subtype="html",
    )
    return message


def outbox_payload(mail_sealer: SecretSealer, email: AccountEmail) -> dict[str, Any]:
    """What the outbox keeps of an account email: ids and the sealed token, never an
    address or a token in the clear."""
    secret = email.secret
    if email.kind is not AccountEmailKind.DATA_EXPORT_READY:
        secret = mail_sealer.seal(secret)
    return {"kind": str(email.kind), "user_id": email.user_id, "secret": secret}


def compose(mail: AccountMail, entry_id: int, payload: dict[str, Any]) -> EmailMessage | None:
    """The email of an outbox entry, to the account's current address; None when the
    account was erased meanwhile (it gets nothing)."""
    kind = AccountEmailKind(payload["kind"])
    with mail.uow() as uow:
        user = uow.users.get(int(payload["user_id"]))
    if user is None or user.is_deleted:
        return None
    secret = str(payload["secret"])
    if kind is not AccountEmailKind.DATA_EXPORT_READY:
        secret = mail.sealer.open(secret)
    link = mail.links.link_for(kind, secret)
    return render(kind, user.email, link, mail.sender, entry_id)
