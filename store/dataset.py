"""The bundled data set: reading, validating and loading it, and exporting a store back.

The YAML format (see `data/README.md`) is the same in both directions, so a store can
be exported, reviewed or edited by hand, and loaded again without loss. Whatever a file
holds is checked field by field with the checks a chat edit of the same field gets
(`store.dataset_fields`), every problem is reported with its line, and nothing is
written unless the whole file is sound.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from store.citations import FACTS, MILESTONES, Cited, further_sources, link_rows
from store.dataset_fields import DatasetError, Fields, Problems
from store.dates import FuzzyDate
from store.entity_edits import add_aliases, refuse_names_in_use
from store.errors import InvalidInput
from store.fact_edits import new_attribute
from store.limits import FACT_TEXT_MAX, NAME_MAX, SUMMARY_MAX, TITLE_MAX
from store.model import CONFIDENCES, FACT_STATUSES
from store.money import format_won_ko
from store.progress import Progress, each
from store.references import Attribute
from store.revisions import record_revision
from store.rules import (
    checked_attribute_id,
    checked_name,
    checked_rank,
    checked_slug,
    checked_status,
    checked_url,
    class_of_kind,
    one_of,
)
from store.search_index import rebuild_search
from store.values import (
    MILESTONE_DATE_COLUMNS,
    PUBLISHED_COLUMNS,
    checked_value_type,
    date_columns,
    parse_money,
    parse_number,
    value_extras,
)
from store.yaml_input import YamlRefused, line_of, read_yaml, write_yaml

__all__ = ["DATASET_PATH", "DatasetError", "dump_yaml", "export_dataset", "load_dataset"]

DATASET_PATH = Path(__file__).parent / "data" / "dataset.yaml"
VALUE_KEYS = ("text", "money", "number", "date", "entity")
QUALIFIER_KEYS = ("start", "end", "as_of")
NAME_FIELDS = ("ko", "en", "acronym")
_TOP_KEYS = ("version", "sources", "attributes", "entities")
_SOURCE_KEYS = (
    "id", "file", "publisher", "publisher_en", "author", "title", "title_en", "url", "published",
)  # fmt: skip
_PUBLISHED_KEYS = ("text", "edtf", "precision", "note", "confirmed_by")
_ATTRIBUTE_KEYS = ("id", "ko", "en", "type")
_ENTITY_KEYS = (
    "id", "class", "kind", "ko", "en", "acronym", "name_is_description",
    "general_knowledge_names", "aliases", "summary", "source", "facts", "milestones",
)  # fmt: skip
_FACT_KEYS = (
    "attr", *VALUE_KEYS, "text_en", "unit", "approximate", "role", *QUALIFIER_KEYS, "note",
    "speaker", "status", "rank", "confidence", "source", "sources",
)  # fmt: skip
_MILESTONE_KEYS = ("title", "date", "status", "source", "sources")
_BILINGUAL_KEYS = ("ko", "en")


def read_dataset(path: Path = DATASET_PATH) -> tuple[dict[str, Any], str]:
    """Parse a data set file; returns the data and the file's SHA-256.

    A file that is not safe, well-formed UTF-8 YAML (see `store.yaml_input`) or not a data
    set at all is a `DatasetError` naming the line; an unreadable file is an `OSError`.
    """
    raw = path.read_bytes()
    try:
        data = read_yaml(raw)
    except YamlRefused as exc:
        raise DatasetError.of(
            f"YAML로 읽을 수 없습니다: {exc}", f"not readable YAML: {exc}"
        ) from None
    if not isinstance(data, dict) or "entities" not in data:
        raise DatasetError.of(
            "briefbot 데이터 세트가 아닙니다 ('entities' 목록이 없음)",
            "not a briefbot data set (no 'entities' list)",
        )
    return data, hashlib.sha256(raw).hexdigest()


def _date_json(value: FuzzyDate) -> dict[str, Any]:
    return {"text": value.text, "edtf": value.edtf, "precision": value.precision}


_required_name = functools.partial(checked_name, required=True)


def _number_digits(value: int | float) -> str:
    """A number YAML read, written out in plain digits (`1e-05` → `0.00001`), as it would
    be typed in chat."""
    return str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")


_WHAT = {"source": "출처", "entity": "항목", "attribute": "속성"}


def _unknown(what: str, value: str) -> InvalidInput:
    return InvalidInput(f"알 수 없는 {_WHAT[what]} {value!r}", f"unknown {what} {value!r}")


class _Loader:
    """Checks one data set and inserts it; every problem is collected with where it is.

    Ids are gathered first, so that references in any order resolve. Rows are inserted
    while nothing is wrong; after the first problem the rest is only checked, and the
    caller's transaction is rolled back by the `DatasetError` raised at the end.
    """

    def __init__(
        self, db: sqlite_utils.Database, data: dict[str, Any], progress: Progress | None
    ) -> None:
        self.db = db
        self.rev = 0
        self.progress = progress
        self.problems = Problems()
        self.top = Fields(self.problems, "", data, _TOP_KEYS, None)
        self.top.raw("entities", list, required=True)
        self.version = self.top.raw("version", str | int)
        self.sources = self._items("sources", _SOURCE_KEYS)
        self.attribute_items = self._items("attributes", _ATTRIBUTE_KEYS)
        self.entity_items = self._items("entities", _ENTITY_KEYS)
        self.attributes: dict[str, Attribute] = {}
        self.urls: dict[str, str] = {}

    def _items(self, key: str, keys: Sequence[str]) -> dict[str, Fields]:
        """The top-level list `key` as fields by id; ids are checked and must be distinct."""
        listed = self.top.raw(key, list) or []
        out: dict[str, Fields] = {}
        check = checked_attribute_id if key == "attributes" else checked_slug
        for index, item in enumerate(listed):
            wanted = item.get("id") if isinstance(item, dict) else None
            shown = f" ({wanted})" if isinstance(wanted, str) and wanted else ""
            fields = Fields(
                self.problems, f"{key}[{index}]{shown}", item, keys, line_of(listed, index)
            )
            item_id = fields.checked("id", check, required=True)
            if item_id is None:
                continue
            if item_id in out:
                fields.refused(
                    "id",
                    InvalidInput(
                        f"id {item_id!r}가 두 번 쓰였습니다.", f"the id {item_id!r} is used twice."
                    ),
                )
                continue
            out[item_id] = fields
        return out

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row while the file is sound so far; its rowid (0 when not inserted)."""
        if self.problems.total:
            return 0
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
        )
        return cursor.lastrowid or 0

    def counts(self) -> dict[str, int]:
        """How many sources, attributes and entities the file has (with a usable id)."""
        return {
            "sources": len(self.sources),
            "attributes": len(self.attribute_items),
            "entities": len(self.entity_items),
        }

    def load(self, revision: int) -> None:
        """Check everything and insert it as created by `revision`; `DatasetError` at the end
        when anything was wrong."""
        self.rev = revision
        for source_id, fields in self.sources.items():
            self._source(source_id, fields)
        for attribute_id, fields in self.attribute_items.items():
            self._attribute(attribute_id, fields)
        # Every entity before any fact: a fact may link to an entity further down the file.
        entities = list(self.entity_items.items())
        for entity_id, fields in each(self.progress, "checked", entities, "entities"):
            self._entity(entity_id, fields)
        for entity_id, fields in each(self.progress, "checked", entities, "entities' facts"):
            for child, read in (("facts", self._fact), ("milestones", self._milestone)):
                listed = fields.raw(child, list) or []
                keys = _FACT_KEYS if child == "facts" else _MILESTONE_KEYS
                for index, item in enumerate(listed):
                    where = f"{fields.where}.{child}[{index}]"
                    read(
                        entity_id, Fields(self.problems, where, item, keys, line_of(listed, index))
                    )
        self.problems.raise_any()

    def _reference(
        self, fields: Fields, key: str, known: dict[str, Any], what: str, *, required: bool = False
    ) -> str | None:
        """The id at `key`, which must name an item (a `what`) of the file (`known`)."""
        value = fields.raw(key, str, required=required)
        if value is not None and value not in known:
            fields.refused(key, _unknown(what, value))
            return None
        return value

    def _source_ref(self, fields: Fields, key: str = "source") -> str | None:
        if not fields.has(key):
            fields.refused(key, InvalidInput("출처가 필요합니다", "a source is required"))
            return None
        return self._reference(fields, key, self.sources, "source")

    def _source(self, source_id: str, fields: Fields) -> None:
        published = fields.inner("published", _PUBLISHED_KEYS)
        when = published.date_here()
        confirmed_by = published.text_list("confirmed_by")
        for index, cited in enumerate(confirmed_by):
            if cited not in self.sources or cited == source_id:
                published.refused(
                    f"confirmed_by[{index}]",
                    _unknown("source", cited),
                )
        url = fields.checked("url", checked_url)
        if url is not None and self.urls.setdefault(url, source_id) != source_id:
            fields.refused(
                "url",
                InvalidInput(
                    f"이미 등록된 출처입니다: {self.urls[url]}",
                    f"that URL is already registered as {self.urls[url]}",
                ),
            )
        row = {
            "id": source_id,
            "publisher": fields.text("publisher", NAME_MAX, "매체", "publisher", required=True),
            "publisher_en": fields.text("publisher_en", NAME_MAX, "영어 매체명", "English publisher"),
            "author": fields.text("author", NAME_MAX, "기자", "author"),
            "title": fields.text("title", TITLE_MAX, "제목", "title", required=True),
            "title_en": fields.text("title_en", TITLE_MAX, "영어 제목", "English title"),
            "url": url,
            "file": fields.text("file", NAME_MAX, "파일", "file"),
            **date_columns(when, PUBLISHED_COLUMNS),
            "published_note": published.text("note", FACT_TEXT_MAX, "날짜 설명", "date note"),
            "published_confirmed_by": json.dumps(confirmed_by),
            "created_rev": self.rev,
        }  # fmt: skip
        self._insert("sources", row)

    def _attribute(self, attribute_id: str, fields: Fields) -> None:
        value_type = fields.checked("type", checked_value_type, required=True)
        label_ko = fields.raw("ko", str, required=True)
        label_en = fields.raw("en", str)
        if value_type is None or label_ko is None:
            return
        try:
            attribute = new_attribute(self.db, attribute_id, value_type, label_ko, label_en)
        except InvalidInput as exc:
            fields.refused("ko", exc)
            return
        self.attributes[attribute_id] = attribute
        self._insert(
            "attributes",
            {"id": attribute.id, "label_ko": attribute.label_ko, "label_en": attribute.label_en,
             "value_type": attribute.value_type, "created_rev": self.rev},
        )  # fmt: skip

    def _entity(self, entity_id: str, fields: Fields) -> None:
        kind = fields.raw("kind", str, required=True)
        entity_class = None
        if kind is not None:
            try:
                entity_class = class_of_kind(kind)
            except InvalidInput as exc:
                fields.refused("kind", exc)
        stated_class = fields.raw("class", str, required=True)
        if entity_class and stated_class and stated_class != entity_class:
            fields.refused(
                "class",
                InvalidInput(
                    f"종류 {kind}의 분류는 {entity_class}입니다 ({stated_class} 아님)",
                    f"the kind {kind} is of the class {entity_class}, not {stated_class}",
                ),
            )
        names = [
            (
                "name_ko",
                fields.checked("ko", _required_name, "한국어 이름", "Korean name", required=True),
            ),
            ("name_en", fields.checked("en", checked_name, "영어 이름", "English name")),
            ("acronym", fields.checked("acronym", checked_name, "약어", "acronym")),
        ]
        for index, alias in enumerate(fields.text_list("aliases")):
            try:
                names.append(("alias", checked_name(alias, "별칭", "alias")))
            except InvalidInput as exc:
                fields.refused(f"aliases[{index}]", exc)
        general = fields.text_list("general_knowledge_names")
        if not set(general) <= set(NAME_FIELDS):
            fields.refused(
                "general_knowledge_names",
                InvalidInput(
                    f"{', '.join(NAME_FIELDS)} 중에서 골라야 합니다",
                    f"lists some of {', '.join(NAME_FIELDS)}",
                ),
            )
        summary_ko, summary_en = fields.bilingual("summary", SUMMARY_MAX, "요약", "summary")
        try:
            refuse_names_in_use(self.db, [name for _, name in names if name])
        except InvalidInput as exc:
            fields.refused("aliases", exc)
        self._insert(
            "entities",
            {"id": entity_id, "class": entity_class, "kind": kind, "name_ko": names[0][1],
             "name_en": names[1][1], "acronym": names[2][1], "summary_ko": summary_ko,
             "summary_en": summary_en, "source_id": self._source_ref(fields),
             "created_rev": self.rev,
             "name_is_description": int(fields.flag("name_is_description")),
             "general_knowledge_names": json.dumps(general)},
        )  # fmt: skip
        if not self.problems.total:
            add_aliases(self.db, entity_id, names)

    def _cited_sources(self, fields: Fields) -> list[str]:
        """A fact's or milestone's `source: id` or `sources: [a, b]` (exactly one of them),
        checked."""
        if fields.has("source") == fields.has("sources"):
            fields.refused(
                "sources",
                InvalidInput(
                    "source와 sources 중 하나만 써야 합니다", "give either source or sources"
                ),
            )
            return []
        if fields.has("source"):
            source = self._source_ref(fields)
            return [source] if source else []
        listed = fields.text_list("sources")
        if not listed or len(set(listed)) != len(listed):
            fields.refused(
                "sources",
                InvalidInput(
                    "서로 다른 출처 id의 목록이어야 합니다", "must be a list of distinct source ids"
                ),
            )
        for index, source in enumerate(listed):
            if source not in self.sources:
                fields.refused(
                    f"sources[{index}]",
                    _unknown("source", source),
                )
        return listed

    def _value(self, entity_id: str, attribute: Attribute, fields: Fields) -> dict[str, Any]:
        """The value columns of a fact, read from the one key its attribute's type names."""
        value_type = attribute.value_type
        row: dict[str, Any] = {}
        if value_type == "text":
            row["value_text"] = fields.text("text", FACT_TEXT_MAX, "값", "value", required=True)
        elif value_type == "date":
            row.update(
                date_columns(
                    fields.date("date"),
                    ("value_date_text", "value_date_edtf", "value_date_precision"),
                )
            )
        elif value_type == "entity":
            linked = self._reference(fields, "entity", self.entity_items, "entity", required=True)
            if linked == entity_id:
                fields.refused(
                    "entity",
                    InvalidInput(
                        f"{entity_id}의 {attribute.label_ko}을(를) 자기 자신으로 할 수 없습니다.",
                        f"{entity_id} cannot be its own {attribute.label_en}.",
                    ),
                )
            row["value_entity"] = linked
        else:
            kinds: type | tuple[type, ...] = (
                str | int if value_type == "money" else str | int | float
            )
            raw = fields.raw(value_type, kinds, required=True)
            try:
                if isinstance(raw, str | int | float):
                    shown = raw if isinstance(raw, str) else _number_digits(raw)
                    if value_type == "money":
                        row["value_money"] = parse_money(attribute, shown)
                    else:
                        row["value_number"], row["unit"] = parse_number(
                            attribute, shown, fields.item.get("unit")
                        )
            except InvalidInput as exc:
                fields.refused(value_type, exc)
        return row

    def _fact(self, entity_id: str, fields: Fields) -> None:
        attribute = self._reference(fields, "attr", self.attributes, "attribute")
        sources = self._cited_sources(fields)
        if attribute is None:
            if not fields.has("attr"):
                fields.refused(
                    "attr", InvalidInput("속성이 필요합니다", "an attribute is required")
                )
            return
        attr = self.attributes[attribute]
        present = [key for key in VALUE_KEYS if key in fields.item]
        if present != [attr.value_type]:
            fields.refused(
                attr.value_type,
                InvalidInput(
                    f"속성 {attribute}의 값은 {attr.value_type} 하나여야 합니다 (있는 값: {present})",
                    f"the attribute {attribute} takes one {attr.value_type} value, got {present}",
                ),
            )
            return
        unit, text_en = fields.raw("unit", str), fields.raw("text_en", str)
        try:
            unit, text_en = value_extras(attr, unit, text_en)
        except InvalidInput as exc:
            fields.refused("unit" if unit is not None else "text_en", exc)
        row: dict[str, Any] = {
            "entity_id": entity_id,
            "attribute": attribute,
            "value_text_en": text_en,
            "unit": unit,
            **self._value(entity_id, attr, fields),
            "rank": fields.checked("rank", checked_rank) or "normal",
            "source_id": sources[0] if sources else None,
            "created_rev": self.rev,
            "confidence": fields.checked("confidence", one_of, CONFIDENCES, "신뢰도", "confidence"),
            "approximate": int(fields.flag("approximate")),
            "speaker": self._reference(fields, "speaker", self.entity_items, "entity"),
            "status": fields.checked("status", one_of, FACT_STATUSES, "상태", "status"),
        }
        row["role_ko"], row["role_en"] = fields.bilingual("role", NAME_MAX, "역할", "role")
        row["note_ko"], row["note_en"] = fields.bilingual("note", FACT_TEXT_MAX, "설명", "note")
        qualifiers = {key: fields.date(key, required=False) for key in QUALIFIER_KEYS}
        row["qualifiers"] = json.dumps(
            {key: _date_json(when) for key, when in qualifiers.items() if when is not None},
            ensure_ascii=False,
        )
        self._insert_cited(FACTS, row, sources)

    def _insert_cited(self, cited: Cited, row: dict[str, Any], sources: list[str]) -> None:
        """Insert a fact or milestone and the link rows of its sources after the first."""
        row_id = self._insert(cited.table, row)
        for link in link_rows(cited, row_id, sources):
            self._insert(cited.links, link)

    def _milestone(self, entity_id: str, fields: Fields) -> None:
        title = fields.item.get("title")
        if isinstance(title, dict) or title is None:
            title_fields = fields.inner("title", _BILINGUAL_KEYS)
            title_ko = title_fields.text("ko", TITLE_MAX, "제목", "title", required=True)
            title_en = title_fields.text("en", TITLE_MAX, "영어 제목", "English title")
        else:
            title_ko, title_en = (
                fields.text("title", TITLE_MAX, "제목", "title", required=True),
                None,
            )
        sources = self._cited_sources(fields)
        self._insert_cited(
            MILESTONES,
            {"entity_id": entity_id, "title_ko": title_ko, "title_en": title_en,
             **date_columns(fields.date("date"), MILESTONE_DATE_COLUMNS),
             "status": fields.checked("status", checked_status) or "planned",
             "source_id": sources[0] if sources else None, "created_rev": self.rev},
            sources,
        )  # fmt: skip


