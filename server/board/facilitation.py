"""The effects of the facilitation ops: phases and timer, private writing, voting,
clustering, the parking lot, and the method's fields, tables and grid.

Called by `apply` for every kind it does not handle itself; pure like it. Ops the server
completes before they are sequenced (`complete`) carry what a blanked replica needs: the
clock for timers, the texts for a reveal, the votes for a close.
"""

from __future__ import annotations

from dataclasses import replace

from server.board import ops as o
from server.board.roles import LED, need_lead
from server.board.rules import (
    HIDDEN_SENDER,
    NoopReason,
    found,
    need,
    need_area,
    put_note,
    visible_note,
)
from server.board.state import (
    Area,
    BoardState,
    Breakout,
    GridSpec,
    Group,
    Link,
    ParkedIdea,
    Phase,
    Picture,
    Table,
    Timer,
    Voting,
)
from server.board.survey import apply_survey

_MINUTE_MS = 60_000


def apply_facilitation(state: BoardState, op: o.Op, by: str, seq: int) -> BoardState:
    if isinstance(op, LED):
        need_lead(state, by)
    match op:
        case o.PhaseSet():
            return _end_round(_phase(state, op), op.scores)
        case o.FocusSet(areas=areas):
            for area in areas:
                need_area(state, area)
            return replace(state, focus=areas)
        case o.TimerSet() | o.TimerStart() | o.TimerPause() | o.TimerAdd():
            return replace(state, timer=_timer(state.timer, op))
        case o.NotesReveal(
            area=area,
            texts=texts,
            authors=authors,
            owners=owners,
            dues=dues,
            pictures=pictures,
            fors=fors,
        ):
            notes = {
                k: replace(
                    n,
                    private=False,
                    text=texts.get(k, n.text),
                    author=authors.get(k, n.author),
                    owner=owners.get(k, n.owner),
                    due=dues.get(k, n.due),
                    picture=_picture(pictures.get(k), n.picture),
                    for_name=fors.get(k, n.for_name),
                )
                if n.private and (area is None or n.area == area)
                else n
                for k, n in state.notes.items()
            }
            return replace(state, notes=notes)
        case o.BoardLock(locked=locked):
            return replace(state, locked=locked)
        case o.BoardAnonymous(anonymous=anonymous):
            return replace(state, anonymous=anonymous)
        case o.MeetingClose(force=force, scores=scores):
            unowned = any(i.owner is None for i in state.parked.values())
            need(force or not unowned, NoopReason.IDEAS_WITHOUT_OWNER)
            closed = replace(state, closed=True, timer=replace(state.timer, ends_at=None))
            return _end_round(closed, scores)
        case o.VoteOpen() | o.VoteCast() | o.VoteRetract() | o.VoteClose() | o.VoteReopen():
            return replace(state, voting=_voting(state, op, by))
        case o.PrioritiesSet(note_ids=note_ids):
            for note_id in note_ids:
                visible_note(state, note_id, by)
            return replace(state, priorities=tuple(dict.fromkeys(note_ids)))
        case o.GroupAdd() | o.GroupRename() | o.GroupDelete() | o.NoteGroup():
            return _groups(state, op, by)
        case o.LinkAdd() | o.LinkMark() | o.LinkDelete():
            return replace(state, links=_links(state, op, by))
        case o.NoteOwn(note_id=note_id, owner=owner, due=due):
            note = visible_note(state, note_id, by)
            due = due if owner is not None else None  # a date belongs to someone's promise
            return put_note(state, replace(note, owner=owner, due=due, updated_seq=seq))
        case o.IdeaPark() | o.IdeaOwn() | o.IdeaDelete():
            return replace(state, parked=_parked(state, op, by, seq))
        case o.FieldSet(field=field, text=text):
            need(field in state.fields, NoopReason.FIELD_NOT_FOUND)
            need(
                field not in state.facilitator_fields or state.role_of(by) == "facilitator",
                NoopReason.FACILITATOR_FIELD,
            )
            return replace(state, fields={**state.fields, field: text})
        case o.CellSet() | o.RowAdd() | o.RowDelete():
            return _tables(state, op)
        case o.ScoreSet(criterion=criterion, score=score, private=private):
            if not criterion:  # someone else's sealed score, checked by the server already
                return state
            grid = state.grid
            need(grid is not None and criterion in grid.criteria, NoopReason.CRITERION_NOT_FOUND)
            assert grid is not None
            need(grid.low <= score <= grid.high, NoopReason.SCORE_OUT_OF_RANGE)
            if private:
                mine = {**state.sealed_scores.get(by, {}), criterion: score}
                return replace(state, sealed_scores={**state.sealed_scores, by: mine})
            mine = {**state.scores.get(by, {}), criterion: score}
            return replace(state, scores={**state.scores, by: mine})
        case o.GridSet(criteria=criteria, low=low, high=high):
            need(state.grid is not None, NoopReason.NO_GRID)
            need(not state.scores and not state.sealed_scores, NoopReason.SCORES_GIVEN)
            spec = GridSpec(
                tuple(c.id for c in criteria), low, high, tuple(c.label for c in criteria)
            )
            return replace(state, grid=spec)
        case o.SummarySet(text=text):
            return replace(state, summary=text)
        case o.BreakoutStart() | o.BreakoutAssign() | o.BreakoutEnd() | o.BreakoutRoles():
            return _breakout(state, op)
        case o.SurveySet() | o.SurveyAnswer() | o.SurveyClose():
            return apply_survey(state, op, by)
    raise AssertionError(f"unhandled op kind {op.kind}")  # pragma: no cover


