"""`optima import` (issue 4): the template, the pilot sample, bad rows of every kind, idempotence,
client matching, Swiss Excel CSV, .xlsx, --dry-run, access criteria and the audit source.

Every file is built here from sample_data/import-template.csv (its header and two example rows),
with the csv module or openpyxl; the expected values come from those inputs, not from optima.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_db, count, dump, exists, query
from typer.testing import CliRunner

from optima_cli.cli import app

pytestmark = pytest.mark.both_backends  # the import's bulk writes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "sample_data" / "import-template.csv"
PILOT = ROOT / "sample_data" / "pilot-2018-2022.xlsx"

# the template's two example rows, as the file states them
ANNA = {"external_ref": "SD-2025-117", "name": "Muster Anna (fiktiv)", "birth_date": "1988-07-14",
        "ahv": "756.9217.0769.85"}
PETER = {"external_ref": "RAV-2025-042", "name": "Beispiel Peter (fiktiv)",
         "birth_date": "1979-11-02", "ahv": None}


# --- building files ----------------------------------------------------------------------------

def template() -> tuple[list[str], list[dict[str, str]]]:
    """The template's header and its example rows (fresh copies)."""
    with TEMPLATE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = [dict(r) for r in reader]
        return list(reader.fieldnames or []), rows


def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]], delimiter: str = ",",
              encoding: str = "utf-8", lineterminator: str = "\n") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, delimiter=delimiter,
                                lineterminator=lineterminator, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def swiss_date(text: str) -> str:
    """2025-03-04 -> 04.03.2025; dd.mm.yyyy stays."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:]}.{text[5:7]}.{text[:4]}"
    return text


def to_date(text: str) -> date:
    if "." in text:
        d, m, y = text.split(".")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text)


DATE_COLUMNS = {"birth_date", "consent_on", "consent_withdrawn_on", "iv_rejected_on",
                "rav_registered_until", "referred_on", "decided_on", "extended_on",
                "suspended_from", "suspended_until", "search_resumed_on", "withdrawn_on",
                "closed_on"}
BOOL_COLUMNS = {"iv_procedure_open", "iv_measures_running",
                "health_suspected", "employed"}


def typed(column: str, text: str) -> Any:
    """A template cell as Excel would hold it: real dates, numbers and booleans."""
    if text == "":
        return None
    if column in DATE_COLUMNS:
        return to_date(text)
    if column in BOOL_COLUMNS:
        return text == "yes"
    if column == "months":
        return int(text)
    return text


def write_xlsx(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([typed(c, row.get(c, "")) for c in header])
    wb.save(path)
    return path


# --- reading the database ------------------------------------------------------------------------


def max_audit_id(db: Path) -> int:
    return query(db, "SELECT coalesce(max(id), 0) FROM audit_event")[0][0]


# --- running ----------------------------------------------------------------------------------

def ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def imported(run, path: Path, *extra: str, db: Path | None = None) -> dict:
    """Import that must succeed; its JSON."""
    return json.loads(ok(run("import", str(path), "--format", "json", *extra, db=db)))


def refused(run, path: Path, *extra: str) -> tuple[dict, Any]:
    """Import that must be refused with exit 1 and a JSON list of errors."""
    r = run("import", str(path), "--format", "json", *extra)
    assert r.exit_code == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    return json.loads(r.stdout), r


def invoke_once(folder: Path, args: list[str]) -> str:
    """optima for a module-scoped fixture (the autouse home isolation is per test): its own home."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "share"), "OPTIMA_DB": None,
           "OPTIMA_USER": None, "NO_COLOR": "1"}
    r = CliRunner().invoke(app, ["--user", "tester", *args], env=env)
    assert r.exit_code == 0, (r.stdout, r.stderr)
    return r.stdout


def create_db(run) -> None:
    """Create the (empty) database, so that later snapshots compare a file with a file."""
    ok(run("institution", "list"))


def show(run, case: str) -> dict:
    return json.loads(ok(run("show", case, "--format", "json")))


# --- the template ---------------------------------------------------------------------------------

