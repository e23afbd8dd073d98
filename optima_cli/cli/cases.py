"""refer, accept, reject, withdraw, extend, suspend-search, resume-search, close."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from optima_cli.catalogue.en import ruled
from optima_cli.cli.options import (
    CauseOpt,
    FormatOpt,
    Note,
    On,
    OutcomeOpt,
    Topics,
    asked_on_terminal,
    code_parser,
    context,
    date_option,
    emit,
    require,
    terminal,
    with_field_options,
    yes_no,
)
from optima_cli.language import label, t
from optima_cli.render.formats import Format
from optima_cli.rules import codes
from optima_cli.rules.records import GIVEN

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)

Case = Annotated[str, typer.Argument(metavar="CASE", help="Case id, like OPT-2026-0001.")]
Counsellor = Annotated[str | None, typer.Option("--counsellor", metavar="NAME", help="Counsellor who works the case.")]


def _done(result: dict[str, Any], fmt: Format, value: str, sentence: str) -> None:
    """A changed case: the key value on stdout, a sentence on stderr; or the case as JSON/CSV."""
    if fmt == Format.TABLE:
        typer.echo(value)
        terminal.message(sentence)
    else:
        emit(result, fmt, lambda d: None)


@app.command()
@with_field_options([f for f in GIVEN if f.option])  # a case's fields that no rule reads
def refer(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Argument(metavar="CLIENT", help="Client id or AHV number.")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="INST", help="Receiving unit.")] = None,
    topics: Topics = None,
    months: Annotated[int | None, typer.Option("--months", metavar="3|6", help="Mandate period.")] = None,
    goal: Annotated[str | None, typer.Option(
        "--goal", metavar="TEXT", help="What the handover should achieve.")] = None,
    referrer: Annotated[str | None, typer.Option(
        "--from", metavar="INST", help="Referring unit (default: where the client is registered).")] = None,
    counsellor: Annotated[str | None, typer.Option(
        "--counsellor", metavar="NAME", help="Referring counsellor (default: the client's counsellor).")] = None,
    on: On = None,
    override: Annotated[str | None, typer.Option(
        "--override", metavar="TEXT", help="Justification for deviating from a hard access rule.")] = None,
    fmt: FormatOpt = Format.TABLE,
    **given: Any,
) -> None:
    """Refer a client to another institution; prints the case id.

    The access criteria are checked first (see `optima check`): a never rule refuses, a hard rule
    refuses unless --override records a justification. Asks for missing values on a terminal,
    whether the problem is workable in the mandate (--workable; a script that does not say it
    gets a warning) and the goal.

    Example: optima refer C-0001 --to RAV --topics placement,finances --months 3 --workable yes --goal "Stelle finden"
    """
    from optima_cli.cli.options import _topics
    from optima_cli.rules.lifecycle import parse_months
    from optima_cli.workflow import lookup
    from optima_cli.workflow.cases import Refer
    from optima_cli.workflow.cases import refer as do_refer

    c = context(ctx)
    client = require(client, "CLIENT", t("Client id"), lambda a: lookup.known(c, lookup.client, a))
    to = require(to, "--to", t("Refer to (RAV, IV, SD, ...)"),
                 lambda a: lookup.known(c, lookup.institution, a))
    topic_codes: tuple[codes.Topic, ...] = require(
        topics, "--topics", t("Topics ({choices})", choices=codes.choices(codes.Topic)), _topics)
    months = require(months, "--months", t("Months (3 or 6)"), parse_months)
    given["workable"] = asked_on_terminal(given.get("workable"), "--workable", t(
        "Can the problem plausibly be improved within {months} months? (yes/no)", months=months),
        yes_no)
    goal = asked_on_terminal(goal, "--goal", t("Goal of the handover (empty: none)"), str.strip,
                             optional=True)
    referred = do_refer(c, Refer(client=client, to=to, topics=topic_codes, months=months,
                                 goal=goal, referrer=referrer, counsellor=counsellor,
                                 on=on, override=override,
                                 given=tuple((f.name, given.get(f.name)) for f in GIVEN)))
    result = referred.record
    for finding in result["findings"]:
        if finding["result"] == "warn":
            terminal.warning(ruled(finding))
    if referred.override_ignored:
        terminal.warning(t("--override not stored: no hard rule blocks this referral"))
    values = {"case": result["case"], "referrer": result["referrer"],
              "receiver": result["receiver"], "months": result["months"]}
    _done(result, fmt, result["case"],
          t("{case} referred: {referrer} → {receiver}, {months} months (override recorded)", **values)
          if result["override"] else
          t("{case} referred: {referrer} → {receiver}, {months} months", **values))


@app.command()
def accept(ctx: typer.Context, case: Case, counsellor: Counsellor = None, on: On = None,
           fmt: FormatOpt = Format.TABLE) -> None:
    """Accept a referral: the mandate starts; prints the date it ends.

    Example: optima accept OPT-2026-0001 --counsellor "B. Keller" --on 20.11.2026
    """
    from optima_cli.workflow.cases import accept as do_accept

    r = do_accept(context(ctx), case, counsellor, on)
    _done(r, fmt, r["due_on"].isoformat(),
          t("{case} accepted; the mandate ends on {due_on}", case=r["case"], due_on=r["due_on"]))


@app.command()
def reject(
    ctx: typer.Context, case: Case,
    reason: Annotated[codes.RejectReason, typer.Option(
        "--reason", parser=code_parser(codes.RejectReason), metavar="CODE",
        help=f"Why: {codes.choices(codes.RejectReason)}; other needs --note.")],
    note: Note = None, on: On = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Reject a referral with a coded reason.

    Example: optima reject OPT-2026-0001 --reason iv-rejection-recent
    """
    from optima_cli.workflow.cases import reject as do_reject

    r = do_reject(context(ctx), case, reason, note, on)
    _done(r, fmt, r["case"], t("{case} rejected ({reason})", case=r["case"],
                               reason=label("RejectReason", r["reason"])))


