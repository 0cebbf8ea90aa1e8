"""Settings come from flags, then PLANCHE_* variables, then defaults; bad values are named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from server.config import load
from server.exceptions import ConfigError
from tests.conftest import ROOT


def test_flag_wins_over_environment_which_wins_over_default() -> None:
    env = {"PLANCHE_PORT": "9001", "PLANCHE_HOST": "0.0.0.0"}
    config = load({"port": "9002"}, env)
    assert (config.port, config.host) == (9002, "0.0.0.0")


def test_allowed_origins_are_read_as_a_list() -> None:
    config = load({}, {"PLANCHE_ALLOWED_ORIGINS": "https://a.example/, https://b.example"})
    assert config.allowed_origins == ("https://a.example", "https://b.example")


def test_bad_value_names_the_variable_and_the_value() -> None:
    with pytest.raises(ConfigError, match="PLANCHE_PORT='eighty'"):
        load({}, {"PLANCHE_PORT": "eighty"})


def test_serve_with_a_bad_flag_exits_2_with_a_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", "-1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--port='-1'" in done.stderr and "above 0" in done.stderr


def test_unknown_database_scheme_is_refused_with_a_clear_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--database-url", "mysql://x/y", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "'mysql' is not supported" in done.stderr
