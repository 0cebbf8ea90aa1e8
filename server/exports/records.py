"""A board laid out as a meeting record, by its method, in the board's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from facilitation_methods import Method
from server.board import ops as o
from server.board.order import reading_order
from server.board.polls import bars, cloud
from server.board.quadrant import CELLS, cell_label, cell_of
from server.board.reactions import reaction_counts
from server.board.state import BoardState, Note, Picture
from server.exports.charts import Bar, Chart
from server.i18n import translations


@dataclass
class Entry:
    text: str
    meta: list[str] = field(default_factory=list)
    picture: Picture | None = None  # a picture note: `text` is its caption
    alt: str = ""  # the picture's text alternative: its caption, or that it is a picture


@dataclass
class Grid:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Block:
    heading: str
    intro: str = ""
    entries: list[Entry] = field(default_factory=list)
    grid: Grid | None = None
    chart: Chart | None = None
    children: list[Block] = field(default_factory=list)
    numbered: bool = False  # the entries are in an order that matters (1., 2., ...)
    nothing: str = ""  # said in place of entries when there are none ("No notes.")


@dataclass
class Record:
    title: str
    facts: list[str]  # method, date, seq, authorship
    language: str
    blocks: list[Block]
    state: BoardState  # for the picture of the board
    # the pictures notes show, by id: (content type, bytes as stored, without metadata)
    pictures: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def author_names(state: BoardState, note: Note, _: Callable[[str], str] | None = None) -> list[str]:
    """Who wrote `note`, by name: its author, or whom a scribe wrote it for (and, given `_`,
    who typed it), then the authors of the duplicates merged into it; none when anonymous."""
    if note.anonymous:
        return []
    typist = state.participants.get(note.author)
    typed = typist.name if typist is not None else ""
    if note.for_name and typed and _ is not None:
        first = _("{name} (typed by {scribe})").format(name=note.for_name, scribe=typed)
    else:
        first = note.for_name or typed
    merged = [state.participants.get(i) for i in note.authors]
    return [n for n in [first, *(p.name for p in merged if p is not None)] if n]


class _Layout:
    def __init__(self, state: BoardState, method: Method | None, named: bool) -> None:
        self.state = state
        self.method = method
        self.named = named
        self._ = translations(state.language).gettext
        self.ngettext = translations(state.language).ngettext
        self.votes = state.voting.results() if state.voting and state.voting.closed else {}

    def entry(self, note: Note) -> Entry:
        _ = self._
        meta = []
        if self.named and note.anonymous:  # written on an anonymous board: never a name
            meta.append(_("written anonymously"))
        if self.named and (names := author_names(self.state, note, _)):  # anonymised: no "by"
            meta.append(_("by {name}").format(name=", ".join(names)))
        if note.edited_by_facilitator:
            meta.append(_("edited by the facilitator"))
        if votes := self.votes.get(note.id):
            meta.append(self.ngettext("{n} vote", "{n} votes", votes).format(n=votes))
        if reacted := reaction_counts(self.state, note.id):
            named = ", ".join(f"{self.reaction_name(r)} {n}" for r, n in reacted.items())
            meta.append(_("Reactions: {reactions}").format(reactions=named))
        if note.owner and note.due:
            lang = self.state.language
            due = format_date(date.fromisoformat(note.due), format="medium", locale=lang)
            meta.append(_("Owner: {name}, by {date}").format(name=note.owner, date=due))
        elif note.owner:
            meta.append(_("Owner: {name}").format(name=note.owner))
        if note.source:
            meta.append(note.source)
        if note.picture is not None:
            return Entry(note.text, meta, note.picture, note.text.strip() or _("A picture"))
        return Entry(note.text, meta)

    def reaction_name(self, reaction: str) -> str:
        _ = self._
        names = {
            "agree": _("Agree"),
            "important": _("Important"),
            "idea": _("Good idea"),
            "question": _("Question"),
            "thanks": _("Thanks"),
        }
        return names.get(reaction, reaction)

    def roles(self, area_id: str) -> str:
        """A small group's area: who led its discussion and who took its notes, when the
        record names people."""
        group = next((b for b in self.state.breakouts.values() if b.area == area_id), None)
        if group is None or not self.named:
            return ""
        _, people = self._, self.state.participants
        said = []
        if (leader := people.get(group.discussion_leader or "")) and leader.name:
            said.append(_("Discussion led by {name}.").format(name=leader.name))
        if (taker := people.get(group.note_taker or "")) and taker.name:
            said.append(_("Notes taken by {name}.").format(name=taker.name))
        return " ".join(said)

    def notes(self, area: str) -> list[Note]:
        notes = [n for n in self.state.notes.values() if n.area == area and not n.private]
        return reading_order(notes)

    def area(self, area_id: str) -> Block | None:
        area = self.state.area(area_id)
        if area is None:
            return None
        notes = self.notes(area_id)
        groups = [g for g in self.state.groups.values() if g.area == area_id]
        loose = [n for n in notes if not n.group]
        if area.axes:  # a quadrant: its notes under their cells, then those not placed
            cells = {cell: [n for n in loose if cell_of(n) == cell] for cell in CELLS}
            loose = [n for n in loose if cell_of(n) is None]
        intro = self.roles(area_id) or area.prompt
        block = Block(area.title, intro, [self.entry(n) for n in loose])
        if area.axes:
            for cell, in_cell in cells.items():
                heading = cell_label(cell, area.axes, self._)
                block.children.append(Block(heading, entries=[self.entry(n) for n in in_cell]))
        for g in groups:
            members = [self.entry(n) for n in notes if n.group == g.id]
            block.children.append(Block(g.name or self._("Unnamed group"), entries=members))
        if not notes:  # a group that wrote nothing says so, rather than a bare heading
            block.nothing = self._("No notes.")
        return block

    def areas(self, ids: list[str]) -> list[Block]:
        return [b for a in ids if (b := self.area(a)) is not None]

    def fields(self) -> Block | None:
        if not self.method or not any(self.state.fields.values()):
            return None
        lang = self.state.language
        entries = [
            Entry(f"{f.label[lang]}: {self.state.fields[f.id]}")
            for f in self.method.fields
            if self.state.fields.get(f.id)
        ]
        return Block(self._("Summary"), entries=entries)

    def tables(self) -> list[Block]:
        if not self.method:
            return []
        lang = self.state.language
        blocks = []
        for spec in self.method.tables:
            table = self.state.tables.get(spec.id)
            if table is None:
                continue
            titles = {r.id: r.title[lang] for r in spec.rows}
            columns = ["", *(c.title[lang] for c in spec.columns)] if spec.rows else []
            columns = columns or [c.title[lang] for c in spec.columns]
            rows = []
            for row in table.rows:
                cells = [table.cells.get(f"{row}/{c.id}", "") for c in spec.columns]
                rows.append([titles.get(row, row), *cells] if spec.rows else cells)
            blocks.append(Block(spec.title[lang], grid=Grid(columns, rows)))
        return blocks

    def criteria(self) -> list[tuple[str, str]]:
        """The scoring round's criteria as (id, label): the board's own (grid.set), else its
        method's, in the board's language."""
        grid, lang = self.state.grid, self.state.language
        if grid is not None and grid.labels:
            return list(zip(grid.criteria, grid.labels, strict=True))
        spec = self.method.grid if self.method else None
        return [(c.id, c.label[lang]) for c in spec.criteria] if spec else []

    def grid(self) -> Block | None:
        grid = self.state.grid
        if grid is None or not self.state.scores:
            return None
        _, lang = self._, self.state.language
        rows, bars = [], []
        for criterion, label in self.criteria():
            scores = [s[criterion] for s in self.state.scores.values() if criterion in s]
            mean = sum(scores) / len(scores) if scores else None
            # "3,5" in Danish and Swedish, "3.5" in English
            average = format_decimal(mean, format="0.0", locale=lang) if mean is not None else "-"
            rows.append([label, str(len(scores)), average])
            if mean is not None:
                bars.append(Bar(label, mean, average))
        caption = _("Average score per criterion, on a scale from {low} to {high}").format(
            low=grid.low, high=grid.high
        )
        return Block(
            _("Scores"),
            grid=Grid([_("Criterion"), _("Answers"), _("Average")], rows),
            chart=Chart(caption, (_("Criterion"), _("Average")), bars, grid.high) if bars else None,
        )

    def survey(self) -> Block | None:
        """Per question its totals as a chart and the free-text answers (sorted, so no order
        tells who); nothing before the survey is closed, and never one person's answers."""
        survey = self.state.survey
        if survey is None or not survey.closed:
            return None
        _, lang = self._, self.state.language
        intro = self.ngettext("{n} answered", "{n} answered", survey.count).format(n=survey.count)
        block = Block(_("Survey"), intro=intro)
        for q in survey.questions:
            result = survey.results.get(q.id, {})
            child = Block(q.text, entries=[Entry(t) for t in result.get("texts", [])])
            counts: dict[str, int] = result.get("counts", {})
            if counts:
                labels = q.options if q.kind == "choice" else tuple(str(v) for v in range(1, 6))
                values = [str(i) for i in range(len(q.options))] if q.kind == "choice" else labels
                bars = [
                    Bar(label, counts.get(v, 0), format_decimal(counts.get(v, 0), locale=lang))
                    for label, v in zip(labels, values, strict=True)
                ]
                caption = (
                    _("Answers per option")
                    if q.kind == "choice"
                    else _("Answers per value, on a scale from 1 to 5")
                )
                top = max(max(b.value for b in bars), 1)
                child.chart = Chart(caption, (_("Answer"), _("Answers")), bars, top)
            elif not child.entries:
                child.intro = _("No answers")
            block.children.append(child)
        return block

    def polls(self) -> Block | None:
        """Every closed poll: its question, how many answered, and its totals (bars for a
        choice or scale, each with its share of those who answered; a word cloud as its
        words with their counts, most first). Never who answered what."""
        closed = [p for p in self.state.polls.values() if p.closed]
        if not closed:
            return None
        _, lang = self._, self.state.language
        block = Block(_("Polls"))
        for poll in closed:
            answered = self.ngettext("{n} answered", "{n} answered", poll.count)
            child = Block(poll.question, intro=answered.format(n=poll.count))
            if poll.kind == "words":
                words = cloud(poll)
                rows = [[w, format_decimal(n, locale=lang)] for w, n in words]
                if rows:
                    child.grid = Grid([_("Word"), _("Answers")], rows)
                else:
                    child.nothing = _("No answers")
            else:
                shown = [Bar(label, n, self.share(n, poll.count)) for label, n in bars(poll)]
                caption = (
                    _("Answers per value, on a scale from 1 to 5")
                    if poll.kind == "scale"
                    else _("Answers per option, with the share of those who answered")
                )
                top = max(max(b.value for b in shown), 1)
                what = _("Value") if poll.kind == "scale" else _("Option")
                child.chart = Chart(caption, (what, _("Answers")), shown, top)
            block.children.append(child)
        return block

    def share(self, n: int, of: int) -> str:
        """`n` with its share of `of`: "3 (43 %)" in Danish and Swedish, "3 (43%)" in English."""
        lang = self.state.language
        return (
            f"{format_decimal(n, locale=lang)} ({format_percent(n / of if of else 0, locale=lang)})"
        )

    def votes_chart(self, most: int = 10) -> Chart | None:
        """The notes with the most votes when voting closed, most first."""
        ranked = sorted(
            ((n, v) for i, v in self.votes.items() if (n := self.state.notes.get(i)) and v),
            key=lambda nv: (-nv[1], nv[0].created_seq),
        )[:most]
        if not ranked:
            return None
        bars = [Bar(n.text, v, format_decimal(v, locale=self.state.language)) for n, v in ranked]
        caption = self._("Votes for the notes with the most votes, most first")
        return Chart(caption, (self._("Note"), self._("Votes")), bars, ranked[0][1])

    def parked(self) -> Block | None:
        ideas = sorted(self.state.parked.values(), key=lambda i: i.created_seq)
        if not ideas:
            return None
        _ = self._
        entries = [
            Entry(
                i.text,
                [_("Owner: {name}").format(name=i.owner) if i.owner else _("No owner yet")]
                + ([i.source] if i.source else []),
            )
            for i in ideas
        ]
        return Block(_("Parked ideas"), entries=entries)

    def links(self) -> list[Entry]:
        notes = self.state.notes
        out = []
        for link in self.state.links.values():
            a, b = notes.get(link.a), notes.get(link.b)
            if a and b and not a.private and not b.private:
                kind = self._("contradiction") if link.contradiction else self._("connection")
                out.append(Entry(f"{a.text} ↔ {b.text}", [kind]))
        return out

    def priorities(self) -> list[Note]:
        chosen = [self.state.notes[i] for i in self.state.priorities if i in self.state.notes]
        if not chosen and self.votes:
            ranked = sorted(self.votes.items(), key=lambda kv: -kv[1])
            chosen = [self.state.notes[i] for i, _ in ranked if i in self.state.notes]
        return chosen