@app.command()
def withdraw(
    ctx: typer.Context, case: Case,
    reason: Annotated[codes.WithdrawReason, typer.Option(
        "--reason", parser=code_parser(codes.WithdrawReason), metavar="CODE",
        help="consent-withdrawn or other (other needs --note).")],
    note: Note = None, on: On = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Withdraw a referral, before or after acceptance.

    With consent-withdrawn the client's consent is recorded as withdrawn too, which stops new
    referrals until consent is given again.

    Example: optima withdraw OPT-2026-0001 --reason consent-withdrawn --on 2026-11-18
    """
    from optima_cli.workflow.cases import withdraw as do_withdraw

    r = do_withdraw(context(ctx), case, reason, note, on)
    _done(r, fmt, r["case"], t("{case} withdrawn ({reason})", case=r["case"],
                               reason=label("WithdrawReason", r["reason"])))


@app.command()
def extend(ctx: typer.Context, case: Case, on: On = None, fmt: FormatOpt = Format.TABLE) -> None:
    """Extend a 3-month mandate to 6 months (once); prints the new end date.

    Example: optima extend OPT-2026-0001
    """
    from optima_cli.workflow.cases import extend as do_extend

    r = do_extend(context(ctx), case, on)
    _done(r, fmt, r["due_on"].isoformat(),
          t("{case} extended to 6 months; ends on {due_on}", case=r["case"], due_on=r["due_on"]))


@app.command("suspend-search")
def suspend_search(
    ctx: typer.Context, case: Case,
    until: Annotated[date, date_option("--until", help="Last day of the suspension.")],
    start: Annotated[date | None, date_option(
        "--from", help="First day (default today); may lie ahead, up to the mandate's end.")] = None,
    note: Note = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Suspend the client's job-search obligations while another unit works the case.

    Only for an accepted case referred by a RAV unit, and never beyond the mandate's end. A
    suspension planned ahead is cancelled by closing, withdrawing or resume-search before it starts.

    Example: optima suspend-search OPT-2026-0001 --until 2027-01-31
    """
    from optima_cli.workflow.cases import suspend_search as do_suspend

    r = do_suspend(context(ctx), case, until, start, note)
    # a suspension from a later day is not yet in the case as it is today: say the days asked for
    _done(r, fmt, r["case"], t("{case}: job search suspended from {start} to {end}", case=r["case"],
                               start=r["search_suspended_from"] or start,
                               end=r["search_suspended_until"] or until))


@app.command("resume-search")
def resume_search(ctx: typer.Context, case: Case, on: On = None, fmt: FormatOpt = Format.TABLE) -> None:
    """End a job-search suspension early.

    Example: optima resume-search OPT-2026-0001 --on 2026-12-15
    """
    from optima_cli.workflow.cases import resume_search as do_resume

    r = do_resume(context(ctx), case, on)
    _done(r, fmt, r["case"], t("{case}: job-search obligations apply again", case=r["case"]))


@app.command()
def close(
    ctx: typer.Context, case: Case, outcome: OutcomeOpt, cause: CauseOpt = None,
    employed: Annotated[bool | None, typer.Option(
        "--employed/--not-employed", help="Whether the client found work in the first labour market.")] = None,
    note: Note = None, on: On = None,
    handback: Annotated[str | None, typer.Option(
        "--handback", metavar="TEXT",
        help="A summary for the referrer: what was done, what comes next. Personal data; the "
             "referrer's inbox shows it until read.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Close an accepted case with its outcome; the case goes back to the referrer.

    Ends a running job-search suspension. With --handback the referrer's inbox shows that a
    summary waits, until it is read with `optima inbox --read CASE` (or the referrer's contact
    person opens the case with show).

    Example: optima close OPT-2026-0001 --outcome achieved --handback "Schulden geregelt, Stellensuche möglich"
    """
    from optima_cli.workflow.cases import close as do_close

    r = do_close(context(ctx), case, outcome, cause, employed, note, on, handback)
    _done(r, fmt, r["case"], t("{case} closed ({outcome}); back to {referrer}", case=r["case"],
                               outcome=label("Outcome", r["outcome"]), referrer=r["referrer"]))




@app.command()
def assign(ctx: typer.Context, case: Case,
           counsellor: Annotated[str | None, typer.Option(
               "--counsellor", metavar="NAME",
               help="Counsellor who works the case at the receiver.")] = None,
           on: On = None, fmt: FormatOpt = Format.TABLE) -> None:
    """Name who works a case at the receiver, also after acceptance.

    For a referred or an accepted case; a change of counsellor is kept in the case's history
    (before and after), it is no new referral.

    Example: optima assign OPT-2026-0001 --counsellor "B. Keller"
    """
    from optima_cli.workflow.cases import assign as do_assign

    r = do_assign(context(ctx), case, counsellor, on)
    _done(r, fmt, r["case"], t("{case} assigned to {counsellor}", case=r["case"],
                               counsellor=r["receiving_counsellor"]))


@app.command()
def forward(
    ctx: typer.Context, case: Case,
    to: Annotated[str, typer.Option("--to", metavar="INST",
                                    help="Another unit of the same kind, like SD-KRIENS.")],
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help="Why it goes there (kept in the audit trail).")] = None,
    on: On = None, fmt: FormatOpt = Format.TABLE,
) -> None:
    """Forward an undecided referral to another unit of the same kind.

    The case keeps its id, its dates and its history, and counts as one referral; the decision
    deadline still counts from the referral. The criteria that look at the receiver are judged
    for the new unit as refer judges them.

    Example: optima forward OPT-2026-0001 --to SD-KRIENS --note "wohnt seit Oktober in Kriens"
    """
    from optima_cli.workflow.cases import forward as do_forward

    r = do_forward(context(ctx), case, to, note, on)
    _done(r, fmt, r["case"], t("{case} forwarded to {receiver}", case=r["case"],
                               receiver=r["receiver"]))


Why = Annotated[str | None, typer.Option(
    "--why", metavar="TEXT", help="Why the correction is made (required); kept in the audit trail.")]


@app.command()
def undo(ctx: typer.Context, case: Case, why: Why = None, fmt: FormatOpt = Format.TABLE) -> None:
    """Take back the case's last action, as if it had not happened.

    An acceptance, a rejection, a closing, an extension, a job-search suspension or its resumption,
    or a withdrawal, if nothing came after it: the case is as it was before (what a closing or a
    withdrawal ended runs again). A referral is not undone: withdraw it, or correct it with amend.
    The audit trail keeps the action and its undoing, with the justification.

    Example: optima undo OPT-2026-0001 --why "closed the wrong case"
    """
    from optima_cli.workflow.cases import undo as do_undo

    r = do_undo(context(ctx), case, why)
    _done(r, fmt, r["case"], t("{case}: {action} undone; the case is {status} again", case=r["case"],
                               action=label("Action", r["undone"]), status=label("Status", r["status"])))


@app.command()
def reopen(ctx: typer.Context, case: Case, why: Why = None, fmt: FormatOpt = Format.TABLE) -> None:
    """Open again a case closed or withdrawn by mistake, with its mandate.

    The closing or the withdrawal is taken back (as undo does) and leaves the figures: the case is
    accepted again, or referred if it was withdrawn before a decision.

    Example: optima reopen OPT-2026-0001 --why "closed instead of OPT-2026-0002"
    """
    from optima_cli.workflow.cases import undo as do_undo

    r = do_undo(context(ctx), case, why, reopening=True)
    _done(r, fmt, r["case"], t("{case} reopened; it is {status} again", case=r["case"],
                               status=label("Status", r["status"])))
# what `amend` corrects: the case record's fields by their keys, each with its option (derived
# from the field: --referred-on for referred_on), and the note of a rejection, withdrawal or closing
AMEND_HELP = {
    "topics": f"Topics, comma-separated: {codes.choices(codes.Topic)}.",
    "goal": "What the handover should achieve.",
    "months": "Mandate period, 3 or 6; the mandate end follows.",
    "referring_counsellor": "Counsellor of the referrer.",
    "receiving_counsellor": "Counsellor of the receiver (an accepted case).",
    "referred_on": "Day of the referral; the access criteria are judged again as of it.",
    "decided_on": "Day of the acceptance or rejection; the mandate end follows.",
    "closed_on": "Day of the closing.",
    "outcome": f"Outcome of a closed case: {codes.choices(codes.Outcome)}.",
    "cause": f"Cause of a closed case: {codes.choices(codes.Cause)}.",
    "reason": f"Reason of a rejected case: {codes.choices(codes.RejectReason)}.",
    "note": "Note of a rejection, withdrawal or closing.",
}


def _amend_fields() -> list[Any]:
    from dataclasses import replace

    from optima_cli.records.fields import RecordField
    from optima_cli.records.models import CASE_FIELDS
    from optima_cli.rules.corrections import AMENDABLE

    by_key = {f.key: f for f in CASE_FIELDS} | {"note": RecordField(key="note", type=str)}
    return [replace(by_key[name], name=name, read="", option="--" + name.replace("_", "-"),
                    metavar="DATE" if by_key[name].type is date else "TEXT",
                    help=AMEND_HELP[name])
            for name in AMENDABLE]


AMEND_FIELDS = _amend_fields()


@app.command()
@with_field_options(AMEND_FIELDS)
def amend(
    ctx: typer.Context, case: Case,
    why: Annotated[str, typer.Option(
        "--why", metavar="TEXT", help="Why the correction is made (required; kept in the audit trail).")],
    fmt: FormatOpt = Format.TABLE,
    **changes: Any,
) -> None:
    """Correct what was recorded of a case, with the reason why.

    Each value is checked as the action that recorded it checks it: dates in order and not in the
    future, codes, the mandate end recomputed; a new referral date or new topics judge the access
    criteria again. The audit trail keeps the values before and after, and why; show marks the
    corrected fields.

    Example: optima amend OPT-2026-0001 --topics finances,placement --why "topics entered for another case"
    """
    from optima_cli.cli.options import CLEAR
    from optima_cli.errors import UsageProblem
    from optima_cli.workflow.cases import amend as do_amend

    given = {name: value for name, value in changes.items() if value is not None}
    for name, value in given.items():
        if value == CLEAR:
            raise UsageProblem.refused("not-clearable", name)
    r = do_amend(context(ctx), case, given, why)
    _done(r, fmt, r["case"], t("{case} corrected", case=r["case"]))
