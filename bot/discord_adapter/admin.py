"""`/fact`, `/milestone`, `/entity`, `/alias`, `/source`: built from the shared specs.

Each subcommand is generated from its `bot.admin.specs` entry (so Discord and the
console take exactly the same options), hidden from members without Manage Server,
and answered by `AdminDesk`, which checks the configured trust on every call. Forms
(`/fact edit`, `/milestone update` without options) are Discord modals.
"""

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.admin.desk import AdminAnswer, AdminDesk, Form
from bot.admin.specs import ADMIN_COMMANDS, ADMIN_GROUPS, ENTITIES
from bot.briefing.answers import Invocation
from bot.briefing.commands import Command, Option
from bot.briefing.model import Reply
from bot.discord_adapter.checks import actor_of
from bot.discord_adapter.respond import InteractionRunner, send_reply
from bot.discord_adapter.translator import text
from bot.discord_adapter.views import post_reply

Interaction = discord.Interaction
log = logging.getLogger(__name__)
MODAL_TITLE_MAX = 45
MODAL_LABEL_MAX = 45
UPDATE_FIELDS = ("title", "date", "source", "title_en")


def _annotation(option: Option) -> Any:
    """The discord.py parameter type for a spec option (ranges become Discord limits)."""
    if option.kind == "integer":
        base: Any = app_commands.Range[int, option.min_value, option.max_value]
    elif option.kind == "boolean":
        base = bool
    elif option.max_length:
        base = app_commands.Range[str, 1, option.max_length]
    else:
        base = str
    return base if option.required else base | None


