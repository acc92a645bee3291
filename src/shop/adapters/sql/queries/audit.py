"""The audit log's reads: filtered, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, func, select

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.queries.reads import offset
from shop.services.audit.ports import AuditFilter
from shop.services.common import Page

log = tables.audit_log


class SqlAuditQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def entries(self, filters: AuditFilter, page: int, page_size: int) -> Page:
        query = _filtered(select(log), filters)
        count = _filtered(select(func.count()).select_from(log), filters)
        with connect(self.engine) as connection:
            total = int(connection.scalar(count) or 0)
            if total <= offset(page, page_size):
                return [], total
            rows = connection.execute(
                query.order_by(log.c.id.desc()).limit(page_size).offset(offset(page, page_size))
            ).mappings()
            return [dict(row) for row in rows], total


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
