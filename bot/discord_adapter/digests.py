"""`/digest`: the commands, and the `Poster` that delivers digests to Discord channels.

Handlers translate discord.py parameters into calls on `DigestCommands` (the
platform-neutral core); the poster maps Discord's failures onto the engine's.
"""

import functools
import zoneinfo
from typing import Any

import discord
from discord import app_commands

from bot.briefing.model import Reply
from bot.digest.commands import DEFAULT_TIMEZONE, WINDOW_DEFAULT, WINDOW_MAX, WINDOW_MIN
from bot.digest.delivery import ChannelForbidden, ChannelGone
from bot.digest.service import DigestService
from bot.digest.subscriptions import Subscription
from bot.discord_adapter.checks import trusted
from bot.discord_adapter.respond import InteractionRunner
from bot.discord_adapter.translator import text
from bot.discord_adapter.views import message_kwargs, post_reply
from bot.trust import may_manage_digests

Interaction = discord.Interaction
UNKNOWN_CHANNEL = 10003
SCHEDULE_EXAMPLES = ("daily 09:00", "weekly mon 09:00", "weekly mon,thu 08:30", "monthly 1 09:00")
TIMEZONES = sorted(zoneinfo.available_timezones())
SCHEDULE_MAX = 100
UNTIL_MAX = 16


class DiscordPoster:
    """Posts digests with discord.py; each message carries its nonce with `enforce_nonce`,
    so Discord itself drops a resend of a message it already has."""

    def __init__(self, client: discord.Client, audit_channel_id: int | None) -> None:
        self.client = client
        self.audit_channel_id = audit_channel_id

    async def post(self, channel_id: int, payloads: list[dict[str, Any]], nonce: str) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        first: int | None = None
        for payload in payloads:
            try:
                message = await channel.send(
                    nonce=payload["nonce"], **message_kwargs(payload, None)
                )
            except discord.Forbidden as exc:
                raise ChannelForbidden(str(exc)) from exc
            except discord.NotFound as exc:
                if exc.code == UNKNOWN_CHANNEL:
                    raise ChannelGone(str(exc)) from exc
                raise
            first = first or message.id
        assert first is not None, "a digest has at least one message"
        return first

    async def notify(self, subscription: Subscription, message: Reply) -> None:
        """To the audit channel if one is configured, else to whoever subscribed, by DM."""
        if self.audit_channel_id is not None:
            target: discord.abc.Messageable = self.client.get_partial_messageable(
                self.audit_channel_id
            )
        else:
            # Discord's spec types recipient_id as a string snowflake; discord.py's
            # `create_dm` would send an int, so open the DM channel directly.
            channel = await self.client.http.start_private_message(str(subscription.created_by))
            target = self.client.get_partial_messageable(int(channel["id"]))
        await post_reply(target, message, subscription.language)


def _choices(values: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v, value=v) for v in values[:25]]


async def schedule_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """What was typed (so it can be sent as is), then the forms the parser understands."""
    typed = [current.strip()[:SCHEDULE_MAX]] if current.strip() else []
    return _choices(typed + [e for e in SCHEDULE_EXAMPLES if e != current.strip()])


async def timezone_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    needle = current.strip().lower().replace(" ", "_")
    if not needle:
        return _choices([DEFAULT_TIMEZONE, "UTC", "America/New_York", "Europe/London"])
    return _choices([zone for zone in TIMEZONES if needle in zone.lower()])


def add_digest_commands(
    tree: app_commands.CommandTree, runner: InteractionRunner, service: DigestService
) -> None:
    """Register `/digest` on `tree`: hidden from members without Manage Server by default,
    and every change checked server-side as well."""
    core = service.commands
    group = app_commands.Group(
        name=text("name.digest"),
        description=text("cmd.digest"),
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    manages = trusted(may_manage_digests, "err.manage_guild")

    async def answer(interaction: Interaction, operation: Any, **options: Any) -> None:
        """Run a `DigestCommands` operation for this server, privately, in the asker's language."""
        call = functools.partial(
            operation, guild_id=interaction.guild_id, locale=runner.locale(interaction), **options
        )
        await runner.respond(interaction, call, private=True)

    @group.command(name=text("name.digest.subscribe"), description=text("cmd.digest.subscribe"))
    @app_commands.rename(
        channel=text("opt.channel"), schedule=text("opt.schedule"), window=text("opt.window"),
        timezone=text("opt.timezone"), language=text("opt.language"),
        post_empty=text("opt.post_empty"),
    )  # fmt: skip
    @app_commands.describe(
        channel=text("cmd.digest.channel"), schedule=text("cmd.digest.schedule"),
        window=text("cmd.digest.window"), timezone=text("cmd.digest.timezone"),
        language=text("cmd.digest.language"), post_empty=text("cmd.digest.post_empty"),
    )  # fmt: skip
    @app_commands.choices(
        language=[
            app_commands.Choice(name=text("digest.language.ko"), value="ko"),
            app_commands.Choice(name=text("digest.language.en"), value="en"),
        ]
    )
    @app_commands.autocomplete(schedule=schedule_choices, timezone=timezone_choices)
    @manages
    async def subscribe(
        interaction: Interaction,
        channel: discord.TextChannel,
        schedule: app_commands.Range[str, 1, SCHEDULE_MAX],
        window: app_commands.Range[int, WINDOW_MIN, WINDOW_MAX] = WINDOW_DEFAULT,
        timezone: app_commands.Range[str, 1, 64] = DEFAULT_TIMEZONE,
        language: str = "ko",
        post_empty: bool = True,
    ) -> None:
        await answer(
            interaction, core.subscribe, channel_id=channel.id, user_id=interaction.user.id,
            schedule=schedule, window=window, timezone=timezone, language=language,
            post_empty=post_empty,
        )  # fmt: skip

    def channel_command(name: str, operation: Any) -> None:
        """A change whose only option is the channel (`unsubscribe`, `resume`)."""

        @group.command(name=text(f"name.digest.{name}"), description=text(f"cmd.digest.{name}"))
        @app_commands.rename(channel=text("opt.channel"))
        @app_commands.describe(channel=text("cmd.digest.channel"))
        @manages
        async def command(interaction: Interaction, channel: discord.TextChannel) -> None:
            await answer(interaction, operation, channel_id=channel.id)

    channel_command("unsubscribe", core.unsubscribe)
    channel_command("resume", core.resume)

    @group.command(name=text("name.digest.pause"), description=text("cmd.digest.pause"))
    @app_commands.rename(channel=text("opt.channel"), until=text("opt.until"))
    @app_commands.describe(channel=text("cmd.digest.channel"), until=text("cmd.digest.until"))
    @manages
    async def pause(
        interaction: Interaction,
        channel: discord.TextChannel,
        until: app_commands.Range[str, 1, UNTIL_MAX] | None = None,
    ) -> None:
        await answer(interaction, core.pause, channel_id=channel.id, until=until)

    @group.command(name=text("name.digest.list"), description=text("cmd.digest.list"))
    async def list_digests(interaction: Interaction) -> None:
        await answer(interaction, core.list_subscriptions)

    @group.command(name=text("name.digest.preview"), description=text("cmd.digest.preview"))
    @app_commands.rename(channel=text("opt.channel"), window=text("opt.window"))
    @app_commands.describe(channel=text("cmd.digest.channel"), window=text("cmd.digest.window"))
    async def preview(
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        window: app_commands.Range[int, WINDOW_MIN, WINDOW_MAX] | None = None,
    ) -> None:
        channel_id = channel.id if channel else interaction.channel_id
        await answer(interaction, core.preview, channel_id=channel_id, window=window)

    tree.add_command(group)
