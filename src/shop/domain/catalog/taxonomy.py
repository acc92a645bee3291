"""How the catalog is organised: categories, and run-time attributes (Color, Size...) with
their values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shop.domain.catalog.rules import (
    MAX_ATTRIBUTE_TEXT,
    MAX_CATEGORY_NAME,
    check_name,
    check_slug,
    check_version,
)
from shop.domain.errors import Conflict, ValidationFailed


@dataclass(eq=False)
class Category:
    name: str
    slug: str
    # Counts the writes to the category: a form that shows version N may save (or delete)
    # only while the category is still at N (check_version).
    version: int = field(default=1, kw_only=True)
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_CATEGORY_NAME)
        self.slug = check_slug(self.slug)

    def check_version(self, expected: int | None) -> None:
        """Refuse a write based on an older reading of the category (None: no check)."""
        check_version(f"Category {self.name!r}", expected, self.version)

    def touch(self) -> None:
        """Record that a write changed the category."""
        self.version += 1

    def rename(self, name: str) -> None:
        self.name = check_name(name, "name", MAX_CATEGORY_NAME)

    def change_slug(self, slug: str) -> None:
        self.slug = check_slug(slug)


@dataclass(eq=False)
class AttributeValue:
    value: str
    attribute_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Attribute:
    """A run-time attribute such as Color or Memory; its names compare case-insensitively."""

    name: str
    values: list[AttributeValue] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_ATTRIBUTE_TEXT)

    def add_value(self, value: str) -> AttributeValue:
        """Values are unique within their attribute, compared case-insensitively."""
        value = check_name(value, "value", MAX_ATTRIBUTE_TEXT)
        if self.find_value(value) is not None:
            raise Conflict(f"{self.name} already has the value {value!r}.")
        new = AttributeValue(value=value, attribute_id=self.id)
        self.values.append(new)
        return new

    def find_value(self, value: str) -> AttributeValue | None:
        wanted = value.strip().lower()
        return next((v for v in self.values if v.value.lower() == wanted), None)


def resolve_attribute_values(
    requested: Mapping[str, str], known: Mapping[str, Attribute]
) -> list[AttributeValue]:
    """The attribute values a variant asks for by name, e.g. {"Color": "Blue"}.

    `known` maps lower-cased attribute names to attributes. Every unknown name or value is
    named in the ValidationFailed; naming one attribute twice (in any case) is refused too.
    """
    problems: list[str] = []
    seen: set[str] = set()
    chosen: list[AttributeValue] = []
    for name, value in requested.items():
        key = name.strip().lower()
        if key in seen:
            problems.append(f"Attribute {name!r} is given more than once.")
            continue
        seen.add(key)
        attribute = known.get(key)
        if attribute is None:
            problems.append(f"Unknown attribute {name!r}.")
            continue
        found = attribute.find_value(value)
        if found is None:
            problems.append(f"Unknown value {value!r} for attribute {attribute.name!r}.")
            continue
        chosen.append(found)
    if problems:
        raise ValidationFailed({"attributes": problems})
    return chosen
