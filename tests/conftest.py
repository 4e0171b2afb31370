"""Shared fixtures: a real store in a real SQLite file, seeded from the bundled data set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.fact_store import FactStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "briefbot.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[FactStore]:
    opened = FactStore.open(db_path)
    yield opened
    opened.close()
