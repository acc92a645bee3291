"""The catalog CSV's header and rows: which column is which, and what each row asks for.

One row per variant, keyed by `sku`; a row with an empty `sku` describes a product alone.
Products are keyed by `product_slug`. Header names match case-insensitively with surrounding
spaces ignored; an unknown column is reported but not fatal. A column that is absent leaves
that field as it is (or at its default for something new).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shop.domain.catalog.csv_cells import CellError, parse_bool, parse_price, parse_stock, restore
from shop.domain.catalog.rules import (
    MAX_ATTRIBUTE_TEXT,
    MAX_PRODUCT_NAME,
    check_name,
    check_slug,
    normalise_sku,
)
from shop.domain.errors import ValidationFailed

PRODUCT_COLUMNS = (
    "product_slug",
    "product_name",
    "category_slug",
    "description",
    "image_url",
    "product_active",
)
VARIANT_COLUMNS = ("sku", "price", "stock", "variant_active")
COLUMNS = PRODUCT_COLUMNS + VARIANT_COLUMNS
REQUIRED = ("product_slug", "product_name", "category_slug", "sku", "price", "stock")
ATTR_PREFIX = "attr:"
MAX_IMAGE_URL = 500
MAX_DESCRIPTION = 10_000


@dataclass(frozen=True)
class RowError:
    """One problem of one row (`row` counts lines as a spreadsheet does: the header is 1)."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class Header:
    """Where each known column is, the attribute columns, and what was wrong with the header."""

    positions: dict[str, int]
    attributes: dict[str, int]  # attribute name as written -> position
    errors: list[RowError]
    fatal: bool


def read_header(cells: Sequence[str]) -> Header:
    positions: dict[str, int] = {}
    attributes: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(cells):
        name = raw.strip().lstrip("\ufeff").strip()
        key = name.lower()
        if key.startswith(ATTR_PREFIX) and name[len(ATTR_PREFIX) :].strip():
            attribute = name[len(ATTR_PREFIX) :].strip()
            if attribute.lower() in {a.lower() for a in attributes}:
                errors.append(RowError(1, name, "this attribute column appears twice"))
            else:
                attributes[attribute] = index
        elif key in COLUMNS and key not in positions:
            positions[key] = index
        elif key in positions:
            errors.append(RowError(1, name, "this column appears twice; the first one is used"))
        else:
            errors.append(RowError(1, name or f"column {index + 1}", "unknown column, ignored"))
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        errors.append(
            RowError(1, ", ".join(missing), "required column missing: " + ", ".join(missing))
        )
    return Header(positions, attributes, errors, fatal=bool(missing))


@dataclass
class VariantRow:
    sku: str
    price: Decimal
    stock: int
    is_active: bool | None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class CatalogRow:
    """What one valid row asks for; None: the column is absent (leave the field alone)."""

    row: int
    product_slug: str
    product_name: str
    category_slug: str
    description: str | None
    image_url: str | None  # "" in the file clears the image
    product_active: bool | None
    variant: VariantRow | None


class _Reader:
    def __init__(self, header: Header, row: int, cells: Sequence[str]) -> None:
        self.header, self.row, self.cells = header, row, cells
        self.errors: list[RowError] = []

    def cell(self, column: str) -> str | None:
        index = self.header.positions.get(column)
        if index is None:
            return None
        return restore(self.cells[index]) if index < len(self.cells) else ""

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def checked(self, column: str, check: object, *args: object) -> object:
        text = self.cell(column) or ""
        try:
            return check(text, *args)  # type: ignore[operator]
        except CellError as exc:
            self.fail(column, str(exc))
        except ValidationFailed as exc:
            self.fail(column, _first_message(exc, text))
        return None


def _first_message(exc: ValidationFailed, text: str) -> str:
    messages = [m for ms in exc.errors.values() for m in ms]
    shown = repr(text if len(text) <= 40 else text[:37] + "...") if text else "an empty cell"
    return f"{shown}: {messages[0] if messages else exc.detail}"


def _optional_bool(reader: _Reader, column: str) -> bool | None:
    text = reader.cell(column)
    if text is None or not text.strip():
        return None
    value = reader.checked(column, parse_bool)
    return value if isinstance(value, bool) else None


def _bounded(reader: _Reader, column: str, limit: int) -> str | None:
    text = reader.cell(column)
    if text is not None and len(text) > limit:
        reader.fail(column, f"longer than {limit} characters")
    return text


def parse_row(header: Header, row: int, cells: Sequence[str]) -> CatalogRow | list[RowError]:
    """The row's request, or every problem it has (each with its column and a message)."""
    reader = _Reader(header, row, cells)
    width = max([*header.positions.values(), *header.attributes.values(), -1]) + 1
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        reader.fail(
            "row",
            f"{len(cells)} cells but the header has {width} columns "
            "(a value with a comma needs double quotes around it)",
        )
    slug = reader.checked("product_slug", check_slug)
    name = reader.checked("product_name", check_name, "product_name", MAX_PRODUCT_NAME)
    category = reader.checked("category_slug", check_slug)
    description = _bounded(reader, "description", MAX_DESCRIPTION)
    image_url = _bounded(reader, "image_url", MAX_IMAGE_URL)
    product_active = _optional_bool(reader, "product_active")
    variant = _variant(reader)
    if reader.errors:
        return reader.errors
    return CatalogRow(
        row=row,
        product_slug=str(slug),
        product_name=str(name),
        category_slug=str(category),
        description=description.strip() if description is not None else None,
        image_url=image_url.strip() if image_url is not None else None,
        product_active=product_active,
        variant=variant,
    )


def _variant(reader: _Reader) -> VariantRow | None:
    sku_text = (reader.cell("sku") or "").strip()
    attributes = _attributes(reader)
    if not sku_text:
        for column in ("price", "stock"):
            if (reader.cell(column) or "").strip():
                reader.fail(column, "a price or stock needs a sku in the same row")
        if attributes:
            reader.fail("sku", "attribute values need a sku in the same row")
        return None
    sku = reader.checked("sku", normalise_sku)
    price = reader.checked("price", parse_price)
    stock = reader.checked("stock", parse_stock)
    active = _optional_bool(reader, "variant_active")
    if not isinstance(sku, str) or not isinstance(price, Decimal) or not isinstance(stock, int):
        return None
    return VariantRow(sku=sku, price=price, stock=stock, is_active=active, attributes=attributes)


def _attributes(reader: _Reader) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, index in reader.header.attributes.items():
        text = restore(reader.cells[index]).strip() if index < len(reader.cells) else ""
        if not text:
            continue
        if len(text) > MAX_ATTRIBUTE_TEXT or len(name) > MAX_ATTRIBUTE_TEXT:
            reader.fail(ATTR_PREFIX + name, f"longer than {MAX_ATTRIBUTE_TEXT} characters")
            continue
        values[name] = text
    return values
