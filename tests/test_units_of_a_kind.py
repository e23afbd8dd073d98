"""Units roll up to kinds (issue 16): the social services are several municipal units of the kind
SD; a filter value that is a kind (RAV, IV, SD) matches every unit of that kind in `list`, `due`
and `examples`, any other code the one unit."""

from __future__ import annotations

import json

import pytest
from conftest import days_ago


def ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip()


@pytest.fixture
def world(run) -> dict[str, str]:
    """Two municipal social services; A and B referred by them, C (closed) and D received."""
    for code, name in (("SD-EMMEN", "Sozialdienst Emmen"), ("SD-KRIENS", "Sozialdienst Kriens")):
        ok(run("institution", "add", code, "--kind", "SD", "--name", name))
    c1, c2, c3 = (ok(run("register", "--name", name, "--birth-date", "01.01.1980", "--from", unit,
                         "--consent-on", days_ago(200)))
                  for name, unit in (("Emmen Anna", "SD-EMMEN"), ("Kriens Beat", "SD-KRIENS"),
                                     ("Rav Carla", "RAV")))
    w = {"A": ok(run("refer", c1, "--to", "RAV", "--topics", "placement", "--months", "3",
                     "--on", days_ago(20))),
         "B": ok(run("refer", c2, "--to", "IV", "--topics", "health", "--months", "3",
                     "--on", days_ago(20))),
         "C": ok(run("refer", c3, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                     "--on", days_ago(60)))}
    ok(run("accept", w["C"], "--on", days_ago(55)))
    ok(run("close", w["C"], "--outcome", "achieved", "--on", days_ago(10)))
    w["D"] = ok(run("refer", c3, "--to", "SD-KRIENS", "--topics", "finances", "--months", "3",
                    "--on", days_ago(20)))
    return w


def cases(run, command: str, *args: str) -> set[str]:
    return {r["case"] for r in json.loads(ok(run(command, *args, "--format", "json")))}


@pytest.mark.both_backends
def test_a_kind_matches_every_unit_of_it_a_code_the_one_unit(run, world):
    a, b, c, d = (world[k] for k in "ABCD")
    listed = {args: cases(run, "list", "--status", "all", *args) for args in (
        ("--from", "SD"), ("--to", "SD"), ("--from", "sd"), ("--from", "SD-EMMEN"),
        ("--to", "SD-EMMEN"), ("--to", "RAV"), ("--from", "SD", "--to", "IV"))}
    assert listed == {("--from", "SD"): {a, b}, ("--to", "SD"): {c, d}, ("--from", "sd"): {a, b},
                      ("--from", "SD-EMMEN"): {a}, ("--to", "SD-EMMEN"): {c}, ("--to", "RAV"): {a},
                      ("--from", "SD", "--to", "IV"): {b}}
    # the referrals waiting for a decision over 10 days: A, B and D
    assert cases(run, "due") == {a, b, d}
    assert cases(run, "due", "--from", "SD") == {a, b}
    assert cases(run, "due", "--to", "SD") == {d}
    assert cases(run, "due", "--to", "SD-EMMEN") == set()
    assert cases(run, "due", "--from", "SD-KRIENS") == {b}

    examples = json.loads(ok(run("examples", "--to", "SD", "--format", "json")))
    assert [e["receiver"] for e in examples] == ["SD-EMMEN"]
    assert json.loads(ok(run("examples", "--to", "SD-KRIENS", "--format", "json"))) == []


@pytest.mark.parametrize("command", ["list", "due", "examples"])
def test_an_unknown_unit_is_refused(run, world, command):
    r = run(command, "--to", "SD-NOWHERE")
    assert r.exit_code != 0
    assert "SD-NOWHERE" in r.stderr and "Traceback" not in r.stdout + r.stderr


@pytest.mark.parametrize("command", ["list", "due", "examples"])
def test_the_help_says_a_kind_matches_its_units(run, command):
    text = " ".join(ok(run(command, "--help")).split())
    assert "a kind (RAV, IV, SD) means every unit of that kind" in text
