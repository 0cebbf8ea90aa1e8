"""Writes board_client/web/icons.js from an unpacked lucide-static npm package.

Only the icons listed here are vendored. To update: `npm pack lucide-static@VERSION`, unpack
it, run `python scripts/vendor_icons.py path/to/package`, and update the version in
board_client/web/vendor/README.md and the LICENSE next to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "board_client" / "web" / "icons.js"

ICONS = [
    *("plus", "x", "check", "pencil", "trash", "copy", "move", "grip-vertical", "palette"),
    *("link", "group", "ungroup", "sticky-note", "user", "users", "hand", "thumbs-up", "vote"),
    *("ellipsis", "menu", "chevron-left", "chevron-right", "chevron-up", "chevron-down"),
    *("arrow-left", "arrow-right", "skip-back", "skip-forward", "play", "pause", "timer"),
    *("rotate-ccw", "eye", "eye-off", "lock", "lock-open", "settings", "maximize", "minimize"),
    *("scan", "list", "layout-grid", "grid-3x3", "zoom-in", "zoom-out", "undo-2", "redo-2"),
    *("qr-code", "keyboard", "sun", "moon", "sun-moon", "contrast", "square-parking"),
    *("circle-question-mark", "info", "circle-check", "triangle-alert", "circle-alert"),
    *("wifi-off", "search", "share-2", "download", "monitor", "smartphone", "log-out"),
    *("heart-plus", "star", "lightbulb", "heart"),  # reactions on notes
]
# names the issue and older Lucide releases use for the same pictures
ALIASES = {
    "trash-2": "trash",
    "more-horizontal": "ellipsis",
    "unlock": "lock-open",
    "grid": "grid-3x3",
    "parking": "square-parking",
    "help": "circle-question-mark",
}

HEADER = """\
// @ts-check
// Icons from Lucide (lucide-static {version}, ISC licence: vendor/lucide/LICENSE), only the
// ones the board uses. Written by scripts/vendor_icons.py: add a name there, not here.
//
// icon("plus") returns a new <svg> that draws in the text colour (currentColor) and is hidden
// from assistive technology: the button or link around it carries the words.

"""

CODE = """
const SVG = "http://www.w3.org/2000/svg";

/** Every name icon() knows, aliases included. */
export const ICON_NAMES = Object.freeze([...Object.keys(NODES), ...Object.keys(ALIASES)].sort());

/**
 * @param {string} name a Lucide icon name, e.g. "trash-2"
 * @returns {SVGSVGElement}
 */
export function icon(name) {
  const nodes = NODES[ALIASES[name] ?? name];
  if (!nodes) throw new Error(`no icon named ${name}: add it in scripts/vendor_icons.py`);
  const svg = document.createElementNS(SVG, "svg");
  const attributes = {
    class: `icon icon-${name}`,
    viewBox: "0 0 24 24",
    width: "24",
    height: "24",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
  };
  for (const [key, value] of Object.entries(attributes)) svg.setAttribute(key, value);
  for (const [tag, shape] of nodes) {
    const child = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(shape)) child.setAttribute(key, String(value));
    svg.append(child);
  }
  return svg;
}
"""


def _without_key(attrs: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in attrs.items() if k != "key"}


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    nodes = json.loads((package / "icon-nodes.json").read_text())
    missing = [name for name in [*ICONS, *ALIASES.values()] if name not in nodes]
    if missing:
        raise SystemExit(f"not in lucide-static {version}: {missing}")
    lines = ["/** @type {Record<string, [string, Record<string, string>][]>} */", "const NODES = {"]
    for name in sorted(ICONS):
        shapes = [[tag, _without_key(attrs)] for tag, attrs in nodes[name]]
        lines.append(f"  {json.dumps(name)}: {json.dumps(shapes, separators=(',', ':'))},")
    lines.append("};")
    lines.append("/** @type {Record<string, string>} */")
    lines.append(f"const ALIASES = {json.dumps(ALIASES, indent=2)};")
    OUT.write_text(HEADER.format(version=version) + "\n".join(lines) + "\n" + CODE)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