def _picture(revealed: o.NotePicture | None, held: Picture | None) -> Picture | None:
    """A revealed note's picture, as the reveal carries it (a replica held it blanked)."""
    if revealed is None:
        return held
    return Picture(revealed.id, revealed.width, revealed.height)


def _breakout(state: BoardState, op: o.Op) -> BoardState:
    match op:
        case o.BreakoutStart(groups=groups):
            need(not state.in_breakout, NoopReason.BREAKOUT_RUNNING)
            for g in groups:
                roles = [p for p in (g.note_taker, g.discussion_leader) if p]
                for p in (*g.members, *roles):
                    need(p in state.participants, NoopReason.PARTICIPANT_NOT_FOUND)
            made = {
                g.id: Breakout(
                    g.id,
                    g.name,
                    f"group-{g.id}"[:64],
                    g.members,
                    g.note_taker,
                    g.discussion_leader,
                )
                for g in groups
            }
            new_areas = tuple(
                Area(b.area, b.name) for b in made.values() if state.area(b.area) is None
            )
            return replace(
                state, breakouts=made, in_breakout=True, areas=(*state.areas, *new_areas)
            )
        case o.BreakoutAssign(participant=participant, group=group_id):
            found(state.breakouts, group_id, NoopReason.GROUP_NOT_FOUND)
            need(participant in state.participants, NoopReason.PARTICIPANT_NOT_FOUND)
            regrouped = {
                k: replace(b, members=tuple(m for m in b.members if m != participant))
                for k, b in state.breakouts.items()
            }
            target = regrouped[group_id]
            moved = replace(target, members=(*target.members, participant))
            return replace(state, breakouts={**regrouped, group_id: moved})
        case o.BreakoutEnd():
            need(state.in_breakout, NoopReason.NO_BREAKOUT)
            return replace(state, in_breakout=False)
        case o.BreakoutRoles(group=group_id, note_taker=taker, discussion_leader=leader):
            group = found(state.breakouts, group_id, NoopReason.GROUP_NOT_FOUND)
            for person in (taker, leader):
                need(person is None or person in group.members, NoopReason.NOT_A_MEMBER)
            changed = replace(group, note_taker=taker, discussion_leader=leader)
            return replace(state, breakouts={**state.breakouts, group_id: changed})
    raise AssertionError(op.kind)  # pragma: no cover


def _end_round(state: BoardState, scores: dict[str, dict[str, int]]) -> BoardState:
    """The scores of the round that ends join everyone's; the next round starts sealed.
    `scores` is what the server sealed (a replica holds only its own sealed scores)."""
    merged = {**state.scores}
    for person, given in scores.items():
        merged[person] = {**merged.get(person, {}), **given}
    return replace(state, scores=merged, sealed_scores={})


