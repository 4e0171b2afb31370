"""How a Web API method of the stand-in says no: `{"ok": false, "error": ...}`."""

from __future__ import annotations


class ApiError(Exception):
    """A Web API method's answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error
