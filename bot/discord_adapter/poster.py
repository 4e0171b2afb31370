"""`DiscordPoster`: how digests reach Discord channels.

The engine hands over a digest `Reply` and the period's idempotency key; here it is
rendered, each message carries its own nonce derived from the key with
`enforce_nonce` (so Discord itself drops a resend of a message it already has), and
Discord's failures become the engine's outcomes: 403 → forbidden, 404 Unknown Channel
→ gone, anything else → retried.
"""

from __future__ import annotations

import logging

import discord

from bot.briefing.model import Reply
from bot.digest.delivery import ChannelForbidden, ChannelGone, DeliveryProgress, with_fix
from bot.digest.subscriptions import Subscription
from bot.discord_adapter.views import message_kwargs, post_reply
from bot.i18n import t
from bot.ids import discord as ids
from bot.render.discord_payload import reply_messages

log = logging.getLogger(__name__)
UNKNOWN_CHANNEL = 10003


class DiscordPoster:
    """Posts digests with discord.py to the places of the Discord front end."""

    def __init__(self, client: discord.Client, audit_channel_id: int | None) -> None:
        self.client = client
        self.audit_channel_id = audit_channel_id

    def owns(self, place: str) -> bool:
        return ids.channel_of(place) is not None

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        """Post the messages not posted yet; a message that may be in the channel already is
        simply sent again: its nonce makes Discord answer with the one it has."""
        channel_id = ids.channel_of(place)
        if channel_id is None:
            raise ChannelGone(f"{place} is not a Discord channel")
        channel = self.client.get_partial_messageable(channel_id)
        for number, outgoing in enumerate(reply_messages(reply, locale)):
            if number < progress.posted:
                continue
            try:
                message = await channel.send(
                    nonce=f"{key}-{number}",
                    **message_kwargs(outgoing.payload, None, outgoing.files),
                )
            except discord.Forbidden as exc:
                raise ChannelForbidden(str(exc)) from exc
            except discord.NotFound as exc:
                if exc.code == UNKNOWN_CHANNEL:
                    raise ChannelGone(str(exc)) from exc
                raise
            await progress.record(number, str(message.id))

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        """To the audit channel if one is configured, else to whoever subscribed, by DM;
        a refusal says which permissions the bot needs here."""
        locale = subscription.language
        if reason == "forbidden":
            message = with_fix(message, t("discord.fix.forbidden", locale), locale)
        if self.audit_channel_id is not None:
            target: discord.abc.Messageable = self.client.get_partial_messageable(
                self.audit_channel_id
            )
        else:
            user = ids.user_of(subscription.created_by)
            if user is None:
                log.warning(
                    "digest %d: nobody on Discord to tell about %s", subscription.id, reason
                )
                return
            # Discord's spec types recipient_id as a string snowflake; discord.py's
            # `create_dm` would send an int, so open the DM channel directly.
            channel = await self.client.http.start_private_message(str(user))
            target = self.client.get_partial_messageable(int(channel["id"]))
        await post_reply(target, message, locale)
