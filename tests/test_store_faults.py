"""An unlucky operator's store: missing, not a store, locked, full or read-only.

Each fault is made for real (a second process holding the write lock, SQLite's page
limit, an unwritable file or folder) and must end as one clear `StoreFault` (or one
line from the store CLI) with nothing changed; reads keep working wherever SQLite can
still read.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.errors import NotAStore, StoreBusy, StoreFull, StoreMissing, StoreReadOnly
from store.fact_store import FactStore
from tests.edit_helpers import ACTOR, file_digests, refused
from tests.fault_helpers import read_only

ROOT = Path(__file__).resolve().parent.parent
# Holds the write lock of the database named on the command line until stdin closes,
# as a long import in another process does.
_LOCK_HOLDER = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n"
)


def _store_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", "--db", str(db), *args],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip


def _one_line_error(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert says in result.stderr and "Traceback" not in result.stderr


def _add_source(store: FactStore, title: str = "기사") -> object:
    return store.add_source(
        title=title, publisher="매체", published="2025년 9월 1일", actor=ACTOR, source_id=None
    )


# --- Opening ---------------------------------------------------------------------------------


def test_a_missing_store_is_not_created_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "briefbot.db"
    with pytest.raises(StoreMissing) as caught:
        FactStore.open(path, create=False)
    assert "no such store" in caught.value.en
    assert not path.parent.exists()


@pytest.mark.parametrize("create", [True, False])
def test_a_directory_is_not_a_store(tmp_path: Path, create: bool) -> None:
    with pytest.raises(NotAStore) as caught:
        FactStore.open(tmp_path, create=create)
    assert "is a directory" in caught.value.en


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"name,budget\nETRI,1\n" * 20, "not an SQLite database"), (b"", "an empty file")],
)
def test_a_file_that_is_not_sqlite_is_left_alone(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(NotAStore) as caught:
        FactStore.open(path, create=False)
    assert says in caught.value.en
    assert path.read_bytes() == content


def test_another_applications_database_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE playlist (song TEXT)")
    conn.commit()
    conn.close()
    before = file_digests(path)
    for create in (True, False):
        with pytest.raises(NotAStore, match="briefbot"):
            FactStore.open(path, create=create)
    assert file_digests(path) == before


# --- The write lock ------------------------------------------------------------------------


@pytest.fixture
def locked(store: FactStore) -> Iterator[FactStore]:
    """The store, while another process holds its write lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _LOCK_HOLDER, str(store.path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    try:
        yield store
    finally:
        holder.communicate("")


def test_opening_and_reading_never_wait_for_the_write_lock(locked: FactStore) -> None:
    # FactStore.open used to seed inside BEGIN IMMEDIATE: five seconds, then "locked".
    second = FactStore.open(locked.path, create=True)
    second.db.conn.execute("PRAGMA busy_timeout = 0")  # any wait for the lock now fails
    try:
        assert second.resolve("ETRI").entity.id == "etri"
        assert second.stats()["tables"]["entities"] > 50
        assert second.search("연구거점").hits
        assert second.check(deep=False) == [
            f"full-text index {table} not checked: the store is busy with another change;"
            " nothing was changed. Try again in a moment."
            for table in ("search_trigram", "search_chars", "alias_trigram")
        ]
    finally:
        second.close()


def test_a_write_that_cannot_get_the_lock_says_busy(locked: FactStore) -> None:
    locked.db.conn.execute("PRAGMA busy_timeout = 50")
    with refused(locked, StoreBusy) as info:
        _add_source(locked)
    assert "busy" in info.value.en and "Try again" in info.value.en
    assert "잠시 후 다시" in info.value.ko


# --- A full disk ---------------------------------------------------------------------------


def test_a_full_disk_refuses_writes_and_loses_nothing(store: FactStore) -> None:
    # SQLite's page limit is exactly what a full disk looks like to it: SQLITE_FULL.
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    written = []
    for n in range(500):
        try:
            written.append(_add_source(store, f"기사 {n} " + "가" * 150).row_id)
        except StoreFull:
            break
    else:
        pytest.fail("the page limit never filled")
    with refused(store, StoreFull) as info:
        _add_source(store, "한 번 더 " + "나" * 150)
    assert "disk is full" in info.value.en
    assert store.resolve("ETRI").entity.id == "etri"
    store.db.execute("PRAGMA max_page_count = 1073741823")
    written.append(_add_source(store, "공간이 생긴 뒤").row_id)
    assert [s.id for s in store.sources(limit=1000) if s.id in written] != []
    assert store.check() == []


# --- Read-only files and folders -------------------------------------------------------------


def _reads_work_and_writes_are_refused(store: FactStore) -> None:
    assert store.read_only
    assert store.resolve("ETRI").entity.id == "etri"
    assert store.entity("etri") is not None
    with refused(store, StoreReadOnly) as info:
        _add_source(store)
    assert "read-only" in info.value.en
    assert store.check() == [], "a read-only store's full-text indexes are not broken"


def test_a_read_only_file_reads_and_refuses_writes(store: FactStore) -> None:
    path = store.path
    store.close()
    with read_only(path):
        opened = FactStore.open(path, create=False)
        try:
            _reads_work_and_writes_are_refused(opened)
        finally:
            opened.close()
        result = _store_cli(path, "check")
        assert result.returncode == 0, result.stderr
        assert "read-only: full-text indexes not checked" in result.stderr
        assert "problem" not in result.stderr


def test_a_read_only_folder_reads_and_refuses_writes(store: FactStore) -> None:
    path = store.path
    store.close()
    assert not Path(f"{path}-wal").exists()
    with read_only(path.parent):
        opened = FactStore.open(path, create=True)
        try:
            _reads_work_and_writes_are_refused(opened)
        finally:
            opened.close()


# --- The store CLI -------------------------------------------------------------------------


def test_the_cli_does_not_create_a_store_for_a_mistyped_path(tmp_path: Path) -> None:
    typo = tmp_path / "brefbot.db"
    for command in (["stats"], ["check"], ["backup", str(tmp_path / "copy.db")]):
        _one_line_error(_store_cli(typo, *command), "no such store")
    assert sorted(tmp_path.iterdir()) == []


def test_the_cli_says_what_is_wrong_with_the_file_in_one_line(tmp_path: Path) -> None:
    _one_line_error(_store_cli(tmp_path, "stats"), "is a directory")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not a database " * 100)
    _one_line_error(_store_cli(junk, "check"), "not an SQLite database")


def test_a_backup_into_a_folder_fails_clearly(store: FactStore, tmp_path: Path) -> None:
    _one_line_error(_store_cli(store.path, "backup", str(tmp_path)), "is a directory")
