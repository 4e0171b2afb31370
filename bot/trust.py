"""Who may change what: the one place that decides, for every front end.

People, roles and communities are opaque strings owned by the front end that made
them (`errbot`'s `Person.person`): the core stores and compares them, never parses
them. Facts are shared by every community the bot serves, so fact edits come only
from the trust configured in `[admins]`, turned into these strings once at start-up
(`bot.app.trust_rules`); digests belong to one community, so its managers may change
its subscriptions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is asking, as far as trust is concerned.

    `id` names the person (`discord:123`, `slack:T01/U02`, `console:local`) and is what
    revisions record; `scope` is the community the command came from (a server or a
    workspace); `manages_scope` says the front end vouches that this person manages it
    (Manage Server, a workspace admin); `operator` is the person running the process at
    its console, who is trusted with everything.
    """

    id: str
    scope: str | None = None
    roles: frozenset[str] = frozenset()
    manages_scope: bool = False
    operator: bool = False

    @property
    def label(self) -> str:
        """How revisions name this actor."""
        return self.id


# Whoever a front end could not identify: trusted with nothing.
ANONYMOUS = Actor("anonymous:unknown")


@dataclass(frozen=True)
class TrustRules:
    """The configured fact admins: people, holders of roles, and the managers of
    communities, each as the opaque ids their front ends give them."""

    admin_ids: frozenset[str] = frozenset()
    admin_roles: frozenset[str] = frozenset()
    admin_scopes: frozenset[str] = frozenset()


def may_edit_facts(rules: TrustRules, actor: Actor) -> bool:
    """Configured admins, holders of a configured role, the managers of a configured
    community, and the local operator may change facts."""
    if actor.operator or actor.id in rules.admin_ids or actor.roles & rules.admin_roles:
        return True
    return actor.manages_scope and actor.scope in rules.admin_scopes


def may_manage_digests(rules: TrustRules, actor: Actor) -> bool:
    """A community's managers may change its digest subscriptions; fact admins may too."""
    return actor.manages_scope or may_edit_facts(rules, actor)
