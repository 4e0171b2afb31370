"""Reading the items of a data set file field by field, and reporting every problem at once.

A data set (the bundled one, or an edited export brought back by `python -m store
import`) is written by people, so anything can be in any field: a number where a name
belongs, a list where a text does, a date YAML read by itself from `2025-09-09`. Each
field is checked for its type first and then by the very function a chat edit of the
same field goes through (`store.rules`, `store.limits`, `store.values`, the dates), so
a file can store nothing that chat would refuse. A problem does not stop the reading:
every one is collected with where it is (its item, its key and, for a file read by
`store.yaml_input`, its line) and reported together.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from store.dates import FuzzyDate
from store.errors import InvalidInput
from store.limits import TITLE_MAX, checked_text
from store.storable import check_storable
from store.yaml_input import line_of

T = TypeVar("T")
# Problems listed in a refusal; the rest are counted. A file with thousands of problems
# usually has one mistake repeated, and its first hundred say which.
PROBLEMS_SHOWN = 100
_DATE_KEYS = frozenset(("text", "edtf", "precision"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (the item's path, and its line when known) and what."""

    where: str
    line: int | None
    ko: str
    en: str

    def text(self, locale: str, file: str | None = None) -> str:
        """`line 12: entities[3] (etri).ko: what is wrong` in `locale`; with the `file`'s
        name, `edit.yaml:12: entities[3] (etri).ko: …` as compilers write it."""
        message = self.en if locale == "en" else self.ko
        if file is not None:
            at = f"{file}:{self.line}: " if self.line else f"{file}: "
        elif self.line:
            at = f"line {self.line}: " if locale == "en" else f"{self.line}행: "
        else:
            at = ""
        return f"{at}{self.where}: {message}" if self.where else f"{at}{message}"


class DatasetError(InvalidInput):
    """A data set that does not follow the format; `problems` lists each problem found."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        super().__init__(self._message("ko"), self._message("en"))

    @classmethod
    def of(cls, ko: str, en: str, where: str = "") -> DatasetError:
        """A refusal for one problem of the file as a whole."""
        return cls([Problem(where, None, ko, en)])

    def lines(self, locale: str) -> list[str]:
        """One line per problem shown, then how many more were found."""
        shown = [problem.text(locale) for problem in self.problems]
        more = self.total - len(self.problems)
        if more:
            shown.append(f"… 문제 {more:,}개 더" if locale != "en" else f"… and {more:,} more")
        return shown

    def _message(self, locale: str) -> str:
        lines = self.lines(locale)
        if self.total == 1:
            return lines[0]
        if locale == "en":
            header = f"The data set has {self.total:,} problems; nothing was written:"
        else:
            header = f"데이터 세트에 문제가 {self.total:,}개 있어 아무것도 쓰지 않았습니다:"
        return "\n".join([header, *lines])


class Problems:
    """The problems of one file, in the order found."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, where: str, line: int | None, ko: str, en: str) -> None:
        self.total += 1
        if len(self.items) < PROBLEMS_SHOWN:
            self.items.append(Problem(_printable(where), line, _printable(ko), _printable(en)))

    def raise_any(self) -> None:
        """Refuse the file if anything was found."""
        if self.total:
            raise DatasetError(self.items, self.total)


