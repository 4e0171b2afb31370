"""Set up and run briefbot from a fresh clone with nothing but Python.

Why a Python script rather than a Makefile: CI and new machines are promised only
Python, and `make` is not always there. Each task creates `.venv` on first use and
installs the exact versions pinned, with their hashes, in `requirements-dev.lock`;
it reinstalls only when the lock or `pyproject.toml` has changed since.

    python3 tasks.py run [ARGS...]    # the bot (console without DISCORD_TOKEN)
    python3 tasks.py test [ARGS...]   # ruff, then the whole pytest suite
    python3 tasks.py lock [ARGS...]   # re-pin both locks from pyproject.toml (e.g. --upgrade)
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"
PYPROJECT = ROOT / "pyproject.toml"
# What the container installs: the runtime dependencies, every optional front end and the
# build backend. The dev lock adds the test tools, constrained to the same versions.
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
DEV_EXTRA = "dev"
# The locks come from PyPI alone, whatever indexes or wheel folders this machine's pip is
# configured with, so that they install the same everywhere.
INDEX = "https://pypi.org/simple"
# The resolver that writes the locks; pinned so that a re-lock changes only what changed.
UV = "uv==0.13.9"
INPUTS_PREFIX = "# pyproject inputs: sha256="


def _pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def lock_inputs_digest() -> str:
    """A digest of what the locks are compiled from: the dependency tables, not the rest.

    Editing ruff or pytest settings must not make the locks stale; adding a dependency must.
    """
    data = _pyproject()
    project = data.get("project", {})
    inputs = {
        "build": data.get("build-system", {}).get("requires", []),
        "python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "extras": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _locked_digest(path: Path) -> str | None:
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(INPUTS_PREFIX):
            return line.removeprefix(INPUTS_PREFIX).strip()
    return None


def lock_is_current() -> bool:
    """True when both locks were compiled from the dependencies pyproject.toml has now."""
    digest = lock_inputs_digest()
    return all(_locked_digest(path) == digest for path in (LOCK, DEV_LOCK))


def _install_digest() -> str:
    hasher = hashlib.sha256(PYPROJECT.read_bytes())
    if DEV_LOCK.exists():
        hasher.update(DEV_LOCK.read_bytes())
    return hasher.hexdigest()


def _pip() -> list[str]:
    return [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]


def _create_venv() -> None:
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def _stale_lock_message() -> str:
    return (
        "pyproject.toml's dependencies changed since requirements.lock was made.\n"
        "Run `python3 tasks.py lock` and commit requirements.lock and requirements-dev.lock."
    )


def ensure_venv() -> int:
    """Create the virtual environment and install the project into it, once.

    From the lock when it matches pyproject.toml. When it does not (someone added a
    dependency and has not re-locked yet), a developer gets an unpinned install and a
    warning so that work goes on; CI (`CI` set) fails instead, so a stale lock never lands.
    """
    digest = _install_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return 0
    locked = lock_is_current()
    if not locked and os.environ.get("CI"):
        print(f"error: {_stale_lock_message()}", file=sys.stderr)
        return 1
    _create_venv()
    print("Installing briefbot and its dependencies into .venv ...", flush=True)
    if locked:
        subprocess.run([*_pip(), "--require-hashes", "-r", str(DEV_LOCK)], check=True)
        # The build backend comes from the lock too, so no unpinned package is fetched.
        subprocess.run([*_pip(), "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    else:
        print(f"warning: {_stale_lock_message()}\nInstalling unpinned for now.", file=sys.stderr)
        extras = ",".join(_pyproject().get("project", {}).get("optional-dependencies", {}))
        subprocess.run([*_pip(), "-e", f"{ROOT}[{extras}]"], check=True)
    STAMP.write_text(digest)
    return 0


def run(args: list[str]) -> int:
    """Run the bot's main job: Discord with DISCORD_TOKEN, else the local console."""
    return subprocess.call([str(PYTHON), "-m", "bot", *args], cwd=ROOT)


# Test workers: most end-to-end tests wait on sockets and clocks, not the CPU, so four
# processes pay off even on a two-core machine.
TEST_WORKERS = "4"


def test(args: list[str]) -> int:
    """Lint, then run every test in parallel; a run that collects no test is a failure."""
    lint = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    if lint != 0:
        return lint
    workers = [] if any(a.startswith("-n") for a in args) else ["-n", TEST_WORKERS]
    return subprocess.call([str(PYTHON), "-m", "pytest", *workers, *args], cwd=ROOT)


def _compile(output: Path, extras: list[str], constraints: Path | None, args: list[str]) -> None:
    """One `uv pip compile` of pyproject.toml plus the build backend, hashed, for any platform.

    The existing lock is uv's starting point, so only what pyproject.toml changed moves
    (`--upgrade` moves everything).
    """
    build_in = VENV / "build-system.in"
    build_in.write_text("\n".join(_pyproject()["build-system"]["requires"]) + "\n")
    command = [
        str(BIN / "uv"),
        "pip",
        "compile",
        "pyproject.toml",
        str(build_in.relative_to(ROOT)),
        *(f"--extra={extra}" for extra in extras),
        *(["--constraints", constraints.name] if constraints else []),
        "--generate-hashes",
        "--universal",
        "--python-version=3.11",
        f"--default-index={INDEX}",
        "--no-config",
        "--quiet",
        "--custom-compile-command=python3 tasks.py lock",
        f"--output-file={output.name}",
        *args,
    ]
    # uv reads UV_* settings from the environment as well; none of this machine's may leak in.
    env = {key: value for key, value in os.environ.items() if not key.startswith("UV_")}
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    text = output.read_text(encoding="utf-8")
    output.write_text(f"{INPUTS_PREFIX}{lock_inputs_digest()}\n{text}", encoding="utf-8")


def lock(args: list[str]) -> int:
    """Re-pin requirements.lock (runtime) and requirements-dev.lock (runtime plus dev).

    The dev lock is compiled under the runtime lock's pins, so the tests run exactly the
    versions the container ships.
    """
    _create_venv()
    subprocess.run([*_pip(), UV], check=True)
    extras = list(_pyproject().get("project", {}).get("optional-dependencies", {}))
    _compile(LOCK, [e for e in extras if e != DEV_EXTRA], None, args)
    _compile(DEV_LOCK, extras, LOCK, args)
    print(f"Wrote {LOCK.name} and {DEV_LOCK.name}; commit both.")
    return 0


TASKS = {"run": run, "test": test, "lock": lock}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__)
        return 2
    if argv[0] != "lock":
        status = ensure_venv()
        if status:
            return status
    return TASKS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
