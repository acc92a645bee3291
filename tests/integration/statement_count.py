"""Counting the SQL statements a request sends (SQLAlchemy's before_cursor_execute), on the
app's engine and its read-only twin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from shop.adapters.sql.engine import engines_of


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    engines = engines_of(engine)
    for each in engines:
        event.listen(each, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        for each in engines:
            event.remove(each, "before_cursor_execute", record)