def _generic(lay: _Layout) -> list[Block]:
    blocks = [b for b in [lay.fields()] if b]
    blocks += lay.areas([a.id for a in lay.state.areas])
    if chart := lay.votes_chart():
        blocks.append(Block(lay._("Votes"), chart=chart))
    blocks += lay.tables()
    blocks += [b for b in (lay.grid(), lay.parked()) if b]
    return blocks


_CAPTURE_JOINT = ["knowledge", "learning", "actions"]
_CAPTURE_OWN = ["take-away", "tell-colleagues", "use"]


def _meeting_capture(lay: _Layout) -> list[Block]:
    _ = lay._
    joint = Block(_("Joint capture"))
    if fields := lay.fields():
        joint.entries = fields.entries
    joint.children = lay.areas(_CAPTURE_JOINT)
    own = Block(_("Individual reflections"), children=lay.areas(_CAPTURE_OWN))
    known = {"recap", *_CAPTURE_JOINT, *_CAPTURE_OWN}
    rest = lay.areas([a.id for a in lay.state.areas if a.id not in known])
    recap = lay.areas(["recap"])
    return [b for b in [*recap, joint, own, *rest, lay.parked()] if b]


_ANALYSIS_STEPS = ("patterns", "priorities", "into-play")


def _category_analysis(lay: _Layout) -> list[Block]:
    _ = lay._
    categories = [
        a.id for a in lay.state.areas if a.id not in (*_ANALYSIS_STEPS, "recap", "material")
    ]
    blocks = [Block(_("Categories"), children=lay.areas(categories))]
    patterns = lay.area("patterns") or Block(_("Patterns across categories"))
    patterns.entries = lay.links() + patterns.entries
    priorities = lay.area("priorities") or Block(_("Priorities"))
    # the ranked notes first; a ranked note of the area itself is not listed twice
    ranked = lay.priorities()
    listed = {n.id for n in ranked}
    rest = [lay.entry(n) for n in lay.notes("priorities") if n.id not in listed and not n.group]
    priorities.entries = [lay.entry(n) for n in ranked] + rest
    priorities.chart = lay.votes_chart()
    actions = lay.area("into-play") or Block(_("Actions"))
    blocks += [patterns, priorities, actions]
    blocks += lay.areas(["material", "recap"])
    return [b for b in [*blocks, lay.parked()] if b]


