"""The local console: a front end that reads typed commands and prints text replies.

Commands are typed as in chat (`bot.commandline`) and answered by the same `App` as
every other front end. The console is one place (`console:local`) in its own scope,
so `/digest subscribe daily 09:00` works here too: while the console runs, the digest
prints at its time. The person at the keyboard is the local operator, trusted with
everything, unless `--user-id` makes them a Discord user with only that user's rights.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.app import App
from bot.briefing.answers import Invocation, error_reply
from bot.briefing.model import Answer, Reply
from bot.commandline import ALL_COMMANDS, parse_command_line
from bot.digest.delivery import DeliveryProgress
from bot.digest.subscriptions import Subscription
from bot.i18n import t
from bot.ids import discord as discord_ids
from bot.render.discord_payload import reply_payloads
from bot.render.text import reply_text
from bot.trust import Actor

log = logging.getLogger(__name__)

CONSOLE_PLACE = "console:local"
OPERATOR = Actor(CONSOLE_PLACE, scope=CONSOLE_PLACE, manages_scope=True, operator=True)
PROMPT = "briefbot> "
USAGE_WIDTH = 40


def console_actor(user_id: int | None) -> Actor:
    """The local operator, or (`--user-id`) a Discord user with only that user's rights."""
    if user_id is None:
        return OPERATOR
    return Actor(discord_ids.actor(user_id), scope=CONSOLE_PLACE)


def place_namer(locale: str) -> Callable[[str], str]:
    """Names places in console text: this console in words, any other by its id."""
    return lambda place: t("console.here", locale) if place == CONSOLE_PLACE else place


@dataclass(frozen=True)
class Console:
    """What answers a typed line: the app, who is typing, and the folder where the files
    that come with answers (timeline pictures, calendars) are written (`out`; None: not
    written, only named)."""

    app: App
    actor: Actor = OPERATOR
    out: Path | None = None

    def answer(self, line: str, locale: str) -> Answer:
        """The answer to one typed line; the console has one place, so a `channel:` other
        than itself is explained rather than guessed at."""
        name, options = parse_command_line(line)
        if options.get("channel", CONSOLE_PLACE) not in ("", CONSOLE_PLACE):
            return Answer(error_reply(t("console.one_place", locale), locale))
        options.pop("channel", None)
        return self.app.answer(Invocation(name, options, locale, self.actor, CONSOLE_PLACE))


def write_files(reply: Reply, folder: Path) -> dict[str, Path]:
    """Write the reply's pictures and files into `folder`; their paths by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for attachment in reply.files():
        path = folder / Path(attachment.filename).name
        path.write_bytes(attachment.data)
        written[attachment.filename] = path
    return written


def ask(console: Console, line: str, *, locale: str, as_json: bool) -> str:
    """Answer one command line as text (its files written into `console.out`, and named
    by their paths), or as the Discord payload it would send. A crash is this program's
    bug, not the asker's: it is logged, and the answer is an apology."""
    try:
        reply = console.answer(line, locale).reply
    except Exception:
        log.error("the answer to %r failed", line, exc_info=log.isEnabledFor(logging.DEBUG))
        reply = error_reply(t("err.internal", locale), locale)
    if not as_json:
        saved: dict[str, Path] = {}
        problem = ""
        if console.out is not None and reply.files():
            try:
                saved = write_files(reply, console.out)
            except OSError as exc:
                problem = "\n" + t("console.file_error", locale, folder=console.out, error=exc)
        return reply_text(reply, locale, place_namer(locale), saved) + problem
    first, *rest = reply_payloads(reply, locale)
    payload: dict[str, Any] = dict(first)
    if rest:
        payload["followups"] = rest
    return json.dumps(payload, ensure_ascii=False, indent=2)


def usage(locale: str) -> str:
    """Every command with its options: lookups, then admin and digest commands."""
    lines = []
    for name, command in ALL_COMMANDS.items():
        options = " ".join(f"{o.name}:" if o.required else f"[{o.name}:]" for o in command.options)
        text = f"/{name} {options}".strip()
        description = t("cmd." + name.replace(" ", "."), locale)
        # A long usage gets its description on the next line rather than a ragged column.
        lines.append(
            f"  {text:<{USAGE_WIDTH}} {description}"
            if len(text) <= USAGE_WIDTH
            else f"  {text}\n  {'':<{USAGE_WIDTH}} {description}"
        )
    return "\n".join([*lines, "  /quit"])


class ConsolePoster:
    """Delivers digests subscribed at the console by printing them, between prompts."""

    def __init__(self, stdout: IO[str], lock: threading.Lock) -> None:
        self.stdout = stdout
        self.lock = lock
        self.numbers = itertools.count(1)

    def owns(self, place: str) -> bool:
        return place == CONSOLE_PLACE

    def _print(self, reply: Reply, locale: str) -> None:
        with self.lock:
            print("\n" + reply_text(reply, locale, place_namer(locale)) + "\n", file=self.stdout)
            self.stdout.flush()

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        """The whole digest at once: the console has one message, printed or not."""
        if progress.posted:
            return
        self._print(reply, locale)
        await progress.record(0, f"console-{next(self.numbers)}")

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        self._print(message, subscription.language)


def _read_lines(stdin: IO[str], loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> None:
    """Feed typed lines to the loop from a daemon thread (which cannot keep the process
    alive at exit the way an executor thread blocked on `readline` would); once the
    console has ended (`/quit` closed its loop), stop reading."""
    try:
        for line in iter(stdin.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, "")
    except RuntimeError:  # the loop is closed: nobody is listening any more
        return


async def serve_console(
    console: Console, locale: str, stdin: IO[str], stdout: IO[str], show_prompt: bool
) -> int:
    """The console's loop: typed lines answered one by one while the digest scheduler runs,
    until EOF or `/quit`; then the scheduler stops."""
    lock = threading.Lock()
    app = console.app
    app.digests.add_poster(ConsolePoster(stdout, lock))
    await app.digests.start(leased=False)
    queue: asyncio.Queue[str] = asyncio.Queue()
    reader = threading.Thread(
        target=_read_lines, args=(stdin, asyncio.get_running_loop(), queue), daemon=True
    )
    reader.start()
    try:
        while True:
            if show_prompt:
                with lock:
                    stdout.write(PROMPT)
                    stdout.flush()
            line = await queue.get()
            if not line:
                return 0
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit", "quit", "exit"):
                return 0
            if line in ("/help", "help"):
                text = usage(locale)
            else:
                # `ask` turns one command's crash into an apology: the session goes on.
                text = await asyncio.to_thread(ask, console, line, locale=locale, as_json=False)
            with lock:
                print(text + "\n", file=stdout)
    finally:
        await app.close()


def run_console(
    console: Console,
    *,
    locale: str,
    stdin: IO[str] = sys.stdin,
    stdout: IO[str] = sys.stdout,
    interactive: Callable[[], bool] = sys.stdin.isatty,
) -> int:
    """Read commands until EOF or `/quit`, answering each as the chat front ends would,
    while the digest scheduler runs for digests subscribed here."""
    print("briefbot console — /help, /quit", file=stdout)
    print(usage(locale), file=stdout)
    return asyncio.run(serve_console(console, locale, stdin, stdout, interactive()))
