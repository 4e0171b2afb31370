"""The bundled data set: reading, validating and loading it, and exporting a store back.

The YAML format (see `data/README.md`) is the same in both directions, so a store can
be exported, reviewed or edited by hand, and loaded again without loss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import sqlite_utils
import yaml

from store.dates import FuzzyDate
from store.errors import InvalidInput
from store.fact_sources import further_sources
from store.hangul import choseong, name_key, nfc
from store.model import CONFIDENCES, FACT_STATUSES
from store.money import format_won_ko, parse_won
from store.revisions import record_revision
from store.search_index import rebuild_search

DATASET_PATH = Path(__file__).parent / "data" / "dataset.yaml"
VALUE_KEYS = {
    "text": "text",
    "money": "money",
    "number": "number",
    "date": "date",
    "entity": "entity",
}
QUALIFIER_KEYS = ("start", "end", "as_of")
NAME_FIELDS = ("ko", "en", "acronym")


class DatasetError(ValueError):
    """A data set that does not follow the format; the message names the offending item."""


def read_dataset(path: Path = DATASET_PATH) -> tuple[dict[str, Any], str]:
    """Parse a data set file; returns the data and the file's SHA-256."""
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    if not isinstance(data, dict) or "entities" not in data:
        raise DatasetError(f"{path}: not a briefbot data set (no 'entities')")
    return data, hashlib.sha256(raw).hexdigest()


def _date_parts(where: str, value: Any) -> FuzzyDate:
    if not isinstance(value, dict) or "text" not in value or "precision" not in value:
        raise DatasetError(f"{where}: a date needs text, edtf and precision, got {value!r}")
    try:
        return FuzzyDate.from_edtf(str(value["text"]), value.get("edtf"), value["precision"])
    except InvalidInput as exc:
        raise DatasetError(f"{where}: {exc.en}") from exc


def _date_json(value: FuzzyDate) -> dict[str, Any]:
    return {"text": value.text, "edtf": value.edtf, "precision": value.precision}


