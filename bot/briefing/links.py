"""Where an answer lives on the web: one address scheme for the core and the web pages.

The core puts the address of an answer's page in `Reply.links` (when `[web] base_url`
is set) and the web front end serves exactly these paths, so the two can never drift:
`/program/<id>`, `/institution/<id>`, `/milestones?program=&days=&past=`,
`/search?q=&page=`, and the calendar feed `/calendar.ics?program=`. Options left at
their defaults are left out, so each answer has one address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from bot.briefing.commands import COMMANDS

# The command each page answers, and the query parameter of each of its options.
ENTITY_PAGES = ("program", "institution")
QUERY_NAMES: dict[str, dict[str, str]] = {
    "milestones": {"program": "program", "days": "days", "past": "past"},
    "search": {"query": "q", "page": "page"},
    "about": {},
}
CALENDAR_PATH = "/calendar.ics"


def _query(command: str, options: Mapping[str, Any]) -> str:
    """`?a=1&b=2` for the options that differ from their defaults, in spec order."""
    spec = COMMANDS[command]
    names = QUERY_NAMES[command]
    pairs = []
    for option in spec.options:
        value = options.get(option.name)
        if option.name not in names or value is None or value == option.default:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        pairs.append((names[option.name], text))
    return f"?{urlencode(pairs)}" if pairs else ""


def answer_path(command: str, options: Mapping[str, Any]) -> str | None:
    """The path of the page showing `command`'s answer with `options`, None if no page does."""
    if command in ENTITY_PAGES:
        name = options.get("name")
        return f"/{command}/{quote(str(name), safe='')}" if name else None
    if command in QUERY_NAMES:
        return f"/{command}{_query(command, options)}"
    return None


def calendar_path(program: str | None) -> str:
    """The calendar feed of one program's milestones (or every program's)."""
    return CALENDAR_PATH + (f"?{urlencode({'program': program})}" if program else "")


def absolute(base_url: str, path: str) -> str:
    """`path` under the configured base URL (which may itself have a path)."""
    return base_url.rstrip("/") + path
