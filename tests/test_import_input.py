"""`python -m store import` refuses a bad file as chat refuses a bad edit (issue 18).

Each case once crashed the import with a traceback (a YAML error, a `UnicodeDecodeError`,
a `TypeError` deep in the loader, a 52-second alias bomb) or stored what chat would
refuse (a precision that does not match its EDTF, a string split into one-letter
aliases, a 200,000-character fact). Now each is a `DatasetError` whose problems name
their item, key and line, and the database and WAL are byte-identical.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from store.dataset import DatasetError, dump_yaml, read_dataset
from store.dataset_fields import PROBLEMS_SHOWN
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.importer import scratch_store
from store.yaml_input import UNFOLD_BUDGET
from tests.edit_helpers import file_digests, refused

ROOT = Path(__file__).resolve().parent.parent
DAY = {"text": "2025년 9월 9일", "edtf": "2025-09-09", "precision": "day"}
# A small complete data set: every kind of item and every value type once.
SMALL: dict[str, Any] = {
    "version": 1,
    "sources": [
        {"id": "a-source", "publisher": "매체", "publisher_en": "Outlet", "author": "기자",
         "title": "기사", "url": "https://news.example/1", "published": dict(DAY)},
        {"id": "b-source", "publisher": "매체", "title": "후속 기사",
         "published": {**DAY, "confirmed_by": ["a-source"], "note": "날짜 설명"}},
    ],
    "attributes": [
        {"id": "goal", "ko": "목표", "en": "Goal", "type": "text"},
        {"id": "budget", "ko": "예산", "en": "Budget", "type": "money"},
        {"id": "team_count", "ko": "팀 수", "en": "Teams", "type": "number"},
        {"id": "opened", "ko": "개소일", "en": "Opened", "type": "date"},
        {"id": "partner", "ko": "협력 기관", "en": "Partner", "type": "entity"},
        {"id": "quote", "ko": "발언", "en": "Quote", "type": "text"},
    ],
    "entities": [
        {"id": "program", "class": "program", "kind": "project", "ko": "사업", "en": "Program",
         "acronym": "PG", "aliases": ["프로그램"], "summary": {"ko": "요약", "en": "Summary"},
         "general_knowledge_names": ["acronym"], "source": "a-source",
         "facts": [
             {"attr": "goal", "text": "목표", "text_en": "A goal", "source": "a-source",
              "note": {"ko": "설명", "en": "Note"}, "confidence": "single"},
             {"attr": "budget", "money": "100억원", "sources": ["a-source", "b-source"],
              "start": {"text": "2025년", "edtf": "2025", "precision": "year"}},
             {"attr": "team_count", "number": 5, "unit": "개팀", "approximate": True,
              "rank": "preferred", "source": "a-source"},
             {"attr": "opened", "date": dict(DAY), "source": "a-source", "status": "planned"},
             {"attr": "partner", "entity": "lab", "role": {"ko": "주관", "en": "Lead"},
              "source": "a-source"},
             {"attr": "quote", "text": "할 것", "speaker": "person", "source": "b-source"},
         ],
         "milestones": [
             {"title": {"ko": "평가", "en": "Review"}, "date": dict(DAY), "status": "done",
              "source": "a-source"},
         ]},
        {"id": "lab", "class": "institution", "kind": "research_institute", "ko": "연구소",
         "source": "a-source"},
        {"id": "person", "class": "person", "kind": "person", "ko": "홍길동",
         "name_is_description": True, "source": "b-source"},
    ],
}  # fmt: skip


def _small() -> dict[str, Any]:
    return copy.deepcopy(SMALL)


def _refused_file(data: dict[str, Any]) -> DatasetError:
    """The loader's refusal of `data`, which must come as a `DatasetError`."""
    with pytest.raises(DatasetError) as info:
        scratch_store(data).conn.close()
    return info.value


def test_the_small_data_set_loads_and_round_trips() -> None:
    scratch = scratch_store(_small())
    try:
        assert scratch.execute("SELECT count(*) FROM facts").fetchone()[0] == 6
    finally:
        scratch.conn.close()