def may_write_in(state: BoardState, area: str, by: str) -> bool:
    """During breakouts, a group's area takes notes from its note-taker, or from its
    members when it has none; the facilitator writes anywhere (and a hidden sender was
    checked by the server)."""
    if not state.in_breakout or by == HIDDEN_SENDER or state.role_of(by) == "facilitator":
        return True
    group = next((b for b in state.breakouts.values() if b.area == area), None)
    if group is None:
        return True
    if group.note_taker is not None:
        return by == group.note_taker
    return by in group.members


def _phase(state: BoardState, op: o.PhaseSet) -> BoardState:
    spec = next((p for p in state.phases if p.id == op.phase), None)
    need(spec is not None, NoopReason.PHASE_NOT_FOUND)
    assert spec is not None
    for area in op.focus:
        need_area(state, area)
    duration = spec.minutes * _MINUTE_MS
    return replace(
        state,
        phase=Phase(spec.id, spec.kind, op.focus),
        focus=op.focus,
        ready=(),  # a new phase: nobody is done with it yet
        timer=Timer(duration_ms=duration, remaining_ms=duration),
    )


def _timer(timer: Timer, op: o.Op) -> Timer:
    match op:
        case o.TimerSet(minutes=minutes):
            duration = round(minutes * _MINUTE_MS)
            return Timer(duration_ms=duration, remaining_ms=duration)
        case o.TimerStart(at=at):
            need(timer.ends_at is None, NoopReason.TIMER_RUNNING)
            return replace(timer, ends_at=at + timer.remaining_ms)
        case o.TimerPause(at=at):
            need(timer.ends_at is not None, NoopReason.TIMER_STOPPED)
            return replace(timer, remaining_ms=timer.remaining(at), ends_at=None)
        case o.TimerAdd(minutes=minutes, at=at):
            delta = round(minutes * _MINUTE_MS)
            duration = max(0, timer.duration_ms + delta)
            if timer.ends_at is None:
                return Timer(duration, max(0, timer.remaining_ms + delta))
            return Timer(duration, 0, max(at, timer.ends_at + delta))
    raise AssertionError(op.kind)  # pragma: no cover


def _voting(state: BoardState, op: o.Op, by: str) -> Voting:
    voting = state.voting
    if isinstance(op, o.VoteOpen):
        if op.area is not None:
            need_area(state, op.area)
        return Voting(per_person=op.per_person, area=op.area)
    if isinstance(op, o.VoteReopen):
        need(voting is not None and voting.closed, NoopReason.VOTE_NOT_CLOSED)
        assert voting is not None
        return replace(
            voting, closed=False, shown={k: len(v) for k, v in voting.votes.items() if v}
        )
    need(voting is not None and not voting.closed, NoopReason.VOTING_CLOSED)
    assert voting is not None
    mine = voting.votes.get(by, ())
    match op:
        case o.VoteCast(note_id=note_id):
            if note_id:  # blank: a hidden vote, checked by the server already
                note = visible_note(state, note_id, by)
                need(voting.area in (None, note.area), NoopReason.NOTE_NOT_VOTABLE)
            need(len(mine) < voting.per_person, NoopReason.NO_VOTES_LEFT)
            return replace(voting, votes={**voting.votes, by: (*mine, note_id)})
        case o.VoteRetract(note_id=note_id):
            need(note_id in mine, NoopReason.VOTE_NOT_FOUND)
            n = voting.shown.get(by, 0)  # shown by a close before a reopen: they stay
            need(note_id in mine[n:], NoopReason.VOTE_SHOWN)
            i = n + mine[n:].index(note_id)
            return replace(voting, votes={**voting.votes, by: mine[:i] + mine[i + 1 :]})
        case o.VoteClose(votes=votes):
            return replace(voting, closed=True, votes=dict(votes), shown={})
    raise AssertionError(op.kind)  # pragma: no cover


