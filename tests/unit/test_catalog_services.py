"""Catalog use cases against in-memory fakes: no database, no Redis."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.domain.catalog.taxonomy import Category
from shop.domain.errors import Conflict, NotFound, ValidationFailed
from shop.services.catalog import attributes, categories, products, variants
from shop.services.common import ServiceUnavailable
from tests.unit.fakes import CLOCK, FakeCatalogVersion, FakeClock, FakeUnitOfWork


@pytest.fixture
def version() -> FakeCatalogVersion:
    return FakeCatalogVersion()


def _category(uow: FakeUnitOfWork, version: FakeCatalogVersion, name: str = "Phones") -> int:
    category = categories.create_category(uow, version, name)
    assert category.id is not None
    return category.id


def _product(uow: FakeUnitOfWork, version: FakeCatalogVersion, name: str = "Phone X") -> int:
    product = products.create_product(
        uow, version, CLOCK, name=name, category_id=_category(uow, version)
    )
    assert product.id is not None
    return product.id


def _attributes(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> None:
    color = attributes.create_attribute(uow, version, "Color")
    memory = attributes.create_attribute(uow, version, "Memory")
    assert color.id is not None
    assert memory.id is not None
    for value in ("Blue", "Red"):
        attributes.add_attribute_value(uow, version, color.id, value)
    attributes.add_attribute_value(uow, version, memory.id, "256GB")


def _variant(
    uow: FakeUnitOfWork, version: FakeCatalogVersion, product_id: int, sku: str, **attrs: str
) -> int:
    variant = variants.add_variant(
        uow, version, CLOCK, product_id, sku=sku, price=Decimal("10.00"), stock=1, attributes=attrs
    )
    assert variant.id is not None
    return variant.id


# Categories


def test_a_category_slug_is_derived_and_made_unique(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    first = categories.create_category(uow, version, "Phones & Tablets")
    second = categories.create_category(uow, version, "Phones + Tablets")
    assert (first.slug, second.slug) == ("phones-tablets", "phones-tablets-2")
    assert uow.committed


def test_an_explicit_slug_that_exists_is_a_conflict(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    categories.create_category(uow, version, "Phones", slug="phones")
    with pytest.raises(Conflict):
        categories.create_category(uow, version, "Mobiles", slug="phones")


def test_an_explicit_slug_must_be_canonical(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    with pytest.raises(ValidationFailed):
        categories.create_category(uow, version, "Phones", slug="Phones!")
    assert not uow.committed


def test_renaming_a_category_keeps_its_slug(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    category_id = _category(uow, version)
    renamed = categories.update_category(uow, version, category_id, name="Mobile phones")
    assert (renamed.name, renamed.slug) == ("Mobile phones", "phones")


def test_changing_a_slug_to_a_taken_one_is_a_conflict(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _category(uow, version, "Laptops")
    category_id = _category(uow, version, "Phones")
    with pytest.raises(Conflict):
        categories.update_category(uow, version, category_id, slug="laptops")
    assert categories.update_category(uow, version, category_id, slug="phones").slug == "phones"


def test_a_category_in_use_cannot_be_deleted(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    category_id = _category(uow, version)
    uow.categories.used.add(category_id)
    commits = uow.commits
    with pytest.raises(Conflict):
        categories.delete_category(uow, version, category_id)
    assert uow.commits == commits
    assert uow.categories.get(category_id) is not None


def test_deleting_an_unused_category(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> None:
    category_id = _category(uow, version)
    categories.delete_category(uow, version, category_id)
    assert uow.categories.get(category_id) is None
    with pytest.raises(NotFound):
        categories.delete_category(uow, version, category_id)


# Attributes


def test_attribute_names_are_unique_case_insensitively(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    attributes.create_attribute(uow, version, "Color")
    with pytest.raises(Conflict):
        attributes.create_attribute(uow, version, " COLOR ")


def test_attribute_values_are_unique_within_their_attribute(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    color = uow.attributes.get_by_name("color")
    memory = uow.attributes.get_by_name("memory")
    assert color is not None
    assert memory is not None
    assert color.id
    assert memory.id
    with pytest.raises(Conflict):
        attributes.add_attribute_value(uow, version, color.id, "blue")
    assert attributes.add_attribute_value(uow, version, memory.id, "Blue").value == "Blue"


def test_a_value_for_an_unknown_attribute_is_not_found(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    with pytest.raises(NotFound):
        attributes.add_attribute_value(uow, version, 999_999, "Blue")


# Products


def test_a_product_in_an_unknown_category_is_refused_naming_the_field(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        products.create_product(uow, version, CLOCK, name="Phone", category_id=999_999)
    assert "category_id" in caught.value.errors


def test_product_slugs_are_derived_unique(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> None:
    category_id = _category(uow, version)
    a = products.create_product(uow, version, CLOCK, name="Phone X", category_id=category_id)
    b = products.create_product(uow, version, CLOCK, name="Phone X", category_id=category_id)
    assert (a.slug, b.slug) == ("phone-x", "phone-x-2")


def test_updating_a_product_changes_only_the_given_fields(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    product_id = _product(uow, version)
    product = products.update_product(
        uow, version, CLOCK, product_id, description="New", is_active=False
    )
    assert (product.name, product.description, product.is_active) == ("Phone X", "New", False)
    assert product.slug == "phone-x"


def test_a_product_that_was_ordered_is_deactivated_not_deleted(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    product_id = _product(uow, version)
    uow.products.ordered.add(product_id)  # ProductRepository.ever_ordered -> True
    assert products.delete_product(uow, version, CLOCK, product_id) is False
    product = uow.products.get(product_id)
    assert product is not None
    assert product.is_active is False


def test_a_product_never_ordered_is_deleted(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    product_id = _product(uow, version)
    assert products.delete_product(uow, version, CLOCK, product_id) is True
    assert uow.products.get(product_id) is None


# Variants


def test_a_variant_gets_its_attributes_by_name(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    product_id = _product(uow, version)
    variant_id = _variant(uow, version, product_id, "px-blue", color="blue", MEMORY="256gb")
    variant = uow.variants.get(variant_id)
    assert variant is not None
    assert variant.sku == "PX-BLUE"
    assert sorted(v.value for v in variant.attribute_values) == ["256GB", "Blue"]


def test_an_unknown_attribute_or_value_is_refused_naming_it(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    product_id = _product(uow, version)
    with pytest.raises(ValidationFailed) as caught:
        _variant(uow, version, product_id, "X-1", Colour="Blue")
    assert "Colour" in caught.value.errors["attributes"][0]
    with pytest.raises(ValidationFailed) as caught:
        _variant(uow, version, product_id, "X-1", Color="Teal")
    assert "Teal" in caught.value.errors["attributes"][0]


def test_a_sku_is_unique_across_the_shop(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> None:
    _attributes(uow, version)
    first, second = _product(uow, version, "Phone A"), _product(uow, version, "Phone B")
    _variant(uow, version, first, "SKU-1", Color="Blue")
    with pytest.raises(Conflict):
        _variant(uow, version, second, "sku-1", Color="Red")


def test_a_product_cannot_have_two_variants_with_one_combination(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    product_id = _product(uow, version)
    _variant(uow, version, product_id, "A-1", Color="Blue", Memory="256GB")
    with pytest.raises(Conflict):
        _variant(uow, version, product_id, "A-2", Memory="256GB", Color="BLUE")
    _variant(uow, version, product_id, "A-3", Color="Red", Memory="256GB")


def test_a_variant_for_an_unknown_product_is_not_found(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    with pytest.raises(NotFound):
        _variant(uow, version, 999_999, "A-1")


def test_updating_a_variant_never_goes_negative(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    variant_id = _variant(uow, version, _product(uow, version), "A-1")
    with pytest.raises(ValidationFailed):
        variants.update_variant(uow, version, CLOCK, variant_id, stock=-1)
    with pytest.raises(ValidationFailed):
        variants.update_variant(uow, version, CLOCK, variant_id, price=Decimal("-0.01"))
    variant = variants.update_variant(
        uow, version, CLOCK, variant_id, price=Decimal("9.5"), stock=0
    )
    assert (variant.price, variant.stock, variant.in_stock) == (Decimal("9.50"), 0, False)


def test_a_variant_may_keep_its_sku_but_not_take_another(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    product_id = _product(uow, version)
    first = _variant(uow, version, product_id, "A-1", Color="Blue")
    _variant(uow, version, product_id, "A-2", Color="Red")
    assert variants.update_variant(uow, version, CLOCK, first, sku="a-1").sku == "A-1"
    with pytest.raises(Conflict):
        variants.update_variant(uow, version, CLOCK, first, sku="A-2")


# Freshness: every write bumps the catalog version


def test_every_write_bumps_the_version_before_and_after_its_commit(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    categories.create_category(uow, version, "Phones")
    assert (uow.commits, version.bumps) == (1, 2)


def test_a_write_is_refused_with_nothing_written_while_the_version_store_is_down(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    version.down = True
    with pytest.raises(ServiceUnavailable):
        categories.create_category(uow, version, "Phones")
    assert not uow.committed
    assert uow.categories.rows == {}


def test_the_fake_unit_of_work_keeps_only_committed_writes(uow: FakeUnitOfWork) -> None:
    with uow:
        uow.categories.add(Category(name="Kept", slug="kept"))
        uow.commit()
    with uow:
        uow.categories.add(Category(name="Dropped", slug="dropped"))
    with uow:
        uow.categories.add(Category(name="Rolled back", slug="rolled-back"))
        uow.rollback()
        uow.commit()
    assert [c.slug for c in uow.categories.rows.values()] == ["kept"]


class _FailsAfterCommit(FakeCatalogVersion):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    def bump(self) -> None:
        if self.uow.committed:
            raise ServiceUnavailable("redis")
        super().bump()


def test_a_committed_write_still_succeeds_when_the_second_bump_fails(
    uow: FakeUnitOfWork, caplog: pytest.LogCaptureFixture
) -> None:
    category = categories.create_category(uow, _FailsAfterCommit(uow), "Phones")
    assert uow.committed
    assert category.id is not None
    assert "not bumped" in caplog.text


def test_variant_writes_keep_the_products_price_from(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    _attributes(uow, version)
    product_id = _product(uow, version)
    blue = _variant(uow, version, product_id, "A-1", Color="Blue")  # 10.00
    red = _variant(uow, version, product_id, "A-2", Color="Red")  # 10.00

    def price_from() -> Decimal | None:
        product = uow.products.get(product_id)
        assert product is not None
        return product.price_from

    variants.update_variant(uow, version, CLOCK, red, price=Decimal("7.50"))
    assert price_from() == Decimal("7.50")
    variants.update_variant(uow, version, CLOCK, red, is_active=False)
    assert price_from() == Decimal("10.00")
    variants.update_variant(uow, version, CLOCK, blue, is_active=False)
    assert price_from() is None


def test_product_writes_take_their_time_from_the_clock(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    clock = FakeClock()
    category_id = _category(uow, version)
    product = products.create_product(uow, version, clock, name="Lamp", category_id=category_id)
    assert product.id is not None
    assert product.created_at == product.updated_at == clock.now()
    clock.advance(60)
    updated = products.update_product(uow, version, clock, product.id, description="Bright")
    assert (updated.created_at, updated.updated_at) == (product.created_at, clock.now())
