"""The loopback Discord's checks of uploaded files catch what Discord would refuse (a
check that cannot fail proves nothing)."""

from __future__ import annotations

from typing import Any

from loopback.spec import FILE_SIZE_MAX, Upload, upload_violations

CALLBACK = "/interactions/1/token/callback"
FOLLOW_UP = "/webhooks/1/token"


def callback(*files: tuple[str, str], shown: str | None = None) -> dict[str, Any]:
    """A message callback body naming `files` as (id, filename), its embed showing `shown`."""
    embed: dict[str, Any] = {"title": "t"}
    if shown:
        embed["image"] = {"url": f"attachment://{shown}"}
    attachments = [{"id": i, "filename": name, "description": "d"} for i, name in files]
    return {"type": 4, "data": {"embeds": [embed], "attachments": attachments}}


def upload(index: int, filename: str, size: int = 10) -> Upload:
    return Upload(f"files[{index}]", filename, "application/octet-stream", b"x" * size)


def test_files_named_by_their_index_and_shown_by_name_pass() -> None:
    body = callback(("0", "t.png"), ("1", "m.ics"), shown="t.png")
    assert (
        list(upload_violations("POST", CALLBACK, body, [upload(0, "t.png"), upload(1, "m.ics")]))
        == []
    )
    assert list(upload_violations("POST", CALLBACK, callback(), [])) == []


def test_what_discord_would_refuse_is_reported() -> None:
    def problems(body: dict[str, Any], uploads: list[Upload], path: str = CALLBACK) -> list[str]:
        return list(upload_violations("POST", path, body, uploads))

    assert problems(callback(shown="t.png"), []) == [
        f"POST {CALLBACK}: an embed shows attachment://t.png, which was not uploaded"
    ]
    assert (
        "no matching attachments entry"
        in problems(callback(("0", "a.png")), [upload(0, "b.png")])[0]
    )
    assert "no matching attachments entry" in problems(callback(), [upload(0, "a.png")])[0]
    too_big = problems(callback(("0", "a.png")), [upload(0, "a.png", FILE_SIZE_MAX + 1)])
    assert too_big == [f"POST {CALLBACK}: a.png is {FILE_SIZE_MAX + 1} bytes"]
    eleven = [upload(i, f"{i}.png") for i in range(11)]
    body = callback(*((str(i), f"{i}.png") for i in range(11)))
    assert problems(body, eleven) == [f"POST {CALLBACK}: 11 files (at most 10)"]
    unnamed = Upload("file", None, None, b"x")
    assert "without files[n]" in problems(callback(), [unnamed])[0]
    deferred = {"type": 5, "data": {}}
    assert "creates no message" in problems(deferred, [upload(0, "a.png")])[0]
    follow_up = {"embeds": [{"image": {"url": "attachment://gone.png"}}]}
    assert "was not uploaded" in problems(follow_up, [], FOLLOW_UP)[0]
