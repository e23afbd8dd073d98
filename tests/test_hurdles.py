"""Every hurdle counted (issue 16): a `refer` that an access criterion refused is recorded (the
rules, the two units, the day; no person), in its own transaction; `check` writes nothing; the
report counts refusals and justified exceptions by rule, in SQL, for the period."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import days_ago, dump

from optima_cli.errors import ReferralBlocked
from optima_cli.rules.codes import Topic
from optima_cli.rules.periods import choose
from optima_cli.workflow import cases, clients
from optima_cli.workflow.context import Context
from optima_cli.workflow.report import report

pytestmark = pytest.mark.both_backends  # written and counted in SQL


def _register(ctx: Context, name: str = "Hürdeler Anna", source: str = "SD", **facts: object) -> str:
    data = clients.ClientInput(name=name, birth_date=date(1985, 5, 5), institution=source,
                               consent_on=date(2025, 6, 1), **facts)
    return clients.register(ctx, data)["client"]


def _refer(ctx: Context, client: str, to: str, on: date, override: str | None = None,
           topics: tuple[Topic, ...] = (Topic.HEALTH,)) -> dict:
    return cases.refer(ctx, cases.Refer(client=client, to=to, topics=topics, months=6, on=on,
                                        override=override)).record


def _changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in after if after[name] != before.get(name)}


def test_a_refused_refer_is_recorded_without_the_person_and_writes_nothing_else(ctx, db_path):
    client = _register(ctx, iv_rejected_on=date(2026, 6, 1))
    before = dump(db_path)
    with pytest.raises(ReferralBlocked):  # hard rule, no justification
        _refer(ctx, client, "IV", date(2026, 11, 2))
    with pytest.raises(ReferralBlocked):  # never rule: SD to SD
        _refer(ctx, client, "SD", date(2026, 11, 3), topics=(Topic.FINANCES,))
    after = dump(db_path)
    assert _changed_tables(before, after) == {"refusal", "refusal_rule"}
    refusals = after["refusal"]
    assert len(refusals) == 2
    columns = {"id", "refused_on", "referrer_id", "receiver_id", "justifiable"}
    assert all(len(row) == len(columns) for row in refusals)  # no client, no person
    rules = sorted(rule for _, rule in after["refusal_rule"])
    assert rules == ["iv-rejection-recent", "other-kind"]


def test_the_report_counts_refusals_and_justified_exceptions_by_rule_in_the_period(ctx):
    recent = _register(ctx, iv_rejected_on=date(2026, 6, 1))
    with pytest.raises(ReferralBlocked):
        _refer(ctx, recent, "IV", date(2026, 10, 5))
    with pytest.raises(ReferralBlocked):
        _refer(ctx, recent, "IV", date(2026, 10, 6))
    with pytest.raises(ReferralBlocked):
        _refer(ctx, recent, "SD", date(2026, 10, 7), topics=(Topic.FINANCES,))
    with pytest.raises(ReferralBlocked):  # in September: outside the period
        _refer(ctx, recent, "IV", date(2026, 9, 30))
    # a justified exception in the period, and one before it
    _refer(ctx, recent, "IV", date(2026, 10, 8), override="Arztbericht neu, Rücksprache IV")
    other = _register(ctx, "Ausnahme Beat", iv_rejected_on=date(2026, 6, 1))
    _refer(ctx, other, "IV", date(2026, 9, 1), override="Rücksprache mit der IV")
    plain = _register(ctx, "Ohnehürde Carla")
    _refer(ctx, plain, "IV", date(2026, 10, 9))  # no override needed: not an exception

    october = report(ctx, choose(ctx.today, month="2026-10"))
    assert october["refused_by_rule"] == {"iv-rejection-recent": 2, "other-kind": 1}
    assert october["overrides_by_rule"] == {"iv-rejection-recent": 1}
    assert october["overrides"] == 1
    everything = report(ctx, choose(ctx.today))
    assert everything["refused_by_rule"] == {"iv-rejection-recent": 3, "other-kind": 1}
    assert everything["overrides_by_rule"] == {"iv-rejection-recent": 2}


def test_check_stays_read_only_and_the_cli_refusal_exits_1_and_is_counted(run, db_path):
    client = run("register", "--name", "Hürdeler Anna", "--birth-date", "1985-05-05",
                 "--from", "SD", "--consent-on", days_ago(400),
                 "--iv-rejected-on", days_ago(30))
    assert client.exit_code == 0, client.stderr
    client_id = client.stdout.strip()
    before = dump(db_path)
    checked = run("check", client_id, "--to", "IV", "--topics", "health")
    assert checked.exit_code == 1
    assert dump(db_path) == before  # check writes nothing, not even a refusal
    refused = run("refer", client_id, "--to", "IV", "--topics", "health", "--months", "6")
    assert refused.exit_code == 1
    assert "override" in refused.stderr
    figures = json.loads(run("report", "--format", "json").stdout)
    assert figures["refused_by_rule"] == {"iv-rejection-recent": 1}
    assert figures["overrides_by_rule"] == {}
    table = run("report")
    assert table.exit_code == 0, table.stderr
    assert "referrals refused by rule" in table.stdout
    assert "iv-rejection-recent" in table.stdout


# the rules whose label once read as its opposite beside "erfüllt" (issue 16): what passes is the
# absence of the thing
PASSES_WHEN_ABSENT = ("iv-rejection-recent", "iv-procedure-open", "iv-health-registration",
                      "iv-measures-running", "rav-registered-recently", "no-open-referral")


@pytest.mark.parametrize("rule", PASSES_WHEN_ABSENT)
def test_no_german_rule_label_is_a_negative_statement_shown_as_erfuellt(rule):
    from optima_cli.catalogue import de
    from optima_cli.rules.criteria import RULES

    assert rule in {r.id for r in RULES}
    shown = de.LABELS["Rule"][rule]
    assert shown.split()[0] in ("kein", "keine"), f"{rule}: {shown!r} erfüllt reads as its opposite"
    assert de.LABELS["Result"]["pass"] == "erfüllt"
