"""Shared fixtures: a real store in a real SQLite file, seeded from the bundled data set."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest
from loopback.harness import LoopbackBot
from slack_loopback.server import SlackStandIn

from bot.digest.subscriptions import DigestBook
from store.fact_store import FactStore
from store.upgrade import VERSIONS_DIR

# `chromium_page`: a real headless Chromium (tests/browser.py).
pytest_plugins = ("browser",)

# "Today" for end-to-end tests: after the newest article, before the year-end milestones.
LOOPBACK_TODAY = date(2025, 11, 20)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "briefbot.db"


# Tests of the bot's behaviour run on one fixed data set: version 1, the previous release
# (kept in the package as the base that upgrades merge against). A new data set version
# then adds news without rewriting what every card and list test expects. Tests of the
# bundled data itself, and of answers about it, use `bundled_store`.
FIXTURE_DATASET = VERSIONS_DIR / "1.yaml"


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database seeded from the fixture data set per run (seeding takes ~0.3 s), with
    the bot's own tables, as any database the bot has run on has them."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    FactStore.open(path, dataset=FIXTURE_DATASET).close()
    DigestBook.open(path).close()
    return path


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database seeded from the bundled (newest) data set per run, with the bot's tables."""
    path = tmp_path_factory.mktemp("bundled") / "bundled.db"
    FactStore.open(path).close()
    DigestBook.open(path).close()
    return path


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file, made with SQLite's online backup API."""
    src, dest = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


@pytest.fixture
def store(db_path: Path, seeded_db: Path) -> Iterator[FactStore]:
    """Each test gets its own file: a copy of the seeded database, opened like any store."""
    copy_database(seeded_db, db_path)
    opened = FactStore.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def bundled_store(tmp_path: Path, bundled_db: Path) -> Iterator[FactStore]:
    """A store of the bundled data set as a new install creates it, in its own file."""
    path = tmp_path / "bundled.db"
    copy_database(bundled_db, path)
    opened = FactStore.open(path)
    yield opened
    opened.close()


@pytest.fixture
def digest_book(store: FactStore) -> Iterator[DigestBook]:
    """The digest tables of the test's store, on their own connection as in the bot."""
    opened = DigestBook.open(store.path)
    yield opened
    opened.close()


@pytest.fixture
async def discord_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    """The production bot connected to a loopback Discord, ready; on the way out, every
    request it made must have been valid for Discord's API."""
    async with LoopbackBot(store, tmp_path, today=LOOPBACK_TODAY) as running:
        yield running
    assert running.server.violations == []


@pytest.fixture
async def slack_standin() -> AsyncIterator[SlackStandIn]:
    """The Slack stand-in, started; on the way out, nothing the app sent may have broken
    Slack's rules or ours (a test that provokes a violation takes it with
    `take_violations()`)."""
    standin = SlackStandIn()
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()
    assert standin.violations == []
