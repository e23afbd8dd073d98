"""What the coordinator looks at: the case list, one case with its history, and what is due."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from optima_cli.catalogue import en
from optima_cli.errors import UsageProblem
from optima_cli.language import t
from optima_cli.records.models import CASE_KEYS, Client
from optima_cli.render import due as due_wording
from optima_cli.rules import actions, deadlines
from optima_cli.rules.codes import GERMAN, OPEN_STATUSES, Status, parse_code
from optima_cli.rules.corrections import AMEND
from optima_cli.rules.identity import parse_case_id
from optima_cli.rules.lifecycle import SearchSuspension
from optima_cli.rules.records import case_record, ordered_topics, with_personal_text
from optima_cli.rules.settings import Settings
from optima_cli.store import audit, queries
from optima_cli.store import settings as stored_settings
from optima_cli.workflow import followup, lookup
from optima_cli.workflow.context import Context
from optima_cli.workflow.journal import entry_record

LIST_FILTERS = ("referred", "accepted", "open", "closed", "rejected", "withdrawn", "all")


def _statuses(name: str) -> list[str] | None:
    key = (name or "").strip().lower()
    if key not in LIST_FILTERS and key in GERMAN[Status].values():  # a status in German
        key = parse_code(Status, key).value
    if key not in LIST_FILTERS:
        raise UsageProblem(t("--status {name!r} is not known; use one of: {choices}", name=name,
                             choices=", ".join(LIST_FILTERS)))
    if key == "all":
        return None
    if key == "open":
        return list(OPEN_STATUSES)
    return [key]


def _with_deadline(record: dict[str, Any], w: deadlines.Window) -> dict[str, Any]:
    deadline = deadlines.deadline_of(record["status"], record["referred_on"], record["due_on"],
                                     w.decision_days)
    record["deadline"] = deadline
    record["deadline_kind"] = ("decision" if record["status"] == "referred"
                               else "mandate-end" if deadline else None)
    record["flag"] = deadlines.flag(deadline, w)
    record["days_left"] = (deadline - w.as_of).days if deadline else None
    return record


@dataclass
class Listing:
    """The first rows of a list, how many rows there are in all, and the warnings over all of
    them: a long list is cut for people, never its counts."""

    records: list[dict[str, Any]]
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    within: int = deadlines.DEFAULT_WITHIN  # the days looked ahead (the settings' if not given)

    @property
    def cut(self) -> bool:
        return self.total > len(self.records)


def list_cases(ctx: Context, status: str = "open", referrer: str | None = None,
               receiver: str | None = None, client: str | None = None,
               as_of: date | None = None, within: int | None = None,
               limit: int | None = None, personal: bool = False) -> Listing:
    """Cases as of a day, soonest deadline first (the first `limit` of them); no names (only
    client ids). The counts of overdue and soon due cases cover every case that matches.
    The free-text notes and override justifications only with `personal`: that read is one
    audit event naming the cases listed."""
    if limit is not None and limit < 0:
        raise UsageProblem(t("--limit must be 0 (all) or more"))
    day = as_of or ctx.today
    statuses = _statuses(status)
    with (ctx.write() if personal else ctx.read()) as session:
        w = _window(session, day, within)
        which = queries.CaseFilter(
            statuses=statuses,
            referrer=lookup.units(session, referrer), receiver=lookup.units(session, receiver),
            client_id=lookup.client(session, client).id if client else None,
            current=day >= ctx.today)
        rows = queries.case_rows(session, day, which, by_deadline=True, limit=limit or None,
                                 decision_days=w.decision_days)
        counts = (queries.deadline_counts(session, day, w.horizon, which, w.decision_days) if limit else
                  {"total": len(rows), **_flag_counts(rows, w)})
        records = [_with_deadline(with_personal_text(case_record(row), personal), w)
                   for row in rows]
        if personal:
            audit.record(session, actor=ctx.user, action="read", entity="list", entity_ref="list",
                         after={"command": "list", "cases": len(records),
                                "case_ids": [r["case"] for r in records]},
                         now=ctx.now(), source=ctx.source)
    total = counts.pop("total")
    return Listing(records, total, counts, w.within)


def _window(session: Any, day: date, within: int | None,
            settings: Settings | None = None) -> deadlines.Window:
    """The window of `list`, `show` and `due` as of `day`: `within` days ahead (the steering
    group's default if None) and its decision days, by the settings in force."""
    settings = settings or stored_settings.current(session)
    return deadlines.window(day, settings.due_days if within is None else within,
                            settings.decision_days)


def _flag_counts(rows: list[dict[str, Any]], w: deadlines.Window) -> dict[str, int]:
    flags = [deadlines.flag(deadlines.deadline_of(r["status"], r["referred_on"], r["due_on"],
                                                  w.decision_days), w)
             for r in rows]
    return {kind.value: flags.count(kind.value)
            for kind in (deadlines.DueKind.OVERDUE, deadlines.DueKind.DUE_SOON)}


def show_case(ctx: Context, ref: str) -> dict[str, Any]:
    """Everything about one case with its history; the read is logged (it shows the client)."""
    with ctx.write() as session:
        referral = lookup.referral(session, ref)
        settings = stored_settings.current(session)
        w = _window(session, ctx.today, None, settings)
        row = queries.case_rows(session, ctx.today, queries.CaseFilter(referral_id=referral.id),
                                decision_days=w.decision_days)[0]
        record = _with_deadline(case_record(row), w)
        client = session.get(Client, referral.client_id)
        assert client is not None
        record["client_name"] = client.name
        record["client_birth_date"] = client.birth_date
        record["findings"] = findings_of(row)
        # the version of the settings in force, beside the one the case was judged under
        record["settings_version_now"] = settings.version
        record["suspensions"] = [  # planned: recorded ahead, to start after today (issue 16)
            {"from": s.start_on, "until": s.until, "ended_on": s.ended_on, "note": s.note,
             "planned": SearchSuspension(s.start_on, s.until, s.ended_on).planned_on(ctx.today)}
            for s in queries.suspensions_of(session, referral.id or 0)
        ]
        # the case journal (issue 18): both units of the case see it; personal, this read is logged
        record["journal"] = [entry_record(e) for e in queries.journal_of(session, referral.id or 0)]
        # measures and their cost (issue 19), struck ones too
        from optima_cli.workflow.measures import of_case as measures_of_case

        record["measures"] = measures_of_case(session, referral.id or 0, referral.case_id)
        # the follow-ups after the closing (issue 19): scheduled, recorded, situation
        record["follow_ups"] = followup.of_case(session, referral)
        # the handback (issue 18): the referrer's contact person opening the case reads it
        record["handback_read_on"] = _handback_read(ctx, session, referral, row["referrer"])
        contact = lookup.institution(session, row["receiver"])
        record["receiver_contact"] = {"name": contact.contact_name, "email": contact.contact_email,
                                      "phone": contact.contact_phone}
        events = audit.history(session, referral.id or 0)  # without the reads, left out in SQL
        record["history"] = [
            {"at": e.at, "user": e.actor, "action": e.action, "on": e.on_date,
             "changes": _changes(e.payload), "why": audit.why_of(e.payload)}
            for e in events
        ]
        # the fields ever corrected (issue 17), in the order of the record
        corrected = {key for e in events if e.action == AMEND
                     for key in audit.changed_keys(e.payload)}
        record["amended"] = [key for key in CASE_KEYS if key in corrected]
        audit.record(session, actor=ctx.user, action="read", entity="referral",
                     entity_ref=referral.case_id, client_id=referral.client_id,
                     referral_id=referral.id, now=ctx.now(), source=ctx.source)
        return record


def _handback_read(ctx: Context, session: Any, referral: Any, referrer: str) -> date | None:
    """The day the handback of a case was read; read now if the user is the contact person of
    the referrer (`institution set-contact --user`) and it was unread."""
    if (referral.handback and referral.handback_read_on is None
            and lookup.institution(session, referrer).contact_user == ctx.user):
        from optima_cli.workflow.cases import store_of

        store = store_of(ctx, session)
        case, client = store.case(referral)
        store.save(actions.read_handback(case, client, ctx.today))
    return referral.handback_read_on


def _changes(payload: str | None) -> dict[str, Any]:
    """The `after` values of an event (what the event set), without the bulky findings."""
    if not payload:
        return {}
    after = json.loads(payload).get("after") or {}
    # a journal entry's text is shown in the journal, not again in the history
    return {k: v for k, v in after.items()
            if k not in ("findings", "text") and v not in (None, [], "")}


def due_day(kind: deadlines.DueKind, row: dict[str, Any],
            decision_days: int) -> tuple[date, date | None]:
    """The day a `due` warning of a case is about, and the other day its sentence names (the
    referral of a late decision, the mandate end of a suspension): `due` and `notify` say them."""
    if kind in (deadlines.DueKind.OVERDUE, deadlines.DueKind.DUE_SOON):
        return row["due_on"], None
    if kind == deadlines.DueKind.DECISION_LATE:
        return deadlines.decision_due(row["referred_on"], decision_days), row["referred_on"]
    return row["search_suspended_until"], row["due_on"]


def due(ctx: Context, as_of: date | None = None, within: int | None = None,
        limit: int | None = None, referrer: str | None = None,
        receiver: str | None = None) -> Listing:
    """Every deadline warning as of a day, soonest first (the first `limit` of them); the
    counts per kind of warning cover all. `within`: the steering group's default if None."""
    if within is not None and within < 0:
        raise UsageProblem(t("--within must be 0 or more days"))
    if limit is not None and limit < 0:
        raise UsageProblem(t("--limit must be 0 (all) or more"))
    day = as_of or ctx.today
    with ctx.read() as session:
        w = _window(session, day, within)
        which = queries.CaseFilter(referrer=lookup.units(session, referrer),
                                   receiver=lookup.units(session, receiver))
        found = queries.due_rows(session, day, w.horizon, w.decision_cutoff,
                                 current=day >= ctx.today, limit=limit or None, which=which,
                                 decision_days=w.decision_days)
    warnings: list[dict[str, Any]] = []
    for kind_name, (_, rows) in found.items():
        kind = deadlines.DueKind(kind_name)
        for row in rows:
            when, extra = due_day(kind, row, w.decision_days)
            warnings.append({
                "warning": kind.value,
                "case": row["case_id"],
                "status": row["status"],
                "referrer": row["referrer"],
                "receiver": row["receiver"],
                "date": when,
                "days": (when - day).days,
                "message": due_wording.message(kind, row["case_id"], when, day, extra),
            })
    joint = _joint_warnings(ctx, w, referrer, receiver)
    warnings += joint
    follow_ups = _follow_up_warnings(ctx, w, referrer, receiver)
    warnings += follow_ups
    order = list(deadlines.DueKind)
    warnings.sort(key=lambda w_: (w_["date"], order.index(deadlines.DueKind(w_["warning"])),
                                  parse_case_id(w_["case"]) or (0, 0)))
    counts = {kind: n for kind, (n, _) in found.items()}
    for kind in (deadlines.DueKind.REVIEW_OVERDUE, deadlines.DueKind.REVIEW_DUE):
        counts[kind.value] = sum(1 for w_ in joint if w_["warning"] == kind.value)
    counts[deadlines.DueKind.FOLLOW_UP_DUE.value] = len(follow_ups)
    return Listing(warnings[:limit] if limit else warnings, sum(counts.values()), counts)


def _joint_warnings(ctx: Context, w: deadlines.Window, lead: str | None,
                    partner: str | None) -> list[dict[str, Any]]:
    """The `due` lines of joint strategies whose next review is overdue or due in the window
    (workflow/joint.py); `--from` filters their lead, `--to` the other units."""
    from optima_cli.workflow.joint import due_warnings

    with ctx.read() as session:
        found = due_warnings(session, w, lookup.units(session, lead), lookup.units(session, partner))
    return [{
        "warning": kind.value, "case": r["joint"], "status": r["status"], "referrer": r["lead"],
        "receiver": ",".join(r["with"]), "date": r["review_on"],
        "days": (r["review_on"] - w.as_of).days,
        "message": due_wording.message(kind, r["joint"], r["review_on"], w.as_of, r["lead"]),
    } for kind, r in found]


def _follow_up_warnings(ctx: Context, w: deadlines.Window, referrer: str | None,
                        receiver: str | None) -> list[dict[str, Any]]:
    """The `due` lines of follow-ups after a closing (issue 19) not recorded, from their due day
    (within the window) until their recording time ends a month after it; for the referrer."""
    kind = deadlines.DueKind.FOLLOW_UP_DUE
    with ctx.read() as session:
        found = followup.due_items(session, w.as_of, w.horizon,
                                   lookup.units(session, referrer), lookup.units(session, receiver))
    return [{
        "warning": kind.value, "case": r["case"], "status": r["status"], "referrer": r["referrer"],
        "receiver": r["receiver"], "date": r["due_on"], "days": (r["due_on"] - w.as_of).days,
        "message": due_wording.message(kind, r["case"], r["due_on"], w.as_of, str(r["months"])),
    } for r in found]


def examples(ctx: Context, topic: str | None = None, receiver: str | None = None) -> list[dict[str, Any]]:
    """Closed referrals that worked (goal achieved or partly), as anonymous examples: which pair of
    institutions, on what topics and goal, how long it took. No client data is read."""
    from optima_cli.rules.codes import Topic, parse_code

    topic_code = parse_code(Topic, topic).value if topic else None
    with ctx.read() as session:
        rows = queries.example_rows(session, topic_code, lookup.units(session, receiver))
    return [{
        "referrer": r["referrer"], "receiver": r["receiver"],
        "topics": ordered_topics(r["topics"]), "goal": r["goal"], "months": r["months"],
        "days_to_decision": (r["decided_on"] - r["referred_on"]).days,
        "days_to_close": (r["closed_on"] - r["decided_on"]).days,
        "outcome": r["outcome"], "employed": r["employed"],
    } for r in rows]


def findings_of(row: dict[str, Any]) -> list[dict[str, str]]:
    """The findings stored with a referral (keys and values), their sentences in the reader's
    language."""
    return [en.shown_finding(found) for found in json.loads(row["findings"] or "[]")]