_NUMBERED = re.compile(r"\d{1,3}[.)]\s+")


def _deliverable(lay: _Layout) -> list[Block]:
    """The leadership forum's deliverable: one section per heading of the template."""
    blocks = []
    if lay.method is not None:
        for f in lay.method.fields:
            text = lay.state.fields.get(f.id, "")
            lines = [line.removeprefix("- ").strip() for line in text.splitlines()]
            lines = [line for line in lines if line]
            # "1. ...", "2. ...": a ranked list (the prioritised recommendations), kept as one
            numbered = bool(lines) and all(_NUMBERED.match(line) for line in lines)
            if numbered:
                lines = [_NUMBERED.sub("", line, count=1) for line in lines]
            entries = [Entry(line) for line in lines]
            blocks.append(Block(f.label[lay.state.language], entries=entries, numbered=numbered))
    blocks += lay.areas([a.id for a in lay.state.areas])
    return [b for b in [*blocks, lay.parked()] if b]


def _idea_book(lay: _Layout) -> list[Block]:
    """Insights, quotes, ideas; and the participants who agreed to be named."""
    blocks = []
    for area in lay.state.areas:
        block = lay.area(area.id)
        if block is not None and area.id == "quotes":
            block.entries = [Entry(f"“{e.text}”", e.meta) for e in block.entries]
        blocks += [block] if block else []
    people = sorted(
        p.name for p in lay.state.participants.values() if p.consent and p.role != "viewer"
    )
    nobody = lay._("Nobody agreed to be named.")
    blocks.append(Block(lay._("Participants"), entries=[Entry(n) for n in people], nothing=nobody))
    return [b for b in [*blocks, lay.parked()] if b]


