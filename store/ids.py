"""Readable ids for new entities and sources (`naver-cloud`, `hellot-2025-08-13`).

Ids are what exports, autocomplete values and other tools cite, so they are slugs
people can read, made from a Latin name when there is one and kept unique by a suffix.
"""

from __future__ import annotations

import re
import unicodedata

import sqlite_utils

from store.errors import InvalidInput
from store.rules import ID_MAX, checked_slug

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str | None) -> str:
    """Lower-case Latin letters and digits joined by hyphens; empty when `text` has none."""
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:ID_MAX].strip("-")


def unique_id(db: sqlite_utils.Database, table: str, base: str) -> str:
    """`base`, or `base-2`, `base-3`… whichever no row of `table` has yet."""
    candidate, n = base, 1
    while db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [candidate]).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def checked_new_id(db: sqlite_utils.Database, table: str, wanted: str) -> str:
    """An id an admin chose: a slug no row of `table` has yet."""
    checked_slug(wanted)
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [wanted]).fetchone():
        raise InvalidInput(f"이미 있는 id입니다: {wanted!r}", f"The id {wanted!r} is taken.")
    return wanted