def test_template_imports_with_its_history(run, db_path, tmp_path):
    create_db(run)
    before = max_audit_id(db_path)
    target = tmp_path / "referrals.csv"
    shutil.copy(TEMPLATE, target)

    out = imported(run, target)

    assert out["rows"] == 2 and out["imported"] == 2 and out["skipped"] == 0
    assert out["clients_created"] == 2 and out["clients_matched"] == 0
    assert out["errors"] == [] and out["dry_run"] is False
    assert len(out["cases"]) == 2 and len(set(out["cases"])) == 2
    assert count(db_path, "referral") == 2 and count(db_path, "client") == 2

    clients = {r[0]: r[1:] for r in query(
        db_path, "SELECT external_ref, name, birth_date, ahv, municipality FROM client")}
    assert clients == {
        ANNA["external_ref"]: (ANNA["name"], ANNA["birth_date"], ANNA["ahv"], "Emmen"),
        PETER["external_ref"]: (PETER["name"], PETER["birth_date"], None, "Kriens"),
    }

    # every audit event of the import names the file (its name, not its path); read before
    # `show`, which logs its own read
    sources = {s for (s,) in query(db_path, "SELECT source FROM audit_event WHERE id > ?", before)}
    assert sources == {"import:referrals.csv"}
    logged = query(db_path, "SELECT count(DISTINCT referral_id) FROM audit_event "
                            "WHERE id > ? AND referral_id IS NOT NULL", before)[0][0]
    assert logged == 2

    by_date = {c["referred_on"]: c for c in (show(run, case) for case in out["cases"])}
    anna, peter = by_date["2025-02-05"], by_date["2025-03-04"]  # 05.02.2025 is dd.mm.yyyy
    assert (anna["referrer"], anna["receiver"], anna["topics"], anna["months"]) == (
        "SD", "RAV", ["placement"], 3)
    assert anna["status"] == "closed" and anna["decided_on"] == "2025-02-12"
    assert anna["closed_on"] == "2025-05-12" and anna["outcome"] == "achieved"
    assert anna["employed"] is True and anna["receiving_counsellor"] == "B. Keller"
    assert anna["goal"] == "Stelle im ersten Arbeitsmarkt finden"
    assert (peter["referrer"], peter["receiver"], sorted(peter["topics"]), peter["months"]) == (
        "RAV", "SD", ["conflict", "finances"], 6)
    assert peter["status"] == "accepted" and peter["decided_on"] == "2025-03-10"
    assert [(s["from"], s["until"]) for s in peter["suspensions"]] == [("2025-03-10", "2025-06-30")]


def test_template_table_output_and_message(run, db_path):
    r = run("import", str(TEMPLATE))
    text = ok(r)
    assert "import-template.csv" in text
    assert "2" in r.stderr and "import-template.csv" in r.stderr
    assert count(db_path, "referral") == 2


# --- idempotence ------------------------------------------------------------------------------------

def _twice(run, db_path, path: Path) -> None:
    first = imported(run, path)
    assert first["imported"] == 2
    counts = (count(db_path, "referral"), count(db_path, "client"))
    state = dump(db_path)

    second = imported(run, path)

    assert (count(db_path, "referral"), count(db_path, "client")) == counts == (2, 2)
    assert second["imported"] == 0 and second["skipped"] == 2
    assert second["clients_matched"] == 2 and second["clients_created"] == 0
    assert second["cases"] == [] and second["errors"] == []
    assert sorted(s["row"] for s in second["skipped_rows"]) == [2, 3]
    assert sorted(s["case"] for s in second["skipped_rows"]) == sorted(first["cases"])
    assert dump(db_path) == state  # nothing at all was written the second time


def test_same_csv_twice_adds_nothing(run, db_path):
    _twice(run, db_path, TEMPLATE)
    r = run("import", str(TEMPLATE))  # the table says so too
    ok(r)
    assert "already there" in r.stdout + r.stderr


def test_same_xlsx_twice_adds_nothing(run, db_path, tmp_path):
    header, rows = template()
    _twice(run, db_path, write_xlsx(tmp_path / "referrals.xlsx", header, rows))


def test_csv_then_same_rows_as_xlsx_adds_nothing(run, db_path, tmp_path):
    header, rows = template()
    imported(run, TEMPLATE)
    out = imported(run, write_xlsx(tmp_path / "again.xlsx", header, rows))
    assert out["skipped"] == 2 and out["imported"] == 0
    assert count(db_path, "referral") == 2 and count(db_path, "client") == 2


