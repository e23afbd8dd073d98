"""The life of a referral (domain.md): which action is allowed in which status, and what it needs.

referred --accept--> accepted --close--> closed
referred --reject--> rejected
referred/accepted --withdraw--> withdrawn
accepted: extend (3 -> 6 months, once), suspend-search / resume-search (RAV referrer only)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Status,
    WithdrawReason,
)
from optima_cli.rules.dates import add_months

MONTHS = (3, 6)


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    EXTEND = "extend"
    SUSPEND_SEARCH = "suspend-search"
    RESUME_SEARCH = "resume-search"


# (status, action) -> status after the action
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.REFERRED, Action.ACCEPT): Status.ACCEPTED,
    (Status.REFERRED, Action.REJECT): Status.REJECTED,
    (Status.REFERRED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Action.CLOSE): Status.CLOSED,
    (Status.ACCEPTED, Action.EXTEND): Status.ACCEPTED,
    (Status.ACCEPTED, Action.SUSPEND_SEARCH): Status.ACCEPTED,
    (Status.ACCEPTED, Action.RESUME_SEARCH): Status.ACCEPTED,
}


def next_status(case: str, status: Status, action: Action) -> Status:
    """The status after `action`, or a refusal that names the current status."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed_in = sorted({s.value for (s, a) in TRANSITIONS if a == action})
        raise OptimaError(
            f"cannot {action.value} {case}: it is {status.value}; "
            f"{action.value} is only possible when it is {' or '.join(allowed_in)}"
        ) from None


def parse_months(value: int | str) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = -1
    if months not in MONTHS:
        raise UsageProblem(f"--months {value} is not a mandate period; use 3 or 6")
    return months


def mandate_due(accepted_on: date, months: int) -> date:
    """The mandate ends 3 or 6 calendar months after acceptance."""
    return add_months(accepted_on, months)


def require_note(code: RejectReason | WithdrawReason | Cause, note: str | None, option: str) -> None:
    if code.value == "other" and not (note and note.strip()):
        raise UsageProblem(f"{option} other needs a note; add --note \"what happened\"")


def check_close(outcome: Outcome, cause: Cause | None) -> None:
    if outcome == Outcome.NOT_ACHIEVED and cause is None:
        raise UsageProblem(
            "--outcome not-achieved needs a cause; add --cause no-cooperation, not-placeable or other"
        )
    if outcome != Outcome.NOT_ACHIEVED and cause is not None:
        raise UsageProblem(
            f"--cause is only recorded with --outcome not-achieved, not with {outcome.value}"
        )


def check_extend(case: str, months: int, extended_on: date | None) -> None:
    if extended_on is not None or months != 3:
        why = "it was already extended" if extended_on else f"its mandate is {months} months"
        raise OptimaError(f"cannot extend {case}: {why}; a 3-month mandate may be extended once, to 6")


@dataclass(frozen=True)
class SuspensionRequest:
    start: date
    until: date


def check_suspension(
    case: str, referrer_kind: Kind, accepted_on: date, due_on: date, req: SuspensionRequest,
    overlapping_until: date | None,
) -> None:
    """The RAV may suspend job-search duties while another institution works the case,
    at most until the mandate ends."""
    if referrer_kind != Kind.RAV:
        raise OptimaError(
            f"cannot suspend the job search for {case}: it was referred by {referrer_kind}, "
            "only a case referred by a RAV unit can suspend job-search obligations"
        )
    if overlapping_until is not None:
        raise OptimaError(
            f"{case} already has a job-search suspension until {overlapping_until} in that time; "
            "end it with resume-search first, or choose days after it"
        )
    if req.start < accepted_on:
        raise OptimaError(
            f"a suspension from {req.start} would start before the mandate ({accepted_on})"
        )
    if req.until < req.start:
        raise OptimaError(f"--until {req.until} is before --from {req.start}")
    if req.until > due_on:
        raise OptimaError(
            f"cannot suspend the job search for {case} until {req.until}: the mandate ends on "
            f"{due_on}; a suspension may last at most until then"
        )
