"""Admin commands typed at the console: through `Console` and through `python -m bot ask`.

Every change must come back with its revision and the way to undo it, and every refusal
(no rights, a bad value, a stale form) must leave the database file byte for byte as it
was: the SQLite file is the product, so "refused" means "not written", not "rolled back
later". The subprocess tests run the real entry point in a temporary directory (no
developer `config.toml`) against a copy of the seeded database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from conftest import copy_database

from bot.admin.desk import AdminDesk
from bot.admin.specs import ADMIN_COMMANDS
from bot.app import trust_rules
from bot.briefing.model import Form, Reply
from bot.config import Config
from bot.console import OPERATOR, Console
from bot.ids import discord as ids
from bot.render.text import reply_text
from bot.trust import Actor
from store.fact_store import FactStore
from tests.app_helpers import console as app_console
from tests.app_helpers import make_app
from tests.edit_helpers import SOURCE, file_digests, snapshot

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 11, 20)
STRANGER = 42  # a Discord user no config names
ADMIN = 123456789012345678
# Planned milestones of the bundled data set.
CONTEST, EVALUATION, PLAN = 5, 4, 3
LAB = "국가 AI 연구거점"

REFUSED = {
    "ko": "설정된 관리자만 바꿀 수 있습니다",
    "en": "only configured admins may change them",
}
SAVED = {"ko": "변경 #{revision} 저장됨", "en": "Saved as revision #{revision}"}

# Each change command: lines run first (by the operator), then the line itself.
EDITS: dict[str, tuple[tuple[str, ...], str]] = {
    "fact set": (
        (),
        f"/fact set entity:{LAB} attribute:budget value:1000억원 source:{SOURCE} reason:증액 발표",
    ),
    "fact retire": ((), f"/fact retire entity:{LAB} attribute:location reason:이전"),
    "fact revert": (
        (f"/fact set entity:{LAB} attribute:budget value:1000억원 source:{SOURCE}",),
        "/fact revert revision:2 reason:잘못 입력",
    ),
    "milestone add": (
        (),
        f"/milestone add program:{LAB} title:중간 평가 date:2026년 3월 source:{SOURCE}",
    ),
    "milestone update": (
        (),
        f"/milestone update milestone:{CONTEST} date:2026년 1월 말 reason:연기",
    ),
    "milestone done": ((), f"/milestone done milestone:{EVALUATION}"),
    "milestone cancel": ((), f"/milestone cancel milestone:{PLAN} reason:계획 철회"),
    "entity add": (
        (),
        f"/entity add kind:person name_ko:홍길동 source:{SOURCE} name_en:Gildong Hong"
        " aliases:길동이",
    ),
    "alias add": ((), "/alias add entity:ETRI alias:전자연"),
    "source add": (
        (),
        "/source add title:2026년도 정부 예산안 publisher:과학기술정보통신부"
        " published:2025년 9월 1일 url:https://example.com/budget-2026",
    ),
}
HISTORY = f"/fact history {LAB} attribute:budget"
# Trust given each way `[admins]` can give it.
ADMINS = Config(admin_user_ids=(ADMIN,), admin_role_ids=(55,), admin_guild_ids=(66,))


def user(user_id: int, **trust: object) -> Actor:
    """A Discord user in the ids the Discord front end gives them."""
    return Actor(ids.actor(user_id), **trust)  # type: ignore[arg-type]


def console(store: FactStore, user_id: int | None = None, config: Config | None = None) -> Console:
    """What `python -m bot` answers with on `TODAY`: the operator, or `--user-id`."""
    return app_console(store, user_id, config, TODAY)


def desk_of(store: FactStore, config: Config, today: date = TODAY) -> AdminDesk:
    return AdminDesk(store, trust_rules(config), lambda: today)


def text(reply: Reply, locale: str = "ko") -> str:
    """The reply as the console prints it."""
    return reply_text(reply, locale)


def saved(desk: Console, line: str, locale: str = "ko") -> str:
    """Answer a change line, which must be saved; its text."""
    reply = desk.answer(line, locale).reply
    assert not reply.is_error, text(reply, locale)
    return text(reply, locale)


def test_every_admin_command_is_covered() -> None:
    assert {*EDITS, "fact history", "fact edit"} == set(ADMIN_COMMANDS)


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_a_form_command_at_the_console_shows_the_form_in_words(
    store: FactStore, locale: str
) -> None:
    """The console cannot show a modal: `/fact edit` prints the current value and the
    command that changes it, and writes nothing."""
    operator = console(store)
    before = file_digests(store.path)
    answer = operator.answer(f"/fact edit entity:{LAB} attribute:budget", locale)
    assert answer.form is not None and answer.form.kind == "fact"
    shown = text(answer.reply, locale)
    assert "94600000000" in shown and "/fact set entity:" in shown and "attribute:budget" in shown
    assert file_digests(store.path) == before


# --- every command through Console -----------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("command", EDITS)
def test_each_change_is_saved_with_the_way_back_and_reverts_exactly(
    store: FactStore, command: str, locale: str
) -> None:
    """The operator's change is saved as the next revision; the reply names the revert
    line, and that line restores every row as it was."""
    desk = console(store)
    setup, line = EDITS[command]
    for earlier in setup:
        saved(desk, earlier)
    before, revision = snapshot(store), store.revision() + 1
    reply = desk.answer(line, locale).reply
    assert not reply.is_error and reply.private, text(reply, locale)
    assert SAVED[locale].format(revision=revision) in text(reply, locale)
    assert f"`/fact revert revision:{revision}`" in text(reply, locale)
    assert store.revision() == revision and snapshot(store) != before
    saved(desk, f"/fact revert revision:{revision}", locale)
    assert snapshot(store) == before


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("command", EDITS)
def test_each_change_is_refused_for_a_stranger(store: FactStore, command: str, locale: str) -> None:
    setup, line = EDITS[command]
    for earlier in setup:
        saved(console(store), earlier)
    before = file_digests(store.path)
    reply = console(store, STRANGER).answer(line, locale).reply
    assert reply.is_error and reply.private
    assert REFUSED[locale] in text(reply, locale)
    assert file_digests(store.path) == before


@pytest.mark.parametrize(
    "actor",
    [
        user(ADMIN),
        user(7, roles=frozenset({ids.role(55)})),
        user(7, scope=ids.scope(66), manages_scope=True),
    ],
    ids=["user_ids", "role_ids", "guild_ids"],
)
def test_configured_admins_may_edit(store: FactStore, actor: Actor) -> None:
    desk = Console(make_app(store, ADMINS, TODAY), actor)
    saved(desk, EDITS["fact set"][1])
    assert store.revisions_since(1)[0].actor == actor.label
    history = text(desk.answer(HISTORY, "ko").reply)
    assert "■ #2 · " in history and f" · {actor.label}" in history


@pytest.mark.parametrize(
    "actor",
    [
        user(7),
        user(7, roles=frozenset({ids.role(56)})),
        user(7, scope=ids.scope(67), manages_scope=True),
        user(7, scope=ids.scope(66), manages_scope=False),
    ],
    ids=["other user", "other role", "other server", "no Manage Server"],
)
def test_anyone_else_is_refused_even_with_admins_configured(store: FactStore, actor: Actor) -> None:
    desk = Console(make_app(store, ADMINS, TODAY), actor)
    before = file_digests(store.path)
    assert REFUSED["ko"] in text(desk.answer(EDITS["fact set"][1], "ko").reply)
    assert file_digests(store.path) == before


# --- history ---------------------------------------------------------------------------


def test_history_says_who_when_why_and_old_to_new(store: FactStore) -> None:
    """Anyone may read history (it changes nothing); each revision shows its id, time,
    actor, reason and the value before and after, newest first."""
    saved(console(store), EDITS["fact set"][1])
    saved(console(store, ADMIN, Config(admin_user_ids=(ADMIN,))), EDITS["fact retire"][1])
    first, second = store.revisions_since(1)
    old = store.db.execute(
        "SELECT id FROM facts WHERE entity_id = 'national-ai-research-lab'"
        " AND attribute = 'budget' AND value_money = 94600000000"
    ).fetchone()[0]
    before = file_digests(store.path)
    stranger = console(store, STRANGER)

    ko = text(stranger.answer(HISTORY, "ko").reply)
    assert ko.startswith(f"━━ 이력: {LAB} ━━")
    when = f"{first.at[:10]} {first.at[11:16]} UTC"
    assert f"■ #2 · {when} · console:local" in ko
    assert f"국가 AI 연구거점 · 예산: 946억 원 (#{old}) → 1,000억 원" in ko
    assert "사유: 증액 발표" in ko
    assert ko.index("■ #2 ") < ko.index("■ #1 "), "newest first"
    assert "■ #3 " not in ko, "attribute:budget leaves out the location change"

    en = text(stranger.answer(f"/fact history {LAB}", "en").reply, "en")
    assert en.index(f"■ #3 · {second.at[:10]}") < en.index("■ #2 ")
    assert f" · discord:{ADMIN}" in en and "Why: 이전" in en
    assert f"Budget: ₩94.6 billion (#{old}) → ₩100 billion" in en
    assert "`/fact revert revision:N`" in en
    assert file_digests(store.path) == before


def test_history_of_an_unknown_entity_suggests_names(store: FactStore) -> None:
    reply = console(store, STRANGER).answer("/fact history 카이스투", "ko").reply
    assert reply.is_error and "혹시 이것인가요? 한국과학기술원 (KAIST)" in text(reply)


# --- bad values ------------------------------------------------------------------------

LONG_TITLE = "가" * 201


@pytest.mark.parametrize(
    ("line", "ko", "en"),
    [
        (
            f"/fact set entity:{LAB} attribute:budget value:많이 source:{SOURCE}",
            "금액으로 읽을 수 없습니다: '많이'. 예: 2136억원",
            "Not an amount of money: '많이'; e.g. 2136억원",
        ),
        (
            f"/milestone add program:{LAB} title:중간 평가 date:2026년 13월 source:{SOURCE}",
            "날짜로 읽을 수 없습니다: '2026년 13월'. 월은 1~12입니다.",
            "Months run from 1 to 12.",
        ),
        (
            f"/milestone update milestone:{CONTEST} date:13월",
            "월은 1~12입니다.",
            "Months run from 1 to 12.",
        ),
        (
            f"/fact set entity:카이스투 attribute:budget value:1억원 source:{SOURCE}",
            "혹시 이것인가요? 한국과학기술원 (KAIST)",
            "Did you mean: Korea Advanced Institute of Science and Technology (KAIST)?",
        ),
        (
            "/alias add entity:카이스투 alias:카이",
            "혹시 이것인가요? 한국과학기술원 (KAIST)",
            "Did you mean: Korea Advanced",
        ),
        (
            "/fact set entity:KAIST attribute:budget value:1억원 source:no-such-article",
            "등록되지 않은 출처입니다: 'no-such-article'. /source add로 먼저 등록하세요.",
            "Unknown source 'no-such-article'; register it first with /source add.",
        ),
        (
            f"/milestone add program:{LAB} title:{LONG_TITLE} date:2026년 3월 source:{SOURCE}",
            "title이(가) 너무 깁니다 (201자). 200자 이내로",
            "title is too long (201 characters); keep it under 200.",
        ),
        (
            f"/fact set entity:KAIST attribute:mascot value:넙죽이 source:{SOURCE}",
            "없는 속성입니다: 'mascot'. 혹시 이것인가요?",
            "No attribute is called 'mascot'. Did you mean:",
        ),
        (
            "/fact revert revision:1",
            "리비전 1(dataset.load)은 되돌릴 수 없습니다",
            "Revision 1 (dataset.load) cannot be reverted",
        ),
        ("/fact revert revision:99", "리비전 99이(가) 없습니다.", "There is no revision 99."),
        (
            f"/milestone done milestone:{CONTEST + 100}",
            "105번 일정이 없습니다.",
            "There is no milestone 105.",
        ),
    ],
    ids=[
        "money",
        "13월",
        "13월 update",
        "entity",
        "alias entity",
        "source",
        "long title",
        "attribute",
        "revert 1",
        "revert unknown",
        "milestone",
    ],
)
def test_a_bad_value_is_explained_and_writes_nothing(
    store: FactStore, line: str, ko: str, en: str
) -> None:
    desk = console(store)
    before = file_digests(store.path)
    for locale, expected in (("ko", ko), ("en", en)):
        reply = desk.answer(line, locale).reply
        assert reply.is_error and reply.private
        assert expected in text(reply, locale), text(reply, locale)
    assert file_digests(store.path) == before


# --- forms -----------------------------------------------------------------------------


def opened(desk: AdminDesk, kind: str, key: str | int, locale: str = "ko") -> Form:
    """The operator's form for `key`, which must open."""
    form = desk.form(kind, str(key), OPERATOR, locale)
    assert isinstance(form, Form), form
    return form


