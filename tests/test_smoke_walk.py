"""The whole life of one case from the shell, as README.md documents it."""

from __future__ import annotations

import json

import pytest
from conftest import days_ago

pytestmark = pytest.mark.both_backends  # one whole life end to end, on both kinds


def test_whole_life_from_register_to_close(run):
    r = run("register", "--name", "Muster Hans", "--birth-date", "12.03.1980", "--from", "RAV",
            "--ahv", "756.1234.5678.97", "--consent-on", days_ago(40))
    assert r.exit_code == 0, r.stderr
    client = r.stdout.strip()
    assert client == "C-0001"

    r = run("check", client, "--to", "SD", "--topics", "finances")
    assert r.exit_code == 0, r.stderr

    r = run("refer", client, "--to", "SD", "--topics", "finances,conflict", "--months", "3",
            "--on", days_ago(35), "--goal", "Schulden ordnen")
    assert r.exit_code == 0, r.stderr
    case = r.stdout.strip()
    assert case.startswith("OPT-") and len(case) == len("OPT-2026-0001")

    assert run("accept", case, "--on", days_ago(30), "--counsellor", "B. Keller").exit_code == 0
    r = run("suspend-search", case, "--from", days_ago(29), "--until", days_ago(1))
    assert r.exit_code == 0, r.stderr
    assert run("extend", case, "--on", days_ago(10)).exit_code == 0
    assert run("resume-search", case, "--on", days_ago(5)).exit_code == 0
    r = run("close", case, "--outcome", "achieved", "--employed", "--on", days_ago(2))
    assert r.exit_code == 0, r.stderr

    shown = json.loads(run("show", case, "--format", "json").stdout)
    assert shown["status"] == "closed"
    assert shown["months"] == 6
    assert shown["employed"] is True
    actions = [event["action"] for event in shown["history"]]
    assert actions == ["refer", "accept", "suspend-search", "extend", "resume-search", "close"]
