"""board_client/web/icons.js is what scripts/vendor_icons.py writes: the icon names and their
aliases have one source, the script, and a hand edit of the module shows up here."""

from __future__ import annotations

import importlib.util
import json
import re
from types import ModuleType

from tests.conftest import ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_icons", ROOT / "scripts/vendor_icons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_icons_module_holds_exactly_the_scripts_icons_and_aliases() -> None:
    script = _script()
    text = script.OUT.read_text()
    nodes = re.search(r"^const NODES = \{\n(.*?)^\};", text, re.M | re.S)
    aliases = re.search(r"^const ALIASES = (\{.*?^\});", text, re.M | re.S)
    assert nodes and aliases, "icons.js is not in the shape the script writes"
    assert re.findall(r'^  "([\w-]+)": ', nodes.group(1), re.M) == sorted(script.ICONS)
    assert json.loads(aliases.group(1)) == script.ALIASES
    assert text.endswith(script.CODE)
