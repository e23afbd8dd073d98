"""Pure unit tests of dates, codes and identities (optima_cli/rules/dates.py, codes.py, identity.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import codes, dates, identity
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Result,
    RuleKind,
    Status,
    Topic,
    WithdrawReason,
)

# --- parse_date -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20", date(2026, 11, 20)),
    ("20.11.2026", date(2026, 11, 20)),
    ("1.2.2026", date(2026, 2, 1)),  # day first, Swiss style
    ("01.02.2026", date(2026, 2, 1)),
    ("2026-1-5", date(2026, 1, 5)),
    ("  2026-11-20 ", date(2026, 11, 20)),
    ("29.02.2028", date(2028, 2, 29)),  # leap year
    ("2026-12-31", date(2026, 12, 31)),
])
def test_parse_date_accepts_iso_and_swiss(text, expected):
    assert dates.parse_date(text) == expected


@pytest.mark.parametrize(("text", "why"), [
    ("2025-02-30", "February 2025 has 28 days"),
    ("2027-02-29", "February 2027 has 28 days"),
    ("31.04.2026", "April 2026 has 30 days"),
    ("0.04.2026", "April 2026 has 30 days"),
    ("2026-13-01", "no month 13"),
    ("1.0.2026", "no month 0"),
    ("yesterday", "is not a date; write it as 2026-11-20 or 20.11.2026"),
    ("", "is not a date; write it as 2026-11-20 or 20.11.2026"),
    ("2026/11/20", "is not a date; write it as"),
    ("20.11.26", "is not a date; write it as"),
    ("11/20/2026", "is not a date; write it as"),
])
def test_parse_date_refuses_with_the_reason(text, why):
    with pytest.raises(UsageProblem) as info:
        dates.parse_date(text)
    assert info.value.exit_code == 2
    assert why in info.value.message
    assert repr(text.strip()) in info.value.message


@pytest.mark.parametrize("text", ["0000-01-01", "01.01.0000"])
def test_parse_date_refuses_year_zero_as_usage_problem(text):
    # matches both patterns, but no such date exists: must be a UsageProblem (exit 2),
    # not a bare ValueError from datetime.date
    with pytest.raises(UsageProblem):
        dates.parse_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips_both_formats(day):
    assert dates.parse_date(day.isoformat()) == day
    assert dates.parse_date(f"{day.day}.{day.month}.{day.year}") == day
    assert dates.parse_date(day.strftime("%d.%m.%Y")) == day
    assert dates.parse_date(dates.format_date(day)) == day


def test_format_date():
    assert dates.format_date(date(2026, 2, 1)) == "2026-02-01"
    assert dates.format_date(None) == ""


# --- add_months / months_before ---------------------------------------------------------------

def test_add_months_clamps_at_month_end():
    assert dates.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dates.add_months(date(2025, 11, 20), 12) == date(2026, 11, 20)


def test_months_before():
    assert dates.months_before(date(2026, 11, 20), 6) == date(2026, 5, 20)
    assert dates.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)


# --- ensure_not_future ----------------------------------------------------------------------

TODAY = date(2026, 11, 23)


def test_ensure_not_future_accepts_today_and_the_past():
    dates.ensure_not_future(TODAY, TODAY, "referral")
    dates.ensure_not_future(date(2020, 1, 1), TODAY, "referral")


def test_ensure_not_future_refuses_tomorrow():
    with pytest.raises(OptimaError) as info:
        dates.ensure_not_future(date(2026, 11, 24), TODAY, "referral")
    msg = info.value.message
    assert "referral date 2026-11-24" in msg
    assert "2026-11-23" in msg
    assert "future" in msg


def test_ensure_birth_date():
    dates.ensure_birth_date(date(1980, 5, 4), TODAY)
    with pytest.raises(OptimaError, match="future"):
        dates.ensure_birth_date(date(2026, 11, 24), TODAY)
    with pytest.raises(OptimaError, match="implausible"):
        dates.ensure_birth_date(date(1899, 12, 31), TODAY)


# --- parse_code -------------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "text", "expected"), [
    (Kind, "rav", Kind.RAV),
    (Kind, "Iv", Kind.IV),
    (Kind, " sd ", Kind.SD),
    (Topic, "LIFE-EVENT", Topic.LIFE_EVENT),
    (RejectReason, "Iv-Rejection-Recent", RejectReason.IV_REJECTION_RECENT),
    (Outcome, "not-achieved", Outcome.NOT_ACHIEVED),
    (Cause, "NOT-PLACEABLE", Cause.NOT_PLACEABLE),
    (WithdrawReason, "consent-withdrawn", WithdrawReason.CONSENT_WITHDRAWN),
    (Status, "Accepted", Status.ACCEPTED),
])
def test_parse_code_is_case_insensitive(group, text, expected):
    assert codes.parse_code(group, text) is expected


GROUPS = [Kind, Status, Topic, RejectReason, WithdrawReason, Outcome, Cause, RuleKind, Result]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.__name__)
def test_parse_code_error_lists_the_valid_codes(group):
    with pytest.raises(UsageProblem) as info:
        codes.parse_code(group, "nonsense")
    msg = info.value.message
    assert info.value.exit_code == 2
    assert "'nonsense'" in msg
    assert msg.startswith("'nonsense' is not a")
    for member in group:
        assert member.value in msg


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.__name__)
def test_every_code_has_a_label_and_parses_back(group: type[StrEnum]):
    for member in group:
        assert codes.label(member).strip()
        assert codes.parse_code(group, member.value.upper()) is member
    assert set(codes.LABELS[group]) == {m.value for m in group}


def test_codes_of_domain_md():
    assert [t.value for t in Topic] == [
        "finances", "addiction", "conflict", "childcare", "life-event", "health", "placement",
        "other"]
    assert {r.value for r in RejectReason} == {
        "iv-rejection-recent", "iv-procedure-open", "iv-registration-due", "no-work-capacity",
        "rav-registered-recently", "too-severe", "no-consent", "other"}
    assert {o.value for o in Outcome} == {"achieved", "partly", "not-achieved"}
    assert {c.value for c in Cause} == {"no-cooperation", "not-placeable", "other"}
    assert {k.value for k in Kind} == {"RAV", "IV", "SD"}


def test_choices_is_comma_separated():
    assert codes.choices(Kind) == "RAV, IV, SD"


# --- parse_topics -----------------------------------------------------------------------------

def test_parse_topics_in_order_without_duplicates():
    assert codes.parse_topics("finances, Addiction,finances ,FINANCES") == (
        Topic.FINANCES, Topic.ADDICTION)


def test_parse_topics_single_and_trailing_comma():
    assert codes.parse_topics("life-event,") == (Topic.LIFE_EVENT,)


def test_parse_topics_refuses_an_unknown_topic():
    with pytest.raises(UsageProblem) as info:
        codes.parse_topics("finances,gambling")
    msg = info.value.message
    assert "'gambling'" in msg
    for topic in Topic:
        assert topic.value in msg


@pytest.mark.parametrize("text", ["", "   ", ",", " , ,"], ids=repr)
def test_parse_topics_refuses_no_topic(text):
    with pytest.raises(UsageProblem) as info:
        codes.parse_topics(text)
    assert info.value.exit_code == 2
    assert "no topic" in info.value.message
    assert "finances" in info.value.message


# --- AHV number -------------------------------------------------------------------------------

def ean13_check(first12: str) -> str:
    """EAN-13 check digit, computed here independently of python-stdnum."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def dotted(digits: str) -> str:
    return f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"


