"""The `/digest` commands and their options, as plain data shared by every front end.

Like the lookup and admin specs, every front end generates its `/digest` commands from
these, so the same options are accepted and refused with the same words everywhere.
Changing a subscription is shown to managers only; `digest preview` shows anyone what
a channel would get, changing nothing. `channel` defaults to where the command was
typed.
"""

from __future__ import annotations

from bot.briefing.commands import Command, Option, managed
from bot.i18n import LOCALES

WINDOW_MIN, WINDOW_MAX, WINDOW_DEFAULT = 1, 90, 14
DEFAULT_TIMEZONE = "Asia/Seoul"
DEFAULT_SCHEDULE = "daily 09:00"
SCHEDULE_MAX = 100
TIMEZONE_MAX = 64
# `YYYY-MM-DD HH:MM`
UNTIL_MAX = 16
# Completion sources of `schedule` and `timezone`.
SCHEDULE, TIMEZONE = "schedule", "timezone"

CHANNEL = Option("channel", "place", description="cmd.digest.channel")
WINDOW = Option(
    "window", "integer", min_value=WINDOW_MIN, max_value=WINDOW_MAX, description="cmd.digest.window"
)


DIGEST_COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        managed(
            "digest subscribe",
            Option(
                "schedule",
                "string",
                True,
                max_length=SCHEDULE_MAX,
                autocomplete=(SCHEDULE,),
                description="cmd.digest.schedule",
            ),
            CHANNEL,
            Option(
                "window",
                "integer",
                default=WINDOW_DEFAULT,
                min_value=WINDOW_MIN,
                max_value=WINDOW_MAX,
                description="cmd.digest.window",
            ),
            Option(
                "timezone",
                "string",
                default=DEFAULT_TIMEZONE,
                max_length=TIMEZONE_MAX,
                autocomplete=(TIMEZONE,),
                description="cmd.digest.timezone",
            ),
            Option("language", "string", choices=LOCALES, description="cmd.digest.language"),
            Option("post_empty", "boolean", default=True, description="cmd.digest.post_empty"),
        ),
        managed("digest unsubscribe", CHANNEL),
        managed(
            "digest pause",
            CHANNEL,
            Option("until", "string", max_length=UNTIL_MAX, description="cmd.digest.until"),
        ),
        managed("digest resume", CHANNEL),
        managed("digest list"),
        Command("digest preview", (CHANNEL, WINDOW), private=True, scoped=True),
    )
}
