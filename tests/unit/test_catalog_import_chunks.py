"""An import's file is read in chunks: the upload is counted and hashed as it is read and
refused past the limit with nothing stored, and the CSV reads the same whatever the chunks."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.audit import Actor, Source
from shop.domain.errors import TooLarge
from shop.services.catalog.imports.files import UploadedFile
from shop.services.catalog.imports.ports import ImportMode
from shop.services.catalog.imports.requests import start_import
from shop.services.catalog.imports.run import records_of
from tests.unit.import_fakes import FakeImportRecords, import_dependencies

ADMIN = Actor(user_id=1, email="admin@example.com", source=Source.API)
cells = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=8)


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=6), st.integers(1, 9))
def test_records_read_the_same_whatever_the_chunk_boundaries(
    rows: list[list[str]], size: int
) -> None:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    data = "\ufeff".encode() + text.getvalue().encode()
    whole = list(csv.reader(io.StringIO(text.getvalue(), newline="")))
    assert list(records_of(chunked(data, size))) == whole


def test_an_upload_is_counted_and_hashed_chunk_by_chunk() -> None:
    data = b"0123456789" * 10
    upload = UploadedFile(io.BytesIO(data), max_bytes=100, chunk_bytes=30)
    assert [len(c) for c in upload.chunks()] == [30, 30, 30, 10]
    assert upload.size == 100
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_an_upload_past_the_limit_stops_before_its_last_chunk() -> None:
    upload = UploadedFile(io.BytesIO(b"x" * 101), max_bytes=100, chunk_bytes=30)
    handed_on: list[bytes] = []
    with pytest.raises(TooLarge):
        handed_on.extend(upload.chunks())
    assert sum(len(c) for c in handed_on) == 90


def test_a_file_over_the_limit_stores_nothing() -> None:
    deps = import_dependencies()
    with pytest.raises(TooLarge):
        start_import(deps, io.BytesIO(b"x" * (deps.max_bytes + 1)), ImportMode.DRY_RUN, ADMIN)
    assert isinstance(deps.records, FakeImportRecords)
    assert deps.records.rows == {}
    assert deps.records.files == {}
