"""The commands every front end offers, and their options, as plain data.

Each front end generates its commands from these specs (slash commands with typed
options, or a typed line parsed by option name) and every value is checked by
`validate_options`, so a bad value gets the same explanation everywhere. The lookup
commands are defined here; the admin and digest commands beside their desks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.i18n import t
from store.limits import NAME_MAX

# A search is a few words; longer text is a paste, not a query.
QUERY_MAX = 100
# How `/milestones` answers: a list, or a calendar file of the same window.
FORMATS = ("text", "ics")


class OptionError(ValueError):
    """A command option that cannot be used; carries the message key and its values."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, locale: str) -> str:
        return t(self.key, locale, **self.values)


OptionKind = Literal["string", "integer", "boolean", "place"]
Visibility = Literal["everyone", "managers"]


@dataclass(frozen=True)
class Option:
    """One option of a command: its type, limits, fixed choices and what completes it.

    A `place` option names a channel; the front end turns what the user picked into
    its opaque place id before the core sees it. `description` is the i18n key of the
    option's help text (`desc.NAME` unless the command needs its own wording).
    """

    name: str
    kind: OptionKind
    required: bool = False
    default: Any = None
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    autocomplete: tuple[str, ...] | None = None  # entity classes or another completion source
    choices: tuple[str, ...] | None = None
    description: str | None = None

    @property
    def help_key(self) -> str:
        return self.description or f"desc.{self.name}"


@dataclass(frozen=True)
class Command:
    """A command: its name (`group sub` for a subcommand) and options, who sees it in a
    command list (`managers`: only those who manage the community; the desks check trust
    on every call whatever a front end shows), whether it answers only the asker, and
    whether it belongs to a community (server, workspace) rather than a direct message."""

    name: str
    options: tuple[Option, ...] = ()
    visibility: Visibility = "everyone"
    private: bool = False
    scoped: bool = False

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def group(self) -> str | None:
        """The group of a subcommand (`fact` of `fact set`), None for a plain command."""
        head, _, sub = self.name.partition(" ")
        return head if sub else None


def managed(name: str, *options: Option) -> Command:
    """A change to what a community shares (its facts, its digests): shown to the
    community's managers, answered privately, never in a direct message."""
    return Command(name, options, visibility="managers", private=True, scoped=True)


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "program",
            (
                Option(
                    "name",
                    "string",
                    True,
                    max_length=NAME_MAX,
                    autocomplete=("program",),
                    description="cmd.program.name",
                ),
            ),
        ),
        Command(
            "institution",
            (
                Option(
                    "name",
                    "string",
                    True,
                    max_length=NAME_MAX,
                    autocomplete=("institution",),
                    description="cmd.institution.name",
                ),
            ),
        ),
        Command(
            "milestones",
            (
                Option(
                    "program",
                    "string",
                    max_length=NAME_MAX,
                    autocomplete=("program",),
                    description="cmd.milestones.program",
                ),
                Option(
                    "days",
                    "integer",
                    default=30,
                    min_value=1,
                    max_value=3650,
                    description="cmd.milestones.days",
                ),
                Option("past", "boolean", default=False, description="cmd.milestones.past"),
                Option(
                    "format",
                    "string",
                    default="text",
                    choices=FORMATS,
                    description="cmd.milestones.format",
                ),
            ),
        ),
        Command(
            "search",
            (
                Option(
                    "query", "string", True, max_length=QUERY_MAX, description="cmd.search.query"
                ),
                Option(
                    "page",
                    "integer",
                    default=1,
                    min_value=1,
                    max_value=1000,
                    description="cmd.search.page",
                ),
            ),
        ),
        Command("about"),
    )
}

_TRUE = {"true", "yes", "1", "on", "예", "네", "참"}
_FALSE = {"false", "no", "0", "off", "아니오", "아니요", "거짓"}


def _coerce(option: Option, value: Any) -> Any:
    if option.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise OptionError("err.not_number", option=option.name, value=value) from None
        if (option.min_value is not None and value < option.min_value) or (
            option.max_value is not None and value > option.max_value
        ):
            raise OptionError(
                "err.range",
                option=option.name,
                low=option.min_value,
                high=option.max_value,
                value=value,
            )
        return value
    if option.kind == "boolean":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise OptionError("err.not_bool", option=option.name, value=value)
    if option.choices is not None:
        choice = str(value).strip().lower()
        if choice not in option.choices:
            raise OptionError(
                "err.choice", option=option.name, value=value, choices=", ".join(option.choices)
            )
        return choice
    # SQLite's FTS5 cannot take a NUL in a MATCH string; no name or word contains one.
    text = str(value).replace("\x00", "").strip()
    if not text:
        raise OptionError("err.empty", option=option.name)
    if option.max_length is not None and len(text) > option.max_length:
        raise OptionError(
            "err.too_long", option=option.name, length=len(text), limit=option.max_length
        )
    return text


def validate_options(command: Command, given: dict[str, Any]) -> dict[str, Any]:
    """Typed option values with defaults filled in; raises `OptionError` explaining the first problem."""
    if given and not command.options:
        raise OptionError(
            "err.takes_no_options",
            command=f"/{command.name}",
            value=" ".join(f"{k}:{v}" if k else str(v) for k, v in given.items()),
        )
    for name in given:
        if command.option(name) is None:
            raise OptionError(
                "err.unknown_option",
                command=f"/{command.name}",
                option=name,
                options=", ".join(o.name for o in command.options) or "-",
            )
    values: dict[str, Any] = {}
    for option in command.options:
        raw = given.get(option.name)
        if raw is None or (isinstance(raw, str) and not raw.strip() and not option.required):
            if option.required:
                raise OptionError("err.empty", option=option.name)
            values[option.name] = option.default
            continue
        values[option.name] = _coerce(option, raw)
    return values
