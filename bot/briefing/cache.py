"""Answers remembered per store revision: the same question asked again is not rebuilt.

A reply depends only on the command, its options, the locale, today and the facts, so
keying on the store's revision makes a stale answer impossible: any edit starts a new
revision and with it new keys. `/milestones` and `/about`, which everyone asks the
same way, are the ones that profit; the cache is small and thread-safe because
answers are built in worker threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from bot.briefing.model import Reply

CACHE_SIZE = 512


class ReplyCache:
    """A least-recently-used map from an answer's inputs to its `Reply`."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._replies: OrderedDict[Hashable, Reply] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Reply]) -> Reply:
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
