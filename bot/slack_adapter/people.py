"""Who is asking: a Slack user's language and whether they run the workspace.

Slack sends no locale with a command, so `users.info` (with `include_locale`) is asked
once per user and remembered for a while; the same answer says whether the user is a
workspace admin or owner, which is what managing the workspace means here (digests;
fact edits too when `[admins] slack_workspace_admins` is on). A failed lookup is not
remembered: the next request asks again, and meanwhile the user gets the configured
language and no admin rights.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import locale_for
from bot.ids import slack as ids
from bot.trust import Actor

log = logging.getLogger(__name__)

# Long enough that a busy user costs one lookup now and then; short enough that a
# demoted admin loses their rights within minutes.
REMEMBER_SECONDS = 300.0
REMEMBERED_MAX = 10_000


@dataclass(frozen=True)
class Person:
    """What the bot needs to know about a user."""

    locale: str
    runs_workspace: bool


class People:
    """`users.info`, asked once per user per `REMEMBER_SECONDS` (the clock is injectable)."""

    def __init__(
        self,
        client: AsyncWebClient,
        default_locale: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.default_locale = default_locale
        self.clock = clock
        self._known: OrderedDict[str, tuple[float, Person]] = OrderedDict()

    async def person(self, user_id: str, *, within: float | None = None) -> Person:
        """The user's language and standing, from memory while it is fresh. With `within`,
        an answer that must go out in time (an ack) waits no longer than that for Slack,
        and takes the defaults meanwhile (no admin rights: refusing is the safe side)."""
        known = self._known.get(user_id)
        if known is not None and self.clock() - known[0] < REMEMBER_SECONDS:
            return known[1]
        lookup = asyncio.ensure_future(self._look_up(user_id))
        done, _ = await asyncio.wait({lookup}, timeout=within)
        return lookup.result() if done else Person(self.default_locale, runs_workspace=False)

    async def _look_up(self, user_id: str) -> Person:
        """Ask Slack; remember the answer (a failure is not remembered)."""
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("users.info %s failed (%s); using the defaults", user_id, exc)
            return Person(self.default_locale, runs_workspace=False)
        user = response.get("user") or {}
        person = Person(
            locale_for(user.get("locale"), self.default_locale),
            runs_workspace=bool(user.get("is_admin") or user.get("is_owner")),
        )
        self._known[user_id] = (self.clock(), person)
        self._known.move_to_end(user_id)
        while len(self._known) > REMEMBERED_MAX:
            self._known.popitem(last=False)
        return person

    async def actor(
        self, team_id: str, user_id: str, *, within: float | None = None
    ) -> tuple[Actor, str]:
        """The asker as trust sees them, and the language to answer in.

        Every Slack actor carries the role naming their user id (how `[admins]
        slack_user_ids` are matched), and admins and owners the workspace-admin role.
        """
        person = await self.person(user_id, within=within)
        roles = {ids.user_role(user_id)}
        if person.runs_workspace:
            roles.add(ids.WORKSPACE_ADMIN)
        actor = Actor(
            ids.actor(team_id, user_id),
            scope=ids.scope(team_id),
            roles=frozenset(roles),
            manages_scope=person.runs_workspace,
        )
        return actor, person.locale
