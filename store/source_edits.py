"""Registering an article as a source: `/source add`.

Every fact, milestone and entity cites a source, so a new article is registered first
and then cited by its id or URL. Its publication date is read like any other date and
keeps its precision (an article dated only `2025년 8월` is not given a day).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import sqlite_utils

from store.changeset import ChangeSet, EditResult, authorship
from store.errors import InvalidInput
from store.ids import checked_new_id, slug, unique_id
from store.limits import NAME_MAX, TITLE_MAX, checked_text, required_text
from store.rules import checked_url
from store.values import PUBLISHED_COLUMNS, date_columns, parse_when, resolved_today


def _checked_url(db: sqlite_utils.Database, url: str | None) -> str | None:
    text = checked_url(url)
    if text is None:
        return None
    row = db.execute("SELECT id FROM sources WHERE url = ?", [text]).fetchone()
    if row:
        raise InvalidInput(
            f"이미 등록된 출처입니다: {row[0]}", f"That URL is already registered as {row[0]}."
        )
    return text


def _id_base(url: str | None, publisher_en: str | None, published: str | None) -> str:
    """`hellot-2025-08-13`: the site (or English publisher name) and the publication date."""
    host = (urlparse(url).hostname or "") if url else ""
    site = host.removeprefix("www.").split(".")[0]
    return "-".join(p for p in (slug(site) or slug(publisher_en) or "source", slug(published)) if p)


def add_source(
    db: sqlite_utils.Database,
    *,
    title: str,
    publisher: str,
    published: str,
    actor: str,
    url: str | None = None,
    publisher_en: str | None = None,
    author: str | None = None,
    title_en: str | None = None,
    source_id: str | None = None,
    reason: str | None = None,
    today: datetime.date | None = None,
) -> EditResult:
    """Register an article; its `row_id` is the id to cite it by (the URL works too).

    `title` is the headline as printed; `title_en` is for an English answer where the
    title has an English form (an English edition's headline, or a title not seen).

    Raises `InvalidInput` (unreadable date, a URL already registered, too long).
    """
    editor = authorship(actor, reason)
    title = required_text(title, TITLE_MAX, "제목", "title")
    title_en = checked_text(title_en, TITLE_MAX, "영어 제목", "English title")
    publisher = required_text(publisher, NAME_MAX, "매체", "publisher")
    publisher_en = checked_text(publisher_en, NAME_MAX, "영어 매체명", "English publisher")
    author = checked_text(author, NAME_MAX, "기자", "author")
    url = _checked_url(db, url)
    when = parse_when(published, resolved_today(today), "발행일", "publication date")
    new_id = (
        checked_new_id(db, "sources", source_id)
        if source_id
        else unique_id(db, "sources", _id_base(url, publisher_en, when.edtf))
    )
    changes = ChangeSet(db)
    changes.insert(
        "sources",
        {"id": new_id, "publisher": publisher, "publisher_en": publisher_en, "author": author,
         "title": title, "title_en": title_en, "url": url,
         **date_columns(when, PUBLISHED_COLUMNS)},
    )  # fmt: skip
    return changes.commit(
        editor,
        "source.add",
        summary_ko=f"출처 추가: {publisher} «{title}» ({when.label('ko')}) → {new_id}",
        summary_en=f"added source: {publisher_en or publisher} «{title}» ({when.label('en')}) → {new_id}",
        row_id=new_id,
    )
