"""The framework as one CSV file (for spreadsheets): one row per item, a ``kind`` column says which.

Format (UTF-8, a byte-order mark is written so that spreadsheets show Cyrillic correctly; the
header row names the columns, in any order; empty cells mean "not given"):

- ``kind``: ``framework`` (exactly one row), ``role``, ``unit``, ``element``, ``criterion``,
  ``curriculum`` or ``learning_unit``.
- ``code``; ``parent``: the code of the unit (for an element), element (for a criterion) or
  curriculum (for a learning unit) the row belongs to. Rows keep the file's order.
- ``title_en`` ``title_de`` ``title_bg`` ``title_ro`` and ``description_en`` … ``description_ro``;
  a criterion's text goes in the ``title_*`` columns.
- framework rows: ``version``, ``publisher``, ``source_url``.
- role rows: ``eqf_level``, ``units`` (unit codes separated by ``|``).
- element rows: ``eqf_level``, ``ecf_code``, ``ecf_level``, ``esco`` and ``digcomp`` (``|``).
- learning unit rows: ``hours``, ``ects`` (a decimal comma is accepted), ``elements`` (``|``).

The reader builds the same document as the JSON format and checks it with
:func:`paths.framework_json.check_framework`, so both formats obey the same rules; problems are
reported by line number and CSV column.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from badges.errors import N_
from paths.errors import FrameworkInvalid, FrameworkIssue
from paths.framework_check import DUPLICATE
from paths.framework_json import check_framework
from paths.framework_spec import FORMAT, FrameworkSpec, Texts
from paths.languages import LANGUAGES

TEXT_COLUMNS = [f"{kind}_{lang}" for kind in ("title", "description") for lang in LANGUAGES]
COLUMNS = ["kind", "code", "parent", "version", *TEXT_COLUMNS, "publisher", "source_url"]
COLUMNS += ["eqf_level", "ecf_code", "ecf_level", "esco", "digcomp", "units", "elements"]
COLUMNS += ["hours", "ects"]
BASE = {"kind", "code", *TEXT_COLUMNS}
#: The columns each kind of row may fill.
KIND_COLUMNS: dict[str, set[str]] = {
    "framework": BASE | {"version", "publisher", "source_url"},
    "role": BASE | {"eqf_level", "units"},
    "unit": BASE,
    "element": BASE | {"parent", "eqf_level", "ecf_code", "ecf_level", "esco", "digcomp"},
    "criterion": {"kind", "code", "parent", *(f"title_{lang}" for lang in LANGUAGES)},
    "curriculum": BASE,
    "learning_unit": BASE | {"parent", "hours", "ects", "elements"},
}
#: Which kind a row's parent is, and the list the row joins there.
PARENTS = {
    "element": ("unit", "elements"),
    "criterion": ("element", "criteria"),
    "learning_unit": ("curriculum", "learning_units"),
}
PARENT_MISSING = {
    "unit": N_("there is no unit row with code %(code)s above this row"),
    "element": N_("there is no element row with code %(code)s above this row"),
    "curriculum": N_("there is no curriculum row with code %(code)s above this row"),
}
TOP_LISTS = {"role": "roles", "unit": "units", "curriculum": "curricula"}
LIST_SEPARATOR = " | "
INDEX = re.compile(r"\[\d+\]$")
Row = tuple[int, dict[str, str]]


def load_framework_csv(data: bytes, filename: str) -> FrameworkSpec:
    """Parse and check a framework CSV file; :class:`FrameworkInvalid` lists every problem."""
    issues: list[FrameworkIssue] = []
    try:
        rows = _rows(data.decode("utf-8-sig"), filename, issues)
    except UnicodeDecodeError as err:
        issue = FrameworkIssue(filename, "1", "file", N_("is not UTF-8 text"))
        raise FrameworkInvalid(filename, [issue]) from err
    except csv.Error as err:
        issue = FrameworkIssue(filename, "1", "file", N_("is not a readable CSV file"))
        raise FrameworkInvalid(filename, [issue]) from err
    document, lines = _document(rows, filename, issues)
    try:
        spec = check_framework(document, filename)
    except FrameworkInvalid as err:
        issues += [_csv_issue(issue, lines) for issue in err.issues]
        raise FrameworkInvalid(filename, issues) from err
    if issues:
        raise FrameworkInvalid(filename, issues)
    return spec


def _rows(text: str, filename: str, issues: list[FrameworkIssue]) -> list[Row]:
    """The non-empty rows with the line they start on, checking the header and the kinds."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    for name in header:
        if name not in COLUMNS:
            issues.append(FrameworkIssue(filename, "1", name, N_("is not a column of the format")))
    if "kind" not in header:
        issues.append(FrameworkIssue(filename, "1", "kind", N_("the column is missing")))
    rows: list[Row] = []
    end = reader.line_num
    for cells in reader:
        line, end = end + 1, reader.line_num
        row = {name: cell for name, cell in zip(header, cells, strict=False) if cell.strip()}
        if not row:
            continue
        kind = row.get("kind", "").strip()
        if not kind:
            issues.append(FrameworkIssue(filename, str(line), "kind", N_("is missing")))
            continue
        if kind not in KIND_COLUMNS:
            issues.append(
                FrameworkIssue(
                    filename,
                    str(line),
                    "kind",
                    N_("%(value)s is not a kind of row"),
                    {"value": kind},
                )
            )
            continue
        for name in sorted(set(row) - KIND_COLUMNS[kind]):
            issues.append(
                FrameworkIssue(
                    filename,
                    str(line),
                    name,
                    N_("is not used in a row of kind %(kind)s"),
                    {"kind": kind},
                )
            )
        rows.append((line, {name: row[name] for name in row if name in KIND_COLUMNS[kind]}))
    return rows