# --- the formats ------------------------------------------------------------------------------------

def test_semicolon_csv_with_bom_and_swiss_dates(run, db_path, tmp_path):
    """What Swiss Excel writes for 'CSV UTF-8': BOM, semicolons, CRLF, dd.mm.yyyy."""
    header, rows = template()
    rows = [{k: swiss_date(v) for k, v in r.items()} for r in rows]
    path = write_csv(tmp_path / "excel.csv", header, rows, delimiter=";", encoding="utf-8-sig",
                     lineterminator="\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfexternal_ref;name;")

    out = imported(run, path)

    assert out["imported"] == 2 and out["clients_created"] == 2
    got = sorted(query(db_path, "SELECT c.external_ref, c.birth_date, r.referred_on, r.decided_on, "
                                "r.months FROM referral r JOIN client c ON c.id = r.client_id"))
    assert got == [("RAV-2025-042", "1979-11-02", "2025-03-04", "2025-03-10", 6),
                   ("SD-2025-117", "1988-07-14", "2025-02-05", "2025-02-12", 3)]
    topics = query(db_path, "SELECT t.topic FROM referral_topic t JOIN referral r ON r.id = t.referral_id "
                            "WHERE r.referred_on = '2025-03-04'")
    assert sorted(t for (t,) in topics) == ["conflict", "finances"]


def test_codes_in_german_are_read(run, db_path, tmp_path):
    """Issue 21: a sheet kept in German names its topics in German; stored as the codes."""
    header, rows = template()
    german = {"finances": "Finanzen", "conflict": "konflikte", "placement": "stellensuche",
              "health": "gesundheit"}
    for row in rows:
        row["topics"] = ",".join(german.get(t, t) for t in row["topics"].split(","))
    assert any("Finanzen" in row["topics"] for row in rows)
    out = imported(run, write_csv(tmp_path / "deutsch.csv", header, rows))
    assert out["imported"] == 2
    topics = query(db_path, "SELECT t.topic FROM referral_topic t")
    assert "finances" in {t for (t,) in topics}


def test_xlsx_with_typed_cells_imports(run, db_path, tmp_path):
    header, rows = template()
    path = write_xlsx(tmp_path / "cases.xlsx", header, rows)
    before = max_audit_id(db_path) if exists(db_path) else 0

    out = imported(run, path)

    assert out["imported"] == 2 and out["clients_created"] == 2
    got = sorted(query(db_path, "SELECT c.name, c.birth_date, c.ahv, r.referred_on, r.closed_on, "
                                "r.outcome, r.employed FROM referral r JOIN client c ON c.id = r.client_id"))
    assert got == [("Beispiel Peter (fiktiv)", "1979-11-02", None, "2025-03-04", None, None, None),
                   ("Muster Anna (fiktiv)", "1988-07-14", "756.9217.0769.85", "2025-02-05",
                    "2025-05-12", "achieved", 1)]
    sources = {s for (s,) in query(db_path, "SELECT source FROM audit_event WHERE id > ? "
                                            "AND referral_id IS NOT NULL", before)}
    assert sources == {"import:cases.xlsx"}


# --- --dry-run --------------------------------------------------------------------------------------

def test_dry_run_reports_and_writes_nothing(run, db_path, snapshot):
    create_db(run)
    before = snapshot()

    out = imported(run, TEMPLATE, "--dry-run")

    assert out["dry_run"] is True
    assert out["rows"] == 2 and out["imported"] == 2 and out["clients_created"] == 2
    assert out["errors"] == []
    assert snapshot() == before
    assert count(db_path, "referral") == 0

    r = run("import", str(TEMPLATE), "--dry-run")
    ok(r)
    assert "would" in (r.stdout + r.stderr).lower()
    assert snapshot() == before


def test_dry_run_after_import_reports_already_there(run, db_path, snapshot):
    imported(run, TEMPLATE)
    before = snapshot()
    out = imported(run, TEMPLATE, "--dry-run")
    assert out["imported"] == 0 and out["skipped"] == 2
    assert snapshot() == before


