"""The table views of each result, for people at a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from optima_cli.render.terminal import key_values, out, table
from optima_cli.rules.codes import Result
from optima_cli.rules.deadlines import describe

FLAG_STYLE = {"overdue": "red bold", "due-soon": "yellow"}
RESULT_STYLE = {Result.PASS.value: "green", Result.WARN.value: "yellow", Result.BLOCK.value: "red bold"}


def cases(records: list[dict[str, Any]], as_of: Any) -> None:
    if not records:
        out().print(Text("no cases match"))
        return
    rows, styles = [], []
    for r in records:
        deadline = r.get("deadline")
        when = f"{deadline} ({describe(deadline, as_of)})" if deadline else ""
        what = {"decision": "decision", "mandate-end": "mandate end"}.get(r.get("deadline_kind") or "", "")
        rows.append([r["case"], r["client"], r["status"], f"{r['referrer']} → {r['receiver']}",
                     r["topics"], r["months"], r["referred_on"], f"{what} {when}".strip()])
        styles.append(FLAG_STYLE.get(r.get("flag") or "", ""))
    out().print(table(["case", "client", "status", "from → to", "topics", "months", "referred",
                       "deadline"], rows, styles))


def findings(items: list[dict[str, str]]) -> Any:
    rows, styles = [], []
    for f in items:
        rows.append([f["result"], f["rule"], f["kind"], f["message"]])
        styles.append(RESULT_STYLE.get(f["result"], ""))
    return table(["result", "rule", "kind", "why"], rows, styles)


def check(result: dict[str, Any]) -> None:
    verdict = ("allowed" if result["allowed"] else
               "blocked: needs a justification (--override)" if result["needs_override"] else
               "not allowed")
    head = Text(f"{result['client']}: {result['referrer']} → {result['receiver']} on {result['on']}: ")
    head.append(verdict, style="green bold" if result["allowed"] else "red bold")
    out().print(Group(head, findings(result["findings"])))


def case_detail(r: dict[str, Any]) -> None:
    pairs = [
        ("case", r["case"]), ("status", r["status"]),
        ("client", f"{r['client']} {r.get('client_name', '')}".strip()),
        ("referrer", r["referrer"]), ("receiver", r["receiver"]),
        ("topics", r["topics"]), ("goal", r["goal"]), ("months", r["months"]),
        ("referred on", r["referred_on"]), ("referring counsellor", r["referring_counsellor"]),
        ("decided on", r["decided_on"]), ("receiving counsellor", r["receiving_counsellor"]),
        ("mandate ends", r["due_on"]), ("extended on", r["extended_on"]),
        ("job search suspended", _suspension(r)),
        ("withdrawn on", r["withdrawn_on"]), ("closed on", r["closed_on"]),
        ("reason", r["reason"]), ("reason note", r["reason_note"]),
        ("outcome", r["outcome"]), ("cause", r["cause"]), ("employed", r["employed"]),
        ("closing note", r["close_note"]), ("override", r["override"]),
    ]
    contact = r.get("receiver_contact") or {}
    if any(contact.values()):
        pairs.append(("receiver contact", " · ".join(v for v in contact.values() if v)))
    if r.get("flag"):
        pairs.append(("deadline", f"{r['deadline']} ({r['flag']})"))
    parts: list[Any] = [key_values([(k, v) for k, v in pairs if v not in (None, "", [])])]
    if r.get("findings"):
        parts += [Text("\naccess criteria at referral", style="bold"), findings(r["findings"])]
    history_rows = [[e["at"].astimezone().strftime("%Y-%m-%d %H:%M"), e["on"], e["action"],
                     e["user"], _changes(e["changes"])]
                    for e in r.get("history", [])]
    parts += [Text("\nhistory", style="bold"),
              table(["recorded", "on", "action", "by", "changes"], history_rows)]
    out().print(Group(*parts))


def _suspension(r: dict[str, Any]) -> str | None:
    if not r.get("search_suspended_until"):
        return None
    return f"{r['search_suspended_from']} to {r['search_suspended_until']}"


def _changes(changes: dict[str, Any]) -> str:
    return "; ".join(f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in changes.items())


def due(warnings: list[dict[str, Any]]) -> None:
    if not warnings:
        out().print(Text("nothing due"))
        return
    rows, styles = [], []
    for w in warnings:
        rows.append([w["date"], w["case"], w["warning"], w["message"]])
        styles.append("red bold" if w["days"] < 0 or w["warning"] == "suspension-outlasts"
                      else "yellow")
    out().print(table(["date", "case", "warning", "what"], rows, styles))


def client(r: dict[str, Any]) -> None:
    pairs = [(k.replace("_", " "), v) for k, v in r.items() if k not in ("referrals", "changed")]
    parts: list[Any] = [key_values(pairs)]
    if r.get("referrals"):
        parts += [Text("\nreferrals", style="bold"), table(
            ["case", "status", "receiver", "referred"],
            [[x["case"], x["status"], x["receiver"], x["referred_on"]] for x in r["referrals"]])]
    out().print(Group(*parts))


def institutions(items: list[dict[str, Any]]) -> None:
    out().print(table(["code", "kind", "name", "contact", "e-mail", "phone"],
                      [[i["code"], i["kind"], i["name"], i["contact_name"], i["contact_email"],
                        i["contact_phone"]] for i in items]))


def examples(items: list[dict[str, Any]]) -> None:
    if not items:
        out().print(Text("no closed case with its goal achieved or partly achieved matches"))
        return
    out().print(table(
        ["from → to", "topics", "goal", "months", "days to decision", "days to close", "outcome",
         "employed"],
        [[f"{e['referrer']} → {e['receiver']}", e["topics"], e["goal"], e["months"],
          e["days_to_decision"], e["days_to_close"], e["outcome"], e["employed"]] for e in items],
        styles=["green" if e["outcome"] == "achieved" else "" for e in items]))


def doctor(r: dict[str, Any]) -> None:
    out().print(table(["check", "result", "detail"],
                      [[c["check"], "ok" if c["ok"] else "FAIL", c["detail"]] for c in r["checks"]],
                      ["" if c["ok"] else "red bold" for c in r["checks"]],
                      title=f"{r['database']}: {'all well' if r['ok'] else 'problems found'}"))


def audit_events(items: list[dict[str, Any]]) -> None:
    out().print(table(["#", "recorded", "user", "action", "of", "on", "source"],
                      [[e["id"], e["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"), e["user"],
                        e["action"], e["ref"], e["on"], e["source"]] for e in items]))


def anonymized(r: dict[str, Any]) -> None:
    verb = "would be anonymized" if r["dry_run"] else "anonymized"
    out().print(key_values([
        (f"clients {verb}", r["clients"]), ("ended before", r["closed_before"]),
        ("ids", ", ".join(r["ids"][:20]) + (" ..." if len(r["ids"]) > 20 else "")),
        ("audit events erased", r["events_erased"]),
    ]))


def import_result(r: dict[str, Any]) -> None:
    if r["errors"]:
        out().print(table(["row", "column", "problem"],
                          [[e["row"], e["column"], e["message"]] for e in r["errors"]],
                          title=f"{r['file']}: {len(r['errors'])} problems, nothing imported"))
        return
    verb = "would import" if r["dry_run"] else "imported"
    out().print(key_values([
        ("file", r["file"]), ("rows", r["rows"]), (verb, r["imported"]),
        ("already there", r["skipped"]), ("clients new", r["clients_created"]),
        ("clients matched", r["clients_matched"]),
        ("cases", ", ".join(r["cases"][:10]) + (" ..." if len(r["cases"]) > 10 else "")),
    ]))



def db_status(r: dict[str, Any]) -> None:
    pending = ", ".join(r["pending"]) or "none"
    out().print(key_values([("database", r["database"]), ("kind", r["dialect"]),
                            ("schema", r["revision"] or "(empty)"), ("this optima", r["head"]),
                            ("state", r["state"]), ("pending migrations", pending)]))


def db_upgrade(r: dict[str, Any]) -> None:
    out().print(key_values([("database", r["database"]), ("from", r["from"] or "(empty)"),
                            ("to", r["to"]), ("applied", ", ".join(r["applied"]) or "none")]))


def db_copy(r: dict[str, Any]) -> None:
    out().print(key_values([("from", r["from"]), ("to", r["to"]),
                            *((f"rows of {name}", n) for name, n in r["rows"].items())]))
