"""Fixtures the unit tests of several features share (a module may define its own)."""

from __future__ import annotations

import pytest

from tests.unit.fakes import FakeClock, FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """A fresh in-memory database for the test."""
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    """A clock standing still until the test moves it."""
    return FakeClock()
