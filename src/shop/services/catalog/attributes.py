"""Admin use cases of run-time attributes (Color, Size...) and their values."""

from __future__ import annotations

from shop.domain.catalog.rules import MAX_ATTRIBUTE_TEXT, check_name
from shop.domain.catalog.taxonomy import Attribute, AttributeValue
from shop.domain.errors import Conflict, NotFound
from shop.services.catalog.ports import (
    AttributesUnitOfWorkFactory,
    CatalogVersion,
    commit_catalog_change,
)


def create_attribute(
    uow_factory: AttributesUnitOfWorkFactory, version: CatalogVersion, name: str
) -> Attribute:
    """Create an attribute such as Color. Raises Conflict if the name exists in any case."""
    name = check_name(name, "name", MAX_ATTRIBUTE_TEXT)
    with uow_factory() as uow:
        if uow.attributes.get_by_name(name) is not None:
            raise Conflict(f"An attribute named {name!r} already exists.")
        attribute = Attribute(name=name)
        uow.attributes.add(attribute)
        commit_catalog_change(uow, version)
        return attribute


def add_attribute_value(
    uow_factory: AttributesUnitOfWorkFactory, version: CatalogVersion, attribute_id: int, value: str
) -> AttributeValue:
    """Add a value such as Blue to an attribute.

    Raises NotFound, ValidationFailed, or Conflict if the attribute has it in any case.
    """
    with uow_factory() as uow:
        attribute = uow.attributes.get(attribute_id)
        if attribute is None:
            raise NotFound(f"No attribute with id {attribute_id}.")
        new = attribute.add_value(value)
        commit_catalog_change(uow, version)
        return new
