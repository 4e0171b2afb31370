"""The Slack adapter's parts on their own: ids, reading typed text, `users.info` remembered
per user, posts paced per channel, trust from `[admins]`, and how `python -m bot` picks
the Slack front end."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_loopback.objects import ADMIN_USER_ID, CHANNEL_ID, USER_ID, Channel, User
from slack_loopback.server import BOT_TOKEN, SlackStandIn
from slack_sdk.web.async_client import AsyncWebClient

from bot import __main__ as entry
from bot.app import App, trust_rules
from bot.briefing.commands import OptionError
from bot.briefing.model import Card, Reply, line
from bot.cli import EX_CONFIG
from bot.commandline import parse_command_line
from bot.config import Config
from bot.digest.commands import check_settings
from bot.digest.delivery import notice
from bot.digest.subscriptions import DigestBook
from bot.discord_adapter.client import DiscordFrontEnd
from bot.http_server import HttpServer
from bot.ids import slack as ids
from bot.slack_adapter.front_end import SlackFrontEnd
from bot.slack_adapter.people import REMEMBER_SECONDS, People
from bot.slack_adapter.poster import ChannelPacer, SlackPoster
from bot.slack_adapter.text import read_options, slash_commands, typed_line
from bot.trust import Actor, may_edit_facts, may_manage_digests
from store.fact_store import FactStore

TEAM = "T0LOOPBACK"


# --- ids and trust ------------------------------------------------------------------------


def test_ids_are_built_and_read_back() -> None:
    place = ids.place(TEAM, "C012")
    assert (place, ids.channel_of(place)) == ("slack:T0LOOPBACK/C012", "C012")
    assert ids.user_of(ids.actor(TEAM, "U034")) == "U034"
    assert ids.scope(TEAM) == "slack:T0LOOPBACK"
    for other in ("discord:guild/1/channel/2", "console:local", "slack:T0LOOPBACK", "slack:x/C1"):
        assert ids.channel_of(other) is None
    assert ids.user_of("discord:123") is None


def slack_actor(user: str, *, runs_workspace: bool = False) -> Actor:
    roles = {ids.user_role(user)} | ({ids.WORKSPACE_ADMIN} if runs_workspace else set())
    return Actor(
        ids.actor(TEAM, user), ids.scope(TEAM), frozenset(roles), manages_scope=runs_workspace
    )


@pytest.mark.parametrize("workspace_admins", [False, True])
def test_trust_comes_from_the_configured_user_ids_and_optionally_workspace_admins(
    workspace_admins: bool,
) -> None:
    rules = trust_rules(
        Config(slack_admin_user_ids=("U0ADMIN",), slack_workspace_admins=workspace_admins)
    )
    owner = slack_actor("U0OWNER", runs_workspace=True)
    assert may_edit_facts(rules, slack_actor("U0ADMIN"))
    assert not may_edit_facts(rules, slack_actor("U0MEMBER"))
    assert may_edit_facts(rules, owner) is workspace_admins
    assert may_manage_digests(rules, owner), "a workspace admin manages its digests"
    assert not may_manage_digests(rules, slack_actor("U0MEMBER"))


# --- what a user typed ----------------------------------------------------------------------


def test_every_top_level_command_is_a_slash_command_with_the_prefix() -> None:
    commands = slash_commands("brief-")
    assert commands["/brief-program"] == "program" and commands["/brief-fact"] == "fact"
    assert commands["/brief"] is None
    assert len(commands) == 12  # five lookups, six groups, the umbrella


def read(slash_name: str | None, text: str) -> tuple[str, dict[str, object]]:
    name, raw = parse_command_line(typed_line(slash_name, text))
    return name, read_options(name, raw, TEAM)


def test_a_picked_channel_becomes_a_place() -> None:
    assert read("digest", "subscribe daily 09:00 channel:<#C0BRIEFING|briefings>") == (
        "digest subscribe",
        {"schedule": "daily 09:00", "channel": ids.place(TEAM, "C0BRIEFING")},
    )
    assert read(None, "digest pause channel:C0BRIEFING")[1]["channel"] == ids.place(
        TEAM, "C0BRIEFING"
    )
    assert read("digest", "resume channel:")[1] == {"channel": ""}


@pytest.mark.parametrize("typed", ["#briefings", "general", "<@U0TESTER01|tester>"])
def test_a_channel_not_picked_as_one_is_explained(typed: str) -> None:
    with pytest.raises(OptionError) as raised:
        read("digest", f"resume channel:{typed}")
    assert "`#`" in raised.value.message("ko") and "picked" in raised.value.message("en")


def test_slack_escapes_are_read_back_as_typed() -> None:
    """Links, people, channels in text options and `&amp; &lt; &gt;` are the words typed."""
    name, options = read(
        "source",
        "add title:R&amp;D &lt;예산&gt; publisher:<#C1|news> <@U1|kim> <!here>"
        " published:2025-12-01 url:<https://example.com/a?b=1&amp;c=2|example.com/a>",
    )
    assert name == "source add"
    assert options == {
        "title": "R&D <예산>",
        "publisher": "#news @kim @here",
        "published": "2025-12-01",
        "url": "https://example.com/a?b=1&c=2",
    }


# --- users.info, remembered -----------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_person_is_looked_up_once_while_fresh(slack_standin: SlackStandIn) -> None:
    clock = Clock()
    people = People(slack_standin_client(slack_standin), "ko", clock=clock)
    slack_standin.users["U0OWNER01"] = User("U0OWNER01", "owner", locale="en-US", is_owner=True)

    member = await people.person(USER_ID)
    again = await people.person(USER_ID)
    clock.now = REMEMBER_SECONDS + 1
    later = await people.person(USER_ID)
    owner = await people.person("U0OWNER01")
    admin = await people.person(ADMIN_USER_ID)

    assert (member.locale, member.runs_workspace) == ("ko", False)
    assert again == later == member
    assert (owner.locale, owner.runs_workspace) == ("en", True)
    assert (admin.locale, admin.runs_workspace) == ("en", True)
    looked_up = [c.args["user"] for c in slack_standin.calls_to("users.info")]
    assert looked_up == [USER_ID, USER_ID, "U0OWNER01", ADMIN_USER_ID]


async def test_a_failed_lookup_gives_the_defaults_and_is_asked_again(
    slack_standin: SlackStandIn,
) -> None:
    people = People(slack_standin_client(slack_standin), "en")
    slack_standin.fail("users.info", "missing_scope")

    missing = await people.person(ADMIN_USER_ID)
    found = await people.person(ADMIN_USER_ID)

    assert (missing.locale, missing.runs_workspace) == ("en", False)
    assert found.runs_workspace
    assert len(slack_standin.calls_to("users.info")) == 2


def slack_standin_client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=standin.api_base)


# --- posting ----------------------------------------------------------------------------------


class Sleeps:
    """A pacer's clock and sleep that record the waits instead of waiting."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_posts_to_a_channel_are_a_second_apart_and_other_channels_do_not_wait(
    slack_standin: SlackStandIn,
) -> None:
    sleeps = Sleeps()
    pacer = ChannelPacer(1.0, clock=sleeps.clock, sleep=sleeps.sleep)
    poster = SlackPoster(slack_standin_client(slack_standin), None, pacer)
    slack_standin.channels["C0OTHER001"] = Channel("C0OTHER001", "other")
    reply = Reply(tuple(Card(f"c{i}", (line("가" * 2900),) * 4) for i in range(3)))

    await poster.send(CHANNEL_ID, reply, "ko")
    sleeps.now += 0.25
    await poster.send("C0OTHER001", Reply((Card("one"),)), "ko")
    await poster.send(CHANNEL_ID, Reply((Card("two"),)), "ko")

    posts = [c.args["channel"] for c in slack_standin.calls_to("chat.postMessage")]
    assert posts == [CHANNEL_ID] * 3 + ["C0OTHER001", CHANNEL_ID]
    assert sleeps.slept == [1.0, 1.0, 0.75]


