"""The in-process catalog version (the embedded default's)."""

from __future__ import annotations

from shop.adapters.memory.catalog_version import InProcessCatalogVersion


def test_a_bump_changes_the_version_and_a_new_process_never_repeats_one() -> None:
    version = InProcessCatalogVersion()
    before = version.current()
    version.bump()
    assert version.current() != before
    assert int(InProcessCatalogVersion().current()) > int(before)
