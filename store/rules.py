"""The rules a value follows to enter the store, whoever brings it.

A chat edit (`/entity add`, `/milestone add`, `/source add`, `/fact set`) and a file
(the bundled data set, an edited export brought back by `python -m store import`) reach
the same tables, so they pass the same checks: these functions. Each returns the value
as it is stored (names in NFC, without invisible characters) or raises `InvalidInput`
saying what was expected, in Korean and English.
"""

from __future__ import annotations

import re

from store.errors import InvalidInput
from store.hangul import name_key
from store.limits import NAME_MAX, URL_MAX, checked_text
from store.model import INSTITUTION_KINDS, PROGRAM_KINDS

ID_MAX = 60
MILESTONE_STATUSES = ("planned", "done", "cancelled", "unknown")
RANKS = ("preferred", "normal", "deprecated")
CLASS_OF_KIND = {
    **dict.fromkeys(PROGRAM_KINDS, "program"),
    **dict.fromkeys(INSTITUTION_KINDS, "institution"),
    "person": "person",
}
_SLUG_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ATTRIBUTE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+\S*$", re.IGNORECASE)


def one_of(value: str, allowed: tuple[str, ...], what_ko: str, what_en: str) -> str:
    """`value` when it is one of `allowed`; else which ones are."""
    if value not in allowed:
        raise InvalidInput(
            f"알 수 없는 {what_ko} {value!r}: {', '.join(allowed)} 중 하나여야 합니다.",
            f"Unknown {what_en} {value!r}; one of {', '.join(allowed)}.",
        )
    return value


def class_of_kind(kind: str) -> str:
    """The class (program, institution, person) an entity of `kind` belongs to."""
    return CLASS_OF_KIND[one_of(kind, tuple(CLASS_OF_KIND), "종류", "kind")]


def checked_status(status: str) -> str:
    """A milestone's status: planned, done, cancelled or unknown."""
    return one_of(status, MILESTONE_STATUSES, "상태", "status")


def checked_rank(rank: str) -> str:
    """A statement's rank: preferred, normal or deprecated."""
    return one_of(rank, RANKS, "순위", "rank")


def checked_name(
    text: str | None, field_ko: str, field_en: str, *, required: bool = False
) -> str | None:
    """A name within the limit that has something to match on (not only punctuation)."""
    name = checked_text(text, NAME_MAX, field_ko, field_en, required=required)
    if name is not None and not name_key(name):
        raise InvalidInput(
            f"{field_ko}에 글자가 없습니다: {name!r}", f"The {field_en} has no letters: {name!r}."
        )
    return name


def checked_slug(wanted: str) -> str:
    """An entity's or source's id: lower-case letters, digits and hyphens."""
    if not _SLUG_ID.match(wanted) or len(wanted) > ID_MAX:
        raise InvalidInput(
            f"id는 영문 소문자·숫자·하이픈으로 {ID_MAX}자 이내여야 합니다 (예: naver-cloud): {wanted!r}",
            f"An id is lower-case letters, digits and hyphens, at most {ID_MAX} (e.g. naver-cloud): {wanted!r}.",
        )
    return wanted


def checked_attribute_id(wanted: str) -> str:
    """An attribute's id: lower-case letters, digits and underscores, a letter first."""
    if not _ATTRIBUTE_ID.match(wanted):
        raise InvalidInput(
            f"속성의 id는 영문 소문자·숫자·밑줄로 40자 이내여야 합니다 (예: gpu_count): {wanted!r}",
            "An attribute's id is lower-case letters, digits and underscores, at most 40"
            f" (e.g. gpu_count): {wanted!r}.",
        )
    return wanted


def checked_url(url: str | None) -> str | None:
    """A source's address (http or https), or None when blank."""
    text = checked_text(url, URL_MAX, "URL", "URL")
    if text is not None and not _URL.match(text):
        raise InvalidInput(
            f"http:// 또는 https://로 시작하는 주소여야 합니다: {text!r}",
            f"A URL starts with http:// or https://: {text!r}.",
        )
    return text
