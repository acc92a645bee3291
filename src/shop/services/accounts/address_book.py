"""The address book: a customer's saved addresses, at most one default of each kind.

Changing a default takes the book's lock first, so concurrent changes of one account run
one after the other and the database's partial unique indexes never see two defaults.
"""

from __future__ import annotations

from collections.abc import Mapping

from shop.domain.accounts.addresses import Address, AddressKind
from shop.domain.errors import NotFound
from shop.services.accounts.ports import AccountsUnitOfWork, AccountsUnitOfWorkFactory
from shop.services.common import Clock

DEFAULT_FLAGS = {
    "is_default_shipping": AddressKind.SHIPPING,
    "is_default_billing": AddressKind.BILLING,
}


def list_addresses(uow_factory: AccountsUnitOfWorkFactory, user_id: int) -> list[Address]:
    with uow_factory() as uow:
        return uow.addresses.list_for(user_id)


def get_address(uow_factory: AccountsUnitOfWorkFactory, user_id: int, address_id: int) -> Address:
    """Raises NotFound for an unknown address or somebody else's."""
    with uow_factory() as uow:
        return _own(uow, user_id, address_id)


def add_address(
    uow_factory: AccountsUnitOfWorkFactory,
    clock: Clock,
    user_id: int,
    values: Mapping[str, object],
) -> Address:
    """Save a new address. Raises ValidationFailed for bad fields."""
    now = clock.now()
    texts, flags = _split(values)
    address = Address(user_id=user_id, created_at=now, updated_at=now, **texts)  # type: ignore[arg-type]
    address.validate()
    with uow_factory() as uow:
        uow.addresses.add(address)
        _apply_defaults(uow, address, flags)
        uow.commit()
    return address


def update_address(
    uow_factory: AccountsUnitOfWorkFactory,
    clock: Clock,
    user_id: int,
    address_id: int,
    values: Mapping[str, object],
) -> Address:
    """Change some fields of an own address. Raises NotFound, ValidationFailed."""
    texts, flags = _split(values)
    with uow_factory() as uow:
        address = _own(uow, user_id, address_id)
        if texts:
            address.change(texts, clock.now())
            uow.addresses.save(address)
        _apply_defaults(uow, address, flags)
        uow.commit()
    return address


def delete_address(uow_factory: AccountsUnitOfWorkFactory, user_id: int, address_id: int) -> None:
    """Raises NotFound for an unknown address or somebody else's. Orders keep their copy."""
    with uow_factory() as uow:
        uow.addresses.delete(_own(uow, user_id, address_id))
        uow.commit()


def _own(uow: AccountsUnitOfWork, user_id: int, address_id: int) -> Address:
    address = uow.addresses.get(user_id, address_id)
    if address is None:
        raise NotFound("No such address.")
    return address


def _split(values: Mapping[str, object]) -> tuple[dict[str, str], dict[str, bool]]:
    flags = {name: bool(values[name]) for name in DEFAULT_FLAGS if values.get(name) is not None}
    texts = {
        name: str(value)
        for name, value in values.items()
        if name not in DEFAULT_FLAGS and value is not None
    }
    return texts, flags


def _apply_defaults(uow: AccountsUnitOfWork, address: Address, flags: dict[str, bool]) -> None:
    if not flags:
        return
    assert address.id is not None
    uow.addresses.lock_book(address.user_id)
    for name, wanted in flags.items():
        kind = DEFAULT_FLAGS[name]
        if wanted:
            uow.addresses.set_default(address.user_id, address.id, kind)
        elif getattr(address, name):
            uow.addresses.set_default(address.user_id, None, kind)
        setattr(address, name, wanted)