def _printable(text: str) -> str:
    """`text` with anything that is not valid Unicode (a key with a lone surrogate, which
    a YAML escape can make) shown as its escape, so the message itself can be printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _kind_of(value: object) -> tuple[str, str]:
    """What a value of the wrong type is, in words (Korean, English)."""
    if value is None:
        return "빈 값", "nothing"
    if isinstance(value, bool):
        return f"참/거짓 값 {value}", f"the flag {str(value).lower()}"
    if isinstance(value, int | float):
        return f"숫자 {value!r}", f"the number {value!r}"
    if isinstance(value, datetime | date):
        return (
            f"날짜 {value} (따옴표로 감싸 글로 쓰세요)",
            f"the date {value} (put it in quotes to make it text)",
        )
    if isinstance(value, str):
        return "글", "text"
    if isinstance(value, dict):
        return "키와 값의 묶음", "a mapping"
    if isinstance(value, list):
        return "목록", "a list"
    return type(value).__name__, type(value).__name__


_EXPECTED = {
    str: ("글", "text"),
    int: ("정수", "a whole number"),
    float: ("숫자", "a number"),
    bool: ("true 또는 false", "true or false"),
    dict: ("키와 값의 묶음", "a mapping"),
    list: ("목록", "a list"),
}


class Fields:
    """One mapping of the file (a source, an entity, a fact…), read key by key.

    Every read returns the value as the store keeps it, or None after recording what is
    wrong with it.
    """

    def __init__(
        self, problems: Problems, where: str, item: object, keys: Iterable[str], line: int | None
    ) -> None:
        self.problems = problems
        self.where = where
        self.item: dict[str, Any] = {}
        if not isinstance(item, dict):
            self._add("", line, "키와 값의 묶음이어야 합니다", "must be a mapping", item)
            return
        self.item = item
        for key in item:
            if key not in keys:
                self._problem(
                    key,
                    f"알 수 없는 키입니다 ({', '.join(keys)} 중 하나)",
                    f"unknown key (known: {', '.join(keys)})",
                )

    def _add(self, key: str, line: int | None, ko: str, en: str, value: object = ...) -> None:
        where = ".".join(part for part in (self.where, key) if part)
        if value is not ...:
            got_ko, got_en = _kind_of(value)
            ko, en = f"{ko}: {got_ko}", f"{en}, got {got_en}"
        self.problems.add(where, line or line_of(self.item), ko, en)

    def _problem(self, key: str, ko: str, en: str, value: object = ...) -> None:
        self._add(key, line_of(self.item, key), ko, en, value)

    def refused(self, key: str, exc: InvalidInput) -> None:
        """Record a check's refusal of the value at `key`."""
        self._problem(key, exc.ko, exc.en)

    def has(self, key: str) -> bool:
        return self.item.get(key) is not None

    def raw(self, key: str, kind: Any, *, required: bool = False) -> Any:
        """The value at `key` if it is of `kind`, a type or a union of types (None when
        absent and not required)."""
        value = self.item.get(key)
        if value is None:
            if required:
                self._problem(key, "값이 필요합니다", "is required")
            return None
        kinds = getattr(kind, "__args__", (kind,))
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            ko = " 또는 ".join(_EXPECTED[k][0] for k in kinds)
            en = " or ".join(_EXPECTED[k][1] for k in kinds)
            self._problem(key, f"{ko}이어야 합니다", f"must be {en}", value)
            return None
        if isinstance(value, str | int | float):
            try:
                check_storable(value)
            except InvalidInput as exc:
                self.refused(key, exc)
                return None
        return value

    def checked(
        self, key: str, check: Callable[..., T], *args: Any, required: bool = False
    ) -> T | None:
        """The text at `key` passed through `check(text, *args)` (a chat edit's check)."""
        value = self.raw(key, str, required=required)
        if value is None:
            return None
        try:
            return check(value, *args)
        except InvalidInput as exc:
            self.refused(key, exc)
            return None

    def text(
        self, key: str, limit: int, field_ko: str, field_en: str, *, required: bool = False
    ) -> str | None:
        """Text in NFC within `limit` characters (`store.limits.checked_text`); a required
        text may be neither absent nor blank."""
        check = functools.partial(checked_text, required=required)
        return self.checked(key, check, limit, field_ko, field_en, required=required)

    def flag(self, key: str) -> bool:
        """A yes/no field, false when absent."""
        return bool(self.raw(key, bool))

    def text_list(self, key: str) -> list[str]:
        """A list of texts (aliases, source ids); each item's type is checked."""
        listed = self.raw(key, list) or []
        out = []
        for index, value in enumerate(listed):
            if not isinstance(value, str):
                self._add(
                    f"{key}[{index}]",
                    line_of(listed, index),
                    "글이어야 합니다",
                    "must be text",
                    value,
                )
                continue
            try:
                check_storable(value)
            except InvalidInput as exc:
                self._add(f"{key}[{index}]", line_of(listed, index), exc.ko, exc.en)
                continue
            out.append(value)
        return out

    def bilingual(
        self, key: str, limit: int, field_ko: str, field_en: str
    ) -> tuple[str | None, str | None]:
        """Korean text, or a mapping of `ko` and `en` texts (a summary, a role, a note)."""
        value = self.item.get(key)
        if value is None or isinstance(value, str):
            return self.text(key, limit, field_ko, field_en), None
        inner = self.inner(key, ("ko", "en"))
        return (
            inner.text("ko", limit, field_ko, field_en),
            inner.text("en", limit, f"영어 {field_ko}", f"English {field_en}"),
        )

    def inner(self, key: str, keys: Iterable[str]) -> Fields:
        """The mapping at `key`, read with its own keys."""
        where = ".".join(part for part in (self.where, key) if part)
        return Fields(self.problems, where, self.item.get(key), keys, line_of(self.item, key))

    def date(self, key: str, *, required: bool = True) -> FuzzyDate | None:
        """The imprecise date at `key` (see `date_here`); None when absent and not required."""
        if not required and self.item.get(key) is None:
            return None
        before = self.problems.total
        inner = self.inner(key, tuple(_DATE_KEYS))
        return inner.date_here() if self.problems.total == before else None

    def date_here(self) -> FuzzyDate | None:
        """This mapping as an imprecise date: `{text, edtf, precision}` as
        `FuzzyDate.from_edtf` accepts them, the text within a title's length."""
        before = self.problems.total
        text = self.text("text", TITLE_MAX, "날짜", "date", required=True)
        edtf = self.raw("edtf", str)
        precision = self.raw("precision", str, required=True)
        if text is None or precision is None or self.problems.total != before:
            return None
        try:
            return FuzzyDate.from_edtf(text, edtf, precision)
        except InvalidInput as exc:
            self.refused("edtf" if edtf is not None else "precision", exc)
            return None
