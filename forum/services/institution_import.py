"""`forum import-institutions FILE`: the survey's rows, each given to the institutions service
(create or update) in its own transaction, so one refused row loses nothing else.

The columns (README.md, "Importing institutions") are the ones /institutions.csv and
/institutions.json write, so an export imports again to "nothing changes".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import Institution
from forum.models.institutions import OTHER_NAME_LANGUAGES, search_key
from forum.services import ServiceError
from forum.services.institutions import InstitutionFields, create, fields_of, update

MAX_BYTES = 10 * 1024 * 1024  # a survey of thousands of institutions is a few megabytes
MAX_COLUMNS = 50
MAX_ROWS = 20_000
REQUIRED = ("name", "country", "type")
OTHER_NAMES = {f"name_{code}": code for code in OTHER_NAME_LANGUAGES}
COLUMNS = (
    "slug",
    "name",
    "acronym",
    "country",
    "type",
    "website",
    *OTHER_NAMES,
    "networks",
    "capacities",
    "description",
)
IGNORED = frozenset({"page"})  # the export's link to the institution's page: for people
# a cell the export began with one of these was neutralised with a leading apostrophe
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing was imported."""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    ignored_columns: list[str] = field(default_factory=list)


def import_file(path: Path) -> Report:
    """Every row of the file through create()/update(); what happened to each."""
    rows = read_rows(path)
    report = Report(ignored_columns=rows.ignored)
    seen: dict[tuple[str, str], str] = {}
    for where, row in rows.rows:
        try:
            outcome = _import_row(row, where, seen)
        except ServiceError as error:
            db.session.rollback()
            report.refused.append((where, str(error.message)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


@dataclass
class Rows:
    rows: Iterator[tuple[str, dict[str, Any]]]
    ignored: list[str]


def read_rows(path: Path) -> Rows:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(
                f"{path.name} is {size / 1_048_576:.1f} MB; the import reads files up to "
                f"{MAX_BYTES // 1_048_576} MB: split it into several files."
            )
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path.name} is not UTF-8 text (byte {error.start + 1} is not): save it as "
            '"CSV UTF-8" or JSON in UTF-8.'
        ) from None
    if path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".csv" and text.lstrip()[:1] in ("[", "{")
    ):
        return _json_rows(text)
    return _csv_rows(text)


def _json_rows(text: str) -> Rows:
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if hasattr(error, "lineno") else ""
        raise ImportFileError(f"The file is not valid JSON{where}.") from None
    if not isinstance(items, list):
        raise ImportFileError("A JSON file holds a list of institutions: [{...}, {...}].")
    if len(items) > MAX_ROWS:
        raise ImportFileError(f"At most {MAX_ROWS} institutions per file; split it.")
    ignored: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            if len(item) > MAX_COLUMNS:
                raise ImportFileError(f"An institution has more than {MAX_COLUMNS} fields.")
            ignored |= {str(k) for k in item if str(k) not in COLUMNS and k not in IGNORED}

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for number, item in enumerate(items, start=1):
            where = f"item {number}"
            if not isinstance(item, dict):
                yield where, {"_not_an_object": True}
                continue
            yield where, {k: v for k, v in item.items() if k in COLUMNS}

    return Rows(rows(), sorted(ignored))


def _csv_rows(text: str) -> Rows:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"Line 1 cannot be read as CSV: {error}.") from None
    if header is None:
        raise ImportFileError("The file is empty: its first line names the columns.")
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            f"The first line names {len(header)} columns; the import knows {len(COLUMNS)} "
            "(see README.md, Importing institutions)."
        )
    names = [name.strip().lower() for name in header]
    names = ["type" if name == "kind" else name for name in names]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportFileError(
            f"The first line must name the columns {', '.join(REQUIRED)}; missing: "
            f"{', '.join(missing)}. It names: {', '.join(names) or 'nothing'}."
        )
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise ImportFileError(f"Columns named twice: {', '.join(duplicated)}.")
    ignored = sorted(n for n in names if n not in COLUMNS and n not in IGNORED)

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        line, count = reader.line_num + 1, 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(f"Line {line} cannot be read as CSV: {error}.") from None
            where, line = f"line {line}", reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(f"At most {MAX_ROWS} institutions per file; split it.")
            if len(cells) > len(names):
                yield where, {"_cells": len(cells), "_columns": len(names)}
                continue
            yield (
                where,
                {
                    name: _unneutralised(cell)
                    for name, cell in zip(names, cells, strict=False)
                    if name in COLUMNS
                },
            )

    return Rows(rows(), ignored)


