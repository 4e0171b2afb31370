"""What the Slack renderer makes of a reply's files and web links: the uploads' names,
bytes, titles and descriptions within Slack's limits (`bot.render.slack_files`), a DM's
introduction that cannot ping, and link buttons Slack accepts (`bot.render.slack_blocks`)."""

from __future__ import annotations

from slack_limits import assert_slack_message
from slack_loopback.files import ALT_TEXT_MAX

from bot.briefing.model import Attachment, Card, Reply, Span
from bot.render.slack_blocks import reply_messages
from bot.render.slack_files import direct_comment, file_names, file_uploads

PICTURE = Attachment("timeline-x.png", "image/png", b"\x89PNG", "사업 일정 타임라인 그림 (3건)")
CALENDAR = Attachment("milestones.ics", "text/calendar", b"BEGIN:VCALENDAR", "briefbot 일정")


def test_each_file_is_one_upload_and_only_a_picture_is_described_for_screen_readers() -> None:
    picture, calendar = file_uploads([PICTURE, CALENDAR])

    assert picture == {
        "filename": "timeline-x.png",
        "content": b"\x89PNG",
        "title": "사업 일정 타임라인 그림 (3건)",
        "alt_txt": "사업 일정 타임라인 그림 (3건)",
    }
    assert calendar == {
        "filename": "milestones.ics",
        "content": b"BEGIN:VCALENDAR",
        "title": "briefbot 일정",
    }
    assert file_names([PICTURE, CALENDAR]) == "`timeline-x.png`, `milestones.ics`"


def test_a_long_description_is_cut_to_what_slack_takes() -> None:
    long = Attachment("t.png", "image/png", b"", "가" * 5000)
    [upload] = file_uploads([long])
    assert len(upload["alt_txt"]) == ALT_TEXT_MAX and upload["alt_txt"].endswith("…")
    assert len(upload["title"]) == 150
    [unnamed] = file_uploads([Attachment("plain.ics", "text/calendar", b"x")])
    assert unnamed["title"] == "plain.ics" and "alt_txt" not in unnamed


def test_a_dms_introduction_shows_a_title_that_would_ping_as_text() -> None:
    reply = Reply((Card("<!everyone> *공지* & 일정", image=PICTURE),), private=True)

    comment = direct_comment(reply, "en")

    assert comment == "The files that go with: *&lt;!everyone&gt; ∗공지∗ &amp; 일정*"
    assert_slack_message({"text": comment})


def test_web_links_are_link_buttons_and_a_link_slack_would_refuse_is_left_out() -> None:
    links = (
        Span("웹에서 보기", link="https://briefbot.example.org/program/x"),
        Span("not a web link", link="javascript:alert(1)"),
        Span("too long", link="https://briefbot.example.org/" + "a" * 3000),
        Span("no link"),
        Span("달력 구독 주소", link="https://briefbot.example.org/calendar.ics?program=x"),
    )
    [message] = reply_messages(Reply((Card("카드"),), links=links), "ko")

    assert_slack_message(message)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert actions["elements"] == [
        {
            "type": "button",
            "action_id": "bb:link:0",
            "text": {"type": "plain_text", "text": "웹에서 보기"},
            "url": "https://briefbot.example.org/program/x",
        },
        {
            "type": "button",
            "action_id": "bb:link:1",
            "text": {"type": "plain_text", "text": "달력 구독 주소"},
            "url": "https://briefbot.example.org/calendar.ics?program=x",
        },
    ]
