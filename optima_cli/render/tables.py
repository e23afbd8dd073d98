"""The table views of each result, for people at a terminal."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rich.console import Group
from rich.text import Text

from optima_cli.language import current, day, label, labels, moment, plural, t
from optima_cli.records.models import CASE_FIELDS, CASE_KEYS, CLIENT_FIELDS
from optima_cli.render.due import describe_days
from optima_cli.render.terminal import key_values, out, table
from optima_cli.rules.codes import Result

FLAG_STYLE = {"overdue": "red bold", "due-soon": "yellow"}
RESULT_STYLE = {Result.PASS.value: "green", Result.WARN.value: "yellow", Result.BLOCK.value: "red bold"}


def _deadline_kind(kind: str | None) -> str:
    if kind == "decision":
        return t("decision")
    if kind == "mandate-end":
        return t("mandate end")
    return ""


# the fields of a case that hold one code, by the name of their code table
CODE_FIELDS = {"status": "Status", "outcome": "Outcome", "cause": "Cause", "flag": "DueKind",
               "situation": "Situation", "measure_kind": "MeasureKind"}  # issue 19


def field_value(key: str, value: Any, status: str | None = None) -> Any:
    """A value of a case's field for people: codes as their labels (the codes themselves in
    English), topics as a list of labels; anything else as it is. A reason is read with the code
    table of the case's `status` (withdrawal or rejection)."""
    if value in (None, "", []):
        return value
    if key == "topics":
        return labels("Topic", value)
    if key == "reason":
        return label("WithdrawReason" if status == "withdrawn" else "RejectReason", value)
    if key in CODE_FIELDS:
        return label(CODE_FIELDS[key], value)
    return value


def _code(group: str, value: Any) -> Any:
    return label(group, value) if value not in (None, "") else value


def cases(records: list[dict[str, Any]]) -> None:
    if not records:
        out().print(Text(t("no cases match")))
        return
    rows, styles = [], []
    for r in records:
        deadline = r.get("deadline")
        when = f"{day(deadline)} ({describe_days(r['days_left'])})" if deadline else ""
        what = _deadline_kind(r.get("deadline_kind"))
        rows.append([r["case"], r["client"], _code("Status", r["status"]),
                     f"{r['referrer']} → {r['receiver']}", labels("Topic", r["topics"]),
                     r["months"], r["referred_on"], f"{what} {when}".strip()])
        styles.append(FLAG_STYLE.get(r.get("flag") or "", ""))
    out().print(table([t("case"), t("client"), t("status"), t("from → to"), t("topics"),
                       t("months"), t("referred"), t("deadline")], rows, styles))


def findings(items: list[dict[str, str]]) -> Any:
    rows, styles = [], []
    for f in items:
        rows.append([_code("Result", f["result"]), rule(f["rule"]), _code("RuleKind", f["kind"]),
                     f["message"]])  # in the reader's language already (catalogue/en.py)
        styles.append(RESULT_STYLE.get(f["result"], ""))
    return table([t("result"), t("rule"), t("kind"), t("why")], rows, styles)


def check(result: dict[str, Any]) -> None:
    verdict = (t("allowed") if result["allowed"] else
               t("blocked: needs a justification (--override)") if result["needs_override"] else
               t("not allowed"))
    head = Text(t("{client}: {referrer} → {receiver} on {on}: ", client=result["client"],
                  referrer=result["referrer"], receiver=result["receiver"], on=result["on"]))
    head.append(verdict, style="green bold" if result["allowed"] else "red bold")
    out().print(Group(head, findings(result["findings"])))


