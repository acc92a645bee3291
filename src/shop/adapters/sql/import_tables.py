"""The catalog CSV imports' tables: each import with its file's hash and its report, and the
file itself in chunks (so that any worker can read it, and no process holds it whole)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, String, Table
from sqlalchemy.dialects.postgresql import JSONB

from shop.adapters.sql.tables import UTCDateTime, metadata

catalog_imports = Table(
    "catalog_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("actor_email", String(254), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("heartbeat_at", UTCDateTime, nullable=True),  # the running job's last sign of life
    Column("rows_total", Integer, nullable=False, server_default="0"),
    Column("report", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("failure", String(500), nullable=True),
)

catalog_import_chunks = Table(
    "catalog_import_chunks",
    metadata,
    Column(
        "import_id",
        Integer,
        ForeignKey("catalog_imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
