"""notify: the daily digest by e-mail to the contact persons (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from optima_cli.cli.options import context, print_data, terminal
from optima_cli.language import plural, t
from optima_cli.render.formats import Format, to_json

if TYPE_CHECKING:
    from optima_cli.rules.notices import Digest

app = typer.Typer()  # this module's commands, built one at a time by the root (cli/root.py)


@app.command()
def notify(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the messages instead of sending them; nothing is recorded.")] = False,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table: the messages (dry run) or one line each; json or csv for scripts.")] = None,
) -> None:
    """Send each contact person one e-mail with what awaits their units.

    New referrals to decide, decisions overdue, mandates and job-search suspensions ending,
    handbacks to read and reviews of joint strategies due,
    by case id and date: no names, no health details (e-mail is not a safe channel). Each item is
    sent to an address once; a message the mail server did not take is sent by the next run. The
    mail server is set with `optima settings set mail-host HOST` (and mail-port, mail-starttls,
    mail-sender, mail-user, mail-password-file); the password comes from OPTIMA_SMTP_PASSWORD or
    that file, never from the command line. Run it daily from cron.

    Example: optima notify --dry-run

    Example (crontab): 0 7 * * 1-5 OPTIMA_DB=/srv/optima/optima.db optima --lang de notify
    """
    from optima_cli.workflow.notify import notify as do_notify

    def said(digest: Digest, delivered: bool) -> None:
        if delivered:
            terminal.message(plural(len(digest.items), "sent to {to}: 1 item",
                                    "sent to {to}: {n} items", to=digest.to, n=len(digest.items)))

    result = do_notify(context(ctx), dry_run, None if fmt else said)
    for unit in result["unreachable_units"]:
        terminal.warning(t("{unit} has items but no contact e-mail; set one with `optima "
                           "institution set-contact {unit} --email ADDRESS`", unit=unit))
    messages = result["messages"]
    if fmt == Format.JSON:
        print_data(to_json(result))
    elif fmt == Format.CSV:
        from optima_cli.render.formats import to_csv

        print_data(to_csv([{k: v for k, v in m.items() if k != "text"} for m in messages]), nl=False)
    elif dry_run:
        for m in messages:
            print_data(f"To: {m['to']}\nSubject: {m['subject']}\n\n{m['text']}")
    if not messages:
        terminal.message(t("nothing new to send"))
    elif dry_run and fmt is None:
        terminal.message(t("dry run: {n} messages, nothing sent", n=len(messages)))
    failed = [m for m in messages if m["delivered"] is False]
    for m in failed:
        terminal.message(t("not sent to {to}: {problem}; the next run tries again", to=m["to"],
                           problem=m["problem"]))
    if failed:  # (a server that cannot be reached is a refusal the root says: exit 1)
        raise typer.Exit(1)