def case_detail(r: dict[str, Any]) -> None:
    names = case_fields()
    pairs: list[tuple[str, Any]] = []
    for key in CASE_KEYS:
        if key == "client":
            pairs.append((names[key], f"{r['client']} {r.get('client_name', '')}".strip()))
        elif key == "settings_version":
            pairs.append((names[key], _settings_version(r)))
        elif key not in ("search_suspended_from", "search_suspended_until"):
            pairs.append((names[key], _amended(field_value(key, r[key], r["status"]),
                                               key in r.get("amended", ()))))
        if key == "extended_on":  # the suspension beside the mandate
            pairs.append((t("job search suspended"), _suspension(r)))
    contact = r.get("receiver_contact") or {}
    if any(contact.values()):
        pairs.append((t("receiver contact"), " · ".join(v for v in contact.values() if v)))
    if r.get("flag"):
        pairs.append((t("deadline"), f"{day(r['deadline'])} ({label('DueKind', r['flag'])})"))
    parts: list[Any] = [key_values([(k, v) for k, v in pairs if v not in (None, "", [])])]
    if r.get("findings"):
        parts += [Text("\n" + t("access criteria at referral"), style="bold"),
                  findings(r["findings"])]
    if r.get("journal"):  # the case journal (issue 18)
        parts += [Text("\n" + t("case journal"), style="bold"), journal(r["journal"])]
    if r.get("follow_ups"):  # the follow-ups after the closing (issue 19)
        parts += [Text("\n" + t("follow-ups after the closing"), style="bold"),
                  follow_ups(r["follow_ups"])]
    if r.get("measures"):  # measures and their cost (issue 19)
        from optima_cli.render.measures import rows as measure_rows

        parts += [Text("\n" + t("measures"), style="bold"), measure_rows(r["measures"])]
    history_rows = [[moment(e["at"]), e["on"], action(e["action"]), e["user"],
                     _with_why(_changes(e["changes"]), e.get("why"))]
                    for e in r.get("history", [])]
    parts += [Text("\n" + t("history"), style="bold"),
              table([t("recorded"), t("on"), t("action"), t("by"), t("changes")], history_rows)]
    out().print(Group(*parts))


def follow_ups(items: list[dict[str, Any]]) -> Any:
    """A case's follow-ups: months after the closing, due day, and what was recorded."""
    rows = [[f["months"], f["due_on"],
             label("Situation", f["situation"]) if f["recorded"] else t("not recorded"),
             f["since"], f["contact_on"], f["note"]] for f in items]
    return table([t("months"), t("due on"), t("situation"), t("since"), t("contact on"),
                  t("note")], rows)


def journal(entries: list[dict[str, Any]]) -> Any:
    """A case's journal entries; a struck one says who struck it, when and why."""
    rows, styles = [], []
    for e in entries:
        said = e["text"] if e["text"] is not None else t("(erased by anonymize)")
        if e.get("struck_at"):
            said = t("{text} (struck by {by} on {at}: {why})", text=said, by=e["struck_by"],
                     at=moment(e["struck_at"]), why=e["struck_why"] or t("(erased by anonymize)"))
        rows.append([e["entry"], e["on"], e["by"], said])
        styles.append("dim strike" if e.get("struck_at") else "")
    return table([t("entry"), t("date"), t("written by"), t("entry text")], rows, styles)


def _amended(value: Any, amended: bool) -> Any:
    """A value of a case, marked when a correction (`optima amend`) changed it."""
    if not amended or value in (None, "", []):
        return value
    return f"{day(value) if isinstance(value, date) else value} {t('(amended)')}"


def _with_why(changes: str, why: str | None) -> str:
    """The changes of an event, and the justification of a correction."""
    if not why:
        return changes
    return f"{changes}; {t('justification')}: {why}" if changes else f"{t('justification')}: {why}"


def _settings_version(r: dict[str, Any]) -> str:
    """The version of the settings a case was judged under, and the one in force if it differs."""
    judged, now = r["settings_version"], r.get("settings_version_now", r["settings_version"])
    if judged == now:
        return str(judged)
    return t("{version} (the settings in force are version {now})", version=judged, now=now)


def _suspension(r: dict[str, Any]) -> str | None:
    """The suspension running today, and those planned to start later (`show`'s suspensions)."""
    said = [t("{start} to {end}", start=r["search_suspended_from"], end=r["search_suspended_until"])
            ] if r.get("search_suspended_until") else []
    said += [t("{start} to {end}, planned", start=s["from"], end=s["until"])
             for s in r.get("suspensions", ()) if s.get("planned")]
    return "; ".join(said) or None


