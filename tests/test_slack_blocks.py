"""`bot.render.slack_blocks` keeps every reply, modal and Home tab inside Slack's limits
without losing a line, and nothing from the store can ping or turn into markup.

Slack refuses a whole message when one limit is exceeded, so each payload is checked with
`tests/slack_limits.py` (slack_sdk's own validators plus the limits it does not check):
on every reply the answer tests produce, on every entity card of the data set, and on
synthetic replies far larger than any real one (those of the Discord renderer's tests).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_limits import (
    MESSAGE_BLOCKS_JSON_MAX,
    assert_slack_message,
    assert_slack_view,
    options_violations,
)
from test_answers import AFTER, BEFORE, CASES, Case, answer
from test_discord_payload import SYNTHETIC, huge_card, texts, turn

from bot.briefing.answers import Briefer, Choice, Invocation
from bot.briefing.model import (
    Card,
    Cite,
    FollowUp,
    Form,
    FormField,
    Pagination,
    PlaceRef,
    Reply,
    Section,
    Span,
    line,
)
from bot.ids import slack as ids
from bot.render.slack_blocks import (
    SECTION_TEXT_MAX,
    escape,
    follow_up_value,
    form_view,
    home_view,
    inline_mrkdwn,
    name_picker_view,
    options_payload,
    read_follow_up,
    reply_messages,
)
from store.fact_store import FactStore


def render(reply: Reply, locale: str = "ko") -> list[dict[str, Any]]:
    """Messages for `reply`, each one Slack would accept and that pings no one."""
    messages = reply_messages(reply, locale)
    assert messages, "a reply must send at least one message"
    for message in messages:
        assert_slack_message(message)
    return messages


def block_texts(messages: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn text of every block, in order."""
    found = []
    for message in messages:
        for block in message.get("blocks", []):
            if block["type"] == "section":
                found.append(block["text"]["text"])
            elif block["type"] == "context":
                found += [element["text"] for element in block["elements"]]
    return found


def rendered_lines(reply: Reply) -> list[str]:
    return [
        inline_mrkdwn(parts)
        for card in reply.cards
        for part in (card.lead, *(s.lines for s in card.sections))
        for parts in part
        if inline_mrkdwn(parts).strip()
    ]


def assert_no_line_lost(reply: Reply, messages: list[dict[str, Any]]) -> None:
    """Every line is in some block, whole, and in order (unless it alone is over 3000)."""
    shown = [text for chunk in block_texts(messages) for text in chunk.split("\n")]
    position = 0
    for text in rendered_lines(reply):
        if len(text) > SECTION_TEXT_MAX or "\n" in text:
            continue
        while position < len(shown) and shown[position] != text:
            position += 1
        assert position < len(shown), f"line lost or out of order: {text[:80]!r}"
        position += 1


# --- every real reply -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_answer_fits_slack(store: FactStore, case: Case) -> None:
    reply = answer(store, case)
    messages = render(reply, case.locale)
    assert_no_line_lost(reply, messages)
    header = messages[0]["blocks"][0]
    assert (
        header["type"] == "header" and escape(reply.cards[0].title)[:100] in header["text"]["text"]
    )


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_entity_card_fits_slack(store: FactStore, locale: str) -> None:
    """All programs and institutions, on both sides of the milestones, in one language."""
    found = [
        (r["id"], r["class"])
        for r in store.db.query("SELECT id, class FROM entities WHERE class != 'person'")
    ]
    assert len(found) > 40
    for today in (BEFORE, AFTER):
        briefer = Briefer(store, today=lambda today=today: today)
        for entity_id, entity_class in found:
            reply = briefer.answer(Invocation(entity_class, {"name": entity_id}, locale))
            assert not reply.is_error, entity_id
            assert_no_line_lost(reply, render(reply, locale))


# --- synthetic replies far over the limits --------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_synthetic_replies_fit_slack(name: str, locale: str) -> None:
    reply = SYNTHETIC[name]
    messages = render(reply, locale)
    assert_no_line_lost(reply, messages)
    assert all(m["text"] for m in messages), "every message has a notification text"


