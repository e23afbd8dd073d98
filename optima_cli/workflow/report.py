"""`optima report`: the figures of a period, and the workbook for the steering group.

The report's transaction: one read that asks store/report.py for the counts, shapes them with
rules/figures.py and hands them to render/ (cli/report.py parses the options)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.rules import figures
from optima_cli.rules.deadlines import derived, window
from optima_cli.rules.periods import Period
from optima_cli.rules.records import PERSONAL_TEXT, case_record
from optima_cli.store import as_recorded as recorded
from optima_cli.store import audit
from optima_cli.store import report as q
from optima_cli.store import settings as stored_settings
from optima_cli.store.engine import read_meta
from optima_cli.store.location import named
from optima_cli.store.maintenance import into_place, scratch_folder
from optima_cli.workflow import followup, joint
from optima_cli.workflow.context import Context

GROUPINGS = ("kind", "institution")


def _check_by(by: str) -> str:
    key = (by or "").strip().lower()
    if key not in GROUPINGS:
        raise UsageProblem(t("--by {by!r} is not known; use kind or institution", by=by))
    return key


def _figures(session: Any, period: Period, by: str) -> dict[str, Any]:
    # events are counted up to the period's end, but not beyond the as-of day: "as known then"
    start, end = period.start, period.state_day
    keys = q.groups(session, by)
    group = q.group_of_unit(session, by)
    first = q.first_referral(session) if start is None else None
    referred = q.referral_cells(session, start, end)
    decided = q.decision_cells(session, start, end)
    return {
        "period": {"name": period.name, "from": start or (min(first, period.end) if first else None),
                   "to": period.end, "as_of": period.as_of},
        "by": by,
        "referrals": figures.referrals(keys, [(group[a], group[b], n) for a, b, n, _ in referred]),
        "accepted": figures.by_receiver(keys, [(group[c.receiver_id], c.accepted) for c in decided]),
        "rejected": figures.rejected(keys, [(group[c.receiver_id], c.reason, c.rejected)
                                            for c in decided if c.rejected]),
        "withdrawn": figures.by_receiver(keys, [(group[c.receiver_id], c.withdrawn) for c in decided]),
        "closed": figures.closed(keys, [(group[c.receiver_id], c.outcome, c.cause, c.employed, c.closed)
                                        for c in decided if c.closed]),
        "open_at_end": q.open_at(session, period.state_day),
        "durations": {
            "median_days_to_decision": figures.median_days(q.decision_days(session, start, end)),
            "median_days_accepted_to_closed": figures.median_days(q.mandate_days(session, start, end)),
        },
        "topics": figures.topics(q.topic_counts(session, start, end)),
        "overrides": sum(overrides for *_, overrides in referred),
        # referrals forwarded to another unit of their kind (issue 18), each counted once
        "forwarded": q.forwarded(session, start, end),
        # every hurdle counted (issue 16): refused `refer`s and justified exceptions, by rule
        "refused_by_rule": figures.by_rule(q.refused_by_rule(session, start, end)),
        "overrides_by_rule": figures.overrides_by_rule(q.override_findings(session, start, end)),
        # the steering group's settings changed in the period (issue 16): day, key, before, after
        "settings_changes": stored_settings.changes_between(session, start, end),
        # joint strategies (issue 18): opened, closed by outcome, lead by kind, open at the end
        "joint": joint.report_section(session, start, end, by, keys),
        # follow-ups 6 and 12 months after the closing (issue 19), by the period of their due day
        "follow_up": followup.report_section(session, start, end, period.as_of, by, keys, group),
        # the demo's invented data (`optima demo`): its outcomes and durations are invented
        "demo": read_meta(session, "demo") == "1",
    }


@contextmanager
def _as_recorded(ctx: Context, session: Any, day: date | None) -> Iterator[dict[str, Any] | None]:
    """The block's queries see the cases as recorded at the end of `day` (store/as_recorded.py);
    without a day, as they are (with every correction)."""
    if day is None:
        yield None
        return
    if day > ctx.today:
        raise UsageProblem(t("--as-recorded {day} is in the future; give a day up to today",
                             day=day))
    with recorded.shadowed(session, day) as then:
        yield then.as_dict()


def report(ctx: Context, period: Period, by: str = "kind",
           as_recorded: date | None = None) -> dict[str, Any]:
    """Every figure of the period; counts no names, so nothing personal is read. With
    `as_recorded`, as the database held them at the end of that day: before the corrections and
    the late entries made since."""
    by = _check_by(by)
    with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
        return {**_figures(session, period, by), "as_recorded": then}


def _case_rows(session: Any, period: Period, personal: bool) -> list[dict[str, Any]]:
    # the deadlines as the steering group's settings had them on the period's last day
    settings = stored_settings.as_of(session, period.state_day)
    w = window(period.state_day, settings.due_days, settings.decision_days)
    rows = []
    for row in q.active_cases(session, period.start, period.state_day, period.state_day, personal):
        record = case_record(row)
        if not personal:  # free text may name the client or their health: only with personal data
            record.update(dict.fromkeys(PERSONAL_TEXT))
            record["override"] = bool(row["override"])  # only whether a justification exists
        record.update(derived(record, w))
        if personal:
            record["client_name"] = row["client_name"]
            record["client_ahv"] = row["client_ahv"]
            record["client_birth_date"] = row["client_birth_date"]
        rows.append(record)
    return rows


def export(ctx: Context, period: Period, target: str, by: str = "kind",
           personal: bool = False,
           progress: Callable[[int, int], None] | None = None,
           as_recorded: date | None = None) -> tuple[dict[str, Any], Path]:
    """Write the workbook (atomically) and return the figures and the file's path.
    An export with personal data is recorded in the audit trail. `progress(done, total)` hears
    of the rows written."""
    by = _check_by(by)
    path = Path(named(target, "--xlsx", "optima-{period}.xlsx").replace("{period}", period.name)
                ).expanduser()
    if path.is_dir():
        raise UsageProblem(t("--xlsx {path} is a folder; give a file name like "
                             "optima-{{period}}.xlsx", path=path))
    if path.suffix.lower() != ".xlsx":
        raise UsageProblem(t("--xlsx {path} should end in .xlsx", path=path))
    if not path.parent.is_dir():
        raise OptimaError(t("cannot write {path}: the folder {folder} does not exist", path=path,
                            folder=path.parent))
    try:
        return _export(ctx, period, path, by, personal, progress, as_recorded)
    except OSError as exc:
        raise OptimaError(t("cannot write {path}: {problem}", path=path,
                            problem=exc.strerror or exc)) from None


def _export(ctx: Context, period: Period, path: Path, by: str, personal: bool,
            progress: Callable[[int, int], None] | None,
            as_recorded: date | None) -> tuple[dict[str, Any], Path]:
    from optima_cli.render.workbook import write_workbook

    with into_place(path) as temp:  # moved onto `path` only when the block ends without error
        if personal:
            with ctx.write() as session:
                with _as_recorded(ctx, session, as_recorded) as then:
                    data = {**_figures(session, period, by), "as_recorded": then}
                    cases = _case_rows(session, period, personal)
                    joints = joint.report_rows(session, period.start, period.state_day)
                audit.record(session, actor=ctx.user, action="export-personal-data", entity="report",
                             entity_ref=path.name, after={"file": str(path.resolve()),
                                                          "period": period.name, "cases": len(cases)},
                             now=ctx.now(), source=ctx.source)
                # written inside the transaction: if writing fails, the audit event is rolled back
                write_workbook(temp, data, cases, personal, progress, scratch_folder(temp), joints)
            # and the file reaches `path` only once its export is recorded (committed)
        else:
            with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
                data = {**_figures(session, period, by), "as_recorded": then}
                cases = _case_rows(session, period, personal)
                joints = joint.report_rows(session, period.start, period.state_day)
            write_workbook(temp, data, cases, personal, progress, scratch_folder(temp), joints)
    return data, path