def _unneutralised(cell: str) -> str:
    if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS and cell[1:2]:
        return cell[1:]
    return cell


def _import_row(row: dict[str, Any], where: str, seen: dict[tuple[str, str], str]) -> str:
    if row.get("_not_an_object"):
        raise ServiceError('Each institution is a JSON object: {"name": ..., ...}.')
    if "_cells" in row:
        raise ServiceError(f"{row['_cells']} cells for {row['_columns']} columns.")
    existing = _existing(row)
    fields = fields_of(existing) if existing is not None else InstitutionFields("", "", "")
    _fill(fields, row)
    key = (search_key(fields.name), fields.country.strip().upper())
    if key in seen:
        raise ServiceError(f"The same name and country as {seen[key]}.")
    if existing is None:
        create(None, fields)
        outcome = "created"
    else:
        outcome = "updated" if update(None, existing, fields) else "unchanged"
    seen[key] = where
    return outcome


def _existing(row: dict[str, Any]) -> Institution | None:
    slug = _text(row.get("slug"))
    if slug:
        found = db.session.scalar(select(Institution).where(Institution.slug == slug))
        if found is not None:
            return found
    return db.session.scalar(
        select(Institution).where(
            Institution.name_key == search_key(_text(row.get("name"))),
            Institution.country == _text(row.get("country")).strip().upper(),
        )
    )


def _fill(fields: InstitutionFields, row: dict[str, Any]) -> None:
    """The row's columns over the institution's current fields: a column the file does not
    have keeps what the institution has; an empty cell clears it."""
    for name in ("name", "acronym", "country", "website", "description"):
        if name in row:
            setattr(fields, name, _text(row[name]))
    if "type" in row:
        fields.kind = _word(row["type"])
    for column, code in OTHER_NAMES.items():
        if column in row:
            fields.other_names[code] = _text(row[column])
    fields.other_names = {code: name for code, name in fields.other_names.items() if name.strip()}
    if "networks" in row:
        fields.networks = _networks(row["networks"])
    if "capacities" in row:
        fields.capacities = _capacities(row["capacities"])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ServiceError("A field holds a list or an object where text was expected.")
    return str(value)


def _word(value: Any) -> str:
    """A type, role or kind as people type it: "Focal point" is focal_point."""
    return "_".join(_text(value).strip().lower().replace("-", " ").split())


def _networks(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {_text(slug).strip().lower(): _word(role) for slug, role in value.items()}
    found: dict[str, str] = {}
    for entry in _text(value).split(";"):
        if not entry.strip():
            continue
        slug, _colon, role = entry.partition(":")
        found[slug.strip().lower()] = _word(role or "member")
    return found


def _capacities(value: Any) -> list[tuple[str, str, str]]:
    if isinstance(value, list):
        entries = []
        for item in value:
            if not isinstance(item, dict):
                raise ServiceError('Each capacity is an object: {"theme": ..., "kind": ...}.')
            entries.append((item.get("theme"), item.get("kind"), item.get("note")))
    else:
        entries = [tuple(e.split(":", 2)) + ("", "") for e in split_capacities(_text(value))]
    found = []
    for theme, kind, note, *_rest in entries:
        if not _text(theme).strip():
            raise ServiceError("A capacity without its theme: write theme:kind:note.")
        found.append((_text(theme).strip().lower(), _word(kind), _text(note)))
    return found


def split_capacities(cell: str) -> list[str]:
    """theme:kind:note entries separated by |; a | or \\ inside a note is written \\| or \\\\."""
    entries, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    return [entry for entry in entries if entry.strip()]


def join_capacities(capacities: list[tuple[str, str, str]]) -> str:
    def escaped(note: str) -> str:
        return note.replace("\\", "\\\\").replace("|", "\\|")

    return "|".join(f"{theme}:{kind}:{escaped(note)}" for theme, kind, note in capacities)


def join_networks(networks: dict[str, str]) -> str:
    return ";".join(f"{slug}:{role}" for slug, role in networks.items())
