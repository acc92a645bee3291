"""How a review's author is shown: the full name, else a masked email; never the email."""

from __future__ import annotations

ANONYMOUS = "Anonymous"


def mask_email(email: str) -> str:
    """`alice@example.com` -> `a***@example.com`."""
    local, at, domain = email.partition("@")
    if not at or not local:
        return ANONYMOUS
    return f"{local[0]}***@{domain}"


def author_name(full_name: str | None, email: str | None) -> str:
    if full_name and full_name.strip():
        return full_name.strip()
    if email:
        return mask_email(email)
    return ANONYMOUS
