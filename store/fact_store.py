"""`FactStore`: the one object callers hold — an open, migrated, seeded store.

Front ends call its methods from worker threads (so the event loop never waits on
SQLite); one connection is shared and a lock serialises use of it, which is plenty
for reads that take milliseconds.

Every method is a door into the store, so each checks what comes in (`check_storable`)
before any statement runs, and turns a file SQLite cannot use (busy, full, read-only)
into a `StoreFault`: bad input and bad luck both end as one polite sentence with nothing
changed, never as a traceback.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils

from store import entity_edits, fact_edits, importer, milestone_edits, source_edits
from store.check import check_store, store_stats
from store.citations import FACTS, further_sources
from store.dataset import DATASET_PATH, export_dataset, load_dataset, read_dataset
from store.db import (
    connect,
    default_path,
    faults_reported,
    make_parent_folder,
    refuse_directory,
    writable,
    write_transaction,
)
from store.fact_edits import current_facts
from store.history import HISTORY_LIMIT, describe_change, history, revert_revision
from store.model import EntityDetail, EntityRef, MilestoneView, SourceRef
from store.progress import Progress
from store.queries import (
    WindowedMilestone,
    entity_detail,
    entity_ref,
    milestones_in_window,
    newest_source,
    overdue_milestones,
)
from store.references import (
    Attribute,
    attributes,
    find_attribute,
    find_entity,
    milestones_matching,
    sources,
)
from store.resolve import Candidate, Resolution, match_entities, resolve_entity
from store.revisions import Change, Revision, latest_revision_id, revisions_since
from store.schema import migrate
from store.search import SearchResults, search_entities
from store.storable import check_storable
from store.upgrade import UpgradeReport, rolled_back, upgrade_store

P = ParamSpec("P")
R = TypeVar("R")


def _locked(
    method: Callable[Concatenate[FactStore, P], R],
) -> Callable[Concatenate[FactStore, P], R]:
    """A read: arguments checked, the connection locked, SQLite's faults as `StoreFault`."""

    @functools.wraps(method)
    def wrapper(self: FactStore, *args: P.args, **kwargs: P.kwargs) -> R:
        check_storable(args, kwargs)
        with self._lock, faults_reported():
            return method(self, *args, **kwargs)

    return wrapper


def _writes(
    operation: Callable[Concatenate[sqlite_utils.Database, P], R],
) -> Callable[Concatenate[FactStore, P], R]:
    """A method running an edit function on the store's connection, locked, as one transaction
    (whose faults `write_transaction` reports), once its arguments are checked."""

    @functools.wraps(operation)
    def method(self: FactStore, *args: P.args, **kwargs: P.kwargs) -> R:
        check_storable(args, kwargs)
        with self._lock, write_transaction(self.db):
            return operation(self.db, *args, **kwargs)

    return method


