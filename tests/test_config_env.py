"""Configuration from the environment, the newer keys, unknown keys, and where secrets come from.

Every key of `config.example.toml` can be given as `BRIEFBOT_<SECTION>_<KEY>`, typed and
checked exactly as in the file; secrets come only from their variable, a `*_file` or a
systemd credential.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import SECRETS, SETTINGS, Config, ConfigError, env_name, load_config

ROOT = Path(__file__).resolve().parent.parent

# One good value per key, as the environment spells it and as Config holds it. Adding a
# key to SETTINGS without adding it here fails `test_every_key_can_come_from_the_environment`.
FROM_ENV: dict[str, tuple[str, Any]] = {
    "store_path": ("data/facts.db", Path("data/facts.db")),
    "store_upgrade_on_start": ("no", False),
    "discord_mode": ("http", "http"),
    "guild_ids": ("[1, 2]", (1, 2)),
    "token_file": ("/run/secrets/discord", Path("/run/secrets/discord")),
    "api_base": ("http://127.0.0.1:9/api/v10", "http://127.0.0.1:9/api/v10"),
    "gateway_url": ("wss://127.0.0.1:9/gateway", "wss://127.0.0.1:9/gateway"),
    "discord_public_key": ("ab" * 32, "ab" * 32),
    "shard_count": ("2", 2),
    "shard_ids": ("1", (1,)),
    "locale": ("en", "en"),
    "timezone": ("Europe/Berlin", "Europe/Berlin"),
    "stale_after_days": ("90", 90),
    "admin_user_ids": ("111,222", (111, 222)),
    "admin_role_ids": ("333", (333,)),
    "admin_guild_ids": ("", ()),
    "admin_audit_channel_id": ("444", 444),
    "slack_admin_user_ids": ('"U012ABCDEF", W0ABC', ("U012ABCDEF", "W0ABC")),
    "slack_workspace_admins": ("TRUE", True),
    "slack_mode": ("http", "http"),
    "slack_api_base": ("http://127.0.0.1:9000/api/", "http://127.0.0.1:9000/api/"),
    "slack_bot_token_file": ("bot.txt", Path("bot.txt")),
    "slack_app_token_file": ("app.txt", Path("app.txt")),
    "slack_signing_secret_file": ("signing.txt", Path("signing.txt")),
    "slack_command_prefix": ("brief-", "brief-"),
    "slack_audit_channel": ("C012ABCDEF", "C012ABCDEF"),
    "http_host": ("0.0.0.0", "0.0.0.0"),
    "http_port": ("0", 0),
    "http_enabled": ("off", False),
    "web_base_url": ("https://brief.example.org", "https://brief.example.org"),
    "digest_catch_up_hours": ("1.5", 1.5),
    "digest_audit_channel_id": ("555", 555),
    "digest_sweep_seconds": ("0.5", 0.5),
    "log_level": ("warning", "WARNING"),
    "log_format": ("json", "json"),
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(FROM_ENV) == {setting.field for setting in SETTINGS}
    environ = {env_name(s.section, s.key): FROM_ENV[s.field][0] for s in SETTINGS}
    monkeypatch.chdir(tmp_path)  # no config.toml: the environment alone
    config = load_config(None, environ)
    for name, (_, expected) in FROM_ENV.items():
        if name == "admin_guild_ids":
            continue  # Given empty: an empty variable is "not set", so the default stays.
        assert getattr(config, name) == expected, name
    assert config.admin_guild_ids == ()


def test_every_key_is_documented_in_the_example() -> None:
    """Each key appears (set or commented out) under its section of config.example.toml."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^\[(\w+)\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S))
    for setting in SETTINGS:
        body = sections.get(setting.section, "")
        assert re.search(rf"^#? ?{setting.key} = ", body, re.M), (setting.section, setting.key)


def test_the_example_shows_the_built_in_defaults() -> None:
    """Every key config.example.toml sets (not marked "example") is the default."""
    example, defaults = load_config(ROOT / "config.example.toml", {}), Config()
    for setting in SETTINGS:
        if setting.field != "store_path":  # relative to the example's folder
            assert getattr(example, setting.field) == getattr(defaults, setting.field), setting


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[bot]\nlocale = "en"\n[http]\nport = 9000\n')
    config = load_config(path, {"BRIEFBOT_BOT_LOCALE": "ko"})
    assert (config.locale, config.http_port) == ("ko", 9000)