def _entity(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return data["entities"][index]


def _fact(data: dict[str, Any], attribute: str) -> dict[str, Any]:
    return next(f for f in _entity(data)["facts"] if f["attr"] == attribute)


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "a number as a name": (
        lambda d: _entity(d).update(ko=123),
        "entities[0] (program).ko",
        "must be text, got the number 123",
    ),
    "a list as a title": (
        lambda d: d["sources"][0].update(title=["a"]),
        "sources[0] (a-source).title",
        "must be text, got a list",
    ),
    "a word as a number": (
        lambda d: _fact(d, "team_count").update(number="abc"),
        "facts[2].number",
        "Teams takes a number, got 'abc'. It must start with a number.",
    ),
    "a flag as a number": (
        lambda d: _fact(d, "team_count").update(number=True),
        "facts[2].number",
        "got the flag true",
    ),
    "a mapping as text": (
        lambda d: _fact(d, "goal").update(text={"a": 1}),
        "facts[0].text",
        "must be text, got a mapping",
    ),
    "a flag as money": (
        lambda d: _fact(d, "budget").update(money=False),
        "facts[1].money",
        "got the flag false",
    ),
    "aliases as one string": (
        lambda d: _entity(d).update(aliases="전자연"),
        "entities[0] (program).aliases",
        "must be a list, got text",
    ),
    "an empty id": (
        lambda d: _entity(d, 1).update(id=""),
        "entities[1].id",
        "An id is lower-case letters",
    ),
    "a NUL in an id": (
        lambda d: _entity(d, 1).update(id="l\x00ab"),
        "entities[1] (l\x00ab).id",
        "An id is lower-case letters",
    ),
    "a kind that is not text": (
        lambda d: _entity(d).update(kind=5),
        "entities[0] (program).kind",
        "must be text, got the number 5",
    ),
    "an unknown kind": (
        lambda d: _entity(d).update(kind="startup"),
        "entities[0] (program).kind",
        "Unknown kind 'startup'",
    ),
    "a class its kind is not": (
        lambda d: _entity(d).update(**{"class": "person"}),
        "entities[0] (program).class",
        "the kind project is of the class program, not person",
    ),
    "a precision its EDTF does not have": (
        lambda d: _entity(d)["milestones"][0]["date"].update(precision="month"),
        "milestones[0].date.edtf",
        "The precision 'month' does not match the EDTF '2025-09-09'",
    ),
    "an open-ended interval": (
        lambda d: _fact(d, "opened")["date"].update(edtf="2025/..", precision="range"),
        "facts[3].date.edtf",
        "open at the end",
    ),
    "a year 0": (
        lambda d: d["sources"][0]["published"].update(edtf="0000", precision="year"),
        "sources[0] (a-source).published.edtf",
        "Years run from 1 to 9999",
    ),
    "a date YAML read by itself": (
        lambda d: d["sources"][0]["published"].update(edtf=__import__("datetime").date(2025, 9, 9)),
        "published.edtf",
        "got the date 2025-09-09 (put it in quotes to make it text)",
    ),
    "a 200,000-character fact": (
        lambda d: _fact(d, "goal").update(text="가" * 200_000),
        "facts[0].text",
        "too long: 200000 characters (at most 1000)",
    ),
    "a link of an entity to itself": (
        lambda d: _fact(d, "partner").update(entity="program"),
        "facts[4].entity",
        "program cannot be its own Partner",
    ),
    "a name another entity has": (
        lambda d: _entity(d, 2).update(aliases=["프로그램"]),
        "entities[2] (person).aliases",
        "'프로그램' is already a name of",
    ),
    "a name with no letters": (
        lambda d: _entity(d).update(acronym="(-)"),
        "entities[0] (program).acronym",
        "has no letters",
    ),
    "an unknown key": (
        lambda d: _entity(d).update(sumary="요약"),
        "entities[0] (program).sumary",
        "unknown key",
    ),
    "an unknown source": (
        lambda d: _fact(d, "goal").update(source="nowhere"),
        "facts[0].source",
        "unknown source 'nowhere'",
    ),
    "a speaker nobody is": (
        lambda d: _fact(d, "quote").update(speaker="nobody"),
        "facts[5].speaker",
        "unknown entity 'nobody'",
    ),
    "a unit on text": (
        lambda d: _fact(d, "goal").update(unit="개"),
        "facts[0].unit",
        "Only numbers take a unit",
    ),
    "an English rendering of money": (
        lambda d: _fact(d, "budget").update(text_en="ten"),
        "facts[1].text_en",
        "Only text values take an English rendering",
    ),
    "a rank nobody knows": (
        lambda d: _fact(d, "goal").update(rank="top"),
        "facts[0].rank",
        "Unknown rank 'top'",
    ),
    "a milestone status nobody knows": (
        lambda d: _entity(d)["milestones"][0].update(status="maybe"),
        "milestones[0].status",
        "Unknown status 'maybe'",
    ),
    "a URL that is not one": (
        lambda d: d["sources"][0].update(url="ftp://example.com/a"),
        "sources[0] (a-source).url",
        "A URL starts with http:// or https://",
    ),
    "a URL twice": (
        lambda d: d["sources"][1].update(url="https://news.example/1"),
        "sources[1] (b-source).url",
        "already registered as a-source",
    ),
    "an id twice": (
        lambda d: _entity(d, 2).update(id="lab"),
        "entities[2] (lab).id",
        "the id 'lab' is used twice",
    ),
    "an attribute id chat would refuse": (
        lambda d: d["attributes"][0].update(id="Goal!"),
        "attributes[0] (Goal!).id",
        "An attribute's id is lower-case letters",
    ),
    "an attribute label another has": (
        lambda d: d["attributes"][1].update(ko="목표"),
        "attributes[1] (budget).ko",
        "'목표' already names the attribute goal",
    ),
    "a number beyond what a double keeps": (
        lambda d: _fact(d, "team_count").update(number=12345678901234567),
        "facts[2].number",
        "more significant digits than can be stored exactly",
    ),
    "an integer beyond 64 bits": (
        lambda d: _fact(d, "budget").update(money=2**64),
        "facts[1].money",
        "too large",
    ),
    "text that is not Unicode": (
        lambda d: _entity(d).update(en="\ud800"),
        "entities[0] (program).en",
        "not valid Unicode",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_field_is_refused_naming_where(case: str) -> None:
    edit, where, says = CASES[case]
    data = _small()
    edit(data)
    problems = _refused_file(data).problems
    assert any(where in p.where and says in p.en for p in problems), problems
    assert all(p.ko and p.en for p in problems)


@pytest.mark.parametrize("case", ["a number as a name", "aliases as one string", "an id twice"])
def test_a_bad_file_changes_nothing_in_the_store(store: FactStore, case: str) -> None:
    edit, where, _ = CASES[case]
    data = _small()
    edit(data)
    with refused(store, DatasetError) as info:
        store.import_dataset(data, actor="import:bad.yaml")
    assert any(where in p.where for p in info.value.problems)


def test_invisible_characters_in_names_are_removed_not_stored() -> None:
    data = _small()
    _entity(data).update(en="Pro\u200bgram", acronym="P\u202eG")
    data["sources"][0].update(publisher_en="Out\u00adlet", author="기\ufeff자")
    scratch = scratch_store(data)
    try:
        entity = scratch.execute("SELECT name_en, acronym FROM entities WHERE id = 'program'")
        source = scratch.execute("SELECT publisher_en, author FROM sources WHERE id = 'a-source'")
        assert entity.fetchone() == ("Program", "PG")
        assert source.fetchone() == ("Outlet", "기자")
    finally:
        scratch.conn.close()


# Values of every wrong shape, put in place of every value of the small data set.
WRONG = (None, 0, 1.5, float("inf"), True, "", "x" * 20_000, "\x00", "\ud800",
         [], ["x"], {}, {"x": 1}, __import__("datetime").date(2025, 1, 1))  # fmt: skip


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key or index path into `data`, containers included."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, dict | list):
            yield from _places(value, (*path, key))


def test_no_value_of_any_shape_anywhere_crashes_the_loader() -> None:
    """Each value of `WRONG` in each place: the file loads or is a `DatasetError`, nothing else."""
    places = list(_places(SMALL))
    assert len(places) > 120
    for path in places:
        for wrong in WRONG:
            data = _small()
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = wrong
            try:
                scratch_store(data).conn.close()
            except DatasetError:
                continue


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    data = _small()
    _entity(data).update(ko=123)
    _fact(data, "team_count").update(number="abc")
    d_source = data["sources"][1]
    d_source["title"] = ["a"]
    path = tmp_path / "bad.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    read, _ = read_dataset(path)
    refusal = _refused_file(read)
    assert refusal.total == 3
    found = {p.where.rsplit(".", 1)[-1]: p.line for p in refusal.problems}
    assert lines[found["title"] - 1].strip().startswith("title:")
    assert lines[found["ko"] - 1].strip() == "ko: 123"
    assert lines[found["number"] - 1].strip() == "number: abc"
    assert refusal.en.splitlines()[0] == "The data set has 3 problems; nothing was written:"
    assert refusal.ko.splitlines()[0] == "데이터 세트에 문제가 3개 있어 아무것도 쓰지 않았습니다:"


def test_a_file_with_thousands_of_problems_lists_the_first_hundred() -> None:
    data = _small()
    data["entities"] += [
        {"id": f"e{i}", "class": "program", "kind": "project", "ko": i, "source": "a-source"}
        for i in range(PROBLEMS_SHOWN * 3)
    ]
    refusal = _refused_file(data)
    assert refusal.total == PROBLEMS_SHOWN * 3
    assert len(refusal.problems) == PROBLEMS_SHOWN
    assert refusal.lines("en")[-1] == f"… and {PROBLEMS_SHOWN * 2:,} more"


YAML_CASES = {
    "syntax": (b"version: 1\nentities: [a, b\n", "line 3, column 1: did not find expected ','"),
    "not UTF-8": (b"version: 1\nentities:\n- ko: \xff\n", "line 3, column 7: not UTF-8 (byte 0xff)"),
    "python object": (
        b"entities: !!python/object/apply:os.system ['true']\n",
        "line 1, column 11: the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "binary": (b"entities: !!binary aGVsbG8=\n", "the tag 'tag:yaml.org,2002:binary'"),
    "custom tag": (b"entities: !mine x\n", "the tag '!mine' is not accepted"),
    "key twice": (
        b"entities: []\nentities: []\n",
        "line 2, column 1: the key 'entities' is written twice (first on line 1)",
    ),
    "NUL": (b"entities: [\x00]\n", "line 1, column 12: the character U+0000"),
    "a second document": (b"entities: []\n---\nentities: []\n", "a second document"),
    "not a data set": (b"- a\n- b\n", "not a briefbot data set"),
    "self-containing alias": (b"entities: &e [*e]\n", "the alias *e is inside its own anchor"),
}  # fmt: skip


@pytest.mark.parametrize("case", YAML_CASES)
def test_a_file_that_is_not_safe_yaml_is_one_line(tmp_path: Path, case: str) -> None:
    raw, says = YAML_CASES[case]
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    with pytest.raises(DatasetError) as info:
        read_dataset(path)
    assert says in info.value.en and "\n" not in info.value.en


def _alias_bomb(levels: int) -> bytes:
    """`levels` anchors, each a list of nine aliases of the one before: 9**levels nodes."""
    lines = [b"a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        aliases = b", ".join([b"*a%d" % (level - 1)] * 9)
        lines.append(b"a%d: &a%d [%s]" % (level, level, aliases))
    return b"\n".join(lines) + b"\n"


def test_an_alias_bomb_is_refused_at_its_first_aliases(tmp_path: Path) -> None:
    """The bomb is refused while reading the line where its aliases pass the budget, before
    anything after it: a syntax error at the end of the file is never reached."""
    path = tmp_path / "bomb.yaml"
    path.write_bytes(b"entities:\n" + _alias_bomb(12) + b"broken: [\n")
    with pytest.raises(DatasetError) as info:
        read_dataset(path)
    assert f"unfold into more than {UNFOLD_BUDGET:,} nodes" in info.value.en
    assert "line 6," in info.value.en  # 9**5 nodes: the fifth anchor, the file's sixth line


def test_a_few_anchors_for_repeated_values_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(
        """
version: 1
sources:
- id: s
  publisher: 매체
  title: 기사
  published: &day {text: 2025년 9월 9일, edtf: '2025-09-09', precision: day}
entities:
- id: e
  class: program
  kind: project
  ko: 사업
  source: s
  milestones:
  - {title: {ko: 평가}, date: *day, source: s}
  - {title: {ko: 착수}, date: *day, source: s}
""",
        encoding="utf-8",
    )
    read, _ = read_dataset(path)
    scratch = scratch_store(read)
    try:
        assert scratch.execute("SELECT count(*) FROM milestones").fetchone()[0] == 2
    finally:
        scratch.conn.close()


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", "--db", str(db), *args],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip


def test_the_cli_prints_one_line_per_problem_and_changes_nothing(
    store: FactStore, tmp_path: Path
) -> None:
    data = store.export()
    data["entities"][0]["ko"] = 123
    data["entities"][1]["aliases"] = "한 글자씩"
    path = tmp_path / "edit.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    store.close()  # the database alone, as the CLI finds it
    before = file_digests(store.path)
    run = _cli(store.path, "import", str(path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[0] == f"{path}: 2 problems; nothing was written"
    assert lines[1].startswith(f"{path}:") and lines[1].endswith(
        ".ko: must be text, got the number 123"
    )
    assert "aliases: must be a list, got text" in lines[2]
    assert file_digests(store.path) == before


def test_the_cli_reports_progress_on_a_long_import(store: FactStore, tmp_path: Path) -> None:
    data = store.export()
    data["entities"] += copy.deepcopy(SMALL["entities"])
    data["sources"] += copy.deepcopy(SMALL["sources"])
    data["attributes"] += [a for a in SMALL["attributes"] if a["id"] in ("opened",)]
    for entity in data["entities"][-3:]:
        entity["facts"] = [f for f in entity.get("facts", []) if f["attr"] in ("goal", "budget")]
    path = tmp_path / "more.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    run = _cli(store.path, "import", str(path), "--progress-every", "2")
    assert run.returncode == 0, run.stderr
    progress = run.stderr.splitlines()
    total = len(data["entities"])
    assert f"more.yaml: checked 2/{total:,} entities" in progress
    assert f"more.yaml: compared {total:,}/{total:,} entities" in progress
    assert any(line.startswith("more.yaml: applied ") for line in progress)
    assert any(line.startswith("more.yaml: indexed 3/3 entities") for line in progress)


def _new_entities(count: int) -> list[dict[str, Any]]:
    """`count` entities of the shape imports bring: names, a linked partner, money, a
    number, a text, a quote and a milestone."""
    source = "byline-2025-foundation-kickoff"
    out = []
    for i in range(count):
        facts = [
            {"attr": "budget", "money": f"{i + 1}억원", "source": source},
            {"attr": "goal", "text": f"목표 {i}", "source": source},
        ]
        if i:
            facts.append({"attr": "partner", "entity": f"new-{i - 1}", "source": source})
        out.append(
            {"id": f"new-{i}", "class": "program", "kind": "project", "ko": f"새 사업 {i}",
             "en": f"New program {i}", "aliases": [f"새사업{i}호"], "source": source,
             "facts": facts,
             "milestones": [{"title": {"ko": f"착수 {i}"}, "date": dict(DAY), "source": source}]}
        )  # fmt: skip
    return out


def _sqlite_steps(store: FactStore, data: dict[str, Any]) -> int:
    """How many virtual-machine steps SQLite ran in the store to import `data`."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.db.conn.set_progress_handler(tick, 100)
    try:
        store.import_dataset(data, actor="import:more.yaml")
    finally:
        store.db.conn.set_progress_handler(None, 100)
    return steps * 100


def test_import_work_grows_linearly_with_the_file(store: FactStore, tmp_path: Path) -> None:
    """SQLite's own count of the steps it ran, per new entity, does not grow with the file
    (each new revision used to scan every fact: 4,000 entities took 54 s, 20,000 never
    finished). Steps are counted, not seconds, so the test does not depend on the machine."""
    base = store.export()
    per_entity = {}
    for count in (25, 100):
        store.backup(tmp_path / f"copy-{count}.db")
        copied = FactStore.open(tmp_path / f"copy-{count}.db", create=False)
        try:
            data = {**base, "entities": [*base["entities"], *_new_entities(count)]}
            per_entity[count] = _sqlite_steps(copied, data) / count
        finally:
            copied.close()
    assert per_entity[100] <= per_entity[25] * 1.05, per_entity


def test_store_check_reports_rows_an_import_would_have_refused(store: FactStore) -> None:
    """Rows written by another tool: each is named, as `python -m store check` prints it."""
    with store.db.conn:
        store.db.execute("UPDATE entities SET name_en = 'E\u200bTRI' WHERE id = 'etri'")
        store.db.execute("UPDATE entities SET kind = 'startup' WHERE id = 'kaist'")
        store.db.execute("UPDATE entities SET acronym = x'4b' WHERE id = 'kaist'")
        store.db.execute(
            "UPDATE facts SET value_text = ? WHERE id = (SELECT min(id) FROM facts"
            " WHERE value_text IS NOT NULL)",
            ["가" * 5000],
        )
    problems = "\n".join(store.check())
    assert "name_en: 'E\\u200bTRI' is not stored as an edit stores it ('ETRI')" in problems
    assert "kind: Unknown kind 'startup'" in problems
    assert "acronym: holds bytes b'K', not text" in problems
    assert "value_text: The text is too long: 5000 characters (at most 1000)." in problems


def test_a_refused_import_is_an_invalid_input_for_every_caller() -> None:
    """Front ends and the CLI catch `InvalidInput`; a `DatasetError` is one."""
    assert issubclass(DatasetError, InvalidInput)