def _changes(changes: dict[str, Any]) -> str:
    if current() == "en":
        return "; ".join(f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
                         for k, v in changes.items())
    names = case_fields()
    return "; ".join(f"{names.get(k, k)}: {_changed_value(k, v, changes)}"
                     for k, v in changes.items())


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _changed_value(key: str, value: Any, changes: dict[str, Any]) -> str:
    """A value of an audit event as people read it (the stored payload keeps codes and ISO
    dates)."""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, str) and _ISO_DAY.match(value):
        return day(date.fromisoformat(value))
    if key == "undone":  # the action an undo or a reopen took back (issue 17)
        return label("Action", value)
    if key in ("topics", "reason", *CODE_FIELDS) and value:
        return str(field_value(key, value, changes.get("status")))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


_CASE_LABELS = {f.key: f.label for f in CASE_FIELDS if f.in_record}
_CLIENT_LABELS = {f.key: f.label for f in CLIENT_FIELDS if f.in_record}


def case_fields() -> dict[str, str]:
    """The fields of a case (keys of the JSON record, and of the workbook's other columns) as
    people read them."""
    return {
        **{key: t(_CASE_LABELS[key]) for key in _CASE_LABELS},
        "search_resumed_on": t("job search resumed on"), "undone": t("action taken back"),
        "client_name": t("name"), "client_ahv": t("AHV number"),
        "client_birth_date": t("birth date"), "days": t("days"), "deadline": t("deadline"),
        "days_left": t("days left"), "flag": t("warning"),
        # the values of a journal entry's events in the history (issue 18)
        "entry": t("journal entry"), "on": t("date"), "struck": t("struck"),
        # the values of a follow-up's events in the history (issue 19)
        "follow_up": t("follow-up"), "follow_up_months": t("months after the closing"),
        "follow_up_due_on": t("due on"), "situation": t("situation"),
        "situation_since": t("since"), "contact_on": t("contact on"), "follow_up_note": t("note"),
        # the values of a measure's events in the history (issue 19)
        "measure": t("measure"), "measure_kind": t("kind"), "cost": t("CHF"),
        "payer": t("payer"), "requested_on": t("requested on"), "approved_on": t("approved"),
        "declined_on": t("declined"), "measure_note": t("note"),
    }


def action(code: str) -> str:
    """An action of the audit trail: its code in English (as stored), a name in German."""
    return label("Action", code)


def rule(code: str) -> str:
    """An access rule: its code in English (as in the rules and `check --format json`), a
    short name in German."""
    return label("Rule", code)


def due(warnings: list[dict[str, Any]]) -> None:
    if not warnings:
        out().print(Text(t("nothing due")))
        return
    rows, styles = [], []
    for w in warnings:
        rows.append([w["date"], w["case"], _code("DueKind", w["warning"]), w["message"]])
        styles.append("red bold" if w["days"] < 0 or w["warning"] == "suspension-outlasts"
                      else "yellow")
    out().print(table([t("date"), t("case"), t("warning"), t("what")], rows, styles))


def client_fields() -> dict[str, str]:
    """The fields of a client as people read them (the keys stay the JSON contract)."""
    return {key: t(_CLIENT_LABELS[key]) for key in _CLIENT_LABELS}


def client_field(key: str) -> str:
    """A field named in a sentence: its key in English (as in `changed consent_on`), its German
    name in German."""
    if current() == "en":
        return key
    return client_fields().get(key, key)


def _client_value(key: str, value: Any) -> Any:
    """A client's value as people read it: work capacity as its label, or not assessed."""
    if key == "work_capacity":
        return _code("WorkCapacity", value) if value else t("not assessed")
    return value


def client(r: dict[str, Any]) -> None:
    names = client_fields()
    pairs = [(names.get(k) or k.replace("_", " "), _client_value(k, v)) for k, v in r.items()
             if k not in ("referrals", "changed")]
    parts: list[Any] = [key_values(pairs)]
    if r.get("referrals"):
        parts += [Text("\n" + t("referrals"), style="bold"), table(
            [t("case"), t("status"), t("receiver"), t("referred")],
            [[x["case"], _code("Status", x["status"]), x["receiver"], x["referred_on"]]
             for x in r["referrals"]])]
    out().print(Group(*parts))


