"""`optima report`: the figures of a period, and the workbook for the steering group.

The report's transaction: one read that asks store/report.py for the counts, shapes them with
rules/figures.py and hands them to render/ (cli/report.py parses the options)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.rules import figures, publish
from optima_cli.rules import series as series_rules
from optima_cli.rules.codes import Outcome
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
from optima_cli.workflow import followup, joint, measures
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
    first = q.first_referral(session) if start is None else None
    counted = _counted(session, start, end, by, keys, period.as_of)
    return {
        "period": {"name": period.name, "from": start or (min(first, period.end) if first else None),
                   "to": period.end, "as_of": period.as_of},
        "by": by,
        **{k: counted[k] for k in ("referrals", "accepted", "rejected", "withdrawn", "closed")},
        "open_at_end": q.open_at(session, period.state_day),
        "durations": {
            "median_days_to_decision": figures.median_days(q.decision_days(session, start, end)),
            "median_days_accepted_to_closed": figures.median_days(q.mandate_days(session, start, end)),
        },
        "topics": figures.topics(q.topic_counts(session, start, end)),
        "overrides": counted["overrides"],
        # referrals forwarded to another unit of their kind (issue 18), each counted once
        "forwarded": counted["forwarded"],
        # every hurdle counted (issue 16): refused `refer`s and justified exceptions, by rule
        "refused_by_rule": figures.by_rule(q.refused_by_rule(session, start, end)),
        "overrides_by_rule": figures.overrides_by_rule(q.override_findings(session, start, end)),
        # the steering group's settings changed in the period (issue 16): day, key, before, after
        "settings_changes": stored_settings.changes_between(session, start, end),
        # joint strategies (issue 18): opened, closed by outcome, lead by kind, open at the end
        "joint": joint.report_section(session, start, end, by, keys),
        # follow-ups 6 and 12 months after the closing (issue 19), by the period of their due day
        "follow_up": counted["follow_up"],
        # measures and their cost (issue 19): requested, approved, declined by kind, payer and
        # receiver group, costs covered, pending at the end; amounts as strings ("1200.50")
        "measures": counted["measures"],
        # the demo's invented data (`optima demo`): its outcomes and durations are invented
        "demo": read_meta(session, "demo") == "1",
    }


def _counted(session: Any, start: date | None, end: date, by: str,
             keys: list[str], as_of: date, stock: bool = True) -> dict[str, Any]:
    """The report's counts of the events of a period (they add up over sub-periods): referrals,
    decisions, withdrawals, closings, overrides, forwards, follow-ups (by their due day; recorded
    or overdue as of `as_of`), measures. The report and its series (`report --series`) both count
    them here; a series without the measures pending at each end (`stock`), which it does not
    show and which would read the whole table for every sub-period."""
    group = q.group_of_unit(session, by)
    referred = q.referral_cells(session, start, end)
    decided = q.decision_cells(session, start, end)
    return {
        "referrals": figures.referrals(keys, [(group[a], group[b], n) for a, b, n, _ in referred]),
        "accepted": figures.by_receiver(keys, [(group[c.receiver_id], c.accepted) for c in decided]),
        "rejected": figures.rejected(keys, [(group[c.receiver_id], c.reason, c.rejected)
                                            for c in decided if c.rejected]),
        "withdrawn": figures.by_receiver(keys, [(group[c.receiver_id], c.withdrawn) for c in decided]),
        "closed": figures.closed(keys, [(group[c.receiver_id], c.outcome, c.cause, c.employed, c.closed)
                                        for c in decided if c.closed]),
        # per receiver group: closings achieved and closings with the client employed (issue 19)
        "achieved_by_receiver": figures.zero_filled(keys, [
            (group[c.receiver_id], c.closed) for c in decided if c.closed and c.outcome == Outcome.ACHIEVED]),
        "employed_by_receiver": figures.zero_filled(keys, [
            (group[c.receiver_id], c.closed) for c in decided if c.closed and c.employed]),
        "overrides": sum(overrides for *_, overrides in referred),
        # referrals forwarded to another unit of their kind (issue 18), each counted once
        "forwarded": q.forwarded(session, start, end),
        # measures and their cost (issue 19): requested, approved, declined by kind, payer and
        # receiver group, costs covered, pending at the end; amounts as strings ("1200.50")
        "measures": measures.report_section(session, start, end, by, keys, pending=stock),
        # follow-ups 6 and 12 months after the closing (issue 19), by the period of their due day
        "follow_up": followup.report_section(session, start, end, as_of, by, keys, group),
    }


def _series(session: Any, period: Period, unit: str, by: str) -> dict[str, Any]:
    """The key figures of each sub-period (month, quarter or year) of the period, counted by the
    report's own counts (`_counted`) up to the as-of day; the first and the last sub-period may
    be partial. Without a start: from the first referral on."""
    keys = q.groups(session, by)
    start = period.start or q.first_referral(session) or period.state_day
    start = min(start, period.end)
    periods = []
    for name, first, last in series_rules.cut(start, period.end, unit):
        counted = _counted(session, first, min(last, period.as_of), by, keys, period.as_of,
                           stock=False)
        periods.append({"period": name, "from": first, "to": last,
                        **series_rules.values(counted, keys)})
    columns = [key for key, *_ in series_rules.columns(keys)]
    return {"series": unit, "from": start, "to": period.end, "as_of": period.as_of, "by": by,
            "groups": keys, "columns": columns, "periods": periods,
            "total": series_rules.total(periods, columns)}


def series(ctx: Context, period: Period, unit: str, by: str = "kind",
           as_recorded: date | None = None) -> dict[str, Any]:
    """The series of the period (`report --series`): its key figures per month, quarter or year,
    each sub-period counted as the report counts a period; the total row is their sum."""
    by = _check_by(by)
    unit = _check_unit(unit)
    with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
        return {**_series(session, period, unit, by), "as_recorded": then}


def _check_unit(unit: str) -> str:
    key = (unit or "").strip().lower()
    if key not in series_rules.UNITS:
        raise UsageProblem(t("--series {unit!r} is not known; use month, quarter or year", unit=unit))
    return key


def trend_period(period: Period, unit: str | None) -> tuple[Period, str]:
    """The series of the workbook's Trend sheet: the report's own period cut by `unit` when
    `--series` was given; else the 12 months ending with the report's period (the monthly cron
    workbook's trend)."""
    if unit is not None:
        return period, _check_unit(unit)
    end = period.end
    start = (end.replace(day=1) - relativedelta(months=11))
    return Period(f"{start:%Y-%m}_{end}", start, end, period.as_of), "month"


