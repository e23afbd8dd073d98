"""The German catalogue is whole: every message template of the code and every code of every code
table has a German entry with the same placeholders, and the language is chosen as documented."""

from __future__ import annotations

import ast
import json
import re
import string
from datetime import date
from enum import StrEnum
from pathlib import Path

import pytest

from optima_cli import language
from optima_cli.catalogue import de, en
from optima_cli.rules import codes, criteria, lifecycle
from optima_cli.rules.deadlines import DueKind

PACKAGE = Path(language.__file__).parent
# the functions that take message templates, and at which positions
MARKERS = {"t": (0,), "english": (0,), "t_": (0,), "plural": (1, 2)}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _calls() -> list[tuple[str, int, str, ast.expr]]:
    """Every template argument given to a marker: (file, line, marker, the argument)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "catalogue" in path.parts or path.name == "language.py":
            continue  # the catalogues, and the translating functions themselves
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = _name(node) if isinstance(node, ast.Call) else None
            if name in MARKERS:
                found += [(str(path.relative_to(PACKAGE)), node.lineno, name, node.args[i])
                          for i in MARKERS[name] if i < len(node.args)]
    return found


def templates() -> dict[str, str]:
    """Every message identifier (English template) of the code, with where it is: those given to
    the markers, and the English catalogue's sentences of refusals and findings and its phrases."""
    found = {arg.value: f"{where}:{line}" for where, line, _, arg in _calls()
             if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    found |= {text: f"catalogue/en.py REFUSALS[{code!r}]" for code, text in en.REFUSALS.items()}
    found |= {text: f"catalogue/en.py FINDINGS[{key!r}]" for key, text in en.FINDINGS.items()}
    found |= {text: f"catalogue/en.py PHRASES[{group!r}]" for group, table in en.PHRASES.items()
              for text in table.values()}
    found[en.AND] = "catalogue/en.py AND"
    found[en.RULED] = "catalogue/en.py RULED"
    return found


def _refusal_codes() -> dict[str, str]:
    """Every refusal code the code raises (`X.refused("code", ...)`, and codes.NOT_A), with where."""
    found = dict.fromkeys(codes.NOT_A.values(), "rules/codes.py NOT_A")
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and _name(node) == "refused" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found[node.args[0].value] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return found


def test_every_refusal_code_has_its_english_sentence_and_no_sentence_is_unused():
    raised = _refusal_codes()
    assert len(raised) > 50
    missing = [f"{where}: {code!r}" for code, where in raised.items() if code not in en.REFUSALS]
    assert not missing, "no English sentence (catalogue/en.py REFUSALS) for:\n" + "\n".join(missing)
    assert set(en.REFUSALS) <= set(raised), set(en.REFUSALS) - set(raised)


def test_the_rules_speak_no_language():
    """The rules return data: codes, values and keys of fields; the readers say them."""
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "optima_cli.language" not in source and "from optima_cli import language" not in source, path


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_there_are_templates_to_check():
    assert len(templates()) > 300  # the walk finds the code's messages (guards the test itself)


def test_every_message_has_a_german_entry_with_the_same_placeholders():
    missing = [f"{where}: {template!r}" for template, where in templates().items()
               if template not in de.MESSAGES]
    assert not missing, "no German entry for:\n" + "\n".join(missing)
    changed = [f"{where}: {template!r} has {_fields(template)}, German has "
               f"{_fields(de.MESSAGES[template])}" for template, where in templates().items()
               if _fields(template) != _fields(de.MESSAGES[template])]
    assert not changed, "\n".join(changed)


def test_every_template_is_a_literal_or_a_marked_table_entry():
    """A template built at run time could not be found by the walk above: only literals, and
    lookups in a table whose entries are marked with t_()."""
    assert any(name == "plural" for _, _, name, _ in _calls())
    for where, line, name, arg in _calls():
        assert isinstance(arg, ast.Constant) or (name == "t" and isinstance(arg, ast.Subscript)), (
            f"{where}:{line}: the template is not a literal")
        assert not (isinstance(arg, ast.Constant) and "{}" in arg.value), (
            f"{where}:{line}: name the placeholder")


def test_the_german_catalogue_has_no_stale_entries():
    stale = sorted(set(de.MESSAGES) - set(templates()))
    assert not stale, "German entries no code uses any more:\n" + "\n".join(map(repr, stale))


CODE_TABLES: list[type[StrEnum]] = [codes.Kind, codes.Status, codes.Topic, codes.RejectReason,
                                    codes.WithdrawReason, codes.Outcome, codes.Cause,
                                    codes.RuleKind, codes.Result, DueKind]


@pytest.mark.parametrize("group", CODE_TABLES, ids=lambda g: g.__name__)
def test_every_code_has_a_german_label(group: type[StrEnum]):
    table = de.LABELS[group.__name__]
    assert set(table) == {member.value for member in group}
    assert all(text.strip() and text != code for code, text in table.items() if code not in ("RAV", "IV", "SD"))


def _recorded_actions() -> set[str]:
    """Every action the code records in the audit trail: `action="..."` literals, and the
    actions of the life cycle."""
    found = {member.value for member in lifecycle.Action}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action":
                values = [node.value]
                if isinstance(node.value, ast.IfExp):
                    values = [node.value.body, node.value.orelse]
                found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return found


def test_every_recorded_action_has_a_german_label():
    actions = _recorded_actions()
    assert {"refer", "accept", "register", "read", "backup", "copy-out"} <= actions
    assert actions <= set(de.LABELS["Action"]), actions - set(de.LABELS["Action"])


def test_every_access_rule_has_a_german_name():
    assert {rule.id for rule in criteria.RULES} == set(de.LABELS["Rule"])


def test_german_is_swiss_spelling():
    texts = [*de.MESSAGES.values(), *(v for table in de.LABELS.values() for v in table.values())]
    assert not [text for text in texts if "ß" in text]


@pytest.mark.parametrize(("option", "environ", "expected"), [
    (None, {}, "en"),
    ("de", {}, "de"),
    ("DE", {"OPTIMA_LANG": "en"}, "de"),
    ("en", {"OPTIMA_LANG": "de", "LANG": "de_CH.UTF-8"}, "en"),
    (None, {"OPTIMA_LANG": "de"}, "de"),
    (None, {"OPTIMA_LANG": "en", "LANG": "de_CH.UTF-8"}, "en"),
    (None, {"LANG": "de_CH.UTF-8"}, "de"),
    (None, {"LANG": "de"}, "de"),
    (None, {"LANG": "fr_CH.UTF-8"}, "en"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"LC_ALL": "de_CH.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
    (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "de_CH.UTF-8"}, "en"),
    (None, {"LC_MESSAGES": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
    (None, {"OPTIMA_LANG": " ", "LANG": "de_CH"}, "de"),
])
def test_the_language_comes_from_the_option_then_optima_lang_then_the_locale(option, environ, expected):
    assert language.choose(option, environ) == expected


@pytest.mark.parametrize(("option", "environ"), [("fr", {}), (None, {"OPTIMA_LANG": "deutsch"})])
def test_a_language_optima_does_not_speak_is_refused(option, environ):
    with pytest.raises(ValueError):
        language.choose(option, environ)


def test_dates_and_codes_in_german_and_english():
    day = date(2026, 11, 20)
    assert language.day(day) == "2026-11-20"
    assert language.label("Status", codes.Status.ACCEPTED) == "accepted"
    language.use("de")
    assert language.day(day) == "20.11.2026"
    assert language.label("Status", codes.Status.ACCEPTED) == de.LABELS["Status"]["accepted"]
    assert language.t("{case}: mandate ends on {day} ({when}); close it or extend a 3-month mandate",
                      case="OPT-1", day=day, when="x").startswith("OPT-1: Auftrag endet am 20.11.2026")
    assert language.current() == "de"


def _every_finding() -> list[criteria.Finding]:
    """A finding of every rule on many facts and proposals: each sentence, passing or not."""
    facts = [criteria.Facts(), criteria.Facts(consent_on=date(2026, 1, 5), iv_rejected_on=date(2026, 3, 1),
                                              iv_procedure_open=True, health_suspected=True,
                                              work_capacity="no", iv_measures_running=True,
                                              rav_registered_until=date(2026, 10, 1)),
             criteria.Facts(work_capacity="no", work_capacity_assessed_on=date(2026, 11, 2)),
             criteria.Facts(work_capacity="yes", work_capacity_assessed_on=date(2026, 11, 2)),
             criteria.Facts(work_capacity="yes"),
             criteria.Facts(work_capacity="yes", work_capacity_assessed_on=date(2026, 11, 21)),
             criteria.Facts(consent_on=date(2026, 12, 1)),
             criteria.Facts(consent_on=date(2026, 1, 5), consent_withdrawn_on=date(2026, 2, 1),
                            iv_procedure_open=True, rav_registered_until=date(2026, 1, 1)),
             criteria.Facts(consent_on=date(2025, 1, 5), iv_rejected_on=date(2024, 3, 1),
                            rav_registered_until=date(2026, 12, 31))]
    found = []
    # the concept's months, and others that the steering group set (sentences naming the months)
    # (and the IV rule made `never`: its sentence then offers no justification)
    for settings in (criteria.DEFAULTS, criteria.Settings(iv_rejection_months=24, rav_recent_months=3),
                     criteria.Settings(rule_kinds=(("iv-rejection-recent", codes.RuleKind.NEVER),))):
        for fact in facts:
            for referrer in codes.Kind:
                for receiver in codes.Kind:
                    for topics in [(), (codes.Topic.HEALTH,), (codes.Topic.FINANCES, codes.Topic.LIFE_EVENT)]:
                        proposal = criteria.Proposal(referrer, receiver, f"{receiver}-LU",
                                                     date(2026, 11, 20), topics,
                                                     "OPT-2026-0001" if topics else None,
                                                     workable=(None, True, False)[len(topics)])
                        found += criteria.evaluate(fact, proposal, settings)
    return found


def test_every_stored_finding_reads_back_in_german():
    """Findings are stored as keys and values with the referral; `show` says each in German,
    with the values (dates as 20.11.2026, topics as their labels)."""
    found = _every_finding()
    # every sentence is tried, but those only older referrals keep
    assert {f.why.key for f in found} == set(en.FINDINGS) - en.FINDINGS_OF_THE_PAST
    stored = [json.loads(json.dumps(f.as_dict())) for f in found]  # as the database keeps them
    english = [en.finding(f) for f in stored]
    language.use("de")
    for finding, in_english in zip(stored, english, strict=True):
        german = en.finding(finding)
        assert german != in_english and german == de.MESSAGES[en.FINDINGS[finding["key"]]].format(
            **_german_values(finding))
        assert not re.search(r"\b2026-\d\d-\d\d\b", german)  # dates as 20.11.2026
    assert any("Finanzen/Schulden" in en.finding(f) for f in stored)  # topics as their labels


def _german_values(finding: dict) -> dict:
    values = {}
    for key, value in finding["values"].items():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            values[key] = language.day(date.fromisoformat(value))
        elif key == "topics":
            values[key] = language.labels("Topic", value)
        else:
            values[key] = value
    return values


# --- the German wording against the report's own words (issue 16) ------------------------------

def test_no_german_rule_label_is_a_negative_statement_shown_as_erfuellt():
    """A rule's label is shown beside "erfüllt" when it passes: it names the condition that
    passes. Where a rule passes by the absence of something (its passing sentence says "no ..." or
    "not ..."), the label says "kein ..."; and no label is the start of a sentence of its failing
    (as "IV-Massnahmen laufen" was)."""
    assert de.LABELS["Result"]["pass"] == "erfüllt"
    language.use("de")
    absent: set[str] = set()
    failing: dict[str, set[str]] = {}
    for f in _every_finding():
        if f.result == "pass" and en.FINDINGS[f.why.key].startswith(("no ", "not ")):
            absent.add(f.rule)
        elif f.result != "pass":
            failing.setdefault(f.rule, set()).add(en.finding(f.as_dict()))
    assert {"iv-measures-running", "iv-procedure-open", "iv-rejection-recent"} <= absent
    for rule in absent:
        shown = de.LABELS["Rule"][rule]
        assert shown.split()[0] in ("kein", "keine", "nicht"), f"{rule}: {shown!r} erfüllt reads as its opposite"
    for rule, sentences in failing.items():
        shown = de.LABELS["Rule"][rule].casefold()
        assert not [s for s in sentences if s.casefold().startswith(shown)], (rule, sentences)


def _repeated(text: str, shortest: int = 3) -> str | None:
    """A phrase of `shortest` or more words said twice in a row in `text`, or None."""
    words = re.findall(r"\w+", text.casefold())
    for n in range(shortest, len(words) // 2 + 1):
        for i in range(len(words) - 2 * n + 1):
            if words[i:i + n] == words[i + n:i + 2 * n]:
                return " ".join(words[i:i + n])
    return None


def test_repeated_finds_a_phrase_said_twice_in_a_row():
    assert _repeated("Anmeldung nicht zulässig: IV-Massnahmen laufen: IV-Massnahmen laufen") == (
        "iv massnahmen laufen")
    assert _repeated("die IV-Massnahmen laufen, keine IV-Massnahmen laufen") is None


def test_no_german_sentence_repeats_a_phrase_twice_in_a_row():
    """Not in the catalogue, and not in a refused or blocked referral, which says its findings."""
    texts = [*de.MESSAGES.values(), *(v for table in de.LABELS.values() for v in table.values())]
    assert not [(text, _repeated(text)) for text in texts if _repeated(text)]
    language.use("de")
    failing = [f.as_dict() for f in _every_finding() if f.result != "pass"]
    for code in ("referral-refused", "referral-blocked"):
        for f in failing:
            said = en.sentence(code, {"reasons": [f]}, {"field": "--override"})
            assert _repeated(said) is None, said
            assert de.LABELS["Rule"][f["rule"]] + ":" not in said  # not before the sentence


def test_each_meaning_has_its_own_german_word():
    """The mandate is the Auftrag (Auftragsdauer), as the report says; the closing outcome is the
    Ergebnis, a criterion's result its Beurteilung; the justification of a deviation is the
    Begründung, a rejection's reason its Grund."""
    texts = [*de.MESSAGES.values(), *(v for table in de.LABELS.values() for v in table.values())]
    assert not [text for text in texts if "Bearbeitungszeit" in text]
    m = de.MESSAGES
    assert (m["outcome"], m["result"], m["why"]) == ("Ergebnis", "Beurteilung", "Befund")
    assert (m["override"], m["reason"]) == ("Begründung der Abweichung", "Grund")
    assert m["mandate end"] == "Ende des Auftrags"
    # "Ergebnis" only for outcomes, "Begründung" only for the justification of a deviation
    for word, meanings in (("Ergebnis", ("outcome",)),
                           ("Begründung", ("justification", "override", "deviat", "hard"))):
        for key, german in [*m.items(), *de.LABELS["RuleKind"].items()]:
            if word in german:
                assert any(meaning in key.casefold() for meaning in meanings), (word, key, german)


def test_the_iv_rejection_reason_says_more_than_a_year_back():
    """The IV rule blocks a rejection of not more than a year ago (the anniversary blocks): its
    rejection reason must not say "less than" a year."""
    assert "weniger als" not in de.LABELS["RejectReason"]["iv-rejection-recent"]
    assert "nicht mehr als 12 Monaten" in de.LABELS["RejectReason"]["iv-rejection-recent"]
    assert "less than" not in codes.LABELS[codes.RejectReason]["iv-rejection-recent"]
