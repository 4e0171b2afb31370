"""Full-text search: Korean and Latin words of any length, every word required."""

from __future__ import annotations

import unicodedata

import pytest

from bot.briefing.lists import SEARCH_PAGE_SIZE, search_reply
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


def test_a_word_is_found_only_where_it_stands_whole(store: FactStore) -> None:
    """Issue 12: "GPU" is not in "인재양성 … linking public and private …" (linkin*g pu*blic)."""
    summit = "ai-strategy-summit"
    assert summit not in _ids(store, "GPU")
    assert "sovereign-ai-foundation-model" in _ids(store, "GPU")  # 그래픽처리장치(GPU)
    assert summit not in _ids(store, "gp")  # nor two letters across the boundary
    assert summit in _ids(store, "linking")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2136억원", "sovereign-ai-foundation-model"),  # the text says "2,136억 원"
        ("연구거점", "national-ai-research-lab"),
        ("gpu", "sovereign-ai-foundation-model"),  # case-folded
        (unicodedata.normalize("NFD", "인재양성"), "ai-strategy-summit"),
    ],
)
def test_korean_spacing_thousands_commas_case_and_nfd_still_match(
    store: FactStore, query: str, expected: str
) -> None:
    assert expected in _ids(store, query)


def test_hits_carry_what_a_reader_needs_to_trust_them(bundled_store: FactStore) -> None:
    """A milestone hit has its date and status, a fact hit its statement and all its
    sources, a person hit their roles, and every snippet its sources."""
    contest = bundled_store.search("대국민 콘테스트").hits[0]
    snippet = next(s for s in contest.snippets if s.field == "milestone")
    assert snippet.milestone is not None
    assert snippet.milestone.date.label("ko") == "2025년 12월 말"
    assert snippet.milestone.status == "unknown"
    assert snippet.sources == (snippet.milestone.source,)

    motif = next(
        h for h in bundled_store.search("모티프 17개").hits if h.entity.id.startswith("sov")
    )
    fact_snippet = next(s for s in motif.snippets if s.fact is not None)
    assert len(fact_snippet.sources) > 1 and fact_snippet.sources == fact_snippet.fact.sources
    assert set(motif.sources) >= set(fact_snippet.sources)

    person = next(h for h in bundled_store.search("배경훈").hits if h.entity.id == "bae-kyung-hoon")
    roles = [(f.subject.id, f.role_ko) for f in person.roles]
    assert ("msit", "부총리 겸 장관 (과학기술부총리)") in roles
    assert person.sources  # the name cites the entity's source


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_a_page_asked_of_the_store_answers_as_the_page_of_every_hit(
    store: FactStore, locale: str
) -> None:
    """The briefing asks the store for one page's hits only (their texts are most of a
    search's time): every page reads the same as when cut from all the hits, and a page
    past the last is refused the same way."""
    everything = store.search("AI")
    pages = -(-everything.total // SEARCH_PAGE_SIZE)
    assert everything.total == len(everything.hits) and pages > 3
    for page in (1, 2, pages, pages + 1):
        first = (page - 1) * SEARCH_PAGE_SIZE
        one_page = store.search("AI", first=first, count=SEARCH_PAGE_SIZE)
        assert one_page.total == everything.total
        assert len(one_page.hits) == len(everything.hits[first : first + SEARCH_PAGE_SIZE])
        assert search_reply(one_page, page, locale) == search_reply(everything, page, locale)
