"""Errors that explain bad input or an unusable store to a person, in Korean and in English.

The store knows nothing about chat, but its validation messages end up in front of
users; carrying both languages here lets every front end answer in the user's locale
without a table of error codes that could drift from the checks themselves.

A store that cannot do what was asked (another process holds the write lock, the disk
is full, the file is read-only or is not a store at all) raises a `StoreFault`. It is an
`InvalidInput` on purpose: every front end already turns those into a polite reply and
knows that nothing was changed, which holds for faults too (the write was rolled back).
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that cannot be accepted; `ko` and `en` say what was wrong and how to fix it."""

    def __init__(self, ko: str, en: str) -> None:
        super().__init__(ko)
        self.ko = ko
        self.en = en

    def message(self, locale: str) -> str:
        """The explanation in `locale` (`ko` or `en`)."""
        return self.en if locale == "en" else self.ko


class StoreFault(InvalidInput):
    """The store cannot do this now or at all; nothing was changed. One line in each language."""


class StoreBusy(StoreFault):
    """Another process held the write lock for longer than the busy timeout: try again."""


class StoreReadOnly(StoreFault):
    """The file, its directory or its file system is read-only: reads work, writes cannot."""


class StoreFull(StoreFault):
    """The disk (or the store's page limit) is full: the write was rolled back."""


class StoreMissing(StoreFault):
    """No store at the path, and creating one was not asked for."""


class NotAStore(StoreFault):
    """The path is a directory, not an SQLite file, or an SQLite file of something else."""
