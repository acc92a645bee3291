"""The RQ entry point of catalog imports: `run_catalog_import(id)`, run by `shop worker`."""

from __future__ import annotations

from functools import cache

from shop.bootstrap import Adapters, bootstrap
from shop.services.catalog.imports.run import run_import
from shop.settings import Settings


@cache
def _adapters() -> Adapters:
    """Built once per worker process, from its environment."""
    return bootstrap(Settings.from_env())


def run_catalog_import(import_id: int) -> None:
    run_import(_adapters().catalog.imports, import_id)
