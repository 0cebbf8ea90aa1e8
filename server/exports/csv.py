"""One row per note: area, text, author (or not), votes, cluster, owner.

A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is neutralised
with a leading apostrophe, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import csv as stdlib_csv
import io

from server.board.polls import bars, cloud
from server.board.quadrant import cell_label, cell_of
from server.board.state import BoardState
from server.exports.records import author_names
from server.i18n import translations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _survey_rows(state: BoardState) -> list[list[str]]:
    """Once the survey is closed: per question, each option's count (in `Votes`) and each
    free-text answer, sorted; never one person's answers."""
    survey = state.survey
    if survey is None or not survey.closed:
        return []
    _ = translations(state.language).gettext
    rows = []
    for q in survey.questions:
        where = f"{_('Survey')}: {q.text}"
        result = survey.results.get(q.id, {})
        for value, count in result.get("counts", {}).items():
            label = q.options[int(value)] if q.kind == "choice" else value
            rows.append([where, label, "", str(count), "", "", ""])
        rows += [[where, text, "", "", "", "", ""] for text in result.get("texts", [])]
    return rows


def _poll_rows(state: BoardState) -> list[list[str]]:
    """Per closed poll, each option, value or word with how many chose it (in `Votes`)."""
    _ = translations(state.language).gettext
    rows = []
    for poll in (p for p in state.polls.values() if p.closed):
        where = f"{_('Poll')}: {poll.question}"
        counted = cloud(poll) if poll.kind == "words" else bars(poll)
        rows += [[where, label, "", str(n), "", "", ""] for label, n in counted]
    return rows


def render(state: BoardState, *, named: bool = False) -> bytes:
    _ = translations(state.language).gettext
    votes = state.voting.results() if state.voting and state.voting.closed else {}
    areas = {a.id: a for a in state.areas}
    order = {a.id: i for i, a in enumerate(state.areas)}
    out = io.StringIO()
    writer = stdlib_csv.writer(out)
    columns = [_("Area"), _("Text"), _("Author"), _("Votes"), _("Group"), _("Owner"), _("Due")]
    writer.writerow(columns)
    notes = sorted(
        (n for n in state.notes.values() if not n.private),
        key=lambda n: (order.get(n.area, 0), n.y if n.y is not None else n.created_seq),
    )
    for n in notes:
        group = state.groups.get(n.group) if n.group else None
        area = areas.get(n.area)
        where = area.title if area else n.area
        if area and area.axes and (cell := cell_of(n)):  # a quadrant's cell, by its axes
            where = f"{where}: {cell_label(cell, area.axes, _)}"
        text = n.text
        if n.picture is not None:  # the picture itself is in the other records
            text = _("Picture: {caption}").format(caption=n.text) if n.text else _("A picture")
        row = [
            where,
            text,
            ", ".join(author_names(state, n, _)) if named else "",
            str(votes.get(n.id, 0)),
            group.name if group else "",
            n.owner or "",
            n.due or "" if n.owner else "",  # YYYY-MM-DD: a spreadsheet sorts and reads it
        ]
        writer.writerow([neutralise(cell) for cell in row])
    for row in _survey_rows(state) + _poll_rows(state):
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8