def institutions(items: list[dict[str, Any]]) -> None:
    out().print(table([t("code"), t("kind"), t("name"), t("contact"), t("e-mail"), t("phone"),
                       t("login")],
                      [[i["code"], _code("Kind", i["kind"]), i["name"], i["contact_name"],
                        i["contact_email"], i["contact_phone"], i["contact_user"]] for i in items]))


def counsellors(items: list[dict[str, Any]]) -> None:
    """The counsellors of units and where `optima notify` mails them (issue 18)."""
    out().print(table([t("unit"), t("counsellor"), t("e-mail")],
                      [[i["unit"], i["name"], i["email"] or ""] for i in items]))


def examples(items: list[dict[str, Any]]) -> None:
    if not items:
        out().print(Text(t("no closed case with its goal achieved or partly achieved matches")))
        return
    out().print(table(
        [t("from → to"), t("topics"), t("goal"), t("months"), t("days to decision"),
         t("days to close"), t("outcome"), t("employed")],
        [[f"{e['referrer']} → {e['receiver']}", labels("Topic", e["topics"]), e["goal"],
          e["months"], e["days_to_decision"], e["days_to_close"], _code("Outcome", e["outcome"]),
          e["employed"]] for e in items],
        styles=["green" if e["outcome"] == "achieved" else "" for e in items]))


def _check_name(name: str) -> str:
    names = {"integrity": t("integrity"), "schema": t("schema"), "permissions": t("permissions"),
             "journal": t("journal"), "dates": t("dates"), "audit trail": t("audit trail"),
             "date order": t("date order"), "tables": t("tables"),
             "duplicate clients": t("duplicate clients"),
             "compaction": t("compaction"), "temporary files": t("temporary files"),
             "row-level security": t("row-level security")}
    return names.get(name, name)


def doctor(r: dict[str, Any]) -> None:
    title = (t("{database}: all well", database=r["database"]) if r["ok"] else
             t("{database}: problems found", database=r["database"]))
    out().print(table([t("check"), t("result"), t("detail")],
                      [[_check_name(c["check"]), t("ok") if c["ok"] else t("FAIL"),
                        c["detail"]] for c in r["checks"]],
                      ["" if c["ok"] else "red bold" for c in r["checks"]],
                      title=title))


def audit_events(items: list[dict[str, Any]]) -> None:
    """The events; a correction with the fields it changed (`optima amend`) and why (amend, undo,
    reopen)."""
    names = case_fields()
    out().print(table(["#", t("recorded"), t("user"), t("action"), t("of"), t("on"), t("source"),
                       t("corrected")],
                      [[e["id"], moment(e["at"], seconds=True), e["user"],
                        action(e["action"]), e["ref"], e["on"], e["source"],
                        _with_why(", ".join(names.get(k, k) for k in e.get("fields") or ()),
                                  e.get("why"))] for e in items]))


def anonymized(r: dict[str, Any]) -> None:
    clients = t("clients would be anonymized") if r["dry_run"] else t("clients anonymized")
    out().print(key_values([
        (clients, r["clients"]), (t("ended before"), r["closed_before"]),
        (t("ids"), ", ".join(r["ids"][:20]) + (" ..." if len(r["ids"]) > 20 else "")),
        (t("audit events erased"), r["events_erased"]),
    ]))


