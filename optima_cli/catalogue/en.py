"""English, the language the code is written in: the sentence of each refusal code of the rules.

A refusal of the rules (errors.OptimaError.refused) is a code, its values and the field at fault;
REFUSALS holds its English template, which the other catalogues translate as any message (de.py
MESSAGES, keyed by the English template). {field} names the value at fault, and the placeholders
the refusal lists in `names` name other fields: each reader says them with its own names (the
command line with its options, the import with its columns). Values that are codes are shown as
their labels (LABELLED), or as the phrase of the code (PHRASES), in the reader's language.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from typing import Any

REFUSALS: dict[str, str] = {
    # a client whose personal data was erased (rules/actions.py)
    "anonymized-refer": "{client} was anonymized on {anonymized_on}; register the person again to "
                        "refer them",
    "anonymized-update": "{client} was anonymized on {anonymized_on}; its data cannot come back: "
                         "register the person again",
    # the life of a case (rules/lifecycle.py)
    "status-forbids": "cannot {action} {case}: it is {status}; {action} is only possible when it "
                      "is {allowed}",
    "status-forbids-either": "cannot {action} {case}: it is {status}; {action} is only possible "
                             "when it is {allowed} or {other}",
    "months-invalid": "{field} {value} is not a mandate period; use 3 or 6",
    "note-required": '{reason} other needs a note; add {field} "what happened"',
    "cause-required": "{outcome} not-achieved needs a cause; add {field} no-cooperation, "
                      "not-placeable or other",
    "cause-unexpected": "{field} is only recorded with {outcome} not-achieved or partly, not with {value}",
    "already-extended": "cannot extend {case}: it was already extended; a 3-month mandate may be "
                        "extended once, to 6",
    "not-extendable": "cannot extend {case}: its mandate is {months} months; a 3-month mandate "
                      "may be extended once, to 6",
    "extend-after-mandate": "cannot extend {case} on {day}: its mandate ended on {due_on}; give "
                            "the date the extension was decided with {field}",
    "suspend-not-rav": "cannot suspend the job search for {case}: it was referred by {kind}, only "
                       "a case referred by a RAV unit can suspend job-search obligations",
    "suspension-overlaps": "{case} already has a job-search suspension until {until} in that "
                           "time; end it with resume-search first, or choose days after it",
    "suspension-before-mandate": "a suspension from {start} would start before the mandate "
                                 "({accepted_on})",
    "suspension-starts-after-mandate": "cannot suspend the job search for {case} from {start}: "
                                       "the mandate ends on {due_on}; a suspension may start at "
                                       "most on that day",
    "until-before-from": "{field} {until} is before {start_field} {start}",
    "suspension-after-mandate": "cannot suspend the job search for {case} until {until}: the "
                                "mandate ends on {due_on}; a suspension may last at most until then",
    "nothing-to-resume": "{case} has no job-search suspension running on {day}; nothing to resume",
    "value-required": "missing {field}",
    # taking an action back (rules/actions.py undo, reopen)
    "nothing-to-undo": "{case} has no action to undo since its referral; a referral is not undone: "
                       "withdraw it, or correct it with `optima amend`",
    "undo-after-amend": "{case} was corrected with `optima amend` after its last action; correct it "
                        "again with `optima amend` instead",
    "measure-after-end": "a measure of {case} requested on {day} comes after the case ended on "
                         "{ended_on}; a measure is requested during the mandate: give --on up to "
                         "{ended_on}",
    "undo-after-measure": "{case} has a measure recorded after its last action, which needs that "
                          "action; nothing is undone across it: correct the case with `optima amend` "
                          "instead",
    "undo-after-follow-up": "{case} has a follow-up recorded after its closing, which needs the "
                            "closing; nothing is undone across it: correct the case with "
                            "`optima amend` instead",
    "amend-closed-followed-up": "{case} has follow-ups recorded after its closing; its closing day "
                                "cannot move under them: correct the follow-ups with "
                                "`optima follow-up --correct` instead",
    "reopen-other-open": "cannot {action} {case}: the client's case {open_case} to {receiver} is open "
                         "since; a client has one open case per receiver: close or withdraw {open_case} "
                         "first",
    "reopen-not-ended": "cannot reopen {case}: it is {status} and its last action is no closing or "
                        "withdrawal; use `optima undo` to take back its last action",
    "override-empty": "{field} needs a justification text, not an empty one",
    "referral-refused": "referral refused: {reasons}",
    "referral-blocked": 'referral blocked: {reasons}. To deviate, record your justification '
                        '({field} "...")',
    "out-of-order": "{action} on {day} is before {event} on {earlier}; use {field} {earlier} or "
                    "later",
    # follow-ups after the closing (rules/followup.py, issue 19)
    "follow-up-since-required": "employed needs the day the work began; add {field} DATE",
    "follow-up-since-not-employed": "{field} is the day the work began, only recorded with "
                                    "employed, not with {situation}",
    "follow-up-note-required": 'other needs a note; add {field} "what became of the client"',
    "follow-up-why-alone": "{field} goes with --correct: it says why a follow-up is corrected",
    "follow-up-not-closed": "{case} is {status}; follow-ups are due only after a closing",
    "follow-up-not-scheduled": "{case} has no follow-up {at} months after its closing; {field} "
                               "takes {points}",
    "follow-up-too-early": "the follow-up of {case} {at} months after its closing is due on "
                           "{due_on}; it can be recorded from {earliest} on ({field})",
    "follow-up-since-after": "{field} {since} is after the contact day {on}",
    "follow-up-since-before": "{field} {since} is before the referral of {case} on {referred_on}",
    "follow-up-recorded": "the follow-up of {case} {at} months after its closing was recorded "
                          "on {contact_on} ({situation}); correct it with --correct --why "
                          '"..."',
    "follow-up-nothing-to-correct": "the follow-up of {case} {at} months after its closing is "
                                    "not recorded yet; record it without --correct",
    "follow-up-months-order": "the second follow-up ({second} months) must come after the first "
                              "({first} months)",
    # joint strategies (rules/joint.py, issue 18)
    "joint-partners": "{field} names {count} units; a joint strategy has its lead and one or two "
                      "other units",
    "joint-same-kind": "{unit} and {other} are both {kind}: a joint strategy joins two or three "
                       "institutions, one unit of each kind; name units of other kinds with "
                       "{field}",
    "joint-review-not-after": "{field} {next_on} is not after {day}: the next review lies after "
                              "the day it is set",
    "joint-withdraw-reason": "{field} joint-strategy is recorded when a joint strategy starts "
                             "from the referral: use `optima joint open CLIENT --from-case {case}`",
    "joint-anonymized": "{client} was anonymized; register the person again to open a joint "
                        "strategy",
    "joint-open-exists": "{client} already has the open joint strategy {joint}; review or close it "
                         "first: a client has at most one open joint strategy",
    "joint-no-consent": "cannot open a joint strategy for {client}: {reasons}",
    "joint-case-other-client": "{field} {case} is a referral of {other}, not of {client}",
    "joint-case-units": "{field} {case} goes from {referrer} to {receiver}, but {unit} does not "
                        "take part: both units of the referral take part in the joint strategy "
                        "that replaces it",
    "joint-closed": "cannot {action} {joint}: it was closed on {closed_on}",
    "joint-undo": "{case} was withdrawn because a joint strategy started from it; that is not "
                  "taken back: close the joint strategy and refer the client again if needed",
    # money and measures (rules/money.py, rules/measures.py, issue 19)
    "not-money": "{field} {raw!r} is not an amount in francs; write it like 1200, 1200.50 or "
                 "1'200.50",
    "money-negative": "{field} {raw!r} is negative; a cost is 0 or more francs, like 1200.50",
    "money-decimals": "{field} {raw!r} has more than two decimals; write francs and centimes, "
                      "like 1200.50",
    "money-ambiguous": "{field} {raw!r} could mean francs or a thousands mark; write it like "
                       "1200.00 or 1'200.00",
    "money-too-large": "{field} {raw!r} is more than {most} francs; check the amount",
    "not-a-measure-kind": "{value} is not a kind of measure; use one of: {codes}",
    "measure-not-accepted": "cannot add a measure to {case}: it is {status} and was never "
                            "accepted; measures belong to a case whose mandate was accepted",
    "measure-before-acceptance": "a measure requested on {day} is before {case} was accepted on "
                                 "{decided_on}; give {field} {decided_on} or later",
    "measure-decided-before-request": "measure {measure} of {case} was requested on "
                                      "{requested_on}; it cannot be decided on {day}: give "
                                      "{field} {requested_on} or later",
    "measure-note-required": "a measure of the kind other needs a note; add {field} \"what it is\"",
    "no-such-measure": "{case} has no measure {measure} (it has {count}); `optima measure list "
                       "{case}` lists them",
    "measure-decided": "measure {measure} of {case} was already decided on {day}; if that was a "
                       "mistake, strike it and add it again",
    "measure-struck": "measure {measure} of {case} is struck; add it again if it is needed",
    # between the institutions (rules/actions.py: assign, forward, the handback; issue 18)
    "assign-not-open": "cannot assign {case}: it is {status}; a counsellor is assigned to a "
                       "referred or an accepted case",
    "assign-unchanged": "{case} is already assigned to {counsellor}; nothing to change",
    "forward-not-referred": "cannot forward {case}: it is {status}; only a referral not yet "
                            "decided is forwarded (refer the client again instead)",
    "forward-same-unit": "{case} is already with {receiver}; give {field} another unit of its kind",
    "forward-other-kind": "cannot forward {case} to {receiver} ({kind}): {current} is {current_kind}; "
                          "a referral is forwarded to a unit of the same kind (refer the client "
                          "to another kind instead)",
    "forward-refused": "cannot forward {case} to {receiver}: {reasons}",
    "no-handback": "{case} has no handback to read ({status})",
    "undo-forward": "the last action of {case} forwarded it to {receiver}; that is not undone: "
                    "forward it back with `optima forward {case} --to {back}`",
    "inbox-no-unit": "no unit has {user} as its contact person; give --unit CODE (or make {user} "
                     "the contact person: optima institution set-contact CODE --user {user})",
    # corrections (rules/corrections.py: amend, undo, reopen)
    "amend-nothing": "nothing to correct in {case}: give the value to correct, like --goal",
    "amend-unchanged": "{case} already holds these values; nothing was corrected",
    "amend-not-decided": "{field} does not apply to {case}: it is {status}, not decided yet; "
                         "record the decision with accept or reject",
    "amend-not-accepted": "{field} does not apply to {case}: it is {status} and was never "
                          "accepted; only an accepted case has a receiving counsellor",
    "amend-not-closed": "{field} does not apply to {case}: it is {status}, not closed; record "
                        "the closing with close",
    "amend-not-rejected": "{field} does not apply to {case}: it is {status}, not rejected; a "
                          "reason is recorded with reject or withdraw",
    "amend-withdraw-reason": "{field} of the withdrawal of {case} cannot be corrected: it may "
                             "have ended the client's consent; correct the consent with client "
                             "update",
    "amend-no-note": "{field} does not apply to {case}: it is {status}; a note is kept with a "
                     "rejection, a withdrawal or a closing (use --goal for the goal)",
    "amend-extended": "{field} of {case} cannot be corrected: it was extended to 6 months on "
                      "{extended_on}",
    "amend-before": "{field} {day} is before {event} on {other}; the events of a case keep "
                    "their order",
    "amend-after": "{field} {day} is after {event} on {other}; the events of a case keep their "
                   "order",
    "amend-extension-outside": "with this {field} the first mandate would end on {due_on}, "
                               "before the extension on {extended_on}",
    "amend-suspension-outside": "with this {field} the mandate would end on {due_on}, before "
                                "the end of a job-search suspension on {until}",
    "amend-blocked": "the correction would block {case}: {reasons}; it has no justification "
                     "recorded for deviating, so it cannot be corrected so",
    # the case journal (rules/journal.py, issue 18)
    "note-before-referral": "a note on {day} is before the referral of {case} on {referred_on}; "
                            "give {field} {referred_on} or later",
    "note-after-end": "{case} is {status} since {ended_on}: a note may be dated up to that day, "
                      "not {day}; give {field} {ended_on} or earlier",
    "no-such-entry": "{case} has no journal entry {entry} (it has {count}); `optima show {case}` "
                     "lists them",
    "entry-already-struck": "journal entry {entry} of {case} is already struck",
    # dates (rules/dates.py)
    "year-out-of-range": "{raw!r} is out of range: optima takes the years {first} to {last}",
    "not-a-date": "{raw!r} is not a date; write it as 2026-11-20 or 20.11.2026",
    "no-such-month": "{raw!r} is not a date: there is no month {month}",
    "no-such-day": "{raw!r} is not a date: {month} {year} has {last} days",
    "in-the-future": "{what} {day} lies in the future (today is {today}); give the date on which "
                     "it happened",
    "birth-implausible": "birth date {day} is implausible; check the year",
    # a client's record (rules/clients.py)
    "not-clearable": "{field} is required and cannot be cleared",
    "consent-before-birth": "consent date {consent_on} is before the birth date {birth_date}",
    "work-capacity-before-birth": "{field} {assessed_on} is before the birth date {birth_date}",
    "work-capacity-day-alone": "{field} is the day work capacity was assessed; give "
                               "{assessment_field} yes or no with it",
    "same-ahv": "client {other} has the same AHV number; use {other} instead of registering the "
                "client again",
    "same-name": "client {other} has the same name and birth date; use {other} instead of "
                 "registering the client again",
    # text values and identities (rules/text.py, rules/identity.py)
    "too-long": "{field} has {length} characters; at most {limit} are allowed, shorten it",
    "shows-nothing": "{field} {value!r} shows nothing: it holds only blanks or invisible "
                     "characters; write it out",
    "empty": "{field} must not be empty; write it out",
    "not-an-email": "{value!r} is not an e-mail address; write it like m.meier@example.ch",
    "not-a-unit-code": "unit code {code!r} is not usable; a code has letters, digits and dashes, "
                       "at most {limit} characters, like SD-EMMEN",
    "ahv-check-digit": "AHV number {raw!r} is invalid: its check digit does not match; check for "
                       "a typo",
    "ahv-format": "AHV number {raw!r} is invalid: it must be 13 digits starting with 756, like "
                  "756.1234.5678.97",
    # codes (rules/codes.py)
    "not-a-kind": "{value} is not an institution kind; use one of: {codes}",
    "not-a-status": "{value} is not a status; use one of: {codes}",
    "not-a-topic": "{value} is not a topic; use one of: {codes}",
    "not-a-reject-reason": "{value} is not a rejection reason; use one of: {codes}",
    "not-a-withdraw-reason": "{value} is not a withdrawal reason; use one of: {codes}",
    "not-an-outcome": "{value} is not an outcome; use one of: {codes}",
    "not-a-cause": "{value} is not a cause; use one of: {codes}",
    "not-a-rule-kind": "{value} is not a rule kind; use one of: {codes}",
    "not-a-result": "{value} is not a result; use one of: {codes}",
    "not-a-work-capacity": "{value} is not an assessment of work capacity; use one of: {codes}",
    "not-a-situation": "{value} is not a situation at a follow-up; use one of: {codes}",
    "not-yes-or-no": "{value} is not yes or no",
    "no-topic": "no topic given; name one or more of: {codes}",
    # report periods (rules/periods.py)
    "not-a-month": "{field} {text!r} is not a month; write 2026-10, or last",
    "not-a-quarter": "{field} {text!r} is not a quarter; write 2026-Q3",
    "not-a-year": "{field} {text!r} is not a year; write 2026",
    "one-period-only": "give one period only, not {options}",
    "from-and-to": "{start_field} and {end_field} go together; give both dates",
    # the steering group's settings (rules/settings.py)
    "not-a-setting": "{value} is not a setting; use one of: {codes}",
    "setting-not-a-number": "{key} takes a whole number, not {value}",
    "setting-out-of-range": "{key} takes {low} to {high}, not {value}",
    "rule-kind-not-allowed": "the concept does not allow the rule {rule} to be {kind}; it may be: "
                             "{allowed}",
    # the mail server of `optima notify` (rules/notices.py, workflow/notify.py)
    "mail-port": "the mail port takes a number from 1 to 65535, not {value}",
    "mail-yes-no": "{key} takes yes or no, not {value}",
    "mail-address": "{value} is not an e-mail address like optima@example.ch",
    "mail-spaces": "{key} takes no spaces, not {value}",
    "mail-no-host": "no mail server is set; set it with `optima settings set mail-host HOST`",
    "mail-no-sender": "no sender address is set; set it with `optima settings set mail-sender "
                      "ADDRESS`",
    "mail-unreachable": "cannot reach the mail server {server}: {problem}; nothing more was sent, "
                        "the next run sends what is pending",
    "mail-login": "the mail server {server} refused the login of {user}: {problem}",
    "mail-password-file": "cannot read the mail password file {path}: {problem}",
    "mail-password-open": "the mail password file {path} can be read by others; make it yours "
                          "alone: chmod 600 {path}",
    "born-after-referral": "birth date {birth_date} is after the referral {case} on "
                           "{referred_on}; a client is born before being referred: check the year",
    # issue 20: access control on the shared server (rules/access.py)
    "access-role-too-long": "the unit code {code} makes a role name longer than PostgreSQL's "
                            "{limit} bytes; give the unit a shorter code",
    "not-a-login": "{field} must be the name of a login role on the server (at most {limit} bytes, "
                   "no control characters), not {value!r}",
    "whole-database": "on the shared server your login sees only the cases of its units, and this "
                      "needs the whole database; the coordinator or optima's administrator runs it",
    "admin-only": "on the shared server only optima's administrator may do this (optima access "
                  "grant LOGIN --admin)",
    "joint-open-by-lead": "on the shared server a joint strategy is opened by the login of its "
                          "lead, {lead}; ask its contact person, or give your own unit as {field}",
    "login-is-a-group": "{value} is one of the server's or optima's own roles, not a person's login; "
                        "give the login role of a person (CREATE ROLE name LOGIN)",
    # who may use the shared server (workflow/access.py, cli/access.py; issue 20)
    "access-needs-server": "access roles are the shared PostgreSQL server's; {database} is a "
                           "SQLite file, one person's, protected by the operating system (mode "
                           "600)",
    "access-no-login": "the server has no login role {login}; its administrator creates it with "
                       "CREATE ROLE {login} LOGIN (README: the shared database)",
    "access-one-role": "give exactly one of {unit}, {coordinator} or {admin}",
    # the resident optima (cli/server.py)
    "bad-resident-idle": "OPTIMA_RESIDENT_IDLE takes minutes, a number above 0 (like 15 or 0.5), not {value}",
    "resident-not-stopped": "the resident optima (process {pid}) did not end within {seconds} s; "
                            "end it with kill {pid}",
}

# Sentences the criteria no longer say, kept for the findings stored with older referrals.
FINDINGS_OF_THE_PAST = frozenset({"iv-rejection/2", "work-capacity/2", "work-capacity/7",
                                  "social-topic/1",
                                  "workable/1"})

# The sentence of each finding of the access criteria (rules/criteria.py), by rule and number:
# a finding is stored as its key and values, and said in the reader's language where it is shown.
FINDINGS: dict[str, str] = {
    "consent/1": "no consent of the client is recorded; record the day the client consented first",
    "consent/2": "consent was given on {consent_on}, after the referral date {on}",
    "consent/3": "the client withdrew consent on {withdrawn_on}; record the day the client "
                 "consented again first",
    "consent/4": "consent recorded on {consent_on} and not withdrawn",
    "other-kind/1": "{receiver} is of the referrer's own kind ({kind}); "
        "OPTIMA hands a case to another kind of institution",
    "other-kind/2": "{referrer_kind} refers to {receiver_kind}, another kind",
    "no-open-referral/1": "{case} of this client to {receiver} is still open; close, withdraw or decide it first",
    "no-open-referral/2": "no open referral of this client to {receiver}",
    "iv-rejection/1": "no IV rejection recorded",
    "iv-rejection/2": "the IV rejected the client on {rejected_on}, less than 12 months ago "
        "(a referral to IV is possible from {possible_from}, or now with a justification)",
    # since issue 16 (the anniversary itself still blocks); /2 stays for findings stored before
    "iv-rejection/4": "the IV rejected the client on {rejected_on}, not more than 12 months ago "
        "(a referral to IV is possible from {possible_from}, or now with a justification)",
    "iv-rejection/3": "the IV rejection of {rejected_on} is more than 12 months old",
    "iv-procedure/1": "an IV procedure, assessment or legal proceeding is open",
    "iv-procedure/2": "no IV procedure, assessment or proceeding open",
    "iv-health/1": "an IV-relevant health damage is suspected: a regular IV registration is due instead",
    "iv-health/2": "no IV-relevant health damage suspected",
    "work-capacity/1": "the client's work capacity is not intact (not placeable)",
    # /2 passed when nobody had said otherwise; since issue 16 work capacity is assessed
    "work-capacity/2": "work capacity intact (objectively and subjectively placeable)",
    "work-capacity/3": "the client's work capacity is not intact (not placeable), as assessed on "
                       "{assessed_on}",
    "work-capacity/4": "work capacity intact (objectively and subjectively placeable), as "
                       "assessed on {assessed_on}",
    "work-capacity/5": "work capacity intact (objectively and subjectively placeable), as "
                       "assessed on a day not recorded",
    "work-capacity/6": "work capacity not assessed; record your assessment with `{command}`",
    "work-capacity/7": "work capacity assessed only on {assessed_on}, after {on}; record it as of "
                       "then with `{command} --work-capacity-on DATE`",
    "iv-measures/1": "IV measures are running",
    "iv-measures/2": "an IV assessment or proceeding is open",
    "iv-measures/3": "no IV measures running, no assessment or proceeding open",
    "rav-registration/1": "the client is registered at the RAV (until {until})",
    "rav-registration/2": "the client must register at the RAV",
    "rav-recent/1": "the client is registered at the RAV until {until}, within the last 6 months",
    "rav-recent/2": "the client was registered at the RAV until {until}, within the last 6 months",
    "rav-recent/3": "not registered at the RAV in the last 6 months",
    # /1 passed on a social topic alone; since issue 16 also work capacity (/5, /6)
    "social-topic/1": "social topic named: {topics}",
    "social-topic/2": "no topic given yet; a referral to SD should name a social problem",
    "social-topic/3": "none of the topics is a social problem (finances, addiction, conflict, childcare, "
        "life-event), which is what SD works on",
    "social-topic/4": "work capacity was assessed as intact: the RAV is likely better placed; "
        "SD takes people without intact work capacity because of problems in their surroundings",
    "social-topic/5": "social topic named: {topics}; work capacity assessed as not intact",
    "social-topic/6": "social topic named: {topics}; work capacity not assessed",
    # the same, when the steering group set other months than the concept's (rules/settings.py)
    "iv-rejection/5": "the IV rejected the client on {rejected_on}, not more than {months} months "
        "ago (a referral to IV is possible from {possible_from}, or now with a justification)",
    "iv-rejection/6": "the IV rejection of {rejected_on} is more than {months} months old",
    # the same, when the steering group made the rule never or warn: no justification offered
    "iv-rejection/7": "the IV rejected the client on {rejected_on}, not more than {months} months "
        "ago (more than {months} months from {possible_from})",
    "rav-recent/4": "the client is registered at the RAV until {until}, within the last {months} "
        "months",
    "rav-recent/5": "the client was registered at the RAV until {until}, within the last {months} "
        "months",
    "rav-recent/6": "not registered at the RAV in the last {months} months",
    "workable/1": "only you can judge: can the problem plausibly be improved within 3 or 6 months? "
        "Severe problems do not fit",
    # since issue 16 the counsellor answers it (refer --workable, the import's column workable);
    # /1, the warning every referral had before, stays for the findings stored with them
    "workable/2": "answered yes: the problem can plausibly be improved within the mandate",
    "workable/3": "answered no: the problem cannot plausibly be improved within the mandate; "
        "severe problems do not fit OPTIMA",
    "workable/4": "not answered: can the problem plausibly be improved within 3 or 6 months? "
        "Answer with --workable yes|no (in an import: the column workable)",
}

# the placeholders of findings that hold days (stored as 2026-11-20) and lists of codes
_FINDING_DAYS = frozenset(("consent_on", "on", "withdrawn_on", "rejected_on", "possible_from",
                           "until", "assessed_on"))
_FINDING_CODES = {"topics": "Topic"}

# placeholders whose values are codes, shown as the label of their code group (language.label)
LABELLED = {"status": "Status", "allowed": "Status", "other": "Status",
            "situation": "Situation"}

# placeholders whose values are codes, shown as a phrase (translated as a message)
PHRASES: dict[str, dict[str, str]] = {
    "event": {  # as "is before {event}" names it (in German in the dative)
        "referral": "the referral",
        "acceptance": "the acceptance",
        "rejection": "the rejection",
        "extension": "the extension",
        "suspension-start": "the start of a job-search suspension",
        "suspension-end": "the end of a job-search suspension",
        "withdrawal": "the withdrawal",
        "closing": "the closing",
        "opening": "the opening of the joint strategy",
        "review": "the last review of the joint strategy",
    },
    "what": {  # the name of a date
        "referral": "referral date",
        "birth": "birth date",
        "consent_on": "consent date",
        "consent_withdrawn_on": "consent withdrawal date",
        "iv_rejected_on": "IV rejection date",
        "work_capacity_assessed_on": "work capacity assessment date",
        "accept": "accept date",
        "reject": "reject date",
        "withdraw": "withdraw date",
        "close": "close date",
        "extend": "extend date",
        "suspend-search": "suspend-search date",
        "resume-search": "resume-search date",
        "note": "note date",
        "joint-open": "opening date of the joint strategy",
        "joint-review": "review date",
        "joint-close": "closing date of the joint strategy",
        "follow-up": "contact day of the follow-up",
        "assign": "assign date",
        "forward": "forward date",
        "measure": "date of the measure",  # issue 19
    },
}

_GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                  "September", "Oktober", "November", "Dezember")


def month_name(month: int) -> str:
    """The name of a month in the current language."""
    from optima_cli import language

    if language.current() == "de":
        return _GERMAN_MONTHS[month - 1]
    return calendar.month_name[month]


# values shown otherwise than as they are, by code and placeholder
def _number(n: int) -> str:
    from optima_cli.language import number

    return number(n)


SHOWN: dict[tuple[str, str], Callable[[Any], str]] = {
    ("no-such-day", "month"): month_name,
    ("too-long", "length"): _number,
    ("too-long", "limit"): _number,
}


AND = " and "  # between names said together


def both(names: list[str]) -> str:
    """Names said together: `--month and --year`."""
    from optima_cli.language import t

    return t(AND).join(names)


def sentence(code: str, values: Mapping[str, Any], named: Mapping[str, str]) -> str:
    """The refusal `code` in the current language, with its values and the fields it names (each
    already said by the reader)."""
    from optima_cli.language import label, t

    shown: dict[str, Any] = {}
    for key, value in values.items():
        if (code, key) in SHOWN:
            shown[key] = SHOWN[code, key](value)
        elif key in PHRASES:
            shown[key] = t(PHRASES[key][str(value)])
        elif key in LABELLED:
            shown[key] = label(LABELLED[key], value)
        else:
            shown[key] = value
    return t(REFUSALS[code], **shown, **named)


def finding(stored: Mapping[str, Any]) -> str:
    """The sentence of a finding as stored (rule, result, key, values) in the current language;
    a finding stored as an English sentence (an audit event written before schema 4) as it is."""
    from datetime import date

    from optima_cli.language import labels, t

    if stored.get("key") not in FINDINGS:
        return str(stored.get("message", ""))
    shown: dict[str, Any] = {}
    for key, value in (stored.get("values") or {}).items():
        if key in _FINDING_DAYS and isinstance(value, str):
            shown[key] = date.fromisoformat(value)
        elif key in _FINDING_CODES:
            shown[key] = labels(_FINDING_CODES[key], value)
        else:
            shown[key] = value
    return t(FINDINGS[stored["key"]], **shown)


def shown_finding(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A finding as people and scripts see it: as stored, and its sentence (`message`) in the
    current language."""
    return {**stored, "message": finding(stored)}


def _reasons(findings: list[dict[str, Any]]) -> str:
    return "; ".join(finding(f) for f in findings)


# a finding that blocks or warns, with its rule: in English the rule's code first; in German
# the sentence first and the rule's name after it, since that name says what passes (it is shown
# beside "erfüllt", issue 16): before the sentence of what fails, it read as its opposite or said
# one phrase twice ("IV-Massnahmen laufen: IV-Massnahmen laufen")
RULED = "{rule}: {finding}"


def ruled(stored: Mapping[str, Any]) -> str:
    """A finding that blocks or warns, with its rule: the one place that joins the two."""
    from optima_cli.language import label, t

    return t(RULED, rule=label("Rule", stored["rule"]), finding=finding(stored))


def _rules_and_reasons(findings: list[dict[str, Any]]) -> str:
    return "; ".join(ruled(f) for f in findings)


SHOWN[("referral-refused", "reasons")] = _reasons
SHOWN[("referral-blocked", "reasons")] = _rules_and_reasons
SHOWN[("amend-blocked", "reasons")] = _rules_and_reasons
SHOWN[("joint-no-consent", "reasons")] = _reasons
SHOWN[("forward-refused", "reasons")] = _reasons