def _groups(state: BoardState, op: o.Op, by: str) -> BoardState:
    groups = state.groups
    match op:
        case o.GroupAdd(group=new):
            need(new.id not in groups, NoopReason.GROUP_EXISTS)
            need_area(state, new.area)
            return replace(state, groups={**groups, new.id: Group(new.id, new.area, new.name)})
        case o.GroupRename(group_id=group_id, name=name):
            group = found(groups, group_id, NoopReason.GROUP_NOT_FOUND)
            return replace(state, groups={**groups, group_id: replace(group, name=name)})
        case o.GroupDelete(group_id=group_id):
            need(group_id in groups, NoopReason.GROUP_NOT_FOUND)
            notes = {
                k: replace(n, group=None) if n.group == group_id else n
                for k, n in state.notes.items()
            }
            rest = {k: g for k, g in groups.items() if k != group_id}
            return replace(state, groups=rest, notes=notes)
        case o.NoteGroup(note_id=note_id, group_id=group_id):
            note = visible_note(state, note_id, by)
            if group_id is None:
                return put_note(state, replace(note, group=None))
            group = found(groups, group_id, NoopReason.GROUP_NOT_FOUND)
            return put_note(state, replace(note, group=group_id, area=group.area))
    raise AssertionError(op.kind)  # pragma: no cover


def _links(state: BoardState, op: o.Op, by: str) -> dict[str, Link]:
    links = state.links
    match op:
        case o.LinkAdd(link=new):
            need(new.id not in links, NoopReason.LINK_EXISTS)
            need(new.a != new.b, NoopReason.LINK_TO_ITSELF)
            visible_note(state, new.a, by)
            visible_note(state, new.b, by)
            return {**links, new.id: Link(new.id, new.a, new.b, new.contradiction)}
        case o.LinkMark(link_id=link_id, contradiction=contradiction):
            link = found(links, link_id, NoopReason.LINK_NOT_FOUND)
            return {**links, link_id: replace(link, contradiction=contradiction)}
        case o.LinkDelete(link_id=link_id):
            need(link_id in links, NoopReason.LINK_NOT_FOUND)
            return {k: v for k, v in links.items() if k != link_id}
    raise AssertionError(op.kind)  # pragma: no cover


def _parked(state: BoardState, op: o.Op, by: str, seq: int) -> dict[str, ParkedIdea]:
    parked = state.parked
    match op:
        case o.IdeaPark(idea=new):
            need(new.id not in parked, NoopReason.IDEA_EXISTS)
            return {**parked, new.id: ParkedIdea(new.id, new.text, by, created_seq=seq)}
        case o.IdeaOwn(idea_id=idea_id, owner=owner):
            idea = found(parked, idea_id, NoopReason.IDEA_NOT_FOUND)
            return {**parked, idea_id: replace(idea, owner=owner)}
        case o.IdeaDelete(idea_id=idea_id):
            idea = found(parked, idea_id, NoopReason.IDEA_NOT_FOUND)
            allowed = idea.by == by or state.role_of(by) == "facilitator"
            need(allowed, NoopReason.NOT_AUTHOR)
            return {k: v for k, v in parked.items() if k != idea_id}
    raise AssertionError(op.kind)  # pragma: no cover


def _tables(state: BoardState, op: o.CellSet | o.RowAdd | o.RowDelete) -> BoardState:
    table = state.tables.get(op.table)
    need(table is not None, NoopReason.TABLE_NOT_FOUND)
    assert table is not None
    match op:
        case o.CellSet(row=row, column=column, text=text):
            need(row in table.rows, NoopReason.ROW_NOT_FOUND)
            need(column in table.columns, NoopReason.COLUMN_NOT_FOUND)
            key = Table.key(row, column)
            cells = {k: v for k, v in table.cells.items() if k != key}
            if text:
                cells[key] = text
            table = replace(table, cells=cells)
        case o.RowAdd(row=row):
            need(row not in table.rows, NoopReason.ROW_EXISTS)
            table = replace(table, rows=(*table.rows, row))
        case o.RowDelete(row=row):
            need(row in table.rows, NoopReason.ROW_NOT_FOUND)
            cells = {k: v for k, v in table.cells.items() if not k.startswith(f"{row}/")}
            table = replace(table, rows=tuple(r for r in table.rows if r != row), cells=cells)
    return replace(state, tables={**state.tables, op.table: table})