def test_a_long_card_is_split_by_size_and_titled_again() -> None:
    """60 sections of 40 lines need many messages; each continuation starts with the card's
    title, continued, and no message comes near Slack's character ceiling."""
    messages = render(Reply((huge_card(fields=60, lines=40),)))
    assert len(messages) > 10
    for message in messages[1:]:
        first = message["blocks"][0]
        assert first["type"] == "header" and first["text"]["text"].endswith(" (계속)")
    sizes = [
        len(json.dumps(m["blocks"], ensure_ascii=False, separators=(",", ":"))) for m in messages
    ]
    assert max(sizes) < MESSAGE_BLOCKS_JSON_MAX
    assert all(len(m["blocks"]) < 50 for m in messages), "split by size, not by count"


def test_fifty_blocks_per_message_even_when_small() -> None:
    reply = Reply(tuple(Card(f"c{i}", texts("d")) for i in range(40)))
    messages = render(reply)
    assert [len(m["blocks"]) for m in messages][:1] == [50]
    assert sum(1 for m in messages for b in m["blocks"] if b["type"] == "header") == 40


def test_a_line_over_3000_is_cut_not_dropped() -> None:
    (message,) = render(Reply((Card("t", (), (Section("f", texts("가" * 5000, "b")),)),)))
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert [len(text) for text in sections] == [3, 3000, 1]
    assert sections[1].endswith("…") and sections[2] == "b"


# --- how each element looks --------------------------------------------------------------


def test_each_element_of_a_line_has_its_slack_look() -> None:
    """Emphasis, code and links become mrkdwn; a Slack place is a channel link, another
    front end's its id; text from the store is escaped and its marks neutralised."""
    parts = line(
        Span("2025년 12월 말", "strong"), " ", Span("종류", "emphasis"), " ",
        Span("a`b & <c>", "code"), " ", Span("「기사」", link="https://example.com/a?b=1&c=2|x"),
        " ", Cite(3), " ", PlaceRef(ids.place("T1", "C42")), " ", PlaceRef("discord:guild/1/channel/2"),
        " ", "*굵게* _기울임_ ~취소~ `code` <!everyone> <@U1> & https://example.com/a_b*c",
    )  # fmt: skip
    assert inline_mrkdwn(parts) == (
        "*2025년 12월 말* _종류_ `aˋb &amp; &lt;c&gt;` "
        "<https://example.com/a?b=1&amp;c=2%7Cx|「기사」> [3] <#C42> discord:guild/1/channel/2 "
        "∗굵게∗ ˍ기울임ˍ ∼취소∼ ˋcodeˋ &lt;!everyone&gt; &lt;@U1&gt; &amp; "
        "<https://example.com/a_b*c>"
    )


def test_a_title_that_would_ping_is_escaped_and_an_error_is_marked() -> None:
    (message,) = render(Reply((Card("<!here> 공지", tone="error"),)))
    assert message["blocks"][0]["text"]["text"] == ":warning: &lt;!here&gt; 공지"
    assert message["text"] == ":warning: &lt;!here&gt; 공지"
    assert "link_names" not in message


def test_a_header_is_cut_to_150_without_breaking_an_escape() -> None:
    (message,) = render(Reply((Card("&" * 200),)))
    title = message["blocks"][0]["text"]["text"]
    assert len(title) <= 150 and title.endswith("…") and title.count("&amp;") == 29


# --- buttons -----------------------------------------------------------------------------


def test_search_pages_become_buttons_that_carry_their_command(store: FactStore) -> None:
    reply = answer(store, Case("search", {"query": "AI", "page": 2}))
    actions = render(reply)[-1]["blocks"][-1]
    assert [b["text"]["text"] for b in actions["elements"]] == ["◀ 1쪽", "3쪽 ▶"]
    assert [b["action_id"] for b in actions["elements"]] == ["bb:page:previous", "bb:page:next"]
    assert [read_follow_up(b["value"]) for b in actions["elements"]] == [
        ("search", {"query": "AI", "page": 1}),
        ("search", {"query": "AI", "page": 3}),
    ]