def test_ean13_helper_agrees_with_the_documented_example():
    assert ean13_check("756123456789") == "7"


@pytest.mark.parametrize("text", ["756.1234.5678.97", "7561234567897", " 756.1234.5678.97 ",
                                  "756 1234 5678 97"])
def test_normalize_ahv_accepts_and_formats(text):
    assert identity.normalize_ahv(text) == "756.1234.5678.97"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_normalize_ahv_accepts_every_number_with_a_right_check_digit(middle):
    digits = "756" + middle
    digits += ean13_check(digits)
    assert identity.normalize_ahv(digits) == dotted(digits)


def test_normalize_ahv_refuses_a_wrong_check_digit():
    with pytest.raises(UsageProblem) as info:
        identity.normalize_ahv("756.1234.5678.98")
    assert info.value.exit_code == 2
    assert "check digit" in info.value.message


@pytest.mark.parametrize("text", [
    "756.1234.5678",  # too short
    "75612345678971",  # too long
    "",
    "abc",
], ids=repr)
def test_normalize_ahv_refuses_malformed(text):
    with pytest.raises(UsageProblem) as info:
        identity.normalize_ahv(text)
    assert info.value.exit_code == 2
    assert "13 digits starting with 756" in info.value.message


def test_normalize_ahv_refuses_a_number_not_starting_with_756():
    digits = "757123456789"
    digits += ean13_check(digits)  # the check digit is right: only the prefix is wrong
    with pytest.raises(UsageProblem) as info:
        identity.normalize_ahv(digits)
    assert "starting with 756" in info.value.message


