"""`optima notify` (issue 18): one e-mail per contact person with what awaits their units, through a
real SMTP server that the tests start on localhost (aiosmtpd). The messages arrive and hold no
name; a second run sends nothing new; a server that cannot be reached is one line and exit 1, and
the next run sends what is pending."""

from __future__ import annotations

import json
import socket
from datetime import date
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import days_ago

from optima_cli.rules.notices import Item, MailSettings, digests, mail_settings, parse_mail

NAME, BIRTH, AHV = "Muster Hans", "12.03.1980", "756.1234.5678.97"


def ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP server's handler that keeps what it was given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


class Server:
    """A real SMTP server on localhost, started and stopped at will on one port."""

    def __init__(self) -> None:
        self.port, self.box, self.controller = free_port(), Mailbox(), None

    def start(self) -> None:
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world(run, smtp) -> dict[str, str]:
    """SD-EMMEN refers one client to IV (to decide) and another case of IV ends soon; the contact
    persons of IV and of SD-EMMEN have e-mail addresses; the mail server is the test's."""
    ok(run("institution", "add", "SD-EMMEN", "--kind", "SD", "--name", "Sozialdienst Emmen"))
    ok(run("institution", "set-contact", "IV", "--contact", "M. Meier", "--email", "iv@example.ch"))
    ok(run("institution", "set-contact", "SD-EMMEN", "--email", "sd@example.ch"))
    client = ok(run("register", "--name", NAME, "--birth-date", BIRTH, "--ahv", AHV,
                    "--from", "SD-EMMEN", "--consent-on", days_ago(120)))
    ok(run("client", "update", client, "--work-capacity", "yes"))
    new = ok(run("refer", client, "--to", "IV", "--topics", "health", "--months", "3",
                 "--on", days_ago(2), "--workable", "yes"))
    other = ok(run("register", "--name", "Beispiel Eva", "--birth-date", "01.02.1975",
                   "--from", "RAV", "--consent-on", days_ago(200)))
    ok(run("client", "update", other, "--work-capacity", "yes"))
    ending = ok(run("refer", other, "--to", "IV", "--topics", "health", "--months", "3",
                    "--on", days_ago(95), "--workable", "yes"))
    ok(run("accept", ending, "--on", days_ago(85)))
    for key, value in (("mail-host", "127.0.0.1"), ("mail-port", str(smtp.port)),
                       ("mail-starttls", "no"), ("mail-sender", "optima@lu.example.ch")):
        ok(run("settings", "set", key, value))
    return {"new": new, "ending": ending}


def bodies(server: Server) -> dict[str, str]:
    return {to[0]: str(m.get_payload(decode=True), "utf-8") for to, m in server.box.messages}


def test_each_contact_person_gets_one_message_without_names_and_only_once(run, world, smtp):
    ok(run("notify"))
    got = bodies(smtp)
    assert set(got) == {"iv@example.ch"}  # SD-EMMEN awaits nothing yet
    assert world["new"] in got["iv@example.ch"] and world["ending"] in got["iv@example.ch"]
    for _, message in smtp.box.messages:
        text = message.as_string()
        for personal in (NAME, "Muster", "Beispiel", "1980", AHV, "health"):
            assert personal not in text, personal
        assert message["From"] == "optima@lu.example.ch"
    result = run("notify")
    assert result.exit_code == 0 and "nothing new to send" in result.stderr
    assert len(smtp.box.messages) == 1
    trail = json.loads(ok(run("audit", "list", "--format", "json")))
    assert [e["ref"] for e in trail if e["action"] == "notify"] == ["IV"]
    assert json.loads(ok(run("audit", "verify", "--format", "json")))["ok"]