def test_dry_run_lists_bad_rows_too(run, snapshot, tmp_path):
    create_db(run)
    before = snapshot()
    header, rows = template()
    rows[1]["topics"] = "astrology"
    out, _ = refused(run, write_csv(tmp_path / "bad.csv", header, rows), "--dry-run")
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(3, "topics")]
    assert snapshot() == before


# --- bad rows --------------------------------------------------------------------------------------
# Each case changes the template's second example row (Beispiel Peter: RAV -> SD, accepted on
# 2025-03-10, job search suspended 2025-03-10..2025-06-30), which is row 3 of the file; row 2
# stays good. The database already holds another client's case, which must stay as it is.

NO_SUSPENSION = {"suspended_from": "", "suspended_until": ""}
REJECTED = {"decision": "rejected", "reason": "too-severe", "receiving_counsellor": "", **NO_SUSPENSION}

BAD_ROWS = [
    # id, changes to row 3, column, fragments the message must contain
    ("impossible-date", {"referred_on": "31.02.2025"}, "referred_on", ["31.02.2025"]),
    ("date-not-a-date", {"decided_on": "im März"}, "decided_on", ["im März"]),
    ("birth-date-not-a-date", {"birth_date": "1979-13-02"}, "birth_date", ["1979-13-02"]),
    ("birth-date-in-future", {"birth_date": "2099-01-01"}, "birth_date", ["2099-01-01"]),
    ("referral-in-future", {"referred_on": "2099-01-01", "decision": "", "decided_on": "",
                            "receiving_counsellor": "", **NO_SUSPENSION}, "referred_on", ["2099-01-01"]),
    ("unknown-topic", {"topics": "finances,astrology"}, "topics", ["astrology"]),
    ("unknown-reason", {**REJECTED, "reason": "bored"}, "reason", ["bored"]),
    ("unknown-outcome", {"closed_on": "2025-05-01", "outcome": "great"}, "outcome", ["great"]),
    ("unknown-cause", {"closed_on": "2025-05-01", "outcome": "not-achieved", "cause": "weather"},
     "cause", ["weather"]),
    ("unknown-receiver", {"receiver": "XYZ"}, "receiver", ["XYZ"]),
    ("unknown-referrer", {"referrer": "ABC", "registered_at": "SD"}, "referrer", ["ABC"]),
    ("not-yes-or-no", {"iv_procedure_open": "vielleicht"}, "iv_procedure_open", ["vielleicht"]),
    ("months-not-3-or-6", {"months": "4"}, "months", ["4"]),
    ("decision-unknown", {"decision": "maybe"}, "decision", ["maybe"]),
    ("decided-before-referred", {"decided_on": "2025-03-01"}, "decided_on", ["2025-03-01"]),
    ("withdrawn-before-referred", {"withdrawn_on": "2025-03-01", "withdraw_reason": "other",
                                   "withdraw_note": "moved"}, "withdrawn_on", ["2025-03-01"]),
    ("closed-before-decided", {"closed_on": "2025-03-08", "outcome": "partly", **NO_SUSPENSION},
     "closed_on", ["2025-03-08"]),
    ("ahv-check-digit", {"ahv": "756.9217.0769.84"}, "ahv", ["756.9217.0769.84"]),
    ("ahv-form", {"ahv": "123"}, "ahv", ["123"]),
    ("close-a-rejected-case", {**REJECTED, "closed_on": "2025-05-01", "outcome": "achieved"},
     "closed_on", ["rejected"]),
    # recorded only by `optima joint open --from-case` (issue 18)
    ("withdrawn-for-a-joint-strategy", {"withdrawn_on": "2025-04-01",
                                        "withdraw_reason": "joint-strategy"},
     "withdraw_reason", ["joint-strategy"]),
    ("close-a-withdrawn-case", {"withdrawn_on": "2025-04-01", "withdraw_reason": "other",
                                "withdraw_note": "moved", "closed_on": "2025-05-01",
                                "outcome": "achieved"}, "closed_on", ["withdrawn"]),
    ("extend-a-6-month-mandate", {"extended_on": "2025-05-01"}, "extended_on", ["6"]),
    ("reject-without-reason", {**REJECTED, "reason": ""}, "reason", ["reason"]),
    ("decision-without-date", {"decided_on": "", **NO_SUSPENSION}, "decided_on", ["accepted"]),
    ("outcome-without-close-date", {"outcome": "achieved"}, "closed_on", ["closed_on"]),
    ("required-name-empty", {"name": ""}, "name", ["name"]),
    ("required-topics-empty", {"topics": ""}, "topics", ["topics"]),
    ("required-referred-on-empty", {"referred_on": ""}, "referred_on", ["referred_on"]),
    ("no-consent", {"consent_on": ""}, "consent_on", ["consent"]),
    ("receiver-of-own-kind", {"receiver": "RAV"}, "receiver", ["RAV"]),
    ("hard-criterion-without-override", {"receiver": "IV", "topics": "health",
                                         "iv_rejected_on": "2024-12-01", **NO_SUSPENSION},
     "override", ["2024-12-01"]),
    # a never rule: no override lifts it, the row is refused at its receiver
    ("iv-procedure-open", {"receiver": "IV", "topics": "health",
                           "iv_procedure_open": "yes", **NO_SUSPENSION},
     "receiver", ["IV procedure"]),
]


