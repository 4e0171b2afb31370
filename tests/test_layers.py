"""The layers of the platform contract, read from the code itself.

`store/` knows nothing about chat; the core (`bot/briefing`, `bot/admin`, `bot/digest`)
knows no platform: it imports no client library, no renderer, no front end, and it
names no platform, markup or platform limit. Each front end is an adapter plus a
renderer built on the core, never the other way round.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot/briefing", "bot/admin", "bot/digest")
# What only a front end (or the composition root that wires front ends) may import.
FRONT_END_MODULES = (
    "discord", "slack_bolt", "slack_sdk", "aiohttp", "nacl", "bot.discord_adapter",
    "bot.slack_adapter", "bot.ids", "bot.render", "bot.console", "bot.app", "bot.http",
    "bot.web",
)  # fmt: skip
# Words and markup that belong to one platform: its name, its mention and emphasis
# syntax, its layout tricks and the names of its payload parts.
PLATFORM_TEXT = re.compile(
    r"discord|slack|embed|ephemeral|custom_id|snowflake|mrkdwn|<#|<@|<!"
    r"|(?<![\w)\]])\*\*[^*\s][^*]*[^*\s]\*\*",
    re.IGNORECASE,
)
# A zero-width space is a layout trick in a reply (an empty-looking field name); the store
# may name it, since it removes such characters from what people type.
LAYOUT_TRICK = re.compile(r"\\u200b")


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_folders_exist() -> None:
    """A renamed folder would make every test below pass on nothing."""
    assert all(python_files(folder) for folder in (*CORE, "store"))


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_front_end(path: Path) -> None:
    forbidden = {
        module
        for module in imported_modules(path)
        if any(module == f or module.startswith(f"{f}.") for f in FRONT_END_MODULES)
    }
    assert forbidden == set(), f"{path.name} imports {forbidden}"


@pytest.mark.parametrize("path", python_files("store"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_store_imports_nothing_from_the_bot(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m == "bot" or m.startswith("bot.")}


@pytest.mark.parametrize(
    "path", python_files(*CORE, "store"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_core_and_the_store_name_no_platform_or_markup(path: Path) -> None:
    in_core = path.relative_to(ROOT).parts[0] != "store"
    found = [
        f"{number}: {text.strip()}"
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PLATFORM_TEXT.search(text) or (in_core and LAYOUT_TRICK.search(text))
    ]
    assert found == [], f"{path.relative_to(ROOT)} names a platform:\n" + "\n".join(found)


def test_the_check_catches_what_it_is_for() -> None:
    """The patterns above find what they must (a check that cannot fail proves nothing)."""
    for text in ("a Discord id", "`<#123>`", "**bold**", "custom_id", "mrkdwn"):
        assert PLATFORM_TEXT.search(text), text
    assert LAYOUT_TRICK.search("Field('\\u200b', lines)")
    # Unpacking and powers are not markup.
    for text in ("f(**values)", "{**a, **b}", '{"조": 10**12, "억": 10**8}'):
        assert not PLATFORM_TEXT.search(text), text
