"""Issue 14, identity and import integrity: one person is one client whatever the case of their
name on either backend; the import refuses what it used to merge; hostile import files end in one
line or one problem table and write nothing; names, free texts, e-mail addresses and unit codes
that the rules must refuse."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import count, dump, query
from test_import import template, write_csv

from optima_cli.rules.identity import name_key
from optima_cli.workflow.context import Context


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.strip()


def one_line_error(result, *codes: int) -> str:
    assert result.exit_code in codes, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err, err
    return err


HEADER, _ = template()


def row(**values: str) -> dict[str, str]:
    """A new referral SD -> RAV of one client, with the given changes."""
    out = dict.fromkeys(HEADER, "")
    out.update(name="Öztürk Ali", birth_date="1980-04-05", referrer="SD", registered_at="SD",
               receiver="RAV", topics="placement", months="3", referred_on="2025-06-02",
               consent_on="2025-05-30", goal="Stelle finden")
    out.update(values)
    return out


def import_json(run, path: Path) -> tuple[int, dict]:
    result = run("import", str(path), "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, json.loads(result.stdout)


def errors_of(run, path: Path) -> list[tuple[int, str, str]]:
    code, out = import_json(run, path)
    assert code == 1, out
    return [(e["row"], e["column"], e["message"]) for e in out["errors"]]


# --- 1. one person, one client -------------------------------------------------------------------

def test_name_key_folds_case_accents_width_and_spaces():
    assert name_key("ÉLISE MÜLLER") == name_key("élise müller") == name_key("  Élise \t Müller ")
    assert name_key("ÖZTÜRK ALİ") == name_key("Öztürk Ali")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("ＭＵＳＴＥＲ") == name_key("muster")  # full-width letters (NFKC)
    assert name_key("E\u0301lise") == name_key("Élise")  # decomposed accent (NFKC)
    assert name_key("Müller") != name_key("Muller")


@pytest.mark.both_backends
@pytest.mark.parametrize("first, second", [("ÉLISE MÜLLER", "ÉLISE MÜLLER"),
                                           ("ÉLISE MÜLLER", "élise  müller"),
                                           ("ÖZTÜRK ALİ", "Öztürk Ali")])
def test_registering_the_same_person_twice_is_refused(run, db_path, snapshot, first, second):
    client = ok(run("register", "--name", first, "--birth-date", "1975-05-06", "--from", "RAV"))
    before = snapshot()
    err = one_line_error(run("register", "--name", second, "--birth-date", "1975-05-06",
                             "--from", "RAV"), 1)
    assert client in err and "same name and birth date" in err
    assert snapshot() == before
    other = ok(run("register", "--name", "Anders Anna", "--birth-date", "1975-05-06", "--from", "RAV"))
    err = one_line_error(run("client", "update", other, "--name", second.lower()), 1)
    assert client in err
    assert count(db_path, "client") == 2


@pytest.mark.both_backends
def test_the_same_file_twice_gives_one_client(run, db_path, tmp_path):
    path = write_csv(tmp_path / "one.csv", HEADER, [row(name="ÖZTÜRK ALİ")])
    assert import_json(run, path)[1]["clients_created"] == 1
    code, out = import_json(run, path)
    assert code == 0 and out["skipped"] == 1 and out["clients_matched"] == 1
    assert count(db_path, "client") == 1 and count(db_path, "referral") == 1


@pytest.mark.both_backends
def test_a_second_open_referral_to_the_same_receiver_is_refused(run, db_path, tmp_path, snapshot):
    ok(run("import", str(write_csv(tmp_path / "one.csv", HEADER, [row(name="ÖZTÜRK ALİ")]))))
    before = snapshot()
    later = write_csv(tmp_path / "two.csv", HEADER, [row(name="Öztürk Ali", referred_on="2025-07-01")])
    ((number, column, message),) = errors_of(run, later)
    assert (number, column) == (2, "receiver") and "OPT-2025-0001" in message
    assert snapshot() == before
    both = write_csv(tmp_path / "both.csv", HEADER, [
        row(name="ÖZTÜRK ALİ", birth_date="1981-01-01"),
        row(name="öztürk  ali", birth_date="1981-01-01", referred_on="2025-07-01")])
    assert [(n, c) for n, c, _ in errors_of(run, both)] == [(3, "receiver")]
    assert snapshot() == before


@pytest.mark.both_backends
def test_a_registered_client_is_matched_by_the_import(run, db_path, tmp_path):
    client = ok(run("register", "--name", "ÉLISE MÜLLER", "--birth-date", "1975-05-06",
                    "--from", "SD", "--consent-on", "2025-05-01"))
    path = write_csv(tmp_path / "elise.csv", HEADER, [row(name="Élise Müller", birth_date="06.05.1975")])
    code, out = import_json(run, path)
    assert code == 0 and out["clients_matched"] == 1 and out["clients_created"] == 0
    assert query(db_path, "SELECT client_id FROM referral") == [(int(client[2:]),)]


@pytest.mark.both_backends
def test_the_name_key_is_stored_and_anonymize_blanks_it(run, db_path):
    from optima_cli.workflow import retention

    ok(run("register", "--name", "ÉLISE  MÜLLER", "--birth-date", "1975-05-06", "--from", "SD"))
    assert query(db_path, "SELECT name_key FROM client") == [(name_key("Élise Müller"),)]
    later = date.today() + timedelta(days=2)
    retention.anonymize(Context(db_path=str(db_path), user="tester", today=later),
                        later - timedelta(days=1))
    assert query(db_path, "SELECT name, name_key, birth_date FROM client") == [
        ("(anonymized)", None, None)]


@pytest.mark.sqlite_only  # from a file to a server and back
def test_db_copy_and_backup_keep_the_name_key(run, tmp_path, pg_server):
    source = tmp_path / "source.db"
    ok(run("register", "--name", "ÉLISE MÜLLER", "--birth-date", "1975-05-06", "--from", "RAV",
           db=source))
    url = pg_server.url(name := pg_server.empty_database())
    try:
        ok(run("db", "copy", "--to", url, db=source))
        ok(run("backup", str(tmp_path / "back.db"), db=url))
        for copy in (url, tmp_path / "back.db"):
            assert query(copy, "SELECT name_key FROM client") == [(name_key("élise müller"),)]
            err = one_line_error(run("register", "--name", "élise  müller", "--birth-date",
                                     "1975-05-06", "--from", "RAV", db=copy), 1)
            assert "C-0001" in err
    finally:
        pg_server.drop(name)


@pytest.mark.both_backends
def test_migration_0003_gives_existing_clients_their_key(request, tmp_path, backend, run):
    from test_migrations import migrate

    if backend == "sqlite":
        db: Path | str = tmp_path / "old.db"
    else:
        server = request.getfixturevalue("pg_server")
        db = server.url(made := server.empty_database())
        request.addfinalizer(lambda: server.drop(made))
    migrate(db, "0002")
    query(db, "INSERT INTO meta (key, value) VALUES ('schema_version', '2')")
    query(db, "INSERT INTO institution (id, code, kind, name) VALUES (1, 'RAV', 'RAV', 'RAV Luzern')")
    for client_id, name, born, anonymized in ((1, "ÉLISE  MÜLLER", "1975-05-06", None),
                                              (2, "(anonymized)", None, "2026-01-01")):
        query(db, "INSERT INTO client (id, name, birth_date, institution_id, iv_procedure_open, "
                  "iv_measures_running, no_work_capacity, health_suspected, anonymized_on, "
                  "created_at, updated_at) VALUES (?, ?, ?, 1, FALSE, FALSE, FALSE, FALSE, ?, "
                  "'2026-01-01 00:00:00', '2026-01-01 00:00:00')", client_id, name, born, anonymized)
    ok(run("db", "upgrade", db=db))
    assert query(db, "SELECT id, name_key FROM client ORDER BY id") == [
        (1, "élise müller"), (2, None)]
    err = one_line_error(run("register", "--name", "Élise Müller", "--birth-date", "1975-05-06",
                             "--from", "RAV", db=db), 1)
    assert "C-0001" in err


# --- 2. what the import must refuse instead of merging ---------------------------------------------

def test_a_duplicate_header_column_is_refused(run, tmp_path, snapshot):
    ok(run("institution", "list"))
    path = tmp_path / "twice.csv"
    header = ",".join(HEADER) + ",Name"
    values = row(name="Erste Eva")
    path.write_text(header + "\n" + ",".join(values[h] for h in HEADER) + ",Zweite Zoe\n",
                    encoding="utf-8")
    before = snapshot()
    err = one_line_error(run("import", str(path)), 1)
    assert "name" in err and "twice" in err
    assert snapshot() == before


@pytest.mark.both_backends
@pytest.mark.parametrize("column, mine, theirs", [
    ("ahv", "756.9217.0769.85", "756.1234.5678.97"),
    ("external_ref", "SD-1", "SD-2"),
])
def test_same_name_and_birth_date_with_another_number_is_refused(run, tmp_path, snapshot, column,
                                                                mine, theirs):
    ok(run("import", str(write_csv(tmp_path / "one.csv", HEADER, [row(**{column: mine})]))))
    before = snapshot()
    other = row(**{column: theirs}, name="ÖZTÜRK ALİ", receiver="IV", topics="health",
                referred_on="2025-07-01")
    ((number, found, message),) = errors_of(run, write_csv(tmp_path / "two.csv", HEADER, [other]))
    assert (number, found) == (2, column)
    assert "C-0001" in message and mine in message and theirs in message
    assert snapshot() == before


EXCEL_ERRORS = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA"]


@pytest.mark.parametrize("value", EXCEL_ERRORS)
def test_an_excel_error_value_is_refused_in_any_column(run, tmp_path, snapshot, value):
    ok(run("institution", "list"))
    before = snapshot()
    path = write_csv(tmp_path / "errors.csv", HEADER, [
        row(name=value), row(name="Zweite Zoe", goal=value, municipality=f" {value} ")])
    found = errors_of(run, path)
    assert [(n, c) for n, c, _ in found] == [(2, "name"), (3, "municipality"), (3, "goal")]
    assert all(value in message for _, _, message in found)
    assert snapshot() == before


def test_excel_error_cells_of_a_workbook_are_refused(run, tmp_path, snapshot):
    from openpyxl import Workbook

    ok(run("institution", "list"))
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for value in ("#N/A", "#DIV/0!"):
        values = row(name=value)
        ws.append([values[h] or None for h in HEADER])
    wb.save(tmp_path / "errors.xlsx")
    before = snapshot()
    found = errors_of(run, tmp_path / "errors.xlsx")
    assert [(n, c) for n, c, _ in found] == [(2, "name"), (3, "name")]
    assert snapshot() == before


@pytest.mark.parametrize("column, value", [
    ("name", "Anna\x00Muster"), ("goal", "Stelle\x00finden"), ("counsellor", "P.\x07Frei"),
    ("close_note", "erledigt\x1b[31m"), ("external_ref", "SD\t1"), ("municipality", "Emmen\nLuzern"),
])
def test_control_characters_in_import_values_are_refused(run, tmp_path, snapshot, column, value):
    ok(run("institution", "list"))
    before = snapshot()
    values = row(**{column: value})
    if column == "close_note":
        values.update(decision="accepted", decided_on="2025-06-05", closed_on="2025-08-01",
                      outcome="achieved")
    ((number, found, message),) = errors_of(run, write_csv(tmp_path / "ctl.csv", HEADER, [values]))
    assert (number, found) == (2, column) and "control character" in message
    assert snapshot() == before


@pytest.mark.both_backends
def test_tab_and_newline_in_a_note_are_kept(run, db_path, tmp_path):
    note = "Zeile eins\nZeile\tzwei"
    values = row(decision="accepted", decided_on="2025-06-05", closed_on="2025-08-01",
                 outcome="achieved", close_note=note, goal="Ziel\r\nmit Zeilen")
    ok(run("import", str(write_csv(tmp_path / "notes.csv", HEADER, [values]))))
    assert query(db_path, "SELECT close_note FROM referral") == [(note,)]


@pytest.mark.parametrize("column", ["referrer", "receiver", "registered_at"])
def test_an_unknown_unit_is_reported_under_its_column(run, tmp_path, snapshot, column):
    ok(run("institution", "list"))
    before = snapshot()
    ((number, found, message),) = errors_of(
        run, write_csv(tmp_path / "unit.csv", HEADER, [row(**{column: "XYZ"})]))
    assert (number, found) == (2, column) and "XYZ" in message
    assert snapshot() == before


@pytest.mark.parametrize("column", ["referrer", "registered_at"])
def test_a_row_already_there_with_an_unknown_unit_is_refused(run, tmp_path, snapshot, column):
    ok(run("import", str(write_csv(tmp_path / "one.csv", HEADER, [row()]))))
    before = snapshot()
    ((number, found, _),) = errors_of(
        run, write_csv(tmp_path / "again.csv", HEADER, [row(**{column: "XYZ"})]))
    assert (number, found) == (2, column)
    assert snapshot() == before


# --- 3. hostile import files ---------------------------------------------------------------------

HOSTILE = Path(__file__).resolve().parent / "hostile_imports"


def _zip_bomb(path: Path) -> None:
    """A workbook whose sheet unpacks to 300 MB of blanks (0.3 MB packed)."""
    from openpyxl import Workbook

    plain = path.with_suffix(".plain.xlsx")
    Workbook().save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                          compresslevel=1) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info))
                continue
            with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(source.read(info)[:-20])
                block = b" " * (1 << 20)
                for _ in range(300):
                    sheet.write(block)
    plain.unlink()


def _long_field(path: Path) -> None:
    values = row(goal="x" * 131_073)
    write_csv(path, HEADER, [values])


def _header_only(path: Path) -> None:
    path.write_text(",".join(HEADER) + "\n", encoding="utf-8")


def _directory(path: Path) -> None:
    path.mkdir()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "zip-bomb.xlsx"
    _zip_bomb(path)
    return path


GENERATED: dict[str, Callable[[Path], None]] = {
    "long-field.csv": _long_field, "header-only.csv": _header_only, "folder.csv": _directory,
    "missing.csv": lambda path: None,
}
CORPUS = sorted(p.name for p in HOSTILE.iterdir()) + sorted(GENERATED) + ["zip-bomb.xlsx"]


@pytest.mark.parametrize("name", CORPUS)
def test_a_hostile_import_file_is_refused_in_one_line(run, db_path, tmp_path, request, name):
    ok(run("institution", "list"))
    path = tmp_path / name
    if name == "zip-bomb.xlsx":  # built once: 300 MB to pack
        path = request.getfixturevalue("zip_bomb")
    elif name in GENERATED:
        GENERATED[name](path)
    else:
        path.write_bytes((HOSTILE / name).read_bytes())
    before = dump(db_path)
    result = run("import", str(path))
    assert result.exit_code in (1, 2), (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err, err
    assert len(err) < 400, err
    if result.stdout.strip():  # a problem table, with the line under it
        assert "nothing was imported" in err
    assert dump(db_path) == before
    if name == "zip-bomb.xlsx":
        assert "MB" in err


def test_the_hostile_corpus_holds_what_the_brief_names():
    names = set(CORPUS)
    for expected in ("empty.csv", "empty.xlsx", "garbage.csv", "garbage.xlsx", "csv-as.xlsx",
                     "latin1.csv", "malformed-sheet.xlsx", "nul-bytes.csv"):
        assert expected in names, expected


# --- 4. text values the rules refuse --------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060\u00ad", " \u200b ", "\u3164"]


@pytest.mark.parametrize("name", INVISIBLE, ids=[repr(n) for n in INVISIBLE])
def test_a_name_of_invisible_characters_is_refused(run, tmp_path, snapshot, name):
    client = ok(run("register", "--name", "Sichtbar Sina", "--birth-date", "1990-01-01",
                    "--from", "SD"))
    before = snapshot()
    one_line_error(run("register", "--name", name, "--birth-date", "1990-01-02", "--from", "SD"), 2)
    one_line_error(run("client", "update", client, "--name", name), 2)
    one_line_error(run("institution", "add", "SD-LEER", "--kind", "SD", "--name", name), 2)
    assert snapshot() == before
    ((number, column, _),) = errors_of(run, write_csv(tmp_path / "n.csv", HEADER, [row(name=name)]))
    assert (number, column) == (2, "name")
    assert snapshot() == before


BAD_EMAILS = ["a@", "@example.ch", "a@example", "a b@example.ch", "a@example.ch\n",
              "a@exa\nmple.ch", "a@@example.ch", "a@b@example.ch", "a@example.ch\x00"]


@pytest.mark.parametrize("email", BAD_EMAILS, ids=[repr(e) for e in BAD_EMAILS])
def test_a_bad_email_is_refused(run, snapshot, email):
    ok(run("institution", "list"))
    before = snapshot()
    one_line_error(run("institution", "add", "SD-MAIL", "--kind", "SD", "--name", "Mail",
                       "--email", email), 2)
    one_line_error(run("institution", "set-contact", "SD", "--email", email), 2)
    assert snapshot() == before


def test_a_good_email_is_kept(run):
    ok(run("institution", "set-contact", "SD", "--email", "  m.meier@sd.example.ch "))
    units = json.loads(ok(run("institution", "list", "--format", "json")))
    assert [u["contact_email"] for u in units if u["code"] == "SD"] == ["m.meier@sd.example.ch"]


def test_a_long_unit_code_is_refused_in_a_short_line(run, tmp_path, snapshot):
    client = ok(run("register", "--name", "Kurz Kurt", "--birth-date", "1990-01-01", "--from", "SD",
                    "--consent-on", "2025-01-01"))
    before = snapshot()
    code = "A" * 5000
    for args in (("institution", "add", code, "--kind", "SD", "--name", "Lang"),
                 ("institution", "add", "A" * 21, "--kind", "SD", "--name", "Lang"),
                 ("refer", client, "--to", code, "--topics", "placement", "--months", "3"),
                 ("institution", "set-contact", code, "--contact", "X")):
        err = one_line_error(run(*args), 2)
        assert len(err) < 300 and "20" in err, err
    assert snapshot() == before
    ((number, column, message),) = errors_of(
        run, write_csv(tmp_path / "u.csv", HEADER, [row(receiver=code)]))
    assert (number, column) == (2, "receiver") and len(message) < 300
    ok(run("institution", "add", "SD-" + "E" * 17, "--kind", "SD", "--name", "Zwanzig"))


@pytest.mark.parametrize("args", [
    ("register", "--name", "N" * 201, "--birth-date", "1990-01-01", "--from", "SD"),
    ("register", "--name", "Lang Lea", "--birth-date", "1990-01-01", "--from", "SD",
     "--municipality", "M" * 201),
    ("refer", "{client}", "--to", "RAV", "--topics", "placement", "--months", "3",
     "--goal", "G" * 2001),
    ("refer", "{client}", "--to", "RAV", "--topics", "placement", "--months", "3",
     "--counsellor", "C" * 201),
    ("institution", "add", "SD-LANG", "--kind", "SD", "--name", "I" * 201),
], ids=["name", "municipality", "goal", "counsellor", "institution-name"])
def test_too_long_texts_are_refused_with_the_limit(run, snapshot, args):
    client = ok(run("register", "--name", "Kurz Kurt", "--birth-date", "1990-01-01", "--from", "SD",
                    "--consent-on", "2025-01-01"))
    before = snapshot()
    err = one_line_error(run(*(a.replace("{client}", client) for a in args)), 2)
    assert ("200" in err or "2000" in err or "2,000" in err) and len(err) < 300, err
    assert snapshot() == before


@pytest.mark.both_backends
def test_texts_at_the_limit_are_kept(run, tmp_path):
    client = ok(run("register", "--name", "N" * 200, "--birth-date", "1990-01-01", "--from", "SD",
                    "--consent-on", "2025-01-01"))
    ok(run("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3",
           "--goal", "G" * 2000, "--on", "2025-02-01"))
    header_note = row(name="Lang Lea", goal="G" * 2001)
    ((number, column, message),) = errors_of(run, write_csv(tmp_path / "g.csv", HEADER, [header_note]))
    assert (number, column) == (2, "goal") and "2" in message


@pytest.mark.both_backends
def test_doctor_names_people_registered_twice_before_the_name_key(run, db_path):
    """A database may hold the same person twice from before names were compared by their key
    (SQLite folded only ASCII letters): migration 0003 gives both the same key, and doctor names
    them so that someone can decide which one stays."""
    for name in ("Élise Müller", "Hans Muster", "Anna Beispiel"):
        assert run("register", "--name", name, "--birth-date", "1975-05-06", "--from", "RAV").exit_code == 0
    healthy = run("doctor", "--format", "json")
    found = {c["check"]: c for c in json.loads(healthy.stdout)["checks"]}
    assert found["duplicate clients"]["ok"], found["duplicate clients"]
    key = name_key("Élise Müller")  # as 0003 fills in what the old SQLite let through twice
    query(db_path, "UPDATE client SET name_key = ? WHERE id IN (2, 3)", key)
    result = run("doctor", "--format", "json")
    assert result.exit_code == 1
    check = {c["check"]: c for c in json.loads(result.stdout)["checks"]}["duplicate clients"]
    assert not check["ok"]
    assert check["detail"].startswith("1 person is registered more than once (same name and birth "
                                      "date): C-0001 = C-0002 = C-0003;"), check
