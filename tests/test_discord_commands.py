"""The Discord command set as discord.py would sync it: names, options and localisations.

Built with the real client and tree (no network): `command_payload` is exactly what
`CommandTree.sync()` sends, so this checks what Discord would receive.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.briefing.answers import Briefer
from bot.briefing.commands import COMMANDS
from bot.config import Config
from bot.discord_adapter.client import BriefBot
from bot.discord_adapter.lookup import add_lookup_commands
from bot.discord_adapter.translator import BriefingTranslator
from store.fact_store import FactStore

NAME = re.compile(r"^[-_'\w]{1,32}$")
OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5}


@pytest.fixture
async def payload(store: FactStore, tmp_path: Path) -> list[dict]:
    bot = BriefBot(Config(store_path=tmp_path / "x.db"), store, Briefer(store))
    await bot.tree.set_translator(BriefingTranslator())
    add_lookup_commands(bot.tree, bot.runner)
    try:
        return await bot.command_payload(None)
    finally:
        await bot.close()


async def test_commands_match_the_platform_neutral_specs(payload: list[dict]) -> None:
    assert [c["name"] for c in payload] == list(COMMANDS)
    for command in payload:
        spec = COMMANDS[command["name"]]
        options = command.get("options", [])
        assert [o["name"] for o in options] == [o.name for o in spec.options]
        for option, spec_option in zip(options, spec.options, strict=True):
            assert option["type"] == OPTION_TYPES[spec_option.kind]
            assert option.get("required", False) == spec_option.required
            assert option.get("autocomplete", False) == bool(spec_option.autocomplete)
            if spec_option.max_length:
                assert option["max_length"] == spec_option.max_length
            if spec_option.min_value is not None:
                assert (option["min_value"], option["max_value"]) == (
                    spec_option.min_value,
                    spec_option.max_value,
                )


async def test_names_and_descriptions_are_localised_for_korean_and_english(
    payload: list[dict],
) -> None:
    program = payload[0]
    assert program["name_localizations"]["ko"] == "프로그램"
    assert program["name_localizations"]["en-US"] == "program"
    assert "출처" in program["description_localizations"]["ko"]
    for command in payload:
        for item in [command, *command.get("options", [])]:
            for name in [item["name"], *item.get("name_localizations", {}).values()]:
                assert NAME.match(name) and name == name.lower(), name
            for text in [item["description"], *item.get("description_localizations", {}).values()]:
                assert 1 <= len(text) <= 100, text
