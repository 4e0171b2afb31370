"""Every command in one catalogue, and the typed-line grammar text front ends share.

The console and Slack's slash commands both receive free text; both read it here, with
the options of the core specs: `/program name:국가 AI 연구거점`, `/program 국가 AI 연구거점`
(the first option's name may be left out), `/milestones days:60 past:true`, and group
commands with their subcommand: `/fact set entity:KAIST attribute:budget value:…`.
"""

from __future__ import annotations

import re

from bot.admin.specs import ADMIN_COMMANDS
from bot.briefing.commands import COMMANDS, Command
from bot.digest.specs import DIGEST_COMMANDS

# Every command every front end offers, lookups first: one spec per command.
ALL_COMMANDS: dict[str, Command] = {**COMMANDS, **ADMIN_COMMANDS, **DIGEST_COMMANDS}
GROUPS = tuple(dict.fromkeys(spec.group for spec in ALL_COMMANDS.values() if spec.group))

_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}
# `name:` starts an option, but `http://…` is a value (a URL), not an option named http.
_OPTION_LIKE = re.compile(r"(?:^|\s)([a-z_]+):(?!//)")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        return value[1:-1]
    return value


def command_name(text: str) -> tuple[str, str]:
    """The command a line names and the rest of the line: `fact set …` for `/fact set …`,
    and for `/fact-history …` too (how a front end without subcommands may spell it)."""
    head, _, rest = text.strip().removeprefix("/").partition(" ")
    head = head.lower()
    group, dash, sub = head.partition("-")
    if dash and f"{group} {sub}" in ALL_COMMANDS:
        return f"{group} {sub}", rest
    if head in GROUPS:
        sub, _, rest = rest.strip().partition(" ")
        return f"{head} {sub.lower()}".strip(), rest
    return head, rest


def parse_command_line(text: str) -> tuple[str, dict[str, str]]:
    """Split `/cmd a:1 b:two words` into the command name and raw option strings."""
    name, rest = command_name(text)
    command = ALL_COMMANDS.get(name)
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
