"""The admin commands and their options, as plain data shared by every front end.

Every front end builds its `/fact`, `/milestone`, `/entity`, `/alias` and `/source`
commands from these specs, so all accept exactly the same options and refuse bad ones
with the same words. Limits come from the store. Changes are shown only to managers;
`fact history` only reads, so everyone sees it.
"""

from __future__ import annotations

from bot.briefing.commands import Command, Option, managed
from store import limits
from store.model import INSTITUTION_KINDS, PROGRAM_KINDS

ENTITIES = ("program", "institution", "person")
# Autocomplete sources besides entity classes.
ATTRIBUTE, SOURCE, MILESTONE, KIND = "attribute", "source", "milestone", "kind"
ENTITY_KINDS = (*PROGRAM_KINDS, *INSTITUTION_KINDS, "person")
# Revision and milestone ids are SQLite integer keys.
ID_MAX = 2**63 - 1


def _entity(name: str = "entity", classes: tuple[str, ...] = ENTITIES) -> Option:
    return Option(name, "string", True, max_length=limits.NAME_MAX, autocomplete=classes)


def _text(name: str, limit: int, required: bool = False) -> Option:
    return Option(name, "string", required, max_length=limit)


def _attribute(required: bool = True) -> Option:
    return Option(
        "attribute", "string", required, max_length=limits.NAME_MAX, autocomplete=(ATTRIBUTE,)
    )


SOURCE_OPTION = Option("source", "string", True, max_length=limits.URL_MAX, autocomplete=(SOURCE,))
REASON = _text("reason", limits.REASON_MAX)
MILESTONE_OPTION = Option(
    "milestone", "integer", True, min_value=1, max_value=ID_MAX, autocomplete=(MILESTONE,)
)


ADMIN_COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        managed(
            "fact set",
            _entity(),
            _attribute(),
            _text("value", limits.FACT_TEXT_MAX, True),
            SOURCE_OPTION,
            REASON,
            _text("value_en", limits.FACT_TEXT_MAX),
            _text("unit", limits.UNIT_MAX),
            _text("label", limits.NAME_MAX),
            Option("replaces", "integer", min_value=1, max_value=ID_MAX),
            Option("add", "boolean", default=False),
        ),
        managed("fact retire", _entity(), _attribute(), _text("reason", limits.REASON_MAX, True)),
        # Reading the history is for everyone, anywhere.
        Command("fact history", (_entity(), _attribute(required=False)), private=True),
        # A form with the statement's current value (a modal where the front end has one).
        managed("fact edit", _entity(), _attribute()),
        managed(
            "fact revert",
            Option("revision", "integer", True, min_value=1, max_value=ID_MAX),
            REASON,
        ),
        managed(
            "milestone add",
            _entity("program"),
            _text("title", limits.TITLE_MAX, True),
            _text("date", limits.NAME_MAX, True),
            SOURCE_OPTION,
            _text("title_en", limits.TITLE_MAX),
            REASON,
        ),
        managed(
            "milestone update",
            MILESTONE_OPTION,
            _text("title", limits.TITLE_MAX),
            _text("date", limits.NAME_MAX),
            Option("source", "string", max_length=limits.URL_MAX, autocomplete=(SOURCE,)),
            _text("title_en", limits.TITLE_MAX),
            REASON,
        ),
        managed("milestone done", MILESTONE_OPTION, REASON),
        managed("milestone cancel", MILESTONE_OPTION, REASON),
        managed(
            "entity add",
            Option("kind", "string", True, max_length=40, autocomplete=(KIND,)),
            _text("name_ko", limits.NAME_MAX, True),
            SOURCE_OPTION,
            _text("name_en", limits.NAME_MAX),
            _text("acronym", limits.NAME_MAX),
            _text("aliases", limits.SUMMARY_MAX),
            _text("summary", limits.SUMMARY_MAX),
            _text("summary_en", limits.SUMMARY_MAX),
            REASON,
        ),
        managed("alias add", _entity(), _text("alias", limits.NAME_MAX, True), REASON),
        managed(
            "source add",
            _text("title", limits.TITLE_MAX, True),
            _text("publisher", limits.NAME_MAX, True),
            _text("published", limits.NAME_MAX, True),
            _text("url", limits.URL_MAX),
            _text("title_en", limits.TITLE_MAX),
            REASON,
        ),
    )
}

ADMIN_GROUPS = tuple(dict.fromkeys(name.split()[0] for name in ADMIN_COMMANDS))
