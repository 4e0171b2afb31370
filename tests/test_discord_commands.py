"""The Discord command set as discord.py would sync it: names, options, visibility and
localisations, generated from the core specs.

Built with the real client and tree (no network): `command_payload` is exactly what
`CommandTree.sync()` sends, so this checks what Discord would receive.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.commandline import ALL_COMMANDS
from bot.config import Config
from bot.discord_adapter.client import BriefBot
from bot.discord_adapter.commands import CommandBuilder
from bot.discord_adapter.translator import BriefingTranslator
from store.fact_store import FactStore

NAME = re.compile(r"^[-_'\w]{1,32}$")
OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "place": 7}
MANAGE_GUILD = str(1 << 5)


@pytest.fixture
async def payload(store: FactStore, tmp_path: Path) -> list[dict[str, Any]]:
    bot = BriefBot(App(Config(store_path=store.path), store))
    await bot.tree.set_translator(BriefingTranslator())
    for command in CommandBuilder(bot.runner).commands():
        bot.tree.add_command(command)
    try:
        return await bot.command_payload(None)
    finally:
        await bot.close()
        await bot.app.close()


def specs_as_synced(
    payload: list[dict[str, Any]],
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each spec's name → (the synced command or subcommand, its top-level command)."""
    found = {}
    for command in payload:
        subcommands = [o for o in command.get("options", []) if o["type"] == 1]
        if subcommands:
            for sub in subcommands:
                found[f"{command['name']} {sub['name']}"] = (sub, command)
        else:
            found[command["name"].replace("-", " ")] = (command, command)
    return found


async def test_every_spec_is_one_command_with_its_options(payload: list[dict[str, Any]]) -> None:
    """One spec per command: every spec is synced exactly once, with the spec's options
    (types, required, completion, limits within Discord's), nothing more."""
    synced = specs_as_synced(payload)
    assert set(synced) == set(ALL_COMMANDS)
    for name, (command, _) in synced.items():
        spec = ALL_COMMANDS[name]
        options = command.get("options", [])
        assert [o["name"] for o in options] == [o.name for o in spec.options], name
        for option, spec_option in zip(options, spec.options, strict=True):
            assert option["type"] == OPTION_TYPES[spec_option.kind]
            assert option.get("required", False) == spec_option.required
            assert option.get("autocomplete", False) == bool(spec_option.autocomplete)
            if spec_option.choices:
                assert [c["value"] for c in option["choices"]] == list(spec_option.choices)
            if spec_option.max_length:
                assert 1 <= option["max_length"] <= spec_option.max_length
            if spec_option.min_value is not None:
                assert option["min_value"] == spec_option.min_value
                assert option["max_value"] <= (spec_option.max_value or 0)
                assert option["max_value"] <= 2**53 - 1


async def test_visibility_follows_each_spec(payload: list[dict[str, Any]]) -> None:
    """Commands for managers are hidden from members; a command for everyone never is,
    even when the rest of its group is (it is then a command of its own)."""
    for name, (_, top) in specs_as_synced(payload).items():
        spec = ALL_COMMANDS[name]
        hidden = str(top.get("default_member_permissions")) == MANAGE_GUILD
        assert hidden == (spec.visibility == "managers"), name
    names = {command["name"] for command in payload}
    assert {"fact-history", "digest-preview"} <= names


async def test_names_and_descriptions_are_localised_for_korean_and_english(
    payload: list[dict[str, Any]],
) -> None:
    program = payload[0]
    assert program["name_localizations"]["ko"] == "프로그램"
    assert program["name_localizations"]["en-US"] == "program"
    assert "출처" in program["description_localizations"]["ko"]

    def items(item: dict[str, Any]) -> list[dict[str, Any]]:
        return [item, *(x for option in item.get("options", []) for x in items(option))]

    for command in payload:
        for item in items(command):
            for name in [item["name"], *item.get("name_localizations", {}).values()]:
                assert NAME.match(name) and name == name.lower(), name
            for text in [item["description"], *item.get("description_localizations", {}).values()]:
                assert 1 <= len(text) <= 100, text
