"""Files and links in Discord payloads: each picture uploaded with the message that holds
its card, a reply's files with the first message, web links as link buttons."""

from __future__ import annotations

from discord_limits import assert_discord_limits
from web_helpers import tiny_png

from bot.briefing.model import Attachment, Card, Reply, Section, Span, line
from bot.render.discord_payload import reply_messages

PICTURE = Attachment("timeline-x.png", "image/png", tiny_png(), "그림 설명")
CALENDAR = Attachment("milestones.ics", "text/calendar", b"BEGIN:VCALENDAR", "달력")


def card(number: int, image: Attachment | None = None) -> Card:
    return Card(f"카드 {number}", (line("본문"),), (Section("절", (line("줄"),)),), image=image)


def test_a_picture_travels_with_the_message_that_holds_its_card() -> None:
    cards = tuple(card(n, PICTURE if n == 12 else None) for n in range(15))
    messages = reply_messages(Reply(cards, attachments=(CALENDAR,)), "ko")
    assert len(messages) == 2
    first, second = messages
    assert first.files == (CALENDAR,) and second.files == (PICTURE,)
    assert first.payload["attachments"] == [
        {"id": "0", "filename": "milestones.ics", "description": "달력"}
    ]
    assert second.payload["attachments"][0]["filename"] == "timeline-x.png"
    shown = [e.get("image") for e in second.payload["embeds"]]
    assert shown.count({"url": "attachment://timeline-x.png"}) == 1
    assert shown[12 - 10] == {"url": "attachment://timeline-x.png"}
    for message in messages:
        assert_discord_limits(message.payload)


def test_web_links_become_link_buttons_after_the_other_rows() -> None:
    links = (
        Span("웹에서 보기", link="https://example.org/program/x"),
        Span("not a web address", link="ftp://example.org/x"),
        Span("too long", link="https://example.org/" + "x" * 600),
    )
    (message,) = reply_messages(Reply((card(1),), links=links), "ko")
    assert message.payload["components"] == [
        {"type": 1, "components": [
            {"type": 2, "style": 5, "label": "웹에서 보기", "url": "https://example.org/program/x"}
        ]}
    ]  # fmt: skip
    assert "attachments" not in message.payload and message.files == ()
    assert_discord_limits(message.payload)