def _check_publish(by: str, publish_it: bool) -> None:
    """Figures are published by kind only: by unit nearly every group is too small to publish,
    and the two groupings of one period side by side would give hidden cells away."""
    if publish_it and by != "kind":
        raise UsageProblem(t("--publish gives the figures by kind only: by unit the groups are too "
                             "small to publish, and both groupings together would give hidden "
                             "counts away; leave out --by {by}", by=by))


def _published(session: Any, data: dict[str, Any], publish_it: bool) -> dict[str, Any]:
    """The figures as published (`--publish`, rules/publish.py): every count below the setting
    publish-threshold hidden, and the cells it could be worked out from; `published` None without.
    The reader knows that a unit never refers to a unit of its own kind: those cells of the
    referral matrix are zero by the rules, and are taken as known."""
    if not publish_it:
        return {**data, "published": None}
    threshold = stored_settings.current(session).publish_threshold
    kind_of, group = q.group_of_unit(session, "kind"), q.group_of_unit(session, data["by"])
    kinds = {group[unit]: kind for unit, kind in kind_of.items()}
    keys = list(data["referrals"]["matrix"])
    known = [("referrals", "matrix", a, b) for a in keys for b in keys
             if kinds.get(a, a) == kinds.get(b, b)]
    return publish.publish(data, threshold, figures.SUMS, figures.MEASURED, figures.NOT_COUNTED,
                           known, figures.AMOUNTS, figures.AT_LEAST)


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
           as_recorded: date | None = None, publish_it: bool = False) -> dict[str, Any]:
    """Every figure of the period; counts no names, so nothing personal is read. With
    `as_recorded`, as the database held them at the end of that day: before the corrections and
    the late entries made since. With `publish_it`, as safe to publish (`_published`)."""
    by = _check_by(by)
    _check_publish(by, publish_it)
    with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
        return _published(session, {**_figures(session, period, by), "as_recorded": then},
                          publish_it)


