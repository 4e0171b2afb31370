"""Admin fact updates end to end: the real client, the loopback Discord, the real store.

Trust comes from the config (here: a fact-admin role); Discord's Manage Server default
only hides the commands, so a manager who is not a configured admin is refused too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import loopback.objects as obj
import pytest
from loopback.harness import Exchange, LoopbackBot

from bot.config import Config
from store.fact_store import FactStore

ADMIN = {"roles": (obj.ADMIN_ROLE_ID,)}
MANAGER = {"permissions": obj.ADMIN_PERMISSIONS}  # Manage Server, not a configured admin
SOURCE = "byline-2025-foundation-kickoff"
CONTEST = 5  # the 대국민 콘테스트 milestone of the bundled data set

# One valid use of every admin subcommand, in the order they can follow each other.
EVERY_COMMAND: list[tuple[tuple[str, str], dict[str, Any]]] = [
    (("fact", "set"), {"entity": "KAIST", "attribute": "budget", "value": "1000억원", "source": SOURCE}),
    (("fact", "retire"), {"entity": "ETRI", "attribute": "location", "reason": "이전"}),
    (("fact", "revert"), {"revision": None}),  # the revision of a change made just before
    (("milestone", "add"), {"program": "국가 AI 연구거점", "title": "중간 평가", "date": "2026년 상반기", "source": SOURCE}),
    (("milestone", "update"), {"milestone": CONTEST, "date": "2026년 1월"}),
    (("milestone", "done"), {"milestone": CONTEST}),
    (("milestone", "cancel"), {"milestone": CONTEST}),
    (("entity", "add"), {"kind": "company", "name_ko": "테스트 AI", "source": SOURCE, "name_en": "Test AI"}),
    (("alias", "add"), {"entity": "ETRI", "alias": "전자통신연"}),
    (("source", "add"), {"title": "새 기사", "publisher": "테스트일보", "published": "2025-12-01", "url": "https://example.com/a"}),
]  # fmt: skip


@pytest.fixture
async def admin_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    config = Config(
        store_path=store.path, guild_ids=(obj.GUILD_ID,), admin_role_ids=(obj.ADMIN_ROLE_ID,),
        admin_audit_channel_id=obj.AUDIT_CHANNEL_ID,
    )  # fmt: skip
    async with LoopbackBot(store, tmp_path, config=config) as running:
        yield running
    assert running.server.violations == []


def audit_messages(bot: LoopbackBot) -> list[dict[str, Any]]:
    return bot.server.channel_messages(obj.AUDIT_CHANNEL_ID)


@pytest.mark.parametrize(
    ("path", "options"), EVERY_COMMAND, ids=[" ".join(p) for p, _ in EVERY_COMMAND]
)
async def test_every_admin_command_for_an_admin_and_for_a_mere_manager(
    admin_bot: LoopbackBot, path: tuple[str, str], options: dict[str, Any]
) -> None:
    if options.get("revision", 0) is None:
        made = admin_bot.store.add_alias(entity="ETRI", alias="임시 별칭", actor="console:local")
        options = {**options, "revision": made.revision}
    before = admin_bot.store.revision()
    refused = await admin_bot.command(*path, **MANAGER, **options)
    assert refused.ephemeral and "관리자" in refused.text
    assert admin_bot.store.revision() == before
    done = await admin_bot.command(*path, **ADMIN, **options)
    assert done.ephemeral, done.text
    assert admin_bot.store.revision() == before + 1, done.text
    assert f"#{before + 1}" in done.text and "/fact revert" in done.text
    [echo] = audit_messages(admin_bot)
    assert f"#{before + 1}" in echo["embeds"][0]["title"]


async def test_history_and_revert_restore_the_exact_earlier_state(admin_bot: LoopbackBot) -> None:
    facts = admin_bot.store.db["facts"]
    before = list(facts.rows)
    await admin_bot.command("fact", "set", **ADMIN, entity="국가 AI 연구거점", attribute="budget",
                            value="1조 원", source=SOURCE, reason="추경")  # fmt: skip
    changed = admin_bot.store.revision()
    # A member without Manage Server sees `/fact-history` (outside the hidden `/fact`) and
    # may read it.
    synced = {c["name"]: c for c in admin_bot.server.commands[str(obj.GUILD_ID)]}
    assert synced["fact-history"]["default_member_permissions"] is None
    history = await admin_bot.command(
        "fact-history", entity="국가 AI 연구거점", attribute="budget", locale="en-US"
    )
    assert history.ephemeral
    assert f"#{changed}" in history.text and "Why: 추경" in history.text
    assert "→ deprecated" in history.text  # old → new of the superseded statement
    await admin_bot.command("fact", "revert", **ADMIN, revision=changed, reason="오타")
    assert list(facts.rows) == before


async def test_bad_values_are_explained_and_change_nothing(admin_bot: LoopbackBot) -> None:
    cases = [
        ({"entity": "KAIST", "attribute": "budget", "value": "많이", "source": SOURCE}, "예"),
        ({"entity": "KAISTT", "attribute": "budget", "value": "1억", "source": SOURCE}, "KAIST"),
        (
            {"entity": "KAIST", "attribute": "budget", "value": "1억", "source": "no-such-source"},
            "no-such-source",
        ),
    ]
    db_file = Path(admin_bot.store.path)
    for options, hint in cases:
        before = (db_file.read_bytes(), Path(f"{db_file}-wal").read_bytes())
        exchange = await admin_bot.command("fact", "set", **ADMIN, **options)
        assert exchange.ephemeral and hint in exchange.text, exchange.text
        assert (db_file.read_bytes(), Path(f"{db_file}-wal").read_bytes()) == before


def modal_of(exchange: Exchange) -> dict[str, Any]:
    assert exchange.callback["type"] == 9, exchange.callback  # MODAL
    return exchange.callback["data"]


def prefilled(modal: dict[str, Any]) -> dict[str, str]:
    return {
        c["custom_id"]: c.get("value", "") for row in modal["components"] for c in row["components"]
    }


async def test_milestone_update_without_options_opens_a_prefilled_form(
    admin_bot: LoopbackBot,
) -> None:
    modal = modal_of(await admin_bot.command("milestone", "update", **ADMIN, milestone=CONTEST))
    values = prefilled(modal)
    assert values["title"] == "대국민 콘테스트" and values["date"] == "12월 말"
    values.update(date="2026년 1월 말", reason="일정 연기")
    saved = await admin_bot.submit_modal(modal["custom_id"], values, roles=(obj.ADMIN_ROLE_ID,))
    assert saved.ephemeral and "#" in saved.text
    assert admin_bot.store.milestone(CONTEST)["date_text"] == "2026년 1월 말"


async def test_a_form_submitted_after_another_change_is_refused(admin_bot: LoopbackBot) -> None:
    modal = modal_of(await admin_bot.command("milestone", "update", **ADMIN, milestone=CONTEST))
    await admin_bot.command("milestone", "done", **ADMIN, milestone=CONTEST)
    revision = admin_bot.store.revision()
    values = {**prefilled(modal), "date": "2026년 1월 말"}
    stale = await admin_bot.submit_modal(modal["custom_id"], values, roles=(obj.ADMIN_ROLE_ID,))
    assert stale.ephemeral and str(revision) in stale.text, stale.text
    assert admin_bot.store.revision() == revision
    assert admin_bot.store.milestone(CONTEST)["date_text"] == "12월 말"


async def test_fact_edit_opens_the_current_statement(admin_bot: LoopbackBot) -> None:
    modal = modal_of(
        await admin_bot.command("fact", "edit", **ADMIN, entity="ETRI", attribute="location")
    )
    values = prefilled(modal)
    assert values["value"] == "대전 본원" and values["source"] == "hellot-2025-08-etri-forum"
    saved = await admin_bot.submit_modal(
        modal["custom_id"], {**values, "value": "대전 유성구 본원"}, roles=(obj.ADMIN_ROLE_ID,)
    )
    assert saved.ephemeral and "대전 유성구 본원" in saved.text


async def test_a_manager_cannot_even_open_a_form(admin_bot: LoopbackBot) -> None:
    exchange = await admin_bot.command("milestone", "update", **MANAGER, milestone=CONTEST)
    assert exchange.callback["type"] == 4 and exchange.ephemeral


@pytest.mark.parametrize(
    ("path", "focused", "typed", "expected"),
    [
        (("fact", "set"), "attribute", "bud", "budget"),
        (("fact", "set"), "source", "byline", SOURCE),
        (("fact", "set"), "entity", "KA", "kaist"),
        (("milestone", "done"), "milestone", "콘테스트", str(CONTEST)),
        (("entity", "add"), "kind", "연구", "research_institute"),
    ],
)
async def test_admin_options_autocomplete(
    admin_bot: LoopbackBot, path: tuple[str, str], focused: str, typed: str, expected: str
) -> None:
    exchange = await admin_bot.autocomplete(*path, focused=focused, **{focused: typed})
    values = [str(c["value"]) for c in exchange.choices]
    assert 1 <= len(values) <= 25 and expected in values, values


async def test_a_form_still_saves_after_the_bot_restarted(admin_bot: LoopbackBot) -> None:
    """Forms keep no state in the process: what to apply is in the modal's custom_id."""
    modal = modal_of(await admin_bot.command("milestone", "update", **ADMIN, milestone=CONTEST))
    await admin_bot.restart()
    values = {**prefilled(modal), "title": "대국민 AI 콘테스트"}
    saved = await admin_bot.submit_modal(modal["custom_id"], values, roles=(obj.ADMIN_ROLE_ID,))
    assert saved.ephemeral and "#" in saved.text
    assert admin_bot.store.milestone(CONTEST)["title_ko"] == "대국민 AI 콘테스트"


@pytest.mark.parametrize(
    ("custom_id", "expected"),
    [
        ("bb:form:milestone:abc:5", "양식을 읽을 수 없습니다"),  # not a revision number
        ("bb:form:milestone:999999:5", "아직 없는 수정 번호"),  # a revision from the future
    ],
)
async def test_a_forged_form_is_refused_politely_and_writes_nothing(
    admin_bot: LoopbackBot, custom_id: str, expected: str
) -> None:
    """A form id the bot never made gets an answer (never silence), and a form claiming a
    revision the store has not reached cannot skip the stale-edit check."""
    before = admin_bot.store.revision()
    values = {"title": "위조", "title_en": "", "date": "2030년", "source": SOURCE, "reason": ""}
    refused = await admin_bot.submit_modal(custom_id, values, roles=(obj.ADMIN_ROLE_ID,))
    assert refused.ephemeral and expected in refused.text, refused.text
    assert admin_bot.store.revision() == before
