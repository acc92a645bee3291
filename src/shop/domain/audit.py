"""The audit log: who changed what, when, from where, with every field's before and after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    """Where an admin change came from."""

    API = "api"
    CONSOLE = "console"
    IMPORT = "import"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an admin (by id and email) through a source, or the system."""

    user_id: int | None
    email: str
    source: Source


SYSTEM = Actor(user_id=None, email="", source=Source.SYSTEM)

Changes = dict[str, list[Any]]
"""Changed fields: {field: [before, after]}, values as the API shows them."""


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """The fields whose value differs, as [before, after]; a field missing on one side is None."""
    names = list(before) + [name for name in after if name not in before]
    return {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }


def created(fields: Mapping[str, Any]) -> Changes:
    return changes_between({}, fields)


def deleted(fields: Mapping[str, Any]) -> Changes:
    return changes_between(fields, {})


@dataclass(eq=False)
class AuditEntry:
    """One admin change; entries are only ever added, never changed or removed."""

    at: datetime
    actor_id: int | None
    actor_email: str
    source: str
    action: str
    entity: str
    entity_id: str
    changes: Changes = field(default_factory=dict)
    id: int | None = None

    @classmethod
    def of(
        cls,
        actor: Actor,
        at: datetime,
        action: str,
        entity: str,
        entity_id: int | str | None,
        changes: Changes,
    ) -> AuditEntry:
        return cls(**entry_fields(actor, at, Change(action, entity, entity_id, changes)))


@dataclass(frozen=True)
class Change:
    """One audited change, before it becomes an entry (see entry_fields)."""

    action: str
    entity: str
    entity_id: int | str | None
    changes: Changes


def entry_fields(actor: Actor, at: datetime, change: Change) -> dict[str, Any]:
    """The audit entry's fields of `change` made by `actor` at `at` (for bulk writers, which
    write these rows without building an AuditEntry each)."""
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor_email": actor.email,
        "source": str(actor.source),
        "action": change.action,
        "entity": change.entity,
        "entity_id": "" if change.entity_id is None else str(change.entity_id),
        "changes": change.changes,
    }
