"""`forum import-institutions FILE`: CSV or JSON rows through the institutions service."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Capacity, Institution, InstitutionNetwork
from tests.conftest import Person
from tests.institution_helpers import make_institution

HEADER = ["name", "acronym", "country", "type", "website", "name_fr", "networks", "capacities"]
BAD = {  # row number (0-based) -> (the bad cell, the reason the report gives)
    3: ("country", "XX", "Unknown country XX"),
    17: ("type", "bakery", "Unknown type bakery"),
    29: ("networks", "atlantis-oshnet:member", "Unknown network atlantis-oshnet"),
    44: ("capacities", "underwater-basket-weaving:training:", "Unknown theme"),
    58: ("capacities", "fire-safety:juggling:", "Unknown kind of capacity juggling"),
    71: ("website", "not a website", "Give the website as a full address"),
    88: ("name", "", "Give the institution's name."),
    103: ("networks", "oic-oshnet:emperor", "Unknown role emperor"),
    150: ("acronym", "A" * 40, "Keep the acronym under 24 characters."),
    199: ("name", "Institute 0", "The same name and country as line 2."),
}


def _rows() -> list[list[str]]:
    rows = []
    for number in range(200):
        row = {
            "name": f"Institute {number}",
            "acronym": f"I{number}",
            "country": ["MY", "SN", "ID", "TR"][number % 4],
            "type": "national_institute" if number % 2 else "Research",
            "website": f"https://i{number}.example.org",
            "name_fr": f"Institut {number}" if number % 3 == 0 else "",
            "networks": "oic-oshnet:focal_point;asean-oshnet:Member" if number % 5 else "",
            "capacities": "chemical-safety:laboratory:Silica, NIOSH 7500|fire-safety:training:"
            if number % 7
            else "",
        }
        if number in BAD:
            column, value, _reason = BAD[number]
            row[column] = value
        if number == 199:
            row["country"] = "MY"
        rows.append([row[c] for c in HEADER])
    return rows


def _write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Institution, InstitutionNetwork, Capacity, AuditEntry)
        )


def test_two_hundred_rows_ten_refused_then_nothing_changes(app: Flask, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "survey.csv", _rows())
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-institutions", str(path)])
    assert "190 created, 0 updated, 0 unchanged, 10 refused." in first.output, first.output
    assert first.exit_code == 1
    for number, (_column, _value, reason) in BAD.items():
        line = [row for row in first.output.splitlines() if f"line {number + 2}:" in row]
        assert line, (number, first.output)
        assert reason in line[0], (number, line[0])
    assert "Traceback" not in first.output
    with app.app_context():
        malaysian = db.session.scalar(select(Institution).where(Institution.acronym == "I1"))
        assert malaysian.other_names == {}
        assert malaysian.kind.value == "national_institute"
        first_row = db.session.scalar(select(Institution).where(Institution.acronym == "I0"))
        assert first_row.other_names == {"fr": "Institut 0"}
        assert first_row.kind.value == "research"  # "Research", as people type it
    after_first = _counts(app)
    assert after_first[0] == 190
    second = runner.invoke(args=["import-institutions", str(path)])
    assert "0 created, 0 updated, 190 unchanged, 10 refused." in second.output, second.output
    assert _counts(app) == after_first  # no row, no audit entry added


def test_a_row_updates_its_institution_only_when_something_changed(
    app: Flask, tmp_path: Path
) -> None:
    slug = make_institution(app)
    header = ["slug", "name", "country", "type", "acronym"]
    row = [slug, "National Institute of Occupational Safety and Health", "my", "national institute"]
    runner = app.test_cli_runner()
    same = runner.invoke(
        args=["import-institutions", str(_write_csv(tmp_path / "a.csv", [[*row, "NIOSH"]], header))]
    )
    assert "0 created, 0 updated, 1 unchanged, 0 refused." in same.output, same.output
    audit = _counts(app)[3]
    # renamed, found by its slug; the columns the file lacks (networks, capacities) are kept
    renamed = [slug, "NIOSH Malaysia", "MY", "national_institute", "NIOSH"]
    changed = runner.invoke(
        args=["import-institutions", str(_write_csv(tmp_path / "b.csv", [renamed], header))]
    )
    assert "0 created, 1 updated, 0 unchanged, 0 refused." in changed.output, changed.output
    assert changed.exit_code == 0
    with app.app_context():
        institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
        assert institution.name == "NIOSH Malaysia"
        networks = db.session.scalar(
            select(func.count()).where(InstitutionNetwork.institution_id == institution.id)
        )
        assert networks == 2
    assert _counts(app)[3] == audit + 1


def test_json_and_semicolon_csv_are_read(app: Flask, tmp_path: Path) -> None:
    items = [
        {
            "name": "Institut de Prévoyance Retraite du Sénégal",
            "acronym": "IPRES",
            "country": "SN",
            "type": "social_security",
            "networks": {"oic-oshnet": "member"},
            "capacities": [{"theme": "occupational-health-services", "kind": "information"}],
        },
        {"name": "Broken", "country": "SN", "type": "research", "networks": ["x"]},
        "not an object",
    ]
    path = tmp_path / "survey.txt"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-institutions", str(path)])
    assert "1 created, 0 updated, 0 unchanged, 2 refused." in result.output, result.output
    assert "item 3: Each institution is a JSON object" in result.output
    semicolons = tmp_path / "excel.csv"
    semicolons.write_text(
        "Name;Country;Type;Networks\nCaisse de Sécurité Sociale;SN;social security;"
        '"oic-oshnet:member;ilo-global:member"\n',
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-institutions", str(semicolons)])
    assert "1 created" in result.output, result.output


def test_malformed_files_get_a_message_never_a_traceback(app: Flask, tmp_path: Path) -> None:
    cases = {
        "latin1.csv": ("name,country,type\nInstitut Sénégalais,SN,research\n".encode("latin-1"),
                       "is not UTF-8 text"),
        "bad.json": (b'[{"name": "x",', "is not valid JSON (line 1"),
        "object.json": (b'{"name": "x"}', "holds a list of institutions"),
        "columns.csv": (b"name,acronym\nNIOSH,N\n", "missing: country, type"),
        "empty.csv": (b"", "The file is empty"),
        "wide.csv": ((",".join(f"c{n}" for n in range(10_000)) + "\n").encode(),
                     "names 10000 columns"),
        "twice.csv": (b"name,country,type,name\n", "Columns named twice: name"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
    }  # fmt: skip
    runner = app.test_cli_runner()
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(args=["import-institutions", str(path)])
        assert result.exit_code != 0, name
        assert message in result.output, (name, result.output)
        assert "Nothing imported" in result.output, name
        assert result.exception is None or isinstance(result.exception, SystemExit), name
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.write(b"name,country,type\n")
        out.truncate(50 * 1024 * 1024)
    result = runner.invoke(args=["import-institutions", str(huge)])
    assert result.exit_code != 0
    assert "50.0 MB" in result.output, result.output
    wide_row = tmp_path / "wide-row.csv"
    wide_row.write_text("name,country,type\nA,MY,research" + ",x" * 10_000 + "\n")
    result = runner.invoke(args=["import-institutions", str(wide_row)])
    assert "line 2: 10003 cells for 3 columns." in result.output, result.output
    missing = runner.invoke(args=["import-institutions", str(tmp_path / "absent.csv")])
    assert missing.exit_code != 0
    assert "Traceback" not in missing.output
    assert _counts(app)[0] == 0


def test_the_demo_has_a_dozen_institutions_across_the_three_networks(
    app: Flask, anonymous: Person
) -> None:
    from forum.models import Affiliation, AffiliationStatus, Network

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    once = _counts(app)
    with app.app_context():
        assert once[0] >= 12
        networks = db.session.execute(
            select(Network.slug, func.count())
            .join(InstitutionNetwork, InstitutionNetwork.network_id == Network.id)
            .group_by(Network.slug)
        ).all()
        assert {slug for slug, count in networks if count >= 4} == {
            "ilo-global",
            "oic-oshnet",
            "asean-oshnet",
        }
        affiliations = db.session.scalars(select(Affiliation)).all()
        assert len(affiliations) == 3
        assert all(a.status == AffiliationStatus.confirmed for a in affiliations)
        assert sum(a.is_manager for a in affiliations) == 1
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts(app) == once  # nothing added, nothing audited
    page = anonymous.get("/u/siti.nurhaliza").get_data(as_text=True)
    assert "National Institute of Occupational Safety and Health</bdi> (<bdi>NIOSH</bdi>)" in page
