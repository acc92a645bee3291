"""Category and attribute lists: a count and a page (and, for attributes, their values)."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.queries.reads import SqlReads, capped_count, offset
from shop.services.common import Page, Row

c = tables.categories
a = tables.attributes
av = tables.attribute_values


class Taxonomy(SqlReads):
    def categories(self, page: int, page_size: int) -> Page:
        query = (
            select(c.c.id, c.c.name, c.c.slug, c.c.version)
            .order_by(func.lower(c.c.name), c.c.id)
            .limit(page_size)
            .offset(offset(page, page_size))
        )
        with connect(self.engine) as connection:
            total = int(connection.scalar(capped_count(c)) or 0)
            if total <= offset(page, page_size):
                return [], total
            return [dict(row) for row in connection.execute(query).mappings()], total

    def attributes(self, page: int, page_size: int) -> Page:
        query = (
            select(a.c.id, a.c.name)
            .order_by(func.lower(a.c.name), a.c.id)
            .limit(page_size)
            .offset(offset(page, page_size))
        )
        with connect(self.engine) as connection:
            total = int(connection.scalar(capped_count(a)) or 0)
            if total <= offset(page, page_size):
                return [], total
            attributes: dict[int, Row] = {
                row.id: {"id": row.id, "name": row.name, "values": []}
                for row in connection.execute(query)
            }
            values = connection.execute(
                select(av.c.id, av.c.attribute_id, av.c.value)
                .where(av.c.attribute_id.in_(list(attributes)))
                .order_by(av.c.id)
            )
            for value in values:
                attributes[value.attribute_id]["values"].append(
                    {"id": value.id, "value": value.value}
                )
        return list(attributes.values()), total
