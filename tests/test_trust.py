"""Who may edit facts and manage digests, from the `[admins]` config."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.trust import Actor, may_edit_facts, may_manage_digests

CONFIG = Config(admin_user_ids=(1,), admin_role_ids=(50,), admin_guild_ids=(900,))


@pytest.mark.parametrize(
    ("actor", "facts", "digests"),
    [
        (Actor(None), True, True),  # the local console operator
        (Actor(1), True, True),  # a configured admin user, anywhere
        (Actor(2, 901, frozenset({50})), True, True),  # holds a configured admin role
        (Actor(2, 900, manage_guild=True), True, True),  # manager of an admin server
        (Actor(2, 901, manage_guild=True), False, True),  # manager of another server
        (Actor(2, 900), False, False),  # a member of the admin server, no more
        (Actor(2, 901, frozenset({51})), False, False),  # an unconfigured role
    ],
)
def test_trust_follows_the_config(actor: Actor, facts: bool, digests: bool) -> None:
    assert may_edit_facts(CONFIG, actor) is facts
    assert may_manage_digests(CONFIG, actor) is digests


def test_with_nothing_configured_only_the_operator_edits_facts() -> None:
    assert may_edit_facts(Config(), Actor(None))
    assert not may_edit_facts(Config(), Actor(1, 900, frozenset({50}), manage_guild=True))


def test_revisions_name_the_actor() -> None:
    assert Actor(None).label == "console:local"
    assert Actor(123).label == "discord:123"
