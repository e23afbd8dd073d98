"""Money in Swiss francs as counsellors type it, kept as whole Rappen (rules/money.py, issue 19):
never a float; formatting then parsing gives back the same Rappen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optima_cli.errors import UsageProblem
from optima_cli.rules.money import MAX_RAPPEN, grouped, parse_chf, plain

AMOUNTS = st.integers(min_value=0, max_value=MAX_RAPPEN)


@given(AMOUNTS)
def test_plain_then_parse_is_the_identity_on_rappen(rappen):
    assert parse_chf(plain(rappen)) == rappen


@given(AMOUNTS)
def test_grouped_then_parse_is_the_identity_on_rappen(rappen):
    assert parse_chf(grouped(rappen)) == rappen
    assert parse_chf("CHF " + grouped(rappen).replace("'", "’")) == rappen


@pytest.mark.parametrize("typed, rappen", [
    ("1200", 120000), ("1200.50", 120050), ("1'200.50", 120050), ("1’200.50", 120050),
    ("1200.-", 120000), ("1200.–", 120000), ("CHF 1200", 120000), ("chf1200.5", 120050),
    ("1200 CHF", 120000), ("Fr. 80.-", 8000), ("1200,50", 120050), ("1200,5", 120050),
    (" 0.05 ", 5), ("0", 0), ("12 000", 1200000), ("1'000'000", 100000000), ("+15", 1500),
])
def test_what_counsellors_type_is_read(typed, rappen):
    assert parse_chf(typed) == rappen


@pytest.mark.parametrize("typed, code", [
    ("-5", "money-negative"), ("CHF -1200.50", "money-negative"), ("−3", "money-negative"),
    ("1.234", "money-decimals"), ("12.005", "money-decimals"),
    ("1,200", "money-ambiguous"), ("12,000", "money-ambiguous"),
    ("", "not-money"), ("abc", "not-money"), ("1.2.3", "not-money"), ("12'00", "not-money"),
    ("1e3", "not-money"), ("١٢", "not-money"), ("1200.", "not-money"), (".50", "not-money"),
    ("1'200,000.00", "not-money"), ("nan", "not-money"), ("inf", "not-money"),
    ("200000000", "money-too-large"),
])
def test_nonsense_is_refused_with_the_form(typed, code):
    with pytest.raises(UsageProblem) as error:
        parse_chf(typed)
    assert error.value.code == code and error.value.field == "cost"
    if code != "money-too-large":
        assert "1200.50" in error.value.message or "1'200.00" in error.value.message


def test_amounts_are_shown_as_strings_with_centimes():
    assert (plain(120050), grouped(120050)) == ("1200.50", "1'200.50")
    assert (plain(5), grouped(5)) == ("0.05", "0.05")
    assert grouped(123456789) == "1'234'567.89"
    assert plain(-150) == "-1.50"  # a difference, never typed
