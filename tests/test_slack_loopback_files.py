"""The Slack stand-in's upload flow against the real slack-sdk client: `files_upload_v2`
(`files.getUploadURLExternal`, the upload POST, `files.completeUploadExternal`) keeps each
file's name and bytes and shares it in its channel; and each rule is proven able to fail:
a file too large for the workspace, bytes other than announced, a completion before the
upload or a second one, an `image` block naming a file that is not a shared image, a token
without `files:write`."""

from __future__ import annotations

import aiohttp
import pytest
from slack_loopback.objects import CHANNEL_ID, USER_ID, Channel
from slack_loopback.server import BOT_TOKEN, SlackStandIn
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def client(slack_standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack_standin.api_base)


async def upload(url: str, data: bytes | aiohttp.FormData) -> int:
    """POST to an upload URL as an app would; the HTTP status."""
    async with aiohttp.ClientSession() as session, session.post(url, data=data) as response:
        return response.status


def image_block(reference: dict[str, str]) -> dict[str, object]:
    return {"type": "image", "alt_text": "타임라인", "slack_file": reference}


async def test_files_upload_v2_keeps_the_bytes_and_shares_them_in_the_channel(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    done = await client.files_upload_v2(
        file_uploads=[
            {"filename": "timeline.png", "content": PNG, "title": "타임라인", "alt_txt": "그림"},
            {"filename": "milestones.ics", "content": ICS},
        ],
        channel=CHANNEL_ID,
    )

    picture, calendar = slack_standin.shared_files(CHANNEL_ID)
    assert (picture.filename, picture.data, picture.title, picture.alt_txt) == (
        "timeline.png", PNG, "타임라인", "그림"
    )  # fmt: skip
    assert (calendar.filename, calendar.data, calendar.title) == (
        "milestones.ics", ICS, "milestones.ics"
    )  # fmt: skip
    [share] = slack_standin.channel_messages(CHANNEL_ID)
    assert share.via == "files.completeUploadExternal"
    assert [f["id"] for f in share.body["files"]] == [f["id"] for f in done["files"]]
    info = await client.files_info(file=picture.id)
    assert info["file"]["mimetype"] == "image/png" and info["file"]["channels"] == [CHANNEL_ID]


async def test_an_image_block_may_show_a_shared_picture_and_nothing_else(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    shared = await client.files_upload_v2(filename="t.png", content=PNG, channel=CHANNEL_ID)
    private = await client.files_upload_v2(filename="p.png", content=PNG)
    calendar = await client.files_upload_v2(filename="m.ics", content=ICS, channel=CHANNEL_ID)
    picture = slack_standin.shared_files(CHANNEL_ID)[0]

    for reference in ({"id": shared["file"]["id"]}, {"url": picture.url_private}):
        await client.chat_postMessage(channel=CHANNEL_ID, text="t", blocks=[image_block(reference)])
    refused = {}
    for name, reference in {
        "unknown": {"id": "F0000000000"},
        "private": {"id": private["file"]["id"]},
        "calendar": {"id": calendar["file"]["id"]},
    }.items():
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(
                channel=CHANNEL_ID, text="t", blocks=[image_block(reference)]
            )
        refused[name] = raised.value.response["error"]

    assert refused == dict.fromkeys(("unknown", "private", "calendar"), "invalid_blocks")
    found = slack_standin.take_violations()
    assert len(found) == 3 and all("invalid slack file" in v for v in found)


async def test_a_file_completed_before_its_upload_or_twice_is_refused(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    issued = await client.files_getUploadURLExternal(filename="t.png", length=len(PNG))
    files = [{"id": issued["file_id"], "title": "t"}]

    with pytest.raises(SlackApiError) as early:
        await client.files_completeUploadExternal(files=files, channel_id=CHANNEL_ID)
    assert await upload(issued["upload_url"], PNG) == 200
    await client.files_completeUploadExternal(files=files, channel_id=CHANNEL_ID)
    with pytest.raises(SlackApiError) as twice:
        await client.files_completeUploadExternal(files=files, channel_id=CHANNEL_ID)

    assert early.value.response["error"] == twice.value.response["error"] == "file_not_found"
    assert [f.data for f in slack_standin.shared_files(CHANNEL_ID)] == [PNG]
    found = slack_standin.take_violations()
    assert ["completed before upload" in v for v in found] == [True, False]
    assert "already completed" in found[1]


async def test_size_limits_and_bytes_other_than_announced_are_refused(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    slack_standin.uploads.upload_limit_bytes = len(ICS)
    refused = {}
    for name, call in {
        "too large": {"filename": "t.png", "length": len(ICS) + 1},
        "empty": {"filename": "t.png", "length": 0},
        "long description": {"filename": "t.png", "length": 8, "alt_txt": "가" * 1001},
    }.items():
        with pytest.raises(SlackApiError) as raised:
            await client.files_getUploadURLExternal(**call)
        refused[name] = raised.value.response["error"]
    issued = await client.files_getUploadURLExternal(filename="m.ics", length=len(ICS))
    assert await upload(issued["upload_url"], ICS[:-1]) == 400

    assert refused == {
        "too large": "file_upload_size_restricted",
        "empty": "missing_argument",
        "long description": "alt_txt_too_large",
    }
    assert slack_standin.uploads.files[issued["file_id"]].data is None
    [found] = slack_standin.take_violations()
    assert f"{len(ICS) - 1} bytes sent, {len(ICS)} announced" in found


async def test_a_multipart_upload_is_read_as_slack_reads_it(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    issued = await client.files_getUploadURLExternal(filename="m.ics", length=len(ICS))
    form = aiohttp.FormData()
    form.add_field("filename", ICS, filename="m.ics", content_type="text/calendar")
    assert await upload(issued["upload_url"], form) == 200
    assert slack_standin.uploads.files[issued["file_id"]].data == ICS


async def test_a_token_without_files_write_gets_missing_scope(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    slack_standin.scopes.discard("files:write")

    with pytest.raises(SlackApiError) as raised:
        await client.files_upload_v2(filename="t.png", content=PNG, channel=CHANNEL_ID)

    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "files:write"
    assert "files:write" not in raised.value.response["provided"].split(",")
    assert slack_standin.uploads.files == {}


async def test_a_dm_opened_with_conversations_open_takes_files_and_a_channel_without_the_bot_does_not(
    client: AsyncWebClient, slack_standin: SlackStandIn
) -> None:
    slack_standin.channels["C0OUTSIDE1"] = Channel("C0OUTSIDE1", "outside", is_member=False)
    opened = await client.conversations_open(users=USER_ID)
    again = await client.conversations_open(users=USER_ID)
    dm = opened["channel"]["id"]

    await client.files_upload_v2(filename="m.ics", content=ICS, channel=dm, initial_comment="달력")
    with pytest.raises(SlackApiError) as raised:
        await client.files_upload_v2(filename="m.ics", content=ICS, channel="C0OUTSIDE1")

    assert again["channel"]["id"] == dm == slack_standin.direct_channel(USER_ID)
    [share] = slack_standin.channel_messages(dm)
    assert share.body["text"] == "달력" and share.body["files"][0]["name"] == "m.ics"
    assert raised.value.response["error"] == "not_in_channel"
    assert slack_standin.shared_files("C0OUTSIDE1") == []
