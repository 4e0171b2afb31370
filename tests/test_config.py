"""`load_config`: defaults, a full file, bad values named by key, and where the token comes from.

A config file may be shared or committed, so the token must never come from it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent

FULL = """
[store]
path = "data/facts.db"

[discord]
guild_ids = [123456789012345678, 234567890123456789]
token_file = "secrets/token.txt"
api_base = "http://127.0.0.1:8080/api/v10"
gateway_url = "ws://127.0.0.1:8080/gateway"

[bot]
locale = "en"
timezone = "Europe/Berlin"

[admins]
user_ids = [111111111111111111]
role_ids = [222222222222222222]
guild_ids = [333333333333333333]

[logging]
level = "debug"
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token, setting or database path leaks in from the developer's shell."""
    for name in os.environ:
        if name.startswith("BRIEFBOT_") or name in ("DISCORD_TOKEN", "CREDENTIALS_DIRECTORY"):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running with no config.toml must just work, in Korean, on Seoul time."""
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config == Config()
    assert (config.timezone, config.locale, config.log_level) == ("Asia/Seoul", "ko", "INFO")
    assert config.zone == ZoneInfo("Asia/Seoul")
    assert config.store_path == Path("var") / "briefbot.db"
    assert config.guild_ids == () and config.source is None and config.token() is None


def test_default_database_follows_briefbot_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFBOT_DB", str(tmp_path / "elsewhere.db"))
    assert load_config().store_path == tmp_path / "elsewhere.db"


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_a_full_file_sets_every_key(tmp_path: Path) -> None:
    """Paths are relative to the config file, ids are ints, the level is upper-cased."""
    path = write(tmp_path, FULL)
    config = load_config(path)
    assert config.store_path == tmp_path / "data" / "facts.db"
    assert config.guild_ids == (123456789012345678, 234567890123456789)
    assert config.token_file == tmp_path / "secrets" / "token.txt"
    assert config.api_base == "http://127.0.0.1:8080/api/v10"
    assert config.gateway_url == "ws://127.0.0.1:8080/gateway"
    assert (config.locale, config.timezone) == ("en", "Europe/Berlin")
    assert config.zone == ZoneInfo("Europe/Berlin")
    assert config.admin_user_ids == (111111111111111111,)
    assert config.admin_role_ids == (222222222222222222,)
    assert config.admin_guild_ids == (333333333333333333,)
    assert config.log_level == "DEBUG"
    assert config.source == path


def test_the_shipped_example_loads_as_the_defaults() -> None:
    """config.example.toml documents the defaults; it must stay loadable and say the same."""
    example = ROOT / "config.example.toml"
    config = load_config(example)
    assert config.store_path == ROOT / "var" / "briefbot.db"
    defaults = Config()
    for key in ("locale", "timezone", "log_level", "guild_ids", "admin_user_ids", "token_file"):
        assert getattr(config, key) == getattr(defaults, key), key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[bot]\nlocale = "fr"\n', "bot.locale"),
        ('[bot]\ntimezone = "Mars/Olympus"\n', "bot.timezone"),
        ("[bot]\ntimezone = 9\n", "bot.timezone"),
        ('[bot]\ntimezone = ""\n', "bot.timezone"),
        ('[discord]\nguild_ids = ["abc"]\n', "discord.guild_ids"),
        ("[discord]\nguild_ids = 123\n", "discord.guild_ids"),
        ("[discord]\nguild_ids = [true]\n", "discord.guild_ids"),
        ('[discord]\ntoken = "MTIz.abc.def"\n', "discord.token"),
        ("[admins]\nuser_ids = [1.5]\n", "admins.user_ids"),
        ('[admins]\nrole_ids = ["x"]\n', "admins.role_ids"),
        ('[logging]\nlevel = "LOUD"\n', "logging.level"),
        ("[store]\npath = 5\n", "store.path"),
        ("[discord]\ntoken_file = []\n", "discord.token_file"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    # The whole key: `discord.token_file` does not name `discord.token`.
    assert re.search(rf"{re.escape(key)}(?![\w.])", str(caught.value)), str(caught.value)


def test_the_token_key_is_refused_without_echoing_the_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[discord]\ntoken = "MTIz.secret.value"\n'))
    assert "MTIz.secret.value" not in str(caught.value)
    assert "DISCORD_TOKEN" in str(caught.value)


@pytest.mark.parametrize("content", [b"[bot\nlocale =", b"\xff\xfe[bot]\n"])
def test_unreadable_files_are_config_errors(tmp_path: Path, content: bytes) -> None:
    """Broken TOML or a non-UTF-8 file: a ConfigError naming the file, not a traceback."""
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=r"config\.toml"):
        load_config(path)


def test_a_directory_is_not_a_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError):
        load_config(folder)


def test_token_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token.txt").write_text("from-file\n", encoding="utf-8")
    config = load_config(write(tmp_path, FULL))
    monkeypatch.setenv("DISCORD_TOKEN", "  from-env \n")
    assert config.token() == "from-env", "the environment wins over the file"


def test_token_comes_from_the_token_file(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token.txt").write_text("  from-file\n", encoding="utf-8")
    assert load_config(write(tmp_path, FULL)).token() == "from-file"


def test_blank_env_falls_back_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token.txt").write_text("from-file", encoding="utf-8")
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    assert load_config(write(tmp_path, FULL)).token() == "from-file"


def test_missing_or_empty_token_file_means_no_token(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    assert config.token() is None
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token.txt").write_text("\n", encoding="utf-8")
    assert config.token() is None


def test_a_token_anywhere_else_in_the_toml_is_never_read(tmp_path: Path) -> None:
    """Only [discord] token is refused outright; a token key elsewhere is simply ignored."""
    text = '[bot]\ntoken = "MTIz.secret"\n[store]\ntoken = "MTIz.secret"\n'
    config = load_config(write(tmp_path, text))
    assert config.token() is None
    assert "MTIz.secret" not in repr(config)
