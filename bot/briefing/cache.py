"""Answers remembered per store revision: the same question asked again is not rebuilt.

A reply depends only on the command, its options, the locale, today and the facts, so
keying on the store's revision makes a stale answer impossible: any edit starts a new
revision and with it new keys. `/milestones` and `/about`, which everyone asks the
same way, are the ones that profit; the cache is small and thread-safe because
answers are built in worker threads. Completions are remembered the same way: half of
all interactions are autocompletes, and the first one or two characters of a name are
what most people type.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

CACHE_SIZE = 512
Answer = TypeVar("Answer")


class ReplyCache(Generic[Answer]):
    """A least-recently-used map from an answer's inputs to the answer (a `Reply`, or a
    tuple of completions): values are never changed once built, so they are shared."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._replies: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Answer]) -> Answer:
        """The remembered reply for `key`, else `build()` (outside the lock) remembered."""
        with self._lock:
            if key in self._replies:
                self._replies.move_to_end(key)
                return self._replies[key]
        reply = build()
        with self._lock:
            self._replies[key] = reply
            if len(self._replies) > self.size:
                self._replies.popitem(last=False)
        return reply
