"""Alembic environment: runs Shop's migrations against the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from shop.adapters.sql import (  # noqa: F401  (register their tables)
    account_tables,
    import_tables,
    order_tables,
    payment_tables,
)
from shop.adapters.sql.engine import make_engine
from shop.adapters.sql.tables import metadata

MIGRATION_LOCK_ID = 7_203_114  # any constant: serialises `shop db upgrade` across hosts


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not configured"
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        is_postgres = connection.dialect.name == "postgresql"
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if is_postgres:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
                connection.commit()
    engine.dispose()


run_migrations_online()
