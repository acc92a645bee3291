"""The account emails (password reset, email verification, deletion confirmation, export
ready): plain text and HTML, carrying the link and nothing else that is secret."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from typing import Protocol

from shop.services.accounts.ports import (
    AccountEmail,
    AccountEmailKind,
    AccountLinks,
    AccountsUnitOfWorkFactory,
)

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


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over; raises when the mail server refuses or is down."""
        ...


@dataclass(frozen=True)
class AccountMail:
    uow: AccountsUnitOfWorkFactory
    mailer: Mailer
    links: AccountLinks
    sender: str


def render(kind: AccountEmailKind, recipient: str, link: str, sender: str) -> EmailMessage:
    text, action = BODY[kind]
    message = EmailMessage()
    message["Subject"] = SUBJECT[kind]
    message["From"] = sender
    message["To"] = recipient
    message["X-Shop-Email-Kind"] = str(kind)
    message.set_content(f"Hello,\n\n{text}\n\n{action}: {link}\n")
    message.add_alternative(
        f"<html><body><p>Hello,</p><p>{escape(text)}</p>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p></body></html>',
        subtype="html",
    )
    return message


def deliver(mail: AccountMail, email: AccountEmail) -> bool:
    """Send the email to the account's current address; False when the account is gone
    (an erased account gets nothing). Raises what the mailer raises."""
    with mail.uow() as uow:
        user = uow.users.get(email.user_id)
    if user is None or user.is_deleted:
        return False
    link = mail.links.link_for(email.kind, email.secret)
    mail.mailer.send(render(email.kind, user.email, link, mail.sender))
    return True
