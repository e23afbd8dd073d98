"""optima speaks German (issue 8): `list`, `due`, `check`, `show`, `report` and refused commands
with `--lang de`, with OPTIMA_LANG=de and with LANG=de_CH.UTF-8 show German labels, dates as
20.11.2026, and no English label text; codes, keys and ISO dates of JSON stay as they are.

"English label text" is measured, not listed by hand: every word of the English templates and
labels of the code that the German catalogue never uses (so `Status`, `Total` and names of units
do not count), looked for in the output after the parts that stay English by design are removed:
option and command names, quoted values and codes in backticks.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import dump, query, without_hurdles
from typer.testing import CliRunner

from optima_cli.catalogue import de
from optima_cli.cli import app
from optima_cli.render.due import WARNING_LABELS
from optima_cli.rules import codes

pytestmark = pytest.mark.sqlite_only  # the language does not depend on the database

TODAY = date.today()
WORD = re.compile(r"[A-Za-zÄÖÜäöüÉéÈèÀà]+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def _english_words() -> set[str]:
    import test_language  # the same walk that finds every template

    english = set()
    for template in test_language.templates():
        english |= _words(re.sub(r"\{[^}]*\}", " ", template))
    for table in codes.LABELS.values():
        english |= set().union(*(_words(v) for v in table.values()))
    english |= set().union(*(_words(v) for v in WARNING_LABELS.values()))
    german = set()
    for text in de.MESSAGES.values():
        german |= _words(re.sub(r"\{[^}]*\}", " ", text))
    for table in de.LABELS.values():
        german |= set().union(*(_words(v) for v in table.values()))
    shared = {"optima", "iv", "rav", "sd", "ahv", "json", "csv", "xlsx", "id", "ids", "opt", "c"}
    return {w for w in english - german - shared if len(w) > 2}


ENGLISH = _english_words()


def _stripped(text: str) -> str:
    """The output without what stays English by design: `code spans`, 'quoted values',
    --options, command lines after 'optima', case and client ids."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"'[^']*'", " ", text)
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"\b(OPT-\d{4}-\d{4}|C-\d{4})\b", " ", text)
    return text


def english_in(text: str) -> set[str]:
    return _words(_stripped(text)) & ENGLISH


def test_the_measure_finds_english():
    """Guards the measure itself: English output is caught, German is not."""
    assert {"mandate", "overdue"} <= english_in("OPT-2026-0001: mandate ended on 2026-01-01 (3 days overdue)")
    assert not english_in("OPT-2026-0001: Auftrag endete am 01.01.2026 (3 Tage überfällig)")


