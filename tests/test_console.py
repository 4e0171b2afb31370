"""The console and `python -m bot ask`: typed commands answered like Discord would.

The subprocess tests run the real entry point with `sys.executable`, in a temporary
working directory (so no developer `config.toml` is picked up) and against a
temporary database.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pytest
import time_machine
from conftest import copy_database
from discord_limits import assert_discord_limits
from test_web import calendar_events

from bot.briefing.model import Answer
from bot.commandline import parse_command_line
from bot.config import Config
from bot.console import Console, ask, run_console, serve_console
from store.fact_store import FactStore
from store.upgrade import bundled_versions
from tests.app_helpers import console, make_app
from tests.reply_helpers import lead

ROOT = Path(__file__).resolve().parent.parent


def operator_desk(
    store: FactStore, user_id: int | None = None, config: Config | None = None
) -> Console:
    """What `python -m bot` answers with: the local operator, or a Discord user id."""
    return console(store, user_id, config)


class RunBot(Protocol):
    def __call__(
        self, *args: str, stdin: str = "", db_args: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]: ...


@pytest.mark.parametrize(
    ("line", "command", "options"),
    [
        ("/program name:국가 AI 연구거점", "program", {"name": "국가 AI 연구거점"}),
        ("/program 국가 AI 연구거점", "program", {"name": "국가 AI 연구거점"}),
        ("  /program   국가 AI 연구거점  ", "program", {"name": "국가 AI 연구거점"}),
        ("program ETRI", "program", {"name": "ETRI"}),
        ("/PROGRAM ETRI", "program", {"name": "ETRI"}),
        (
            "/milestones days:60 past:true program:독자 AI",
            "milestones",
            {"days": "60", "past": "true", "program": "독자 AI"},
        ),
        ("/milestones", "milestones", {}),
        ('/program name:"국가 AI 연구거점"', "program", {"name": "국가 AI 연구거점"}),
        ('/program "국가 AI 연구거점"', "program", {"name": "국가 AI 연구거점"}),
        ("/program “국가 AI 연구거점”", "program", {"name": "국가 AI 연구거점"}),
        ("/search query:'KAIST 946억'", "search", {"query": "KAIST 946억"}),
        ("/search KAIST 946억 page:2", "search", {"query": "KAIST 946억", "page": "2"}),
        ('/search "page:2"', "search", {"query": "page:2"}),
        ("/search query:a:b", "search", {"query": "a:b"}),
        ("/program foo:bar", "program", {"foo": "bar"}),
        ("/search http://zdnet.co.kr/x", "search", {"query": "http://zdnet.co.kr/x"}),
        ("/about extra", "about", {"": "extra"}),
        ("/about", "about", {}),
    ],
)
def test_parse_command_line(line: str, command: str, options: dict[str, str]) -> None:
    """Typed lines split like Discord's option fields; the first option's name may be left out."""
    assert parse_command_line(line) == (command, options)


def test_quoted_values_keep_inner_quotes_and_spaces() -> None:
    assert parse_command_line("/search query:\"'quoted' words\"") == (
        "search",
        {"query": "'quoted' words"},
    )
    assert parse_command_line('/program name:"unbalanced') == (
        "program",
        {"name": '"unbalanced'},
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/program nmae:국가 AI 연구거점", "/program has no option nmae. Options: name"),
        ("/program name:X foo:bar", None),
        ("/milestones week:2", "/milestones has no option week. Options: program, days, past"),
        ("/search query:AI page:two", "page must be a number (got two)."),
        ("/nope x", "Unknown command: /nope."),
        (
            "/about extra words",
            "/about takes no options; type the command alone (got: extra words)",
        ),
        ("/", "Unknown command: /."),
    ],
)
def test_bad_command_lines_become_error_replies(
    store: FactStore, line: str, expected: str | None
) -> None:
    """A mistyped option is explained, never silently dropped; after a real option,
    `foo:bar` is read as part of that option's value and shows up in the reply."""
    reply = operator_desk(store).answer(line, "en").reply
    if expected is None:  # `foo:bar` is part of the name, which then is not found
        assert reply.is_error and "X foo:bar" in lead(reply.cards[0])
        return
    assert reply.is_error and reply.private
    assert lead(reply.cards[0]).startswith(expected)


