"""Progress of a long store job (an import of 20,000 entities), told as it goes.

The store prints nothing itself; a caller that wants progress (the `python -m store`
CLI, on stderr) passes a `Progress` whose `report` receives one line every `every`
items of each phase and at its end. Counting items, not seconds, keeps what is said
the same from one run to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Reports `job: phase 1,000/20,000 what` lines through `report`."""

    def __init__(self, report: Callable[[str], None], job: str, *, every: int = 1000) -> None:
        self.report = report
        self.job = job
        self.every = max(1, every)

    def each(self, phase: str, items: Sequence[T], what: str) -> Iterator[T]:
        """Yield `items`, reporting after every `every` of them and after the last; a phase
        shorter than `every` is quick and passes without a word."""
        total = len(items)
        if total < self.every:
            yield from items
            return
        for done, item in enumerate(items, start=1):
            yield item
            if done % self.every == 0 or done == total:
                self.report(f"{self.job}: {phase} {done:,}/{total:,} {what}")


def each(progress: Progress | None, phase: str, items: Sequence[T], what: str) -> Iterator[T]:
    """`progress.each(…)`, or the items alone when nobody is told."""
    return progress.each(phase, items, what) if progress is not None else iter(items)
