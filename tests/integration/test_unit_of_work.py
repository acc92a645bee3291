"""The SQL units of work against the real databases: what the database refuses at a flush or
at the commit is a Conflict, and nothing of the transaction is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from shop.domain.accounts.users import User
from shop.domain.errors import Conflict
from tests.integration.apps import Api


def twin_of(email: str) -> User:
    return User(email=email, password_hash="!", created_at=datetime.now(UTC))


def accounts_with(api: Api, email: str) -> int:
    with api.adapters.accounts.uow() as uow:
        return 1 if uow.users.get_by_email(email) is not None else 0


@pytest.mark.parametrize("kind", ["accounts", "ordering"])
@pytest.mark.parametrize("step", ["flush", "commit"])
def test_a_duplicate_refused_by_the_database_is_a_conflict_and_rolled_back(
    api: Api, kind: str, step: str
) -> None:
    taken = api.new_email("taken")
    api.register(taken)
    fresh = api.new_email("fresh")
    factory: Callable[[], SqlAlchemyUnitOfWork] = getattr(api.adapters, kind).uow
    with factory() as uow:
        uow.users.add(twin_of(fresh))  # would be kept, were the transaction committed
        uow.flush()
        uow.users.add(twin_of(taken))  # the unique index on email refuses it
        with pytest.raises(Conflict):
            getattr(uow, step)()
    assert accounts_with(api, fresh) == 0
    assert accounts_with(api, taken) == 1
    with factory() as uow:  # the factory's next unit of work is not affected
        uow.users.add(twin_of(fresh))
        uow.commit()
    assert accounts_with(api, fresh) == 1
