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


def preload() -> None:
    """Wire the adapters in the worker before it forks a process per job, so that a job
    starts at once. Nothing connects yet: each job process opens its own connections."""
    _adapters()


def run_catalog_import(import_id: int) -> None:
    run_import(_adapters().catalog.imports, import_id)