def _document(
    rows: list[Row], filename: str, issues: list[FrameworkIssue]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The JSON-format document of the rows, and the line each object came from."""
    document: dict[str, Any] = {"format": FORMAT, "roles": [], "units": [], "curricula": []}
    lines: dict[str, int] = {}
    items: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for line, row in rows:
        kind = row["kind"].strip()
        item = _item(row)
        if kind == "framework":
            if "framework" in document:
                issues.append(
                    FrameworkIssue(filename, str(line), "kind", N_("only one framework row"))
                )
            document["framework"] = item
            lines["framework"] = line
            continue
        if kind in TOP_LISTS:
            siblings, path = document[TOP_LISTS[kind]], TOP_LISTS[kind]
        else:
            parent_kind, field = PARENTS[kind]
            parent_code = row.get("parent", "").strip()
            parent = items.get((parent_kind, parent_code))
            if parent is None:
                issues.append(
                    FrameworkIssue(
                        filename,
                        str(line),
                        "parent",
                        PARENT_MISSING[parent_kind],
                        {"code": parent_code},
                    )
                )
                continue
            siblings = parent[1].setdefault(field, [])
            path = f"{parent[0]}.{field}"
        path = f"{path}[{len(siblings)}]"
        siblings.append(item)
        lines[path] = line
        # The nearest row above with that code is the parent (a duplicate is reported anyway).
        items[kind, str(item.get("code", ""))] = (path, item)
    return document, lines


def _item(row: dict[str, str]) -> dict[str, Any]:
    """One row as a JSON-format object; numbers that do not parse stay text for the checker."""
    item: dict[str, Any] = {}
    for name in ("code", "version", "publisher", "source_url"):
        if name in row:
            item[name] = row[name].strip()
    for name in ("title", "description"):
        texts = {lang: row[f"{name}_{lang}"] for lang in LANGUAGES if f"{name}_{lang}" in row}
        if texts:
            item["text" if row["kind"].strip() == "criterion" and name == "title" else name] = texts
    for name in ("eqf_level", "hours", "ects"):
        if name in row:
            item[name] = _number(row[name])
    if "ecf_code" in row or "ecf_level" in row:
        item["ecf"] = {"code": row.get("ecf_code", "").strip() or None}
        item["ecf"]["level"] = _number(row["ecf_level"]) if "ecf_level" in row else None
    for name in ("esco", "digcomp", "units", "elements"):
        if name in row:
            item[name] = [part.strip() for part in row[name].split("|") if part.strip()]
    return item


def _number(cell: str) -> int | float | str:
    text = cell.strip().replace(",", ".")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return cell


def _csv_issue(issue: FrameworkIssue, lines: dict[str, int]) -> FrameworkIssue:
    """Say where a checker problem is in CSV terms: a line number and a column."""
    where, field = issue.where, INDEX.sub("", issue.field)
    if where.endswith(".ecf"):
        where, field = where.removesuffix(".ecf"), f"ecf_{field}"
    elif field == "ecf":
        field = "ecf_code"
    name, _, lang = field.partition(".")
    if name in {"title", "description", "text"}:
        field = f"{'description' if name == 'description' else 'title'}_{lang or 'en'}"
    template, params = issue.template, issue.params
    if template == DUPLICATE:
        template = N_("%(code)s is used twice (also on line %(other)s)")
        params = {"code": params["code"], "other": lines.get(str(params["other"]), 1)}
    return FrameworkIssue(issue.file, str(lines.get(where, 1)), field, template, params)


def dump_framework_csv(spec: FrameworkSpec) -> bytes:
    """The framework as a CSV file that :func:`load_framework_csv` reads back to ``spec``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    head = {"version": spec.version, "publisher": spec.publisher, "source_url": spec.source_url}
    writer.writerow(_row("framework", spec.code, spec.title, spec.description, **head))
    extra: dict[str, str | float | None]
    for r in spec.roles:
        extra = {"eqf_level": r.eqf_level, "units": LIST_SEPARATOR.join(r.units)}
        writer.writerow(_row("role", r.code, r.title, r.description, **extra))
    for u in spec.units:
        writer.writerow(_row("unit", u.code, u.title, u.description))
        for e in u.elements:
            extra = {"parent": u.code, "eqf_level": e.eqf_level, "ecf_code": e.ecf_code}
            extra |= {"ecf_level": e.ecf_level, "esco": LIST_SEPARATOR.join(e.esco)}
            extra |= {"digcomp": LIST_SEPARATOR.join(e.digcomp)}
            writer.writerow(_row("element", e.code, e.title, e.description, **extra))
            for c in e.criteria:
                writer.writerow(_row("criterion", c.code, c.text, {}, parent=e.code))
    for cu in spec.curricula:
        writer.writerow(_row("curriculum", cu.code, cu.title, cu.description))
        for lu in cu.learning_units:
            extra = {"parent": cu.code, "hours": lu.hours, "ects": lu.ects}
            extra |= {"elements": LIST_SEPARATOR.join(lu.elements)}
            writer.writerow(_row("learning_unit", lu.code, lu.title, lu.description, **extra))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _row(
    kind: str, code: str, title: Texts, description: Texts, **extra: str | float | None
) -> dict[str, str]:
    row = {"kind": kind, "code": code}
    row |= {f"title_{lang}": text for lang, text in title.items()}
    row |= {f"description_{lang}": text for lang, text in description.items()}
    for name, value in extra.items():
        if isinstance(value, float):
            row[name] = str(int(value)) if value.is_integer() else repr(value)
        elif value is not None:
            row[name] = str(value)
    return row
