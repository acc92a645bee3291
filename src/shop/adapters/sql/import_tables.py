"""The catalog CSV imports' table: the file (so that any worker can read it), its hash, and
the report."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, LargeBinary, String, Table
from sqlalchemy.dialects.postgresql import JSONB

from shop.adapters.sql.tables import UTCDateTime, metadata

catalog_imports = Table(
    "catalog_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("actor_email", String(254), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("rows_total", Integer, nullable=False, server_default="0"),
    Column("report", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("failure", String(500), nullable=True),
)
