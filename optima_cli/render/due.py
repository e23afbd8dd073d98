"""The wording of deadlines: what `due` says of a warning, how far a deadline is (rules/deadlines.py
decides what is due; this says it in the language of the command)."""

from __future__ import annotations

from datetime import date

from optima_cli.language import current, label, plural, t
from optima_cli.rules.deadlines import DueKind

WARNING_LABELS = {
    DueKind.OVERDUE: "mandate overdue",
    DueKind.DUE_SOON: "mandate ends soon",
    DueKind.DECISION_LATE: "decision pending too long",
    DueKind.SUSPENSION_ENDING: "job-search suspension ends soon",
    DueKind.SUSPENSION_OUTLASTS: "job-search suspension outlasts the mandate",
    DueKind.REVIEW_OVERDUE: "joint strategy review overdue",
    DueKind.REVIEW_DUE: "joint strategy review due soon",
    DueKind.FOLLOW_UP_DUE: "follow-up due",
}


def describe(deadline: date, as_of: date) -> str:
    """`3 days overdue`, `today`, `in 5 days` (in the language of the command)."""
    return describe_days((deadline - as_of).days)


def describe_days(days: int) -> str:
    """`3 days overdue`, `today`, `in 5 days` for a case's `days_left`."""
    if days < 0:
        return plural(-days, "1 day overdue", "{days} days overdue", days=-days)
    if days == 0:
        return t("today")
    return plural(days, "in 1 day", "in {days} days", days=days)


def warning_name(kind: DueKind) -> str:
    """What a kind of warning is called: `mandate ends soon` (English), else its label."""
    return WARNING_LABELS[kind] if current() == "en" else label("DueKind", kind)


def message(kind: DueKind, case: str, day: date, as_of: date, extra: date | str | None = None) -> str:
    """One sentence for a `due` warning."""
    when = describe(day, as_of)
    if kind == DueKind.OVERDUE:
        return t("{case}: mandate ended on {day} ({when}); close or withdraw it",
                 case=case, day=day, when=when)
    if kind == DueKind.DUE_SOON:
        return t("{case}: mandate ends on {day} ({when}); close it or extend a 3-month mandate",
                 case=case, day=day, when=when)
    if kind == DueKind.DECISION_LATE:
        assert isinstance(extra, date)
        return t("{case}: referred on {referred_on}, waiting for a decision since {days} days",
                 case=case, referred_on=extra, days=(as_of - extra).days)
    if kind in (DueKind.REVIEW_OVERDUE, DueKind.REVIEW_DUE):
        return t("{joint}: joint strategy led by {lead}, review due on {day} ({when}); record it "
                 "with joint review", joint=case, lead=extra, day=day, when=when)
    if kind == DueKind.FOLLOW_UP_DUE:
        return t("{case}: follow-up {months} months after the closing due on {day} ({when}); "
                 "record it with optima follow-up {case} --at {months}", case=case, months=extra,
                 day=day, when=when)
    if kind == DueKind.SUSPENSION_ENDING:
        return t("{case}: job-search suspension ends on {day} ({when})",
                 case=case, day=day, when=when)
    return t("{case}: job-search suspension until {day} outlasts the mandate ending {mandate_end}",
             case=case, day=day, mandate_end=extra)