def import_result(r: dict[str, Any]) -> None:
    if r["errors"]:
        n = len(r["errors"])
        title = plural(n, "{file}: 1 problem, nothing imported",
                       "{file}: {n} problems, nothing imported", file=r["file"], n=n)
        out().print(table([t("row"), t("column"), t("problem")],
                          [[e["row"], e["column"], e["message"]] for e in r["errors"]],
                          title=title))
        return
    if r["difference_rows"]:
        n = r["differences"]
        if not r["amend"]:
            title = plural(n, "{file}: 1 row differs from its case, nothing imported",
                           "{file}: {n} rows differ from their cases, nothing imported",
                           file=r["file"], n=n)
        else:
            title = plural(n, "{file}: 1 case corrected", "{file}: {n} cases corrected",
                           file=r["file"], n=n)
            if r["dry_run"]:
                title = plural(n, "{file}: 1 case would be corrected",
                               "{file}: {n} cases would be corrected", file=r["file"], n=n)
        out().print(table([t("row"), t("case"), t("column"), t("stored"), t("in the file")],
                          [[d["row"], d["case"], d["column"], d["stored"], d["file"]]
                           for d in r["difference_rows"]], title=title))
        if not r["amend"]:
            return
    verb = t("would import") if r["dry_run"] else t("imported")
    corrected = t("would correct") if r["dry_run"] else t("corrected")
    out().print(key_values([
        (t("file"), r["file"]), (t("rows"), r["rows"]), (verb, r["imported"]),
        *([(corrected, r["amended"])] if r["amend"] else []),
        (t("already there"), r["skipped"]), (t("clients new"), r["clients_created"]),
        (t("clients matched"), r["clients_matched"]),
        (t("cases"), ", ".join(r["cases"][:10]) + (" ..." if len(r["cases"]) > 10 else "")),
    ]))


def _state(state: str) -> str:
    names = {"current": t("current"), "behind": t("behind"), "newer": t("newer"),
             "empty": t("empty")}
    return names.get(state, state)


def db_status(r: dict[str, Any]) -> None:
    pending = ", ".join(r["pending"]) or t("none")
    out().print(key_values([(t("database"), r["database"]), (t("kind"), r["dialect"]),
                            (t("schema"), r["revision"] or t("(empty)")),
                            (t("this optima"), r["head"]),
                            (t("state"), _state(r["state"])), (t("pending migrations"), pending)]))


def db_upgrade(r: dict[str, Any]) -> None:
    out().print(key_values([(t("database"), r["database"]), (t("from"), r["from"] or t("(empty)")),
                            (t("to"), r["to"]),
                            (t("applied"), ", ".join(r["applied"]) or t("none"))]))


def server_status(r: dict[str, Any]) -> None:
    """The resident optima (cli/server.py): whether it runs, and what it did."""
    out().print(key_values([(t("running"), t("yes") if r["running"] else t("no")),
                            (t("process"), r["pid"] or ""), (t("socket"), r["socket"] or ""),
                            (t("started"), r["started"] or ""),
                            (t("ends after idle minutes"), f"{r['idle_minutes']:g}"),
                            (t("commands run"), r["commands"]), (t("workers ready"), r["ready"]),
                            (t("version"), r["version"] or "")]))


def db_copy(r: dict[str, Any]) -> None:
    out().print(key_values([(t("from"), r["from"]), (t("to"), r["to"]),
                            *((t("rows of {table}", table=name), n)
                              for name, n in r["rows"].items())]))


def setting_label(key: str) -> str:
    """What a setting of the steering group (rules/settings.py) is, in the reader's language."""
    from optima_cli.rules.settings import RULE_KEY

    if key.startswith(RULE_KEY):
        return t("how strictly the rule binds: {rule}", rule=label("Rule", key.removeprefix(RULE_KEY)))
    names = {"iv-rejection-months": t("months an IV rejection blocks a referral to IV"),
             "rav-recent-months": t("months back a RAV registration counts as recent (from SD to RAV)"),
             "decision-days": t("days a referral may wait for a decision"),
             "due-days": t("days ahead that due and list look by default"),
             "publish-threshold": t("report --publish hides every count below this"),
             # the mail server of `optima notify` (rules/notices.py)
             "mail-host": t("mail server that optima notify sends through"),
             "mail-port": t("port of the mail server"),
             "mail-starttls": t("encrypt the connection with STARTTLS"),
             "mail-sender": t("sender address of the messages"),
             "mail-user": t("login at the mail server"),
             "mail-password-file": t("file that holds the mail password (yours alone)")}
    return names.get(key, key)


