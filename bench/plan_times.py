"""PostgreSQL's planning and execution time of the hot read statements, sent as text and
prepared (EXPLAIN (ANALYZE, SUMMARY), median of N runs each), on a private PostgreSQL with
the demo catalog:

    .venv/bin/python bench/plan_times.py [-n 200]

The prepared form is the one the read-only engine sends (shop.adapters.sql.prepared), in a
session that uses generic plans as the app's do.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg2  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402
from tests.support.servers import start_postgres  # noqa: E402

from shop.adapters.sql import migrations  # noqa: E402
from shop.adapters.sql.prepared import GENERIC_PLANS, forms  # noqa: E402
from shop.adapters.sql.queries import cart_variants, details, products  # noqa: E402
from shop.services.catalog.ports import ProductSearch  # noqa: E402
from shop.settings import TEST  # noqa: E402


def median_times(cursor: Any, sql: str, params: dict[str, Any], runs: int) -> tuple[float, float]:
    planning, execution = [], []
    for _ in range(runs):
        cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
        report = "\n".join(row[0] for row in cursor.fetchall())
        planning.append(float(re.findall(r"Planning Time: ([\d.]+)", report)[0]))
        execution.append(float(re.findall(r"Execution Time: ([\d.]+)", report)[0]))
    return statistics.median(planning), statistics.median(execution)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs of each statement and form")
    args = parser.parse_args()
    with start_postgres() as pg:
        migrations.upgrade(pg.url)
        env = {**os.environ, "DATABASE_URL": pg.url, "SHOP_ENV": TEST}
        env |= {"SECRET_KEY": "p" * 32, "JWT_SECRET_KEY": "q" * 32}
        seed = [sys.executable, "-m", "shop.entrypoints.cli", "seed-demo"]
        subprocess.run(seed, env=env, check=True, capture_output=True)
        dsn = pg.url.replace("postgresql+psycopg2://", "postgresql://", 1)
        connection = psycopg2.connect(dsn, options=GENERIC_PLANS)
        connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute("ANALYZE")
        cursor.execute("SELECT id FROM variants ORDER BY id LIMIT 3")
        variant_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM products WHERE is_active ORDER BY id LIMIT 1")
        (product_id,) = cursor.fetchone()
        count, first_page = products._first_page(ProductSearch(), 20)
        statements = {
            "cart variants (3 ids)": (cart_variants.SNAPSHOTS_BY_ARRAY, {"ids": variant_ids}),
            "product with its variants": (details._PRODUCT[False], {"product_id": product_id}),
            "list count": (count, {}),
            "list page (20)": (first_page, {}),
        }
        print(f"planning / execution ms, median of {args.n}")
        print("| statement | as text | prepared |\n|---|---|---|")
        for label, (statement, values) in statements.items():
            compiled = statement.compile(dialect=postgresql.psycopg2.dialect())
            sql, params = str(compiled), {**compiled.params, **values}
            as_text = median_times(cursor, sql, params, args.n)
            _name, prepare, execute = forms(sql)
            cursor.execute(prepare)
            as_prepared = median_times(cursor, execute, params, args.n)
            print(
                f"| {label} | {as_text[0]:.3f} / {as_text[1]:.3f} "
                f"| {as_prepared[0]:.3f} / {as_prepared[1]:.3f} |"
            )
        connection.close()


if __name__ == "__main__":
    main()
