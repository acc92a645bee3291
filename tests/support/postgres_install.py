"""Where the PostgreSQL binaries are, and which OS account runs them."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from tests.support.processes import (
    ServerNotInstalledError,
)

PG_INSTALL_COMMAND = "apt-get install -y postgresql postgresql-contrib"

PG_SYSTEM_USER = "postgres"  # the OS account PostgreSQL runs as when we are root
_PG_BINARIES = ("initdb", "pg_ctl", "postgres")


def _has_pg_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in _PG_BINARIES)


def _version_key(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in path.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_pg_bindir() -> Path:
    """The directory holding PostgreSQL's server binaries (initdb, pg_ctl, postgres).

    Looks at ``$SHOP_PG_BINDIR``, ``pg_config --bindir``, the newest
    ``/usr/lib/postgresql/*/bin`` and ``initdb`` on ``PATH``, in that order.
    """
    override = os.environ.get("SHOP_PG_BINDIR")
    if override:
        if _has_pg_binaries(Path(override)):
            return Path(override)
        raise ServerNotInstalledError(
            f"SHOP_PG_BINDIR={override} does not contain {', '.join(_PG_BINARIES)}. "
            f"Point it at PostgreSQL's bin directory, or unset it and run: {PG_INSTALL_COMMAND}"
        )
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
                stdin=subprocess.DEVNULL,
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if _has_pg_binaries(candidate):
            return candidate
    looked = ", ".join(str(c) for c in candidates) or "pg_config, /usr/lib/postgresql/*/bin, PATH"
    raise ServerNotInstalledError(
        f"PostgreSQL server binaries ({', '.join(_PG_BINARIES)}) not found (looked in: "
        f"{looked}). Install them with: {PG_INSTALL_COMMAND} "
        "(or set SHOP_PG_BINDIR to the directory that holds initdb)."
    )


def _postgres_run_as() -> pwd.struct_passwd | None:
    """The account to run PostgreSQL as: ``postgres`` if we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise ServerNotInstalledError(
            f"Running as root, but there is no '{PG_SYSTEM_USER}' user to run PostgreSQL as "
            f"(PostgreSQL refuses to run as root). Install the server, which creates it: "
            f"{PG_INSTALL_COMMAND}"
        ) from None
