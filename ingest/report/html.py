"""A self-contained HTML page: plots embedded as base64 PNG, tables as HTML."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

from ingest.report.queries import Table

_STYLE = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; font-size: 0.8em; margin-bottom: 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
td.number { text-align: right; }
img { max-width: 100%; }
.note { color: #666; font-size: 0.85em; }
"""


@dataclass
class Section:
    title: str
    text: str = ""
    plots: list[tuple[str, bytes]] = field(default_factory=list)  # (name, PNG)
    tables: list[Table] = field(default_factory=list)


def format_value(value: object) -> str:
    """How a cell prints; tests read the figures back through the same rule."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for value in row:
            kind = ' class="number"' if isinstance(value, int | float) else ""
            cells.append(f"<td{kind}>{html.escape(format_value(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return (
        f"<h3>{html.escape(table.title)}</h3>{note}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _plot(name: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}"></figure>'


def render(title: str, intro: str, sections: list[Section]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>",
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if section.text:
            parts.append(f"<p>{html.escape(section.text)}</p>")
        parts += [_plot(name, png) for name, png in section.plots]
        parts += [_table(table) for table in section.tables]
    parts.append("</body></html>")
    return "\n".join(parts)
