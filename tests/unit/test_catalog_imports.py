"""Catalog imports with fakes: dry runs change nothing, applies are all or nothing and audited,
stock moves through the ledger, and an exported catalog re-imports as all unchanged."""

from __future__ import annotations

import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.domain.audit import Actor, Source
from shop.domain.errors import Conflict, TooLarge
from shop.services.catalog.exports import export_csv
from shop.services.catalog.imports.ports import ImportMode
from shop.services.catalog.imports.requests import apply_import, import_report, start_import
from shop.services.catalog.imports.run import ImportDependencies
from shop.services.catalog.ports import ProductSearch
from shop.services.common import Row
from tests.unit.import_fakes import FakeExport, FakeImportUnitOfWork, import_dependencies

ADMIN = Actor(user_id=7, email="admin@example.com", source=Source.API)
HEADER = "product_slug,product_name,category_slug,description,sku,price,stock,attr:Color\n"
GOOD = HEADER + (
    "shirt,Shirt,tops,Soft,SH-RED,12.50,5,Red\n"
    "shirt,Shirt,tops,Soft,SH-BLUE,12.50,3,Blue\n"
    "mug,Mug,kitchen,,,,,\n"
)


def imported(deps: ImportDependencies, text: str, mode: ImportMode = ImportMode.DRY_RUN) -> Row:
    record = start_import(deps, io.BytesIO(text.encode()), mode, ADMIN)
    return import_report(deps, record.id)


def exported(deps: ImportDependencies) -> str:
    assert isinstance(deps.uow, FakeImportUnitOfWork)
    return "".join(export_csv(FakeExport(deps.uow), ProductSearch()))


def test_a_dry_run_reports_each_row_and_changes_nothing() -> None:
    deps = import_dependencies()
    report = imported(deps, GOOD)
    assert report["state"] == "done"
    assert report["counts"] == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert (report["rows_done"], report["rows_total"]) == (3, 3)
    assert deps.uow.commits == 0  # type: ignore[attr-defined]


def test_applying_a_dry_run_creates_categories_attributes_products_and_audits_them() -> None:
    deps = import_dependencies()
    report = imported(deps, GOOD)
    apply_import(deps, report["id"])
    report = import_report(deps, report["id"])
    assert (report["state"], report["mode"]) == ("done", "apply")
    uow = deps.uow
    assert isinstance(uow, FakeImportUnitOfWork)
    assert uow.commits == 1
    assert {c.slug for c in uow.categories.rows.values()} == {"tops", "kitchen"}
    assert {a.name for a in uow.attributes.rows.values()} == {"Color"}
    assert {e.source for e in uow.audit_entries} == {"import"}
    assert deps.version.bumps == 2  # type: ignore[attr-defined]  # once per commit, before and after


def test_an_applied_dry_run_cannot_be_applied_again() -> None:
    deps = import_dependencies()
    report = imported(deps, GOOD)
    apply_import(deps, report["id"])
    with pytest.raises(Conflict):
        apply_import(deps, report["id"])


def test_a_dry_run_with_errors_cannot_be_applied() -> None:
    deps = import_dependencies()
    report = imported(deps, GOOD.replace("12.50,5", "12,50,5"))
    assert report["counts"]["error"] == 1
    assert report["errors"][0]["row"] == 2
    with pytest.raises(Conflict):
        apply_import(deps, report["id"])


def test_apply_refuses_another_file_than_the_one_checked() -> None:
    deps = import_dependencies()
    report = imported(deps, GOOD)
    with pytest.raises(Conflict):
        apply_import(deps, report["id"], io.BytesIO((GOOD + "x,X,y,,,,,\n").encode()))


def test_a_file_over_the_limit_is_refused() -> None:
    deps = import_dependencies()
    with pytest.raises(TooLarge):
        start_import(deps, io.BytesIO(b"x" * (deps.max_bytes + 1)), ImportMode.DRY_RUN, ADMIN)


def test_a_missing_required_column_fails_with_one_error() -> None:
    deps = import_dependencies()
    report = imported(deps, "product_slug,product_name\nshirt,Shirt\n")
    assert report["state"] == "failed"
    assert len(report["errors"]) == 1
    assert "category_slug" in report["errors"][0]["message"]


def test_stock_changes_enter_the_ledger_with_the_import_as_reason() -> None:
    deps = import_dependencies()
    imported(deps, GOOD, ImportMode.APPLY)
    report = imported(deps, GOOD.replace("SH-RED,12.50,5", "SH-RED,12.50,9"), ImportMode.APPLY)
    assert report["counts"] == {"create": 0, "update": 1, "unchanged": 2, "error": 0}
    uow = deps.uow
    assert isinstance(uow, FakeImportUnitOfWork)
    ledger = uow._committed.stock_adjustments
    assert [(a.delta, a.reason, a.stock_after) for a in ledger] == [
        (4, f"import {report['id']}", 9)
    ]


def test_a_variant_cannot_move_to_another_product_by_import() -> None:
    deps = import_dependencies()
    imported(deps, GOOD, ImportMode.APPLY)
    report = imported(deps, HEADER + "hat,Hat,tops,,SH-RED,1.00,1,Red\n")
    assert report["errors"] == [
        {"row": 2, "field": "sku", "message": "'SH-RED' belongs to product 'shirt'"}
    ]


def test_a_failed_apply_changes_nothing() -> None:
    deps = import_dependencies()
    imported(deps, GOOD, ImportMode.APPLY)
    before = exported(deps)
    bad = GOOD.replace("mug,Mug", "shirt-2,Shirt 2").replace(",,,,\n", ",SH-RED,1.00,1,Red\n")
    report = imported(deps, bad, ImportMode.APPLY)
    assert report["state"] == "failed"
    assert exported(deps) == before


slugs = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20
).filter(str.strip)
prices = st.decimals(min_value=0, max_value=9999, places=2)


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    lines = [HEADER.strip() + ",product_active,variant_active"]
    skus = draw(st.lists(st.text(string.ascii_uppercase, min_size=2, max_size=6), unique=True))
    formula = st.sampled_from(["", "=", "+", "@"])
    products = draw(st.lists(slugs, min_size=1, max_size=5, unique=True))
    for index, sku in enumerate(skus):
        slug = products[index % len(products)]
        name, description = draw(texts), draw(texts)
        lines.append(
            ",".join(
                [
                    slug,
                    _quoted(name),
                    "cat",
                    _quoted(description),
                    sku,
                    str(draw(prices)),
                    str(draw(st.integers(0, 500))),
                    _quoted(draw(formula) + sku),  # one combination per variant
                    "true",
                    draw(st.sampled_from(["true", "false"])),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_any_exported_catalog_reimports_as_all_unchanged(text: str) -> None:
    deps = import_dependencies()
    first = imported(deps, text, ImportMode.APPLY)
    assert first["state"] == "done", first["errors"]
    again = imported(deps, exported(deps))
    assert again["counts"]["unchanged"] == again["rows_total"]
    assert again["errors"] == []
