"""`reply_payloads` keeps every reply inside Discord's limits without losing a line.

Discord rejects a whole message when one limit is exceeded, so a too-long card would
be no answer at all. Checked on every reply the answer tests produce, on every entity
card in the data set, and on synthetic replies far larger than any real one; and the
Discord look of each element of the reply model (emphasis, links, places, buttons).
"""

from __future__ import annotations

from typing import Any

import pytest
from discord_limits import EMBED_TOTAL_MAX, FIELD_VALUE_MAX, assert_discord_limits
from test_answers import AFTER, BEFORE, CASES, Case, answer

from bot.briefing.answers import Briefer, Invocation
from bot.briefing.commands import COMMANDS
from bot.briefing.model import (
    Attachment,
    Card,
    Cite,
    FollowUp,
    Pagination,
    PlaceRef,
    Reply,
    Section,
    Span,
    line,
)
from bot.discord_adapter.commands import CommandBuilder
from bot.ids import discord as ids
from bot.render.discord_payload import (
    RenderedReplies,
    inline_markdown,
    reply_messages,
    reply_payloads,
)
from store.fact_store import FactStore


def render(reply: Reply, locale: str = "ko") -> list[dict[str, Any]]:
    """Payloads for `reply`, each checked against Discord's limits and the ephemeral flag."""
    payloads = reply_payloads(reply, locale)
    assert payloads, "a reply must send at least one message"
    for payload in payloads:
        assert_discord_limits(payload, ephemeral=reply.private)
    return payloads


def field_values(payloads: list[dict[str, Any]]) -> list[str]:
    return [f["value"] for p in payloads for e in p["embeds"] for f in e.get("fields", [])]


def rendered_lines(reply: Reply) -> list[str]:
    """Every section line of a reply as this renderer writes it, in order."""
    return [
        inline_markdown(parts)
        for card in reply.cards
        for section in card.sections
        for parts in section.lines
    ]


def assert_no_line_lost(reply: Reply, payloads: list[dict[str, Any]]) -> None:
    """Every line of every section is in some field value, unless it alone exceeds 1024."""
    values = field_values(payloads)
    whole_lines = {text.strip() for v in values for text in v.split("\n")}
    joined = "\n".join(values)
    for text in rendered_lines(reply):
        if len(text) > FIELD_VALUE_MAX or not text.strip():
            continue
        found = text.strip() in whole_lines or ("\n" in text and text.strip() in joined)
        assert found, f"line lost: {text[:80]!r}"


def assert_lines_in_order(reply: Reply, payloads: list[dict[str, Any]]) -> None:
    """Split sections keep their lines in order: the value lines, read in sequence, are
    the original lines (cut ones end with …)."""
    rendered = [text for v in field_values(payloads) for text in v.split("\n")]
    original = [text for text in rendered_lines(reply) if text.strip()]
    rendered = [text for text in rendered if text != "-"]
    assert len(rendered) >= len([o for o in original if "\n" not in o])
    position = 0
    for text in original:
        if "\n" in text:
            continue
        expected = text.strip() if len(text) <= FIELD_VALUE_MAX else text[: FIELD_VALUE_MAX - 1]
        while position < len(rendered) and not rendered[position].startswith(expected):
            position += 1
        assert position < len(rendered), f"line out of order or lost: {text[:60]!r}"
        position += 1


# --- every real reply -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_answer_fits_discord(store: FactStore, case: Case) -> None:
    reply = answer(store, case)
    payloads = render(reply, case.locale)
    assert_no_line_lost(reply, payloads)
    assert payloads[0]["embeds"][0]["title"] == reply.cards[0].title[:256]


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_entity_card_fits_discord(store: FactStore, locale: str) -> None:
    """All programs and institutions, on both sides of the milestones, in one language."""
    ids = [
        (r["id"], r["class"])
        for r in store.db.query("SELECT id, class FROM entities WHERE class != 'person'")
    ]
    assert len(ids) > 40
    for today in (BEFORE, AFTER):
        briefer = Briefer(store, today=lambda today=today: today)
        for entity_id, entity_class in ids:
            reply = briefer.answer(Invocation(entity_class, {"name": entity_id}, locale))
            assert not reply.is_error, entity_id
            payloads = render(reply, locale)
            assert_no_line_lost(reply, payloads)


