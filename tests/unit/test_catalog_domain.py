"""The catalog's rules, on the domain classes alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.catalog.products import Product, Variant, combination_key
from shop.domain.catalog.rules import (
    MAX_PRICE,
    SLUG_BASE_LENGTH,
    check_price,
    check_slug,
    check_stock,
    normalise_sku,
    slugify,
    unique_slug,
)
from shop.domain.catalog.taxonomy import (
    Attribute,
    AttributeValue,
    Category,
    resolve_attribute_values,
)
from shop.domain.errors import Conflict, ValidationFailed

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


@given(st.text())
def test_a_slug_is_always_canonical_and_never_empty(text: str) -> None:
    slug = slugify(text)
    assert SLUG.match(slug)
    assert len(slug) <= SLUG_BASE_LENGTH
    assert check_slug(slug) == slug


@given(st.text())
def test_slugify_is_idempotent(text: str) -> None:
    assert slugify(slugify(text)) == slugify(text)


def test_slugify_transliterates_and_joins_words() -> None:
    assert slugify("  Crème Brûlée & Co.  ") == "creme-brulee-co"


@given(
    st.from_regex(SLUG, fullmatch=True).filter(lambda s: len(s) <= 40),
    st.sets(st.integers(min_value=2, max_value=30)),
    st.booleans(),
)
def test_unique_slug_picks_the_first_free_numbered_slug(
    base: str, numbers: set[int], base_taken: bool
) -> None:
    taken = {f"{base}-{n}" for n in numbers} | ({base} if base_taken else set())
    slug = unique_slug(base, taken)
    assert slug not in taken
    if not base_taken:
        assert slug == base
    else:
        first_free = min(n for n in range(2, 33) if n not in numbers)
        assert slug == f"{base}-{first_free}"


@pytest.mark.parametrize("bad", ["", "Has Caps", "two--hyphens", "-leading", "trailing-", "a_b"])
def test_an_explicit_slug_must_be_canonical(bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_slug(bad)
    assert "slug" in caught.value.errors


def test_sku_is_upper_cased_and_checked() -> None:
    assert normalise_sku(" abc-12.x_y ") == "ABC-12.X_Y"
    for bad in ("", "-ABC", "A B", "A" * 65, "ÄBC"):
        with pytest.raises(ValidationFailed):
            normalise_sku(bad)


@given(st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2))
def test_a_price_is_never_negative(price: Decimal) -> None:
    with pytest.raises(ValidationFailed):
        check_price(price)


@given(st.decimals(min_value=0, max_value=MAX_PRICE, allow_nan=False, places=2))
def test_a_price_in_range_keeps_two_places(price: Decimal) -> None:
    assert check_price(price) == price
    assert check_price(price).as_tuple().exponent == -2


def test_a_price_above_the_maximum_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        check_price(MAX_PRICE + Decimal("0.01"))


@given(st.integers(max_value=-1))
def test_stock_is_never_negative(stock: int) -> None:
    with pytest.raises(ValidationFailed):
        check_stock(stock)


def test_a_variant_cannot_be_made_or_changed_with_a_negative_price_or_stock() -> None:
    with pytest.raises(ValidationFailed):
        Variant(created_at=T0, sku="A1", price=Decimal("-1"), stock=1)
    with pytest.raises(ValidationFailed):
        Variant(created_at=T0, sku="A1", price=Decimal("1"), stock=-1)
    variant = Variant(created_at=T0, sku="a1", price=Decimal("1.005"), stock=0)
    assert (variant.sku, variant.price, variant.in_stock) == ("A1", Decimal("1.01"), False)
    with pytest.raises(ValidationFailed):
        variant.change_price(Decimal("-0.01"))
    with pytest.raises(ValidationFailed):
        variant.change_stock(-1)
    assert (variant.price, variant.stock) == (Decimal("1.01"), 0)


def test_names_are_trimmed_and_never_blank() -> None:
    assert Category(name="  Phones ", slug="phones").name == "Phones"
    with pytest.raises(ValidationFailed):
        Category(name="   ", slug="phones")
    with pytest.raises(ValidationFailed):
        Attribute(name="")
    with pytest.raises(ValidationFailed):
        Product(created_at=T0, name=" ", slug="x", category_id=1)


def test_attribute_values_are_unique_case_insensitively() -> None:
    color = Attribute(name="Color")
    color.add_value("Blue")
    with pytest.raises(Conflict):
        color.add_value(" BLUE ")
    with pytest.raises(ValidationFailed):
        color.add_value("  ")
    assert [v.value for v in color.values] == ["Blue"]
    assert color.find_value("blue") is color.values[0]


def _attribute(name: str, *values: str, first_id: int = 1) -> Attribute:
    attribute = Attribute(name=name, id=first_id)
    for offset, value in enumerate(values):
        attribute.values.append(
            AttributeValue(value=value, attribute_id=first_id, id=first_id + offset + 1)
        )
    return attribute


def test_variant_attributes_resolve_by_name_in_any_case() -> None:
    known = {
        "color": _attribute("Color", "Blue", "Red"),
        "memory": _attribute("Memory", "256GB", first_id=10),
    }
    values = resolve_attribute_values({"COLOR": "red", "Memory": "256gb"}, known)
    assert [v.value for v in values] == ["Red", "256GB"]


def test_unknown_attributes_and_values_are_each_named() -> None:
    known = {"color": _attribute("Color", "Blue")}
    with pytest.raises(ValidationFailed) as caught:
        resolve_attribute_values({"Colour": "Blue", "Color": "Teal"}, known)
    messages = caught.value.errors["attributes"]
    assert any("'Colour'" in m for m in messages)
    assert any("'Teal'" in m for m in messages)


def test_an_attribute_named_twice_is_refused() -> None:
    known = {"color": _attribute("Color", "Blue", "Red")}
    with pytest.raises(ValidationFailed):
        resolve_attribute_values({"Color": "Blue", "color": "Red"}, known)


def test_no_two_variants_of_a_product_share_an_attribute_combination() -> None:
    color, memory = _attribute("Color", "Blue", "Red"), _attribute("Memory", "128GB", first_id=10)
    blue, red, small = color.values[0], color.values[1], memory.values[0]
    product = Product(created_at=T0, name="Phone", slug="phone", category_id=1)
    product.add_variant(
        Variant(created_at=T0, sku="P-1", price=Decimal(1), stock=1, attribute_values=[blue, small])
    )
    product.add_variant(
        Variant(created_at=T0, sku="P-2", price=Decimal(1), stock=1, attribute_values=[red, small])
    )
    with pytest.raises(Conflict):
        product.add_variant(
            Variant(
                created_at=T0, sku="P-3", price=Decimal(1), stock=1, attribute_values=[small, blue]
            )
        )
    assert [v.sku for v in product.variants] == ["P-1", "P-2"]


def test_only_one_variant_without_attributes() -> None:
    product = Product(created_at=T0, name="Mug", slug="mug", category_id=1)
    product.add_variant(Variant(created_at=T0, sku="MUG-1", price=Decimal(5), stock=1))
    with pytest.raises(Conflict):
        product.add_variant(Variant(created_at=T0, sku="MUG-2", price=Decimal(5), stock=1))


@given(st.permutations([AttributeValue(value=str(i), id=i) for i in range(1, 6)]))
def test_the_combination_key_ignores_order(values: list[AttributeValue]) -> None:
    assert combination_key(values) == "1,2,3,4,5"


def test_deactivating_a_product_keeps_it() -> None:
    product = Product(created_at=T0, name="Old", slug="old", category_id=1)
    assert product.updated_at == T0
    product.deactivate()
    product.touch(T1)
    assert product.is_active is False
    assert product.updated_at == T1


def test_price_from_is_the_lowest_active_variant_price() -> None:
    product = Product(created_at=T0, name="Tee", slug="tee", category_id=1)
    assert product.price_from is None
    small, large = AttributeValue(value="S", id=1), AttributeValue(value="L", id=2)
    product.add_variant(
        Variant(created_at=T0, sku="T-S", price=Decimal("20"), stock=1, attribute_values=[small])
    )
    cheap = product.add_variant(
        Variant(created_at=T0, sku="T-L", price=Decimal("15"), stock=0, attribute_values=[large])
    )
    assert product.price_from == Decimal("15.00")  # out of stock still counts
    product.revise_variant(cheap, is_active=False)
    assert product.price_from == Decimal("20.00")
    product.revise_variant(cheap, is_active=True, price=Decimal("25"))
    assert product.price_from == Decimal("20.00")


def test_search_text_follows_name_description_and_active_skus() -> None:
    product = Product(
        created_at=T0, name="Nova X1", slug="nova-x1", category_id=1, description="A phone"
    )
    product.add_variant(Variant(created_at=T0, sku="NX1-BLUE", price=Decimal("10"), stock=1))
    hidden = product.add_variant(
        Variant(
            created_at=T0,
            sku="NX1-RED",
            price=Decimal("10"),
            stock=1,
            is_active=False,
            attribute_values=[AttributeValue("Red", attribute_id=1, id=7)],
        )
    )
    assert "nova x1" in product.search_text
    assert "a phone" in product.search_text
    assert "nx1-blue" in product.search_text
    assert "nx1-red" not in product.search_text
    product.rename("Nova X2")
    product.revise_variant(hidden, is_active=True)
    assert "nova x2" in product.search_text
    assert "nx1-red" in product.search_text
