from __future__ import annotations

from pathlib import Path


class MethodFileError(Exception):
    """A method file that cannot be used, with the file and field at fault."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}" if field else f"{path}: {message}")
        self.path = path
        self.field = field
        self.message = message
