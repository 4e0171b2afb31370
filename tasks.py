"""Set up and run briefbot from a fresh clone with nothing but Python.

Why a Python script rather than a Makefile: CI and new machines are promised only
Python, and `make` is not always there. Each task creates `.venv` on first use and
reinstalls only when `pyproject.toml` has changed since the last install.

    python3 tasks.py run [ARGS...]    # the bot (console without DISCORD_TOKEN)
    python3 tasks.py test [ARGS...]   # ruff, then the whole pytest suite
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create the virtual environment and install the project into it, once."""
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing briefbot and its dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(digest)


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


TASKS = {"run": run, "test": test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__)
        return 2
    ensure_venv()
    return TASKS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
