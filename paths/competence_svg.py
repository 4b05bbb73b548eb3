"""Draw a :class:`~paths.competence_map.CompetenceMap` as a self-contained, accessible SVG.

Kept apart from the model so the queries and the drawing each stay small. The SVG has
``role="img"`` with a ``<title>`` and ``<desc>``, text labels, a legend and a key of role codes;
status is shown by colour and by a symbol, so it reads in greyscale too. There are no scripts,
styles or external references (it is served with ``default-src 'none'``), and every text passes
through :func:`_text`, which escapes it and drops characters XML does not allow. Sizes come from
character counts, not font metrics, so output is deterministic.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from paths.competence_map import CompetenceMap, ElementStatus, MapElement

MARGIN = 16
ROW = 26
UNIT_ROW = 30
COLUMN = 72
CELL = 20
CHAR = 7
HEADER = 64
#: Fill, symbol colour and symbol for each status; the framework map uses ``None``.
STYLES: dict[ElementStatus | None, tuple[str, str, str]] = {
    None: ("#1f5fa8", "#ffffff", "\u25cf"),
    ElementStatus.NOT_STARTED: ("#ffffff", "#5a5a5a", "\u2013"),
    ElementStatus.SUBMITTED: ("#f2c14e", "#1a1a1a", "\u2026"),
    ElementStatus.NEEDS_WORK: ("#b3261e", "#ffffff", "!"),
    ElementStatus.APPROVED: ("#1b7f3b", "#ffffff", "\u2713"),
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class MapLabels:
    """The words drawn in the picture; the web passes them translated (English by default)."""

    description: str = "Which competences each role needs, grouped by unit."
    personal_description: str = "My competences and where I stand on each."
    legend: str = "Legend"
    roles: str = "Roles"
    needed: str = "Needed by the role"
    not_started: str = "Not started"
    submitted: str = "Submitted, waiting for review"
    needs_work: str = "Needs work"
    approved: str = "Approved"

    def status(self, status: ElementStatus | None) -> str:
        """The legend text for ``status`` (``None``: needed by the role)."""
        return {
            None: self.needed,
            ElementStatus.NOT_STARTED: self.not_started,
            ElementStatus.SUBMITTED: self.submitted,
            ElementStatus.NEEDS_WORK: self.needs_work,
            ElementStatus.APPROVED: self.approved,
        }[status]


def render_svg(competence_map: CompetenceMap, labels: MapLabels | None = None) -> str:
    """The map as an SVG document (a string starting with ``<svg``)."""
    labels = labels or MapLabels()
    label_width = max(
        [len(f"{e.code}  {e.title}") * CHAR + 2 * MARGIN for e in competence_map.elements()]
        + [len(f"{u.code}  {u.title}") * CHAR + MARGIN for u in competence_map.units]
        + [240]
    )
    width = max(
        label_width + COLUMN * len(competence_map.roles) + MARGIN,
        _key_width(competence_map, labels),
    )
    body, y = _grid(competence_map, label_width, width)
    legend, y = _legend(competence_map, labels, y + MARGIN)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + MARGIN}" '
        f'viewBox="0 0 {width} {y + MARGIN}" role="img" '
        'aria-labelledby="competence-map-title competence-map-desc" '
        'font-family="sans-serif" font-size="13" fill="#1a1a1a">',
        f'<title id="competence-map-title">{_text(competence_map.title)}</title>',
        f'<desc id="competence-map-desc">{_text(_description(competence_map, labels))}</desc>',
        f'<rect width="{width}" height="{y + MARGIN}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 14}" font-size="17" font-weight="bold">'
        f"{_text(competence_map.title)}</text>",
        *body,
        *legend,
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _grid(competence_map: CompetenceMap, label_width: int, width: int) -> tuple[list[str], int]:
    """Column headers (role codes), then a band per unit and a row per competence."""
    parts: list[str] = []
    for index, role in enumerate(competence_map.roles):
        x = label_width + index * COLUMN + COLUMN // 2
        parts.append(
            f'<text x="{x}" y="{HEADER - 8}" text-anchor="middle" font-weight="bold">'
            f"{_text(role.code)}</text>"
        )
    y = HEADER
    for unit in competence_map.units:
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{UNIT_ROW}" fill="#e8eef6"/>')
        parts.append(
            f'<text x="{MARGIN}" y="{y + 20}" font-weight="bold">'
            f"{_text(unit.code)}  {_text(unit.title)}</text>"
        )
        y += UNIT_ROW
        for element in unit.elements:
            parts.extend(_row(competence_map, element, label_width, y))
            parts.append(
                f'<line x1="0" y1="{y + ROW}" x2="{width}" y2="{y + ROW}" stroke="#d0d7de"/>'
            )
            y += ROW
    return parts, y


def _row(competence_map: CompetenceMap, element: MapElement, label_width: int, y: int) -> list[str]:
    parts = [
        f'<text x="{2 * MARGIN}" y="{y + 17}">{_text(element.code)}  {_text(element.title)}</text>'
    ]
    for index, role in enumerate(competence_map.roles):
        if role.needs(element.id):
            x = label_width + index * COLUMN + (COLUMN - CELL) // 2
            parts.append(_mark(element.status, x, y + (ROW - CELL) // 2))
    return parts


def _mark(status: ElementStatus | None, x: int, y: int) -> str:
    """A square in the status colour with its symbol on top."""
    fill, ink, symbol = STYLES[status]
    return (
        f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="3" fill="{fill}" '
        f'stroke="#5a5a5a"/><text x="{x + CELL // 2}" y="{y + 15}" text-anchor="middle" '
        f'font-weight="bold" fill="{ink}">{_text(symbol)}</text>'
    )


def _legend(competence_map: CompetenceMap, labels: MapLabels, y: int) -> tuple[list[str], int]:
    """The status legend, then each role code with its full title."""
    statuses: list[ElementStatus | None] = (
        list(ElementStatus) if competence_map.personal else [None]
    )
    parts = [f'<text x="{MARGIN}" y="{y + 14}" font-weight="bold">{_text(labels.legend)}</text>']
    y += 22
    for status in statuses:
        parts.append(_mark(status, MARGIN, y))
        parts.append(
            f'<text x="{MARGIN + CELL + 8}" y="{y + 15}">{_text(labels.status(status))}</text>'
        )
        y += CELL + 6
    y += 8
    parts.append(f'<text x="{MARGIN}" y="{y + 14}" font-weight="bold">{_text(labels.roles)}</text>')
    y += 22
    for role in competence_map.roles:
        parts.append(
            f'<text x="{MARGIN}" y="{y + 14}"><tspan font-weight="bold">{_text(role.code)}'
            f"</tspan>  {_text(role.title)}</text>"
        )
        y += 20
    return parts, y


def _key_width(competence_map: CompetenceMap, labels: MapLabels) -> int:
    """Wide enough for the longest legend or role-key line."""
    lines = [f"{r.code}  {r.title}" for r in competence_map.roles]
    lines += [labels.status(s) + "     " for s in (None, *ElementStatus)]
    return max(len(line) for line in lines) * CHAR + 2 * MARGIN


def _description(competence_map: CompetenceMap, labels: MapLabels) -> str:
    """What the picture shows, with the status counts on a personal map."""
    if not competence_map.personal:
        return labels.description
    counts = [
        f"{labels.status(status)}: {sum(e.status is status for e in competence_map.elements())}"
        for status in ElementStatus
    ]
    return f"{labels.personal_description} {'; '.join(counts)}."


def _text(value: str) -> str:
    """``value`` escaped for XML text and attributes, without characters XML forbids."""
    return html.escape(_NOT_XML.sub("", value), quote=True)