def test_ask_as_text_and_as_json(store: FactStore) -> None:
    desk = operator_desk(store)
    text = ask(desk, "/program 국가 AI 연구거점", locale="ko", as_json=False)
    assert text.startswith("━━ 국가 AI 연구거점 (National AI Research Lab) ━━")
    assert "946억 원 (2028년까지)" in text and "**" not in text
    payload = json.loads(ask(desk, "/about", locale="en", as_json=True))
    assert_discord_limits(payload, ephemeral=False)
    assert "followups" not in payload


def _console(store: FactStore, text: str, *, interactive: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_console(
        operator_desk(store),
        locale="ko",
        stdin=io.StringIO(text),
        stdout=out,
        interactive=lambda: interactive,
    )
    return code, out.getvalue()


def test_console_answers_until_quit(store: FactStore) -> None:
    """Commands are answered in order; nothing after /quit is read."""
    code, out = _console(store, "/about\n\n/program 국가 AI 연구거점\n/quit\n/institution ETRI\n")
    assert code == 0
    assert out.startswith("briefbot console")
    assert out.index("━━ briefbot이 아는 것 ━━") < out.index("━━ 국가 AI 연구거점")
    assert "946억" in out
    assert "한국전자통신연구원" not in out
    assert "briefbot> " not in out, "no prompt when stdin is not a terminal"


def test_console_stops_at_end_of_input(store: FactStore) -> None:
    code, out = _console(store, "/institution KAIST\n/program 없는프로그램")
    assert code == 0
    assert "━━ 한국과학기술원 (KAIST) ━━" in out
    assert "'없는프로그램'라는 프로그램을 찾지 못했습니다." in out


def test_console_help_and_prompt(store: FactStore) -> None:
    code, out = _console(store, "/help\nexit\n", interactive=True)
    assert code == 0
    assert out.count("/milestones [program:] [days:] [past:]") == 2
    assert out.count("briefbot> ") == 2


def test_console_survives_odd_lines(store: FactStore) -> None:
    lines = ["/", "/program", "/search", "/program " + "가" * 300, "/about extra", "hello"]
    code, out = _console(store, "\n".join(lines) + "\n")
    assert code == 0
    assert out.count("━━ 요청을 처리할 수 없습니다 ━━") == len(lines)


# --- python -m bot as a real process ------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["BRIEFBOT_DB"] = str(tmp_path / "default.db")  # never the developer's var/briefbot.db
    env["PYTHONIOENCODING"] = "utf-8"
    # These tests ask about the release-1 data of the seeded copy; the upgrade at start-up
    # has its own test below.
    env["BRIEFBOT_STORE_UPGRADE_ON_START"] = "false"
    return env


@pytest.fixture
def run_bot(tmp_path: Path, seeded_db: Path) -> RunBot:
    """`python -m bot ARGS` in a temporary directory, against a copy of the seeded database."""
    db = tmp_path / "bot.db"
    copy_database(seeded_db, db)

    def run(
        *args: str, stdin: str = "", db_args: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args, *(["--db", str(db)] if db_args else [])],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env={**_env(tmp_path), **(env or {})},
            timeout=60,
        )

    return run