def _case_rows(session: Any, period: Period, personal: bool) -> Iterator[dict[str, Any]]:
    """The case records of the workbook, one at a time as the store reads them (a large period's
    are never all held at once): read them before the session ends."""
    # the deadlines as the steering group's settings had them on the period's last day
    settings = stored_settings.as_of(session, period.state_day)
    w = window(period.state_day, settings.due_days, settings.decision_days)
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
        yield record


def export(ctx: Context, period: Period, target: str, by: str = "kind",
           personal: bool = False,
           progress: Callable[[int, int], None] | None = None,
           as_recorded: date | None = None,
           series_unit: str | None = None,
           publish_it: bool = False) -> tuple[dict[str, Any], Path]:
    """Write the workbook (atomically) and return the figures and the file's path.
    An export with personal data is recorded in the audit trail. `progress(done, total)` hears
    of the rows written. The Trend sheet cuts the period by `series_unit` when given, else shows
    the 12 months ending with the period (`trend_period`). With `publish_it`, the figures as safe
    to publish, and no case rows, no Trend sheet and no Summary by unit."""
    by = _check_by(by)
    _check_publish(by, publish_it)
    if publish_it and personal:
        raise UsageProblem(t("--publish writes figures safe to publish; it cannot carry "
                             "--with-personal-data"))
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
        return _export(ctx, period, path, by, personal, progress, as_recorded,
                       trend_period(period, series_unit), publish_it)
    except OSError as exc:
        raise OptimaError(t("cannot write {path}: {problem}", path=path,
                            problem=exc.strerror or exc)) from None


def _export(ctx: Context, period: Period, path: Path, by: str, personal: bool,
            progress: Callable[[int, int], None] | None,
            as_recorded: date | None, trend: tuple[Period, str],
            publish_it: bool = False) -> tuple[dict[str, Any], Path]:
    from optima_cli.render.workbook import write_workbook

    def extra(session: Any) -> dict[str, Any]:  # the Trend sheet and the Summary's units
        return {"trend": _series(session, *trend, by),
                "units": _counted(session, period.start, period.state_day, "institution",
                                  q.groups(session, "institution"), period.as_of)}

    with into_place(path) as temp:  # moved onto `path` only when the block ends without error
        if personal:
            with ctx.write() as session:
                with _as_recorded(ctx, session, as_recorded) as then:
                    data = {**_figures(session, period, by), "as_recorded": then,
                            "published": None}
                    joints = joint.report_rows(session, period.start, period.state_day)
                    more = extra(session)
                    count = q.count_active_cases(session, period.start, period.state_day)
                    # the cases read as they are written, never all held at once
                    write_workbook(temp, data, _case_rows(session, period, personal), personal,
                                   progress, scratch_folder(temp), joints, **more, count=count)
                # recorded in the transaction the cases were read in: if writing failed, nothing
                # is recorded, and if recording fails, the file is not moved into place
                audit.record(session, actor=ctx.user, action="export-personal-data", entity="report",
                             entity_ref=path.name, after={"file": str(path.resolve()),
                                                          "period": period.name, "cases": count},
                             now=ctx.now(), source=ctx.source)
            # and the file reaches `path` only once its export is recorded (committed)
        elif publish_it:  # the figures alone: case rows are microdata, never published
            with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
                data = _published(session, {**_figures(session, period, by), "as_recorded": then},
                                  True)
            write_workbook(temp, data, [], personal, progress, scratch_folder(temp), [])
        else:
            with ctx.read() as session, _as_recorded(ctx, session, as_recorded) as then:
                data = {**_figures(session, period, by), "as_recorded": then, "published": None}
                joints = joint.report_rows(session, period.start, period.state_day)
                more = extra(session)
                count = q.count_active_cases(session, period.start, period.state_day)
                # the cases read as they are written: never all held at once
                write_workbook(temp, data, _case_rows(session, period, personal), personal,
                               progress, scratch_folder(temp), joints, **more, count=count)
    return data, path
