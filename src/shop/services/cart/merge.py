"""Merging a guest's cart into a user's cart: at sign-in, or on request."""

from __future__ import annotations

from collections.abc import Mapping

from shop.domain.cart.cart import Adjustment, CartOwner, LineCap, adjustments, line_cap
from shop.domain.errors import Conflict
from shop.services.cart.ports import CartDependencies
from shop.services.cart.priced import CartView, priced_view

MERGE_ATTEMPTS = 5


def merge_carts(
    deps: CartDependencies, user_id: int, token: str | None
) -> tuple[Mapping[int, int] | None, list[Adjustment]]:
    """Move the guest cart `token` into the user's cart and delete it (one atomic step).

    Each line's quantities are summed and cut to the live stock and the line limit (a deleted
    or inactive variant's line to 0, i.e. removed); every cut line is an Adjustment. An
    unknown, expired or already merged token merges nothing: (None, []). Otherwise returns the
    user's lines after the merge. Raises Conflict if the guest cart kept changing meanwhile.
    """
    guest = CartOwner.guest(token)
    if guest.token is None:
        return None, []
    guest_lines = deps.store.lines(guest)
    if guest_lines is None:
        return None, []
    max_line = deps.rules.max_line_quantity
    caps: dict[int, LineCap] = {}
    wanted = set(guest_lines)
    for _ in range(MERGE_ATTEMPTS):
        new = wanted - caps.keys()
        variants = deps.live_variants.many(new) if new else {}
        caps.update({v: line_cap(variants.get(v), max_line) for v in new})
        result = deps.store.merge(guest.token, user_id, {v: cap.limit for v, cap in caps.items()})
        if result is None:
            return None, []  # a concurrent merge of the same guest cart won
        if not result.missing:
            return result.lines, adjustments(result.merged, caps)
        wanted |= set(result.missing)
    raise Conflict("The guest cart kept changing during the merge; retry.")


def merge_into_user_cart(
    deps: CartDependencies, user_id: int, token: str | None
) -> tuple[CartView, list[Adjustment]]:
    """`merge_carts`, then the user's cart at live prices. Raises as `merge_carts` does."""
    user = CartOwner.user(user_id)
    lines, cut = merge_carts(deps, user_id, token)
    if lines is None:
        lines = deps.store.lines(user) or {}
    return priced_view(deps, deps.live_variants, user, lines), cut


def merge_at_sign_in(deps: CartDependencies, user_id: int, token: str | None) -> None:
    """Fold the guest cart a signing-in user brings (`token`, if any) into their cart.

    The sign-in answer stays as it is (tokens only); the merged cart shows in the next read.
    Raises as `merge_carts` does.
    """
    if token:
        merge_carts(deps, user_id, token)
