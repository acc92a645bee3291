"""Looking for a person's data anywhere in the database: every text column of every table."""

from __future__ import annotations

from sqlalchemy import String, Text, create_engine, inspect, text
from sqlalchemy.types import JSON


def tables_holding(database_url: str, needles: list[str]) -> dict[str, list[str]]:
    """needle -> the `table.column`s whose text contains it (case-insensitive)."""
    engine = create_engine(database_url)
    found: dict[str, list[str]] = {needle: [] for needle in needles}
    try:
        inspector = inspect(engine)
        with engine.connect() as connection:
            for table in inspector.get_table_names():
                for column in inspector.get_columns(table):
                    if not isinstance(column["type"], String | Text | JSON):
                        continue
                    name = column["name"]
                    for needle in needles:
                        hits = connection.execute(
                            text(
                                f'SELECT count(*) FROM "{table}" '
                                f'WHERE lower(CAST("{name}" AS TEXT)) LIKE :needle'
                            ),
                            {"needle": f"%{needle.lower()}%"},
                        ).scalar_one()
                        if hits:
                            found[needle].append(f"{table}.{name}")
    finally:
        engine.dispose()
    return {needle: where for needle, where in found.items() if where}