@pytest.fixture(scope="module")
def base_db_file(tmp_path_factory) -> Path:
    """A database holding one other client's case (the template's second row, another person)."""
    folder = tmp_path_factory.mktemp("base")
    header, rows = template()
    other = dict(rows[1], external_ref="BASE-001", name="Basis Berta (fiktiv)",
                 birth_date="1990-01-01", ahv="")
    path = write_csv(folder / "base.csv", header, [other])
    db = folder / "base.db"
    out = json.loads(invoke_once(folder, ["--db", str(db), "import", str(path), "--format", "json"]))
    assert out["imported"] == 1
    return db


@pytest.fixture
def base_db(base_db_file, db_path) -> Path:
    copy_db(base_db_file, db_path)
    assert count(db_path, "referral") == 1
    return db_path


@pytest.mark.parametrize("changes, column, fragments",
                         [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS])
def test_bad_row_is_listed_and_nothing_is_imported(run, base_db, snapshot, tmp_path, changes,
                                                   column, fragments):
    header, rows = template()
    rows[1].update(changes)
    path = write_csv(tmp_path / "bad.csv", header, rows)
    before = snapshot()

    out, r = refused(run, path)

    assert [(e["row"], e["column"]) for e in out["errors"]] == [(3, column)], out["errors"]
    message = out["errors"][0]["message"]
    for fragment in fragments:
        assert fragment in message, message
    assert out["imported"] == 0 and out["cases"] == []
    assert snapshot() == before
    assert "nothing" in r.stderr.lower()


def test_bad_row_in_table_output(run, base_db, snapshot, tmp_path):
    header, rows = template()
    rows[1]["topics"] = "astrology"
    before = snapshot()
    r = run("import", str(write_csv(tmp_path / "bad.csv", header, rows)))
    assert r.exit_code == 1
    assert "3" in r.stdout and "topics" in r.stdout and "astrology" in r.stdout
    assert "nothing" in r.stderr.lower()
    assert snapshot() == before


def test_every_bad_row_is_listed(run, base_db, snapshot, tmp_path):
    """Three bad rows among good ones, one of them with two bad cells: all are listed, by row."""
    header, rows = template()
    good_a, good_b = rows
    bad_date = dict(good_a, external_ref="X-1", name="Erste Eva (fiktiv)", ahv="",
                    referred_on="30.02.2025")
    two_bad = dict(good_b, external_ref="X-2", name="Zweite Zoe (fiktiv)", topics="astrology",
                   ahv="756.1234.5678.90")
    own_kind = dict(good_b, external_ref="X-3", name="Dritte Dora (fiktiv)", receiver="RAV")
    path = write_csv(tmp_path / "many.csv", header, [good_a, bad_date, good_b, two_bad, own_kind])
    before = snapshot()

    out, _ = refused(run, path)

    assert [(e["row"], e["column"]) for e in out["errors"]] == [
        (3, "referred_on"), (5, "ahv"), (5, "topics"), (6, "receiver")]
    assert all(e["message"] for e in out["errors"])
    assert snapshot() == before


# --- bad files -------------------------------------------------------------------------------------

def _file_refused(run, snapshot, path: Path, *fragments: str) -> str:
    before = snapshot()
    r = run("import", str(path), "--format", "json")
    assert r.exit_code == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    for fragment in fragments:
        assert fragment in r.stderr, r.stderr
    assert snapshot() == before
    return r.stderr