def form_values(form: Form) -> dict[str, str]:
    """What a Discord modal built from `form` sends back when submitted untouched."""
    return {field.name: field.value for field in form.fields}


def test_a_milestone_form_is_prefilled_with_the_current_values(store: FactStore) -> None:
    desk = desk_of(store, Config())
    form = opened(desk, "milestone", CONTEST)
    assert (form.kind, form.key, form.revision) == ("milestone", "5", store.revision())
    assert form.title == "일정 #5 수정"
    assert form_values(form) == {
        "title": "대국민 콘테스트",
        "title_en": "Public contest",
        "date": "12월 말",
        "source": SOURCE,
        "reason": "",
    }
    assert opened(desk, "milestone", CONTEST, "en").title == "Edit milestone #5"


def test_a_milestone_gains_a_second_source_from_chat_and_its_form_lists_both(
    store: FactStore,
) -> None:
    """`source:` takes several sources, the primary first; the edit form lists them all."""
    second = "mediaeconews-2024-10-national-ai-lab"
    answer = saved(
        console(store), f"/milestone update milestone:{CONTEST} source:{SOURCE}, {second}"
    )
    assert f"{SOURCE} → {SOURCE}, {second}" in answer
    form = opened(desk_of(store, Config()), "milestone", CONTEST)
    assert form_values(form)["source"] == f"{SOURCE}, {second}"
    assert store.milestone(CONTEST)["sources"] == [SOURCE, second]


