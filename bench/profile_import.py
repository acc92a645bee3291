"""Profile a catalog import's dry run and apply in-process (cProfile) on a private PostgreSQL.

.venv/bin/python bench/profile_import.py [--size 10000] [--top 30]

Writes a catalog CSV of `size` variants (the one `bench/run --csv` uploads), stores it as an
import, runs the dry run then the apply in this process, and prints each phase's rows/s and
its most expensive functions (cumulative time); the raw profiles go to
bench/results/import-<phase>.prof for `python -m pstats`.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/profile_import.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backing_services import backing_services, migrate, shop_env  # noqa: E402
from bench.catalog_csv import write_catalog  # noqa: E402
from bench.processes import log  # noqa: E402
from shop.bootstrap import bootstrap  # noqa: E402
from shop.domain.audit import Actor, Source  # noqa: E402
from shop.services.catalog.imports.ports import ImportMode, ImportState  # noqa: E402
from shop.services.catalog.imports.requests import start_import  # noqa: E402
from shop.services.catalog.imports.run import run_import  # noqa: E402
from shop.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


class NoJobs:
    """The import runs here, under the profiler, not in a worker."""

    def enqueue(self, import_id: int) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="variants in the file")
    parser.add_argument("--top", type=int, default=30, help="functions shown per phase")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    with backing_services() as (pg, redis), tempfile.TemporaryDirectory() as tmp:
        pg.execute("CREATE DATABASE profile_import")
        pg.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", database="profile_import")
        env = shop_env(pg.url_for("profile_import"), redis.url)
        migrate(env)
        adapters = bootstrap(Settings.from_env(env))
        deps = dataclasses.replace(adapters.catalog.imports, jobs=NoJobs())
        path = Path(tmp) / "catalog.csv"
        write_catalog(path, args.size, 4)
        with path.open("rb") as file:
            actor = Actor(None, "bench@example.com", Source.API)
            import_id = start_import(deps, file, ImportMode.DRY_RUN, actor).id
        for phase in ("dry_run", "apply"):
            if phase == "apply":
                deps.records.claim(import_id, ImportMode.APPLY, [ImportState.DONE])
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.runcall(run_import, deps, import_id)
            seconds = time.perf_counter() - started
            record = deps.records.get(import_id)
            if record is None or record.state is not ImportState.DONE:
                log(f"{phase} did not finish: {record}")
                return 1
            log(f"{phase}: {args.size / seconds:.0f} rows/s under the profiler")
            profile.dump_stats(RESULTS / f"import-{phase}.prof")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        adapters.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
