"""Datasette over a real store file, through Datasette's own test client: the shipped
metadata (facets, labels, hidden FTS tables), the canned queries, and the plugin that
brings the store's Korean search into SQL. Reading never changes the file."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasette.app import Datasette

from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "datasette" / "metadata.yaml"
PLUGINS = ROOT / "datasette" / "plugins"


def _digest(path: Path) -> str:
    files = [path, path.with_name(path.name + "-wal")]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


@pytest.fixture
async def datasette(store: FactStore) -> AsyncIterator[Datasette]:
    """Datasette serving the test's store file (named briefbot.db, as the metadata expects),
    with one edit in its history; the file must be byte-identical after the test."""
    assert store.path.name == "briefbot.db"
    store.set_fact(
        entity="ETRI", attribute="note", value="데이터셋 시험", source="hellot-2025-08-etri-forum",
        actor="console:test", add=True, reason="시험",
    )  # fmt: skip
    before = _digest(store.path)
    served = Datasette(
        [str(store.path)], metadata=yaml.safe_load(METADATA.read_text()), plugins_dir=str(PLUGINS)
    )
    await served.invoke_startup()
    yield served
    assert _digest(store.path) == before, "Datasette only reads"


async def _json(datasette: Datasette, path: str) -> Any:
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_tables_are_titled_faceted_and_fts_shadows_hidden(datasette: Datasette) -> None:
    database = await _json(datasette, "/briefbot.json")
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    for index in ("search_trigram", "search_chars", "alias_trigram"):
        assert {f"{index}_data", f"{index}_idx", f"{index}_docsize", f"{index}_config"} <= hidden
    assert "search_docs" in hidden, "hidden by the metadata: the search query reads it"
    assert not hidden & {"facts", "entities", "milestones", "sources", "revisions"}
    facts = await _json(datasette, "/briefbot/readable_facts.json?_size=0")
    assert set(facts["facet_results"]) == {"class", "kind", "attribute_label", "rank", "publisher"}
    assert facts["is_view"]
    milestones = await _json(datasette, "/briefbot/readable_milestones.json?_size=0")
    assert set(milestones["facet_results"]) == {"status", "precision", "publisher"}
    page = await datasette.client.get("/briefbot/readable_facts")
    assert "사실 · Current facts" in page.text


async def test_foreign_keys_are_labelled_by_name(datasette: Datasette) -> None:
    rows = await _json(datasette, "/briefbot/milestones.json?_shape=array&_labels=on&id=5")
    assert rows[0]["entity_id"] == {
        "value": "sovereign-ai-foundation-model",
        "label": "독자 AI 파운데이션 모델 프로젝트",
    }


async def test_search_is_the_stores_own(datasette: Datasette) -> None:
    two_syllables = await _json(datasette, "/briefbot/search.json?_shape=array&q=거점")
    assert two_syllables[0]["entity_id"] == "national-ai-research-lab"
    assert two_syllables[0]["rank"] == 1 and "거점" in two_syllables[0]["matches"]
    both_words = await _json(datasette, "/briefbot/search.json?_shape=array&q=KAIST+946억")
    assert [r["entity_id"] for r in both_words] == ["national-ai-research-lab"]
    refused = await _json(datasette, "/briefbot/search.json?_shape=array&q=!!")
    assert [r["entity_id"] for r in refused] == [None]
    assert "글자나 숫자가 없습니다" in refused[0]["message"]
    assert "no letters or digits" in refused[0]["message"]
    assert await _json(datasette, "/briefbot/search.json?_shape=array&q=") == []


async def test_milestones_in_a_window_say_surely_or_possibly(datasette: Datasette) -> None:
    query = "/briefbot/milestones_in_window.json?_shape=array&start=2025-12-01&end={end}"
    to_christmas = await _json(datasette, query.format(end="2025-12-25"))
    assert [(r["milestone_id"], r["surely"]) for r in to_christmas] == [(4, 0), (5, 0)]
    december = await _json(datasette, query.format(end="2025-12-31"))
    assert [(r["milestone_id"], r["surely"]) for r in december] == [(4, 0), (5, 1)]
    assert december[1]["date"] == "12월 말" and december[1]["publisher"] == "바이라인네트워크"
    assert december[1]["further_sources"] == 0


async def test_history_of_an_entity_by_any_name(datasette: Datasette) -> None:
    by_acronym = await _json(datasette, "/briefbot/entity_history.json?_shape=array&entity=ETRI")
    assert [r["revision"] for r in by_acronym] == [2, 1]
    edit = by_acronym[0]
    assert (edit["actor"], edit["reason"]) == ("console:test", "시험")
    assert edit["changed_table"] == "facts"
    assert '"데이터셋 시험"' in edit["after"] and edit["before"] is None
    by_name = await _json(
        datasette, "/briefbot/entity_history.json?_shape=array&entity=한국전자통신연구원"
    )
    assert by_name == by_acronym
    assert await _json(datasette, "/briefbot/entity_history.json?_shape=array&entity=없음") == []