def test_new_keys_have_their_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, {})
    assert config == Config()
    assert (config.discord_mode, config.slack_mode, config.log_format) == (
        "gateway",
        "socket",
        "text",
    )
    assert (config.http_host, config.http_port, config.http_enabled) == ("127.0.0.1", 8080, True)
    assert (config.stale_after_days, config.store_upgrade_on_start) == (180, True)
    assert (config.slack_workspace_admins, config.slack_command_prefix) == (False, "")
    assert config.shard_count is config.shard_ids is config.web_base_url is None


def test_the_old_admin_keys_are_the_discord_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "[admins]\nuser_ids = [1]\ndiscord_role_ids = [2]\nguild_ids = [3]\n")
    config = load_config(path, {})
    assert (config.admin_user_ids, config.admin_role_ids, config.admin_guild_ids) == (
        (1,),
        (2,),
        (3,),
    )


@pytest.mark.parametrize(
    ("text", "environ"),
    [
        ("[admins]\nuser_ids = [1]\ndiscord_user_ids = [2]\n", {}),
        ("", {"BRIEFBOT_ADMINS_USER_IDS": "1", "BRIEFBOT_ADMINS_DISCORD_USER_IDS": "2"}),
    ],
)
def test_an_old_and_a_new_name_together_are_refused(
    tmp_path: Path, text: str, environ: dict[str, str]
) -> None:
    with pytest.raises(ConfigError, match=r"user_ids.*discord_user_ids|discord_user_ids.*user_ids"):
        load_config(write(tmp_path, text), environ)


@pytest.mark.parametrize(
    ("text", "environ", "key"),
    [
        ("[discord]\napi_base = 5\n", {}, "discord.api_base"),
        ('[discord]\napi_base = "127.0.0.1:8080"\n', {}, "discord.api_base"),
        ('[discord]\ngateway_url = "http://x"\n', {}, "discord.gateway_url"),
        ('[discord]\nmode = "webhook"\n', {}, "discord.mode"),
        ('[discord]\npublic_key = "abc"\n', {}, "discord.public_key"),
        ("[discord]\nshard_count = 0\n", {}, "discord.shard_count"),
        ("[discord]\nshard_ids = [-1]\nshard_count = 2\n", {}, "discord.shard_ids"),
        ("[discord]\nshard_ids = [2]\nshard_count = 2\n", {}, "discord.shard_ids"),
        ("[discord]\nshard_ids = [0]\n", {}, "discord.shard_ids"),
        ('[discord]\nmode = "http"\n', {}, "discord.public_key"),
        ('[admins]\nslack_user_ids = ["alice"]\n', {}, "admins.slack_user_ids"),
        ('[admins]\nslack_workspace_admins = "yes"\n', {}, "admins.slack_workspace_admins"),
        ('[slack]\nmode = "rtm"\n', {}, "slack.mode"),
        ('[slack]\ncommand_prefix = "Brief "\n', {}, "slack.command_prefix"),
        ('[slack]\naudit_channel = "#general"\n', {}, "slack.audit_channel"),
        ("[http]\nport = 70000\n", {}, "http.port"),
        ('[http]\nhost = ""\n', {}, "http.host"),
        ("[http]\nenabled = 1\n", {}, "http.enabled"),
        ("[web]\nbase_url = true\n", {}, "web.base_url"),
        ("[bot]\nstale_after_days = 0\n", {}, "bot.stale_after_days"),
        ('[store]\nupgrade_on_start = "false"\n', {}, "store.upgrade_on_start"),
        ('[logging]\nformat = "xml"\n', {}, "logging.format"),
        ("admins = 5\n", {}, "admins"),
        ('[slack]\nbot_token = "xoxb-1-2-secret"\n', {}, "slack.bot_token"),
        ('[slack]\napp_token = "xapp-1-secret"\n', {}, "slack.app_token"),
        ('[slack]\nsigning_secret = "8f7e-secret"\n', {}, "slack.signing_secret"),
        ("", {"BRIEFBOT_HTTP_PORT": "eighty"}, "http.port"),
        ("", {"BRIEFBOT_HTTP_ENABLED": "maybe"}, "http.enabled"),
        ("", {"BRIEFBOT_DIGEST_CATCH_UP_HOURS": "soon"}, "digest.catch_up_hours"),
        ("", {"BRIEFBOT_DIGEST_CATCH_UP_HOURS": "200"}, "digest.catch_up_hours"),
        ("", {"BRIEFBOT_DIGEST_SWEEP_SECONDS": "0"}, "digest.sweep_seconds"),
        ("", {"BRIEFBOT_ADMINS_DISCORD_USER_IDS": "1,x"}, "admins.discord_user_ids"),
        ("", {"BRIEFBOT_BOT_LOCALE": "fr"}, "bot.locale"),
        ("", {"BRIEFBOT_BOT_TIMEZONE": "Mars/Olympus"}, "bot.timezone"),
        ("", {"BRIEFBOT_DISCORD_TOKEN": "MTIz.secret.value"}, "discord.token"),
    ],
)
def test_a_bad_value_is_one_line_naming_its_key(
    tmp_path: Path, text: str, environ: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ)
    message = str(caught.value)
    assert re.search(rf"{re.escape(key)}(?![\w.])", message), message
    assert "\n" not in message
    assert not re.search(r"secret\.value|-secret", message), "a secret value is never echoed"
    for variable in environ:
        assert variable in message, "an environment value's error names the variable"