# --- client and case ids ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["C-0007", "c7", "7", "C7", "c-07", " C-0007 ", "0007"])
def test_parse_client_id(text):
    assert identity.parse_client_id(text) == 7


@pytest.mark.parametrize("text", ["x", "", "C-", "7a", "C-7-1", "D-7", "OPT-2026-0007"], ids=repr)
def test_parse_client_id_refuses(text):
    assert identity.parse_client_id(text) is None


def test_client_id_round_trip():
    assert identity.format_client_id(7) == "C-0007"
    assert identity.format_client_id(12345) == "C-12345"
    for n in (1, 7, 42, 9999, 12345):
        assert identity.parse_client_id(identity.format_client_id(n)) == n


@pytest.mark.parametrize(("text", "expected"), [
    ("OPT-2026-0001", (2026, 1)),
    ("opt-2026-1", (2026, 1)),
    ("2026-1", (2026, 1)),
    ("OPT-2025-0012", (2025, 12)),
    (" OPT-2026-0100 ", (2026, 100)),
])
def test_parse_case_id(text, expected):
    assert identity.parse_case_id(text) == expected


@pytest.mark.parametrize("text", ["x", "", "2026", "OPT-26-1", "OPT-2026-", "C-0007", "7",
                                  "OPT-2026-1-2"], ids=repr)
def test_parse_case_id_refuses(text):
    assert identity.parse_case_id(text) is None


def test_case_id_round_trip():
    assert identity.format_case_id(2026, 7) == "OPT-2026-0007"
    for year, seq in ((2026, 1), (2019, 52), (2030, 10000)):
        assert identity.parse_case_id(identity.format_case_id(year, seq)) == (year, seq)


# --- the codes in German (issue 21) -------------------------------------------------------------

def test_german_names_are_read_as_their_codes():
    assert codes.parse_code(Topic, "finanzen") is Topic.FINANCES
    assert codes.parse_code(Topic, " Finanzen ") is Topic.FINANCES
    assert codes.parse_topics("finanzen,sucht,placement") == (
        Topic.FINANCES, Topic.ADDICTION, Topic.PLACEMENT)
    assert codes.parse_code(RejectReason, "keine-einwilligung") is RejectReason.NO_CONSENT
    assert codes.parse_code(Outcome, "NICHT-ERREICHT") is Outcome.NOT_ACHIEVED
    assert codes.parse_code_or_none(codes.WorkCapacity, "nicht-beurteilt") is None
    assert codes.parse_code(codes.Situation, "erwerbstätig") is codes.Situation.EMPLOYED


@pytest.mark.parametrize("group", list(codes.GERMAN), ids=lambda g: g.__name__)
def test_german_names_are_complete_and_name_no_other_code(group: type[StrEnum]):
    german = codes.GERMAN[group]
    assert set(german) == {m.value for m in group}  # every code has its German name
    assert len(set(german.values())) == len(german)  # no two codes share one
    for code, name in german.items():
        assert name == name.strip().lower() and " " not in name and "," not in name
        assert name not in {m.value for m in group} - {code}  # never another code in English
        assert codes.parse_code(group, name).value == code
    none = codes.GERMAN_NONE.get(group)
    assert none is None or none not in german.values()


def test_typed_codes_in_the_readers_language():
    assert codes.typed(Topic, "en")["finances"] == "finances"
    german = codes.typed(Topic, "de")
    assert german["finanzen"] == "finances" and "finances" not in german
    assert codes.typed(Kind, "de") == {"RAV": "RAV", "IV": "IV", "SD": "SD"}
    assert codes.typed(codes.WorkCapacity, "de")["nicht-beurteilt"] == "not-assessed"
