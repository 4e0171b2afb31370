"""The lookup commands: /program, /institution, /milestones, /search, /about.

Handlers only translate discord.py parameters into option dicts; everything else is
the core's job (`bot.briefing`).
"""

import discord
from discord import app_commands

from bot.briefing.commands import COMMANDS, Option
from bot.discord_adapter.respond import InteractionRunner
from bot.discord_adapter.translator import text

Interaction = discord.Interaction


def _option(command: str, option: str) -> Option:
    spec = COMMANDS[command].option(option)
    assert spec is not None
    return spec


# Module-level so discord.py can read them from the annotations (evaluated eagerly here).
NAME_MAX = _option("program", "name").max_length
DAYS = _option("milestones", "days")
QUERY_MAX = _option("search", "query").max_length
PAGE = _option("search", "page")


def add_lookup_commands(tree: app_commands.CommandTree, runner: InteractionRunner) -> None:
    """Register the lookup commands on `tree`, answering through `runner`."""

    async def entity_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        command = interaction.command.name if interaction.command else ""
        option = "name" if command in ("program", "institution") else "program"
        found = await runner.choices(interaction, command, option, current)
        return [app_commands.Choice(name=c.name, value=c.value) for c in found]

    def add_entity_command(kind: str) -> None:
        """/program and /institution differ only in which entities they name."""

        @tree.command(name=text(f"name.{kind}"), description=text(f"cmd.{kind}"))
        @app_commands.rename(name=text("opt.name"))
        @app_commands.describe(name=text(f"cmd.{kind}.name"))
        @app_commands.autocomplete(name=entity_choices)
        async def entity(
            interaction: Interaction, name: app_commands.Range[str, 1, NAME_MAX]
        ) -> None:
            await runner.run(interaction, kind, {"name": name})

    add_entity_command("program")
    add_entity_command("institution")

    @tree.command(name=text("name.milestones"), description=text("cmd.milestones"))
    @app_commands.rename(program=text("opt.program"), days=text("opt.days"), past=text("opt.past"))
    @app_commands.describe(
        program=text("cmd.milestones.program"),
        days=text("cmd.milestones.days"),
        past=text("cmd.milestones.past"),
    )
    @app_commands.autocomplete(program=entity_choices)
    async def milestones(
        interaction: Interaction,
        program: app_commands.Range[str, 1, NAME_MAX] | None = None,
        days: app_commands.Range[int, DAYS.min_value, DAYS.max_value] = 30,
        past: bool = False,
    ) -> None:
        await runner.run(
            interaction, "milestones", {"program": program, "days": days, "past": past}
        )

    @tree.command(name=text("name.search"), description=text("cmd.search"))
    @app_commands.rename(query=text("opt.query"), page=text("opt.page"))
    @app_commands.describe(query=text("cmd.search.query"), page=text("cmd.search.page"))
    async def search(
        interaction: Interaction,
        query: app_commands.Range[str, 1, QUERY_MAX],
        page: app_commands.Range[int, PAGE.min_value, PAGE.max_value] = 1,
    ) -> None:
        await runner.run(interaction, "search", {"query": query, "page": page})

    @tree.command(name=text("name.about"), description=text("cmd.about"))
    async def about(interaction: Interaction) -> None:
        await runner.run(interaction, "about", {})
