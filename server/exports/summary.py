"""The draft summary of a meeting: extractive, in the board's language, for the facilitator
to edit and save (`summary.set`) into the record and the leadership deliverable.

Pure: from a board as its facilitator sees it (`views.view_state`), so a private note
before its reveal is not in it. Nothing is generated: per area its groups with their names
and sizes and its most voted notes; then the links and contradictions drawn between notes,
the actions with their owners, and the parked ideas.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from server.board.state import BoardState, Note
from server.i18n import translations

MOST_VOTED = 3


def draft(state: BoardState) -> str:
    """The draft as plain text: a line a paragraph, "- " before each point."""
    t = translations(state.language)
    _, ngettext = t.gettext, t.ngettext
    notes = [n for n in state.notes.values() if not n.private and n.text.strip()]
    votes = state.voting.results() if state.voting and state.voting.closed else {}
    lines: list[str] = []  # the record says whose summary it is
    for area in state.areas:
        here = [n for n in notes if n.area == area.id]
        if not here:
            continue
        lines += ["", area.title] if lines else [area.title]
        lines.append("- " + ngettext("{n} note", "{n} notes", len(here)).format(n=len(here)))
        groups = [g for g in state.groups.values() if g.area == area.id]
        sized = sorted(
            ((g, sum(1 for n in here if n.group == g.id)) for g in groups),
            key=lambda gs: (-gs[1], gs[0].name),
        )
        for group, size in sized:
            name = group.name or _("Unnamed group")
            count = ngettext("{n} note", "{n} notes", size).format(n=size)
            lines.append("- " + _("Group “{name}”: {count}").format(name=name, count=count))
        voted = sorted((n for n in here if votes.get(n.id)), key=lambda n: (-votes[n.id], n.id))
        for note in voted[:MOST_VOTED]:
            count = ngettext("{n} vote", "{n} votes", votes[note.id]).format(n=votes[note.id])
            lines.append(
                "- " + _("Most votes: “{text}” ({count})").format(text=_one_line(note), count=count)
            )
    by_id = {n.id: n for n in notes}
    links = [
        (link, a, b)
        for link in state.links.values()
        if (a := by_id.get(link.a)) is not None and (b := by_id.get(link.b)) is not None
    ]
    if links:
        lines += [*_gap(lines), _("Links and contradictions")]
        for link, a, b in sorted(links, key=lambda lab: (not lab[0].contradiction, lab[0].id)):
            kind = _("contradiction") if link.contradiction else _("connection")
            lines.append(f"- {_one_line(a)} ↔ {_one_line(b)} ({kind})")
    actions = sorted((n for n in notes if n.owner), key=lambda n: (n.due or "9999", n.id))
    if actions:
        lines += [*_gap(lines), _("Actions")]
        for note in actions:
            owner = _owner(note, state.language)
            lines.append(f"- {_one_line(note)} ({owner})")
    ideas = sorted(state.parked.values(), key=lambda i: i.created_seq)
    if ideas:
        lines += [*_gap(lines), _("Parked ideas")]
        for idea in ideas:
            owner = _("Owner: {name}").format(name=idea.owner) if idea.owner else _("No owner yet")
            lines.append(f"- {' '.join(idea.text.split())} ({owner})")
    return "\n".join(lines or [_("No notes.")])


def _gap(lines: list[str]) -> list[str]:
    """A blank line before a new part, unless it is the first."""
    return [""] if lines else []


def _one_line(note: Note) -> str:
    return " ".join(note.text.split())


def _owner(note: Note, language: str) -> str:
    _ = translations(language).gettext
    assert note.owner is not None
    if note.due:
        due = format_date(date.fromisoformat(note.due), format="medium", locale=language)
        return _("Owner: {name}, by {date}").format(name=note.owner, date=due)
    return _("Owner: {name}").format(name=note.owner)
