"""Who may edit facts and manage digests: the `[admins]` config as opaque ids, compared
with the actor a front end describes."""

from __future__ import annotations

import pytest

from bot.app import trust_rules
from bot.config import Config
from bot.console import OPERATOR, console_actor
from bot.ids import discord as ids
from bot.trust import ANONYMOUS, Actor, TrustRules, may_edit_facts, may_manage_digests

RULES = trust_rules(Config(admin_user_ids=(1,), admin_role_ids=(50,), admin_guild_ids=(900,)))


def member(
    user: int, guild: int | None = None, roles: tuple[int, ...] = (), manages: bool = False
) -> Actor:
    """A Discord user as the Discord front end describes them."""
    return Actor(
        ids.actor(user),
        scope=ids.scope(guild) if guild is not None else None,
        roles=frozenset(ids.role(r) for r in roles),
        manages_scope=manages,
    )


@pytest.mark.parametrize(
    ("actor", "facts", "digests"),
    [
        (OPERATOR, True, True),  # the local console operator
        (member(1), True, True),  # a configured admin user, anywhere
        (member(2, 901, (50,)), True, True),  # holds a configured admin role
        (member(2, 900, manages=True), True, True),  # manager of an admin server
        (member(2, 901, manages=True), False, True),  # manager of another server
        (member(2, 900), False, False),  # a member of the admin server, no more
        (member(2, 901, (51,)), False, False),  # an unconfigured role
        (ANONYMOUS, False, False),  # nobody a front end could name
    ],
)
def test_trust_follows_the_config(actor: Actor, facts: bool, digests: bool) -> None:
    assert may_edit_facts(RULES, actor) is facts
    assert may_manage_digests(RULES, actor) is digests


def test_with_nothing_configured_only_the_operator_edits_facts() -> None:
    assert may_edit_facts(TrustRules(), OPERATOR)
    assert not may_edit_facts(TrustRules(), member(1, 900, (50,), manages=True))


def test_ids_of_one_platform_never_match_another_s() -> None:
    """A Slack user whose id happens to share digits with a configured Discord admin is
    not that admin: ids are compared whole, platform included."""
    assert not may_edit_facts(RULES, Actor("slack:T1/1"))
    assert not may_edit_facts(RULES, Actor("slack:T1/U2", roles=frozenset({"slack:role/50"})))


def test_revisions_name_the_actor() -> None:
    assert OPERATOR.label == "console:local"
    assert console_actor(123).label == "discord:123"
    assert member(123).label == "discord:123"
