"""An import whose stored file no longer matches the hash taken at upload changes nothing."""

from __future__ import annotations

import io

from shop.domain.audit import Actor, Source
from shop.services.catalog.imports.ports import ImportMode, ImportState
from shop.services.catalog.imports.requests import apply_import, import_report, start_import
from tests.unit.import_fakes import FakeImportRecords, import_dependencies

ADMIN = Actor(user_id=1, email="admin@example.com", source=Source.API)
FILE = b"product_slug,product_name,category_slug,sku,price,stock\nmug,Mug,kitchen,MUG-1,4.00,3\n"


def test_an_apply_whose_stored_file_changed_fails_and_changes_nothing() -> None:
    deps = import_dependencies()
    record = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN)
    assert isinstance(deps.records, FakeImportRecords)
    deps.records.files[record.id] = FILE.replace(b"4.00", b"0.01")
    apply_import(deps, record.id)
    report = import_report(deps, record.id)
    assert report["state"] == ImportState.FAILED
    assert "not the one uploaded" in (report["failure"] or "")
    assert deps.uow.commits == 0  # type: ignore[attr-defined]