class AdminCommands:
    """Registers the admin groups and answers them through an `AdminDesk`."""

    def __init__(self, desk: AdminDesk, runner: InteractionRunner, client: discord.Client) -> None:
        self.desk = desk
        self.runner = runner
        self.client = client

    def register(self, tree: app_commands.CommandTree) -> None:
        groups = {
            name: app_commands.Group(
                name=text(f"name.{name}"),
                description=text(f"cmd.{name}"),
                default_permissions=discord.Permissions(manage_guild=True),
                guild_only=True,
            )
            for name in ADMIN_GROUPS
        }
        for spec in ADMIN_COMMANDS.values():
            groups[spec.name.split()[0]].add_command(self._command(spec))
        groups["fact"].add_command(self._fact_edit())
        for group in groups.values():
            tree.add_command(group)

    def _command(self, spec: Command) -> app_commands.Command[Any, ..., None]:
        """One subcommand whose parameters are the spec's options."""

        async def callback(interaction: Interaction, **options: Any) -> None:
            await self.run(interaction, spec.name, options)

        interaction_parameter = inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Interaction
        )
        callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [interaction_parameter]
            + [
                inspect.Parameter(
                    o.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=_annotation(o),
                    default=inspect.Parameter.empty if o.required else o.default,
                )
                for o in spec.options
            ]
        )
        names = [o.name for o in spec.options]
        app_commands.rename(**{n: text(f"opt.{n}") for n in names})(callback)
        app_commands.describe(**{n: text(f"desc.{n}") for n in names})(callback)
        completions = {o.name: self._completer(o) for o in spec.options if o.autocomplete}
        if completions:
            app_commands.autocomplete(**completions)(callback)
        group, sub = spec.name.split()
        return app_commands.Command(
            name=text(f"name.{group}.{sub}"), description=text(f"cmd.{group}.{sub}"),
            callback=callback,
        )  # fmt: skip

    def _completer(self, option: Option) -> Any:
        """Autocomplete for entity names (the `Briefer`'s) or attributes, sources, milestones."""
        sources = option.autocomplete or ()

        async def complete(
            interaction: Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            locale = self.runner.locale(interaction)
            if set(sources) <= set(ENTITIES):
                found = await asyncio.to_thread(
                    self.runner.briefer.complete_entities, current, sources, locale
                )
            else:
                found = await asyncio.to_thread(self.desk.autocomplete, sources[0], current, locale)
            convert = int if option.kind == "integer" else str
            return [app_commands.Choice(name=c.name, value=convert(c.value)) for c in found]

        return complete

    def _fact_edit(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(name=text("name.fact.edit"), description=text("cmd.fact.edit"))
        @app_commands.rename(entity=text("opt.entity"), attribute=text("opt.attribute"))
        @app_commands.describe(entity=text("desc.entity"), attribute=text("desc.attribute"))
        async def edit(interaction: Interaction, entity: str, attribute: str) -> None:
            await self.open_form(interaction, "fact", f"{entity}|{attribute}")

        spec = ADMIN_COMMANDS["fact set"]
        edit.autocomplete("entity")(self._completer(spec.options[0]))
        edit.autocomplete("attribute")(self._completer(spec.options[1]))
        return edit

    async def run(self, interaction: Interaction, name: str, options: dict[str, Any]) -> None:
        """Answer one admin subcommand privately; echo a change to the audit channel."""
        given = {k: v for k, v in options.items() if v is not None}
        if name == "milestone update" and not any(k in given for k in UPDATE_FIELDS):
            await self.open_form(interaction, "milestone", str(given["milestone"]))
            return
        actor = actor_of(interaction)
        invocation = Invocation(name, given, self.runner.locale(interaction), str(actor.user_id))
        await self.answer(interaction, functools.partial(self.desk.answer, invocation, actor))

    async def answer(self, interaction: Interaction, compute: Callable[[], AdminAnswer]) -> None:
        """Reply privately (deferring if the store is slow), then echo a change made to the
        audit channel."""
        audits: list[Reply] = []

        def reply() -> Reply:
            answer = compute()
            if answer.audit is not None:
                audits.append(answer.audit)
            return answer.reply

        await self.runner.respond(interaction, reply, private=True)
        await self.echo(audits)

    async def open_form(self, interaction: Interaction, kind: str, key: str) -> None:
        """Show the prefilled form (a modal must be the first response), or why not."""
        locale = self.runner.locale(interaction)
        form = await asyncio.to_thread(self.desk.form, kind, key, actor_of(interaction), locale)
        if isinstance(form, Reply):
            await send_reply(interaction, form, locale)
            return
        modal = FormModal(form)
        await interaction.response.send_modal(modal)
        # Stateless from here: the submission is read back from its custom_id in
        # `on_modal_submit`, so a form still works after the bot restarted.
        modal.stop()

    async def on_modal_submit(self, interaction: Interaction) -> None:
        """Apply a submitted form (`bb:form:KIND:REVISION:KEY`); other modals are not ours."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        parts = str(data.get("custom_id", "")).split(":", 4)
        ours = parts[:2] == ["bb", "form"] and len(parts) == 5
        if interaction.type is not discord.InteractionType.modal_submit or not ours:
            return
        _, _, kind, revision, key = parts
        values = {
            component["custom_id"]: component.get("value") or ""
            for row in data.get("components", [])
            for component in row.get("components") or [row.get("component") or {}]
            if "custom_id" in component
        }
        locale = self.runner.locale(interaction)
        actor = actor_of(interaction)
        await self.answer(
            interaction,
            functools.partial(self.desk.submit, kind, key, int(revision), values, actor, locale),
        )

    async def echo(self, audits: list[Reply]) -> None:
        """Post what changed to the configured audit channel (if any); never fails the edit."""
        channel_id = self.desk.config.admin_audit_channel_id
        if channel_id is None or not audits:
            return
        channel = self.client.get_partial_messageable(channel_id)
        try:
            await post_reply(channel, audits[0], self.desk.config.locale)
        except discord.HTTPException:
            log.warning("could not echo a fact change to the audit channel %s", channel_id)


class FormModal(discord.ui.Modal):
    """A form as a Discord modal: prefilled text inputs. Only sent, never kept: its
    custom_id carries what `AdminCommands.on_modal_submit` needs to apply it."""

    def __init__(self, form: Form) -> None:
        custom_id = f"bb:form:{form.kind}:{form.revision}:{form.key}"[:100]
        super().__init__(title=form.title[:MODAL_TITLE_MAX], custom_id=custom_id, timeout=None)
        for field in form.fields:
            self.add_item(
                discord.ui.TextInput(
                    label=field.label[:MODAL_LABEL_MAX],
                    custom_id=field.name,
                    default=field.value or None,
                    required=field.required,
                    max_length=field.max_length,
                    style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
                )
            )