def test_a_form_submitted_after_another_change_is_refused_and_a_fresh_one_saves(
    store: FactStore,
) -> None:
    desk = desk_of(store, Config())
    operator = OPERATOR
    stale = opened(desk, "milestone", CONTEST)
    untouched_form = opened(desk, "milestone", EVALUATION)
    changed = saved(
        console(store), f"/milestone update milestone:{CONTEST} title:대국민 AI 콘테스트"
    )
    assert "변경 #2 저장됨" in changed
    row, before = store.milestone(CONTEST), file_digests(store.path)

    values = {**form_values(stale), "date": "2026년 1월 말"}
    for locale, words in (("ko", "그사이 다른 수정(리비전 2)"), ("en", "Revision 2 changed")):
        answer = desk.submit("milestone", "5", stale.revision, values, operator, locale)
        assert answer.reply.is_error and answer.audit is None
        assert words in text(answer.reply, locale)
    assert file_digests(store.path) == before and store.milestone(CONTEST) == row

    # A change to another milestone does not make this one's form stale.
    values = {**form_values(untouched_form), "date": "2026년 2월", "reason": "연기"}
    answer = desk.submit("milestone", "4", untouched_form.revision, values, operator, "ko")
    assert "변경 #3 저장됨" in text(answer.reply)
    assert store.milestone(EVALUATION)["date_text"] == "2026년 2월"

    fresh = opened(desk, "milestone", CONTEST, "en")
    values = {**form_values(fresh), "date": "2026년 1월 말", "reason": "일정 연기"}
    answer = desk.submit("milestone", "5", fresh.revision, values, operator, "en")
    assert "Saved as revision #4" in text(answer.reply, "en")
    assert answer.audit is not None and "Why: 일정 연기" in text(answer.audit, "en")
    assert store.milestone(CONTEST)["title_ko"] == "대국민 AI 콘테스트"
    assert store.milestone(CONTEST)["date_text"] == "2026년 1월 말"


