"""Opening the SQLite file the way every part of briefbot needs it.

One place sets the pragmas that make the store safe to share: WAL so readers never
block the writer, `foreign_keys=ON` (SQLite leaves it off per connection), a busy
timeout so a second process waits instead of failing, `synchronous=FULL` so a
committed change survives power loss, not only a crash, and a page cache large enough
to keep a big store's indexes in memory.

It is also the one place that knows how SQLite reports a file it cannot use: every
such error (locked past the timeout, disk full, read-only, not a database) becomes a
`StoreFault` with a sentence in Korean and English, never a raw `OperationalError`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from store.errors import NotAStore, StoreBusy, StoreFault, StoreFull, StoreMissing, StoreReadOnly

DEFAULT_PATH = Path("var") / "briefbot.db"
# The name of the store's migration set (`store.schema`), how a briefbot store is told apart.
MIGRATION_SET = "briefbot"
BUSY_TIMEOUT_MS = 5000
# SQLite's own page cache per connection (its default is 2 MiB). Index pages then stay in
# the process even where the OS drops its file cache: search p99 at 1,000,000 entities
# 160 → 25 ms. It fills only with pages actually read, so small stores stay small.
CACHE_KIB = 64 * 1024


def default_path() -> Path:
    """`BRIEFBOT_DB` when set, else `var/briefbot.db` below the working directory."""
    return Path(os.environ.get("BRIEFBOT_DB", DEFAULT_PATH))


def sqlite_fault(exc: sqlite3.Error, path: str | Path | None = None) -> StoreFault | None:
    """The `StoreFault` a SQLite error means, or None for an error in the caller's SQL."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    where_ko, where_en = (f"{path}: ", f"{path}: ") if path is not None else ("", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreBusy(
            f"{where_ko}다른 작업이 저장소를 쓰고 있어 지금은 처리할 수 없습니다."
            " 아무것도 바뀌지 않았습니다. 잠시 후 다시 시도해 주세요.",
            f"{where_en}the store is busy with another change; nothing was changed."
            " Try again in a moment.",
        )
    if name.startswith("SQLITE_READONLY"):
        return StoreReadOnly(
            f"{where_ko}저장소가 읽기 전용이라 바꿀 수 없습니다 (파일, 폴더나 디스크가 읽기 전용)."
            " 아무것도 바뀌지 않았습니다.",
            f"{where_en}the store is read-only (its file, folder or disk); nothing was changed.",
        )
    if name == "SQLITE_FULL":
        return StoreFull(
            f"{where_ko}디스크가 가득 차서 저장하지 못했습니다. 아무것도 바뀌거나 사라지지 않았습니다.",
            f"{where_en}the disk is full, so nothing was saved; nothing was lost either.",
        )
    if name == "SQLITE_NOTADB":
        return NotAStore(
            f"{where_ko}SQLite 데이터베이스 파일이 아닙니다.",
            f"{where_en}not an SQLite database file.",
        )
    if name.startswith(("SQLITE_IOERR", "SQLITE_CORRUPT", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return StoreFault(
            f"{where_ko}저장소 파일을 읽거나 쓰지 못했습니다 ({name}). 아무것도 바뀌지 않았습니다.",
            f"{where_en}the store file could not be read or written ({name}); nothing was changed.",
        )
    return None


@contextmanager
def faults_reported(path: str | Path | None = None) -> Iterator[None]:
    """Run a block, turning a SQLite error that means an unusable file into its `StoreFault`."""
    try:
        yield
    except sqlite3.Error as exc:
        fault = sqlite_fault(exc, path)
        if fault is None:
            raise
        raise fault from exc


def refuse_directory(path: Path) -> None:
    """`NotAStore` when `path` is a folder, where a database file was meant."""
    if path.is_dir():
        raise NotAStore(
            f"{path}: 파일이 아니라 폴더입니다.", f"{path}: is a directory, not a file."
        )


def make_parent_folder(path: Path) -> None:
    """Create the folders a new file at `path` needs, or say why that is impossible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreReadOnly(
            f"{path}: 파일을 둘 폴더를 만들지 못했습니다: {exc.strerror}",
            f"{path}: cannot create its folder: {exc.strerror}.",
        ) from exc


def _refuse_foreign(conn: sqlite3.Connection, path: Path | None, create: bool) -> None:
    """Refuse an SQLite file that is not a briefbot store before anything writes to it
    (even switching it to WAL rewrites its header)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if (
        "_sqlite_migrations" in tables
        and conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1", [MIGRATION_SET]
        ).fetchone()
    ):
        return
    if tables:
        raise NotAStore(
            f"{path}: briefbot 저장소가 아닌 다른 SQLite 데이터베이스입니다.",
            f"{path}: an SQLite database of something else, not a briefbot store.",
        )
    if not create:
        raise NotAStore(
            f"{path}: 빈 파일이라 briefbot 저장소가 아닙니다.",
            f"{path}: an empty file, not a briefbot store.",
        )


def _configured(
    conn: sqlite3.Connection, *, wal: bool, path: Path | None = None, create: bool = True
) -> sqlite_utils.Database:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if path is not None:
        _refuse_foreign(conn, path, create)
    conn.execute("PRAGMA foreign_keys = ON")
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return sqlite_utils.Database(conn)


def _connection(target: str, *, uri: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, uri=uri)


def _unflushed_log(path: Path) -> bool:
    """True when a write-ahead log with changes not yet copied into the file lies beside it."""
    log = path.with_name(path.name + "-wal")
    return log.exists() and log.stat().st_size > 0


def connect(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open a database with briefbot's pragmas applied; `:memory:` for a scratch one.

    With `create`, a missing or empty file (and its folders) is created; without it, a
    missing file is `StoreMissing`. A directory, a file that is not SQLite and an SQLite
    file of another application are `NotAStore`, refused before anything is written. A
    store in a read-only folder, where SQLite cannot create the WAL's shared-memory
    file, is opened immutable: reads work, and writes are refused as read-only.
    """
    if str(path) == ":memory:":
        return _configured(_connection(":memory:"), wal=False)
    path = Path(path)
    refuse_directory(path)
    if not path.exists():
        if not create:
            raise StoreMissing(
                f"{path}: 저장소 파일이 없습니다. 경로를 확인해 주세요.",
                f"{path}: no such store; check the path.",
            )
        make_parent_folder(path)
    conn = None
    try:
        conn = _connection(str(path))
        return _configured(conn, wal=True, path=path, create=create)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if not isinstance(exc, sqlite3.Error):
            raise
        name = getattr(exc, "sqlite_errorname", None) or ""
        shm_refused = name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))
        if shm_refused and path.stat().st_size and not _unflushed_log(path):
            return _immutable(path)
        raise (sqlite_fault(exc, path) or exc) from exc


def _immutable(path: Path) -> sqlite_utils.Database:
    """A read-only connection that needs no lock or shared memory, for a read-only folder.

    Only when no write-ahead log holds changes: `immutable` would not read them.
    """
    target = f"file:{quote(os.fsencode(path.resolve()))}?mode=ro&immutable=1"
    with faults_reported(path):
        return _configured(_connection(target, uri=True), wal=False, path=path, create=False)


def writable(path: str | Path) -> bool:
    """Whether this process may change the store: its file, and the folder SQLite keeps
    the write-ahead log in (permissions, an immutable flag, a read-only file system)."""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One all-or-nothing write: `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    instead of one failing half-way when it upgrades a read lock. sqlite-utils' own
    `atomic()` blocks nest inside as savepoints. A lock not granted within the timeout,
    a full disk or a read-only file ends as a `StoreFault`, after the rollback.
    """
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("write_transaction() does not nest; one command is one transaction")
    with faults_reported():
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        # Inside the try: a failed COMMIT (a deferred foreign key, a full disk) must roll
        # back too, or the connection would stay inside a half-done transaction.
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        fault = sqlite_fault(exc) if isinstance(exc, sqlite3.Error) else None
        if fault is not None:
            raise fault from exc
        raise
