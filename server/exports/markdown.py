"""A record as Markdown. User text is escaped so that no viewer runs it as HTML or links."""

from __future__ import annotations

import base64
import re

from server.exports.records import Block, Record

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~])")


def escape(text: str) -> str:
    """Every Markdown and HTML sign as a literal; line breaks kept as hard breaks."""
    lines = [_SPECIAL.sub(r"\\\1", line) for line in text.splitlines() or [""]]
    return "  \n".join(lines)


def render(record: Record) -> bytes:
    out = [f"# {escape(record.title)}", ""]
    out += [f"*{escape(fact)}*  " for fact in record.facts]
    out.append("")
    for block in record.blocks:
        _block(block, 2, out, record.pictures)
    return "\n".join(out).rstrip().encode() + b"\n"


def _block(
    block: Block, level: int, out: list[str], pictures: dict[str, tuple[str, bytes]]
) -> None:
    out += [f"{'#' * min(level, 6)} {escape(block.heading)}", ""]
    if block.intro:
        out += [f"> {escape(block.intro)}", ""]
    if block.nothing and not block.entries:
        out += [f"*{escape(block.nothing)}*", ""]
    for number, entry in enumerate(block.entries, 1):
        meta = f" — *{escape(' · '.join(entry.meta))}*" if entry.meta else ""
        mark = f"{number}." if block.numbered else "-"
        out.append(f"{mark} {escape(entry.text)}{meta}".replace("  \n", "  \n  "))
        if entry.picture is not None and (stored := pictures.get(entry.picture.id)):
            # written into the file, as the HTML record does: a record fetches nothing
            kind, data = stored
            src = f"data:{kind};base64,{base64.b64encode(data).decode()}"
            out.append(f"  ![{escape(entry.alt)}]({src})")
    if block.entries:
        out.append("")
    if block.grid is not None:
        out.append("| " + " | ".join(escape(c) for c in block.grid.columns) + " |")
        out.append("|" + "---|" * len(block.grid.columns))
        for row in block.grid.rows:
            out.append("| " + " | ".join(escape(c).replace("  \n", " ") for c in row) + " |")
        out.append("")
    if block.chart is not None:
        head, *rows = block.chart.rows()
        out += [f"*{escape(block.chart.caption)}*", ""]
        out += [f"| {escape(head[0])} | {escape(head[1])} |", "|---|---|"]
        out += ["| " + " | ".join(escape(c).replace("  \n", " ") for c in r) + " |" for r in rows]
        out.append("")
    for child in block.children:
        _block(child, level + 1, out, pictures)
