"""Real file-system faults for tests: a file or folder this process cannot write.

Permission bits do not stop root, which CI containers often are, so as root the
immutable flag (`chattr +i`) is used instead; either way the result is checked with a
real write attempt before the test relies on it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _chattr(flag: str, path: Path) -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    return (
        subprocess.run([chattr, flag, str(path)], capture_output=True, check=False).returncode == 0
    )


def _refuses_writes(path: Path) -> bool:
    probe = path / ".probe" if path.is_dir() else path
    try:
        with open(probe, "ab"):
            pass
    except OSError:
        return True
    if path.is_dir():
        probe.unlink()
    return False


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) unwritable for this process inside the block."""
    mode = path.stat().st_mode
    if os.geteuid() == 0:
        applied = _chattr("+i", path)
    else:
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        applied = True
    try:
        if not applied or not _refuses_writes(path):
            pytest.skip(f"cannot make {path} read-only on this machine")
        yield
    finally:
        if os.geteuid() == 0:
            _chattr("-i", path)
        else:
            path.chmod(mode)
