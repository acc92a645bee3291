"""The audit log's reads: filtered, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, select

from shop.adapters.sql import tables
from shop.adapters.sql.queries.reads import counted_page
from shop.services.audit.ports import AuditFilter
from shop.services.common import Page

log = tables.audit_log


class SqlAuditQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def entries(self, filters: AuditFilter, page: int, page_size: int) -> Page:
        query = _filtered(select(log), filters)
        rows, total = counted_page(self.engine, query, [log.c.id.desc()], page, page_size)
        return [dict(row._mapping) for row in rows], total


def _filtered(query: Select[Any], filters: AuditFilter) -> Select[Any]:
    if filters.actor_id is not None:
        query = query.where(log.c.actor_id == filters.actor_id)
    if filters.entity is not None:
        query = query.where(log.c.entity == filters.entity)
    if filters.entity_id is not None:
        query = query.where(log.c.entity_id == filters.entity_id)
    if filters.since is not None:
        query = query.where(log.c.at >= filters.since)
    return query
