"""Counting the SQL statements a request sends (SQLAlchemy's before_cursor_execute), on the
app's engine and its read-only twin.

Only the calling thread's statements count (the test client runs the request in it): on the
embedded default, in-process job runners share the engine and run their maintenance from
threads of their own whenever they are idle, which would otherwise land in the count now
and then."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from shop.adapters.sql.engine import engines_of


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []
    caller = threading.get_ident()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == caller:
            sent.append(statement)

    engines = engines_of(engine)
    for each in engines:
        event.listen(each, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        for each in engines:
            event.remove(each, "before_cursor_execute", record)