def test_a_new_item_goes_in_the_next_message_alone(run, world, smtp):
    ok(run("notify"))
    ok(run("reject", world["new"], "--reason", "too-severe"))  # nothing new for IV now
    client = json.loads(ok(run("show", world["ending"], "--format", "json")))["client"]
    again = ok(run("refer", client, "--to", "SD-EMMEN", "--topics", "finances", "--months", "3",
                   "--workable", "yes"))
    ok(run("notify"))
    got = bodies(smtp)
    assert set(got) == {"iv@example.ch", "sd@example.ch"}
    assert again in got["sd@example.ch"] and world["ending"] not in got["sd@example.ch"]
    assert len(smtp.box.messages) == 2


def test_handbacks_and_joint_reviews_go_to_the_units_they_await(run, world, smtp):
    ok(run("notify"))
    ok(run("accept", world["new"], "--on", days_ago(1)))
    ok(run("close", world["new"], "--outcome", "achieved", "--handback", "job found"))
    client = json.loads(ok(run("show", world["ending"], "--format", "json")))["client"]
    joint = ok(run("joint", "open", client, "--lead", "SD-EMMEN", "--with", "IV", "--goal",
                   "Budget", "--review-on", days_ago(-3)))
    ok(run("notify"))
    got = bodies(smtp)
    assert f"{world['new']}: closed by IV" in got["sd@example.ch"]
    assert "job found" not in got["sd@example.ch"]  # the handback itself stays in optima
    assert joint in got["sd@example.ch"] and joint in got["iv@example.ch"]


def test_a_counsellor_with_an_address_gets_the_items_of_their_cases(run, world, smtp):
    ok(run("assign", world["new"], "--counsellor", "C. Roth"))
    ok(run("institution", "set-counsellor", "IV", "C. Roth", "--email", "roth@example.ch"))
    listed = json.loads(ok(run("institution", "counsellors", "IV", "--format", "json")))
    assert listed == [{"unit": "IV", "name": "C. Roth", "email": "roth@example.ch"}]
    ok(run("notify"))
    got = bodies(smtp)
    assert world["new"] in got["roth@example.ch"] and world["ending"] not in got["roth@example.ch"]
    assert world["new"] in got["iv@example.ch"] and world["ending"] in got["iv@example.ch"]
    ok(run("institution", "set-counsellor", "IV", "C. Roth", "--email", ""))
    assert json.loads(ok(run("institution", "counsellors", "--format", "json"))) == []


def test_a_server_that_cannot_be_reached_is_one_line_and_the_next_run_sends(run, world, smtp):
    smtp.stop()
    result = run("notify")
    assert result.exit_code == 1
    assert "cannot reach the mail server 127.0.0.1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert [e for e in json.loads(ok(run("audit", "list", "--format", "json")))
            if e["action"] == "notify"] == []
    smtp.start()
    ok(run("notify"))
    assert len(smtp.box.messages) == 1


def test_a_dry_run_prints_the_messages_and_records_nothing(run, world, smtp):
    printed = ok(run("notify", "--dry-run"))
    assert "To: iv@example.ch" in printed and world["new"] in printed and NAME not in printed
    assert smtp.box.messages == []
    ok(run("notify"))
    assert len(smtp.box.messages) == 1


def test_json_says_what_went_where(run, world, smtp):
    result = json.loads(ok(run("notify", "--format", "json")))
    [sent] = result["messages"]
    assert (sent["to"], sent["units"], sent["delivered"]) == ("iv@example.ch", ["IV"], True)
    assert f"referral:{world['new']}:IV" in sent["items"]


@pytest.mark.parametrize("lang,said", [
    ("en", "no mail server is set; set it with `optima settings set mail-host HOST`"),
    ("de", "kein Mailserver"),
])
def test_without_a_mail_server_notify_says_how_to_set_it(run, lang, said, world):
    ok(run("settings", "set", "mail-host", ""))
    result = run("--lang", lang, "notify")
    assert result.exit_code == 1 and said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_unit_with_items_but_no_address_is_named(run, world, smtp):
    ok(run("institution", "set-contact", "IV", "--email", ""))
    result = run("notify")
    assert result.exit_code == 0 and "IV has items but no contact e-mail" in result.stderr


