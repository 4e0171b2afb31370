"""The local console: slash commands typed as in Discord, answered from the same core.

`/program name:국가 AI 연구거점`, `/program 국가 AI 연구거점` (the first option's name may
be left out), `/milestones days:60 past:true`, `/search KAIST 946억`, and the admin
commands with their subcommand: `/fact set entity:KAIST attribute:budget value:…`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from bot.admin.desk import AdminDesk
from bot.admin.specs import ADMIN_COMMANDS, ADMIN_GROUPS
from bot.briefing.answers import Briefer, Invocation
from bot.briefing.commands import COMMANDS, Command
from bot.briefing.model import Reply
from bot.i18n import t
from bot.render.discord_payload import reply_payloads
from bot.render.text import reply_text
from bot.trust import Actor

_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}
# `name:` starts an option, but `http://…` is a value (a URL), not an option named http.
_OPTION_LIKE = re.compile(r"(?:^|\s)([a-z_]+):(?!//)")
PROMPT = "briefbot> "
USAGE_WIDTH = 40


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        return value[1:-1]
    return value


def parse_command_line(line: str) -> tuple[str, dict[str, str]]:
    """Split `/cmd a:1 b:two words` into the command name and raw option strings."""
    text = line.strip()
    if text.startswith("/"):
        text = text[1:]
    name, _, rest = text.partition(" ")
    name = name.lower()
    if name in ADMIN_GROUPS:  # `/fact set …`: the subcommand is part of the name
        sub, _, rest = rest.strip().partition(" ")
        name = f"{name} {sub.lower()}".strip()
    command: Command | None = COMMANDS.get(name) or ADMIN_COMMANDS.get(name)
    if command is None or not command.options:
        return name, ({"": rest.strip()} if rest.strip() else {})
    names = [o.name for o in command.options]
    marker = re.compile(r"(?:^|(?<=\s))(" + "|".join(map(re.escape, names)) + r"):")
    found = list(marker.finditer(rest))
    options: dict[str, str] = {}
    head = rest[: found[0].start() if found else len(rest)].strip()
    if head:
        unknown = _OPTION_LIKE.match(head)
        if unknown and unknown.group(1) not in names:
            options[unknown.group(1)] = head[unknown.end() :]
        else:
            options[names[0]] = _unquote(head)
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        options[match.group(1)] = _unquote(rest[match.end() : end])
    return name, options


@dataclass(frozen=True)
class Desk:
    """What answers a typed line: the lookups, the admin desk, and who is typing (the
    local operator, or `--user-id` acting as that Discord user with its configured rights)."""

    briefer: Briefer
    admin: AdminDesk
    actor: Actor

    def answer(self, line: str, locale: str) -> Reply:
        name, options = parse_command_line(line)
        user = None if self.actor.user_id is None else str(self.actor.user_id)
        invocation = Invocation(name, options, locale, user)
        if name in ADMIN_COMMANDS:
            return self.admin.answer(invocation, self.actor).reply
        return self.briefer.answer(invocation)


def ask(desk: Desk, line: str, *, locale: str, as_json: bool) -> str:
    """Answer one command line as text, or as the Discord payload it would send."""
    reply = desk.answer(line, locale)
    if not as_json:
        return reply_text(reply, locale)
    first, *rest = reply_payloads(reply, locale)
    payload: dict[str, Any] = dict(first)
    if rest:
        payload["followups"] = rest
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _help(locale: str) -> str:
    """Every command with its options, lookups first, then the admin commands."""
    lines = []
    for name, command in {**COMMANDS, **ADMIN_COMMANDS}.items():
        usage = f"/{name} " + " ".join(
            f"{o.name}:" if o.required else f"[{o.name}:]" for o in command.options
        )
        description = t("cmd." + name.replace(" ", "."), locale)
        # A long usage gets its description on the next line rather than a ragged column.
        lines.append(
            f"  {usage:<40} {description}"
            if len(usage) <= USAGE_WIDTH
            else f"  {usage}\n  {'':<40} {description}"
        )
    return "\n".join([*lines, "  /quit"])


def run_console(
    desk: Desk,
    *,
    locale: str,
    stdin: IO[str] = sys.stdin,
    stdout: IO[str] = sys.stdout,
    interactive: Callable[[], bool] = sys.stdin.isatty,
) -> int:
    """Read commands until EOF or `/quit`, answering each like the Discord bot would."""
    show_prompt = interactive()
    print("briefbot console — /help, /quit", file=stdout)
    print(_help(locale), file=stdout)
    while True:
        if show_prompt:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit", "quit", "exit"):
            return 0
        if line in ("/help", "help"):
            print(_help(locale), file=stdout)
            continue
        print(ask(desk, line, locale=locale, as_json=False) + "\n", file=stdout)