async def test_a_notice_without_an_audit_channel_is_a_direct_message(
    slack_standin: SlackStandIn, digest_book: DigestBook
) -> None:
    settings = check_settings("daily 09:00", 14, "Asia/Seoul", "ko", True)
    subscription, _ = digest_book.subscribe(
        scope=ids.scope(TEAM), place=ids.place(TEAM, "C0GONE0001"),
        actor=ids.actor(TEAM, ADMIN_USER_ID), settings=settings, revision=1,
        now=datetime(2025, 12, 1, tzinfo=UTC),
    )  # fmt: skip
    poster = SlackPoster(slack_standin_client(slack_standin), None)

    await poster.notify(subscription, "forbidden", notice(subscription, "forbidden"))

    [message] = slack_standin.channel_messages(ADMIN_USER_ID)
    assert "<#C0GONE0001>" in str(message.body) and "/invite @briefbot" in str(message.body)


# --- python -m bot ----------------------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in os.environ:
        if name.startswith(("BRIEFBOT_", "DISCORD_", "SLACK_", "CREDENTIALS_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_both_tokens_give_both_front_ends_on_one_app(
    clean_environment: pytest.MonkeyPatch, store: FactStore
) -> None:
    clean_environment.setenv("DISCORD_TOKEN", "MTIz.discord-token")
    clean_environment.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-3")
    clean_environment.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-3")
    app = App(Config(store_path=store.path), store)

    front_ends = entry.chat_front_ends(app)

    assert [type(f) for f in front_ends] == [DiscordFrontEnd, SlackFrontEnd]
    assert len(app.digests.engine.posters) == 2


def test_http_mode_answers_on_the_bots_web_application(
    clean_environment: pytest.MonkeyPatch, store: FactStore
) -> None:
    clean_environment.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-3")
    clean_environment.setenv("SLACK_SIGNING_SECRET", "secret")
    app = App(Config(store_path=store.path, slack_mode="http"), store)
    http = HttpServer("127.0.0.1", 0)

    [front_end] = entry.chat_front_ends(app, http)

    assert isinstance(front_end, SlackFrontEnd)
    assert [r.resource.canonical for r in http.web.router.routes()] == ["/slack/events"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("config", "env"),
    [("", {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}),
     ('[slack]\nmode = "http"\n[http]\nenabled = false\n',
      {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "s"})],
    ids=["socket mode without the app token", "http mode without the web application"],
)  # fmt: skip
def test_the_bot_exits_78_when_slack_cannot_start(
    clean_environment: pytest.MonkeyPatch,
    tmp_path: Path,
    store: FactStore,
    capsys: pytest.CaptureFixture[str],
    config: str,
    env: dict[str, str],
) -> None:
    for name, value in env.items():
        clean_environment.setenv(name, value)
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")

    status = entry.main(["--db", str(store.path)])

    assert status == EX_CONFIG
    error = capsys.readouterr().err
    assert error.startswith("config error: ") and "xoxb-1-2-3" not in error
