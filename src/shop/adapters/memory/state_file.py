"""Where the embedded default's in-process state survives a restart: a small SQLite file.

The in-process token store and cart store keep serving from memory and write every change
through to this file; at start they load what has not expired. Times are wall-clock Unix
seconds, so expiry means the same after a restart. One connection behind one lock: safe for
the threads of the one process the embedded default allows.

sqlite3 is imported when a state file is opened: a server on PostgreSQL and Redis never opens
one, and the module with its library costs each of its processes almost a megabyte.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (namespace, name)
)
"""


class StateFile:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        import sqlite3

        self._db: sqlite3.Connection = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None
        )
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
            self._db.execute("DELETE FROM entries WHERE expires_at <= ?", (time.time(),))

    def put(self, namespace: str, name: str, value: str, expires_at: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                (namespace, name, value, expires_at),
            )

    def delete(self, namespace: str, name: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM entries WHERE namespace = ? AND name = ?", (namespace, name)
            )

    def live(self, namespace: str) -> Iterator[tuple[str, str, float]]:
        """(name, value, expires_at) of every entry of `namespace` that has not expired."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, value, expires_at FROM entries"
                " WHERE namespace = ? AND expires_at > ?",
                (namespace, time.time()),
            ).fetchall()
        yield from rows

    def close(self) -> None:
        with self._lock:
            self._db.close()


def state_path_beside(database_url: str, data_dir: Path) -> Path:
    """Beside a SQLite database file (`shop.sqlite3` -> `shop.state.sqlite3`), else in
    `data_dir`."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and not database_url.endswith(":memory:"):
        database = Path(database_url[len(prefix) :])
        return database.with_name(f"{database.stem}.state.sqlite3")
    return data_dir / "state.sqlite3"