def test_payload_shape(store: FactStore) -> None:
    """The keys an interaction response needs, and mentions that can never ping."""
    reply = answer(store, Case("program", {"name": "@everyone"}))
    (payload,) = render(reply)
    assert set(payload) == {"content", "embeds", "allowed_mentions", "flags", "components"}
    assert payload["allowed_mentions"] == {
        "parse": [],
        "users": [],
        "roles": [],
        "replied_user": False,
    }
    assert payload["flags"] == 64 and payload["content"] == ""
    (public,) = render(answer(store, Case("about")))
    assert public["flags"] == 0


def test_search_pages_become_buttons(store: FactStore) -> None:
    reply = answer(store, Case("search", {"query": "AI", "page": 2}))
    payloads = render(reply)
    (row,) = payloads[-1]["components"]
    assert [b["label"] for b in row["components"]] == ["◀ 1쪽", "3쪽 ▶"]
    assert [b["custom_id"] for b in row["components"]] == ["bb:search:1:AI", "bb:search:3:AI"]


def test_did_you_mean_becomes_pick_buttons(store: FactStore) -> None:
    """An ambiguous name offers each candidate as a button that asks again with it."""
    reply = answer(store, Case("program", {"name": "sovereign"}, "en"))
    (payload,) = render(reply, "en")
    (row,) = payload["components"]
    assert [b["custom_id"] for b in row["components"]] == [
        "bb:pick:program:name:sovereign-ai-foundation-model",
        "bb:pick:program:name:sovereign-ai-public-forum",
    ]
    assert row["components"][0]["label"].startswith("Sovereign AI Foundation Model Project")


def test_each_element_of_a_line_has_its_discord_look() -> None:
    """Emphasis and links become markdown; text from the store is escaped so it never
    turns into markup; a Discord place is a channel mention, another front end's its id."""
    channel = ids.place(1, 42)
    parts = line(
        Span("2025년 12월 말", "strong"), " ", Span("종류", "emphasis"), " ",
        Span("「기사」", link="https://example.com/a_(b)"), " ", Cite(3), " ",
        PlaceRef(channel), " ", PlaceRef("console:local"), " ",
        "**굵게** `code` ||가림|| [링크](https://evil.example) _x_",
    )  # fmt: skip
    assert inline_markdown(parts) == (
        "**2025년 12월 말** *종류* [「기사」](https://example.com/a_%28b%29) [3] <#42> console:local "
        "\\*\\*굵게\\*\\* \\`code\\` \\|\\|가림\\|\\| \\[링크\\](https://evil.example) \\_x\\_"
    )


def test_a_tone_is_a_colour() -> None:
    colours = {
        tone: render(Reply((Card("t", tone=tone),)))[0]["embeds"][0]["color"]  # type: ignore[arg-type]
        for tone in ("program", "institution", "person", "list", "error")
    }
    assert len(set(colours.values())) == 5


# --- synthetic replies far over the limits --------------------------------------------