def load_dataset(
    db: sqlite_utils.Database,
    data: dict[str, Any],
    digest: str,
    *,
    actor: str = "dataset",
    index: bool = True,
    progress: Progress | None = None,
) -> int:
    """Load a data set into an empty store as one revision; the caller owns the transaction.

    Raises `DatasetError` listing every problem of the file (then nothing is kept once the
    caller rolls back). `index=False` skips the search documents, for a scratch store that
    is only compared row by row (an import's or an upgrade's) and never searched.
    """
    loader = _Loader(db, data, progress)
    revision = record_revision(
        db,
        actor=actor,
        action="dataset.load",
        reason="bundled data set",
        summary=f"data set version {loader.version} ({json.dumps(loader.counts())}),"
        f" sha256 {digest[:12]}",
        changes=[],
    )
    loader.load(revision)
    db["meta"].insert_all(
        [{"key": "dataset_version", "value": str(loader.version)},
         {"key": "dataset_sha256", "value": digest}],
        replace=True,
    )  # fmt: skip
    if index:
        rebuild_search(db)
    return revision


# --- Export ------------------------------------------------------------------------------


def _date_out(text: str | None, edtf: str | None, precision: str | None) -> dict[str, Any]:
    return {"text": text, "edtf": edtf, "precision": precision}


