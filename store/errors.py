"""Errors that explain bad input to a person, in Korean and in English.

The store knows nothing about chat, but its validation messages end up in front of
users; carrying both languages here lets every front end answer in the user's locale
without a table of error codes that could drift from the checks themselves.
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
