"""`optima inbox` (issue 18): what waits for a unit, and reading a handback.

What waits: the referrals to the unit that wait for its decision (days waiting against the decision
deadline of the steering group's settings, counted from the referral: the client waits since
then, also when the referral was forwarded), the open cases to the unit that nobody works yet (no
receiving counsellor: `optima assign`), and the handbacks of the cases it referred that it has not
read, and the follow-ups after the closing of the cases it referred that wait to be recorded
(issue 19). Case ids, units and days only: no name, no free text, so the inbox is no read of personal
data. `inbox --read CASE` shows a handback's text: a read of personal data, logged, and the
handback leaves the inbox.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from optima_cli.errors import OptimaError
from optima_cli.rules import actions, deadlines
from optima_cli.rules import followup as followup_rules
from optima_cli.rules.codes import OPEN_STATUSES, Status
from optima_cli.store import audit, queries
from optima_cli.store import settings as stored_settings
from optima_cli.workflow import followup, lookup
from optima_cli.workflow.cases import store_of
from optima_cli.workflow.context import Context

# what waits, by its key in the JSON and its code in the CSV's `waiting` column
WAITING = (("to_decide", "decision"), ("to_assign", "assignment"), ("handbacks", "handback"),
           ("follow_ups", "follow-up"))


def _units(ctx: Context, session: Any, unit: str | None) -> tuple[list[int], list[str]]:
    """The ids and codes of the units: the one named, every unit of a kind named, or those whose
    contact person the user is; none of those: refused, asking for --unit."""
    if unit is None:
        found = queries.units_of_contact_user(session, ctx.user)
        if not found:
            raise OptimaError.refused("inbox-no-unit", "unit", user=ctx.user)
        return [i.id or 0 for i in found], [i.code for i in found]
    ids = lookup.units(session, unit) or []
    codes = {i.id: i.code for i in queries.institutions(session)}
    ids = sorted(ids, key=lambda i: codes[i])
    return ids, [codes[i] for i in ids]


def inbox(ctx: Context, unit: str | None = None) -> dict[str, Any]:
    """What waits for the units as of today, oldest first."""
    today = ctx.today
    with ctx.read() as session:
        ids, codes = _units(ctx, session, unit)
        decision_days = stored_settings.current(session).decision_days
        received = queries.case_rows(session, today, queries.CaseFilter(
            statuses=list(OPEN_STATUSES), receiver=ids, current=True))
        handbacks = queries.unread_handbacks(session, ids)
        # follow-ups of the cases it referred (issue 19): recordable, not recorded, not overdue
        follow_ups = followup.due_items(session, today,
                                        today + timedelta(days=followup_rules.EARLY_DAYS), ids, None)
    to_decide = []
    for row in received:
        if row["status"] != Status.REFERRED.value:
            continue
        due = deadlines.decision_due(row["referred_on"], decision_days)
        to_decide.append({
            "case": row["case_id"], "referrer": row["referrer"], "receiver": row["receiver"],
            "referred_on": row["referred_on"], "days_waiting": (today - row["referred_on"]).days,
            "decision_due": due, "days_left": (due - today).days, "late": due < today,
            "receiving_counsellor": row["receiving_counsellor"]})
    to_assign = [{"case": row["case_id"], "status": row["status"], "referrer": row["referrer"],
                  "receiver": row["receiver"], "referred_on": row["referred_on"],
                  "decided_on": row["decided_on"]}
                 for row in received if row["receiving_counsellor"] is None]
    return {"units": codes, "as_of": today, "decision_days": decision_days,
            "to_decide": to_decide, "to_assign": to_assign,
            "handbacks": [{"case": h["case"], "referrer": h["referrer"], "receiver": h["receiver"],
                           "closed_on": h["closed_on"], "outcome": h["outcome"],
                           "receiving_counsellor": h["receiving_counsellor"]}
                          for h in handbacks],
            "follow_ups": [{"case": f["case"], "referrer": f["referrer"], "receiver": f["receiver"],
                            "closed_on": f["closed_on"], "months": f["months"],
                            "due_on": f["due_on"]} for f in follow_ups]}


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The inbox as one list (the CSV): each item with what it waits for (`waiting`) first."""
    return [{"waiting": code, **item} for key, code in WAITING for item in data[key]]


def read_handback(ctx: Context, ref: str) -> dict[str, Any]:
    """A closed case's handback, with the case's units and its closing; the read is logged, and
    the first read by the referrer's contact person (`institution set-contact --user`; anyone
    where none is named) takes it out of the referrer's inbox (`handback-read`)."""
    with ctx.write() as session:
        store = store_of(ctx, session)
        referral = lookup.referral(session, ref)
        case, client = store.case(referral)
        # read for the referrer by its contact person (or anyone, where it has named none): a
        # reader of another unit sees it, logged, and leaves it in the referrer's inbox
        contact = lookup.institution(session, case.referrer.code).contact_user
        outcome = actions.read_handback(case, client, ctx.today)
        for_referrer = contact in (None, ctx.user)
        if for_referrer:
            store.save(outcome)
        audit.record(session, actor=ctx.user, action="read", entity="referral",
                     entity_ref=referral.case_id, client_id=referral.client_id,
                     referral_id=referral.id, after={"command": "inbox --read"},
                     now=ctx.now(), source=ctx.source)
        read_on: date | None = (outcome.case.handback_read_on if for_referrer and outcome.case
                                else case.handback_read_on)
        return {"case": case.case_id, "referrer": case.referrer.code,
                "receiver": case.receiver.code, "closed_on": case.closed_on,
                "outcome": case.outcome, "receiving_counsellor": case.receiving_counsellor,
                "handback": case.handback, "handback_read_on": read_on}
