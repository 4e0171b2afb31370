"""The `[digest]` config section: catch-up grace and the audit channel, checked by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def config_with(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[digest]\n{section}\n", encoding="utf-8")
    return path


def test_defaults_catch_up_six_hours_and_tell_the_subscriber(tmp_path: Path) -> None:
    config = load_config(config_with(tmp_path, ""))
    assert (config.digest_catch_up_hours, config.digest_audit_channel_id) == (6.0, None)


def test_both_keys_are_read(tmp_path: Path) -> None:
    config = load_config(
        config_with(tmp_path, "catch_up_hours = 1.5\naudit_channel_id = 123456789012345678")
    )
    assert (config.digest_catch_up_hours, config.digest_audit_channel_id) == (
        1.5,
        123456789012345678,
    )


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("catch_up_hours = -1", "digest.catch_up_hours"),
        ("catch_up_hours = 200", "digest.catch_up_hours"),
        ('catch_up_hours = "6"', "digest.catch_up_hours"),
        ("catch_up_hours = true", "digest.catch_up_hours"),
        ('audit_channel_id = "123"', "digest.audit_channel_id"),
    ],
)
def test_bad_values_name_their_key(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load_config(config_with(tmp_path, line))
