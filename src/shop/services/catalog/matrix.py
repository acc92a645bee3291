"""The variant matrix: every combination of chosen attribute values (Size x Color...), which
of them the product has already, and creating the rest in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shop.domain.audit import SYSTEM, Actor
from shop.domain.catalog.products import Variant, combination_key
from shop.domain.catalog.taxonomy import resolve_attribute_values
from shop.domain.errors import ValidationFailed
from shop.services.catalog.ports import (
    CatalogVersion,
    VariantsUnitOfWorkFactory,
    commit_catalog_change,
)
from shop.services.catalog.products import load_product
from shop.services.catalog.variants import new_variant
from shop.services.common import Clock, Row

MAX_COMBINATIONS = 200

Combination = tuple[tuple[str, str], ...]
"""(attribute name, value) pairs in the order the axes were given."""


@dataclass(frozen=True)
class Cell:
    combination: Combination
    sku: str
    exists: bool

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self.combination)

    @property
    def label(self) -> str:
        return " / ".join(value for _, value in self.combination)


def combinations(axes: Mapping[str, Sequence[str]]) -> list[Combination]:
    """Every combination of one value per attribute; ValidationFailed when none or too many."""
    chosen = {name: list(dict.fromkeys(values)) for name, values in axes.items() if values}
    if not chosen:
        raise ValidationFailed({"values": ["Pick at least one value."]})
    count = 1
    for values in chosen.values():
        count *= len(values)
    if count > MAX_COMBINATIONS:
        raise ValidationFailed(
            {"values": [f"{count} combinations; generate at most {MAX_COMBINATIONS} at once."]}
        )
    names = list(chosen)
    return [
        tuple(zip(names, picked, strict=True)) for picked in itertools.product(*chosen.values())
    ]


def sku_for(prefix: str, combination: Combination) -> str:
    parts = [prefix.strip(), *(value for _, value in combination)]
    text = "-".join(p for p in parts if p)
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in text).upper()[:64]


def _key(attributes: Mapping[str, str] | Sequence[Mapping[str, str]]) -> frozenset[tuple[str, str]]:
    pairs = (
        attributes.items()
        if isinstance(attributes, Mapping)
        else ((a["name"], a["value"]) for a in attributes)
    )
    return frozenset((name.lower(), value.lower()) for name, value in pairs)


def plan(product: Row, axes: Mapping[str, Sequence[str]], sku_prefix: str) -> list[Cell]:
    """The matrix of `product` (a read model with its variants): existing cells marked."""
    existing = {_key(v["attributes"]) for v in product["variants"]}
    return [
        Cell(combo, sku_for(sku_prefix, combo), _key(dict(combo)) in existing)
        for combo in combinations(axes)
    ]


def generate_variants(
    uow_factory: VariantsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
    product_id: int,
    *,
    axes: Mapping[str, Sequence[str]],
    sku_prefix: str,
    price: Decimal,
    stock: int,
    expected_version: int | None = None,
    actor: Actor = SYSTEM,
) -> list[Variant]:
    """Create every combination of `axes` the product lacks, all or nothing.

    Raises NotFound, ValidationFailed (no or too many combinations, bad price or stock, an
    unknown attribute or value) or Conflict (a generated SKU taken, or the product is no
    longer at `expected_version`).
    """
    wanted = combinations(axes)
    with uow_factory() as uow:
        product = load_product(uow.products, product_id)
        product.check_version(expected_version)
        have = {v.combination_key for v in product.variants}
        made: list[Variant] = []
        for combo in wanted:
            attributes = dict(combo)
            values = resolve_attribute_values(attributes, uow.attributes.by_names(attributes))
            if combination_key(values) in have:
                continue
            made.append(
                new_variant(
                    uow,
                    clock,
                    actor,
                    product,
                    sku=sku_for(sku_prefix, combo),
                    price=price,
                    stock=stock,
                    attributes=attributes,
                )
            )
        if made:
            product.touch(clock.now())
            commit_catalog_change(uow, version)
        return made
