"""Where each core command sits among Discord's commands, for both ways Discord reaches us.

The gateway path builds its discord.py command tree from `placement`; the HTTP
interactions endpoint reads the raw `data` Discord POSTs back to a spec with
`spec_for` and `option_names`. Both come from the one table here, so the two paths
cannot disagree about which Discord command is which spec.

Visibility follows the spec: a group whose subcommands are all for managers is hidden
from members without Manage Server; a subcommand for everyone inside such a group
becomes its own top-level command (`/fact-history`, `/digest-preview`), because
Discord can only hide whole top-level commands.

No discord.py import: the names are the i18n keys whose English text Discord gets
as the base name (`bot.discord_adapter.translator.text`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.briefing.commands import Command, Option
from bot.commandline import ALL_COMMANDS
from bot.i18n import MESSAGES


@dataclass(frozen=True)
class Placement:
    """A spec's place among Discord's commands: the i18n key of its group (None for a
    top-level command) and of its own name, and whether it is a top-level command."""

    group_key: str | None
    name_key: str

    @property
    def top_level(self) -> bool:
        return self.group_key is None


def base_name(key: str) -> str:
    """The name Discord knows a command or option by: the English text of its key."""
    return MESSAGES[key][1]


@functools.cache
def managed_groups() -> frozenset[str]:
    """Groups hidden from members: every subcommand left in them is for managers."""
    visibility: dict[str, set[str]] = {}
    for spec in ALL_COMMANDS.values():
        if spec.group:
            visibility.setdefault(spec.group, set()).add(spec.visibility)
    return frozenset(group for group, seen in visibility.items() if "managers" in seen)


def placement(spec: Command) -> Placement:
    """Where `spec` goes: a command of its own, a top-level stand-in for an everyone's
    subcommand of a hidden group, or a subcommand of its group."""
    group = spec.group
    sub = spec.name.partition(" ")[2]
    if group is None:
        return Placement(None, f"name.{spec.name}")
    if group in managed_groups() and spec.visibility == "everyone":
        return Placement(None, f"name.{group}-{sub}")
    return Placement(f"name.{group}", f"name.{group}.{sub}")


def option_key(option: Option) -> str:
    """The i18n key of an option's Discord name."""
    return f"opt.{option.name}"


@functools.cache
def _specs_by_path() -> dict[tuple[str, ...], Command]:
    specs: dict[tuple[str, ...], Command] = {}
    for spec in ALL_COMMANDS.values():
        where = placement(spec)
        keys = (where.name_key,) if where.top_level else (where.group_key, where.name_key)
        specs[tuple(base_name(key) for key in keys if key)] = spec
    return specs


def spec_for(path: tuple[str, ...]) -> Command | None:
    """The spec of a Discord command path (`("fact", "set")`, `("fact-history",)`)."""
    return _specs_by_path().get(path)


@functools.cache
def option_names(spec: Command) -> dict[str, Option]:
    """The spec's options by the names Discord sends them under."""
    return {base_name(option_key(option)): option for option in spec.options}