_LAYOUTS: dict[str, Callable[[_Layout], list[Block]]] = {
    "meeting-capture": _meeting_capture,
    "category-analysis": _category_analysis,
    "leadership-deliverable": _deliverable,
    "idea-book": _idea_book,
}


# what the log of who ran the meeting says of each facilitator's op (`facilitation_log`)
LOGGED = frozenset(
    {
        *("phase.set", "timer.set", "timer.start", "timer.pause", "timer.add", "notes.reveal"),
        *("vote.open", "vote.close", "board.lock", "meeting.close", "lead.set", "role.set"),
        "scribe.set",
    }
)


def facilitation_log(
    state: BoardState, method: Method | None, ops: list[tuple[str, o.Op]]
) -> Block | None:
    """Who ran the meeting: each facilitator's phase, timer, reveal, vote and role change
    (`ops`: applied ops with their senders, in order), once the board had more than one
    facilitator; None on a board run by one."""
    logged = [(by, op) for by, op in ops if op.kind in LOGGED]
    if not any(isinstance(op, o.RoleSet | o.LeadSet) for _, op in logged):
        return None
    _ = translations(state.language).gettext
    people = state.participants

    def name(who: str | None) -> str:
        person = people.get(who or "")
        return person.name if person and person.name else _("Participant")

    phases = {p.id: p.title[state.language] for p in method.phases} if method else {}
    entries = []
    for by, op in logged:
        match op:
            case o.PhaseSet(phase=phase):
                said = _("Started the phase {phase}").format(phase=phases.get(phase, phase))
            case o.TimerSet(minutes=minutes):
                said = _("Set the timer to {n} min.").format(
                    n=format_decimal(minutes, locale=state.language)
                )
            case o.TimerStart():
                said = _("Started the timer")
            case o.TimerPause():
                said = _("Paused the timer")
            case o.TimerAdd(minutes=minutes):
                said = _("Changed the time by {n} min.").format(
                    n=format_decimal(minutes, locale=state.language)
                )
            case o.NotesReveal():
                said = _("Revealed the notes")
            case o.VoteOpen():
                said = _("Opened the vote")
            case o.VoteClose():
                said = _("Closed the vote")
            case o.BoardLock(locked=locked):
                said = _("Locked the board") if locked else _("Unlocked the board")
            case o.MeetingClose():
                said = _("Closed the meeting")
            case o.LeadSet(participant=lead):
                said = (
                    _("Took over the timer and phases")
                    if lead == by
                    else _("Let any facilitator run the timer and phases")
                    if lead is None
                    else _("Gave the timer and phases to {name}").format(name=name(lead))
                )
            case o.RoleSet(participant=who, role=role):
                said = (
                    _("Made {name} a co-facilitator")
                    if role == "facilitator"
                    else _("Stepped down as facilitator")
                    if who == by
                    else _("Made {name} a participant again")
                ).format(name=name(who))
            case o.ScribeSet(participant=who, on=on):
                said = (
                    _("Made {name} a scribe") if on else _("{name} is no longer a scribe")
                ).format(name=name(who))
            case _:  # pragma: no cover
                continue
        entries.append(Entry(f"{name(by)}: {said}"))
    return Block(_("Who ran the meeting"), entries=entries, numbered=True)