def test_a_password_file_others_can_read_is_refused(run, world, tmp_path, monkeypatch):
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    monkeypatch.delenv("OPTIMA_SMTP_PASSWORD", raising=False)
    ok(run("settings", "set", "mail-user", "optima"))
    ok(run("settings", "set", "mail-password-file", str(secret)))
    result = run("notify")
    assert result.exit_code == 1 and "chmod 600" in result.stderr


@pytest.mark.parametrize("key,value,said", [
    ("mail-port", "99999", "takes a number from 1 to 65535"),
    ("mail-starttls", "perhaps", "takes yes or no"),
    ("mail-sender", "optima", "is not an e-mail address"),
])
def test_bad_mail_settings_are_refused(run, key, value, said):
    result = run("settings", "set", key, value)
    assert result.exit_code == 2 and said in result.stderr


def test_settings_show_lists_the_mail_server(run):
    ok(run("settings", "set", "mail-host", "smtp.example.ch"))
    shown = json.loads(ok(run("settings", "show", "--format", "json")))
    assert shown["mail"]["mail-host"] == "smtp.example.ch" and shown["mail"]["mail-port"] == "587"
    assert shown["version"] == 0  # the mail server is not a setting of the steering group


# --- the workflow on both backends -------------------------------------------------------------

@pytest.mark.both_backends
def test_notify_records_what_was_delivered_on_both_backends(ctx, smtp):
    from optima_cli.rules.codes import Topic
    from optima_cli.workflow import cases as wf
    from optima_cli.workflow.clients import ClientInput, register
    from optima_cli.workflow.institutions import set_contact
    from optima_cli.workflow.notify import notify
    from optima_cli.workflow.settings import set_value
    from optima_cli.workflow.trail import verify

    set_contact(ctx, "RAV", "R. Kontakt", "rav@example.ch", None)
    client = register(ctx, ClientInput(name=NAME, birth_date=date(1980, 3, 12), institution="SD",
                                       consent_on=date(2026, 11, 1), work_capacity="yes"))["client"]
    case = wf.refer(ctx, wf.Refer(client=client, to="RAV", topics=(Topic.PLACEMENT,),
                                  months=3, on=date(2026, 11, 20))).record["case"]
    for key, value in (("mail-host", "127.0.0.1"), ("mail-port", str(smtp.port)),
                       ("mail-starttls", "no"), ("mail-sender", "optima@example.ch")):
        set_value(ctx, key, value)
    first = notify(ctx)
    assert [m["delivered"] for m in first["messages"]] == [True]
    assert first["messages"][0]["items"] == [f"referral:{case}:RAV"]
    assert notify(ctx)["messages"] == []
    assert len(smtp.box.messages) == 1 and verify(ctx)["ok"]


# --- the pure decision ----------------------------------------------------------------------------

def item(unit: str, key: str, day: int = 1) -> Item:
    return Item(unit, key, date(2026, 11, day), key)


def test_digests_group_by_address_and_leave_out_what_was_sent():
    items = [item("IV", "a", 3), item("SD-EMMEN", "b", 1), item("SD-KRIENS", "c", 2),
             item("RAV", "d")]
    addresses = {"IV": "iv@x.ch", "SD-EMMEN": "SD@x.ch", "SD-KRIENS": "sd@x.ch", "RAV": None}
    found, unreachable = digests(items, addresses, {("iv@x.ch", "a")})
    assert [(d.to, d.units, [i.key for i in d.items]) for d in found] == [
        ("sd@x.ch", ("SD-EMMEN", "SD-KRIENS"), ["b", "c"])]
    assert unreachable == ["RAV"]


def test_mail_settings_read_what_is_stored_and_keep_defaults():
    assert mail_settings({}) == MailSettings()
    assert mail_settings({"mail-port": "2525", "mail-starttls": "nein", "mail-host": "h"}) == \
        MailSettings(host="h", port=2525, starttls=False)
    assert mail_settings({"mail-port": "not a port"}).port == 587
    assert parse_mail("mail-sender", "optima@lu.ch") == "optima@lu.ch"
