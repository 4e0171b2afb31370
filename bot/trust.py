"""Who may change what: the one place that decides, for every front end.

Facts are shared by every server the bot is in, so fact edits come only from the
trust configured in `[admins]`; digests belong to one server, so that server's
managers (Manage Server) may change its subscriptions. Discord's
`default_permissions` only hides commands and server owners can override it, so the
adapters call these checks on every use as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config


@dataclass(frozen=True)
class Actor:
    """Who is asking, as far as trust is concerned.

    `user_id` None is the local console operator, who runs the process and so is
    trusted with everything. `manage_guild` is the Manage Server permission in
    `guild_id` (Discord computes it, owner and administrator included).
    """

    user_id: int | None
    guild_id: int | None = None
    role_ids: frozenset[int] = frozenset()
    manage_guild: bool = False

    @property
    def is_local_operator(self) -> bool:
        return self.user_id is None

    @property
    def label(self) -> str:
        """How revisions name this actor: `discord:ID`, or `console:local` for the operator."""
        return "console:local" if self.user_id is None else f"discord:{self.user_id}"


def may_edit_facts(config: Config, actor: Actor) -> bool:
    """Configured admin users, holders of a configured admin role, and the managers of a
    configured admin server may change facts; so may the local operator."""
    if actor.is_local_operator or actor.user_id in config.admin_user_ids:
        return True
    if actor.role_ids & set(config.admin_role_ids):
        return True
    return actor.manage_guild and actor.guild_id in config.admin_guild_ids


def may_manage_digests(config: Config, actor: Actor) -> bool:
    """A server's managers may change its digest subscriptions; fact admins may too."""
    return actor.manage_guild or may_edit_facts(config, actor)
