"""Name resolution, Korean first: exact > prefix > substring > initial consonants > fuzzy."""

from __future__ import annotations

import unicodedata

import pytest

from store.fact_store import FactStore


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("ETRI", "etri"),
        ("etri", "etri"),
        ("한국전자통신연구원", "etri"),
        ("Electronics and Telecommunications Research Institute", "etri"),
        ("과기정통부", "msit"),
        ("과학기술정보통신부", "msit"),
        ("MSIT", "msit"),
        ("카이스트", "kaist"),
        ("국가 AI 연구거점", "national-ai-research-lab"),
        ("국가AI연구거점", "national-ai-research-lab"),
        ("National AI Research Lab", "national-ai-research-lab"),
    ],
)
def test_exact_names_aliases_and_acronyms_resolve(
    store: FactStore, name: str, entity_id: str
) -> None:
    resolution = store.resolve(name)
    assert resolution.entity is not None and resolution.entity.id == entity_id
    assert resolution.candidates[0].tier in ("id", "exact")


@pytest.mark.parametrize(
    ("acronym", "not_this"), [("KIST", "kisti"), ("KISTI", "kist"), ("KT", "kaist")]
)
def test_acronyms_do_not_collide(store: FactStore, acronym: str, not_this: str) -> None:
    resolution = store.resolve(acronym)
    assert resolution.entity is not None
    assert resolution.entity.id == acronym.lower()
    assert resolution.entity.id != not_this


def test_hangul_in_nfd_resolves_like_nfc(store: FactStore) -> None:
    decomposed = unicodedata.normalize("NFD", "한국전자통신연구원")
    assert decomposed != "한국전자통신연구원"
    assert store.resolve(decomposed).entity.id == "etri"


def test_partial_korean_names_resolve(store: FactStore) -> None:
    resolution = store.resolve("연구거점")
    assert resolution.entity is not None and resolution.entity.id == "national-ai-research-lab"
    assert resolution.candidates[0].tier == "substring"


def test_a_prefix_shared_by_two_entities_is_ambiguous(store: FactStore) -> None:
    resolution = store.resolve("KIS")
    assert resolution.entity is None
    assert {c.entity.id for c in resolution.candidates} >= {"kist", "kisti"}


def test_initial_consonants_find_korean_names(store: FactStore) -> None:
    ids = [c.entity.id for c in store.complete("ㅇㄱㄱㅈ")]
    assert "national-ai-research-lab" in ids


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("연구거졈", "national-ai-research-lab"),
        ("ETIR", "etri"),
        ("과기정통뷰", "msit"),
        ("Upstge", "upstage"),
    ],
)
def test_typos_get_did_you_mean_but_never_resolve(store: FactStore, typo: str, meant: str) -> None:
    resolution = store.resolve(typo)
    assert resolution.entity is None
    assert resolution.candidates and resolution.candidates[0].entity.id == meant
    assert resolution.candidates[0].tier == "fuzzy"


def test_unknown_names_resolve_to_nothing(store: FactStore) -> None:
    resolution = store.resolve("존재하지않는기관이름")
    assert resolution.entity is None


def test_class_filter_points_to_the_right_kind_of_entity(store: FactStore) -> None:
    resolution = store.resolve("KAIST", classes=["program"])
    assert resolution.entity is None
    assert resolution.elsewhere is not None and resolution.elsewhere.id == "kaist"


def test_autocomplete_ranks_exact_before_prefix_and_stays_within_25(store: FactStore) -> None:
    choices = store.complete("KIST")
    assert [c.entity.id for c in choices[:2]] == ["kist", "kisti"]
    assert len(store.complete("a")) <= 25
    assert store.complete("   ") == []
