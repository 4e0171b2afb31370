"""Command names and descriptions in Korean and English, for Discord's client-side localisation."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import MESSAGES

_LOCALES = {
    discord.Locale.korean: "ko",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}


class BriefingTranslator(app_commands.Translator):
    """Translates `locale_str` keys from `bot.i18n` into each supported Discord locale."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        language = _LOCALES.get(locale)
        if key is None or language is None or key not in MESSAGES:
            return None
        ko, en = MESSAGES[key]
        return en if language == "en" else ko


def text(key: str) -> app_commands.locale_str:
    """A localisable string whose default (sent as the base value) is the English text."""
    return app_commands.locale_str(MESSAGES[key][1], key=key)