def _summary(text: str, heading: str) -> Block:
    """The facilitator's summary as a block: a line followed by "- " points is the heading
    of those points (as the draft writes an area), any other line a paragraph."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    block = Block(heading)
    section: Block | None = None
    for i, line in enumerate(lines):
        if line.startswith("- "):
            (section or block).entries.append(Entry(line[2:].strip()))
        elif i + 1 < len(lines) and lines[i + 1].startswith("- "):
            section = Block(line)
            block.children.append(section)
        else:
            block.entries.append(Entry(line))
    return block


def build(
    state: BoardState,
    method: Method | None,
    *,
    named: bool = False,
    taken: str = "",
    record_name: str | None = None,
    log: list[tuple[str, o.Op]] | None = None,
) -> Record:
    """The board as its record. `named`: show authors (anonymous by default)."""
    lay = _Layout(state, method, named)
    _ = lay._
    facts = []
    if method is not None:
        facts.append(_("Method: {name}").format(name=method.name[state.language]))
    if record_name:
        facts.append(record_name)
    if taken:
        facts.append(taken)
    facts.append(_("As at change {seq}").format(seq=state.seq))
    if not named:
        facts.append(_("Authors are not named."))
    blocks = _LAYOUTS.get(state.method, _generic)(lay)
    if state.summary.strip():  # the facilitator's summary (summary.set) comes first
        summary = _summary(state.summary, _("Summary"))
        first = blocks[0] if blocks and blocks[0].heading == summary.heading else None
        if first is not None:  # the method's own summary fields follow it
            first.entries = summary.entries + first.entries
            first.children = summary.children + first.children
        else:
            blocks.insert(0, summary)
    # links can be drawn on every board; the category analysis reads them as its patterns
    if state.method != "category-analysis" and (links := lay.links()):
        blocks.append(Block(_("Links between notes"), entries=links))
    if survey := lay.survey():
        blocks.append(survey)
    if polls := lay.polls():
        blocks.append(polls)
    if named and log and (ran := facilitation_log(state, method, log)):
        blocks.append(ran)
    return Record(state.title, facts, state.language, blocks, state)