def _setting_value(key: str, value: Any) -> Any:
    from optima_cli.rules.settings import RULE_KEY

    return label("RuleKind", value) if key.startswith(RULE_KEY) else value


def settings(r: dict[str, Any]) -> None:
    out().print(table(
        [t("setting"), t("what it is"), t("value"), t("default"), t("changed on"), t("by")],
        [[s["key"], s["label"], _setting_value(s["key"], s["value"]),
          _setting_value(s["key"], s["default"]), day(s["changed_on"]) if s["changed_on"] else "",
          s["changed_by"] or ""] for s in r["settings"]],
        styles=["bold" if s["value"] != s["default"] else "" for s in r["settings"]]))
    out().print(Text(t("settings version {version}", version=r["version"])))
    if r.get("mail"):  # the mail server of `optima notify`: not a setting of the steering group
        out().print(Text(""))
        out().print(table([t("setting"), t("what it is"), t("value")],
                          [[key, setting_label(key), value or ""] for key, value in r["mail"].items()],
                          title=t("mail server (optima notify)")))


def setting_set(r: dict[str, Any]) -> None:
    out().print(key_values([(t("setting"), r["key"]), (t("what it is"), r["label"]),
                            (t("before"), _setting_value(r["key"], r["before"])),
                            (t("value"), _setting_value(r["key"], r["value"])),
                            *([] if r.get("mail") else [(t("settings version"), r["version"])])]))


def inbox(data: dict[str, Any]) -> None:
    """What waits for the units (issue 18): three tables, or a line saying that nothing does."""
    parts: list[Any] = [Text(t("inbox of {units} on {day}", units=", ".join(data["units"]),
                               day=day(data["as_of"])), style="bold")]
    if data["to_decide"]:
        parts += [Text(""), table(
            [t("case"), t("referrer"), t("receiver"), t("referred"), t("days waiting"), t("decide by")],
            [[i["case"], i["referrer"], i["receiver"], i["referred_on"], i["days_waiting"],
              f"{day(i['decision_due'])} ({describe_days(i['days_left'])})"]
             for i in data["to_decide"]],
            ["red bold" if i["late"] else "" for i in data["to_decide"]],
            title=t("referrals to decide"))]
    if data["to_assign"]:
        parts += [Text(""), table(
            [t("case"), t("status"), t("referrer"), t("receiver"), t("referred")],
            [[i["case"], _code("Status", i["status"]), i["referrer"], i["receiver"],
              i["referred_on"]] for i in data["to_assign"]],
            title=t("cases to assign (no receiving counsellor)"))]
    if data["handbacks"]:
        parts += [Text(""), table(
            [t("case"), t("referrer"), t("receiver"), t("closed"), t("outcome")],
            [[i["case"], i["referrer"], i["receiver"], i["closed_on"], _code("Outcome", i["outcome"])]
             for i in data["handbacks"]],
            title=t("handbacks to read (optima inbox --read CASE)"))]
    if data.get("follow_ups"):  # issue 19
        parts += [Text(""), table(
            [t("case"), t("receiver"), t("closed"), t("months"), t("due on")],
            [[i["case"], i["receiver"], i["closed_on"], i["months"], i["due_on"]]
             for i in data["follow_ups"]],
            title=t("follow-ups to record (optima follow-up CASE --at MONTHS)"))]
    if not (data["to_decide"] or data["to_assign"] or data["handbacks"]
            or data.get("follow_ups")):
        parts += [Text(t("nothing waits"))]
    out().print(Group(*parts))


def handback(r: dict[str, Any]) -> None:
    """A handback as its referrer reads it."""
    out().print(key_values([
        (t("case"), r["case"]), (t("receiver"), r["receiver"]), (t("referrer"), r["referrer"]),
        (t("closed"), r["closed_on"]), (t("outcome"), _code("Outcome", r["outcome"])),
        (t("receiving counsellor"), r["receiving_counsellor"]), (t("handback"), r["handback"])]))