def test_a_milestone_form_submitted_untouched_changes_nothing(store: FactStore) -> None:
    """Regression: an untouched relative date ("12월 말", read against its article in
    2025) was parsed again against today and silently moved, with an empty summary."""
    desk = desk_of(store, Config(), date(2026, 11, 22))
    form = opened(desk, "milestone", CONTEST)
    row, before = store.milestone(CONTEST), file_digests(store.path)
    answer = desk.submit("milestone", "5", form.revision, form_values(form), OPERATOR, "ko")
    assert answer.reply.is_error and "바뀌는 내용이 없습니다" in text(answer.reply)
    assert store.milestone(CONTEST) == row and file_digests(store.path) == before

    values = {**form_values(form), "title_en": ""}  # clearing a field is an edit
    answer = desk.submit("milestone", "5", form.revision, values, OPERATOR, "ko")
    assert not answer.reply.is_error, text(answer.reply)
    assert store.milestone(CONTEST) == {**row, "title_en": None}


def test_every_fact_form_submitted_untouched_changes_nothing(store: FactStore) -> None:
    """Regression: a number's unit was left out of the form ("5개팀" shown as "5"), so an
    untouched form replaced the statement with one without its unit."""
    desk = desk_of(store, Config())
    current = Counter(
        (row["entity_id"], row["attribute"])
        for row in store.db.query(
            "SELECT entity_id, attribute FROM facts WHERE rank != 'deprecated'"
        )
    )
    before = file_digests(store.path)
    single = [pair for pair, count in current.items() if count == 1]
    assert len(single) > 50
    for entity, attribute in single:
        form = opened(desk, "fact", f"{entity}|{attribute}")
        answer = desk.submit("fact", form.key, form.revision, form_values(form), OPERATOR, "ko")
        assert "같은 진술이 이미 있습니다" in text(answer.reply), (entity, attribute)
    assert file_digests(store.path) == before