def test_missing_required_column_is_refused(run, base_db, snapshot, tmp_path):
    header, rows = template()
    path = write_csv(tmp_path / "nocol.csv", [h for h in header if h != "receiver"], rows)
    _file_refused(run, snapshot, path, "nocol.csv", "receiver")


def test_unknown_column_is_refused(run, base_db, snapshot, tmp_path):
    header, rows = template()
    rows = [dict(r, lieblingsfarbe="blau") for r in rows]
    path = write_csv(tmp_path / "extra.csv", [*header, "lieblingsfarbe"], rows)
    _file_refused(run, snapshot, path, "extra.csv", "lieblingsfarbe")


def test_non_utf8_csv_is_refused(run, base_db, snapshot, tmp_path):
    text = TEMPLATE.read_text(encoding="utf-8").replace("Muster Anna", "Müller Anna")
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))
    _file_refused(run, snapshot, path, "latin1.csv", "UTF-8")


@pytest.mark.parametrize("content", [b"", b"\n\n", b";;;\r\n;;;\r\n", b"\xef\xbb\xbf"],
                         ids=["zero-bytes", "blank-lines", "empty-cells", "bom-only"])
def test_empty_file_is_refused(run, base_db, snapshot, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    _file_refused(run, snapshot, path, "empty.csv", "empty")


def test_empty_xlsx_is_refused(run, base_db, snapshot, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    _file_refused(run, snapshot, path, "empty.xlsx", "empty")


def test_xlsx_bad_row_is_listed(run, base_db, snapshot, tmp_path):
    header, rows = template()
    rows[1]["ahv"] = "756.9217.0769.84"
    path = write_xlsx(tmp_path / "bad.xlsx", header, rows)
    before = snapshot()
    out, _ = refused(run, path)
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(3, "ahv")]
    assert snapshot() == before


# --- access criteria: override --------------------------------------------------------------------

def test_hard_criterion_with_override_imports_and_show_has_it(run, db_path, tmp_path):
    header, rows = template()
    justification = "Situation seit dem IV-Entscheid verändert"
    rows[1].update(receiver="IV", topics="health", iv_rejected_on="2024-12-01",
                   override=justification, **NO_SUSPENSION)

    out = imported(run, write_csv(tmp_path / "override.csv", header, rows))

    assert out["imported"] == 2
    (case,) = [c for c in out["cases"] if show(run, c)["receiver"] == "IV"]
    shown = show(run, case)
    assert shown["override"] == justification
    assert shown["status"] == "accepted" and shown["referred_on"] == "2025-03-04"
    (finding,) = [f for f in shown["findings"] if f["rule"] == "iv-rejection-recent"]
    assert finding["result"] != "pass"
    assert query(db_path, "SELECT iv_rejected_on FROM client WHERE external_ref = ?",
                 PETER["external_ref"]) == [("2024-12-01",)]


# --- matching clients -------------------------------------------------------------------------------
# After the template, a new referral of Anna (SD -> IV on 2025-06-02; her RAV case is closed)
# arrives with only one of the three keys pointing at her.

def _new_referral(**client: str) -> dict[str, str]:
    header, _ = template()
    row = dict.fromkeys(header, "")
    row.update(referrer="SD", registered_at="SD", receiver="IV", topics="health", months="3",
               referred_on="2025-06-02", consent_on="2025-05-30", goal="Arbeitsfähigkeit abklären")
    row.update(client)
    return row


def _match(run, db_path, tmp_path, row: dict[str, str]) -> dict:
    header, _ = template()
    imported(run, TEMPLATE)
    out = imported(run, write_csv(tmp_path / "next.csv", header, [row]))
    assert out["imported"] == 1
    return out


@pytest.mark.parametrize("client", [
    pytest.param({"external_ref": ANNA["external_ref"], "name": "Muster-Meier Anna (fiktiv)",
                  "birth_date": "1988-07-14"}, id="by-external-ref"),
    pytest.param({"ahv": ANNA["ahv"], "name": "Meier Anna (fiktiv)", "birth_date": "14.07.1988"},
                 id="by-ahv"),
    pytest.param({"name": ANNA["name"], "birth_date": "14.07.1988"}, id="by-name-and-birth-date"),
])
def test_client_is_matched(run, db_path, tmp_path, client):
    out = _match(run, db_path, tmp_path, _new_referral(**client))
    assert out["clients_matched"] == 1 and out["clients_created"] == 0
    assert count(db_path, "client") == 2 and count(db_path, "referral") == 3
    owners = query(db_path, "SELECT c.external_ref FROM referral r JOIN client c ON c.id = r.client_id "
                            "WHERE r.referred_on = '2025-06-02'")
    assert owners == [(ANNA["external_ref"],)]


@pytest.mark.parametrize("key", ["external_ref", "ahv"])
def test_a_match_with_another_birth_date_is_refused_not_guessed(run, db_path, tmp_path, snapshot, key):
    """Same external reference or AHV number but another birth date: one of them is a typo, and
    attaching health or debt data to the wrong person is worse than asking."""
    header, _ = template()
    imported(run, TEMPLATE)
    before = snapshot()
    row = _new_referral(**{key: ANNA[key]}, name="Meier Anna (fiktiv)", birth_date="15.07.1988")
    result = run("import", str(write_csv(tmp_path / "next.csv", header, [row])), "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, key)]
    assert "1988-07-14" in errors[0]["message"] and "1988-07-15" in errors[0]["message"]
    assert snapshot() == before


def test_same_name_other_birth_date_is_another_client(run, db_path, tmp_path):
    out = _match(run, db_path, tmp_path, _new_referral(name=ANNA["name"], birth_date="14.07.1989"))
    assert out["clients_created"] == 1 and out["clients_matched"] == 0
    assert count(db_path, "client") == 3


def test_matched_client_gains_missing_facts(run, db_path, tmp_path):
    """Peter had no AHV number; a later row with his external_ref and an AHV number adds it."""
    row = _new_referral(external_ref=PETER["external_ref"], name=PETER["name"],
                        birth_date=PETER["birth_date"], ahv="756.1234.5678.97",
                        referrer="RAV", registered_at="RAV")
    _match(run, db_path, tmp_path, row)
    assert query(db_path, "SELECT ahv FROM client WHERE external_ref = ?",
                 PETER["external_ref"]) == [("756.1234.5678.97",)]
    assert count(db_path, "client") == 2


# --- the pilot sample set ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pilot_db(tmp_path_factory) -> Path:
    """The sample xlsx imported once for the module, after its municipal social services were
    added as units of the kind SD; tests work on copies."""
    from optima_cli.demo.data import SD_UNITS

    folder = tmp_path_factory.mktemp("pilot")
    db = folder / "pilot.db"
    for code, name in SD_UNITS.items():
        invoke_once(folder, ["--db", str(db), "institution", "add", code, "--kind", "SD", "--name", name])
    out = json.loads(invoke_once(folder, ["--db", str(db), "import", str(PILOT), "--format", "json"]))
    (folder / "result.json").write_text(json.dumps(out))
    return db


@pytest.fixture
def pilot(pilot_db, db_path) -> dict:
    copy_db(pilot_db, db_path)
    return json.loads((pilot_db.parent / "result.json").read_text())


def test_pilot_sample_imports(pilot, db_path):
    assert pilot["errors"] == []
    assert pilot["rows"] == 52 and pilot["imported"] == 52 and pilot["skipped"] == 0
    assert pilot["clients_created"] == 52
    assert count(db_path, "referral") == 52 and count(db_path, "client") == 52
    sources = {s for (s,) in query(db_path, "SELECT source FROM audit_event WHERE referral_id IS NOT NULL")}
    assert sources == {"import:pilot-2018-2022.xlsx"}


def test_pilot_sample_twice_adds_nothing(pilot, run, db_path, snapshot):
    before = snapshot()
    out = imported(run, PILOT)
    assert out["imported"] == 0 and out["skipped"] == 52 and out["clients_matched"] == 52
    assert count(db_path, "referral") == 52 and count(db_path, "client") == 52
    assert snapshot() == before


def test_template_after_pilot_adds_its_two(pilot, run, db_path):
    out = imported(run, TEMPLATE)
    assert out["imported"] == 2 and out["clients_created"] == 2
    assert count(db_path, "referral") == 54 and count(db_path, "client") == 54


# --- work capacity as the counsellor assessed it (issue 16) -----------------------------------

def _work_capacity(db_path) -> list[tuple]:
    return query(db_path, "SELECT external_ref, work_capacity, work_capacity_assessed_on "
                          "FROM client ORDER BY external_ref")


def test_work_capacity_imports_with_its_day_or_the_day_of_the_referral(run, db_path):
    """The template: Anna assessed yes on the day its row gives; Peter not assessed. A row's
    assessment without its day is of the row's referral."""
    imported(run, TEMPLATE)
    assert _work_capacity(db_path) == [("RAV-2025-042", None, None),
                                       ("SD-2025-117", "yes", "2025-02-03")]


def test_work_capacity_without_its_day_is_of_the_referral(run, db_path, tmp_path):
    header, rows = template()
    rows[0].update(work_capacity="yes", work_capacity_assessed_on="")
    rows[1].update(work_capacity="NO")
    imported(run, write_csv(tmp_path / "days.csv", header, rows))
    assert _work_capacity(db_path) == [("RAV-2025-042", "no", "2025-03-04"),
                                       ("SD-2025-117", "yes", "2025-02-05")]


def _old_sheet(tmp_path, name: str, **changes: str) -> Path:
    """The template as a sheet before issue 16 had it: a column no_work_capacity instead."""
    header, rows = template()
    at = header.index("work_capacity")
    header[at:at + 2] = ["no_work_capacity"]
    for row, value in zip(rows, ("", "x"), strict=True):
        row.pop("work_capacity"), row.pop("work_capacity_assessed_on")
        row["no_work_capacity"] = value
    rows[1].update(changes)
    return write_csv(tmp_path / name, header, rows)


def test_an_old_sheets_no_work_capacity_imports_as_assessed_no(run, db_path, tmp_path):
    """Ticked (x, yes, true) is assessed no, on the day of the row's referral; not ticked is not
    assessed (the flag passed for intact when nobody ticked it). Peter, referred to SD with a
    social topic and assessed no, passes SD's rule."""
    out = imported(run, _old_sheet(tmp_path, "old.csv"))
    assert out["imported"] == 2
    assert _work_capacity(db_path) == [("RAV-2025-042", "no", "2025-03-04"),
                                       ("SD-2025-117", None, None)]
    findings = json.loads(query(db_path, "SELECT findings FROM referral r JOIN client c ON "
                                         "c.id = r.client_id WHERE c.external_ref = ?",
                                "RAV-2025-042")[0][0])
    assert {f["rule"]: (f["result"], f["key"]) for f in findings}["social-topic"] == (
        "pass", "social-topic/5")


def test_an_old_column_that_contradicts_the_new_one_is_refused(run, base_db, tmp_path):
    header, rows = template()
    header.append("no_work_capacity")
    rows[0].update(no_work_capacity="x")  # Anna: work_capacity yes
    rows[1].update(no_work_capacity="true", work_capacity="")  # Peter: not intact, said once
    before = dump(base_db)
    out, _ = refused(run, write_csv(tmp_path / "both.csv", header, rows))
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(2, "no_work_capacity")]
    assert "work_capacity says yes; keep one of the two columns" in out["errors"][0]["message"]
    assert dump(base_db) == before


@pytest.mark.parametrize(("changes", "column", "fragment"), [
    ({"work_capacity": "vielleicht"}, "work_capacity",
     "is not an assessment of work capacity; use one of: yes, no, not-assessed"),
    ({"work_capacity": "", "work_capacity_assessed_on": "2025-02-01"}, "work_capacity_assessed_on",
     "give work_capacity yes or no with it"),
    ({"work_capacity_assessed_on": "1988-07-13"}, "work_capacity_assessed_on",
     "is before the birth date"),
], ids=["not-a-code", "day-alone", "before-birth"])
def test_a_wrong_work_capacity_is_refused_at_its_column(run, db_path, tmp_path, changes, column,
                                                        fragment):
    header, rows = template()
    rows[0].update(changes)
    out, _ = refused(run, write_csv(tmp_path / "bad.csv", header, rows))
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(2, column)], out["errors"]
    assert fragment in out["errors"][0]["message"]
