"""A record as one standalone, printable HTML file: inline CSS, an SVG picture of the board,
no script and nothing fetched from anywhere. Jinja2 escapes every user text."""

from __future__ import annotations

import base64

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from server.exports import charts
from server.exports.picture import svg
from server.exports.records import Entry, Record

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ENV.from_string(
    """<!doctype html>
<html lang="{{ record.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ record.title }}</title>
<style>
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d1d1f;
         max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
  h1 { margin-bottom: 0.2rem; }
  .facts { color: #4a4a52; margin: 0 0 1.5rem; padding: 0; list-style: none; }
  .intro { color: #4a4a52; font-style: italic; }
  .entries { padding-left: 1.2rem; }
  .entries li { margin: 0.3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .meta { color: #4a4a52; font-size: 0.9em; }
  table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
  th, td { border: 1px solid #c9c6bf; padding: 0.3rem 0.5rem; text-align: left;
           vertical-align: top; overflow-wrap: anywhere; }
  img.picture { display: block; max-width: 100%; max-height: 14cm; width: auto; height: auto;
                margin: 0.3rem 0; border-radius: 4px; }
  figure { margin: 1rem 0 2rem; }
  figure svg { max-width: 100%; height: auto; }
  figure.chart { margin: 0.5rem 0 1.5rem; }
  figcaption { color: #4a4a52; font-size: 0.9em; }
  section section { margin-left: 1rem; }
  @media print { body { margin: 0; max-width: none; } figure { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<h1>{{ record.title }}</h1>
<ul class="facts">{% for fact in record.facts %}<li>{{ fact }}</li>{% endfor %}</ul>
{% if picture %}<figure>{{ picture }}</figure>{% endif %}
{% macro block(b, level) %}
<section>
<h{{ level }}>{{ b.heading }}</h{{ level }}>
{% if b.intro %}<p class="intro">{{ b.intro }}</p>{% endif %}
{% if b.nothing and not b.entries %}<p class="intro">{{ b.nothing }}</p>{% endif %}
{% if b.entries %}{% set list = "ol" if b.numbered else "ul" %}<{{ list }} class="entries">
{% for e in b.entries %}<li>{% if picture_src(e) %}<img class="picture" src="{{ picture_src(e) }}"
 alt="{{ e.alt }}" width="{{ e.picture.width }}" height="{{ e.picture.height }}">
{% endif %}{{ e.text }}{% if e.meta %}
 <span class="meta">— {{ e.meta | join(" · ") }}</span>{% endif %}</li>
{% endfor %}</{{ list }}>{% endif %}
{% if b.grid %}<table>
<thead><tr>{% for c in b.grid.columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in b.grid.rows %}
<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>{% endif %}
{% if b.chart %}<figure class="chart">{{ chart_svg(b.chart) }}
<figcaption>{{ b.chart.caption }}</figcaption></figure>{% endif %}
{% for child in b.children %}{{ block(child, [level + 1, 6] | min) }}{% endfor %}
</section>
{% endmacro %}
{% for b in record.blocks %}{{ block(b, 2) }}{% endfor %}
</main>
</body>
</html>
"""
)


def render(record: Record) -> bytes:
    # the picture's user text is escaped where it is built (xml.sax.saxutils.escape); a
    # board without notes (a deliverable's worksheet) has no picture to show but empty areas
    notes = any(not n.private for n in record.state.notes.values())
    picture = Markup(svg(record.state)) if notes else ""

    def picture_src(entry: Entry) -> str:
        """A picture note's picture, written into the file: a record fetches nothing."""
        stored = record.pictures.get(entry.picture.id) if entry.picture else None
        if stored is None:
            return ""
        kind, data = stored
        return f"data:{kind};base64,{base64.b64encode(data).decode()}"

    return _TEMPLATE.render(
        record=record, picture=picture, chart_svg=_chart, picture_src=picture_src
    ).encode()


def _chart(chart: charts.Chart) -> Markup:
    return Markup(charts.svg(chart))  # escaped where it is built
