"""A Hypothesis state machine: random sequences of the workflow (valid and invalid) against a model.

The machine registers clients, refers them and accepts, rejects, withdraws, extends, suspends and
resumes the job search of, and closes random cases, on random (often back-dated, sometimes future)
days. A small model kept here, written from domain.md and the documented behaviour (never by
calling optima's rule functions), predicts for every command whether optima must allow or refuse
it. After every step the machine checks:

- the cases in the database (sqlite3 on `referral`, `suspension`, `client`) and in
  `optima list --status all --format json` equal the model;
- a refused command changed nothing at all (every row of every table, the audit trail included);
- the cumulative report's figures equal the figures counted from the model;
- the audit trail verifies and grew by exactly the events of the successful changes.

Clients only ever get a consent date (no IV or RAV facts), so the `hard` access criteria never
block and only the `never` rules decide whether a referral is allowed.

Where domain.md leaves a choice open, the model follows what the code documents:
- consent is judged as of the referral date (criteria.py): a referral back-dated before a
  withdrawal of consent is allowed; "no other open referral" looks at the cases as they are now;
- an action's date may not lie in the future, nor before any earlier event of its case: the
  referral, the decision, the extension, the start and the end of every suspension (issue 14);
- but a suspension may start later than today, up to the mandate's end (issue 16): until its start
  it is planned, its start is no earlier event, and closing, withdrawing or resuming before it
  cancels it (it ends on that day, before its start, and never runs);
- suspensions of one case may not overlap: a new one is refused if it shares a day with the
  days another one is in effect, from its start to its end or to the day before it was resumed
  (a suspension resumed on its first day was never in effect, as `list --as-of` shows);
- withdrawing with reason consent-withdrawn records the client's withdrawal as a second event,
  unless the client's consent was already withdrawn on or before that day;
- `undo` (issue 17) gives back the case as it was before its last action (the model keeps a copy
  of the case before each action; a referral is not undone), and the client's consent as it was,
  if a withdrawal for withdrawn consent set it and nothing changed it since (one more event);
  `reopen` does so only for a closing or a withdrawal; neither makes a case open again beside
  another open case of the client to the same receiver;
- `amend` (issue 17) corrects one to three fields of a case (plausible values and implausible
  ones) and the model judges it with its own code: refused when a field was not recorded by the
  case's status, a date lies in the future or puts an event before one of an earlier stage
  (referral; decision; extension and suspensions; withdrawal or closing), months are not 3 or 6
  or change after an extension, a code is unknown or `other` lacks its note, the extension or a
  suspension falls outside the recomputed mandate, nothing changes (the same topics in another
  order are no change), or, when the referral date or the topics change, consent does not hold
  on the referral date: the only criterion that can refuse here (the kinds do not change, a
  client never has two open cases to one receiver, no hard rule blocks these clients). A
  closing moved to another day ends the suspensions as a closing on that day would (one
  resumed on the old closing day counts as ended by it). A refused correction is not counted
  as a refused referral. No undo reaches past an amendment ("undo-after-amend").
"""

from __future__ import annotations

import calendar
import copy
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
import typer.main
from conftest import dump, query
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from typer.testing import CliRunner

from optima_cli.cli import app
from optima_cli.cli.options import said
from optima_cli.errors import OptimaError, ReferralBlocked
from optima_cli.rules.codes import (
    Cause,
    Kind,
    Outcome,
    RejectReason,
    Topic,
    WithdrawReason,
)
from optima_cli.rules.periods import choose
from optima_cli.store import audit_verify
from optima_cli.workflow import cases as wf
from optima_cli.workflow.clients import ClientInput, register
from optima_cli.workflow.context import Context
from optima_cli.workflow.institutions import add_institution
from optima_cli.workflow.report import report

TODAY = date(2026, 11, 23)
START = date(2026, 1, 1)  # the window of action days; a few days after TODAY are drawn too
LATEST = TODAY + timedelta(days=5)
KINDS = ("RAV", "IV", "SD")
# the three default units plus one more of two kinds: referrals between units of the same kind
UNITS = {"RAV": "RAV", "IV": "IV", "SD": "SD", "SD-EMMEN": "SD", "RAV-SURSEE": "RAV"}
EXTRA_UNITS = (("SD-EMMEN", "SD", "Sozialdienst Emmen"), ("RAV-SURSEE", "RAV", "RAV Sursee"))
OPEN = ("referred", "accepted")
# what `amend` corrects (issue 17), by the names of its options
AMENDABLE = ("goal", "topics", "months", "referring_counsellor", "receiving_counsellor",
             "referred_on", "decided_on", "closed_on", "outcome", "cause", "reason", "note")
NOTES = ("see the file", "see the file", None, "  ")


# --- the model -------------------------------------------------------------------------------