class FactStore:
    """An open fact store. Create with `FactStore.open()`; close when done."""

    def __init__(self, path: Path, db: Any) -> None:
        self.path = path
        self.db = db
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, create: bool = True, dataset: Path = DATASET_PATH
    ) -> FactStore:
        """Open a store, migrating it if its schema is behind.

        With `create`, a missing store is created and seeded from the bundled data set;
        pass it only for a path you mean to create (the configured default), so that a
        mistyped path is `StoreMissing` rather than a new store. Raises a `StoreFault`
        (missing, not a store, busy, read-only) with a one-line explanation.
        """
        resolved = Path(path) if path is not None else default_path()
        db = connect(resolved, create=create)
        try:
            with faults_reported(resolved):
                migrate(db)
                store = cls(resolved, db)
                if create:
                    store.seed(dataset)
        except BaseException:
            db.conn.close()
            raise
        return store

    @property
    def read_only(self) -> bool:
        """True when this process cannot change the store (its file or folder is read-only)."""
        return not writable(self.path)

    def seed(self, dataset: Path = DATASET_PATH) -> bool:
        """Load the data set as revision 1 if the store is empty; True when it loaded.

        A new store loads the newest bundled version directly. Its content is what a store
        of an older version gets from `upgrade()` (tests/test_upgrade.py holds the two
        equal), so loading one version is the same data at a fraction of the cost. A
        seeded store is only read, so opening one never waits for the write lock that
        another process (a long import) may hold.
        """
        with self._lock:
            if latest_revision_id(self.db):
                return False
            with write_transaction(self.db):
                if latest_revision_id(self.db):
                    return False
                data, digest = read_dataset(dataset)
                load_dataset(self.db, data, digest)
                return True

    def upgrade(self, dry_run: bool = False) -> UpgradeReport:
        """Apply newer bundled data set versions as revisions by `dataset:N` (see
        `store.upgrade`); with `dry_run`, report what would change and write nothing."""
        with self._lock, (rolled_back if dry_run else write_transaction)(self.db):
            return upgrade_store(self.db, dry_run=dry_run)

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    @_locked
    def revision(self) -> int:
        """The newest revision id; changes whenever any fact changes."""
        return latest_revision_id(self.db)

    @_locked
    def revisions_since(self, after_id: int, limit: int | None = None) -> list[Revision]:
        return revisions_since(self.db, after_id, limit)

    @_locked
    def resolve(self, name: str, classes: Sequence[str] | None = None) -> Resolution:
        return resolve_entity(self.db, name, classes)

    @_locked
    def complete(
        self, text: str, classes: Sequence[str] | None = None, limit: int = 25
    ) -> list[Candidate]:
        return match_entities(self.db, text, classes, limit)

    @_locked
    def complete_default(self, classes: Sequence[str], limit: int = 25) -> list[EntityRef]:
        """What to suggest before anything is typed: entities of these classes by Korean name."""
        marks = ", ".join("?" * len(classes))
        rows = self.db.query(
            f"SELECT * FROM entities WHERE class IN ({marks}) ORDER BY name_ko LIMIT ?",
            [*classes, limit],
        )
        return [EntityRef.from_row(r) for r in rows]

    @_locked
    def search(
        self, query: str, limit: int = 100, *, first: int = 0, count: int | None = None
    ) -> SearchResults:
        """See `search_entities`: `first` and `count` ask for one page's hits."""
        return search_entities(self.db, query, limit, first=first, count=count)

    @_locked
    def entity(self, entity_id: str) -> EntityDetail | None:
        return entity_detail(self.db, entity_id)

    @_locked
    def entity_ref(self, entity_id: str) -> EntityRef | None:
        return entity_ref(self.db, entity_id)

    @_locked
    def milestones(
        self,
        start: date,
        end: date,
        *,
        entity_ids: Sequence[str] | None = None,
        statuses: Sequence[str] = ("planned", "unknown", "done"),
        limit: int | None = None,
    ) -> list[WindowedMilestone]:
        return milestones_in_window(
            self.db, start, end, entity_ids=entity_ids, statuses=statuses, limit=limit
        )

    @_locked
    def overdue(
        self, today: date, *, entity_ids: Sequence[str] | None = None, limit: int | None = None
    ) -> list[MilestoneView]:
        return overdue_milestones(self.db, today, entity_ids=entity_ids, limit=limit)

    @_locked
    def newest_source(self) -> SourceRef | None:
        return newest_source(self.db)

    @_locked
    def stats(self) -> dict[str, Any]:
        return store_stats(self.db)

    @_locked
    def check(self, *, deep: bool = True) -> list[str]:
        return check_store(self.db, deep=deep)

    @_locked
    def export(self) -> dict[str, Any]:
        return export_dataset(self.db)

    # Edits: each is one write transaction with its revision; see the functions' docstrings.
    set_fact = _writes(fact_edits.set_fact)
    retire_fact = _writes(fact_edits.retire_fact)
    add_milestone = _writes(milestone_edits.add_milestone)
    update_milestone = _writes(milestone_edits.update_milestone)
    set_milestone_status = _writes(milestone_edits.set_milestone_status)
    add_entity = _writes(entity_edits.add_entity)
    add_alias = _writes(entity_edits.add_alias)
    add_source = _writes(source_edits.add_source)
    revert = _writes(revert_revision)

    def import_dataset(
        self,
        data: dict[str, Any],
        *,
        actor: str,
        reason: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> importer.ImportResult:
        """Apply a data set file (usually an edited export) as revisions by `actor`
        (`import:FILE`), one transaction; see `store.importer`.

        The file is checked and loaded into a scratch store before the write lock is taken,
        so while a large file is read the bot's own edits go on; its `DatasetError` lists
        every problem (each field checked as a chat edit of it would be), with nothing
        written. `progress` hears how far a long import has got.
        """
        check_storable(actor, reason)
        scratch = importer.scratch_store(data, progress=progress)
        return self.import_loaded(
            scratch, actor=actor, reason=reason, dry_run=dry_run, progress=progress
        )

    def import_loaded(
        self,
        scratch: sqlite_utils.Database,
        *,
        actor: str,
        reason: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> importer.ImportResult:
        """`import_dataset` of a file already loaded (`importer.scratch_store`), which is
        closed here whatever happens. A caller that lets the parsed file go once it is
        loaded lowers a large import's peak memory by about a quarter (`python -m store
        import` does)."""
        try:
            check_storable(actor, reason)
            with self._lock, write_transaction(self.db):
                return importer.import_dataset(
                    self.db, scratch, actor=actor, reason=reason, dry_run=dry_run, progress=progress
                )
        finally:
            scratch.conn.close()

    @_locked
    def history(
        self, entity: str, attribute: str | None = None, limit: int = HISTORY_LIMIT
    ) -> list[Revision]:
        """Revisions that changed an entity (or one attribute's statements), newest first."""
        return history(self.db, entity, attribute, limit)

    @_locked
    def milestone(self, milestone_id: int) -> dict[str, Any]:
        """A milestone's row (to prefill an edit form) with `sources`, every source id it
        cites, in place of `source_id`; `InvalidInput` when there is none."""
        row = milestone_edits.milestone_with_sources(self.db, milestone_id)
        return {**row, "sources": json.loads(row["sources"])}

    @_locked
    def find_milestones(self, text: str, limit: int = 25) -> list[dict[str, Any]]:
        """Milestones matching typed text, for autocomplete."""
        return milestones_matching(self.db, text, limit)

    @_locked
    def current_statements(
        self, entity: str, attribute: str
    ) -> tuple[str, str, list[dict[str, Any]]]:
        """The entity's and attribute's ids, and the entity's current statements of the
        attribute (to prefill an edit form), each with `sources`: every source id it cites,
        the primary first; `InvalidInput` for an unknown name."""
        entity_id, attribute_id = (
            find_entity(self.db, entity).id,
            find_attribute(self.db, attribute).id,
        )
        rows = current_facts(self.db, entity_id, attribute_id)
        further = further_sources(self.db, [row["id"] for row in rows], FACTS)
        return (
            entity_id,
            attribute_id,
            [{**row, "sources": [row["source_id"], *further.get(row["id"], [])]} for row in rows],
        )

    @_locked
    def describe_change(self, change: Change, locale: str) -> str:
        """One readable line for a change of a revision (for history)."""
        return describe_change(self.db, change, locale)

    @_locked
    def attributes(self) -> list[Attribute]:
        """Every attribute with its labels and value type (for autocomplete)."""
        return attributes(self.db)

    @_locked
    def sources(self, limit: int = 25) -> list[SourceRef]:
        """Sources newest first (for autocomplete of `source:`)."""
        return sources(self.db, limit)

    @_locked
    def backup(self, target: str | Path) -> None:
        """A consistent copy of the live database, taken with SQLite's online backup API.

        Raises a `StoreFault` when the copy cannot be written (a folder, a full disk).
        """
        target = Path(target)
        refuse_directory(target)
        make_parent_folder(target)
        dest = sqlite3.connect(target)
        try:
            with faults_reported(target):
                self.db.conn.backup(dest)
        finally:
            dest.close()
