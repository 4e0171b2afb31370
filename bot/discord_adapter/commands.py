"""Every slash command, generated from the core specs (`bot.commandline.ALL_COMMANDS`).

One spec per command, for every front end: here each becomes a discord.py command whose
parameters are the spec's options (types and ranges within Discord's limits), named
and described in Korean and English, completed by the app. Where each command sits
(its group, a top-level stand-in for an everyone's subcommand of a hidden group) comes
from `bot.discord_adapter.names`, which the HTTP interactions endpoint reads too. A
hidden group gets `default_permissions`, which only hides; the desks check trust on
every call.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import discord
from discord import app_commands

from bot.briefing.answers import Choice
from bot.briefing.commands import Command, Option
from bot.commandline import ALL_COMMANDS
from bot.discord_adapter.names import managed_groups, option_key, placement
from bot.discord_adapter.respond import InteractionRunner
from bot.discord_adapter.translator import text
from bot.ids import discord as ids
from bot.render.discord_payload import CUSTOM_ID_MAX, PAGE_ID, PAGED

Interaction = discord.Interaction
# Discord's integer options are JavaScript numbers: safe up to 2^53 - 1.
INTEGER_MAX = 2**53 - 1
STRING_MAX = 6000
CHOICES_MAX = 25
CHOICE_MAX = 100
MANAGERS = discord.Permissions(manage_guild=True)


def _string_max(spec: Command, option: Option) -> int:
    """An option's length limit here: the spec's, and short enough for a page button's
    custom_id to carry it when the command is paged (`bb:search:1000:QUERY`)."""
    limit = min(option.max_length or STRING_MAX, STRING_MAX)
    if PAGED.get(spec.name) == option.name:
        page = spec.option("page")
        last_page = page.max_value if page and page.max_value else 1
        prefix = PAGE_ID.format(command=spec.name, page=last_page, token="")
        limit = min(limit, CUSTOM_ID_MAX - len(prefix))
    return limit


def _annotation(spec: Command, option: Option) -> Any:
    """The discord.py parameter type of a spec option, within Discord's limits."""
    base: Any
    if option.kind == "integer":
        low = max(option.min_value if option.min_value is not None else -INTEGER_MAX, -INTEGER_MAX)
        high = min(option.max_value if option.max_value is not None else INTEGER_MAX, INTEGER_MAX)
        base = app_commands.Range[int, low, high]
    elif option.kind == "boolean":
        base = bool
    elif option.kind == "place":
        base = discord.TextChannel
    else:
        base = app_commands.Range[str, 1, _string_max(spec, option)]
    return base if option.required else base | None


def discord_choices(found: list[Choice], option: Option) -> list[tuple[str, str | int]]:
    """Completions as Discord takes them: at most 25, names cut to 100 characters, values
    that would not fit left out (a cut value would mean something else), integers as such."""
    convert = int if option.kind == "integer" else str
    return [
        (choice.name[:CHOICE_MAX], convert(choice.value))
        for choice in found
        if len(choice.value) <= CHOICE_MAX
    ][:CHOICES_MAX]


class CommandBuilder:
    """Builds the commands of the tree from the specs, answering through `runner`."""

    def __init__(self, runner: InteractionRunner) -> None:
        self.runner = runner

    def commands(self) -> list[app_commands.Command[Any, ..., None] | app_commands.Group]:
        """Top-level commands and groups, in the catalogue's order."""
        managed = managed_groups()
        top: list[app_commands.Command[Any, ..., None] | app_commands.Group] = []
        groups: dict[str, app_commands.Group] = {}
        for spec in ALL_COMMANDS.values():
            where = placement(spec)
            if where.group_key is None:
                top.append(self._command(spec, where.name_key, top_level=True))
                continue
            group = spec.group
            if group not in groups:
                groups[group] = app_commands.Group(
                    name=text(where.group_key),
                    description=text(f"cmd.{group}"),
                    default_permissions=MANAGERS if group in managed else None,
                    guild_only=spec.scoped,
                )
                top.append(groups[group])
            groups[group].add_command(self._command(spec, where.name_key))
        return top

    def _command(
        self, spec: Command, name_key: str, *, top_level: bool = False
    ) -> app_commands.Command[Any, ..., None]:
        """One command whose parameters are the spec's options."""
        runner = self.runner

        async def callback(interaction: Interaction, **options: Any) -> None:
            for option in spec.options:
                channel = options.get(option.name)
                if option.kind == "place" and channel is not None:
                    options[option.name] = ids.place(interaction.guild_id, channel.id)
            await runner.run(interaction, spec.name, options, private=spec.private)

        callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                               annotation=Interaction)]
            + [
                inspect.Parameter(
                    o.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(spec, o),
                    default=inspect.Parameter.empty if o.required else None,
                )
                for o in spec.options
            ]
        )  # fmt: skip
        if spec.options:
            app_commands.rename(**{o.name: text(option_key(o)) for o in spec.options})(callback)
            app_commands.describe(**{o.name: text(o.help_key) for o in spec.options})(callback)
        for option in spec.options:
            if option.choices:
                choices = [
                    app_commands.Choice(name=text(f"choice.{option.name}.{value}"), value=value)
                    for value in option.choices
                ]
                app_commands.choices(**{option.name: choices})(callback)
            if option.autocomplete:
                app_commands.autocomplete(**{option.name: self._completer(spec, option)})(callback)
        command = app_commands.Command(
            name=text(name_key),
            description=text("cmd." + spec.name.replace(" ", ".")),
            callback=callback,
        )
        # Both only mean something on a top-level command; a group carries its own.
        if top_level and spec.scoped:
            app_commands.guild_only()(command)
        if top_level and spec.visibility == "managers":
            app_commands.default_permissions(manage_guild=True)(command)
        return command

    def _completer(self, spec: Command, option: Option) -> Any:
        """Completions from the app, cut to Discord's 25 choices of at most 100 characters."""
        runner = self.runner

        async def complete(
            interaction: Interaction, current: str
        ) -> list[app_commands.Choice[Any]]:
            found = await asyncio.to_thread(
                runner.app.complete, spec.name, option.name, current or "",
                runner.locale(interaction), CHOICES_MAX,
            )  # fmt: skip
            return [
                app_commands.Choice(name=name, value=value)
                for name, value in discord_choices(found, option)
            ]

        return complete
