"""The stand-in's files: Slack's upload flow as an app meets it, and what is kept of it.

1. `files.getUploadURLExternal` (`filename`, `length`, optional `alt_txt`) hands out a file
   id and an upload URL served by the stand-in. An empty file is refused
   (`missing_argument`), one larger than the workspace allows (`upload_limit_bytes`, 1 GB
   unless a test lowers it) too (`file_upload_size_restricted`), and so is a description
   over 1000 characters (`alt_txt_too_large`).
2. The app POSTs the bytes to that URL, raw or multipart (`-F filename=@…`), once, exactly
   as many as it announced.
3. `files.completeUploadExternal` finishes the upload, once. A file whose bytes never
   arrived is refused (`file_not_found`), and so is a second completion; both are the
   app's mistake and recorded as violations. With a channel the file is shared there, in a
   message of its own (the server posts it); without one it stays the app's alone.

`files.info` describes a completed file. An `image` block or element that shows a file
with `slack_file` must name a completed image (png, jpg, jpeg or gif) shared in some
channel: Slack refuses any other (`invalid_blocks`, "invalid slack file"), including a file
only the app can see (slackapi/python-slack-sdk#1658).

The bytes and names are kept (`StoredFile`), so tests read back what the app uploaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from aiohttp import BodyPartReader, web
from slack_limits import INVALID_BLOCKS, Violation

import slack_loopback.objects as obj
from slack_loopback.errors import ApiError

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}
MEDIA_TYPES = {**IMAGE_TYPES, "ics": "text/calendar", "txt": "text/plain"}
ALT_TEXT_MAX = 1000
# Slack's limit for one file; a workspace may set a lower one.
FILE_BYTES_MAX = 1024**3

Report = Callable[[str, list[str]], None]


@dataclass
class StoredFile:
    """One upload: announced, then given its bytes, then completed (and maybe shared)."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    title: str = ""
    data: bytes | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def filetype(self) -> str:
        return PurePosixPath(self.filename).suffix.lstrip(".").lower()

    @property
    def is_image(self) -> bool:
        return self.filetype in IMAGE_TYPES

    @property
    def url_private(self) -> str:
        return f"https://files.slack.com/files-pri/{obj.TEAM_ID}-{self.id}/{self.filename}"

    @property
    def permalink(self) -> str:
        return (
            f"https://{obj.TEAM_DOMAIN}.slack.com/files/{obj.BOT_USER_ID}/{self.id}/{self.filename}"
        )

    def info(self) -> dict[str, Any]:
        """The file object of `files.info`, `files.completeUploadExternal` and a share."""
        described: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": MEDIA_TYPES.get(self.filetype, "application/octet-stream"),
            "filetype": self.filetype or "binary",
            "size": self.length,
            "user": obj.BOT_USER_ID,
            "is_public": bool(self.channels),
            "url_private": self.url_private,
            "permalink": self.permalink,
            "channels": list(self.channels),
        }
        if self.alt_txt:
            described["alt_txt"] = self.alt_txt
        return described


class FileDesk:
    """The uploads the stand-in has seen, and Slack's rules for each step. `report` records
    what the app did wrong (the server's violations)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.files: dict[str, StoredFile] = {}
        self.upload_limit_bytes = FILE_BYTES_MAX

    def issue(self, args: Mapping[str, Any]) -> StoredFile:
        """Step 1: a new file id for `filename` of `length` bytes."""
        filename = args.get("filename")
        if not isinstance(filename, str) or not filename.strip():
            raise ApiError("invalid_arguments")
        try:
            length = int(args.get("length", 0))
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments") from None
        if length <= 0:
            raise ApiError("missing_argument")
        if length > self.upload_limit_bytes:
            raise ApiError("file_upload_size_restricted")
        alt_txt = args.get("alt_txt")
        if isinstance(alt_txt, str) and len(alt_txt) > ALT_TEXT_MAX:
            raise ApiError("alt_txt_too_large")
        stored = StoredFile(f"F{obj.next_number():010d}", filename, length, alt_txt or None)
        self.files[stored.id] = stored
        return stored

    async def receive(self, request: web.Request) -> web.Response:
        """Step 2: the bytes of an issued file, POSTed to its upload URL."""
        stored = self.files.get(request.match_info["id"])
        context = f"upload to {request.path}"
        if stored is None or stored.data is not None or stored.completed:
            self.report(context, ["no upload is waiting at this URL (unknown, used or completed)"])
            return web.Response(status=404, text="upload URL not found")
        data = await _body(request)
        if len(data) != stored.length:
            self.report(context, [f"{len(data)} bytes sent, {stored.length} announced"])
            return web.Response(status=400, text="length mismatch")
        stored.data = data
        return web.Response(text=f"OK - {len(data)}")

    def complete(self, entries: Any) -> list[StoredFile]:
        """Step 3: the files named in `files` (`[{"id", "title"}]`), completed once each;
        raises before completing any if one cannot be."""
        if not isinstance(entries, list) or not entries:
            raise ApiError("invalid_arguments")
        found = []
        for entry in entries:
            stored = self.files.get(entry.get("id")) if isinstance(entry, Mapping) else None
            if stored is None:
                raise ApiError("file_not_found")
            if stored.data is None or stored.completed:
                state = "already completed" if stored.completed else "completed before upload"
                self.report("files.completeUploadExternal", [f"{stored.id}: {state}"])
                raise ApiError("file_not_found")
            found.append((stored, entry.get("title")))
        for stored, title in found:
            stored.completed = True
            stored.title = str(title or stored.filename)
        return [stored for stored, _ in found]

    def completed(self, file_id: Any) -> StoredFile:
        """A completed file, as `files.info` finds it."""
        stored = self.files.get(file_id) if isinstance(file_id, str) else None
        if stored is None or not stored.completed:
            raise ApiError("file_not_found")
        return stored

    def shared_in(self, channel: str) -> list[StoredFile]:
        """The files shared in `channel`, in the order they were completed."""
        return [f for f in self.files.values() if channel in f.channels]

    def reference_violations(self, payload: Any, where: str = "") -> list[Violation]:
        """Every `slack_file` in `payload` (blocks, a view, a message) that does not name a
        completed image shared in a channel: Slack refuses the whole payload."""
        found = []
        for path, reference in _slack_files(payload, where):
            problem = self._reference_problem(reference)
            if problem:
                found.append(Violation(INVALID_BLOCKS, path, f"invalid slack file: {problem}"))
        return found

    def _reference_problem(self, reference: Any) -> str | None:
        if not isinstance(reference, Mapping) or ("id" in reference) == ("url" in reference):
            return f"exactly one of id and url: {reference!r}"
        by_url = {url: f for f in self.files.values() for url in (f.url_private, f.permalink)}
        stored = (
            self.files.get(reference["id"]) if "id" in reference else by_url.get(reference["url"])
        )
        if stored is None or not stored.completed:
            return f"no completed file {reference!r}"
        if not stored.is_image:
            return f"{stored.filename} is not a png, jpg, jpeg or gif image"
        if not stored.channels:
            return f"{stored.id} is shared nowhere, so only the app can see it"
        return None


def _slack_files(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        if "slack_file" in node:
            yield f"{where}/slack_file", node["slack_file"]
        for key, value in node.items():
            if key != "slack_file":
                yield from _slack_files(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _slack_files(value, f"{where}/{i}")


async def _body(request: web.Request) -> bytes:
    """The uploaded bytes: the body itself, or the file part of a multipart form."""
    if not request.content_type.startswith("multipart/"):
        return await request.read()
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.filename is not None:
            return bytes(await part.read())
    return b""
