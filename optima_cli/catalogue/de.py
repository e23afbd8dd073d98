"""Deutsch (Schweiz): the German catalogue of optima.

MESSAGES maps each English template of the code to its German template with the same
placeholders; LABELS maps each code table to the German label of each code. Swiss spelling (ss,
never sharp s), the terms of the programme (Auftraggeberin, Auftragnehmerin, Fallführung,
Einwilligung, Aussetzen der Arbeitsbemühungen). tests/test_language.py fails when an entry is
missing, stale or loses a placeholder.

Contents, in this order (search for the `=====` lines):
- LABELS: kinds, statuses, topics, reasons, outcomes, causes, rule kinds, results, deadline
  warnings, audit actions, access rules;
- MESSAGES: codes, access criteria, deadlines, the root and Click's messages; dates, the life of a
  case, clients, periods, the case workflow; import, demo, backups, doctor, the audit trail and
  the database; tables, the report, the workbook and the commands' own messages; sound records:
  dates in order, the audit trail's anchors, files on disk, identity and text values, the command
  line; refusals as codes; the access criteria as the concept has them; the demo as the evaluation
  report has it; referrals refused and justified exceptions by rule; work capacity and the SD rule;
  whether a case is workable in the mandate; the steering group's settings; planned suspensions and
  the demo's invented figures; corrections (undo, reopen, amend, the figures as recorded, the
  import); between the institutions (the digest by e-mail, the case journal, joint strategies,
  inbox, assign, forward and the handback).
Within a section, entries follow the module they come from (a comment names it).
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "Kind": {
        "RAV": "RAV (Regionales Arbeitsvermittlungszentrum)",
        "IV": "IV (Invalidenversicherung)",
        "SD": "SD (Sozialdienste)",
    },
    "Status": {
        "referred": "angemeldet",
        "accepted": "angenommen",
        "rejected": "abgelehnt",
        "withdrawn": "zurückgezogen",
        "closed": "abgeschlossen",
    },
    "Topic": {
        "finances": "Finanzen/Schulden",
        "addiction": "Sucht",
        "conflict": "Konflikte",
        "childcare": "Kinderbetreuung",
        "life-event": "belastendes Ereignis (Trennung/Scheidung)",
        "health": "Gesundheit",
        "placement": "Stellensuche/Arbeitsvermittlung",
        "other": "Anderes",
    },
    "RejectReason": {
        "iv-rejection-recent": "IV-Ablehnung vor nicht mehr als 12 Monaten",
        "iv-procedure-open": "IV-Verfahren, Abklärung oder Rechtsverfahren offen",
        "iv-registration-due": "Gesundheitsschaden vermutet: ordentliche IV-Anmeldung angezeigt",
        "no-work-capacity": "kein intaktes Arbeitsangebot",
        "rav-registered-recently": "in den letzten 6 Monaten beim RAV angemeldet",
        "too-severe": "Problematik zu schwer für 3 oder 6 Monate",
        "no-consent": "keine Einwilligung der Klientin oder des Klienten",
        "other": "anderer Grund, siehe Notiz",
    },
    "WithdrawReason": {
        "consent-withdrawn": "Einwilligung zurückgezogen",
        "joint-strategy": "in gemeinsame Strategie überführt",
        "other": "anderer Grund, siehe Notiz",
    },
    "SeriesUnit": {  # report --series (issue 19)
        "month": "Monat",
        "quarter": "Quartal",
        "year": "Jahr",
    },
    "Outcome": {
        "achieved": "Ziel erreicht",
        "partly": "Ziel teilweise erreicht",
        "not-achieved": "Ziel nicht erreicht",
    },
    "Cause": {
        "no-cooperation": "mangelnde Kooperation",
        "not-placeable": "fehlende Vermittelbarkeit",
        "other": "anderer Grund",
    },
    "RuleKind": {
        "never": "zwingend",
        "hard": "Abweichung mit Begründung",
        "warn": "Hinweis",
    },
    "Result": {"pass": "erfüllt", "warn": "Warnung", "block": "blockiert"},
    "WorkCapacity": {"yes": "intakt (beurteilt)", "no": "nicht intakt (beurteilt)"},
    "JointStatus": {"open": "offen", "closed": "abgeschlossen"},  # issue 18
    "MeasureKind": {  # issue 19: measures with financial consequences
        "coaching": "Coaching, Jobcoaching",
        "course": "Kurs, Weiterbildung",
        "labour-market": "arbeitsmarktliche Massnahme (z.B. Einsatzprogramm)",
        "work-trial": "Arbeitsversuch, Praktikum",
        "debt-counselling": "Schulden- oder Budgetberatung",
        "addiction-counselling": "Suchtberatung",
        "childcare": "Kinderbetreuung",
        "other": "andere Massnahme, siehe Notiz",
    },
    "MeasureDecision": {"requested": "beantragt", "approved": "Kosten übernommen",
                        "declined": "abgelehnt", "struck": "gestrichen"},
    "Situation": {  # issue 19: what became of the client at a follow-up
        "employed": "erwerbstätig (1. Arbeitsmarkt)",
        "unemployment-benefit": "Arbeitslosenentschädigung",
        "social-assistance": "Sozialhilfe",
        "iv-benefit": "IV-Leistung",
        "other": "anderes",
        "not-reached": "nicht erreicht",
    },
    "DueKind": {
        "overdue": "Frist überschritten",
        "due-soon": "Frist läuft bald ab",
        "decision-late": "Entscheid zu lange offen",
        "suspension-ending": "Aussetzen der Arbeitsbemühungen endet bald",
        "suspension-outlasts": "Aussetzen der Arbeitsbemühungen dauert über das Ende des Auftrags hinaus",
        "joint-review-overdue": "Überprüfung der gemeinsamen Strategie überfällig",
        "joint-review-due": "Überprüfung der gemeinsamen Strategie bald fällig",
        "follow-up-due": "Nachbefragung fällig",  # issue 19
    },
    "Action": {  # what the audit trail and a case's history record
        "register": "Klient/in erfasst",
        "client-update": "Klient/in korrigiert",
        "read": "Einsicht",
        "refer": "Anmeldung",
        "accept": "Annahme",
        "reject": "Ablehnung",
        "withdraw": "Rückzug",
        "close": "Abschluss",
        "extend": "Verlängerung",
        "suspend-search": "Arbeitsbemühungen ausgesetzt",
        "resume-search": "Arbeitsbemühungen wieder aufgenommen",
        "undo": "rückgängig gemacht",
        "reopen": "wieder eröffnet",
        "institution-add": "Stelle hinzugefügt",
        "institution-set-contact": "Ansprechperson festgelegt",
        "anonymize": "Anonymisierung",
        "backup": "Sicherung",
        "copy-in": "kopiert (Ziel)",
        "copy-out": "kopiert (Quelle)",
        "create-database": "Datenbank erstellt",
        "upgrade-schema": "Schema aktualisiert",
        "export-personal-data": "Export mit Personendaten",
        "settings-set": "Einstellung geändert",
        "amend": "Korrektur",  # issue 17
        "notify": "per E-Mail benachrichtigt",  # issue 18
        "counsellor-set": "Beratungsperson erfasst",
        "note": "Journaleintrag",  # issue 18: the case journal
        "note-strike": "Journaleintrag gestrichen",
        "joint-open": "gemeinsame Strategie eröffnet",  # issue 18
        "joint-review": "gemeinsame Strategie überprüft",
        "joint-close": "gemeinsame Strategie abgeschlossen",
        "assign": "Beratungsperson zugeteilt",  # issue 18
        "forward": "weitergeleitet",
        "handback-read": "Rückmeldung gelesen",
        "measure-add": "Massnahme erfasst",  # issue 19
        "measure-approve": "Kosten der Massnahme übernommen",
        "measure-decline": "Kosten der Massnahme abgelehnt",
        "measure-strike": "Massnahme gestrichen",
        "follow-up": "Nachbefragung erfasst",  # issue 19
        "follow-up-correct": "Nachbefragung korrigiert",
        "access-grant": "Zugriff erteilt",  # issue 20
        "access-revoke": "Zugriff entzogen",
    },
    "Rule": {  # the access criteria (Zuweisungskriterien), by their ids in rules/criteria.py;
        # each names the condition that passes, as it is shown beside "erfüllt" (issue 16)
        "consent": "Einwilligung",
        "other-kind": "andere Institutionsart",
        "no-open-referral": "keine offene Anmeldung",
        "iv-rejection-recent": "keine kürzliche IV-Ablehnung",
        "iv-procedure-open": "kein IV-Verfahren offen",
        "iv-health-registration": "kein IV-relevanter Gesundheitsschaden vermutet",
        "work-capacity": "intaktes Arbeitsangebot",
        "iv-measures-running": "keine IV-Massnahmen laufend",
        "rav-registration": "RAV-Anmeldung",
        "rav-registered-recently": "keine kürzliche RAV-Anmeldung",
        "social-topic": "kein intaktes Arbeitsangebot wegen sozialer Problematik",
        "workable-in-period": "in 3 oder 6 Monaten bearbeitbar",
    },
}

MESSAGES: dict[str, str] = {
    "yes": "ja",
    "no": "nein",

    # ===== codes, access criteria, deadlines, the root and Click's messages =====
    # root
    "{message} (see '{command} --help')": "{message} (siehe '{command} --help')",
    "aborted; nothing was written": "abgebrochen; nichts wurde geschrieben",
    "interrupted; nothing was written": "unterbrochen; nichts wurde geschrieben",
    "{option} {value} is not a language of optima; use de or en":
        "{option} {value} ist keine Sprache von optima; verwenden Sie de oder en",
    # codes
    "{value} is not an institution kind; use one of: {codes}":
        "{value} ist keine Institutionsart; verwenden Sie eine von: {codes}",
    "{value} is not a status; use one of: {codes}":
        "{value} ist kein Status; verwenden Sie einen von: {codes}",
    "{value} is not a topic; use one of: {codes}":
        "{value} ist kein Thema; verwenden Sie eines von: {codes}",
    "{value} is not a rejection reason; use one of: {codes}":
        "{value} ist kein Ablehnungsgrund; verwenden Sie einen von: {codes}",
    "{value} is not a withdrawal reason; use one of: {codes}":
        "{value} ist kein Rückzugsgrund; verwenden Sie einen von: {codes}",
    "{value} is not an outcome; use one of: {codes}":
        "{value} ist kein Ergebnis; verwenden Sie eines von: {codes}",
    "{value} is not a cause; use one of: {codes}":
        "{value} ist keine Ursache; verwenden Sie eine von: {codes}",
    "{value} is not a rule kind; use one of: {codes}":
        "{value} ist keine Regelart; verwenden Sie eine von: {codes}",
    "{value} is not a result; use one of: {codes}":
        "{value} ist keine Beurteilung; verwenden Sie eine von: {codes}",
    "no topic given; name one or more of: {codes}":
        "kein Thema angegeben; nennen Sie eines oder mehrere von: {codes}",
    # criteria (stored as keys and values, catalogue/en.py FINDINGS, said when shown)
    "consent was given on {consent_on}, after the referral date {on}":
        "die Einwilligung wurde am {consent_on} gegeben, nach dem Anmeldedatum {on}",
    "consent recorded on {consent_on} and not withdrawn":
        "Einwilligung am {consent_on} erfasst und nicht zurückgezogen",
    "{receiver} is of the referrer's own kind ({kind}); "
    "OPTIMA hands a case to another kind of institution":
        "{receiver} ist von derselben Art wie die Auftraggeberin ({kind}); "
        "OPTIMA übergibt einen Fall an eine andere Art von Institution",
    "{referrer_kind} refers to {receiver_kind}, another kind":
        "Anmeldung von {referrer_kind} bei {receiver_kind}: andere Institutionsart",
    "{case} of this client to {receiver} is still open; close, withdraw or decide it first":
        "für diese Person ist bei {receiver} bereits der Fall {case} offen; schliessen Sie ihn "
        "zuerst ab, ziehen Sie ihn zurück oder entscheiden Sie ihn",
    "no open referral of this client to {receiver}":
        "für diese Person ist bei {receiver} kein Fall offen",
    "no IV rejection recorded": "keine IV-Ablehnung erfasst",
    "the IV rejected the client on {rejected_on}, less than 12 months ago "
    "(a referral to IV is possible from {possible_from}, or now with a justification)":
        "die IV hat die Klientin oder den Klienten am {rejected_on} abgelehnt, vor weniger als "
        "12 Monaten (eine Anmeldung an die IV ist ab {possible_from} möglich, oder jetzt mit "
        "einer Begründung)",
    "the IV rejection of {rejected_on} is more than 12 months old":
        "die IV-Ablehnung vom {rejected_on} liegt mehr als 12 Monate zurück",
    "an IV procedure, assessment or legal proceeding is open":
        "ein IV-Verfahren, eine Abklärung oder ein Rechtsverfahren ist offen",
    "no IV procedure, assessment or proceeding open":
        "kein IV-Verfahren, keine Abklärung und kein Rechtsverfahren offen",
    "an IV-relevant health damage is suspected: a regular IV registration is due instead":
        "ein IV-relevanter Gesundheitsschaden wird vermutet: stattdessen ist eine ordentliche "
        "IV-Anmeldung angezeigt",
    "no IV-relevant health damage suspected": "kein IV-relevanter Gesundheitsschaden vermutet",
    "the client's work capacity is not intact (not placeable)":
        "kein intaktes Arbeitsangebot (nicht vermittelbar)",
    "work capacity intact (objectively and subjectively placeable)":
        "intaktes Arbeitsangebot (objektiv und subjektiv vermittelbar)",
    "IV measures are running": "IV-Massnahmen laufen",
    "an IV assessment or proceeding is open": "eine IV-Abklärung oder ein Verfahren ist offen",
    "no IV measures running, no assessment or proceeding open":
        "keine IV-Massnahmen laufend, keine Abklärung und kein Verfahren offen",
    "the client is registered at the RAV (until {until})":
        "die Klientin oder der Klient ist beim RAV angemeldet (bis {until})",
    "the client must register at the RAV":
        "die Klientin oder der Klient muss sich beim RAV anmelden",
    "the client is registered at the RAV until {until}, within the last 6 months":
        "die Klientin oder der Klient ist bis {until} beim RAV angemeldet, innerhalb der "
        "letzten 6 Monate",
    "the client was registered at the RAV until {until}, within the last 6 months":
        "die Klientin oder der Klient war bis {until} beim RAV angemeldet, innerhalb der "
        "letzten 6 Monate",
    "not registered at the RAV in the last 6 months":
        "in den letzten 6 Monaten nicht beim RAV angemeldet",
    "social topic named: {topics}": "soziales Thema genannt: {topics}",
    "no topic given yet; a referral to SD should name a social problem":
        "noch kein Thema angegeben; eine Anmeldung an den SD sollte ein soziales Problem nennen",
    "none of the topics is a social problem (finances, addiction, conflict, childcare, "
    "life-event), which is what SD works on":
        "keines der Themen ist ein soziales Problem (Finanzen, Sucht, Konflikte, "
        "Kinderbetreuung, belastende Ereignisse), woran der SD arbeitet",
    "only you can judge: can the problem plausibly be improved within 3 or 6 months? "
    "Severe problems do not fit":
        "nur Sie können es beurteilen: lässt sich die Problematik in 3 oder 6 Monaten "
        "plausibel verbessern? Schwere Problematiken passen nicht",
    # deadlines
    "1 day overdue": "1 Tag überfällig",
    "{days} days overdue": "{days} Tage überfällig",
    "today": "heute",
    "in 1 day": "in 1 Tag",
    "in {days} days": "in {days} Tagen",
    "{case}: mandate ended on {day} ({when}); close or withdraw it":
        "{case}: Auftrag endete am {day} ({when}); Fall abschliessen oder zurückziehen",
    "{case}: mandate ends on {day} ({when}); close it or extend a 3-month mandate":
        "{case}: Auftrag endet am {day} ({when}); Fall abschliessen oder einen "
        "3-Monats-Auftrag verlängern",
    "{case}: referred on {referred_on}, waiting for a decision since {days} days":
        "{case}: angemeldet am {referred_on}, wartet seit {days} Tagen auf einen Entscheid",
    "{case}: job-search suspension ends on {day} ({when})":
        "{case}: Aussetzen der Arbeitsbemühungen endet am {day} ({when})",
    "{case}: job-search suspension until {day} outlasts the mandate ending {mandate_end}":
        "{case}: Aussetzen der Arbeitsbemühungen bis {day} dauert über das Ende der "
        "Auftrags am {mandate_end} hinaus",
    # what Click and Typer say, in German (cli/library.py)
    "No such option: {name}": "Unbekannte Option: {name}",
    "No such option: {name} (Possible options: {options})":
        "Unbekannte Option: {name} (mögliche Optionen: {options})",
    "Missing option {name}": "Option {name} fehlt",
    "Missing argument {name}": "Argument {name} fehlt",
    "Missing parameter: {name}": "Parameter fehlt: {name}",
    "Option {name} requires an argument": "Option {name} verlangt einen Wert",
    "Option {name} does not take a value": "Option {name} erwartet keinen Wert",
    "Got unexpected extra argument(s) ({args})": "Unerwartete zusätzliche Argumente ({args})",
    "Invalid value for {name}: {problem}": "Ungültiger Wert für {name}: {problem}",
    "Invalid value: {problem}": "Ungültiger Wert: {problem}",
    "Value error, {value} is not one of {choices}": "{value} ist nicht zulässig; möglich sind {choices}",
    "Input should be greater than or equal to {limit}": "der Wert muss mindestens {limit} sein",
    "Input should be a valid integer, unable to parse string as an integer":
        "eine ganze Zahl ist verlangt",
    "error": "Fehler",

    # ===== dates, the life of a case, clients, periods, the case workflow =====
    # The names of dates ("referral date", "accept date", ...) fill `{what}` in the date checks of
    # rules/dates.py: every one is neuter ("das ...datum", "das Datum ...").
    # rules/dates.py
    "{raw!r} is not a date; write it as 2026-11-20 or 20.11.2026":
        "{raw!r} ist kein Datum; schreiben Sie es als 20.11.2026 oder 2026-11-20",
    "{raw!r} is not a date: there is no month {month}":
        "{raw!r} ist kein Datum: es gibt keinen Monat {month}",
    "{raw!r} is not a date: {month} {year} has {last} days":
        "{raw!r} ist kein Datum: der {month} {year} hat {last} Tage",
    "{what} {day} lies in the future (today is {today}); give the date on which it happened":
        "das {what} ({day}) liegt in der Zukunft (heute ist der {today}); geben Sie das Datum an, "
        "an dem es geschehen ist",
    "birth date": "Geburtsdatum",
    "birth date {day} is implausible; check the year":
        "das Geburtsdatum {day} ist nicht plausibel; prüfen Sie das Jahr",
    # names of dates (nominative, neuter)
    "referral date": "Anmeldedatum",
    "accept date": "Annahmedatum",
    "reject date": "Ablehnungsdatum",
    "withdraw date": "Rückzugsdatum",
    "close date": "Abschlussdatum",
    "extend date": "Verlängerungsdatum",
    "suspend-search date": "Datum des Aussetzens der Arbeitsbemühungen",
    "resume-search date": "Datum der Wiederaufnahme der Arbeitsbemühungen",
    "consent date": "Einwilligungsdatum",
    "consent withdrawal date": "Datum des Widerrufs der Einwilligung",
    "IV rejection date": "Datum der IV-Ablehnung",
    # rules/lifecycle.py
    "cannot {action} {case}: it is {status}; {action} is only possible when it is {allowed}":
        "`{action}` ist für {case} nicht möglich: der Fall ist {status}; `{action}` ist nur möglich, "
        "wenn er {allowed} ist",
    "cannot {action} {case}: it is {status}; {action} is only possible when it is "
    "{allowed} or {other}":
        "`{action}` ist für {case} nicht möglich: der Fall ist {status}; `{action}` ist nur möglich, "
        "wenn er {allowed} oder {other} ist",
    "cannot extend {case}: it was already extended; a 3-month mandate may be extended once, to 6":
        "{case} kann nicht verlängert werden: der Fall wurde bereits verlängert; ein "
        "Auftrag von 3 Monaten kann einmal auf 6 verlängert werden",
    "cannot extend {case}: its mandate is {months} months; a 3-month mandate may be extended "
    "once, to 6":
        "{case} kann nicht verlängert werden: die Auftragsdauer beträgt {months} Monate; ein "
        "Auftrag von 3 Monaten kann einmal auf 6 verlängert werden",
    "cannot suspend the job search for {case}: it was referred by {kind}, only a case referred "
    "by a RAV unit can suspend job-search obligations":
        "die Arbeitsbemühungen für {case} können nicht ausgesetzt werden: der Fall wurde von "
        "einer {kind}-Stelle angemeldet; nur bei einem Fall, den eine RAV-Stelle angemeldet hat, "
        "können die Arbeitsbemühungen ausgesetzt werden",
    "{case} already has a job-search suspension until {until} in that time; end it with "
    "resume-search first, or choose days after it":
        "{case} hat in dieser Zeit bereits ein Aussetzen der Arbeitsbemühungen bis {until}; "
        "beenden Sie es zuerst mit resume-search, oder wählen Sie Tage danach",
    "a suspension from {start} would start before the mandate ({accepted_on})":
        "ein Aussetzen ab {start} würde vor dem Auftrag ({accepted_on}) beginnen",
    "cannot suspend the job search for {case} until {until}: the mandate ends on {due_on}; "
    "a suspension may last at most until then":
        "die Arbeitsbemühungen für {case} können nicht bis {until} ausgesetzt werden: der "
        "Auftrag endet am {due_on}; ein Aussetzen darf höchstens bis dahin dauern",
    "referral refused: {reasons}": "Anmeldung nicht zulässig: {reasons}",
    "{case} has no job-search suspension running on {day}; nothing to resume":
        "bei {case} läuft am {day} kein Aussetzen der Arbeitsbemühungen; es gibt nichts "
        "wieder aufzunehmen",
    # rules/periods.py
    "give one period only, not {options}": "geben Sie nur einen Zeitraum an, nicht {options}",
    " and ": " und ",
    # rules/clients.py, rules/identity.py
    "consent date {consent_on} is before the birth date {birth_date}":
        "das Einwilligungsdatum {consent_on} liegt vor dem Geburtsdatum {birth_date}",
    "client {other} has the same AHV number; use {other} instead of registering the client again":
        "Klient/in {other} hat dieselbe AHV-Nummer; verwenden Sie {other}, statt die Person "
        "nochmals zu registrieren",
    "client {other} has the same name and birth date; use {other} instead of registering the "
    "client again":
        "Klient/in {other} hat denselben Namen und dasselbe Geburtsdatum; verwenden Sie {other}, "
        "statt die Person nochmals zu registrieren",
    "AHV number {raw!r} is invalid: its check digit does not match; check for a typo":
        "AHV-Nummer {raw!r} ist ungültig: die Prüfziffer stimmt nicht; prüfen Sie sie auf "
        "Tippfehler",
    "AHV number {raw!r} is invalid: it must be 13 digits starting with 756, like "
    "756.1234.5678.97":
        "AHV-Nummer {raw!r} ist ungültig: sie muss 13 Ziffern haben und mit 756 beginnen, wie "
        "756.1234.5678.97",
    # workflow/cases.py, workflow/clients.py
    "{client} was anonymized on {anonymized_on}; register the person again to refer them":
        "{client} wurde am {anonymized_on} anonymisiert; registrieren Sie die Person neu, um sie "
        "anzumelden",
    "{client} was anonymized on {anonymized_on}; its data cannot come back: register the "
    "person again":
        "{client} wurde am {anonymized_on} anonymisiert; die Daten lassen sich nicht "
        "wiederherstellen: registrieren Sie die Person neu",
    "nothing to change; give at least one option (see `optima client update --help`)":
        "nichts zu ändern; geben Sie mindestens eine Option an (siehe "
        "`optima client update --help`)",
    # workflow/lookup.py
    "unknown institution {code!r}; known: {known} (add one with `optima institution add`)":
        "unbekannte Stelle {code!r}; bekannt sind: {known} (erfassen Sie eine neue mit "
        "`optima institution add`)",
    "no client {ref!r}; give the id that `register` printed (like C-0007) or an AHV number":
        "Klient/in {ref!r} nicht gefunden; geben Sie die Nummer an, die `register` ausgegeben hat "
        "(wie C-0007), oder eine AHV-Nummer",
    "no case {ref!r}; case ids look like OPT-2026-0001 (see `optima list`)":
        "Fall {ref!r} nicht gefunden; Fallnummern sehen aus wie OPT-2026-0001 (siehe "
        "`optima list`)",
    # workflow/institutions.py
    "institution {code} exists already; change its contact with set-contact":
        "die Stelle {code} gibt es bereits; ändern Sie die Ansprechperson mit set-contact",
    # workflow/case_reads.py
    "--status {name!r} is not known; use one of: {choices}":
        "--status {name!r} ist unbekannt; verwenden Sie einen der Werte: {choices}",
    "--limit must be 0 (all) or more": "--limit muss 0 (alle) oder mehr sein",
    "--within must be 0 or more days": "--within muss 0 oder mehr Tage betragen",
    # workflow/report.py
    "--by {by!r} is not known; use kind or institution":
        "--by {by!r} ist unbekannt; verwenden Sie kind oder institution",
    "--xlsx {path} is a folder; give a file name like optima-{{period}}.xlsx":
        "--xlsx {path} ist ein Ordner; geben Sie einen Dateinamen wie optima-{{period}}.xlsx an",
    "--xlsx {path} should end in .xlsx": "--xlsx {path} sollte auf .xlsx enden",
    "cannot write {path}: the folder {folder} does not exist":
        "{path} kann nicht geschrieben werden: der Ordner {folder} existiert nicht",
    "cannot write {path}: {problem}": "{path} kann nicht geschrieben werden: {problem}",

    # ===== import, demo, backups, doctor, the audit trail and the database =====
    # import: the file
    "{file}: import reads .csv or .xlsx files, not {suffix}":
        "{file}: import liest .csv- oder .xlsx-Dateien, nicht {suffix}",
    "{file}: import reads .csv or .xlsx files, not files without an ending":
        "{file}: import liest .csv- oder .xlsx-Dateien, nicht Dateien ohne Endung",
    "{file} is empty: it needs a header row and one row per referral "
    "(see sample_data/import-template.csv)":
        "{file} ist leer: die Datei braucht eine Kopfzeile und eine Zeile pro Anmeldung "
        "(siehe sample_data/import-template.csv)",
    "no file {path}; give the path of a .csv or .xlsx file":
        "keine Datei {path}; geben Sie den Pfad einer .csv- oder .xlsx-Datei an",
    "{file} is not UTF-8 text (byte 0x{byte:02x} at position {position}); "
    "in Excel save it as 'CSV UTF-8 (comma delimited)'":
        "{file} ist kein UTF-8-Text (Byte 0x{byte:02x} an Position {position}); speichern Sie "
        "die Datei in Excel als 'CSV UTF-8 (durch Trennzeichen getrennt)'",
    "{file} cannot be read as an Excel workbook ({problem})":
        "{file} kann nicht als Excel-Arbeitsmappe gelesen werden ({problem})",
    "{name}: unknown column {columns}; the columns are those of sample_data/import-template.csv":
        "{name}: unbekannte Spalte {columns}; die Spalten sind jene von "
        "sample_data/import-template.csv",
    "{name}: unknown columns {columns}; the columns are those of sample_data/import-template.csv":
        "{name}: unbekannte Spalten {columns}; die Spalten sind jene von "
        "sample_data/import-template.csv",
    "{name}: missing required column {columns} (see sample_data/import-template.csv)":
        "{name}: die Pflichtspalte {columns} fehlt (siehe sample_data/import-template.csv)",
    "{name}: missing required columns {columns} (see sample_data/import-template.csv)":
        "{name}: die Pflichtspalten {columns} fehlen (siehe sample_data/import-template.csv)",
    # import: the rows
    "{case} is already there": "{case} ist schon erfasst",
    "{text!r} is not a decision; use accepted or rejected, or leave it empty":
        "{text!r} ist kein Entscheid; verwenden Sie accepted oder rejected, oder lassen Sie die "
        "Zelle leer",
    "{column} is required": "{column} ist Pflicht",
    "decided_on is given, so decision must say accepted or rejected":
        "decided_on ist angegeben, also muss decision accepted oder rejected lauten",
    "the decision {decision} needs its date": "der Entscheid {decision} braucht sein Datum",
    "a rejection reason needs decision rejected":
        "ein Ablehnungsgrund braucht decision rejected",
    "a rejection needs its reason code": "eine Ablehnung braucht den Code ihres Ablehnungsgrunds",
    "closed_on and outcome go together": "closed_on und outcome gehören zusammen",
    "withdrawn_on and withdraw_reason go together":
        "withdrawn_on und withdraw_reason gehören zusammen",
    "suspended_from and suspended_until go together":
        "suspended_from und suspended_until gehören zusammen",
    "search_resumed_on needs a suspension":
        "search_resumed_on braucht ein Aussetzen der Arbeitsbemühungen",
    "{column} {value} belongs to {client}, born {born}, but this row says born {birth_date}":
        "{column} {value} gehört zu {client}, geboren am {born}, aber diese Zeile nennt als "
        "Geburtsdatum {birth_date}",
    # demo
    "the demo builds a SQLite file of its own, never a server database; "
    "give --db a file path, or leave it out":
        "die Demo erstellt eine eigene SQLite-Datei, nie eine Server-Datenbank; geben Sie --db "
        "einen Dateipfad an, oder lassen Sie die Option weg",
    "{path} holds a real optima database, not a demo; give the demo another file with --db":
        "{path} enthält eine echte optima-Datenbank, keine Demo; geben Sie der Demo mit --db "
        "eine andere Datei",
    "{path} exists and is not an optima demo database; give the demo another file with --db":
        "{path} existiert und ist keine Demo-Datenbank von optima; geben Sie der Demo mit --db "
        "eine andere Datei",
    "the demo data did not import (row {row}, {column}: {message})":
        "die Demodaten liessen sich nicht importieren (Zeile {row}, {column}: {message})",
    # backup and doctor
    "{path} is a folder; give the backup a file name, like optima-backup.db":
        "{path} ist ein Ordner; geben Sie der Sicherung einen Dateinamen, etwa optima-backup.db",
    "{database} has schema {revision}, not this optima's {head}; "
    "back the server database up with pg_dump instead":
        "{database} hat das Schema {revision}, nicht das Schema {head} dieses optima; sichern Sie "
        "die Server-Datenbank stattdessen mit pg_dump",
    "version {version}, revision {revision} (this optima: {schema_version}, {head})":
        "Version {version}, Revision {revision} (dieses optima: {schema_version}, {head})",
    "file {file_mode:o}, folder {folder_mode:o}":
        "Datei {file_mode:o}, Ordner {folder_mode:o}",
    "file {file_mode:o}, folder {folder_mode:o}; run: chmod 600 {path}; chmod go-w {folder}":
        "Datei {file_mode:o}, Ordner {folder_mode:o}; führen Sie aus: chmod 600 {path}; "
        "chmod go-w {folder}",
    "journal mode {mode}": "Journal-Modus {mode}",
    "no event dated after today": "kein Ereignis mit einem Datum nach heute",
    "{n} case has events dated after today (was a clock ahead?); correct them, as "
    "lists and warnings as of today take them as past":
        "{n} Fall hat Ereignisse mit einem Datum nach heute (ging eine Uhr vor?); korrigieren Sie "
        "sie, denn Listen und Warnungen auf heute nehmen sie als vergangen",
    "{n} cases have events dated after today (was a clock ahead?); correct them, as "
    "lists and warnings as of today take them as past":
        "{n} Fälle haben Ereignisse mit einem Datum nach heute (ging eine Uhr vor?); korrigieren "
        "Sie sie, denn Listen und Warnungen auf heute nehmen sie als vergangen",
    "{events} events, head {head}": "{events} Ereignisse, letzter Hash {head}",
    "event {event}: {problem}": "Ereignis {event}: {problem}",
    "{n} rows point to missing rows (foreign keys)":
        "{n} Zeilen verweisen auf fehlende Zeilen (Fremdschlüssel)",
    # db upgrade, copy, backup
    "{database} was written by a newer optima (schema {revision}, this one knows up to {head}); "
    "upgrade optima instead":
        "{database} wurde von einem neueren optima geschrieben (Schema {revision}, dieses kennt "
        "bis {head}); aktualisieren Sie stattdessen optima",
    "the backup must go to another file than the database itself":
        "die Sicherung muss in eine andere Datei gehen als die Datenbank selbst",
    "the copy must go to another database than the one it comes from":
        "die Kopie muss in eine andere Datenbank gehen als jene, aus der sie kommt",
    "{database} is not empty; copy only into a new, empty database "
    "(create it first, see README: the shared database)":
        "{database} ist nicht leer; kopieren Sie nur in eine neue, leere Datenbank (erstellen Sie "
        "sie zuerst, siehe README: the shared database)",
    # opening the database
    "the database {database} stayed locked by another optima for {seconds} s; try again":
        "die Datenbank {database} blieb {seconds} s lang von einem anderen optima gesperrt; "
        "versuchen Sie es nochmals",
    "the server refused the login for {database}: wrong user or password; put the "
    "password in ~/.pgpass or in the URL":
        "der Server hat die Anmeldung für {database} abgelehnt: falscher Benutzer oder falsches "
        "Passwort; legen Sie das Passwort in ~/.pgpass oder in der URL ab",
    "the server knows no such user (role) for {database}; check the user in the URL, "
    "or ask the database administrator to create it (README: the shared database)":
        "der Server kennt keinen solchen Benutzer (Rolle) für {database}; prüfen Sie den Benutzer "
        "in der URL, oder bitten Sie die Datenbank-Administration, ihn zu erstellen (README: the "
        "shared database)",
    "the database of {database} does not exist on the server; create it first "
    "(README: the shared database)":
        "die Datenbank von {database} existiert auf dem Server nicht; erstellen Sie sie zuerst "
        "(README: the shared database)",
    "the database role of {database} may not do this ({problem}); ask the database "
    "administrator for the grants in the README":
        "die Datenbankrolle von {database} darf das nicht ({problem}); bitten Sie die "
        "Datenbank-Administration um die Berechtigungen aus dem README",
    "cannot reach the database server of {database}; is it running, and are host and "
    "port right?":
        "der Datenbankserver von {database} ist nicht erreichbar; läuft er, und stimmen Host "
        "und Port?",
    "the database {database} is read-only; check the permissions of the file and its folder":
        "die Datenbank {database} ist schreibgeschützt; prüfen Sie die Berechtigungen der Datei "
        "und ihres Ordners",
    "the database {database} could not be used: {problem}":
        "die Datenbank {database} konnte nicht verwendet werden: {problem}",
    "{database} is not a usable optima database ({problem})":
        "{database} ist keine verwendbare optima-Datenbank ({problem})",
    "cannot create the database {path}: {problem}; choose another place with --db":
        "die Datenbank {path} kann nicht erstellt werden: {problem}; wählen Sie mit --db einen "
        "anderen Ort",
    "{path} is a folder; give --db the path of a database file":
        "{path} ist ein Ordner; geben Sie --db den Pfad einer Datenbankdatei an",
    "the folder {folder} does not exist; create it first, or give --db a file in an "
    "existing folder":
        "der Ordner {folder} existiert nicht; erstellen Sie ihn zuerst, oder geben Sie --db eine "
        "Datei in einem bestehenden Ordner an",
    "the database {database} is empty; create optima's tables in it with "
    "`optima db upgrade` (with the same --db)":
        "die Datenbank {database} ist leer; erstellen Sie die Tabellen von optima darin mit "
        "`optima db upgrade` (mit derselben --db)",
    "{database} was written by a newer optima (schema {revision}, this one knows up to {head}); "
    "upgrade optima before using it":
        "{database} wurde von einem neueren optima geschrieben (Schema {revision}, dieses kennt "
        "bis {head}); aktualisieren Sie optima, bevor Sie die Datenbank verwenden",
    "{database} has schema {revision}, this optima needs {head}; make a backup "
    "(optima backup FILE; on a server, pg_dump), then run: optima db upgrade":
        "{database} hat das Schema {revision}, dieses optima braucht {head}; erstellen Sie eine "
        "Sicherung (optima backup DATEI; auf einem Server pg_dump), dann führen Sie aus: "
        "optima db upgrade",
    "{database} holds tables but is not an optima database; give another one with --db":
        "{database} enthält Tabellen, ist aber keine optima-Datenbank; geben Sie mit --db eine "
        "andere an",
    # where the database is
    "--db (or OPTIMA_DB) is not a database URL; write "
    "postgresql+psycopg://USER@HOST/DB or give a file path":
        "--db (oder OPTIMA_DB) ist keine Datenbank-URL; schreiben Sie "
        "postgresql+psycopg://BENUTZER@HOST/DB oder geben Sie einen Dateipfad an",
    "a SQLite URL needs a file: sqlite:///path/to/optima.db":
        "eine SQLite-URL braucht eine Datei: sqlite:///pfad/zu/optima.db",
    "optima works with SQLite files and PostgreSQL, not {backend}; give "
    "--db a file path or a postgresql+psycopg:// URL":
        "optima arbeitet mit SQLite-Dateien und PostgreSQL, nicht mit {backend}; geben Sie --db "
        "einen Dateipfad oder eine postgresql+psycopg://-URL an",
    "the URL {url} names no database; add it at the end: postgresql+psycopg://USER@HOST/optima":
        "die URL {url} nennt keine Datenbank; fügen Sie sie am Ende an: "
        "postgresql+psycopg://BENUTZER@HOST/optima",
    "PostgreSQL needs the psycopg driver, which is not installed; run: {hint}":
        "PostgreSQL braucht den Treiber psycopg, der nicht installiert ist; führen Sie aus: {hint}",
    # audit verify
    "its recorded values were changed": "seine erfassten Werte wurden verändert",
    "its recorded values were removed": "seine erfassten Werte wurden entfernt",
    "it was changed or inserted outside optima (its hash does not match)":
        "es wurde ausserhalb von optima verändert oder eingefügt (sein Hash stimmt nicht)",
    "the event before it is not the one it was chained to: events were "
    "removed, inserted or reordered":
        "das Ereignis davor ist nicht jenes, an das es gekettet wurde: Ereignisse wurden "
        "entfernt, eingefügt oder umgestellt",
    "the trail ends at event {last}, but event {head} was recorded last: "
    "events at the end were removed":
        "das Auditprotokoll endet bei Ereignis {last}, aber Ereignis {head} wurde zuletzt "
        "erfasst: Ereignisse am Ende wurden entfernt",

    # ===== tables, the report, the workbook and the commands' own messages =====
    # render/terminal.py
    "warning: ": "Warnung: ",
    # render/tables.py: table headers, key names, titles
    "{start} to {end}": "{start} bis {end}",
    "decision": "Entscheid",
    "mandate end": "Ende des Auftrags",
    "allowed": "zulässig",
    "blocked: needs a justification (--override)": "blockiert: braucht eine Begründung (--override)",
    "not allowed": "nicht zulässig",
    "{client}: {referrer} → {receiver} on {on}: ": "{client}: {referrer} → {receiver} am {on}: ",
    "client": "Klient/in",
    "name": "Name",
    "ahv": "AHV-Nummer",
    "municipality": "Wohngemeinde",
    "counsellor": "Beratungsperson",
    "institution": "Stelle",
    "external ref": "eigene Fallnummer",
    "consent on": "Einwilligung am",
    "consent withdrawn on": "Einwilligung zurückgezogen am",
    "iv rejected on": "IV-Ablehnung am",
    "iv procedure open": "IV-Verfahren offen",
    "iv measures running": "IV-Massnahmen laufen",
    "rav registered until": "beim RAV angemeldet bis",
    "health suspected": "IV-relevanter Gesundheitsschaden vermutet",
    "integrity": "Integrität",
    "schema": "Schema",
    "permissions": "Berechtigungen",
    "journal": "Journal",
    "dates": "Datumsangaben",
    "audit trail": "Auditprotokoll",
    "{database}: all well": "{database}: alles in Ordnung",
    "{database}: problems found": "{database}: Probleme gefunden",
    "clients would be anonymized": "Klient/innen, die anonymisiert würden",
    "clients anonymized": "Klient/innen anonymisiert",
    "would import": "würden importiert",
    "imported": "importiert",
    "current": "aktuell",
    "behind": "veraltet (optima db upgrade)",
    "newer": "neuer als dieses optima",
    "empty": "leer",
    "none": "keine",
    "result": "Beurteilung",
    "rule": "Regel",
    "kind": "Art",
    "why": "Befund",
    "case": "Fall",
    "status": "Status",
    "referrer": "Auftraggeberin",
    "receiver": "Auftragnehmerin",
    "topics": "Themen",
    "goal": "Zielsetzung",
    "months": "Monate",
    "referred on": "angemeldet am",
    "referring counsellor": "Beratungsperson Auftraggeberin",
    "decided on": "entschieden am",
    "receiving counsellor": "Beratungsperson Auftragnehmerin",
    "mandate ends": "Auftrag endet",
    "extended on": "verlängert am",
    "job search suspended": "Arbeitsbemühungen ausgesetzt",
    "withdrawn on": "zurückgezogen am",
    "closed on": "abgeschlossen am",
    "reason": "Grund",
    "reason note": "Notiz zum Grund",
    "outcome": "Ergebnis",
    "cause": "Ursache",
    "employed": "erwerbstätig",
    "closing note": "Notiz zum Abschluss",
    "override": "Begründung der Abweichung",
    "{file}: 1 problem, nothing imported": "{file}: 1 Problem, nichts importiert",
    "{file}: {n} problems, nothing imported": "{file}: {n} Probleme, nichts importiert",
    "no cases match": "keine passenden Fälle",
    "from → to": "von → an",
    "referred": "angemeldet",
    "deadline": "Frist",
    "receiver contact": "Ansprechperson Auftragnehmerin",
    "history": "Verlauf",
    "recorded": "erfasst am",
    "on": "gültig am",
    "action": "Aktion",
    "by": "erfasst von",
    "changes": "Änderungen",
    "nothing due": "nichts fällig",
    "date": "Datum",
    "warning": "Warnung",
    "what": "Was",
    "code": "Code",
    "contact": "Ansprechperson",
    "e-mail": "E-Mail",
    "phone": "Telefon",
    "no closed case with its goal achieved or partly achieved matches":
        "kein passender abgeschlossener Fall mit ganz oder teilweise erreichtem Ziel",
    "days to decision": "Tage bis Entscheid",
    "days to close": "Tage bis Abschluss",
    "check": "Prüfung",
    "detail": "Einzelheiten",
    "user": "Benutzer/in",
    "of": "betrifft",
    "source": "Quelle",
    "access criteria at referral": "Zuweisungskriterien bei der Anmeldung",
    "referrals": "Anmeldungen",
    "ended before": "beendet vor",
    "ids": "Nummern",
    "audit events erased": "gelöschte Werte im Auditprotokoll",
    "row": "Zeile",
    "column": "Spalte",
    "problem": "Problem",
    "file": "Datei",
    "rows": "Zeilen",
    "already there": "schon vorhanden",
    "clients new": "Klient/innen neu",
    "clients matched": "Klient/innen gefunden",
    "cases": "Fälle",
    "database": "Datenbank",
    "this optima": "dieses optima",
    "state": "Zustand",
    "pending migrations": "ausstehende Migrationen",
    "from": "von",
    "to": "bis",
    "applied": "angewendet",
    "ok": "ok",
    "FAIL": "FEHLER",
    "(empty)": "(leer)",
    "rows of {table}": "Zeilen in {table}",
    # render/report.py
    "total": "Total",
    "OPTIMA figures {name}: {start} to {end} (as of {as_of}), by kind":
        "OPTIMA-Zahlen {name}: {start} bis {end} (Stand {as_of}), nach Art",
    "OPTIMA figures {name}: {start} to {end} (as of {as_of}), by institution":
        "OPTIMA-Zahlen {name}: {start} bis {end} (Stand {as_of}), nach Stelle",
    "referrer \\ receiver": "Auftraggeberin \\ Auftragnehmerin",
    "accepted": "angenommen",
    "rejected": "abgelehnt",
    "withdrawn": "zurückgezogen",
    "closed": "abgeschlossen",
    "decisions and closings by receiver": "Entscheide und Abschlüsse nach Auftragnehmerin",
    "figure": "Kennzahl",
    "value": "Wert",
    "open cases and durations": "offene Fälle und Dauer",
    "open at the end: referred": "offen am Ende: angemeldet",
    "open at the end: accepted": "offen am Ende: angenommen",
    "closed with the client employed": "abgeschlossen, Person erwerbstätig",
    "median days to decision": "Median der Tage bis zum Entscheid",
    "median days from acceptance to closing": "Median der Tage von der Annahme bis zum Abschluss",
    "referrals against a hard rule (justified)":
        "Anmeldungen mit begründeter Abweichung",
    "referrals by referrer": "Anmeldungen nach Auftraggeberin",
    "referrals by receiver": "Anmeldungen nach Auftragnehmerin",
    "rejection reasons": "Ablehnungsgründe",
    "outcomes": "Ergebnisse",
    "causes (not achieved)": "Ursachen (Ziel nicht erreicht)",
    "topics of the referrals": "Themen der Anmeldungen",
    "of which overdue": "davon Auftragsdauer überschritten",
    "of which job search suspended": "davon Arbeitsbemühungen ausgesetzt",
    # render/workbook.py
    "Summary": "Übersicht",
    "Cases": "Fälle",
    "Rejections": "Ablehnungen",
    "Outcomes": "Ergebnisse",
    "Deadlines": "Fristen",
    "Referrals to OPTIMA by institution": "Anzahl Anmeldungen bei OPTIMA nach Institution",
    "Accepted, rejected and closed referrals by receiver":
        "Angenommene, abgelehnte und abgeschlossene Anmeldungen nach Auftragnehmerin",
    "job search suspended from": "Arbeitsbemühungen ausgesetzt ab",
    "job search suspended until": "Arbeitsbemühungen ausgesetzt bis",
    "AHV number": "AHV-Nummer",
    "days": "Tage",
    "days left": "verbleibende Tage",
    "OPTIMA figures": "OPTIMA-Zahlen",
    "as of": "Stand",
    "grouped by": "gruppiert nach",
    "key figures": "Kennzahlen",
    "closed: client employed": "abgeschlossen: Klient/in erwerbstätig",
    "open at the end: overdue": "offen am Ende: Auftragsdauer überschritten",
    "open at the end: job search suspended": "offen am Ende: Arbeitsbemühungen ausgesetzt",
    "rejection reason": "Ablehnungsgrund",
    "cause (not achieved)": "Ursache (Ziel nicht erreicht)",
    "topic": "Thema",
    # cli/*.py
    "--with-personal-data only applies to the workbook; add --xlsx FILE":
        "--with-personal-data gilt nur für die Arbeitsmappe; geben Sie --xlsx DATEI an",
    "wrote {path}": "{path} geschrieben",
    "writing {file}": "schreibe {file}",
    "wrote {path} (with personal data; logged)":
        "{path} geschrieben (mit Personendaten; protokolliert)",
    "Name": "Name",
    "Birth date (20.11.1980)": "Geburtsdatum (20.11.1980)",
    "Registered at (RAV, IV, SD, ...)": "Angemeldet bei (RAV, IV, SD, ...)",
    "registered {client}": "{client} erfasst",
    "{client}: changed {fields}": "{client}: geändert: {fields}",
    "{client}: nothing changed": "{client}: nichts geändert",
    "no consent recorded: no referral is possible until "
    "`optima client update {client} --consent-on DATE`":
        "keine Einwilligung erfasst: keine Anmeldung möglich bis "
        "`optima client update {client} --consent-on DATUM`",
    "demo database {path}: {n} invented referrals of the pilot 2018-2022":
        "Demo-Datenbank {path}: {n} erfundene Anmeldungen des Pilotprojekts 2018-2022",
    "explore it: optima --db {path} list --status all   |   "
    "optima --db {path} show OPT-2019-0001   |   optima --db {path} examples":
        "zum Ausprobieren: optima --db {path} list --status all   |   "
        "optima --db {path} show OPT-2019-0001   |   optima --db {path} examples",
    "dry run: {imported} referrals would be imported, {skipped} are already there; nothing was written":
        "Probelauf: zu importierende Anmeldungen: {imported}, schon vorhanden: {skipped}; "
        "nichts wurde geschrieben",
    "importing {file}": "importiere {file}",
    "error: 1 problem in {file}; nothing was imported":
        "Fehler: 1 Problem in {file}; nichts wurde importiert",
    "error: {n} problems in {file}; nothing was imported":
        "Fehler: {n} Probleme in {file}; nichts wurde importiert",
    "imported {imported} referrals from {file}; {skipped} were already there":
        "aus {file} importierte Anmeldungen: {imported}; schon vorhanden: {skipped}",
    "imported {imported} referrals from {file}": "aus {file} importierte Anmeldungen: {imported}",
    "backup written: {backup} ({size} bytes)": "Sicherung geschrieben: {backup} ({size} Bytes)",
    "Remove the personal data of {clients} clients for good?":
        "Die Personendaten von {clients} Klient/innen endgültig entfernen?",
    "ok: {events} events, last hash {head}": "ok: {events} Ereignisse, letzter Hash {head}",
    "broken at event {event}: {problem}": "Kette unterbrochen bei Ereignis {event}: {problem}",
    "anonymize would remove the personal data of {clients} clients for good; "
    "add --yes to confirm, or --dry-run to look first":
        "anonymize würde die Personendaten von {clients} Klient/innen endgültig entfernen; "
        "bestätigen Sie mit --yes, oder schauen Sie zuerst mit --dry-run",
    "copied {rows} rows into {target}; check the copy with `optima audit verify` (--db the copy)":
        "{rows} Zeilen nach {target} kopiert; prüfen Sie die Kopie mit `optima audit verify` "
        "(--db die Kopie)",
    "{database} is already at schema {schema}; nothing to do":
        "{database} hat schon das Schema {schema}; nichts zu tun",
    "Client id": "Klient/in (Nummer)",
    "Refer to (RAV, IV, SD, ...)": "Anmelden bei (RAV, IV, SD, ...)",
    "Topics ({choices})": "Themen ({choices})",
    "Months (3 or 6)": "Monate (3 oder 6)",
    "{case} accepted; the mandate ends on {due_on}":
        "{case} angenommen; der Auftrag endet am {due_on}",
    "{case} rejected ({reason})": "{case} abgelehnt ({reason})",
    "{case} withdrawn ({reason})": "{case} zurückgezogen ({reason})",
    "{case} extended to 6 months; ends on {due_on}":
        "{case} auf 6 Monate verlängert; endet am {due_on}",
    "{case}: job search suspended from {start} to {end}":
        "{case}: Arbeitsbemühungen ausgesetzt vom {start} bis {end}",
    "{case}: job-search obligations apply again": "{case}: die Arbeitsbemühungen gelten wieder",
    "{case} closed ({outcome}); back to {referrer}":
        "{case} abgeschlossen ({outcome}); zurück an {referrer}",
    "--override not stored: no hard rule blocks this referral":
        "--override nicht gespeichert: keine Regel blockiert diese Anmeldung",
    "{case} referred: {referrer} → {receiver}, {months} months (override recorded)":
        "{case} angemeldet: {referrer} → {receiver}, {months} Monate (Begründung der Abweichung erfasst)",
    "{case} referred: {referrer} → {receiver}, {months} months":
        "{case} angemeldet: {referrer} → {receiver}, {months} Monate",
    "showing {shown} of {total} cases, soonest deadline first ({overdue} overdue, "
    "{soon} due within {within} days); --limit 0 shows all":
        "{shown} von {total} Fällen angezeigt, nächste Frist zuerst ({overdue} überfällig, {soon} "
        "fällig innert {within} Tagen); --limit 0 zeigt alle",
    "showing {shown} of {total} warnings, soonest first ({counts}); --limit 0 shows all":
        "{shown} von {total} Warnungen angezeigt, nächste zuerst ({counts}); --limit 0 zeigt alle",
    "{n} {warning}": "{warning}: {n}",
    "added {code} ({kind})": "{code} ({kind}) hinzugefügt",
    "missing option {option} (see --help)": "Option {option} fehlt (siehe --help)",
    # render/tables.py (resumed suspensions), render/report.py and render/workbook.py (periods
    # whose name only repeats their dates)
    "job search resumed on": "Arbeitsbemühungen wieder aufgenommen am",
    "OPTIMA figures: {start} to {end} (as of {as_of}), by kind":
        "OPTIMA-Zahlen: {start} bis {end} (Stand {as_of}), nach Art",
    "OPTIMA figures: {start} to {end} (as of {as_of}), by institution":
        "OPTIMA-Zahlen: {start} bis {end} (Stand {as_of}), nach Stelle",
    "until {day}": "bis {day}",

    # ===== sound records: dates in order, the audit trail, files, identity, the command line =====
    # --- the order of a case's dates (rules/lifecycle.py, doctor) ---
    # rules/lifecycle.py: an action dated before an earlier event; the events in the dative
    "{action} on {day} is before {event} on {earlier}; use {field} {earlier} or later":
        "`{action}` am {day} liegt vor {event} am {earlier}; geben Sie {field} {earlier} oder "
        "später an",
    "the referral": "der Anmeldung",
    "the acceptance": "der Annahme",
    "the rejection": "der Ablehnung",
    "the extension": "der Verlängerung",
    "the start of a job-search suspension": "dem Beginn eines Aussetzens der Arbeitsbemühungen",
    "the end of a job-search suspension": "dem Ende eines Aussetzens der Arbeitsbemühungen",
    "the withdrawal": "dem Rückzug",
    "the closing": "dem Abschluss",
    # rules/clients.py: a birth date after a referral of the client
    "birth date {birth_date} is after the referral {case} on {referred_on}; a client is born "
    "before being referred: check the year":
        "das Geburtsdatum {birth_date} liegt nach der Anmeldung {case} vom {referred_on}; eine "
        "Person wird vor ihrer Anmeldung geboren: prüfen Sie das Jahr",
    # workflow/upkeep.py, render/tables.py: doctor's check of the order of every case's dates
    "date order": "Reihenfolge der Daten",
    "every case's dates are in order": "die Daten jedes Falls sind in zeitlicher Reihenfolge",
    "{n} case has dates out of order: {cases}; look at it with `optima show CASE`":
        "{n} Fall hat Daten in falscher Reihenfolge: {cases}; sehen Sie ihn mit `optima show CASE` an",
    "{n} cases have dates out of order: {cases}; look at them with `optima show CASE`":
        "{n} Fälle haben Daten in falscher Reihenfolge: {cases}; sehen Sie sie mit "
        "`optima show CASE` an",
    # --- the audit trail's anchors; doctor on damaged files and missing tables ---
    # cli/admin.py, workflow/trail.py: audit verify --expect
    "broken: {problem}": "Kette unterbrochen: {problem}",
    "--expect takes the hash of an event as audit verify prints it (64 hexadecimal digits)":
        "--expect nimmt den Hash eines Ereignisses, wie audit verify ihn ausgibt (64 "
        "Hexadezimalziffern)",
    # store/audit.py: a malformed row, an erasure without its anonymization, the anchors
    "its {column} {value} is not text": "sein Feld {column} {value} ist kein Text",
    "its {column} {value} is not a number": "sein Feld {column} {value} ist keine Zahl",
    "its moment {value} is not a timestamp": "sein Zeitpunkt {value} ist kein Zeitstempel",
    "its day {value} is not a date": "sein Tag {value} ist kein Datum",
    "its erasure flag {value} is not true or false":
        "seine Löschmarke {value} ist weder wahr noch falsch",
    "its recorded values were removed, but no anonymization names its client":
        "seine erfassten Werte wurden entfernt, aber keine Anonymisierung nennt seine Klient/in",
    "no event has the hash {hash} that was noted before: it and the events after it were "
    "removed, or it is of another database":
        "kein Ereignis hat den früher notierten Hash {hash}: es und die Ereignisse danach wurden "
        "entfernt, oder er gehört zu einer anderen Datenbank",
    "the trail holds no event, yet every optima database records its creation in it: its "
    "events and its head were removed":
        "das Auditprotokoll enthält kein Ereignis, obwohl jede optima-Datenbank darin ihre "
        "Erstellung festhält: seine Ereignisse und sein Kopf wurden entfernt",
    "the head of the trail (meta audit_head) is missing: events at the end may have been "
    "removed with it":
        "der Kopf des Auditprotokolls (meta audit_head) fehlt: Ereignisse am Ende wurden "
        "womöglich mit ihm entfernt",
    "the head of the trail {value} is not one optima writes: it was changed outside optima":
        "der Kopf des Auditprotokolls {value} ist keiner, den optima schreibt: er wurde "
        "ausserhalb von optima verändert",
    "the trail holds no event, but event {head} was recorded last: its events were removed":
        "das Auditprotokoll enthält kein Ereignis, aber Ereignis {head} wurde zuletzt erfasst: "
        "seine Ereignisse wurden entfernt",
    "it is not the event recorded last (the head names another hash): events at the end were "
    "removed or replaced":
        "es ist nicht das zuletzt erfasste Ereignis (der Kopf nennt einen anderen Hash): "
        "Ereignisse am Ende wurden entfernt oder ersetzt",
    "the trail holds {events} events, but {count} were recorded: events were removed":
        "das Auditprotokoll enthält {events} Ereignisse, erfasst wurden aber {count}: "
        "Ereignisse wurden entfernt",
    "the first event is not the one the trail began with: the trail was replaced":
        "das erste Ereignis ist nicht jenes, mit dem das Auditprotokoll begann: es wurde ersetzt",
    "{clients} and {referrals} have no event in the trail, though each is recorded when made: "
    "events were removed":
        "{clients} und {referrals} haben kein Ereignis im Auditprotokoll, obwohl jede Erfassung "
        "festgehalten wird: Ereignisse wurden entfernt",
    "1 client": "1 Klient/in",
    "{n} clients": "{n} Klient/innen",
    "1 referral": "1 Anmeldung",
    "{n} referrals": "{n} Anmeldungen",
    # store/engine.py: a damaged file, for every command
    # store/schema.py, workflow/upkeep.py, render/tables.py: doctor's check of the tables
    "table {table}": "Tabelle {table}",
    "column {column} of {table}": "Spalte {column} von {table}",
    "index {index} of {table}": "Index {index} von {table}",
    "unique key on {columns} of {table}": "eindeutiger Schlüssel auf {columns} von {table}",
    "foreign key on {columns} of {table}": "Fremdschlüssel auf {columns} von {table}",
    "every table, column and index of revision {head}":
        "alle Tabellen, Spalten und Indizes der Revision {head}",
    "missing: {items}; restore a backup": "fehlt: {items}; spielen Sie eine Sicherung zurück",
    "tables": "Tabellen",
    # --- files and privacy on disk: anonymize, backups, workbooks, temporary files ---
    "{path} exists and is not a regular file (a folder, device, pipe or socket, or a link to "
    "one); give the name of a file":
        "{path} existiert und ist keine gewöhnliche Datei (ein Ordner, ein Gerät, eine Pipe oder "
        "ein Socket, oder ein Link darauf); geben Sie den Namen einer Datei an",
    "{path} exists already; give a new file name, or add --force to replace it":
        "{path} existiert bereits; geben Sie einen neuen Dateinamen an, oder ersetzen Sie die "
        "Datei mit --force",
    "cannot write the backup: no space left on the device; nothing written":
        "die Sicherung kann nicht geschrieben werden: kein Platz mehr auf dem Datenträger; nichts "
        "wurde geschrieben",
    "the backup failed: {problem}; nothing written":
        "die Sicherung ist fehlgeschlagen: {problem}; nichts wurde geschrieben",
    "another connection kept reading the database for {seconds} s":
        "eine andere Verbindung hat die Datenbank {seconds} s lang gelesen",
    "--closed-before {day} is after today ({today}): it would take clients whose referrals have "
    "not ended, or who registered today; give a day up to today":
        "--closed-before {day} liegt nach heute ({today}): es träfe Klient/innen, deren "
        "Anmeldungen nicht beendet sind oder die heute registriert wurden; geben Sie einen Tag "
        "bis heute an",
    "the server may still hold the erased values: in its write-ahead log (and a WAL archive or "
    "replicas), and in base backups and pg_dump files made before; the administrator runs "
    "CHECKPOINT, lets old WAL be recycled, and deletes or remakes those backups (README: "
    "retention)":
        "der Server kann die gelöschten Werte noch enthalten: in seinem Write-Ahead-Log (und "
        "einem WAL-Archiv oder Replikaten) sowie in früher erstellten Basissicherungen und "
        "pg_dump-Dateien; die Datenbankadministration führt CHECKPOINT aus, lässt altes WAL "
        "wiederverwenden und löscht oder ersetzt diese Sicherungen (README: Aufbewahrung)",
    "the erased values may still be on disk, as the database could not be compacted "
    "({problem}); when no other optima uses it, run: optima anonymize --closed-before {day} "
    "--yes (it finishes the job; `optima doctor` reports it until then)":
        "die gelöschten Werte können noch auf dem Datenträger sein, da die Datenbank nicht "
        "verdichtet werden konnte ({problem}); sobald kein anderes optima sie nutzt, führen Sie aus: optima "
        "anonymize --closed-before {day} --yes (das schliesst die Arbeit ab; `optima doctor` "
        "meldet es bis dahin)",
    "no erased values left in the file": "keine gelöschten Werte mehr in der Datei",
    "an anonymize could not compact the database: erased values may still be in it; when no "
    "other optima uses it, run: optima anonymize --closed-before {day} --yes":
        "eine Anonymisierung konnte die Datenbank nicht verdichten: gelöschte Werte können noch "
        "darin sein; sobald kein anderes optima sie nutzt, führen Sie aus: optima anonymize "
        "--closed-before {day} --yes",
    "none left by a killed backup or workbook":
        "keine von einer abgebrochenen Sicherung oder Arbeitsmappe übrig",
    "{n} temporary file of a killed backup or workbook (personal data): {files}; delete it, or "
    "run the backup or export again":
        "{n} temporäre Datei einer abgebrochenen Sicherung oder Arbeitsmappe (Personendaten): "
        "{files}; löschen Sie sie, oder wiederholen Sie die Sicherung oder den Export",
    "{n} temporary files of a killed backup or workbook (personal data): {files}; delete them, "
    "or run the backup or export again":
        "{n} temporäre Dateien einer abgebrochenen Sicherung oder Arbeitsmappe (Personendaten): "
        "{files}; löschen Sie sie, oder wiederholen Sie die Sicherung oder den Export",
    "compaction": "Verdichtung",
    "temporary files": "temporäre Dateien",
    # --- identity, text values (rules/text.py) and the import's refusals ---
    # rules/text.py
    "{field} has {length} characters; at most {limit} are allowed, shorten it":
        "{field} hat {length} Zeichen; erlaubt sind höchstens {limit}, kürzen Sie den Text",
    "{field} {value!r} shows nothing: it holds only blanks or invisible characters; write it out":
        "{field} {value!r} zeigt nichts an: nur Leerzeichen oder unsichtbare Zeichen; schreiben "
        "Sie den Wert aus",
    "{value!r} is not an e-mail address; write it like m.meier@example.ch":
        "{value!r} ist keine E-Mail-Adresse; schreiben Sie sie wie m.meier@example.ch",
    "unit code {code!r} is not usable; a code has letters, digits and dashes, at most {limit} "
    "characters, like SD-EMMEN":
        "das Kürzel {code!r} ist nicht verwendbar; ein Kürzel hat Buchstaben, Ziffern und "
        "Bindestriche, höchstens {limit} Zeichen, wie SD-EMMEN",
    # importing/sheet.py
    "{file} has a header row but no rows below it: nothing to import":
        "{file} hat eine Kopfzeile, aber keine Zeilen darunter: nichts zu importieren",
    "{file} would unpack to {size} MB, more than the {limit} MB an import reads; split it into "
    "smaller files":
        "{file} würde entpackt {size} MB gross, mehr als die {limit} MB, die ein Import liest; "
        "teilen Sie die Datei in kleinere auf",
    "{file} cannot be read as CSV on line {line} ({problem})":
        "{file} kann auf Zeile {line} nicht als CSV gelesen werden ({problem})",
    "{file}: a value on line {line} is longer than {limit} characters, which no value of an "
    "import is; check the file":
        "{file}: ein Wert auf Zeile {line} ist länger als {limit} Zeichen, was kein Wert eines "
        "Imports ist; prüfen Sie die Datei",
    # importing/columns.py, importing/rows.py
    "{value} is an error value of Excel, not a value; correct the cell in the spreadsheet":
        "{value} ist ein Fehlerwert von Excel, kein Wert; korrigieren Sie die Zelle in der "
        "Tabelle",
    "{column} holds the control character {character}, which an import value may not hold "
    "(tab and line breaks only in notes); remove it":
        "{column} enthält das Steuerzeichen {character}, das ein Importwert nicht enthalten darf "
        "(Tabulator und Zeilenumbruch nur in Notizen); entfernen Sie es",
    "{name}: the column {columns} is there twice; keep one of them":
        "{name}: die Spalte {columns} kommt zweimal vor; behalten Sie eine davon",
    "{name}: the columns {columns} are there twice; keep one of each":
        "{name}: die Spalten {columns} kommen zweimal vor; behalten Sie je eine davon",
    "this row means {client} but gives {column} {value}, while {client} has {theirs}; correct "
    "the row, or the client with `optima client update`":
        "diese Zeile meint {client}, nennt aber {column} {value}, während {client} {theirs} hat; "
        "korrigieren Sie die Zeile oder die Person mit `optima client update`",
    # --- the command line: arguments, prompts, Ctrl-C, terminal-inert output ---
    "OPTIMA_DB is set but empty; give it a file path or a postgresql+psycopg:// URL, or unset it "
    "(unset OPTIMA_DB)":
        "OPTIMA_DB ist gesetzt, aber leer; geben Sie einen Dateipfad oder eine postgresql+psycopg://-URL "
        "an, oder entfernen Sie die Variable (unset OPTIMA_DB)",
    "the port in --db (or OPTIMA_DB) is not a number; write it like "
    "postgresql+psycopg://USER@HOST:5432/DB":
        "der Port in --db (oder OPTIMA_DB) ist keine Zahl; schreiben Sie ihn wie "
        "postgresql+psycopg://USER@HOST:5432/DB",
    "{where} contains a NUL byte; remove it": "{where} enthält ein NUL-Byte; entfernen Sie es",
    "{where} contains bytes that are not UTF-8 text; give it in UTF-8 (convert it with iconv)":
        "{where} enthält Bytes, die kein UTF-8-Text sind; geben Sie es in UTF-8 an "
        "(umwandeln mit iconv)",
    "argument {value}": "Argument {value}",
    "{raw!r} is out of range: optima takes the years {first} to {last}":
        "{raw!r} liegt ausserhalb des Bereichs: optima nimmt die Jahre {first} bis {last}",
    "Input should be less than or equal to {limit}": "der Wert darf höchstens {limit} sein",
    "--with-personal-data only applies to --format json or csv; the table shows no notes":
        "--with-personal-data gilt nur für --format json oder csv; die Tabelle zeigt keine Notizen",
    "cannot use {file}: {problem}": "{file} kann nicht verwendet werden: {problem}",
    # --- refusals said with the option or the column ---
    # rules/text.py: {field} is the option of the command or the column of the import
    "{field} must not be empty; write it out": "{field} darf nicht leer sein; schreiben Sie den Wert aus",
    # --- empty file names; a damaged database file ---
    "{option} is empty; give a file name, like {example}":
        "{option} ist leer; geben Sie einen Dateinamen an, etwa {example}",
    "{option} is empty; give a file path, like {example}, or a postgresql+psycopg:// URL":
        "{option} ist leer; geben Sie einen Dateipfad an, etwa {example}, oder eine "
        "postgresql+psycopg://-URL",
    "the database file {database} is damaged: {problem}":
        "die Datenbankdatei {database} ist beschädigt: {problem}",
    "the database file {database} is damaged: {problem}; nothing was written; run optima "
    "doctor, and restore the last good backup":
        "die Datenbankdatei {database} ist beschädigt: {problem}; nichts wurde geschrieben; "
        "führen Sie optima doctor aus und stellen Sie die letzte gute Sicherung wieder her",
    # --- the root's last net for faults optima did not foresee (cli/root.py) ---
    "unexpected {kind}: {problem}; run optima doctor to check the database, and report this "
    "(OPTIMA_DEBUG=1 shows the details)":
        "unerwarteter Fehler {kind}: {problem}; prüfen Sie die Datenbank mit optima doctor und "
        "melden Sie dies (OPTIMA_DEBUG=1 zeigt die Einzelheiten)",
    # --- doctor: people registered twice before names had one key ---
    "duplicate clients": "doppelte Klient/innen",
    "no client registered twice": "keine Person ist doppelt erfasst",
    "{n} person is registered more than once (same name and birth date): {clients}; look at "
    "them with `optima client show CLIENT`":
        "{n} Person ist mehrfach erfasst (gleicher Name und gleiches Geburtsdatum): {clients}; "
        "sehen Sie sie mit `optima client show CLIENT` an",
    "{n} persons are registered more than once (same name and birth date): {clients}; look at "
    "them with `optima client show CLIENT`":
        "{n} Personen sind mehrfach erfasst (gleicher Name und gleiches Geburtsdatum): {clients}; "
        "sehen Sie sie mit `optima client show CLIENT` an",
    # --- refusals as codes (catalogue/en.py REFUSALS), said by each reader ---
    # these replace entries that named options inside the rules (moved out of "the life of a
    # case", "periods" and "clients"): {field} and the fields a refusal names are said by the
    # reader, as the option of the command line or the column of the import
    "{field} {value} is not a mandate period; use 3 or 6":
        "{field} {value} ist keine Auftragsdauer; verwenden Sie 3 oder 6",
    '{reason} other needs a note; add {field} "what happened"':
        '{reason} other braucht eine Notiz; ergänzen Sie {field} "was geschehen ist"',
    "{outcome} not-achieved needs a cause; add {field} no-cooperation, not-placeable or other":
        "{outcome} not-achieved braucht eine Ursache; ergänzen Sie {field} no-cooperation, "
        "not-placeable oder other",
    "cannot extend {case} on {day}: its mandate ended on {due_on}; give the date the extension "
    "was decided with {field}": '{case} kann nicht am {day} verlängert werden: der Auftrag endete am {due_on}; geben Sie mit {field} das Datum an, an dem die Verlängerung entschieden wurde',
    "{field} {until} is before {start_field} {start}": "{field} {until} liegt vor {start_field} {start}",
    "missing {field}": "{field} fehlt",
    "{field} needs a justification text, not an empty one":
        "{field} braucht eine Begründung als Text, keinen leeren",
    'referral blocked: {reasons}. To deviate, record your justification ({field} "...")':
        "Anmeldung blockiert: {reasons}. Um davon abzuweichen, erfassen Sie Ihre Begründung "
        '({field} "...")',
    "{field} is required and cannot be cleared":
        "{field} ist obligatorisch und kann nicht gelöscht werden",
    "{field} {text!r} is not a month; write 2026-10, or last":
        "{field} {text!r} ist kein Monat; schreiben Sie 2026-10 oder last",
    "{field} {text!r} is not a quarter; write 2026-Q3":
        "{field} {text!r} ist kein Quartal; schreiben Sie 2026-Q3",
    "{field} {text!r} is not a year; write 2026": "{field} {text!r} ist kein Jahr; schreiben Sie 2026",
    "{start_field} and {end_field} go together; give both dates":
        "{start_field} und {end_field} gehören zusammen; geben Sie beide Daten an",
    # Typer's own message, through gettext (cli/root.py TYPER_MESSAGES; replaces the entry
    # read back by a regex, "No such command {name}", moved out of "the root and Click's messages")
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    # findings that named an option of the command line, which the import does not have (moved
    # out of "access criteria"): they name the value to record instead
    "no consent of the client is recorded; record the day the client consented first":
        "keine Einwilligung der Klientin oder des Klienten erfasst; erfassen Sie zuerst das "
        "Datum der Einwilligung",
    "the client withdrew consent on {withdrawn_on}; record the day the client consented again "
    "first":
        "die Klientin oder der Klient hat die Einwilligung am {withdrawn_on} zurückgezogen; "
        "erfassen Sie zuerst das Datum der erneuten Einwilligung",
    # --- the access criteria as the concept has them (rules/criteria.py, rules/lifecycle.py) ---
    "the IV rejected the client on {rejected_on}, not more than 12 months ago "
    "(a referral to IV is possible from {possible_from}, or now with a justification)":
        "die IV hat die Klientin oder den Klienten am {rejected_on} abgelehnt, vor nicht mehr "
        "als 12 Monaten (eine Anmeldung an die IV ist ab {possible_from} möglich, oder jetzt mit "
        "einer Begründung)",
    "{field} is only recorded with {outcome} not-achieved or partly, not with {value}":
        "{field} wird nur mit {outcome} not-achieved oder partly erfasst, nicht mit {value}",
    # --- the demo as the evaluation report has it (optima_cli/demo) ---
    "shown as of the pilot's end, {day}, so that the deadline warnings read as they did then":
        "Stand am Ende des Pilotprojekts, {day}, damit die Fristwarnungen so lauten wie damals",
    "The figures the evaluation report states are true to it; the outcomes and durations are "
    "invented.":
        "Die Zahlen, die der Evaluationsbericht nennt, stimmen mit ihm überein; Ergebnisse und "
        "Dauern sind erfunden.",
    # --- referrals refused and justified exceptions, by rule (the report, the workbook) ---
    "referrals refused by rule": "durch ein Kriterium verweigerte Anmeldungen",
    "justified exceptions by rule": "begründete Ausnahmen nach Kriterium",
    "access criterion": "Zuweisungskriterium",
    # --- work capacity as the counsellor assessed it; the SD rule (rules/criteria.py) ---
    # records/models.py, render/tables.py
    "work capacity": "Arbeitsangebot",
    "work capacity assessed on": "Arbeitsangebot beurteilt am",
    "not assessed": "nicht beurteilt",
    # catalogue/en.py REFUSALS, PHRASES
    "{value} is not an assessment of work capacity; use one of: {codes}":
        "{value} ist keine Beurteilung des Arbeitsangebots; verwenden Sie eine von: {codes}",
    "{field} {assessed_on} is before the birth date {birth_date}":
        "{field} {assessed_on} liegt vor dem Geburtsdatum {birth_date}",
    "{field} is the day work capacity was assessed; give {assessment_field} yes or no with it":
        "{field} ist der Tag, an dem das Arbeitsangebot beurteilt wurde; geben Sie dazu "
        "{assessment_field} yes oder no an",
    "work capacity assessment date": "Datum der Beurteilung des Arbeitsangebots",
    # importing/columns.py
    "no_work_capacity says work capacity is not intact, work_capacity says {value}; keep one "
    "of the two columns":
        "no_work_capacity sagt, das Arbeitsangebot sei nicht intakt, work_capacity sagt {value}; "
        "behalten Sie eine der beiden Spalten",
    # rules/criteria.py: the findings of the access criteria
    "the client's work capacity is not intact (not placeable), as assessed on {assessed_on}":
        "kein intaktes Arbeitsangebot (nicht vermittelbar), beurteilt am {assessed_on}",
    "work capacity intact (objectively and subjectively placeable), as assessed on {assessed_on}":
        "intaktes Arbeitsangebot (objektiv und subjektiv vermittelbar), beurteilt am "
        "{assessed_on}",
    "work capacity intact (objectively and subjectively placeable), as assessed on a day not "
    "recorded":
        "intaktes Arbeitsangebot (objektiv und subjektiv vermittelbar), beurteilt an einem "
        "nicht erfassten Tag",
    "work capacity not assessed; record your assessment with `{command}`":
        "Arbeitsangebot nicht beurteilt; erfassen Sie Ihre Beurteilung mit `{command}`",
    "work capacity assessed only on {assessed_on}, after {on}; record it as of then with "
    "`{command} --work-capacity-on DATE`":
        "Arbeitsangebot erst am {assessed_on} beurteilt, nach dem {on}; erfassen Sie es auf "
        "jenen Tag mit `{command} --work-capacity-on DATE`",
    "work capacity was assessed as intact: the RAV is likely better placed; SD takes people "
    "without intact work capacity because of problems in their surroundings":
        "das Arbeitsangebot wurde als intakt beurteilt: das RAV ist wohl besser geeignet; der SD "
        "übernimmt Personen ohne intaktes Arbeitsangebot wegen Problemen in ihrem Umfeld",
    "social topic named: {topics}; work capacity assessed as not intact":
        "soziales Thema genannt: {topics}; Arbeitsangebot als nicht intakt beurteilt",
    "social topic named: {topics}; work capacity not assessed":
        "soziales Thema genannt: {topics}; Arbeitsangebot nicht beurteilt",
    # --- whether a case is workable in the mandate (rules/criteria.py, records/models.py, cli/cases.py) ---
    "workable in the mandate": "in der Auftragsdauer bearbeitbar",
    "Can the problem plausibly be improved within {months} months? (yes/no)":
        "Lässt sich die Problematik innert {months} Monaten plausibel verbessern? (ja/nein)",
    "{value} is not yes or no": "{value} ist weder ja noch nein",
    "answered yes: the problem can plausibly be improved within the mandate":
        "mit Ja beantwortet: die Problematik lässt sich in der Auftragsdauer plausibel verbessern",
    "answered no: the problem cannot plausibly be improved within the mandate; "
    "severe problems do not fit OPTIMA":
        "mit Nein beantwortet: die Problematik lässt sich in der Auftragsdauer nicht plausibel "
        "verbessern; schwere Problematiken passen nicht zu OPTIMA",
    "not answered: can the problem plausibly be improved within 3 or 6 months? "
    "Answer with --workable yes|no (in an import: the column workable)":
        "nicht beantwortet: lässt sich die Problematik in 3 oder 6 Monaten plausibel verbessern? "
        "Antworten Sie mit --workable ja|nein (im Import: Spalte workable)",
    # --- the steering group's settings (rules/settings.py, cli/settings.py) ---
    "{value} is not a setting; use one of: {codes}":
        "{value} ist keine Einstellung; verwenden Sie eine von: {codes}",
    "{key} takes a whole number, not {value}": "{key} nimmt eine ganze Zahl, nicht {value}",
    "{key} takes {low} to {high}, not {value}": "{key} nimmt {low} bis {high}, nicht {value}",
    "the concept does not allow the rule {rule} to be {kind}; it may be: {allowed}":
        "das Konzept erlaubt nicht, dass das Kriterium {rule} {kind} ist; möglich ist: {allowed}",
    "the IV rejected the client on {rejected_on}, not more than {months} months ago "
    "(a referral to IV is possible from {possible_from}, or now with a justification)":
        "die IV hat die Klientin oder den Klienten am {rejected_on} abgelehnt, vor nicht mehr "
        "als {months} Monaten (eine Anmeldung an die IV ist ab {possible_from} möglich, oder "
        "jetzt mit einer Begründung)",
    "the IV rejected the client on {rejected_on}, not more than {months} months ago "
    "(more than {months} months from {possible_from})":
        "die IV hat die Klientin oder den Klienten am {rejected_on} abgelehnt, vor nicht mehr "
        "als {months} Monaten (mehr als {months} Monate ab dem {possible_from})",
    "the IV rejection of {rejected_on} is more than {months} months old":
        "die IV-Ablehnung vom {rejected_on} liegt mehr als {months} Monate zurück",
    "the client is registered at the RAV until {until}, within the last {months} months":
        "die Klientin oder der Klient ist bis {until} beim RAV angemeldet, innerhalb der "
        "letzten {months} Monate",
    "the client was registered at the RAV until {until}, within the last {months} months":
        "die Klientin oder der Klient war bis {until} beim RAV angemeldet, innerhalb der "
        "letzten {months} Monate",
    "not registered at the RAV in the last {months} months":
        "in den letzten {months} Monaten nicht beim RAV angemeldet",
    "settings version": "Version der Einstellungen",
    "settings version {version}": "Version der Einstellungen: {version}",
    "{key} is now {value} (settings version {version})":
        "{key} ist jetzt {value} (Version der Einstellungen {version})",
    "{key} is {value} already; nothing changed": "{key} ist bereits {value}; nichts geändert",
    "{version} (the settings in force are version {now})":
        "{version} (die geltenden Einstellungen haben die Version {now})",
    "how strictly the rule binds: {rule}": "wie streng das Kriterium gilt: {rule}",
    "months an IV rejection blocks a referral to IV":
        "Monate, während denen eine IV-Ablehnung eine Anmeldung an die IV blockiert",
    "months back a RAV registration counts as recent (from SD to RAV)":
        "Monate, innert denen eine RAV-Anmeldung als kürzlich gilt (vom SD an das RAV)",
    "days a referral may wait for a decision": "Tage, die eine Anmeldung auf den Entscheid warten darf",
    "days ahead that due and list look by default":
        "Tage, die due und list standardmässig vorausschauen",
    "setting": "Einstellung",
    "what it is": "Bedeutung",
    "default": "Standard",
    "changed on": "geändert am",
    "before": "vorher",
    "settings changed in the period": "im Zeitraum geänderte Einstellungen",
    "{day}: {key} from {before} to {after} (version {version})":
        "{day}: {key} von {before} auf {after} (Version {version})",
    "after": "nachher",
    # --- planned job-search suspensions, findings with their rule, the demo's invented figures ---
    # a suspension planned ahead (rules/lifecycle.py, render/tables.py)
    "cannot suspend the job search for {case} from {start}: the mandate ends on {due_on}; a "
    "suspension may start at most on that day":
        "die Arbeitsbemühungen für {case} können nicht ab {start} ausgesetzt werden: der Auftrag "
        "endet am {due_on}; ein Aussetzen darf spätestens an diesem Tag beginnen",
    "{start} to {end}, planned": "{start} bis {end}, geplant",
    # a finding with its rule (catalogue/en.py RULED): the sentence first, then the criterion
    "{rule}: {finding}": "{finding} (Kriterium «{rule}»)",
    # the demo's report and workbook (render/report.py, render/workbook.py)
    "note": "Hinweis",
    # --- corrections: undo and reopen (rules/corrections.py) ---
    # refusals (catalogue/en.py REFUSALS)
    "{case} has no action to undo since its referral; a referral is not undone: withdraw it, or "
    "correct it with `optima amend`":
        "{case} hat seit der Anmeldung keine Aktion, die rückgängig gemacht werden kann; eine "
        "Anmeldung wird nicht rückgängig gemacht: ziehen Sie sie zurück oder korrigieren Sie sie "
        "mit `optima amend`",
    "{case} was corrected with `optima amend` after its last action; correct it again with "
    "`optima amend` instead":
        "{case} wurde nach der letzten Aktion mit `optima amend` korrigiert; korrigieren Sie den "
        "Fall stattdessen nochmals mit `optima amend`",
    "a measure of {case} requested on {day} comes after the case ended on {ended_on}; a measure "
    "is requested during the mandate: give --on up to {ended_on}":
        "eine Massnahme von {case}, beantragt am {day}, liegt nach dem Ende des Falls am {ended_on}; "
        "eine Massnahme wird während des Mandats beantragt: geben Sie --on bis {ended_on} an",
    "{case} has a measure recorded after its last action, which needs that action; nothing is "
    "undone across it: correct the case with `optima amend` instead":
        "{case} hat nach der letzten Aktion eine erfasste Massnahme, die diese Aktion voraussetzt; "
        "darüber hinweg wird nichts rückgängig gemacht: korrigieren Sie den Fall stattdessen mit "
        "`optima amend`",
    "{case} has a follow-up recorded after its closing, which needs the closing; nothing is "
    "undone across it: correct the case with `optima amend` instead":
        "{case} hat nach dem Abschluss eine erfasste Nachbefragung, die den Abschluss voraussetzt; "
        "darüber hinweg wird nichts rückgängig gemacht: korrigieren Sie den Fall stattdessen mit "
        "`optima amend`",
    "{case} has follow-ups recorded after its closing; its closing day cannot move under them: "
    "correct the follow-ups with `optima follow-up --correct` instead":
        "{case} hat nach dem Abschluss erfasste Nachbefragungen; das Abschlussdatum kann sich darunter "
        "nicht verschieben: korrigieren Sie stattdessen die Nachbefragungen mit "
        "`optima follow-up --correct`",
    "cannot reopen {case}: it is {status} and its last action is no closing or withdrawal; use "
    "`optima undo` to take back its last action":
        "{case} kann nicht wieder eröffnet werden: der Fall ist {status} und die letzte Aktion ist "
        "kein Abschluss und kein Rückzug; mit `optima undo` machen Sie die letzte Aktion rückgängig",
    "cannot {action} {case}: the client's case {open_case} to {receiver} is open since; a client has "
    "one open case per receiver: close or withdraw {open_case} first":
        "{action} für {case} nicht möglich: der Fall {open_case} derselben Person an {receiver} ist "
        "seither offen; eine Person hat pro Auftragnehmerin nur einen offenen Fall: schliessen "
        "Sie {open_case} zuerst ab oder ziehen Sie ihn zurück",
    # cli/cases.py undo, reopen
    "{case}: {action} undone; the case is {status} again":
        "{case}: {action} rückgängig gemacht; der Fall ist wieder {status}",
    "{case} reopened; it is {status} again": "{case} wieder eröffnet; der Fall ist wieder {status}",
    # the justification in show's history and audit list (render/tables.py)
    "justification": "Begründung",
    "action taken back": "rückgängig gemachte Aktion",
    # --- corrections: amend (rules/corrections.py, cli/cases.py, render/tables.py) ---
    "{case} corrected": "{case} korrigiert",
    "(amended)": "(korrigiert)",
    "corrected": "korrigiert",
    "nothing to correct in {case}: give the value to correct, like --goal":
        "in {case} ist nichts zu korrigieren: geben Sie den zu korrigierenden Wert an, etwa --goal",
    "{case} already holds these values; nothing was corrected":
        "{case} enthält diese Werte schon; nichts wurde korrigiert",
    "{field} does not apply to {case}: it is {status}, not decided yet; record the decision with "
    "accept or reject":
        "{field} gilt nicht für {case}: der Fall ist {status}, noch nicht entschieden; erfassen "
        "Sie den Entscheid mit accept oder reject",
    "{field} does not apply to {case}: it is {status} and was never accepted; only an accepted "
    "case has a receiving counsellor":
        "{field} gilt nicht für {case}: der Fall ist {status} und wurde nie angenommen; nur ein "
        "angenommener Fall hat eine Beratungsperson der Auftragnehmerin",
    "{field} does not apply to {case}: it is {status}, not closed; record the closing with close":
        "{field} gilt nicht für {case}: der Fall ist {status}, nicht abgeschlossen; erfassen Sie "
        "den Abschluss mit close",
    "{field} does not apply to {case}: it is {status}, not rejected; a reason is recorded with "
    "reject or withdraw":
        "{field} gilt nicht für {case}: der Fall ist {status}, nicht abgelehnt; ein Grund wird "
        "mit reject oder withdraw erfasst",
    "{field} of the withdrawal of {case} cannot be corrected: it may have ended the client's "
    "consent; correct the consent with client update":
        "{field} des Rückzugs von {case} kann nicht korrigiert werden: er kann die Einwilligung "
        "der Klientin oder des Klienten beendet haben; korrigieren Sie die Einwilligung mit "
        "client update",
    "{field} does not apply to {case}: it is {status}; a note is kept with a rejection, a "
    "withdrawal or a closing (use --goal for the goal)":
        "{field} gilt nicht für {case}: der Fall ist {status}; eine Notiz gehört zu einer "
        "Ablehnung, einem Rückzug oder einem Abschluss (für die Zielsetzung: --goal)",
    "{field} of {case} cannot be corrected: it was extended to 6 months on {extended_on}":
        "{field} von {case} kann nicht korrigiert werden: der Auftrag wurde am {extended_on} "
        "auf 6 Monate verlängert",
    "{field} {day} is before {event} on {other}; the events of a case keep their order":
        "{field} {day} liegt vor {event} am {other}; die Ereignisse eines Falls bleiben in "
        "ihrer Reihenfolge",
    "{field} {day} is after {event} on {other}; the events of a case keep their order":
        "{field} {day} liegt nach {event} am {other}; die Ereignisse eines Falls bleiben in "
        "ihrer Reihenfolge",
    "with this {field} the first mandate would end on {due_on}, before the extension on "
    "{extended_on}":
        "mit diesem {field} endete der erste Auftrag am {due_on}, vor der Verlängerung am "
        "{extended_on}",
    "with this {field} the mandate would end on {due_on}, before the end of a job-search "
    "suspension on {until}":
        "mit diesem {field} endete der Auftrag am {due_on}, vor dem Ende eines Aussetzens der "
        "Arbeitsbemühungen am {until}",
    "the correction would block {case}: {reasons}; it has no justification recorded for "
    "deviating, so it cannot be corrected so":
        "die Korrektur würde {case} blockieren: {reasons}; es ist keine Begründung für eine "
        "Abweichung erfasst, so kann der Fall nicht korrigiert werden",

    # --- corrections: the figures as recorded on a past day (render/report.py, workflow/report.py) ---
    "--as-recorded {day} is in the future; give a day up to today":
        "--as-recorded {day} liegt in der Zukunft; geben Sie einen Tag bis heute an",
    "As recorded on {day}: 1 case changed or entered since counts as it was then.":
        "Wie am {day} erfasst: 1 seither geänderter oder erfasster Fall zählt, wie er damals war.",
    "As recorded on {day}: {n} cases changed or entered since count as they were then.":
        "Wie am {day} erfasst: {n} seither geänderte oder erfasste Fälle zählen, wie sie damals "
        "waren.",
    "1 of them was anonymized since and counts as it is now.":
        "1 davon wurde seither anonymisiert und zählt, wie er heute ist.",
    "{n} of them were anonymized since and count as they are now.":
        "{n} davon wurden seither anonymisiert und zählen, wie sie heute sind.",
    "as recorded on": "wie erfasst am",
    # --- corrections: the import corrects (importing/rows.py, cli/importing.py, render/tables.py) ---
    "error: 1 row of {file} differs from its case already there; nothing was imported: "
    "check the file, or give --amend to correct the case":
        "Fehler: 1 Zeile von {file} weicht vom schon vorhandenen Fall ab; nichts wurde "
        "importiert: prüfen Sie die Datei, oder geben Sie --amend an, um den Fall zu korrigieren",
    "error: {n} rows of {file} differ from their cases already there; nothing was "
    "imported: check the file, or give --amend to correct the cases":
        "Fehler: {n} Zeilen von {file} weichen von schon vorhandenen Fällen ab; nichts wurde "
        "importiert: prüfen Sie die Datei, oder geben Sie --amend an, um die Fälle zu "
        "korrigieren",
    "dry run: {imported} referrals would be imported, {amended} corrected, "
    "{skipped} are already there; nothing was written":
        "Probelauf: zu importierende Anmeldungen: {imported}, zu korrigierende Fälle: "
        "{amended}, schon vorhanden: {skipped}; nichts wurde geschrieben",
    "imported {imported} referrals from {file}; {amended} corrected, "
    "{skipped} were already there":
        "aus {file} importierte Anmeldungen: {imported}; korrigierte Fälle: {amended}; schon "
        "vorhanden: {skipped}",
    "{file}: 1 row differs from its case, nothing imported":
        "{file}: 1 Zeile weicht von ihrem Fall ab, nichts importiert",
    "{file}: {n} rows differ from their cases, nothing imported":
        "{file}: {n} Zeilen weichen von ihren Fällen ab, nichts importiert",
    "{file}: 1 case corrected": "{file}: 1 Fall korrigiert",
    "{file}: {n} cases corrected": "{file}: {n} Fälle korrigiert",
    "{file}: 1 case would be corrected": "{file}: 1 Fall würde korrigiert",
    "{file}: {n} cases would be corrected": "{file}: {n} Fälle würden korrigiert",
    "stored": "erfasst",
    "in the file": "in der Datei",
    "would correct": "würden korrigiert",
    "row {row} of this file gives {case} another {column}; the rows of one case must agree":
        "Zeile {row} dieser Datei gibt {case} einen anderen Wert in {column}; die Zeilen eines "
        "Falls müssen übereinstimmen",
    # --- between the institutions: the digest by e-mail and its mail server (rules/notices.py, workflow/notify.py, cli/notify.py, render/tables.py) ---
    "the mail port takes a number from 1 to 65535, not {value}":
        "der Mail-Port ist eine Zahl von 1 bis 65535, nicht {value}",
    "{key} takes yes or no, not {value}": "{key} ist ja oder nein, nicht {value}",
    "{value} is not an e-mail address like optima@example.ch":
        "{value} ist keine E-Mail-Adresse wie optima@example.ch",
    "{key} takes no spaces, not {value}": "{key} enthält keine Leerzeichen, nicht {value}",
    "no mail server is set; set it with `optima settings set mail-host HOST`":
        "kein Mailserver festgelegt; legen Sie ihn mit `optima settings set mail-host HOST` fest",
    "no sender address is set; set it with `optima settings set mail-sender ADDRESS`":
        "keine Absenderadresse festgelegt; legen Sie sie mit `optima settings set mail-sender "
        "ADRESSE` fest",
    "cannot reach the mail server {server}: {problem}; nothing more was sent, the next run sends "
    "what is pending":
        "der Mailserver {server} ist nicht erreichbar: {problem}; nichts weiteres wurde gesendet, "
        "der nächste Lauf sendet, was aussteht",
    "the mail server {server} refused the login of {user}: {problem}":
        "der Mailserver {server} hat die Anmeldung von {user} abgelehnt: {problem}",
    "cannot read the mail password file {path}: {problem}":
        "die Datei mit dem Mail-Passwort {path} kann nicht gelesen werden: {problem}",
    "the mail password file {path} can be read by others; make it yours alone: chmod 600 {path}":
        "die Datei mit dem Mail-Passwort {path} ist für andere lesbar; machen Sie sie zu Ihrer "
        "eigenen: chmod 600 {path}",
    "{case}: referred by {referrer} on {day}; decide by {deadline}":
        "{case}: angemeldet von {referrer} am {day}; entscheiden bis {deadline}",
    "OPTIMA: 1 new item for {units}": "OPTIMA: 1 neuer Punkt für {units}",
    "OPTIMA: {n} new items for {units}": "OPTIMA: {n} neue Punkte für {units}",
    "What awaits {units} in OPTIMA on {day}:": "Was am {day} in OPTIMA auf {units} wartet:",
    "Open a case with `optima show CASE`; `optima due` lists every deadline. This message names "
    "no person, on purpose.":
        "Öffnen Sie einen Fall mit `optima show FALL`; `optima due` listet alle Fristen. Diese "
        "Nachricht nennt absichtlich keine Person.",
    "sent to {to}: 1 item": "gesendet an {to}: 1 Punkt",
    "sent to {to}: {n} items": "gesendet an {to}: {n} Punkte",
    "{unit} has items but no contact e-mail; set one with `optima institution set-contact {unit} "
    "--email ADDRESS`":
        "für {unit} liegt etwas vor, aber es gibt keine Kontakt-E-Mail; erfassen Sie eine mit "
        "`optima institution set-contact {unit} --email ADRESSE`",
    "nothing new to send": "nichts Neues zu senden",
    "dry run: {n} messages, nothing sent": "Probelauf: {n} Nachrichten, nichts gesendet",
    "not sent to {to}: {problem}; the next run tries again":
        "nicht gesendet an {to}: {problem}; der nächste Lauf versucht es wieder",
    "mail server that optima notify sends through": "Mailserver, über den optima notify sendet",
    "port of the mail server": "Port des Mailservers",
    "encrypt the connection with STARTTLS": "Verbindung mit STARTTLS verschlüsseln",
    "sender address of the messages": "Absenderadresse der Nachrichten",
    "login at the mail server": "Anmeldung am Mailserver",
    "file that holds the mail password (yours alone)":
        "Datei mit dem Mail-Passwort (nur für Sie lesbar)",
    "mail server (optima notify)": "Mailserver (optima notify)",
    "{key} is now {value}": "{key} ist jetzt {value}",
    # --- between the institutions: the case journal (rules/journal.py, cli/journal.py, render/tables.py) ---
    # refusals (catalogue/en.py REFUSALS)
    "a note on {day} is before the referral of {case} on {referred_on}; give {field} "
    "{referred_on} or later":
        "ein Journaleintrag vom {day} liegt vor der Anmeldung von {case} am {referred_on}; geben "
        "Sie {field} {referred_on} oder später an",
    "{case} is {status} since {ended_on}: a note may be dated up to that day, not {day}; give "
    "{field} {ended_on} or earlier":
        "{case} ist seit dem {ended_on} {status}: ein Journaleintrag darf höchstens auf diesen Tag "
        "datiert sein, nicht auf den {day}; geben Sie {field} {ended_on} oder früher an",
    "{case} has no journal entry {entry} (it has {count}); `optima show {case}` lists them":
        "{case} hat keinen Journaleintrag {entry} (er hat {count}); `optima show {case}` zeigt sie",
    "journal entry {entry} of {case} is already struck":
        "Journaleintrag {entry} von {case} ist schon gestrichen",
    "note date": "Datum des Journaleintrags",
    # the command (cli/journal.py)
    "--strike takes no TEXT and no --on: it strikes an entry as it was written":
        "--strike nimmt keinen TEXT und kein --on: es streicht einen Eintrag, wie er geschrieben "
        "wurde",
    "--why goes with --strike: it says why an entry is struck":
        "--why gehört zu --strike: es sagt, warum ein Eintrag gestrichen wird",
    "{case}: journal entry {entry} of {on} written": "{case}: Journaleintrag {entry} vom {on} "
                                                     "geschrieben",
    "{case}: journal entry {entry} struck": "{case}: Journaleintrag {entry} gestrichen",
    # show (render/tables.py)
    "case journal": "Falljournal",
    "entry": "Nr.",
    "written by": "geschrieben von",
    "entry text": "Eintrag",
    "(erased by anonymize)": "(durch die Anonymisierung gelöscht)",
    "{text} (struck by {by} on {at}: {why})": "{text} (gestrichen von {by} am {at}: {why})",
    "journal entry": "Journaleintrag",
    "struck": "gestrichen",
    # --- between the institutions: joint strategies (rules/joint.py, workflow/joint.py, cli/joint.py, render/joint.py) ---
    "{joint} opened: led by {lead} with {partners}; first review on {day}":
        "{joint} eröffnet: federführend {lead}, mit {partners}; erste Überprüfung am {day}",
    "{joint} reviewed; next review on {day}": "{joint} überprüft; nächste Überprüfung am {day}",
    "{joint} closed ({outcome})": "{joint} abgeschlossen ({outcome})",
    "{joint}: joint strategy led by {lead}, review due on {day} ({when}); record it with joint "
    "review":
        "{joint}: gemeinsame Strategie unter der Federführung von {lead}, Überprüfung fällig am "
        "{day} ({when}); erfassen Sie sie mit joint review",
    "opened": "eröffnet",
    "lead: {group}": "federführend: {group}",
    "open at the end": "offen am Ende",
    "joint strategies": "gemeinsame Strategien",
    "Joint strategies": "Gemeinsame Strategien",
    "joint strategy": "gemeinsame Strategie",
    "lead": "Lead (federführend)",
    "with": "mit",
    "opened on": "eröffnet am",
    "next review": "nächste Überprüfung",
    "from case": "aus Fall",
    "no joint strategies match": "keine gemeinsamen Strategien gefunden",
    "reviews": "Überprüfungen",
    "no joint strategy {ref!r}; their ids look like GS-2026-0001 (see `optima joint list`)":
        "keine gemeinsame Strategie {ref!r}; ihre Nummern sehen aus wie GS-2026-0001 (siehe "
        "`optima joint list`)",
    "--status must be open, closed or all, not {value!r}":
        "--status muss open, closed oder all sein, nicht {value!r}",
    "{field} names {count} units; a joint strategy has its lead and one or two other units":
        "{field} nennt {count} Stellen; eine gemeinsame Strategie hat ihre federführende Stelle "
        "und eine oder zwei weitere Stellen",
    "{unit} and {other} are both {kind}: a joint strategy joins two or three institutions, one "
    "unit of each kind; name units of other kinds with {field}":
        "{unit} und {other} sind beide {kind}: eine gemeinsame Strategie verbindet zwei oder drei "
        "Institutionen, eine Stelle je Art; nennen Sie mit {field} Stellen anderer Art",
    "{field} {next_on} is not after {day}: the next review lies after the day it is set":
        "{field} {next_on} liegt nicht nach dem {day}: die nächste Überprüfung liegt nach dem "
        "Tag, an dem sie festgelegt wird",
    "{field} joint-strategy is recorded when a joint strategy starts from the referral: use "
    "`optima joint open CLIENT --from-case {case}`":
        "{field} joint-strategy wird erfasst, wenn eine gemeinsame Strategie aus der Anmeldung "
        "hervorgeht: verwenden Sie `optima joint open CLIENT --from-case {case}`",
    "{client} was anonymized; register the person again to open a joint strategy":
        "{client} wurde anonymisiert; erfassen Sie die Person neu, um eine gemeinsame Strategie "
        "zu eröffnen",
    "{client} already has the open joint strategy {joint}; review or close it first: a client "
    "has at most one open joint strategy":
        "{client} hat bereits die offene gemeinsame Strategie {joint}; überprüfen oder schliessen "
        "Sie sie zuerst: eine Klientin oder ein Klient hat höchstens eine offene gemeinsame "
        "Strategie",
    "cannot open a joint strategy for {client}: {reasons}":
        "für {client} kann keine gemeinsame Strategie eröffnet werden: {reasons}",
    "{field} {case} is a referral of {other}, not of {client}":
        "{field} {case} ist eine Anmeldung von {other}, nicht von {client}",
    "{field} {case} goes from {referrer} to {receiver}, but {unit} does not take part: both "
    "units of the referral take part in the joint strategy that replaces it":
        "{field} {case} geht von {referrer} an {receiver}, aber {unit} ist nicht beteiligt: beide "
        "Stellen der Anmeldung sind an der gemeinsamen Strategie beteiligt, die sie ersetzt",
    "cannot {action} {joint}: it was closed on {closed_on}":
        "`{action}` für {joint} ist nicht möglich: sie wurde am {closed_on} abgeschlossen",
    "{case} was withdrawn because a joint strategy started from it; that is not taken back: "
    "close the joint strategy and refer the client again if needed":
        "{case} wurde zurückgezogen, weil eine gemeinsame Strategie daraus hervorging; das wird "
        "nicht rückgängig gemacht: schliessen Sie die gemeinsame Strategie und melden Sie die "
        "Person bei Bedarf neu an",
    "the opening of the joint strategy": "der Eröffnung der gemeinsamen Strategie",
    "the last review of the joint strategy": "der letzten Überprüfung der gemeinsamen Strategie",
    "opening date of the joint strategy": "Eröffnungsdatum der gemeinsamen Strategie",
    "review date": "Überprüfungsdatum",
    "closing date of the joint strategy": "Abschlussdatum der gemeinsamen Strategie",
    # --- between the institutions: inbox, assign, forward, handback (rules/actions.py, workflow/inbox.py, cli/cases.py, cli/inbox.py, render/) ---
    "nothing to change; give --contact, --email, --phone or --user":
        "nichts zu ändern; geben Sie --contact, --email, --phone oder --user an",
    "{case} assigned to {counsellor}": "{case} zugeteilt an {counsellor}",
    "{case} forwarded to {receiver}": "{case} weitergeleitet an {receiver}",
    "handback": "Rückmeldung an die Auftraggeberin",
    "referrals forwarded to another unit": "an eine andere Stelle weitergeleitete Anmeldungen",
    "inbox of {units} on {day}": "Eingang von {units} am {day}",
    "login": "Login",
    "nothing waits": "nichts wartet",
    "days waiting": "Tage wartend",
    "decide by": "Entscheid bis",
    "referrals to decide": "zu entscheidende Anmeldungen",
    "cases to assign (no receiving counsellor)": "zuzuteilende Fälle (keine Fallführung bei der "
                                                 "Auftragnehmerin)",
    "handbacks to read (optima inbox --read CASE)": "zu lesende Rückmeldungen (optima inbox --read "
                                                    "FALL)",
    "cannot assign {case}: it is {status}; a counsellor is assigned to a referred or an accepted "
    "case":
        "{case} kann nicht zugeteilt werden: der Fall ist {status}; die Fallführung wird einem "
        "angemeldeten oder angenommenen Fall zugeteilt",
    "{case} is already assigned to {counsellor}; nothing to change":
        "{case} ist bereits {counsellor} zugeteilt; nichts zu ändern",
    "cannot forward {case}: it is {status}; only a referral not yet decided is forwarded (refer "
    "the client again instead)":
        "{case} kann nicht weitergeleitet werden: der Fall ist {status}; nur eine noch nicht "
        "entschiedene Anmeldung wird weitergeleitet (melden Sie die Person stattdessen neu an)",
    "{case} is already with {receiver}; give {field} another unit of its kind":
        "{case} liegt bereits bei {receiver}; geben Sie mit {field} eine andere Stelle derselben "
        "Art an",
    "cannot forward {case} to {receiver} ({kind}): {current} is {current_kind}; a referral is "
    "forwarded to a unit of the same kind (refer the client to another kind instead)":
        "{case} kann nicht an {receiver} ({kind}) weitergeleitet werden: {current} ist "
        "{current_kind}; eine Anmeldung wird an eine Stelle derselben Art weitergeleitet (melden "
        "Sie die Person stattdessen bei der anderen Institution an)",
    "cannot forward {case} to {receiver}: {reasons}":
        "{case} kann nicht an {receiver} weitergeleitet werden: {reasons}",
    "{case} has no handback to read ({status})":
        "{case} hat keine Rückmeldung zu lesen ({status})",
    "no unit has {user} as its contact person; give --unit CODE (or make {user} the contact "
    "person: optima institution set-contact CODE --user {user})":
        "keine Stelle hat {user} als Ansprechperson; geben Sie --unit CODE an (oder machen Sie "
        "{user} zur Ansprechperson: optima institution set-contact CODE --user {user})",
    "assign date": "Zuteilungsdatum",
    "forward date": "Weiterleitungsdatum",
    "the last action of {case} forwarded it to {receiver}; that is not undone: forward it back "
    "with `optima forward {case} --to {back}`":
        "die letzte Aktion von {case} hat ihn an {receiver} weitergeleitet; das wird nicht "
        "rückgängig gemacht: leiten Sie ihn mit `optima forward {case} --to {back}` zurück",
    "{case}: closed by {receiver} on {day}; its handback waits for you (optima inbox --read "
    "{case})":
        "{case}: abgeschlossen von {receiver} am {day}; die Rückmeldung wartet auf Sie (optima "
        "inbox --read {case})",
    "unit": "Stelle",
    # --- issue 19: trends (rules/series.py, workflow/report.py, render/report.py, render/workbook.py) ---
    "OPTIMA figures per {unit}: {start} to {end} (as of {as_of})":
        "OPTIMA-Zahlen pro {unit}: {start} bis {end} (Stand {as_of})",
    "--series {unit!r} is not known; use month, quarter or year":
        "--series {unit!r} ist unbekannt; verwenden Sie month, quarter oder year",
    "period": "Zeitraum",
    "first follow-ups recorded": "1. Nachbefragungen erfasst",
    "employed at the first follow-up": "erwerbstätig bei der 1. Nachbefragung",
    "second follow-ups recorded": "2. Nachbefragungen erfasst",
    "employed at the second follow-up": "erwerbstätig bei der 2. Nachbefragung",
    "measures requested": "Massnahmen beantragt",
    "measures approved": "Massnahmen, Kosten übernommen",
    "costs approved (CHF)": "übernommene Kosten (CHF)",
    "Trend": "Verlauf",
    "Referrals and outcomes per period": "Anmeldungen und Ergebnisse pro Zeitraum",
    "from {group}": "von {group}",
    "achieved": "Ziel erreicht",
    "partly": "teilweise erreicht",
    "not achieved": "nicht erreicht",
    "employed at closing": "erwerbstätig bei Abschluss",
    "forwarded": "weitergeleitet",
    "overrides": "begründete Abweichungen",
    "referrals sent": "Anmeldungen gesendet",
    "referrals received": "Anmeldungen erhalten",
    # --- issue 19: figures safe to publish (rules/publish.py, report --publish) ---
    "report --publish hides every count below this":
        "report --publish verbirgt jede Zahl unter diesem Wert",
    "--publish writes figures safe to publish; it cannot carry --with-personal-data":
        "--publish schreibt Zahlen zur Veröffentlichung; es verträgt kein --with-personal-data",
    "Figures for publication: every count below {n} is shown as <{n}.":
        "Zahlen zur Veröffentlichung: jede Zahl unter {n} erscheint als <{n}.",
    "x: hidden so that no <{n} can be worked out from the totals (such a count is {n} or more), "
    "a median of fewer than {n} cases, or an amount whose count is hidden.":
        "x: verborgen, damit sich kein <{n} aus den Summen zurückrechnen lässt (eine solche Zahl "
        "ist {n} oder grösser), ein Median aus weniger als {n} Fällen oder ein Betrag, dessen "
        "Anzahl verborgen ist.",
    "*: not published, whatever its value, so that nothing in its table can be worked out.":
        "*: nicht veröffentlicht, wie gross die Zahl auch ist, damit sich in ihrer Tabelle nichts "
        "zurückrechnen lässt.",
    "--publish gives the figures by kind only: by unit the groups are too small to publish, and "
    "both groupings together would give hidden counts away; leave out --by {by}":
        "--publish gibt die Zahlen nur nach Art: nach Stelle sind die Gruppen zu klein zur "
        "Veröffentlichung, und beide Gliederungen zusammen verrieten verborgene Zahlen; lassen Sie "
        "--by {by} weg",
    "--series cannot be published: a hidden cell of one period could be worked out from the other "
    "periods and the total; publish one period at a time":
        "--series lässt sich nicht veröffentlichen: eine verborgene Zahl einer Periode liesse sich aus "
        "den anderen Perioden und der Summe zurückrechnen; veröffentlichen Sie eine Periode nach der "
        "anderen",
    # --- issue 19: measures and their cost (rules/money.py, rules/measures.py, cli/measures.py,
    # render/measures.py, render/workbook.py) ---
    "{field} {raw!r} is not an amount in francs; write it like 1200, 1200.50 or 1'200.50":
        "{field} {raw!r} ist kein Betrag in Franken; schreiben Sie ihn wie 1200, 1200.50 oder "
        "1'200.50",
    "{field} {raw!r} is negative; a cost is 0 or more francs, like 1200.50":
        "{field} {raw!r} ist negativ; Kosten betragen 0 oder mehr Franken, wie 1200.50",
    "{field} {raw!r} has more than two decimals; write francs and centimes, like 1200.50":
        "{field} {raw!r} hat mehr als zwei Nachkommastellen; schreiben Sie Franken und Rappen, "
        "wie 1200.50",
    "{field} {raw!r} could mean francs or a thousands mark; write it like 1200.00 or 1'200.00":
        "{field} {raw!r} ist mehrdeutig (Rappen oder Tausendertrennzeichen); schreiben Sie den "
        "Betrag wie 1200.00 oder 1'200.00",
    "{field} {raw!r} is more than {most} francs; check the amount":
        "{field} {raw!r} ist mehr als {most} Franken; prüfen Sie den Betrag",
    "{value} is not a kind of measure; use one of: {codes}":
        "{value} ist keine Art von Massnahme; verwenden Sie eine von: {codes}",
    "cannot add a measure to {case}: it is {status} and was never accepted; measures belong to a "
    "case whose mandate was accepted":
        "für {case} kann keine Massnahme erfasst werden: der Fall ist {status} und wurde nie "
        "angenommen; Massnahmen gehören zu einem Fall, dessen Auftrag angenommen wurde",
    "a measure requested on {day} is before {case} was accepted on {decided_on}; give {field} "
    "{decided_on} or later":
        "eine am {day} beantragte Massnahme liegt vor der Annahme von {case} am {decided_on}; "
        "geben Sie {field} {decided_on} oder später an",
    "measure {measure} of {case} was requested on {requested_on}; it cannot be decided on {day}: "
    "give {field} {requested_on} or later":
        "Massnahme {measure} von {case} wurde am {requested_on} beantragt; sie kann nicht am "
        "{day} entschieden werden: geben Sie {field} {requested_on} oder später an",
    'a measure of the kind other needs a note; add {field} "what it is"':
        'eine andere Massnahme braucht eine Notiz; ergänzen Sie {field} "was sie ist"',
    "{case} has no measure {measure} (it has {count}); `optima measure list {case}` lists them":
        "{case} hat keine Massnahme {measure} (er hat {count}); `optima measure list {case}` "
        "listet sie auf",
    "measure {measure} of {case} was already decided on {day}; if that was a mistake, strike it "
    "and add it again":
        "über Massnahme {measure} von {case} wurde bereits am {day} entschieden; war das ein "
        "Fehler, streichen Sie sie und erfassen Sie sie neu",
    "measure {measure} of {case} is struck; add it again if it is needed":
        "Massnahme {measure} von {case} ist gestrichen; erfassen Sie sie neu, wenn sie nötig ist",
    "date of the measure": "Datum der Massnahme",
    "{case}: measure {measure} added ({cost} CHF, paid by {payer})":
        "{case}: Massnahme {measure} erfasst ({cost} CHF, bezahlt von {payer})",
    "{case}: measure {measure} approved": "{case}: Kosten der Massnahme {measure} übernommen",
    "{case}: measure {measure} declined": "{case}: Kosten der Massnahme {measure} abgelehnt",
    "{case}: measure {measure} struck": "{case}: Massnahme {measure} gestrichen",
    "{text} (struck by {by}: {why})": "{text} (gestrichen von {by}: {why})",
    "measure": "Massnahme",
    "measures": "Massnahmen",
    "payer": "bezahlt von",
    "requested on": "beantragt am",
    "CHF": "CHF",
    "count": "Anzahl",
    "no measures match": "keine passenden Massnahmen",
    "measures and their cost": "Massnahmen und ihre Kosten",
    "requested": "beantragt",
    "approved": "Kosten übernommen",
    "declined": "abgelehnt",
    "costs covered: {x} of {y}": "Kosten übernommen: {x} von {y}",
    "pending at the end": "am Ende noch offen",
    "requested: {group}": "beantragt: {group}",
    "approved, paid by {group}": "übernommen, bezahlt von {group}",
    "approved, case with {group}": "übernommen, Fall bei {group}",
    "The measures and their costs are invented.": "Die Massnahmen und ihre Kosten sind erfunden.",
    # --- issue 19: follow-ups after the closing (rules/followup.py, workflow/followup.py,
    # cli/followup.py, render/followup.py, render/due.py, render/tables.py, render/report.py) ---
    "employed needs the day the work began; add {field} DATE":
        "erwerbstätig braucht den Tag, an dem die Arbeit begann; geben Sie {field} DATUM an",
    "{field} is the day the work began, only recorded with employed, not with {situation}":
        "{field} ist der Tag, an dem die Arbeit begann, und wird nur mit erwerbstätig erfasst, "
        "nicht mit {situation}",
    'other needs a note; add {field} "what became of the client"':
        'anderes braucht eine Notiz; geben Sie {field} "was aus der Person wurde" an',
    "{field} goes with --correct: it says why a follow-up is corrected":
        "{field} gehört zu --correct: es sagt, warum eine Nachbefragung korrigiert wird",
    "{case} is {status}; follow-ups are due only after a closing":
        "{case} ist {status}; Nachbefragungen sind erst nach einem Abschluss fällig",
    "{case} has no follow-up {at} months after its closing; {field} takes {points}":
        "{case} hat keine Nachbefragung {at} Monate nach dem Abschluss; {field} nimmt {points}",
    "the follow-up of {case} {at} months after its closing is due on {due_on}; it can be "
    "recorded from {earliest} on ({field})":
        "die Nachbefragung von {case} {at} Monate nach dem Abschluss ist am {due_on} fällig; sie "
        "kann ab dem {earliest} erfasst werden ({field})",
    "{field} {since} is after the contact day {on}":
        "{field} {since} liegt nach dem Kontakttag {on}",
    "{field} {since} is before the referral of {case} on {referred_on}":
        "{field} {since} liegt vor der Anmeldung von {case} am {referred_on}",
    'the follow-up of {case} {at} months after its closing was recorded on {contact_on} '
    '({situation}); correct it with --correct --why "..."':
        'die Nachbefragung von {case} {at} Monate nach dem Abschluss wurde am {contact_on} erfasst '
        '({situation}); korrigieren Sie sie mit --correct --why "..."',
    "the follow-up of {case} {at} months after its closing is not recorded yet; record it "
    "without --correct":
        "die Nachbefragung von {case} {at} Monate nach dem Abschluss ist noch nicht erfasst; "
        "erfassen Sie sie ohne --correct",
    "the second follow-up ({second} months) must come after the first ({first} months)":
        "die zweite Nachbefragung ({second} Monate) muss nach der ersten ({first} Monate) kommen",
    "{value} is not a situation at a follow-up; use one of: {codes}":
        "{value} ist keine Situation einer Nachbefragung; verwenden Sie eines von: {codes}",
    "contact day of the follow-up": "Kontaktdatum der Nachbefragung",
    "{case}: follow-up {months} months after the closing recorded: {situation}":
        "{case}: Nachbefragung {months} Monate nach dem Abschluss erfasst: {situation}",
    "{case}: follow-up {months} months after the closing due on {day} ({when}); record it with "
    "optima follow-up {case} --at {months}":
        "{case}: Nachbefragung {months} Monate nach dem Abschluss fällig am {day} ({when}); "
        "erfassen Sie sie mit optima follow-up {case} --at {months}",
    "follow-ups after the closing": "Nachbefragungen nach dem Abschluss",
    "due in the period": "im Zeitraum fällig",
    "follow-ups recorded": "erfasste Nachbefragungen",
    "not recorded yet": "noch nicht erfasst",
    "overdue (not recorded a month after the due day)":
        "überfällig (einen Monat nach dem Fälligkeitstag nicht erfasst)",
    "after {months} months": "nach {months} Monaten",
    "receiver {group}: due, recorded, employed":
        "Auftragnehmerin {group}: fällig, erfasst, erwerbstätig",
    "The follow-ups after the closing are invented too.":
        "Auch die Nachbefragungen nach dem Abschluss sind erfunden.",
    "follow-up": "Nachbefragung",
    "months after the closing": "Monate nach dem Abschluss",
    "due on": "fällig am",
    "situation": "Situation",
    "since": "seit",
    "contact on": "Kontakt am",
    "not recorded": "nicht erfasst",
    "follow-ups to record (optima follow-up CASE --at MONTHS)":
        "zu erfassende Nachbefragungen (optima follow-up FALL --at MONATE)",
    # --- issue 20: access control (rules/access.py, store/access.py, store/engine.py) ---
    "the unit code {code} makes a role name longer than PostgreSQL's {limit} bytes; give the unit a "
    "shorter code":
        "der Code {code} ergibt einen Rollennamen von mehr als {limit} Bytes, wie PostgreSQL sie "
        "erlaubt; geben Sie der Stelle einen kürzeren Code",
    "{field} must be the name of a login role on the server (at most {limit} bytes, no control "
    "characters), not {value!r}":
        "{field} muss der Name einer Login-Rolle des Servers sein (höchstens {limit} Bytes, keine "
        "Steuerzeichen), nicht {value!r}",
    "{value} is one of the server's or optima's own roles, not a person's login; give the login "
    "role of a person (CREATE ROLE name LOGIN)":
        "{value} ist eine Rolle des Servers oder von optima, kein Login einer Person; geben Sie die "
        "Login-Rolle einer Person an (CREATE ROLE name LOGIN)",
    "the role {role} does not exist on the server, and this login may not create roles; run optima "
    "db upgrade once as the database's owner with CREATEROLE (README: the shared database)":
        "die Rolle {role} gibt es auf dem Server nicht, und dieses Login darf keine Rollen anlegen; "
        "führen Sie optima db upgrade einmal als Eigentümerin der Datenbank mit CREATEROLE aus "
        "(README: die gemeinsame Datenbank)",
    "your login may not write this in {database}: it belongs to a unit you are not a member of "
    "(optima access list shows who is)":
        "Ihr Login darf dies in {database} nicht schreiben: es gehört einer Stelle, der Sie nicht "
        "angehören (optima access list zeigt, wer ihr angehört)",
    "a client with this AHV number is already registered in {database}, at a unit whose cases you "
    "do not see; ask the IIZ coordinator":
        "eine Klientin oder ein Klient mit dieser AHV-Nummer ist in {database} bereits erfasst, bei "
        "einer Stelle, deren Fälle Sie nicht sehen; wenden Sie sich an die IIZ-Koordination",
    "on the shared server your login sees only the cases of its units, and this needs the whole "
    "database; the coordinator or optima's administrator runs it":
        "auf dem gemeinsamen Server sieht Ihr Login nur die Fälle seiner Stellen, und dies braucht "
        "die ganze Datenbank; die IIZ-Koordination oder die Administration von optima führt es aus",
    "on the shared server only optima's administrator may do this (optima access grant LOGIN "
    "--admin)":
        "auf dem gemeinsamen Server darf dies nur die Administration von optima (optima access "
        "grant LOGIN --admin)",
    "not checked: this login sees only the events of its units' cases; the coordinator runs optima "
    "audit verify":
        "nicht geprüft: dieses Login sieht nur die Ereignisse der Fälle seiner Stellen; die "
        "IIZ-Koordination führt optima audit verify aus",
    "on the shared server a joint strategy is opened by the login of its lead, {lead}; ask its "
    "contact person, or give your own unit as {field}":
        "auf dem gemeinsamen Server eröffnet das Login der federführenden Stelle {lead} eine "
        "gemeinsame Strategie; fragen Sie deren Ansprechperson, oder geben Sie Ihre eigene Stelle "
        "als {field} an",
    "the roles of optima on this server already serve the database {other}; its administrator "
    "grants optima_admin (optima access grant LOGIN --admin), or the server administrator runs "
    "optima db upgrade here (README: the shared database)":
        "die Rollen von optima auf diesem Server dienen schon der Datenbank {other}; deren "
        "Administration vergibt optima_admin (optima access grant LOGIN --admin), oder die "
        "Server-Administration führt optima db upgrade hier aus (README: die gemeinsame Datenbank)",
    "{login} stays a member of {group}: another role granted it; the server administrator takes it "
    "back (REVOKE ... GRANTED BY ...)":
        "{login} bleibt Mitglied von {group}: eine andere Rolle hat es vergeben; die "
        "Server-Administration nimmt es zurück (REVOKE ... GRANTED BY ...)",
    "the database's name {name} is longer than {limit} bytes, too long to name optima's roles after "
    "it; give the database a shorter name":
        "der Name der Datenbank {name} ist länger als {limit} Bytes, zu lang, um die Rollen von "
        "optima danach zu benennen; geben Sie der Datenbank einen kürzeren Namen",
    "{database} records every change in the name of the login role; {problem}":
        "{database} hält jede Änderung im Namen der Login-Rolle fest; {problem}",
    # --- issue 20: access commands (cli/access.py) ---
    "access roles are the shared PostgreSQL server's; {database} is a SQLite file, one person's, "
    "protected by the operating system (mode 600)":
        "Zugriffsrollen gibt es nur auf dem gemeinsamen PostgreSQL-Server; {database} ist eine "
        "SQLite-Datei einer einzelnen Person, geschützt durch das Betriebssystem (Modus 600)",
    "the server has no login role {login}; its administrator creates it with CREATE ROLE {login} "
    "LOGIN (README: the shared database)":
        "der Server kennt keine Login-Rolle {login}; seine Administratorin oder sein "
        "Administrator erstellt sie mit CREATE ROLE {login} LOGIN (README: die gemeinsame "
        "Datenbank)",
    "give exactly one of {unit}, {coordinator} or {admin}":
        "geben Sie genau eines von {unit}, {coordinator} oder {admin} an",
    "the coordinators": "der Koordination",
    "the administrators": "der Administration",
    "{login} is now a member of {group}": "{login} ist jetzt Mitglied von {group}",
    "{login} is a member of {group} already; nothing changed":
        "{login} ist schon Mitglied von {group}; nichts geändert",
    "{login} is no longer a member of {group}": "{login} ist nicht mehr Mitglied von {group}",
    "{login} was not a member of {group}; nothing changed":
        "{login} war nicht Mitglied von {group}; nichts geändert",
    "unit member": "Mitglied einer Stelle",
    "coordinator": "Koordination",
    "administrator": "Administration",
    "role": "Rolle",
    "no login has a role of optima; give one with `optima access grant`":
        "kein Login hat eine Rolle von optima; vergeben Sie eine mit `optima access grant`",
    "on and forced for every table with personal data ({n})":
        "eingeschaltet und erzwungen für jede Tabelle mit Personendaten ({n})",
    "not on and forced for: {tables}; run optima db upgrade":
        "nicht eingeschaltet und erzwungen für: {tables}; führen Sie optima db upgrade aus",
    "row-level security": "Zeilenschutz (row-level security)",
    # --- issue 21: the resident optima (cli/resident.py, cli/serve.py, cli/server.py) ---
    "OPTIMA_RESIDENT_IDLE takes minutes, a number above 0 (like 15 or 0.5), not {value}":
        "OPTIMA_RESIDENT_IDLE nimmt Minuten, eine Zahl über 0 (wie 15 oder 0.5), nicht {value}",
    "the resident optima (process {pid}) did not end within {seconds} s; end it with kill {pid}":
        "das residente optima (Prozess {pid}) hat sich nicht innert {seconds} s beendet; beenden "
        "Sie es mit kill {pid}",
    "no resident optima runs": "es läuft kein residentes optima",
    "stopped the resident optima (process {pid})": "residentes optima beendet (Prozess {pid})",
    "the socket {path} is not yours alone; optima runs without its resident process":
        "der Socket {path} gehört nicht Ihnen allein; optima läuft ohne seinen residenten Prozess",
    "the socket {path} is answered by another user's process; optima runs without its resident "
    "process":
        "am Socket {path} antwortet ein Prozess einer anderen Benutzerin oder eines anderen "
        "Benutzers; optima läuft ohne seinen residenten Prozess",
    "the resident optima process ended before the command did; run it again, or with "
    "OPTIMA_RESIDENT=0 to run it without the resident process":
        "der residente Prozess von optima endete vor dem Befehl; führen Sie ihn nochmals aus, "
        "oder mit OPTIMA_RESIDENT=0 ohne den residenten Prozess",
    "OPTIMA_RESIDENT=0: commands run without the resident optima":
        "OPTIMA_RESIDENT=0: Befehle laufen ohne das residente optima",
    "running": "läuft",
    "process": "Prozess",
    "socket": "Socket",
    "started": "gestartet",
    "ends after idle minutes": "endet nach Minuten ohne Befehl",
    "commands run": "ausgeführte Befehle",
    "workers ready": "bereite Arbeitsprozesse",
    "version": "Version",
    # --- issue 21: shell (cli/shell.py) ---
    "cannot read the line: {problem}; close the quote or escape it with \\":
        "die Zeile ist nicht lesbar: {problem}; schliessen Sie das Anführungszeichen oder "
        "schützen Sie es mit \\",
    "'.' stands for the client just registered in this shell; none was registered yet":
        "'.' steht für die Klientin oder den Klienten, die oder den Sie in dieser Shell eben "
        "erfasst haben; noch niemand wurde erfasst",
    "'.' stands for the case just referred in this shell; none was referred yet":
        "'.' steht für den Fall, den Sie in dieser Shell eben angemeldet haben; noch kein Fall "
        "wurde angemeldet",
    "give one date: set on 12.11.2026": "geben Sie ein Datum an: set on 12.11.2026",
    "{name!r} cannot be set; what can: {names}":
        "{name!r} lässt sich nicht setzen; möglich ist: {names}",
    "this is the shell already": "Sie sind schon in der Shell",
    "the line contains bytes that are not UTF-8 text; type it in UTF-8":
        "die Zeile enthält Bytes, die kein UTF-8-Text sind; tippen Sie sie in UTF-8",
    "optima shell: a command per line (help lists the built-ins; Ctrl-D leaves)":
        "optima-Shell: ein Befehl pro Zeile (hilfe zeigt die eingebauten Befehle; Ctrl-D beendet)",
    "Built-ins of the shell:": "Eingebaute Befehle der Shell:",
    "every following command that takes --on gets this day":
        "jeder folgende Befehl mit --on erhält diesen Tag",
    "show what is set": "zeigt, was gesetzt ist",
    "end it": "hebt es auf",
    "the client just registered, or the case just referred":
        "die eben erfasste Person oder der eben angemeldete Fall",
    "this list": "diese Liste",
    "leave the shell": "verlässt die Shell",
    "Every command of optima is typed without the word optima; --help lists them, COMMAND --help "
    "says what one does. TAB completes.":
        "Jeder Befehl von optima wird ohne das Wort optima getippt; --help listet sie auf, "
        "BEFEHL --help sagt, was einer tut. TAB ergänzt.",
    # the questions of register and refer on a terminal (cli/clients.py, cli/cases.py)
    "Consent of the client given on (20.11.2026; empty: not yet)":
        "Einwilligung der Klientin oder des Klienten am (20.11.2026; leer: noch keine)",
    "Goal of the handover (empty: none)": "Ziel der Übergabe (leer: keines)",
}