def _line(card: int, field: int, line: int, width: int = 40) -> str:
    head = f"c{card}f{field}l{line}:"
    return head + "가나다라마바사" * (width // 7) + "."


def texts(*values: str) -> tuple[tuple[Span, ...], ...]:
    return tuple(line(v) for v in values)


def huge_card(index: int = 0, fields: int = 60, lines: int = 40, width: int = 40) -> Card:
    return Card(
        title=f"Card {index} " + "제목" * 200,
        lead=texts("설명 " * 2000),
        sections=tuple(
            Section(f"field {index}.{f} " + "이름" * 150, texts(*(_line(index, f, n, width) for n in range(lines))))
            for f in range(fields)
        ),
        footer=line("기준: " + "출처" * 1500),
        tone="program",
    )  # fmt: skip


def turn(label: str, page: int, query: str) -> FollowUp:
    return FollowUp(label, "search", (("query", query), ("page", page)))


SYNTHETIC: dict[str, Reply] = {
    "60 fields of 40 lines": Reply((huge_card(fields=60, lines=40),)),
    "10000-char description": Reply((Card("t", texts("가" * 10000)),)),
    "10000-char description and fields": Reply(
        (Card("t", texts("a" * 10000), (Section("f", texts("x")),), footer=line("f" * 3000)),)
    ),
    "30 tiny cards": Reply(tuple(Card(f"c{i}", texts("d"), (Section("f", texts("v")),)) for i in range(30))),
    "30 cards": Reply(tuple(huge_card(i, fields=3, lines=5) for i in range(30))),
    "30 huge cards, private": Reply(
        tuple(huge_card(i, fields=8, lines=30) for i in range(30)), private=True
    ),
    "one line over 1024": Reply((Card("t", (), (Section("f", texts("a" * 3000, "b", "c" * 1024)),)),)),
    "lines of exactly 1024": Reply((Card("t", (), (Section("f", texts(*(str(i) * 1024 for i in range(9)))),)),)),
    "empty things": Reply(
        (Card("", texts(""), (Section("", ()), Section("  ", texts("", "  ")), Section("\u200b", texts("x")))),)
    ),
    "300-char title and field name": Reply((Card("T" * 300, texts("d"), (Section("N" * 300, texts(*("v",) * 200)),)),)),
    "long page tokens": Reply(
        (Card("t", texts("d")),),
        pagination=Pagination(2, 3, turn("◀" * 100, 1, "q" * 200), turn("▶", 3, "짧은")),
    ),
    "many small fields": Reply((Card("t", texts("d"), tuple(Section(f"f{i}", texts(f"v{i}")) for i in range(200))),)),
    "wide lines": Reply((huge_card(fields=10, lines=100, width=300),)),
}  # fmt: skip


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_synthetic_replies_fit_discord(name: str, locale: str) -> None:
    reply = SYNTHETIC[name]
    payloads = render(reply, locale)
    assert_no_line_lost(reply, payloads)
    assert_lines_in_order(reply, payloads)
    embeds = [e for p in payloads for e in p["embeds"]]
    assert embeds[0]["title"], "the first embed keeps a title"
    footers = [e["footer"]["text"] for e in embeds if "footer" in e]
    cards_with_footer = sum(1 for c in reply.cards if c.footer)
    assert len(footers) == cards_with_footer


def test_a_card_split_over_embeds_keeps_its_footer_on_the_last() -> None:
    card = huge_card(fields=60, lines=40)
    payloads = render(Reply((card,)))
    embeds = [e for p in payloads for e in p["embeds"]]
    assert len(embeds) > 10, "60×40 lines cannot fit one message"
    assert len(payloads) > 1
    assert "footer" in embeds[-1] and all("footer" not in e for e in embeds[:-1])
    assert all(e["title"].endswith(" (계속)") for e in embeds[1:])
    names = [f["name"] for e in embeds for f in e.get("fields", [])]
    assert sum(n.endswith(" (계속)") for n in names) >= 60, "each 1640-char field splits"
    assert all(p["allowed_mentions"]["parse"] == [] for p in payloads)


def test_a_long_description_is_cut_not_dropped() -> None:
    (payload,) = render(Reply((Card("t", texts("가" * 10000)),)))
    description = payload["embeds"][0]["description"]
    assert description.startswith("가" * 4000) and description.endswith("…")


def test_the_message_total_counts_every_embed() -> None:
    """Ten small-enough embeds can still exceed 6000 together; they must be spread out."""
    cards = tuple(Card(f"c{i}", texts("d" * 1500)) for i in range(10))
    payloads = render(Reply(cards))
    assert len(payloads) >= 3
    for payload in payloads:
        total = sum(len(e["title"]) + len(e.get("description", "")) for e in payload["embeds"])
        assert total <= EMBED_TOTAL_MAX


def test_ten_embeds_per_message_even_when_small() -> None:
    payloads = render(SYNTHETIC["30 tiny cards"])
    assert [len(p["embeds"]) for p in payloads] == [10, 10, 10]


def test_an_overlong_custom_id_is_left_out_not_cut() -> None:
    """A cut custom_id would page through the wrong query; leaving the button out is safer."""
    payloads = render(SYNTHETIC["long page tokens"])
    (row,) = payloads[-1]["components"]
    assert [b["custom_id"] for b in row["components"]] == ["bb:search:3:짧은"]


@pytest.mark.parametrize("private", [True, False])
def test_every_follow_up_carries_the_flags_and_mentions(private: bool) -> None:
    reply = Reply(tuple(huge_card(i, fields=8, lines=30) for i in range(12)), private=private)
    payloads = render(reply)
    assert len(payloads) > 1
    assert {p["flags"] for p in payloads} == {64 if private else 0}
    assert all(p["components"] == [] for p in payloads)


def test_page_buttons_fit_the_longest_query_and_page_discord_can_send(store: FactStore) -> None:
    """The renderer drops a button whose custom_id would exceed 100 characters, so the
    query option Discord offers must be short enough for the highest page."""
    spec = COMMANDS["search"]
    page_max = spec.option("page").max_value
    tree_search = next(
        c
        for c in CommandBuilder(None).commands()  # type: ignore[arg-type]
        if c.name == "search"
    )
    # discord.py keeps a string option's length range in min_value/max_value.
    query_max = tree_search._params["query"].max_value  # type: ignore[union-attr]
    assert query_max is not None and page_max is not None
    reply = Reply(
        (Card("검색", texts("…")),),
        pagination=Pagination(page_max, page_max, turn("◀", page_max, "가" * query_max)),
    )
    [payload] = reply_payloads(reply, "ko")
    assert [b["custom_id"] for b in payload["components"][0]["components"]] == [
        f"bb:search:{page_max}:{'가' * query_max}"
    ]


PICTURE = Attachment("timeline-p.png", "image/png", b"\x89PNG not really", "a timeline")
REMEMBERED: dict[str, Reply] = {
    **SYNTHETIC,
    "a card with its picture and a calendar": Reply(
        (Card("t", texts("d"), image=PICTURE),),
        attachments=(Attachment("m.ics", "text/calendar", b"BEGIN:VCALENDAR"),),
    ),
}


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("name", list(REMEMBERED))
def test_a_remembered_rendering_is_the_fresh_one(name: str, locale: str) -> None:
    reply = REMEMBERED[name]
    rendered = RenderedReplies()
    fresh = reply_messages(reply, locale)
    assert rendered.messages(reply, locale) == fresh
    assert rendered.messages(reply, locale) == fresh, "and so is the one read back"


def test_a_remembered_rendering_is_not_changed_by_what_a_sender_does_to_it() -> None:
    reply = SYNTHETIC["long page tokens"]
    rendered = RenderedReplies()
    [first] = rendered.messages(reply, "ko")
    first.payload["embeds"][0]["title"] = "changed"
    first.payload["components"].clear()
    first.payload["allowed_mentions"]["parse"].append("everyone")
    assert rendered.messages(reply, "ko") == reply_messages(reply, "ko")


def test_renderings_of_different_replies_and_locales_are_kept_apart() -> None:
    """Also once they no longer all fit: a rendering let go is built again."""
    rendered = RenderedReplies(size=2)
    replies = [
        SYNTHETIC["60 fields of 40 lines"],
        SYNTHETIC["30 tiny cards"],
        REMEMBERED["a card with its picture and a calendar"],
    ]
    for _ in range(2):
        for reply in replies:
            for locale in ("ko", "en"):
                assert rendered.messages(reply, locale) == reply_messages(reply, locale)