def test_a_fact_form_keeps_every_source_of_the_statement(store: FactStore) -> None:
    """Regression: the form showed only the primary source, so an untouched form replaced
    a statement citing several sources with one citing only the first."""
    cited = "mediaeconews-2024-10-national-ai-lab, byline-2025-foundation-kickoff"
    store.set_fact(entity="국가 AI 연구거점", attribute="budget", value="946억원", source=cited,
                   actor="console:test")  # fmt: skip
    desk = desk_of(store, Config())
    form = opened(desk, "fact", "national-ai-research-lab|budget")
    assert form_values(form)["source"] == cited
    before = file_digests(store.path)
    answer = desk.submit("fact", form.key, form.revision, form_values(form), OPERATOR, "ko")
    assert "같은 진술이 이미 있습니다" in text(answer.reply)
    assert file_digests(store.path) == before


@pytest.mark.parametrize(
    ("key", "shown", "typed", "number", "unit"),
    [
        ("sovereign-ai-foundation-model|team_count", "5개팀", "4개팀", 4, "개팀"),
        ("nst|member_count", "23개 기관", "24개 기관", 24, "개 기관"),
        ("kisti|gpu_count", "8496장", "9000장", 9000, "장"),
    ],
)
def test_a_fact_form_keeps_the_unit_it_shows(
    store: FactStore, key: str, shown: str, typed: str, number: int, unit: str
) -> None:
    desk = desk_of(store, Config())
    form = opened(desk, "fact", key)
    assert form_values(form)["value"] == shown
    values = {**form_values(form), "value": typed}
    answer = desk.submit("fact", form.key, form.revision, values, OPERATOR, "ko")
    assert not answer.reply.is_error, text(answer.reply)
    entity, attribute = key.split("|")
    _, _, (row,) = store.current_statements(entity, attribute)
    assert (row["value_number"], row["unit"]) == (number, unit)


def test_a_stranger_can_neither_open_nor_submit_a_form(store: FactStore) -> None:
    desk = desk_of(store, Config())
    form = opened(desk, "milestone", CONTEST)
    before = file_digests(store.path)
    refused = desk.form("milestone", str(CONTEST), user(STRANGER), "en")
    assert isinstance(refused, Reply) and REFUSED["en"] in text(refused, "en")
    values = {**form_values(form), "date": "2026년 1월 말"}
    answer = desk.submit("milestone", "5", form.revision, values, user(STRANGER), "ko")
    assert REFUSED["ko"] in text(answer.reply) and answer.audit is None
    assert file_digests(store.path) == before


# --- python -m bot ask as a real process -------------------------------------------------