def test_did_you_mean_becomes_pick_buttons(store: FactStore) -> None:
    reply = answer(store, Case("program", {"name": "sovereign"}, "en"))
    (message,) = render(reply, "en")
    actions = message["blocks"][-1]
    assert [read_follow_up(b["value"]) for b in actions["elements"]] == [
        ("program", {"name": "sovereign-ai-foundation-model"}),
        ("program", {"name": "sovereign-ai-public-forum"}),
    ]
    assert [b["action_id"] for b in actions["elements"]] == ["bb:pick:0", "bb:pick:1"]


def test_a_button_whose_value_would_not_fit_is_left_out() -> None:
    """A label is cut to 75 characters; a value never (it would ask something else)."""
    messages = render(SYNTHETIC["long page tokens"])
    (actions,) = [b for b in messages[-1]["blocks"] if b["type"] == "actions"]
    assert [len(b["text"]["text"]) for b in actions["elements"]] == [75, 1]
    assert [read_follow_up(b["value"]) for b in actions["elements"]] == [
        ("search", {"query": "q" * 200, "page": 1}),
        ("search", {"query": "짧은", "page": 3}),
    ]
    long = Reply((Card("t"),), pagination=Pagination(1, 2, None, turn("▶", 2, "q" * 3000)))
    assert all(b["type"] != "actions" for b in render(long)[-1]["blocks"])


@pytest.mark.parametrize(
    "value", ["", "x", "[]", '{"command": 1, "options": []}', '{"command": "a"}', '{"command": "a", "options": [1]}']
)  # fmt: skip
def test_a_value_we_did_not_make_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        read_follow_up(value)


def test_a_follow_up_value_reads_back_as_its_command() -> None:
    pick = FollowUp("x", "milestones", (("program", "p1"), ("days", 30), ("past", False)))
    assert read_follow_up(follow_up_value(pick)) == (
        "milestones",
        {"program": "p1", "days": 30, "past": False},
    )


# --- modals, options, the Home tab --------------------------------------------------------


FORM = Form(
    "fact", "national-ai-research-lab|budget", 12, "사실 수정: 아주 긴 제목이 스물네 글자를 넘는 양식",
    (
        FormField("value", "값", "946억 <!here>", 500, True, long=True),
        FormField("source", "출처", "", 5000, True),
        FormField("reason", "이유", "", 200),
    ),
)  # fmt: skip


def test_a_form_is_a_modal_that_carries_what_it_edits() -> None:
    view = form_view(FORM, "ko", {"response_url": "https://hooks.example/1", "place": "slack:T/C"})
    assert view is not None
    assert_slack_view(view)
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    assert json.loads(view["private_metadata"]) == {
        "kind": "fact", "key": "national-ai-research-lab|budget", "revision": 12,
        "response_url": "https://hooks.example/1", "place": "slack:T/C",
    }  # fmt: skip
    value, source, reason = view["blocks"]
    assert value["element"]["initial_value"] == "946억 <!here>", "an input holds the raw value"
    assert (value["optional"], reason["optional"]) == (False, True)
    assert value["element"]["multiline"] and source["element"]["max_length"] == 3000


def test_a_form_whose_metadata_would_not_fit_is_not_made() -> None:
    assert form_view(FORM, "en", {"response_url": "x" * 3000}) is None


def test_the_name_picker_is_a_modal_with_an_external_select() -> None:
    view = name_picker_view("institution", "en", {"place": "slack:T/C"})
    assert view is not None
    assert_slack_view(view)
    (block,) = view["blocks"]
    assert block["element"]["type"] == "external_select"
    assert json.loads(view["private_metadata"])["command"] == "institution"
    assert view["title"]["text"] == "Find an institution"


def test_options_fit_slack() -> None:
    choices = [Choice(f"{i} " + "이름" * 50, f"id-{i}") for i in range(120)]
    choices += [Choice("too long a value", "v" * 151), Choice("<!channel>", "ping")]
    payload = options_payload(choices)
    assert options_violations(payload) == []
    assert len(payload["options"]) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in payload["options"])
    assert all(len(o["value"]) <= 150 for o in payload["options"])


def test_the_home_tab_keeps_to_100_blocks() -> None:
    view = home_view([SYNTHETIC["many small fields"], SYNTHETIC["30 tiny cards"]], "ko")
    assert_slack_view(view)
    assert len(view["blocks"]) == 100 and "/milestones" in view["blocks"][-1]["elements"][0]["text"]
