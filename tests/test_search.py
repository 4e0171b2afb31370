"""Full-text search: Korean and Latin words of any length, every word required."""

from __future__ import annotations

import unicodedata

import pytest

from store.errors import InvalidInput
from store.fact_store import FactStore


def _ids(store: FactStore, query: str) -> list[str]:
    return [hit.entity.id for hit in store.search(query).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("점", "national-ai-research-lab"),  # one syllable
        ("거점", "national-ai-research-lab"),  # two syllables: trigram alone finds nothing
        ("평가", "sovereign-ai-foundation-model"),
        ("연구거점", "national-ai-research-lab"),  # three or more
        ("대국민 콘테스트", "sovereign-ai-foundation-model"),
        ("AI", "national-ai-research-lab"),  # two Latin letters
        ("Vector", "vector-institute"),
        ("8496", "kisti"),  # a number in a fact
    ],
)
def test_finds_words_of_any_length(store: FactStore, query: str, expected: str) -> None:
    assert expected in _ids(store, query)


def test_name_hits_rank_first(store: FactStore) -> None:
    assert _ids(store, "거점")[0] == "national-ai-research-lab"


def test_every_word_is_required(store: FactStore) -> None:
    both = set(_ids(store, "KAIST 946억"))
    assert both == {"national-ai-research-lab"}
    assert set(_ids(store, "KAIST")) > both


def test_nfd_queries_match(store: FactStore) -> None:
    assert _ids(store, unicodedata.normalize("NFD", "거점")) == _ids(store, "거점")


def test_snippets_show_where_the_words_are(store: FactStore) -> None:
    hit = store.search("946억").hits[0]
    assert any("946" in s.text for s in hit.snippets)


@pytest.mark.parametrize("query", ["'; DROP TABLE facts; --", 'KAIST"', "NEAR(a b)", "a* OR b"])
def test_query_syntax_is_never_interpreted(store: FactStore, query: str) -> None:
    store.search(query)  # must not raise an FTS syntax error
    assert store.stats()["tables"]["facts"] > 0


@pytest.mark.parametrize("query", ["", "   ", "!!!", "x" * 201])
def test_empty_or_oversized_queries_are_explained(store: FactStore, query: str) -> None:
    with pytest.raises(InvalidInput):
        store.search(query)


def test_nothing_found_is_an_empty_result(store: FactStore) -> None:
    assert store.search("존재하지않는단어조합").hits == []


def test_a_full_rebuild_keeps_the_sync_triggers_and_a_sound_index(store: FactStore) -> None:
    from store.db import write_transaction
    from store.search_index import rebuild_search, reindex_entities

    before = _ids(store, "거점")
    with write_transaction(store.db):
        rebuild_search(store.db)
    triggers = {
        r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert {"search_docs_ai", "search_docs_ad", "search_docs_au"} <= triggers
    with write_transaction(store.db):
        reindex_entities(store.db, ["national-ai-research-lab"])
    assert store.check() == []
    assert _ids(store, "거점") == before