def _bilingual(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        return nfc(value), None
    return (
        nfc(value["ko"]) if value.get("ko") else None,
        nfc(value["en"]) if value.get("en") else None,
    )


class _Loader:
    """Validates and inserts one data set; every problem names the item it is in."""

    def __init__(self, db: sqlite_utils.Database, data: dict[str, Any], revision: int) -> None:
        self.db = db
        self.data = data
        self.rev = revision
        self.sources = {s["id"] for s in data.get("sources", [])}
        self.entities = {e["id"] for e in data.get("entities", [])}
        self.attributes: dict[str, str] = {}

    def _source(self, where: str, item: dict[str, Any]) -> str:
        source = item.get("source")
        if source not in self.sources:
            raise DatasetError(f"{where}: unknown or missing source {source!r}")
        return source

    def _fact_sources(self, where: str, fact: dict[str, Any]) -> list[str]:
        """A fact's `source: id` or `sources: [a, b]` (exactly one of them), checked."""
        if ("source" in fact) == ("sources" in fact):
            raise DatasetError(f"{where}: give either source or sources, got {sorted(fact)}")
        if "source" in fact:
            return [self._source(where, fact)]
        listed = fact["sources"]
        if not isinstance(listed, list) or not listed or len(set(listed)) != len(listed):
            raise DatasetError(f"{where}: sources is a list of distinct source ids, got {listed!r}")
        for source in listed:
            self._source(where, {"source": source})
        return listed

    def _choice(self, where: str, item: dict[str, Any], key: str, allowed: tuple[str, ...]) -> Any:
        value = item.get(key)
        if value is not None and value not in allowed:
            raise DatasetError(f"{where}: {key} is one of {', '.join(allowed)}, got {value!r}")
        return value

    def load(self) -> None:
        for i, source in enumerate(self.data.get("sources", [])):
            self._insert_source(f"sources[{i}]", source)
        for attr in self.data.get("attributes", []):
            self.attributes[attr["id"]] = attr["type"]
            self.db["attributes"].insert(
                {"id": attr["id"], "label_ko": attr["ko"], "label_en": attr["en"],
                 "value_type": attr["type"], "created_rev": self.rev}
            )  # fmt: skip
        entities = self.data["entities"]
        if len(self.entities) != len(entities):
            raise DatasetError("entities: ids are not unique")
        for i, entity in enumerate(entities):
            self._insert_entity(f"entities[{i}] ({entity.get('id')})", entity)
        for i, entity in enumerate(entities):
            where = f"entities[{i}] ({entity['id']})"
            for j, fact in enumerate(entity.get("facts") or []):
                self._insert_fact(f"{where}.facts[{j}]", entity["id"], fact)
            for j, milestone in enumerate(entity.get("milestones") or []):
                self._insert_milestone(f"{where}.milestones[{j}]", entity["id"], milestone)

    def _insert_source(self, where: str, source: dict[str, Any]) -> None:
        published = _date_parts(f"{where}.published", source.get("published"))
        confirmed_by = source["published"].get("confirmed_by") or []
        for cited in confirmed_by:
            self._source(f"{where}.published.confirmed_by", {"source": cited})
        self.db["sources"].insert(
            {
                "id": source["id"],
                "publisher": nfc(source["publisher"]),
                "publisher_en": source.get("publisher_en"),
                "author": source.get("author"),
                "title": nfc(source["title"]),
                "url": source.get("url"),
                "file": source.get("file"),
                "published_text": published.text,
                "published_edtf": published.edtf,
                "published_precision": published.precision,
                "published_earliest": published.earliest and published.earliest.isoformat(),
                "published_latest": published.latest and published.latest.isoformat(),
                "published_note": source.get("published", {}).get("note"),
                "published_confirmed_by": json.dumps(confirmed_by),
                "created_rev": self.rev,
            }
        )

    def _insert_entity(self, where: str, entity: dict[str, Any]) -> None:
        summary_ko, summary_en = _bilingual(entity.get("summary"))
        general = entity.get("general_knowledge_names") or []
        if not set(general) <= set(NAME_FIELDS):
            raise DatasetError(
                f"{where}: general_knowledge_names lists {NAME_FIELDS}, got {general}"
            )
        self.db["entities"].insert(
            {
                "id": entity["id"],
                "class": entity["class"],
                "kind": entity["kind"],
                "name_ko": nfc(entity["ko"]),
                "name_en": entity.get("en"),
                "acronym": entity.get("acronym"),
                "summary_ko": summary_ko,
                "summary_en": summary_en,
                "source_id": self._source(where, entity),
                "created_rev": self.rev,
                "name_is_description": int(bool(entity.get("name_is_description"))),
                "general_knowledge_names": json.dumps(general),
            }
        )
        add_aliases(
            self.db,
            entity["id"],
            [
                ("name_ko", entity["ko"]),
                ("name_en", entity.get("en")),
                ("acronym", entity.get("acronym")),
            ]
            + [("alias", a) for a in entity.get("aliases") or []],
        )

    def _insert_fact(self, where: str, entity_id: str, fact: dict[str, Any]) -> None:
        attr = fact.get("attr")
        if attr not in self.attributes:
            raise DatasetError(f"{where}: unknown attribute {attr!r}")
        value_type = self.attributes[attr]
        present = [k for k in VALUE_KEYS if k in fact]
        if present != [value_type]:
            raise DatasetError(
                f"{where}: attribute {attr!r} takes a {value_type} value, got {present}"
            )
        sources = self._fact_sources(where, fact)
        speaker = fact.get("speaker")
        if speaker is not None and speaker not in self.entities:
            raise DatasetError(f"{where}: speaker is an unknown entity {speaker!r}")
        row: dict[str, Any] = {
            "entity_id": entity_id,
            "attribute": attr,
            "value_text_en": fact.get("text_en"),
            "unit": fact.get("unit"),
            "rank": fact.get("rank", "normal"),
            "source_id": sources[0],
            "created_rev": self.rev,
            "confidence": self._choice(where, fact, "confidence", CONFIDENCES),
            "approximate": int(bool(fact.get("approximate"))),
            "speaker": speaker,
            "status": self._choice(where, fact, "status", FACT_STATUSES),
        }
        value = fact[value_type]
        if value_type == "text":
            row["value_text"] = nfc(str(value))
        elif value_type == "money":
            try:
                row["value_money"] = parse_won(str(value))
            except InvalidInput as exc:
                raise DatasetError(f"{where}: {exc.en}") from exc
        elif value_type == "number":
            row["value_number"] = value
        elif value_type == "date":
            parsed = _date_parts(f"{where}.date", value)
            row.update(value_date_text=parsed.text, value_date_edtf=parsed.edtf,
                       value_date_precision=parsed.precision)  # fmt: skip
        else:
            if value not in self.entities:
                raise DatasetError(f"{where}: links to unknown entity {value!r}")
            row["value_entity"] = value
        row["role_ko"], row["role_en"] = _bilingual(fact.get("role"))
        row["note_ko"], row["note_en"] = _bilingual(fact.get("note"))
        qualifiers = {
            key: _date_json(_date_parts(f"{where}.{key}", fact[key]))
            for key in QUALIFIER_KEYS
            if fact.get(key)
        }
        row["qualifiers"] = json.dumps(qualifiers, ensure_ascii=False)
        fact_id = self.db["facts"].insert(row).last_pk
        self.db["fact_sources"].insert_all(
            {"fact_id": fact_id, "position": position, "source_id": source}
            for position, source in enumerate(sources[1:], start=1)
        )

    def _insert_milestone(self, where: str, entity_id: str, milestone: dict[str, Any]) -> None:
        title_ko, title_en = _bilingual(milestone.get("title"))
        if not title_ko:
            raise DatasetError(f"{where}: a milestone needs a Korean title")
        when = _date_parts(f"{where}.date", milestone.get("date"))
        self.db["milestones"].insert(
            {
                "entity_id": entity_id,
                "title_ko": title_ko,
                "title_en": title_en,
                "date_text": when.text,
                "date_edtf": when.edtf,
                "precision": when.precision,
                "earliest": when.earliest and when.earliest.isoformat(),
                "latest": when.latest and when.latest.isoformat(),
                "status": milestone.get("status", "planned"),
                "source_id": self._source(where, milestone),
                "created_rev": self.rev,
            }
        )


def add_aliases(
    db: sqlite_utils.Database, entity_id: str, names: list[tuple[str, str | None]]
) -> None:
    """Insert names as aliases of an entity; a name equal (by `name_key`) to one it has is skipped."""
    for kind, name in names:
        if not name:
            continue
        key = name_key(name)
        if (
            not key
            or db.execute(
                "SELECT 1 FROM aliases WHERE entity_id = ? AND key = ?", [entity_id, key]
            ).fetchone()
        ):
            continue
        db["aliases"].insert(
            {"entity_id": entity_id, "alias": nfc(name), "kind": kind, "key": key,
             "choseong": choseong(name)}
        )  # fmt: skip


def load_dataset(
    db: sqlite_utils.Database,
    data: dict[str, Any],
    digest: str,
    *,
    actor: str = "dataset",
    index: bool = True,
) -> int:
    """Load a data set into an empty store as one revision; the caller owns the transaction.

    `index=False` skips the search documents, for a scratch store that is only compared
    row by row (an import's or an upgrade's) and never searched.
    """
    counts = {k: len(data.get(k) or []) for k in ("sources", "attributes", "entities")}
    revision = record_revision(
        db,
        actor=actor,
        action="dataset.load",
        reason="bundled data set",
        summary=f"data set version {data.get('version')} ({json.dumps(counts)}), sha256 {digest[:12]}",
        changes=[],
    )
    _Loader(db, data, revision).load()
    db["meta"].insert_all(
        [{"key": "dataset_version", "value": str(data.get("version"))},
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
                      "url": s["url"], "published": published})
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
    further = further_sources(db, [f["id"] for f in rows])
    facts = [_export_fact(f, further.get(f["id"], [])) for f in rows]
    milestones = [
        {
            "title": _bilingual_out(m["title_ko"], m["title_en"]),
            "date": _date_out(m["date_text"], m["date_edtf"], m["precision"]),
            "status": m["status"],
            "source": m["source_id"],
        }
        for m in db.query("SELECT * FROM milestones WHERE entity_id = ? ORDER BY id", [e["id"]])
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
    if further:
        out["sources"] = [f["source_id"], *further]
    else:
        out["source"] = f["source_id"]
    return _compact(out)


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML as people edit it: Korean unescaped, keys in the order written."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