def test_a_secret_in_the_environment_prefix_points_to_its_real_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN or discord\.token_file"):
        load_config(write(tmp_path, ""), {"BRIEFBOT_DISCORD_TOKEN": "MTIz"})


@pytest.mark.parametrize(
    ("text", "environ", "warning"),
    [
        (
            "[admins]\nuser_idz = [1]\n",
            {},
            "admins.user_idz (ignored); did you mean admins.user_ids?",
        ),
        ("[admin]\nuser_ids = [1]\n", {}, "admin (ignored); did you mean admins?"),
        (
            "",
            {"BRIEFBOT_HTTP_PROT": "1"},
            "BRIEFBOT_HTTP_PROT (ignored); did you mean BRIEFBOT_HTTP_PORT?",
        ),
    ],
)
def test_unknown_keys_are_ignored_with_a_warning(
    tmp_path: Path, text: str, environ: dict[str, str], warning: str
) -> None:
    config = load_config(write(tmp_path, text), environ)
    assert any(warning in line for line in config.warnings), config.warnings
    assert config == load_config(write(tmp_path, ""), {}), "nothing else changed"


def test_the_database_variable_is_not_an_unknown_key(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), {"BRIEFBOT_DB": str(tmp_path / "x.db")})
    assert config.warnings == ()


SECRET_READERS = {
    "DISCORD_TOKEN": Config.token,
    "SLACK_BOT_TOKEN": Config.slack_bot_token,
    "SLACK_APP_TOKEN": Config.slack_app_token,
    "SLACK_SIGNING_SECRET": Config.slack_signing_secret,
}


@pytest.fixture
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for secret in SECRETS:
        monkeypatch.delenv(secret.env, raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    return monkeypatch


@pytest.mark.parametrize("secret", SECRETS, ids=lambda s: s.env)
def test_each_secret_comes_from_its_variable_then_its_file_then_a_credential(
    tmp_path: Path, no_secrets: pytest.MonkeyPatch, secret: Any
) -> None:
    section, file_key = secret.file_key.split(".")
    config = load_config(write(tmp_path, f'[{section}]\n{file_key} = "secret.txt"\n'), {})
    read = SECRET_READERS[secret.env]
    assert read(config) is None

    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / secret.credential).write_text("from-credential\n", encoding="utf-8")
    no_secrets.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    assert read(config) == "from-credential"

    (tmp_path / "secret.txt").write_text(" from-file\n", encoding="utf-8")
    assert read(config) == "from-file"
    assert config.find_secret(secret) == ("from-file", str(tmp_path / "secret.txt"))

    no_secrets.setenv(secret.env, "from-env")
    assert read(config) == "from-env"
    assert config.find_secret(secret) == ("from-env", f"${secret.env}")
