"""Export time of a 2,000-note board per format, next to a baseline measured in the same run.

    python -m bench.exports [--notes 2000] [--repeat 3]

Baseline: `json.dumps` of the board's state, the least any export must do. Each format
is timed from the board state to the finished bytes (layout and rendering), best of
`repeat` runs; PDF is laid out by WeasyPrint. Figures, not assertions: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import replace

from facilitation_methods import load_catalogue
from server.board.state import Area, BoardState, Note, Participant, new_board
from server.exports import csv, docx, html, markdown, pdf
from server.exports.records import build


def board(notes: int) -> BoardState:
    areas = tuple(Area(f"a{i}", f"Område {i}", "Hvad fandt I?") for i in range(6))
    state = new_board("b" * 32, "Stor tavle", "free", "da", areas)
    people = {f"p{i}": Participant(f"p{i}", f"Deltager {i}", "participant") for i in range(70)}
    made = {
        f"n{i}": Note(
            f"n{i}",
            f"a{i % 6}",
            f"Note {i}: en iagttagelse om frivillighed, æøå og lidt mere tekst " * 2,
            f"p{i % 70}",
            created_seq=i + 1,
            updated_seq=i + 1,
        )
        for i in range(notes)
    }
    return replace(state, participants=people, notes=made, seq=notes)


def best(fn: Callable[[], bytes], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    state = board(args.notes)
    method = load_catalogue()["free"]

    cases: dict[str, Callable[[], bytes]] = {
        "baseline: json.dumps(state)": lambda: json.dumps(state.to_json()).encode(),
        "md": lambda: markdown.render(build(state, method)),
        "html": lambda: html.render(build(state, method)),
        "csv": lambda: csv.render(state),
        "docx": lambda: docx.render(build(state, method)),
        "pdf": lambda: pdf.render(build(state, method)),
    }
    base, _ = best(cases["baseline: json.dumps(state)"], args.repeat)
    print(f"{args.notes} notes, best of {args.repeat}")
    print(f"{'format':<30}{'seconds':>10}{'x baseline':>12}{'bytes':>12}")
    for name, fn in cases.items():
        seconds, size = best(fn, args.repeat if name != "pdf" else 1)
        print(f"{name:<30}{seconds:>10.3f}{seconds / base:>12.1f}{size:>12}")


if __name__ == "__main__":
    main()
