"""Admin use cases with fakes: the audit entries they write, stock adjustments, the variant
matrix, versions against concurrent edits, and the last-admin guard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.domain.accounts.users import Role, User
from shop.domain.audit import Actor, Source, changes_between
from shop.domain.errors import Conflict, NotFound, ValidationFailed
from shop.services.accounts import admins
from shop.services.catalog import attributes, categories, matrix, products, stock, variants
from tests.unit.fakes import CLOCK, FakeCatalogVersion, FakeUnitOfWork

BOSS = Actor(user_id=7, email="boss@example.com", source=Source.CONSOLE)


@pytest.fixture
def version() -> FakeCatalogVersion:
    return FakeCatalogVersion()


def _product(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> int:
    category = categories.create_category(uow, version, "Shirts", actor=BOSS, clock=CLOCK)
    for name, values in (("Size", ("S", "M")), ("Color", ("Red", "Blue"))):
        attribute = attributes.create_attribute(uow, version, name, actor=BOSS, clock=CLOCK)
        assert attribute.id is not None
        for value in values:
            attributes.add_attribute_value(uow, version, attribute.id, value, actor=BOSS)
    assert category.id is not None
    product = products.create_product(
        uow, version, CLOCK, name="Tee", category_id=category.id, actor=BOSS
    )
    assert product.id is not None
    return product.id


def test_changes_between_lists_only_what_differs() -> None:
    assert changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3],
        "c": [None, 4],
    }


def test_each_write_records_who_did_what_with_before_and_after(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    pid = _product(uow, version)
    products.update_product(uow, version, CLOCK, pid, name="Tee 2", actor=BOSS)
    products.update_product(uow, version, CLOCK, pid, name="Tee 2", actor=BOSS)  # no change
    last = uow.audit_entries[-1]
    assert (last.action, last.entity, last.entity_id) == ("update", "product", str(pid))
    assert last.changes == {"name": ["Tee", "Tee 2"]}
    assert (last.actor_id, last.actor_email, last.source) == (7, "boss@example.com", "console")
    assert (
        len([e for e in uow.audit_entries if e.action == "update" and e.entity == "product"]) == 1
    )


def test_a_write_that_fails_records_nothing(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    pid = _product(uow, version)
    before = len(uow.audit_entries)
    with pytest.raises(ValidationFailed):
        products.update_product(uow, version, CLOCK, pid, name="   ", actor=BOSS)
    assert len(uow.audit_entries) == before


def test_a_stale_version_is_refused(uow: FakeUnitOfWork, version: FakeCatalogVersion) -> None:
    pid = _product(uow, version)
    products.update_product(uow, version, CLOCK, pid, name="Mine", expected_version=1)
    with pytest.raises(Conflict, match="changed by someone else"):
        products.update_product(uow, version, CLOCK, pid, name="Theirs", expected_version=1)
    assert uow.products.get(pid).name == "Mine"  # type: ignore[union-attr]


def test_a_category_saved_or_deleted_over_a_newer_version_is_refused(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    category = categories.create_category(uow, version, "Shirts", actor=BOSS, clock=CLOCK)
    assert category.id is not None
    assert category.version == 1
    categories.update_category(uow, version, category.id, name="Tees", expected_version=1)
    categories.update_category(uow, version, category.id, name="Tees", expected_version=2)
    stored = uow.categories.get(category.id)
    assert stored is not None
    assert stored.version == 2  # a save that changed nothing is no new version
    entries = len(uow.audit_entries)
    with pytest.raises(Conflict, match="changed by someone else") as refused:
        categories.update_category(uow, version, category.id, name="Shirts", expected_version=1)
    assert refused.value.current_version == 2
    with pytest.raises(Conflict, match="your version 1, now 2"):
        categories.delete_category(uow, version, category.id, expected_version=1)
    assert uow.categories.get(category.id).name == "Tees"  # type: ignore[union-attr]
    assert len(uow.audit_entries) == entries
    categories.delete_category(uow, version, category.id, expected_version=2)
    assert uow.categories.get(category.id) is None


def test_an_adjustment_is_relative_and_never_below_zero(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    pid = _product(uow, version)
    variant = variants.add_variant(
        uow, version, CLOCK, pid, sku="T-1", price=Decimal("5"), stock=2, attributes={}
    )
    assert variant.id is not None
    made = stock.adjust_stock(uow, CLOCK, variant.id, 3, " delivery ", actor=BOSS)
    assert (made.stock_after, made.reason, made.actor_id) == (5, "delivery", 7)
    with pytest.raises(Conflict) as refused:
        stock.adjust_stock(uow, CLOCK, variant.id, -6, "count", actor=BOSS)
    assert refused.value.available == 5
    with pytest.raises(NotFound):
        stock.adjust_stock(uow, CLOCK, 999_999, 1, "x", actor=BOSS)
    for delta, reason in ((0, "x"), (1, ""), (1, "x" * 201)):
        with pytest.raises(ValidationFailed):
            stock.adjust_stock(uow, CLOCK, variant.id, delta, reason, actor=BOSS)
    assert uow.audit_entries[-1].changes == {"stock": [2, 5], "reason": [None, "delivery"]}


def test_the_matrix_creates_only_the_missing_combinations(
    uow: FakeUnitOfWork, version: FakeCatalogVersion
) -> None:
    pid = _product(uow, version)
    variants.add_variant(
        uow,
        version,
        CLOCK,
        pid,
        sku="TEE-S-RED",
        price=Decimal("5"),
        stock=1,
        attributes={"Size": "S", "Color": "Red"},
    )
    axes = {"Size": ["S", "M"], "Color": ["Red", "Blue"]}
    made = matrix.generate_variants(
        uow, version, CLOCK, pid, axes=axes, sku_prefix="tee", price=Decimal("9"), stock=4
    )
    assert sorted(v.sku for v in made) == ["TEE-M-BLUE", "TEE-M-RED", "TEE-S-BLUE"]
    again = matrix.generate_variants(
        uow, version, CLOCK, pid, axes=axes, sku_prefix="tee", price=Decimal("9"), stock=4
    )
    assert again == []


def test_the_matrix_refuses_no_values_and_too_many_combinations() -> None:
    with pytest.raises(ValidationFailed):
        matrix.combinations({"Size": []})
    with pytest.raises(ValidationFailed):
        matrix.combinations({"A": [str(i) for i in range(15)], "B": [str(i) for i in range(15)]})
    assert (
        matrix.sku_for("my tee", (("Size", "XL"), ("Color", "Dark blue"))) == "MY-TEE-XL-DARK-BLUE"
    )


def test_the_last_admin_cannot_be_demoted(uow: FakeUnitOfWork) -> None:
    with uow:
        for email, role in (("a@example.com", Role.ADMIN), ("b@example.com", Role.CUSTOMER)):
            uow.users.add(User(email=email, password_hash="x", role=role, created_at=CLOCK.now()))
        uow.commit()
    a = uow.users.get_by_email("a@example.com")
    b = uow.users.get_by_email("b@example.com")
    assert a is not None
    assert a.id is not None
    assert b is not None
    assert b.id is not None
    with pytest.raises(Conflict, match="last admin"):
        admins.change_role(uow, CLOCK, BOSS, a.id, Role.CUSTOMER)
    admins.change_role(uow, CLOCK, BOSS, b.id, Role.ADMIN)
    admins.change_role(uow, CLOCK, BOSS, a.id, Role.CUSTOMER)
    assert [e.changes for e in uow.audit_entries] == [
        {"role": ["customer", "admin"]},
        {"role": ["admin", "customer"]},
    ]
    with pytest.raises(NotFound):
        admins.change_role(uow, CLOCK, BOSS, 999_999, Role.ADMIN)