def _bilingual_out(ko: str | None, en: str | None) -> dict[str, str] | None:
    if ko is None and en is None:
        return None
    return {k: v for k, v in (("ko", ko), ("en", en)) if v is not None}


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None, so exports stay as short as hand-written files."""
    return {k: v for k, v in item.items() if v is not None}


def export_dataset(db: sqlite_utils.Database) -> dict[str, Any]:
    """The whole store in the data set format, in a stable order."""
    meta = {row["key"]: row["value"] for row in db.query("SELECT * FROM meta")}
    version = meta.get("dataset_version")
    sources = []
    for s in db.query("SELECT * FROM sources ORDER BY rowid"):
        published = _date_out(s["published_text"], s["published_edtf"], s["published_precision"])
        if s["published_note"]:
            published["note"] = s["published_note"]
        if json.loads(s["published_confirmed_by"]):
            published["confirmed_by"] = json.loads(s["published_confirmed_by"])
        sources.append(
            _compact({"id": s["id"], "file": s["file"], "publisher": s["publisher"],
                      "publisher_en": s["publisher_en"], "author": s["author"], "title": s["title"],
                      "title_en": s["title_en"], "url": s["url"], "published": published})
        )  # fmt: skip
    attributes = [
        {"id": a["id"], "ko": a["label_ko"], "en": a["label_en"], "type": a["value_type"]}
        for a in db.query("SELECT * FROM attributes ORDER BY rowid")
    ]
    return {
        "version": int(version) if version and version.isdigit() else version,
        "sources": sources,
        "attributes": attributes,
        "entities": [
            _export_entity(db, e) for e in db.query("SELECT * FROM entities ORDER BY rowid")
        ],
    }


def _export_entity(db: sqlite_utils.Database, e: dict[str, Any]) -> dict[str, Any]:
    own = {e["name_ko"], e["name_en"], e["acronym"]}
    aliases = [
        a["alias"]
        for a in db.query(
            "SELECT alias FROM aliases WHERE entity_id = ? AND kind = 'alias' ORDER BY id",
            [e["id"]],
        )
        if a["alias"] not in own
    ]
    rows = list(db.query("SELECT * FROM facts WHERE entity_id = ? ORDER BY id", [e["id"]]))
    further = further_sources(db, [f["id"] for f in rows], FACTS)
    facts = [_export_fact(f, further.get(f["id"], [])) for f in rows]
    dated = list(db.query("SELECT * FROM milestones WHERE entity_id = ? ORDER BY id", [e["id"]]))
    further = further_sources(db, [m["id"] for m in dated], MILESTONES)
    milestones = [
        {
            "title": _bilingual_out(m["title_ko"], m["title_en"]),
            "date": _date_out(m["date_text"], m["date_edtf"], m["precision"]),
            "status": m["status"],
            **_sources_out(m["source_id"], further.get(m["id"], [])),
        }
        for m in dated
    ]
    return _compact(
        {
            "id": e["id"],
            "class": e["class"],
            "kind": e["kind"],
            "ko": e["name_ko"],
            "en": e["name_en"],
            "acronym": e["acronym"],
            "name_is_description": True if e["name_is_description"] else None,
            "general_knowledge_names": json.loads(e["general_knowledge_names"]) or None,
            "aliases": aliases or None,
            "summary": _bilingual_out(e["summary_ko"], e["summary_en"]),
            "source": e["source_id"],
            "facts": facts or None,
            "milestones": milestones or None,
        }
    )


def _export_fact(f: dict[str, Any], further: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"attr": f["attribute"]}
    if f["value_text"] is not None:
        out["text"] = f["value_text"]
    elif f["value_money"] is not None:
        out["money"] = format_won_ko(f["value_money"])
    elif f["value_number"] is not None:
        number = f["value_number"]
        out["number"] = int(number) if float(number).is_integer() else number
    elif f["value_date_text"] is not None:
        out["date"] = _date_out(
            f["value_date_text"], f["value_date_edtf"], f["value_date_precision"]
        )
    else:
        out["entity"] = f["value_entity"]
    out["text_en"] = f["value_text_en"]
    out["unit"] = f["unit"]
    out["approximate"] = True if f["approximate"] else None
    out["role"] = _bilingual_out(f["role_ko"], f["role_en"])
    out.update(json.loads(f["qualifiers"]))
    out["note"] = _bilingual_out(f["note_ko"], f["note_en"])
    out["speaker"] = f["speaker"]
    out["status"] = f["status"]
    if f["rank"] != "normal":
        out["rank"] = f["rank"]
    out["confidence"] = f["confidence"]
    out.update(_sources_out(f["source_id"], further))
    return _compact(out)


def _sources_out(first: str, further: list[str]) -> dict[str, Any]:
    """`source: id` for one source, `sources: [a, b]` for several, as the loader reads them."""
    return {"sources": [first, *further]} if further else {"source": first}


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML as people edit it: Korean unescaped, keys in the order written."""
    return write_yaml(data)