def _at(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Cases in every state with every kind of warning, entered in English."""
    path = tmp_path_factory.mktemp("german") / "optima.db"

    def cli(*args: str) -> str:
        result = CliRunner().invoke(app, ["--lang", "en", "--db", str(path), "--user", "tester", *args])
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout.strip()

    def client(name: str, unit: str, *facts: str) -> str:
        return cli("register", "--name", name, "--birth-date", "12.03.1980", "--from", unit,
                   "--consent-on", _at(-400), *facts)

    w = {"db": str(path)}
    a = client("Muster Anna", "SD", "--rav-registered-until", _at(-30))
    w["overdue"] = cli("refer", a, "--to", "RAV", "--topics", "finances,placement", "--months", "3", "--goal",
                       "Stellensuche mit Schuldensanierung", "--on", _at(-130))
    cli("accept", w["overdue"], "--on", _at(-125), "--counsellor", "Beraterin Berta")
    b = client("Muster Beat", "RAV")
    w["suspended"] = cli("refer", b, "--to", "SD", "--topics", "childcare", "--months", "3", "--on", _at(-85))
    cli("accept", w["suspended"], "--on", _at(-83))
    cli("suspend-search", w["suspended"], "--from", _at(-80), "--until", _at(5))
    c = client("Muster Carla", "SD", "--iv-rejected-on", _at(-100), "--health-suspected")
    w["late"] = cli("refer", c, "--to", "IV", "--topics", "health", "--months", "6", "--on", _at(-20),
                    "--override", "Zweitmeinung der Ärztin liegt vor")
    d = client("Muster Dario", "IV")
    w["closed"] = cli("refer", d, "--to", "SD", "--topics", "conflict", "--months", "6", "--on", _at(-200))
    cli("accept", w["closed"], "--on", _at(-190))
    cli("close", w["closed"], "--outcome", "not-achieved", "--cause", "no-cooperation", "--on", _at(-10))
    e = client("Muster Eva", "SD")
    w["rejected"] = cli("refer", e, "--to", "RAV", "--topics", "placement", "--months", "3", "--on", _at(-50))
    cli("reject", w["rejected"], "--reason", "no-work-capacity", "--on", _at(-45))
    w["client_c"] = c
    w["client_e"] = e
    return w


WAYS = {
    "--lang de": (["--lang", "de"], {}),
    "OPTIMA_LANG=de": ([], {"OPTIMA_LANG": "de"}),
    "LANG=de_CH.UTF-8": ([], {"LANG": "de_CH.UTF-8"}),
}


def _run(world: dict[str, str], way: str, *args: str):
    front, env = WAYS[way]
    return CliRunner(env=env).invoke(app, [*front, "--db", world["db"], "--user", "tester", *args])


def _commands(world: dict[str, str]) -> dict[str, list[str]]:
    return {
        "list": ["list", "--status", "all"],
        "due": ["due", "--within", "30"],
        "check": ["check", world["client_e"], "--to", "IV", "--topics", "health,conflict"],
        "show": ["show", world["closed"]],
        "show-override": ["show", world["late"]],
        "report": ["report"],
        "report-month": ["report", "--month", TODAY.strftime("%Y-%m")],
    }


def _labels(group: str) -> set[str]:
    return set(de.LABELS[group].values())


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("command", ["list", "due", "check", "show", "show-override", "report",
                                     "report-month"])
def test_commands_speak_german(world, way, command):
    result = _run(world, way, *_commands(world)[command])
    assert result.exit_code == 0, result.stderr
    text = result.stdout + result.stderr
    assert not english_in(text), f"English in German output of {command}: {english_in(text)}\n{text}"
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", _stripped(text)), "a date not written 20.11.2026"
    expected = {
        "list": _labels("Status"),
        "due": _labels("DueKind"),
        "check": _labels("Result"),
        "show": _labels("Status") | _labels("Outcome"),
        "show-override": _labels("Result"),
        "report": _labels("Outcome") | _labels("RejectReason") | _labels("Topic"),
        "report-month": _labels("Topic"),
    }[command]
    assert any(label in text for label in expected), f"no German label in {command}:\n{text}"
    if command != "report-month":
        assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text), "no date as 20.11.2026"


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("args", "code"), [
    (["accept", "{closed}"], 1),                 # refused by the life cycle
    (["refer", "{client_e}", "--to", "SD", "--topics", "health", "--months", "3"], 1),  # a criterion
    (["show", "OPT-1999-0001"], 1),              # unknown case
    (["report", "--month", "2026-13"], 2),       # malformed input
    (["refer", "{client_e}", "--to", "IV", "--on", "31.04.2026"], 2),
    (["list", "--within"], 2),                   # Click's own message
])
def test_refused_commands_say_why_in_german(world, way, args, code):
    args = [a.format(**world) for a in args]
    before = dump(Path(world["db"]))
    result = _run(world, way, *args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith("Fehler: ") and "\n" not in line, line
    assert not english_in(line), f"English in {line!r}: {english_in(line)}"
    # nothing written but, for a refer a rule refused, the refusal counted (issue 16)
    assert without_hurdles(dump(Path(world["db"]))) == without_hurdles(before)


def test_json_keeps_its_keys_codes_and_iso_dates_in_german(world):
    front = CliRunner().invoke(app, ["--db", world["db"], "show", world["closed"], "--format", "json"])
    german = _run(world, "--lang de", "show", world["closed"], "--format", "json")
    assert front.exit_code == german.exit_code == 0
    en, de_ = json.loads(front.stdout), json.loads(german.stdout)
    assert en.keys() == de_.keys()
    for key in ("case", "status", "topics", "referred_on", "closed_on", "outcome", "cause", "referrer"):
        assert en[key] == de_[key]
    assert de_["status"] == "closed" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", de_["closed_on"])


def test_english_stays_english(world):
    result = CliRunner().invoke(app, ["--db", world["db"], "list", "--status", "all"])
    assert result.exit_code == 0
    assert "referred" in result.stdout and "accepted" in result.stdout
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", result.stdout)


# --- the workbook ---------------------------------------------------------------------------------

GERMAN_SHEETS = ["Übersicht", "Fälle", "Ablehnungen", "Ergebnisse", "Fristen",
                 "Gemeinsame Strategien", "Verlauf"]  # as the README says


def _workbook(world: dict[str, str], folder: Path, way: str, *args: str):
    from openpyxl import load_workbook

    target = folder / f"{way.split('=')[0].strip('-')}.xlsx"
    if way == "en":
        result = CliRunner().invoke(app, ["--db", world["db"], "report", *args, "--xlsx", str(target)])
    else:
        result = _run(world, way, "report", *args, "--xlsx", str(target))
    assert result.exit_code == 0, result.stderr
    return load_workbook(target)


def _text(title) -> str:
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def _values(wb) -> list[list[tuple[str, object]]]:
    """Every cell of every sheet that is not text: the figures and dates, with where they are."""
    return [[(cell.coordinate, cell.value) for row in ws.iter_rows() for cell in row
             if cell.value is not None and not isinstance(cell.value, str)] for ws in wb.worksheets]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("period", [[], ["--year", str(TODAY.year)]], ids=["cumulative", "year"])
def test_the_german_workbook_has_german_sheets_headers_and_charts_and_the_same_figures(
        world, tmp_path, way, period):
    english = _workbook(world, tmp_path, "en", *period)
    german = _workbook(world, tmp_path, way, *period)

    assert german.sheetnames == GERMAN_SHEETS
    assert len(english.sheetnames) == len(GERMAN_SHEETS)

    # headers of the table sheets: German, one for each English one; and no English text anywhere
    for en_ws, de_ws in zip(english.worksheets[1:], german.worksheets[1:]):
        en_head = [c.value for c in next(en_ws.iter_rows(max_row=1))]
        de_head = [c.value for c in next(de_ws.iter_rows(max_row=1))]
        assert len(de_head) == len(en_head) and de_head != en_head
        assert not english_in(" ".join(de_head)), (de_ws.title, de_head)
    texts = [c.value for ws in german.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]  # labels, codes as labels, and the (German) data
    assert not english_in(" ".join(texts)), english_in(" ".join(texts))

    # the two charts: German titles and axis titles, in place of the English ones
    en_charts, de_charts = english["Summary"]._charts, german[GERMAN_SHEETS[0]]._charts
    assert len(de_charts) == len(en_charts) == 2
    for en_chart, de_chart in zip(en_charts, de_charts):
        for part in ("title", "x_axis", "y_axis"):
            en_title = en_chart.title if part == "title" else getattr(en_chart, part).title
            de_title = de_chart.title if part == "title" else getattr(de_chart, part).title
            assert _text(de_title) == de.MESSAGES.get(_text(en_title), _text(en_title))
            assert _text(de_title) != _text(en_title) and not english_in(_text(de_title))
    assert _text(de_charts[0].title) == "Anzahl Anmeldungen bei OPTIMA nach Institution"  # as the evaluation

    # the same figures and dates, cell for cell; dates shown 20.11.2026
    en_values, de_values = _values(english), _values(german)
    assert sum(map(len, de_values)) > 50
    assert de_values == en_values
    dates = [c for ws in german.worksheets for row in ws.iter_rows() for c in row if c.is_date]
    assert dates and all(c.number_format == "DD.MM.YYYY" for c in dates)


# --- what is stored does not depend on the language -------------------------------------------------

def _german_words() -> set[str]:
    import test_language

    english = set()
    for template in test_language.templates():
        english |= _words(re.sub(r"\{[^}]*\}", " ", template))
    german = set()
    for text in de.MESSAGES.values():
        german |= _words(re.sub(r"\{[^}]*\}", " ", text))
    for table in de.LABELS.values():
        german |= set().union(*(_words(v) for v in table.values()))
    return {w for w in german - english if len(w) > 2}


def test_changes_made_in_german_store_the_same_text_as_in_english(tmp_path):
    """Findings, audit payloads and every other stored text stay English (and codes) when the
    command speaks German: the database reads the same to everyone."""
    stored: dict[str, dict] = {}
    for lang in ("en", "de"):
        path = tmp_path / f"{lang}.db"

        def cli(*args: str, lang: str = lang, path: Path = path) -> str:
            result = CliRunner().invoke(app, ["--lang", lang, "--db", str(path), "--user", "tester", *args])
            assert result.exit_code == 0, (args, result.stderr)
            if lang == "de":  # and what the writing commands say is German too
                assert not english_in(result.stderr), (args, result.stderr)
            return result.stdout.strip()

        client = cli("register", "--name", "Test Person", "--birth-date", "1980-03-12", "--from", "SD",
                     "--consent-on", _at(-60), "--iv-rejected-on", _at(-90))
        case = cli("refer", client, "--to", "IV", "--topics", "health,finances", "--months", "3",
                   "--goal", "find work", "--on", _at(-30), "--override", "second opinion")
        cli("accept", case, "--on", _at(-28))
        cli("extend", case, "--on", _at(-20))
        other = cli("refer", client, "--to", "RAV", "--topics", "placement", "--months", "3", "--on", _at(-10))
        cli("reject", other, "--reason", "other", "--note", "moved", "--on", _at(-5))
        cli("close", case, "--outcome", "partly", "--on", _at(-1))
        cli("show", case)
        stored[lang] = dump(path)
    german_words = _german_words()
    assert {"anmeldung", "einwilligung", "auftragsdauer"} <= german_words  # guards the measure
    texts = {lang: {value for rows in tables.values() for row in rows for value in row
                    if isinstance(value, str)} for lang, tables in stored.items()}
    assert texts["de"]
    # German words stored by the German run only (the units' own names are German in both)
    leaked = {text for text in texts["de"] - texts["en"] if _words(text) & german_words}
    assert not leaked, leaked
    for sql in ("SELECT case_id, findings FROM referral ORDER BY id",
                "SELECT action, payload FROM audit_event ORDER BY id"):
        assert query(tmp_path / "de.db", sql) == query(tmp_path / "en.db", sql)
