"""The writer the crash test kills: edits a store in a loop, printing each committed revision.

    python -m tests.crash_writer DB SEED

An id is printed, and flushed, only once its transaction has committed, so every id
printed must still be in the store after a SIGKILL at any moment.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

from store.changeset import EditResult
from store.errors import InvalidInput
from store.fact_store import FactStore

ACTOR = "crash:writer"
SOURCE = "byline-2025-foundation-kickoff"
OTHER_SOURCE = "mediaeconews-2024-10-national-ai-lab"
PROJECT = "sovereign-ai-foundation-model"
LAB = "national-ai-research-lab"


def _edits(store: FactStore, tag: str) -> list[Callable[[int], EditResult]]:
    """Edits of every shape: supersede, add, a fact with several sources, new rows in two
    tables, in-place updates, reverts."""
    return [
        lambda n: store.set_fact(
            entity=PROJECT, attribute="budget", value=f"{1000 + n}억원", source=SOURCE, actor=ACTOR
        ),
        lambda n: store.set_fact(
            entity=PROJECT,
            attribute="goal",
            value=f"목표 {tag}-{n}",
            source=SOURCE,
            actor=ACTOR,
            add=True,
        ),
        lambda n: store.set_fact(
            entity=PROJECT,
            attribute="goal",
            value=f"목표 {tag}-{n} (두 출처)",
            source=[SOURCE, OTHER_SOURCE],
            actor=ACTOR,
            add=True,
        ),
        lambda n: store.add_milestone(
            entity=LAB, title=f"점검 {tag}-{n}", date="2026년 상반기", source=SOURCE, actor=ACTOR
        ),
        lambda n: store.set_milestone_status(1, ("done", "planned")[n % 2], actor=ACTOR),
        lambda n: store.add_alias(entity="ETRI", alias=f"전자연 {tag}-{n}", actor=ACTOR),
        lambda n: store.revert(store.revision(), actor=ACTOR),
    ]


def main(path: str, seed: str) -> None:
    store = FactStore.open(path)
    rng = random.Random(seed)
    edits = _edits(store, seed)
    n = 0
    while True:
        n += 1
        try:
            result = rng.choice(edits)(n)
        except InvalidInput:  # a status already set, or nothing left to revert
            continue
        print(result.revision, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