def plus_months(day: date, months: int) -> date:
    """Calendar months later, clamped at the month's end (31 Aug + 6 months = 28 Feb)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def has_text(note: str | None) -> bool:
    return bool(note and note.strip())


def cleaned(note: str | None) -> str | None:
    """A note or a name as stored: without the blanks around it, None when blank."""
    return note.strip() if has_text(note) else None  # type: ignore[union-attr]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class MClient:
    ref: str
    name: str
    birth_date: date
    home: str
    consent_on: date | None
    consent_withdrawn_on: date | None = None

    def consent_valid_on(self, day: date) -> str | None:
        """Why consent does not hold on `day` (None: it holds). A withdrawal before the consent
        date means consent was given again afterwards (clients.py)."""
        if self.consent_on is None:
            return "no consent recorded"
        if self.consent_on > day:
            return f"consent only from {self.consent_on}"
        w = self.consent_withdrawn_on
        if w is not None and self.consent_on <= w <= day:
            return f"consent withdrawn on {w}"
        return None


@dataclass
class MSuspension:
    start: date
    until: date
    ended_on: date | None = None  # resumed, or ended by closing or withdrawing: not on that day

    def begun(self) -> bool:
        """Whether its start is an event of the case today: not planned, nor cancelled."""
        if self.ended_on is None:
            return self.start <= TODAY
        return self.ended_on >= self.start

    def overlaps(self, start: date, until: date) -> bool:
        """Whether it is in effect on any day from `start` to `until`."""
        last = self.until if self.ended_on is None else min(
            self.until, self.ended_on - timedelta(days=1))
        return max(self.start, start) <= min(last, until)


@dataclass
class MCase:
    case_id: str
    client: str
    referrer: str
    receiver: str
    topics: tuple[str, ...]
    months: int
    referred_on: date
    status: str = "referred"
    decided_on: date | None = None
    due_on: date | None = None
    extended_on: date | None = None
    withdrawn_on: date | None = None
    closed_on: date | None = None
    reason: str | None = None
    outcome: str | None = None
    cause: str | None = None
    employed: bool | None = None
    goal: str | None = None
    referring_counsellor: str | None = None
    receiving_counsellor: str | None = None
    reason_note: str | None = None  # of the rejection or the withdrawal
    close_note: str | None = None
    suspensions: list[MSuspension] = field(default_factory=list)
    # before each action: (the action, the case as it was, the client's consent withdrawal day
    # before and after the action); an amendment is kept as ("amend", the case before, ...): no
    # undo reaches past it
    taken: list[tuple[str, MCase, date | None, date | None]] = field(default_factory=list)

    def copied(self) -> MCase:
        return copy.deepcopy(replace(self, taken=[]))

    def restore(self, before: MCase) -> None:
        for f in fields(self):
            if f.name != "taken":
                setattr(self, f.name, getattr(before, f.name))

    def dates(self) -> list[date]:
        """The days of its events: referral, decision, extension, withdrawal, closing, and the
        start and end of every suspension."""
        return [d for d in (self.referred_on, self.decided_on, self.extended_on,
                            self.withdrawn_on, self.closed_on) if d is not None] + [
            s.start for s in self.suspensions if s.begun()] + [
            s.ended_on for s in self.suspensions if s.ended_on is not None]

    def date_problem(self, day: date, ahead: bool = False) -> str | None:
        """The date rules of every action on a case: not in the future (unless `ahead`), not
        before any earlier event of the case."""
        if day > TODAY and not ahead:
            return f"{day} lies in the future"
        if day < max(self.dates()):
            return f"{day} is before an earlier event of the case ({max(self.dates())})"
        return None

    def suspension_running_on(self, day: date) -> MSuspension | None:
        """The suspension that covers `day` and was not ended (resumed, or ended by closing)."""
        for s in self.suspensions:
            if s.ended_on is None and s.start <= day <= s.until:
                return s
        return None

    def end_suspensions(self, day: date) -> None:
        """Closing or withdrawing ends every suspension that would run on after that day."""
        for s in self.suspensions:
            if s.ended_on is None and s.until > day:
                s.ended_on = day


def first_problem(*checks: tuple[bool, str]) -> str | None:
    for failed, why in checks:
        if failed:
            return why
    return None


# --- reading the database --------------------------------------------------------------------


def describe_change(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> str:
    lines = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            lines.append(f"{table}: removed {sorted(old - new, key=repr)[:3]}, "
                         f"added {sorted(new - old, key=repr)[:3]}")
    return "; ".join(lines)


_COMMAND: Any = None


def run_optima(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """`optima ARGS` as the CliRunner runs it, with the click command built once (building it
    costs more than most commands take)."""
    global _COMMAND
    if _COMMAND is None:
        _COMMAND = typer.main.get_command(app)
    with runner.isolation() as (out, err, _):
        try:
            _COMMAND.main(args=list(args), prog_name="optima")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


# --- the machine -----------------------------------------------------------------------------

def day_strategy(*anchors: date) -> st.SearchStrategy[date]:
    """Mostly a few days around or after the latest anchor (the last date of a case: a legal
    day, but for the few days before it), else around another anchor or any day of the window
    (mostly refused, as before an earlier event); all three may fall after TODAY."""
    anywhere = st.integers(0, (LATEST - START).days).map(lambda n: START + timedelta(days=n))
    if not anchors:
        return anywhere
    latest = max(anchors)
    return st.sampled_from(["latest"] * 8 + ["anchor"] + ["anywhere"]).flatmap(
        lambda how: anywhere if how == "anywhere" else st.tuples(
            st.just(latest) if how == "latest" else st.sampled_from(anchors),
            st.integers(-3, 60)).map(lambda t: t[0] + timedelta(days=t[1])))


class OptimaMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="optima-sm-"))
        self.path = self.dir / "optima.db"
        self.ctx = Context(db_path=str(self.path), user="tester", today=TODAY)
        for code, kind, name in EXTRA_UNITS:
            add_institution(self.ctx, code, Kind(kind), name)
        self.clients: dict[str, MClient] = {}
        self.cases: dict[str, MCase] = {}
        self.names = 0
        self.refused: dict[str, int] = {}  # refers refused, by rule (every hurdle counted)
        self.seqs: dict[int, int] = {}  # case numbers given so far, by year (each starts at 1)
        (self.events,) = query(self.path, "SELECT count(*) FROM audit_event")[0]
        self.runner = CliRunner()

    def teardown(self) -> None:
        if "db" in self.ctx.__dict__:
            self.ctx.db.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- running one command against the model's prediction --

    def attempt(self, what: str, refusal: str | None, command: Any, counted: bool = True) -> Any:
        """Run `command`; `refusal` is the model's reason to refuse it (None: it must succeed).
        A refused command must leave every table as it was. Returns the result, or None.
        `counted`: a referral that a rule refuses is counted (not a correction that one refuses)."""
        before = dump(self.path)
        try:
            result = command()
        except OptimaError as exc:
            after = dump(self.path)
            # every hurdle counted (issue 16): a refer that a rule refused is recorded, its rules
            # only, and nothing else is written
            hurdles = {name: (before.pop(name), after.pop(name)) for name in ("refusal", "refusal_rule")}
            (old, new), (old_rules, new_rules) = hurdles["refusal"], hurdles["refusal_rule"]
            if isinstance(exc, ReferralBlocked) and counted:
                assert len(new) == len(old) + 1, f"{what}: the refusal was not counted once"
                rules = sorted(rule for _, rule in set(new_rules) - set(old_rules))
                assert rules == sorted(set(exc.rules)), f"{what}: counted {rules}, refused {exc.rules}"
                for rule in rules:
                    self.refused[rule] = self.refused.get(rule, 0) + 1
            else:
                assert (new, new_rules) == (old, old_rules), f"{what}: counted as a rule's refusal"
            assert after == before, (
                f"{what} was refused ({exc.message}) but changed the database: "
                f"{describe_change(before, after)}")
            assert refusal is not None, (
                f"{what}: the model allows it, but optima refused: {exc.message}")
            return None
        assert refusal is None, (
            f"{what}: the model refuses it ({refusal}), but optima allowed it: {result}")
        return result

    def pick_case(self, data: st.DataObject, fits: Any = lambda case: True) -> MCase:
        """Mostly a case the action fits (by its status), else any case, now and then one that
        does not exist."""
        how = data.draw(st.sampled_from(["fitting"] * 7 + ["any"] * 2 + ["unknown"]), label="pick")
        if how == "unknown":
            return MCase(f"OPT-2026-{self.seqs.get(2026, 0) + 1:04d}", "", "RAV", "SD", (), 3, START,
                         status="unknown")
        fitting = sorted(c.case_id for c in self.cases.values() if fits(c))
        ids = fitting if how == "fitting" and fitting else sorted(self.cases)
        return self.cases[data.draw(st.sampled_from(ids), label="case")]

    def ever_accepted(self) -> bool:
        """The actions on a running mandate start once some case has been accepted (before,
        they could only be refused)."""
        return any(c.decided_on and c.status != "rejected" for c in self.cases.values())

    def status_problem(self, case: MCase, *allowed: str) -> str | None:
        if case.status == "unknown":
            return f"there is no case {case.case_id}"
        if case.status not in allowed:
            return f"{case.case_id} is {case.status}, not {' or '.join(allowed)}"
        return None

    # -- clients --

    @initialize(data=st.data(), at_rav=st.sampled_from(["RAV", "RAV-SURSEE"]),
                homes=st.lists(st.sampled_from(sorted(UNITS)), min_size=2, max_size=2),
                consents=st.lists(st.integers(0, 200), min_size=3, max_size=3))
    def first_clients(self, data: st.DataObject, at_rav: str, homes: list[str],
                      consents: list[int]) -> None:
        """Three clients with consent, one at a RAV unit (its referrals can suspend the job
        search), and up to three referrals, some accepted: the steps start on cases at once."""
        for home, days in zip([at_rav, *homes], consents):
            self.do_register(home, START + timedelta(days=days), days)
        for _ in range(data.draw(st.integers(0, 3), label="first referrals")):
            self.refer_plausibly(data)
        for case in list(self.cases.values()):
            if data.draw(st.booleans(), label=f"accept {case.case_id}"):
                self.do_accept(data, case)

    @precondition(lambda self: len(self.clients) < 5)
    @rule(data=st.data(), home=st.sampled_from(sorted(UNITS)),
          given=st.sampled_from([True, True, True, False]), consent=day_strategy(START),
          birth=st.integers(0, 15000), again=st.sampled_from([False, False, False, False, True]))
    def register_client(self, data: st.DataObject, home: str, given: bool, consent: date,
                        birth: int, again: bool) -> None:
        """A new client, without consent or now and then with a consent date in the future; or,
        now and then, a client already registered (same name and birth date): refused."""
        if again and self.clients:
            client = self.clients[data.draw(st.sampled_from(sorted(self.clients)), label="client")]
            self.attempt(
                f"register {client.name} ({client.birth_date}) again", "same name and birth date",
                lambda: register(self.ctx, ClientInput(name=client.name, birth_date=client.birth_date,
                                                       institution=home)))
            return
        self.do_register(home, consent if given else None, birth)

    def do_register(self, home: str, consent_on: date | None, birth: int) -> None:
        self.names += 1
        name = f"Client {self.names}"
        birth_date = date(1960, 1, 1) + timedelta(days=birth)
        refusal = first_problem((consent_on is not None and consent_on > TODAY,
                                 f"consent date {consent_on} lies in the future"))
        result = self.attempt(
            f"register {name} at {home} with consent {consent_on}", refusal,
            lambda: register(self.ctx, ClientInput(name=name, birth_date=birth_date,
                                                   institution=home, consent_on=consent_on)))
        if result is not None:
            ref = result["client"]
            assert ref not in self.clients, f"register gave {ref} twice"
            self.clients[ref] = MClient(ref, name, birth_date, home, consent_on)
            self.events += 1

    # -- referrals --

    @precondition(lambda self: self.clients)
    @rule(data=st.data(), plausible=st.booleans())
    def refer(self, data: st.DataObject, plausible: bool) -> None:
        if plausible and any(c.consent_on for c in self.clients.values()):
            self.refer_plausibly(data)
        else:
            self.refer_anyhow(data)

    def refer_plausibly(self, data: st.DataObject) -> None:
        """A client with consent to a unit of another kind, on a day since the consent: refused
        only for an open referral to the same unit or a withdrawn consent."""
        client = self.clients[data.draw(st.sampled_from(sorted(
            c.ref for c in self.clients.values() if c.consent_on)), label="client")]
        assert client.consent_on is not None
        to = data.draw(st.sampled_from(sorted(u for u, k in UNITS.items()
                                              if k != UNITS[client.home])), label="to")
        topics = data.draw(st.lists(st.sampled_from(list(Topic)), min_size=1, max_size=3,
                                    unique=True), label="topics")
        months = data.draw(st.sampled_from([3, 6]), label="months")
        later = min(150, max(0, (TODAY - client.consent_on).days))
        day = client.consent_on + timedelta(days=data.draw(st.integers(0, later),
                                                           label="days after consent"))
        self.do_refer(client, to, None, topics, months, day, None)

    def refer_anyhow(self, data: st.DataObject) -> None:
        """Any client to any unit on any day, now and then with an invalid period or no topic,
        or with an override that no hard rule asks for."""
        client = self.clients[data.draw(st.sampled_from(sorted(self.clients)), label="client")]
        to = data.draw(st.sampled_from(sorted(UNITS)), label="to")
        referrer = data.draw(st.one_of(st.none(), st.sampled_from(sorted(UNITS))), label="referrer")
        topics = data.draw(st.lists(st.sampled_from(list(Topic)), min_size=1, max_size=3,
                                    unique=True), label="topics")
        if data.draw(st.sampled_from([False, False, False, False, True]), label="no topics"):
            topics = []
        months = data.draw(st.sampled_from([3, 6, 3, 6, 4]), label="months")
        day = data.draw(day_strategy(client.consent_on or START), label="on")
        override = data.draw(st.sampled_from([None, "justified by the counsellor"]), label="override")
        self.do_refer(client, to, referrer, topics, months, day, override)

    def do_refer(self, client: MClient, to: str, referrer: str | None, topics: list[Topic],
                 months: int, day: date, override: str | None) -> None:
        source = referrer or client.home
        open_same = [c.case_id for c in self.cases.values()
                     if c.client == client.ref and c.receiver == to and c.status in OPEN]
        refusal = first_problem(
            (months not in (3, 6), f"--months {months}"),
            (not topics, "no topics"),
            (day > TODAY, f"referral date {day} lies in the future"),
            (client.consent_valid_on(day) is not None, f"consent: {client.consent_valid_on(day)}"),
            (UNITS[source] == UNITS[to], f"{source} and {to} are of the same kind"),
            (bool(open_same), f"open referral {open_same} to {to}"),
        )
        result = self.attempt(
            f"refer {client.ref} from {source} to {to} on {day} ({months} months, topics "
            f"{[t.value for t in topics]})", refusal,
            lambda: wf.refer(self.ctx, wf.Refer(client=client.ref, to=to, topics=tuple(topics),
                                                months=months, referrer=referrer, on=day,
                                                override=override)))
        if result is None:
            return
        self.seqs[day.year] = self.seqs.get(day.year, 0) + 1
        expected_id = f"OPT-{day.year}-{self.seqs[day.year]:04d}"
        assert result.record["case"] == expected_id, (
            f"refer numbered the case {result.record['case']}, expected {expected_id}")
        assert result.record["override"] is None and result.override_ignored == bool(override), (
            f"an override without a blocking hard rule must be ignored, not stored: {result}")
        self.cases[expected_id] = MCase(expected_id, client.ref, source, to,
                                        tuple(t.value for t in topics), months, day)
        self.events += 1

    # -- the decision and the mandate: one rule each on a random case (mostly one whose
    # status fits), and `advance`, which moves an open case one step on, so that deep histories
    # come about even when Hypothesis switches some rules off for a run --

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        self.do_accept(data, self.pick_case(data, lambda c: c.status == "referred"))

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def reject(self, data: st.DataObject) -> None:
        self.do_reject(data, self.pick_case(data, lambda c: c.status == "referred"))

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        self.do_withdraw(data, self.pick_case(data, lambda c: c.status in OPEN))

    @precondition(lambda self: self.ever_accepted())
    @rule(data=st.data())
    def extend(self, data: st.DataObject) -> None:
        self.do_extend(data, self.pick_case(data, lambda c: c.status == "accepted"))

    @precondition(lambda self: self.ever_accepted())
    @rule(data=st.data())
    def suspend_search(self, data: st.DataObject) -> None:
        self.do_suspend_search(data, self.pick_case(
            data, lambda c: c.status == "accepted" and UNITS[c.referrer] == "RAV"))

    @precondition(lambda self: any(c.suspensions for c in self.cases.values()))
    @rule(data=st.data())
    def resume_search(self, data: st.DataObject) -> None:
        self.do_resume_search(data, self.pick_case(
            data, lambda c: c.status == "accepted" and bool(c.suspensions)))

    @precondition(lambda self: self.ever_accepted())
    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        self.do_close(data, self.pick_case(data, lambda c: c.status == "accepted"))

    @precondition(lambda self: any(c.status in OPEN for c in self.cases.values()))
    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        case = self.cases[data.draw(st.sampled_from(sorted(
            c.case_id for c in self.cases.values() if c.status in OPEN)), label="open case")]
        if case.status == "referred":
            actions = ["accept", "accept", "accept", "reject", "withdraw"]
        else:
            actions = ["suspend_search", "suspend_search", "resume_search", "resume_search",
                       "extend", "close", "withdraw"]
        action = data.draw(st.sampled_from(actions), label="action")
        getattr(self, f"do_{action}")(data, case)

    def do_accept(self, data: st.DataObject, case: MCase) -> None:
        day = data.draw(day_strategy(*case.dates()), label="on")
        refusal = self.status_problem(case, "referred") or case.date_problem(day)
        if self.attempt(f"accept {case.case_id} on {day}", refusal,
                        lambda: wf.accept(self.ctx, case.case_id, counsellor="Receiver", on=day)):
            self.remember(case, "accept")
            case.status, case.decided_on = "accepted", day
            case.receiving_counsellor = "Receiver"
            case.due_on = plus_months(day, case.months)
            self.events += 1

    def do_reject(self, data: st.DataObject, case: MCase) -> None:
        reason = data.draw(st.sampled_from(list(RejectReason)), label="reason")
        note = data.draw(st.sampled_from(NOTES), label="note")
        day = data.draw(day_strategy(*case.dates()), label="on")
        refusal = first_problem((reason == RejectReason.OTHER and not has_text(note),
                                 "reason other without a note")) \
            or self.status_problem(case, "referred") or case.date_problem(day)
        if self.attempt(f"reject {case.case_id} on {day} ({reason.value}, note {note!r})", refusal,
                        lambda: wf.reject(self.ctx, case.case_id, reason, note, on=day)):
            self.remember(case, "reject")
            case.status, case.decided_on, case.reason = "rejected", day, reason.value
            case.reason_note = cleaned(note)
            self.events += 1

    def do_withdraw(self, data: st.DataObject, case: MCase) -> None:
        # joint-strategy is recorded only by `joint open --from-case` (tests/test_joint.py)
        reason = data.draw(st.sampled_from([r for r in WithdrawReason
                                            if r != WithdrawReason.JOINT_STRATEGY]), label="reason")
        note = data.draw(st.sampled_from(NOTES), label="note")
        day = data.draw(day_strategy(*case.dates()), label="on")
        refusal = first_problem((reason == WithdrawReason.OTHER and not has_text(note),
                                 "reason other without a note")) \
            or self.status_problem(case, *OPEN) or case.date_problem(day)
        if not self.attempt(f"withdraw {case.case_id} on {day} ({reason.value}, note {note!r})",
                            refusal, lambda: wf.withdraw(self.ctx, case.case_id, reason, note, on=day)):
            return
        client = self.clients[case.client]
        before, consent_before = case.copied(), client.consent_withdrawn_on
        case.status, case.withdrawn_on, case.reason = "withdrawn", day, reason.value
        case.reason_note = cleaned(note)
        case.end_suspensions(day)
        self.events += 1
        # withdrawn consent: the client's consent counts as withdrawn from that day (a later-dated
        # withdrawal recorded before moves back to it); that client change is one more event
        if reason == WithdrawReason.CONSENT_WITHDRAWN and (
                client.consent_withdrawn_on is None or client.consent_withdrawn_on > day):
            client.consent_withdrawn_on = day
            self.events += 1
        case.taken.append(("withdraw", before, consent_before, client.consent_withdrawn_on))

    def do_extend(self, data: st.DataObject, case: MCase) -> None:
        day = data.draw(st.one_of(day_strategy(*case.dates()), st.sampled_from(
            [d for d in (case.due_on, case.due_on and case.due_on + timedelta(days=1)) if d]
            or [TODAY])), label="on")
        refusal = self.status_problem(case, "accepted") or case.date_problem(day) or first_problem(
            (case.extended_on is not None, "already extended once"),
            (case.months != 3, f"a {case.months}-month mandate"),
            (case.due_on is not None and day > case.due_on, f"the mandate ended on {case.due_on}"),
        )
        if self.attempt(f"extend {case.case_id} on {day}", refusal,
                        lambda: wf.extend(self.ctx, case.case_id, on=day)):
            self.remember(case, "extend")
            assert case.decided_on is not None
            case.months, case.extended_on = 6, day
            case.due_on = plus_months(case.decided_on, 6)
            self.events += 1

    def do_suspend_search(self, data: st.DataObject, case: MCase) -> None:
        after_one = [st.sampled_from(case.suspensions[-1:] * 3 + case.suspensions).flatmap(
            # just before or after another, mostly the last one
            lambda s: st.one_of(st.integers(-1, 15).map(lambda n: s.until + timedelta(days=n)),
                                st.integers(-2, 10).map(lambda n: s.start + timedelta(days=n))))
        ] if case.suspensions else []
        start = data.draw(st.one_of(day_strategy(*case.dates()), *after_one), label="start")
        ends = [start + timedelta(days=n) for n in (-1, 30)]
        if case.due_on:
            ends += [case.due_on, case.due_on + timedelta(days=1)]
        until = data.draw(st.one_of(st.sampled_from(ends),
                                    st.integers(-3, 120).map(lambda n: start + timedelta(days=n))),
                          label="until")
        note = data.draw(st.sampled_from([None, "while the debts are sorted"]), label="note")
        overlapping = [s for s in case.suspensions if s.overlaps(start, until)]
        refusal = self.status_problem(case, "accepted") or case.date_problem(start, ahead=True) or first_problem(
            (UNITS[case.referrer] != "RAV", f"referred by {case.referrer}, not a RAV unit"),
            (case.due_on is not None and start > case.due_on, f"the mandate ends on {case.due_on}"),
            (until < start, f"until {until} before start {start}"),
            (bool(overlapping), f"it overlaps the suspension {overlapping[:1]}"),
            (case.due_on is not None and until > case.due_on, f"the mandate ends on {case.due_on}"),
        )
        if self.attempt(f"suspend the search of {case.case_id} from {start} until {until}", refusal,
                        lambda: wf.suspend_search(self.ctx, case.case_id, until, start, note)):
            self.remember(case, "suspend-search")
            case.suspensions.append(MSuspension(start, until))
            self.events += 1

    def do_resume_search(self, data: st.DataObject, case: MCase) -> None:
        during_one = [st.sampled_from(case.suspensions[-1:] * 3 + case.suspensions).flatmap(
            # around one of its suspensions, mostly the last one (the others began earlier)
            lambda s: st.one_of(st.just(s.start), st.integers(-2, (s.until - s.start).days + 2).map(
                lambda n: s.start + timedelta(days=n))))] if case.suspensions else []
        day = data.draw(st.one_of(*during_one, day_strategy(*case.dates())), label="on")
        # the one running on that day, or else the next one planned after it (cancelled)
        planned = sorted((s for s in case.suspensions if s.ended_on is None and s.start > day),
                         key=lambda s: s.start)
        running = case.suspension_running_on(day) or (planned[0] if planned else None)
        refusal = self.status_problem(case, "accepted") or case.date_problem(day) or first_problem(
            (running is None, f"no suspension running on {day} nor planned after it"))
        if self.attempt(f"resume the search of {case.case_id} on {day}", refusal,
                        lambda: wf.resume_search(self.ctx, case.case_id, on=day)):
            self.remember(case, "resume-search")
            assert running is not None
            running.ended_on = day
            self.events += 1

    def do_close(self, data: st.DataObject, case: MCase) -> None:
        outcome = data.draw(st.sampled_from(list(Outcome)), label="outcome")
        if outcome == Outcome.NOT_ACHIEVED:  # mostly with the cause it needs
            cause = data.draw(st.one_of(st.sampled_from(list(Cause)), st.none()), label="cause")
        else:  # mostly without a cause, which only not-achieved records
            cause = data.draw(st.one_of(st.none(), st.sampled_from(list(Cause))), label="cause")
        employed = data.draw(st.sampled_from([None, True, False]), label="employed")
        day = data.draw(st.one_of(day_strategy(*case.dates()),
                                  st.sampled_from([case.due_on or TODAY])), label="on")
        refusal = first_problem(
            (outcome == Outcome.NOT_ACHIEVED and cause is None, "not-achieved without a cause"),
            (outcome == Outcome.ACHIEVED and cause is not None, f"a cause with {outcome.value}"),
        ) or self.status_problem(case, "accepted") or case.date_problem(day)
        if self.attempt(f"close {case.case_id} on {day} ({outcome.value}, cause {cause})", refusal,
                        lambda: wf.close(self.ctx, case.case_id, outcome, cause, employed,
                                         "closing note", on=day)):
            self.remember(case, "close")
            case.status, case.closed_on, case.outcome = "closed", day, outcome.value
            case.cause, case.employed = (cause.value if cause else None), employed
            case.close_note = "closing note"
            case.end_suspensions(day)
            self.events += 1

    # -- corrections (issue 17): undo the last action, reopen a closing or a withdrawal --

    def remember(self, case: MCase, action: str) -> None:
        """Called once an action other than a withdrawal succeeded, before the model applies it:
        the case to undo to (the client's consent does not change)."""
        consent = self.clients[case.client].consent_withdrawn_on
        case.taken.append((action, case.copied(), consent, consent))

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), reopening=st.sampled_from([False, False, True]))
    def undo(self, data: st.DataObject, reopening: bool) -> None:
        case = self.pick_case(data, lambda c: bool(c.taken))
        last = case.taken[-1] if case.taken else None
        ended = last is not None and last[0] in ("close", "withdraw")
        open_same = [c.case_id for c in self.cases.values()
                     if c.client == case.client and c.receiver == case.receiver
                     and c.status in OPEN and c is not case]
        refusal = first_problem(
            (case.status == "unknown", f"there is no case {case.case_id}"),
            (last is None, "nothing to undo since the referral"),
            (last is not None and last[0] == "amend", "undo-after-amend: the case was corrected"),
            (reopening and not ended, f"the last action is {last and last[0]}, not an ending"),
            (last is not None and last[0] in ("close", "withdraw", "reject") and bool(open_same),
             f"open again beside {open_same}"),
        )
        how = "reopen" if reopening else "undo"
        if not self.attempt(f"{how} {case.case_id} ({last and last[0]})", refusal,
                            lambda: wf.undo(self.ctx, case.case_id, "by mistake", reopening)):
            return
        assert last is not None
        action, before, consent_before, consent_after = case.taken.pop()
        case.restore(before)
        self.events += 1
        client = self.clients[case.client]
        if (action == "withdraw" and consent_before != consent_after
                and client.consent_withdrawn_on == consent_after):
            client.consent_withdrawn_on = consent_before
            self.events += 1

    # -- amend (issue 17): correct what was recorded, through the rules of the actions --

    def amend_value(self, case: MCase, name: str) -> st.SearchStrategy[Any]:
        """A value for the field `name` of `case`, as the command line passes it: mostly a
        plausible one, now and then the value it has, a blank, an unknown code, a bad period or
        a day out of order or in the future."""
        client = self.clients.get(case.client)
        if name == "goal":
            return st.sampled_from(["a payment plan", "find work", "  ", case.goal or "find work"])
        if name in ("referring_counsellor", "receiving_counsellor"):
            return st.sampled_from(["A. Meier", "B. Huber", "  ", getattr(case, name) or "A. Meier"])
        if name == "topics":
            return st.one_of(
                st.lists(st.sampled_from([t.value for t in Topic]), min_size=1, max_size=3,
                         unique=True).map(",".join),
                st.sampled_from([",".join(reversed(case.topics)), ",".join(case.topics * 2),
                                 " , ", "bogus", "health,bogus"]))
        if name == "months":
            return st.sampled_from([3, 6, 6, 4, 0, case.months])
        if name in ("referred_on", "decided_on", "closed_on"):
            anchors = [d for d in (case.referred_on, case.decided_on, case.closed_on,
                                   case.extended_on, case.withdrawn_on,
                                   client and client.consent_on,
                                   client and client.consent_withdrawn_on, TODAY) if d]
            anchors += [d for s in case.suspensions for d in (s.start, s.until, s.ended_on) if d]
            return st.tuples(st.sampled_from(anchors), st.integers(-12, 8)).map(
                lambda t: t[0] + timedelta(days=t[1]))
        codes = {"outcome": [o.value for o in Outcome], "cause": [c.value for c in Cause],
                 "reason": [r.value for r in RejectReason], "note": [*NOTES, "another note"]}
        return st.sampled_from([*codes[name], "bogus" if name != "note" else "  "])

    def amended(self, case: MCase, changes: dict[str, Any]) -> tuple[str | None, MCase]:
        """Why the correction must be refused (None: it must succeed), and the case after it:
        each value checked as the action that recorded it checks it, in the model's words."""
        if case.status == "unknown":
            return f"there is no case {case.case_id}", case
        new = case.copied()
        for name in changes:
            problem = self.not_applying(case, name)
            if problem:
                return problem, case
        for name in ("goal", "referring_counsellor", "receiving_counsellor"):
            if name in changes:
                setattr(new, name, cleaned(changes[name]))
        if "topics" in changes:
            parts = [p.strip() for p in changes["topics"].split(",") if p.strip()]
            if not parts or not set(parts) <= {t.value for t in Topic}:
                return f"topics {changes['topics']!r}", case
            if set(parts) != set(case.topics):  # the same topics in another order: no change
                new.topics = tuple(dict.fromkeys(parts))
        if "months" in changes:
            if changes["months"] not in (3, 6):
                return f"--months {changes['months']}", case
            if case.extended_on and changes["months"] != case.months:
                return f"months of a mandate extended on {case.extended_on}", case
            new.months = changes["months"]
        for name in ("referred_on", "decided_on", "closed_on"):
            if name in changes:
                if changes[name] > TODAY:
                    return f"{name} {changes[name]} lies in the future", case
                setattr(new, name, changes[name])
        if "closed_on" in changes:  # the closing on its corrected day ends what it would end
            for s in new.suspensions:
                if s.ended_on == case.closed_on:
                    s.ended_on = None
            new.end_suspensions(changes["closed_on"])
        problem = self.amended_codes(case, new, changes)
        if problem:
            return problem, case
        if new.due_on is not None:  # the mandate follows the decision and the months
            assert new.decided_on is not None
            new.due_on = plus_months(new.decided_on, new.months)
            first = plus_months(new.decided_on, 3) if new.extended_on else new.due_on
            if new.extended_on and new.extended_on > first:
                return f"extended on {new.extended_on}, after the mandate's end {first}", case
            for s in new.suspensions:
                end = s.until if s.ended_on is None else min(s.until, s.ended_on)
                cancelled = s.ended_on is not None and s.ended_on < s.start
                if not cancelled and end > new.due_on:
                    return f"a suspension until {end} outlasts the mandate ({new.due_on})", case
        # the order of the events: referral, decision, extension and suspensions, ending
        events = [(new.referred_on, 0), (new.decided_on, 1), (new.extended_on, 2),
                  *((s.start, 2) for s in new.suspensions if s.begun()),
                  *((s.ended_on, 2) for s in new.suspensions),
                  (new.withdrawn_on, 3), (new.closed_on, 3)]
        for day, stage in events:
            for other, later in events:
                if day and other and stage < later and day > other:
                    return f"an event of {day} after a later one of {other}", case
        if new.referred_on != case.referred_on or new.topics != case.topics:
            # the criteria judged again as of the referral: only consent can refuse here
            consent = self.clients[case.client].consent_valid_on(new.referred_on)
            if consent:
                return f"consent on {new.referred_on}: {consent}", case
        if new == case.copied():
            return "nothing changes", case
        return None, new

    @staticmethod
    def not_applying(case: MCase, name: str) -> str | None:
        """Only what the case's status has recorded can be corrected."""
        status = case.status
        return first_problem(
            (name == "decided_on" and case.decided_on is None, "no decision to correct"),
            (name == "receiving_counsellor" and (case.decided_on is None or status == "rejected"),
             "not accepted"),
            (name in ("closed_on", "outcome", "cause") and status != "closed", "not closed"),
            (name == "reason" and status != "rejected", "no rejection reason"),
            (name == "note" and status not in ("rejected", "withdrawn", "closed"), "no note"))

    @staticmethod
    def amended_codes(case: MCase, new: MCase, changes: dict[str, Any]) -> str | None:
        """The codes and notes of a rejection, a withdrawal or a closing, as those actions check
        them; sets them on `new`."""
        if case.status == "rejected" and {"reason", "note"} & changes.keys():
            reason, note = changes.get("reason", case.reason), changes.get("note", case.reason_note)
            if reason not in [r.value for r in RejectReason]:
                return f"reason {reason!r}"
            if reason == "other" and not has_text(note):
                return "reason other without a note"
            new.reason, new.reason_note = reason, cleaned(note)
        if case.status == "withdrawn" and "note" in changes:
            if case.reason == "other" and not has_text(changes["note"]):
                return "withdrawn for reason other: the note may not go"
            new.reason_note = cleaned(changes["note"])
        if case.status == "closed" and {"outcome", "cause", "note"} & changes.keys():
            outcome = changes.get("outcome", case.outcome)
            # an achieved goal has no cause; otherwise the cause stays unless given
            cause = changes.get("cause", None if outcome == "achieved" else case.cause)
            if outcome not in [o.value for o in Outcome] or (
                    cause is not None and cause not in [c.value for c in Cause]):
                return f"outcome {outcome!r}, cause {cause!r}"
            if outcome == "not-achieved" and cause is None:
                return "not-achieved without a cause"
            if outcome == "achieved" and cause is not None:
                return "a cause with achieved"
            new.outcome, new.cause = outcome, cause
            new.close_note = cleaned(changes.get("note", case.close_note))
        return None

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def amend(self, data: st.DataObject) -> None:
        # a case of each status alike (closed ones are few), and mostly fields its status recorded
        status = data.draw(st.sampled_from(["closed", "rejected", "withdrawn", *OPEN]), label="status")
        case = self.pick_case(data, lambda c: c.status == status)
        fitting = [name for name in AMENDABLE
                   if case.status != "unknown" and not self.not_applying(case, name)]
        names = data.draw(st.lists(st.sampled_from(
            fitting if fitting and data.draw(st.integers(0, 5), label="fits") else AMENDABLE),
            min_size=1, max_size=3, unique=True), label="fields")
        changes = {name: data.draw(self.amend_value(case, name), label=name) for name in names}
        refusal, after = self.amended(case, changes)
        if self.attempt(f"amend {case.case_id} ({case.status}): {changes}", refusal,
                        lambda: wf.amend(self.ctx, case.case_id, changes, "entered wrongly"),
                        counted=False):
            consent = self.clients[case.client].consent_withdrawn_on
            case.taken.append(("amend", case.copied(), consent, consent))
            case.restore(after)
            self.events += 1

    # -- the checks after every step --

    @invariant()
    def cases_match(self) -> None:
        rows = query(self.path, """
            SELECT r.case_id, c.ref, f.code, t.code, r.status, r.months, r.referred_on,
                   r.decided_on, r.due_on, r.extended_on, r.withdrawn_on, r.closed_on, r.reason,
                   r.outcome, r.cause, r.employed, r.goal, r.referring_counsellor,
                   r.receiving_counsellor, r.reason_note, r.close_note,
                   (SELECT group_concat(topic) FROM (SELECT topic FROM referral_topic
                    WHERE referral_id = r.id ORDER BY topic))
            FROM referral r JOIN institution f ON f.id = r.referrer_id
            JOIN institution t ON t.id = r.receiver_id
            JOIN (SELECT id, printf('C-%04d', id) AS ref FROM client) c ON c.id = r.client_id""")
        actual = {row[0]: row[1:] for row in rows}
        expected = {
            c.case_id: (c.client, c.referrer, c.receiver, c.status, c.months, iso(c.referred_on),
                        iso(c.decided_on), iso(c.due_on), iso(c.extended_on), iso(c.withdrawn_on),
                        iso(c.closed_on), c.reason, c.outcome, c.cause,
                        None if c.employed is None else int(c.employed), c.goal,
                        c.referring_counsellor, c.receiving_counsellor, c.reason_note,
                        c.close_note, ",".join(sorted(c.topics)))
            for c in self.cases.values()}
        columns = ("client", "referrer", "receiver", "status", "months", "referred_on",
                   "decided_on", "due_on", "extended_on", "withdrawn_on", "closed_on", "reason",
                   "outcome", "cause", "employed", "goal", "referring_counsellor",
                   "receiving_counsellor", "reason_note", "close_note", "topics")
        assert set(actual) == set(expected), (
            f"cases in the database {sorted(actual)}, model {sorted(expected)}")
        for case_id, want in expected.items():
            got = actual[case_id]
            wrong = {col: (g, w) for col, g, w in zip(columns, got, want) if g != w}
            assert not wrong, f"{case_id}: database differs from the model (database, model): {wrong}"

        suspensions: dict[str, list[tuple]] = {}
        for case_id, start, until, ended in query(self.path, """
                SELECT r.case_id, s.start_on, s.until, s.ended_on
                FROM suspension s JOIN referral r ON r.id = s.referral_id ORDER BY s.id"""):
            suspensions.setdefault(case_id, []).append((start, until, ended))
        want_s = {c.case_id: [(iso(s.start), iso(s.until), iso(s.ended_on)) for s in c.suspensions]
                  for c in self.cases.values() if c.suspensions}
        assert suspensions == want_s, f"suspensions (database, model): {suspensions} != {want_s}"

        consent = dict(query(self.path,
                             "SELECT printf('C-%04d', id), consent_withdrawn_on FROM client"))
        want_c = {c.ref: iso(c.consent_withdrawn_on) for c in self.clients.values()}
        assert consent == want_c, f"consent withdrawn on (database, model): {consent} != {want_c}"

    @invariant()
    def list_matches(self) -> None:
        code, out, err = run_optima(self.runner, "--db", str(self.path), "--user", "tester",
                                    "list", "--status", "all", "--format", "json",
                                    "--as-of", TODAY.isoformat())
        assert code == 0, f"optima list failed ({code}): {err}"
        listed = {r["case"]: (r["status"], r["months"], r["due_on"], r["search_suspended_until"])
                  for r in json.loads(out)}
        expected = {}
        for c in self.cases.values():
            running = c.suspension_running_on(TODAY)
            expected[c.case_id] = (c.status, c.months, iso(c.due_on),
                                   iso(running.until) if running else None)
        assert listed == expected, (
            f"optima list (status, months, due_on, search_suspended_until) differs from the "
            f"model: {listed} != {expected}")

    @invariant()
    def report_matches(self) -> None:
        got = report(self.ctx, choose(TODAY))
        cases = list(self.cases.values())

        def kind_counts(chosen: list[MCase], role: str) -> dict[str, int]:
            counts = dict.fromkeys(KINDS, 0)
            for c in chosen:
                counts[UNITS[getattr(c, role)]] += 1
            return counts

        def code_counts(values: list[str | None], codes: list[str]) -> dict[str, int]:
            counts = dict.fromkeys(codes, 0)
            for v in values:
                if v is not None:
                    counts[v] += 1
            return counts

        matrix = {r: dict.fromkeys(KINDS, 0) for r in KINDS}
        for c in cases:
            matrix[UNITS[c.referrer]][UNITS[c.receiver]] += 1
        accepted = [c for c in cases if c.decided_on is not None and c.status != "rejected"]
        rejected = [c for c in cases if c.status == "rejected"]
        withdrawn = [c for c in cases if c.withdrawn_on is not None]
        closed = [c for c in cases if c.closed_on is not None]
        running = [c for c in cases if c.status == "accepted"]

        def med(values: list[int]) -> float | None:
            return median(values) if values else None

        expected: dict[str, Any] = {
            "referrals": {"total": len(cases), "by_referrer": kind_counts(cases, "referrer"),
                          "by_receiver": kind_counts(cases, "receiver"), "matrix": matrix},
            "accepted": {"total": len(accepted), "by_receiver": kind_counts(accepted, "receiver")},
            "rejected": {"total": len(rejected), "by_receiver": kind_counts(rejected, "receiver"),
                         "by_reason": code_counts([c.reason for c in rejected],
                                                  [r.value for r in RejectReason])},
            "withdrawn": {"total": len(withdrawn), "by_receiver": kind_counts(withdrawn, "receiver")},
            "closed": {"total": len(closed), "by_receiver": kind_counts(closed, "receiver"),
                       "by_outcome": code_counts([c.outcome for c in closed],
                                                 [o.value for o in Outcome]),
                       "by_cause": code_counts([c.cause for c in closed], [x.value for x in Cause]),
                       "employed": sum(1 for c in closed if c.employed)},
            "open_at_end": {
                "referred": sum(1 for c in cases if c.status == "referred"),
                "accepted": len(running),
                "overdue": sum(1 for c in running if c.due_on and c.due_on < TODAY),
                "search_suspended": sum(1 for c in running if c.suspension_running_on(TODAY)),
            },
            "durations": {
                "median_days_to_decision": med([(c.decided_on - c.referred_on).days
                                                for c in cases if c.decided_on]),
                "median_days_accepted_to_closed": med([(c.closed_on - c.decided_on).days
                                                       for c in closed if c.decided_on]),
            },
            "topics": code_counts([t for c in cases for t in c.topics], [t.value for t in Topic]),
            "overrides": 0,
            "refused_by_rule": dict(sorted(self.refused.items())),
            "overrides_by_rule": {},
        }
        for key, want in expected.items():
            assert got[key] == want, f"report {key}: optima {got[key]}, model {want}"

    @invariant()
    def audit_trail(self) -> None:
        with self.ctx.read() as session:
            verdict = audit_verify.verify(session)
        assert verdict.ok, (
            f"the audit trail does not verify: event {verdict.event_id}: {verdict.problem}")
        (count,) = query(self.path, "SELECT count(*) FROM audit_event")[0]
        assert count == verdict.events == self.events, (
            f"audit events: {count} in the table, {verdict.events} verified, "
            f"{self.events} expected from the successful changes")


OptimaMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOptimaStateMachine = pytest.mark.slow(OptimaMachine.TestCase)  # the suite's longest test


def test_resume_search_inside_an_earlier_suspension(ctx: Context) -> None:
    """Found by the machine above (shrunk by hand): two suspensions of one case, the second after
    the first one's end; a resume-search back-dated into the first one was refused with "no
    job-search suspension running", although the first one runs on that day. Since issue 14 it
    is refused as before an earlier event, the start of the second suspension; a resume on or
    after that day ends the second one."""
    client = register(ctx, ClientInput(name="Ana Muster", birth_date=date(1980, 1, 1),
                                       institution="RAV", consent_on=date(2026, 1, 5)))
    case = wf.refer(ctx, wf.Refer(client=client["client"], to="SD", topics=(Topic.FINANCES,),
                                  months=6, on=date(2026, 5, 4))).record["case"]
    wf.accept(ctx, case, on=date(2026, 6, 1))
    wf.suspend_search(ctx, case, until=date(2026, 6, 10), start=date(2026, 6, 1))
    wf.suspend_search(ctx, case, until=date(2026, 6, 30), start=date(2026, 6, 20))
    try:
        wf.resume_search(ctx, case, on=date(2026, 6, 5))
    except OptimaError as exc:
        assert "use --on 2026-06-20 or later" in said(exc)  # the command line's words
    else:
        raise AssertionError("a resume before the start of the later suspension was allowed")
    wf.resume_search(ctx, case, on=date(2026, 6, 25))
    rows = query(ctx.db_path,
                 "SELECT start_on, until, ended_on FROM suspension ORDER BY id")
    assert rows == [("2026-06-01", "2026-06-10", None), ("2026-06-20", "2026-06-30", "2026-06-25")]


def test_suspend_over_a_suspension_resumed_on_its_first_day(ctx: Context) -> None:
    """A suspension resumed on its first day was never in effect (`list --as-of` shows none on
    that day or after), so a new suspension over its days overlaps nothing and is allowed."""
    client = register(ctx, ClientInput(name="Ana Muster", birth_date=date(1980, 1, 1),
                                       institution="RAV", consent_on=date(2026, 1, 5)))
    case = wf.refer(ctx, wf.Refer(client=client["client"], to="SD", topics=(Topic.FINANCES,),
                                  months=6, on=date(2026, 5, 4))).record["case"]
    wf.accept(ctx, case, on=date(2026, 6, 1))
    wf.suspend_search(ctx, case, until=date(2026, 6, 20), start=date(2026, 6, 10))
    wf.resume_search(ctx, case, on=date(2026, 6, 10))
    wf.suspend_search(ctx, case, until=date(2026, 6, 15), start=date(2026, 6, 10))
    rows = query(ctx.db_path,
                 "SELECT start_on, until, ended_on FROM suspension ORDER BY id")
    assert rows == [("2026-06-10", "2026-06-20", "2026-06-10"), ("2026-06-10", "2026-06-15", None)]