def test_ask_prints_the_card(run_bot: RunBot) -> None:
    result = run_bot("ask", "/program name:국가 AI 연구거점", "--now", "2025-11-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("━━ 국가 AI 연구거점 (National AI Research Lab) ━━")
    assert "946억 원 (2028년까지)" in result.stdout
    assert "[1] 2024-10-28~31 (추정) 미디어경제뉴스" in result.stdout


def test_ask_now_decides_what_is_overdue(run_bot: RunBot) -> None:
    before = run_bot("ask", "/program 독자 AI 파운데이션 모델", "--now", "2025-11-01")
    after = run_bot("ask", "/program 독자 AI 파운데이션 모델", "--now", "2026-11-21")
    assert before.returncode == after.returncode == 0
    assert "■ 다음 일정" in before.stdout and "⚠" not in before.stdout
    assert "■ 다음 일정" not in after.stdout and "⚠" in after.stdout


def test_ask_json_is_one_discord_payload(run_bot: RunBot) -> None:
    result = run_bot("ask", "/institution KAIST", "--json", "--now", "2025-11-01")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    assert {"content", "embeds", "allowed_mentions", "flags", "components"} <= set(payload)
    assert_discord_limits(payload, ephemeral=False)
    assert payload["embeds"][0]["title"] == "한국과학기술원 (KAIST)"


def test_ask_in_english(run_bot: RunBot) -> None:
    result = run_bot(
        "ask", "/program 독자 AI 파운데이션 모델", "--locale", "en", "--now", "2025-11-01"
    )
    assert result.returncode == 0, result.stderr
    assert "₩213.6 billion (2,136억 원)" in result.stdout
    assert "■ Next milestones" in result.stdout


def test_ask_not_found_still_exits_zero(run_bot: RunBot) -> None:
    """A not-found is an answer, not a failure: scripts can read it."""
    result = run_bot("ask", "/program 없는프로그램", "--json", "--now", "2025-11-01")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["flags"] == 64
    assert_discord_limits(payload, ephemeral=True)
    assert "없는프로그램" in payload["embeds"][0]["description"]


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('[bot]\nlocale = "fr"\n', "bot.locale"),
        ("[bot\nlocale =", "config.toml"),
        ('[discord]\ntoken = "abc"\n', "discord.token"),
    ],
)
def test_a_bad_config_exits_78_with_the_key(
    run_bot: RunBot,
    tmp_path: Path,
    config: str,
    words: str,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    result = run_bot("ask", "/about", "--config", str(path))
    assert result.returncode == 78, "EX_CONFIG: a service manager stops restarting"
    assert result.stderr.startswith("config error: ") and words in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_missing_config_file_exits_78(run_bot: RunBot, tmp_path: Path) -> None:
    result = run_bot("ask", "/about", "--config", str(tmp_path / "nope.toml"))
    assert result.returncode == 78 and "does not exist" in result.stderr


def test_a_mistyped_db_is_an_error_not_a_new_store(run_bot: RunBot, tmp_path: Path) -> None:
    """`--db` naming a file that does not exist is a mistake to report (a store silently
    created and seeded there would answer from the wrong facts); nothing is created."""
    missing = tmp_path / "sub" / "mistyped.db"
    result = run_bot("ask", "/about", "--db", str(missing), db_args=False)
    assert result.returncode == 1 and result.stdout == ""
    assert (
        result.stderr.strip() == f"error: {missing}: 저장소 파일이 없습니다. 경로를 확인해 주세요."
    )
    assert not missing.exists() and not missing.parent.exists()


def test_the_configured_store_is_created_on_first_use(run_bot: RunBot, tmp_path: Path) -> None:
    """The configured store (`[store] path`, here from the environment) is the one the bot
    creates and seeds when it is not there yet."""
    fresh = tmp_path / "sub" / "fresh.db"
    result = run_bot("ask", "/about", db_args=False, env={"BRIEFBOT_STORE_PATH": str(fresh)})
    assert result.returncode == 0, result.stderr
    assert "프로그램 17" in result.stdout and fresh.exists()  # data set version 2


def test_without_a_token_the_bot_runs_the_console(run_bot: RunBot) -> None:
    """No DISCORD_TOKEN in the environment: `python -m bot` reads commands from stdin."""
    result = run_bot(stdin="/about\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("briefbot console")
    assert "━━ briefbot이 아는 것 ━━" in result.stdout


# --- digests at the console -----------------------------------------------------------


def test_ask_previews_the_digest_a_channel_would_get(run_bot: RunBot) -> None:
    """`/digest preview` answers at the console like everywhere else, for `--now`."""
    result = run_bot("ask", "/digest preview", "--now", "2025-12-20")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("━━ 📅 일정 브리핑 · 2025-12-20 ~ 2026-01-03 ━━")
    assert "대국민 콘테스트" in out and "■ 출처" in out


async def test_a_digest_subscribed_at_the_console_prints_at_its_time(store: FactStore) -> None:
    """Subscribe at the console, and the digest prints there at 09:00 while it runs, once."""
    start = datetime(2025, 12, 14, 23, 59, 50, tzinfo=UTC)  # 08:59:50 in Seoul
    with time_machine.travel(start, tick=True) as clock:
        app = make_app(store)
        reading, writing = os.pipe()
        stdin = os.fdopen(reading, "r", encoding="utf-8")
        typed = os.fdopen(writing, "w", encoding="utf-8")
        stdout = io.StringIO()
        session = asyncio.create_task(serve_console(Console(app), "ko", stdin, stdout, False))

        async def until(condition: Callable[[], bool]) -> None:
            deadline = asyncio.get_running_loop().time() + 10
            while not condition():
                assert asyncio.get_running_loop().time() < deadline, stdout.getvalue()
                await asyncio.sleep(0.02)

        async def shown(text: str) -> None:
            await until(lambda: text in stdout.getvalue())

        typed.write("/digest subscribe daily 09:00\n")
        typed.flush()
        await shown("이 콘솔에 일정 브리핑을 구독했습니다")
        clock.move_to(datetime(2025, 12, 15, 0, 0, 1, tzinfo=UTC))
        scheduler = app.digests.scheduler.scheduler
        assert scheduler is not None
        scheduler.wakeup()
        await shown("📅 일정 브리핑 · 2025-12-15")
        # The digest is printed before the delivery log records it sent.
        [subscription] = app.digests.book.scheduled()
        await until(
            lambda: [d.status for d in app.digests.book.deliveries(subscription.id)] == ["sent"]
        )
        typed.write("/digest list\n/quit\n")
        typed.flush()
        assert await session == 0
        typed.close()
    assert stdout.getvalue().count("📅 일정 브리핑 · 2025-12-15") == 1
    assert "최근: 2025-12-15 (월) 09:00 KST · 보냄" in stdout.getvalue()


class CrashingConsole(Console):
    """A console whose answer to one line has a bug (a fault injected, the loop is real)."""

    def answer(self, line: str, locale: str) -> Answer:
        if "boom" in line:
            raise RuntimeError("a bug")
        return super().answer(line, locale)


def test_a_command_that_crashes_is_reported_and_the_console_goes_on(store: FactStore) -> None:
    """One broken answer must not end the session: it is reported, the next line answered."""
    desk = CrashingConsole(make_app(store))
    out = io.StringIO()
    code = run_console(
        desk, locale="en", stdin=io.StringIO("/search boom\n/about\n"), stdout=out,
        interactive=lambda: False,
    )  # fmt: skip
    assert code == 0
    assert "Something went wrong on my side" in out.getvalue()
    assert "What briefbot knows" in out.getvalue()


# --- files that come with answers (issue 17) ---------------------------------------------


def test_ask_writes_the_calendar_into_the_current_directory_and_names_it(
    run_bot: RunBot, tmp_path: Path
) -> None:
    result = run_bot(
        "ask", "/milestones program:독자 AI 파운데이션 days:365 format:ics", "--now", "2025-11-20"
    )
    assert result.returncode == 0, result.stderr
    written = tmp_path / "milestones-sovereign-ai-foundation-model.ics"
    assert f"📎 briefbot 일정 · 독자 AI 파운데이션 모델 프로젝트: {written}" in result.stdout
    events = calendar_events(written.read_bytes())
    assert events["milestone-5@briefbot"][1] == "TENTATIVE"


def test_ask_out_writes_the_timeline_picture_where_asked(run_bot: RunBot, tmp_path: Path) -> None:
    result = run_bot("ask", "/program 국가 AI 연구거점", "--out", "pictures", "--now", "2025-11-20")
    assert result.returncode == 0, result.stderr
    picture = tmp_path / "pictures" / "timeline-national-ai-research-lab.png"
    assert f"🖼 국가 AI 연구거점 일정 타임라인 그림 (1건): {picture}" in result.stdout
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not list(tmp_path.glob("*.png")), "nothing written outside --out"


def test_a_folder_that_cannot_be_written_is_said_politely(store: FactStore, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    desk = Console(make_app(store), out=blocker / "inside")
    text = ask(desk, "/milestones format:ics", locale="en", as_json=False)
    assert "Could not write the files into" in text and "Traceback" not in text
    assert text.startswith("━━ Calendar file"), "the answer itself is still shown"


def test_start_up_upgrades_the_store_to_the_bundled_data_set(
    run_bot: RunBot, tmp_path: Path
) -> None:
    """By default a store of an earlier release is brought to the bundled version at
    start-up, as revisions, and the bot says so in its log; with the switch off, not."""
    kept = run_bot("ask", "/about", env={"BRIEFBOT_STORE_UPGRADE_ON_START": "false"})
    assert "v1 ·" in kept.stdout and kept.stderr == ""
    upgraded = run_bot("ask", "/about", env={"BRIEFBOT_STORE_UPGRADE_ON_START": "true"})
    assert upgraded.returncode == 0, upgraded.stderr
    newest = max(bundled_versions())
    assert f"Data set 1 → {newest}: applied" in upgraded.stderr
    assert f"v{newest} ·" in upgraded.stdout
    again = run_bot("ask", "/about", env={"BRIEFBOT_STORE_UPGRADE_ON_START": "true"})
    assert again.stderr == "", "an up-to-date store is not upgraded again"
