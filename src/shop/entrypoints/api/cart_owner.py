"""Whose cart a request works on: the signed-in user's (Bearer token), else the guest's."""

from __future__ import annotations

from shop.domain.cart.cart import CartOwner
from shop.entrypoints.web import auth


def cart_owner(guest_token: str | None) -> CartOwner:
    """The caller's own cart when signed in (the guest token is then ignored), else the
    guest cart `guest_token` names (None, or a token that cannot be ours: no cart yet)."""
    user_id = auth.optional_user_id()
    if user_id is not None:
        return CartOwner.user(user_id)
    return CartOwner.guest(guest_token)
