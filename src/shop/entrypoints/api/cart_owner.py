"""Whose cart a request works on: the signed-in user's (Bearer token), else the guest's."""

from __future__ import annotations

from shop.domain.cart.cart import CartOwner
from shop.entrypoints.web import auth
from shop.services.cart.ports import Credential


def cart_owner(guest_token: str | None) -> CartOwner:
    """The caller's own cart when signed in (the guest token is then ignored), else the
    guest cart `guest_token` names (None, or a token that cannot be ours: no cart yet)."""
    user_id = auth.optional_user_id()
    if user_id is not None:
        return CartOwner.user(user_id)
    return CartOwner.guest(guest_token)


def unchecked_cart_owner(guest_token: str | None) -> tuple[CartOwner, Credential | None]:
    """`cart_owner`, for a read that checks the token's revocation itself, together with the
    cart (see `auth.unchecked_credential`): the owner, and the credential still to check
    (None for a guest)."""
    credential = auth.unchecked_credential()
    if credential is not None:
        return CartOwner.user(credential.user_id), credential
    return CartOwner.guest(guest_token), None
