"""Reading the catalog CSV's header and rows: columns by name, clear messages per cell."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from shop.domain.catalog.csv_cells import neutralise, restore
from shop.domain.catalog.csv_rows import CatalogRow, RowError, parse_row, read_header

HEADER = [
    "product_slug",
    "product_name",
    "category_slug",
    "sku",
    "price",
    "stock",
    "attr:Color",
]


def row(*cells: str) -> CatalogRow | list[RowError]:
    return parse_row(read_header(HEADER), 12, list(cells))


def test_headers_match_whatever_their_case_and_surrounding_spaces() -> None:
    header = read_header(
        [" Product_Slug ", "PRODUCT_NAME", "category_slug ", "SKU", "Price", "stock"]
    )
    assert not header.fatal
    assert set(header.positions) == {
        "product_slug",
        "product_name",
        "category_slug",
        "sku",
        "price",
        "stock",
    }


def test_an_unknown_column_is_reported_not_fatal() -> None:
    header = read_header([*HEADER, "colour"])
    assert not header.fatal
    assert header.errors == [RowError(1, "colour", "unknown column, ignored")]


def test_a_missing_required_column_is_one_clear_error() -> None:
    header = read_header(["product_slug", "product_name", "category_slug", "sku"])
    assert header.fatal
    assert header.errors == [RowError(1, "price, stock", "required column missing: price, stock")]


def test_a_price_with_a_decimal_comma_names_the_row_the_column_and_the_value() -> None:
    assert row("shirt", "Shirt", "tops", "SH-1", "12,50", "3", "Red") == [
        RowError(12, "price", "'12,50' is not a price like 12.50")
    ]


def test_every_bad_cell_of_a_row_is_reported() -> None:
    errors = row("Not A Slug", "", "tops", "bad sku!", "-1", "many", "")
    assert isinstance(errors, list)
    assert [e.field for e in errors] == ["product_slug", "product_name", "sku", "price", "stock"]
    assert "is not a number of units" in errors[-1].message


def test_a_valid_row_reads_as_what_it_asks_for() -> None:
    parsed = row("shirt", " Shirt ", "tops", "sh-1", "12.5", "3", "Red")
    assert isinstance(parsed, CatalogRow)
    assert parsed.product_name == "Shirt"
    assert parsed.variant is not None
    assert (parsed.variant.sku, parsed.variant.price, parsed.variant.stock) == (
        "SH-1",
        Decimal("12.5"),
        3,
    )
    assert parsed.variant.attributes == {"Color": "Red"}
    assert parsed.description is None  # absent column: left as it is


def test_a_row_without_sku_is_a_product_alone() -> None:
    parsed = row("shirt", "Shirt", "tops", "", "", "", "")
    assert isinstance(parsed, CatalogRow)
    assert parsed.variant is None


def test_more_cells_than_columns_hints_at_the_missing_quotes() -> None:
    errors = row("shirt", "Shirt", "tops", "SH-1", "12", "50", "3", "Red")
    assert isinstance(errors, list)
    assert errors[0].field == "row"
    assert "double quotes" in errors[0].message


@given(st.text())
@example("'=")
@example("'plain")
def test_neutralised_cells_read_back_as_written(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.lists(st.text(max_size=30), min_size=0, max_size=12))
def test_garbage_rows_give_errors_never_exceptions(cells: list[str]) -> None:
    result = parse_row(read_header(HEADER), 2, cells)
    assert isinstance(result, (CatalogRow, list))
    if isinstance(result, list):
        assert all(isinstance(e, RowError) and e.message for e in result)


@given(st.lists(st.text(max_size=20), max_size=12))
def test_garbage_headers_never_raise(cells: list[str]) -> None:
    header = read_header(cells)
    assert header.fatal == any(e.message.startswith("required") for e in header.errors)