class BotProcess:
    """`python -m bot --db DB ARGS` in a temporary directory, with a copy of the seeded data."""

    def __init__(self, tmp_path: Path, seeded_db: Path) -> None:
        self.cwd = tmp_path
        self.db = tmp_path / "bot.db"
        copy_database(seeded_db, self.db)
        self.env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        self.env["PYTHONPATH"] = os.pathsep.join([str(ROOT), self.env.get("PYTHONPATH", "")])
        self.env["BRIEFBOT_DB"] = str(tmp_path / "default.db")
        self.env["PYTHONIOENCODING"] = "utf-8"
        # The release-1 data of the seeded copy, as the tests expect it.
        self.env["BRIEFBOT_STORE_UPGRADE_ON_START"] = "false"

    def ask(self, line: str, *args: str) -> str:
        """Answer one line; `ask` always exits 0 (a refusal is an answer)."""
        return self.run("ask", line, *args)

    def console(self, lines: Sequence[str], *args: str) -> str:
        """Type `lines` at the console (no token: `python -m bot` reads stdin)."""
        return self.run(*args, stdin="\n".join([*lines, "/quit"]) + "\n")

    def run(self, *args: str, stdin: str = "") -> str:
        """Run `python -m bot` to the end; it must exit 0 without a word on stderr."""
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--db", str(self.db), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.cwd,
            env=self.env,
            timeout=60,
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr
        return result.stdout

    def digests(self) -> tuple[str, ...]:
        """SHA-256 of the database file and its write-ahead log."""
        return file_digests(self.db)


@pytest.fixture
def bot(tmp_path: Path, seeded_db: Path) -> BotProcess:
    """A fresh copy of the seeded database for `python -m bot` to run against."""
    return BotProcess(tmp_path, seeded_db)


# In the order one session would type them: the revert undoes the retire before it.
SESSION = (
    EDITS["source add"][1],
    EDITS["entity add"][1],
    "/alias add entity:홍길동 alias:홍 박사",
    EDITS["fact set"][1],
    EDITS["fact retire"][1],
    "/fact revert revision:6 reason:잘못 폐기",
    EDITS["milestone add"][1],
    EDITS["milestone update"][1],
    EDITS["milestone done"][1],
    EDITS["milestone cancel"][1],
)


def test_every_change_through_ask_is_saved_and_refused_for_a_stranger(bot: BotProcess) -> None:
    """The operator's changes are saved as consecutive revisions, each with its revert
    line; the same lines typed by a stranger (`--user-id`, one console session to keep
    this fast) are all refused and leave the file untouched, while history answers."""
    assert {line.split()[0] + " " + line.split()[1] for line in SESSION} == {
        "/" + name for name in EDITS
    }
    for revision, line in enumerate(SESSION, start=2):
        answer = bot.ask(line)
        assert answer.startswith(f"━━ 변경 #{revision} 저장됨 ━━"), answer
        assert f"`/fact revert revision:{revision}`" in answer
    assert "중간 평가" in bot.ask(f"/program {LAB}", "--now", "2025-11-20")

    before = bot.digests()
    typed = bot.console([*SESSION, f"/fact history {LAB}"], "--user-id", str(STRANGER))
    assert typed.count(REFUSED["ko"]) == len(SESSION) and "저장됨" not in typed
    assert bot.digests() == before
    history = typed[typed.index(f"━━ 이력: {LAB} ━━") :]
    for revision in (5, 6, 7, 8):
        assert f"■ #{revision} · " in history
    assert "리비전 6 되돌림: 국가 AI 연구거점 · 장소" in history
    assert "사유: 잘못 폐기" in history


def test_a_user_named_in_the_config_may_edit_through_ask(bot: BotProcess) -> None:
    config = bot.cwd / "admins.toml"
    config.write_text(f"[admins]\nuser_ids = [{ADMIN}]\n", encoding="utf-8")
    line = EDITS["fact set"][1]
    before = bot.digests()
    refused = bot.ask(line, "--config", str(config), "--user-id", str(ADMIN + 1))
    assert REFUSED["ko"] in refused and bot.digests() == before
    answer = bot.ask(line, "--config", str(config), "--user-id", str(ADMIN), "--locale", "en")
    assert answer.startswith("━━ Saved as revision #2 ━━"), answer
    assert "National AI Research Lab · Budget: ₩94.6 billion" in answer
    history = bot.ask(HISTORY, "--config", str(config))
    assert (
        "■ #2 · " in history and f" · discord:{ADMIN}" in history and "사유: 증액 발표" in history
    )


def test_bad_values_through_ask_write_nothing(bot: BotProcess) -> None:
    before = bot.digests()
    money = bot.ask(f"/fact set entity:{LAB} attribute:budget value:많이 source:{SOURCE}")
    assert "금액으로 읽을 수 없습니다: '많이'" in money
    unknown = bot.ask(
        f"/fact set entity:카이스투 attribute:budget value:1억원 source:{SOURCE}", "--locale", "en"
    )
    assert "Did you mean: Korea Advanced Institute of Science and Technology (KAIST)?" in unknown
    assert bot.digests() == before
