"""The method catalogue: one TOML file per method, validated when it loads.

The methods shipped with Planche live in `catalogue/`. Facilitators add their own from a
directory (the `methods_dir` setting); an id may be defined only once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from facilitation_methods.exceptions import MethodFileError
from facilitation_methods.schema import LANGUAGES, Method

__all__ = ["BUILT_IN", "LANGUAGES", "Method", "MethodFileError", "load_catalogue", "load_method"]

BUILT_IN = Path(__file__).resolve().parent / "catalogue"


def load_method(path: Path) -> Method:
    """One method file, or a MethodFileError naming the file and the field at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise MethodFileError(path, "", "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise MethodFileError(path, "", f"not valid TOML: {e}") from None
    try:
        method = Method.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise MethodFileError(path, field, first["msg"].removeprefix("Value error, ")) from None
    if method.id != path.stem:
        raise MethodFileError(path, "id", f"is {method.id!r}; it must match the file name")
    return method


def load_catalogue(*directories: Path) -> dict[str, Method]:
    """Every method of the built-in catalogue and of `directories`, by id."""
    methods: dict[str, Method] = {}
    for path in _method_files((BUILT_IN, *directories)):
        method = load_method(path)
        if method.id in methods:
            raise MethodFileError(path, "id", f"{method.id!r} is already defined by another file")
        methods[method.id] = method
    return methods


def _method_files(directories: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for directory in directories:
        if not directory.is_dir():
            raise MethodFileError(directory, "", "is not a directory")
        files += sorted(directory.glob("*.toml"))
    return files
