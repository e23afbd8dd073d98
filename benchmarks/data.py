"""A synthetic canton-wide history for the benchmark: N referrals in every status, spread over
ten years and many units, from a fixed seed. Rows use the import columns, so the benchmark builds
its databases through optima's own import (every rule applies), not raw SQL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from stdnum import ean

UNITS = ([(f"RAV-{i}", "RAV") for i in range(1, 7)] + [("IV", "IV")]
         + [(f"SD-{i:02d}", "SD") for i in range(1, 21)])
SOCIAL = ["finances", "addiction", "conflict", "childcare", "life-event"]
REASONS = ["too-severe", "other", "no-work-capacity", "rav-registered-recently"]


def _ahv(rng: random.Random, taken: set[str]) -> str:
    """A valid AHV number not given before: two people never share one (at 100,000 rows, nine
    random digits would repeat, and the import rightly refuses the second person)."""
    body = "756" + "".join(str(rng.randrange(10)) for _ in range(9))
    while body in taken:
        body = "756" + "".join(str(rng.randrange(10)) for _ in range(9))
    taken.add(body)
    n = body + ean.calc_check_digit(body)
    return f"{n[:3]}.{n[3:7]}.{n[7:11]}.{n[11:]}"


def rows(n: int, today: date, seed: int = 6) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    first = today - relativedelta(years=10)
    span = (today - first).days
    result = []
    taken: set[str] = set()
    for i in range(n):
        referrer, rkind = rng.choice(UNITS)
        receiver, kind = rng.choice([u for u in UNITS if u[1] != rkind])
        on = first + timedelta(days=int(span * (i / max(n - 1, 1))))
        topics = ("health" if kind == "IV" else "placement" if kind == "RAV"
                  else ",".join(rng.sample(SOCIAL, 1)))
        row: dict[str, Any] = {
            "external_ref": f"B-{i:07d}", "name": f"Person {i:07d} (synthetic)",
            "birth_date": date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "ahv": _ahv(rng, taken),
            "municipality": "Luzern", "registered_at": referrer, "counsellor": "bench",
            "consent_on": on, "referrer": referrer, "receiver": receiver, "topics": topics,
            "months": rng.choice([3, 6]), "goal": "synthetic", "referred_on": on,
        }
        age = (today - on).days
        draw = rng.random()
        decided = on + timedelta(days=rng.randrange(2, 15))
        if age < 12 and draw < 0.5:
            pass  # waiting for a decision
        elif draw < 0.2:
            if decided > today:
                decided = today
            reason = rng.choice(REASONS)
            row.update(decision="rejected", decided_on=decided, reason=reason,
                       reason_note="synthetic" if reason == "other" else None)
        elif decided <= today:
            row.update(decision="accepted", decided_on=decided, receiving_counsellor="bench")
            due = decided + relativedelta(months=row["months"])
            if rkind == "RAV" and draw < 0.5 and decided + timedelta(days=30) <= today:
                row.update(suspended_from=decided, suspended_until=decided + timedelta(days=30))
            end = decided + timedelta(days=rng.randrange(30, 200))
            if draw < 0.25 and decided + timedelta(days=10) <= today:
                row.update(withdrawn_on=decided + timedelta(days=10), withdraw_reason="other",
                           withdraw_note="synthetic")
            elif end <= today and age > 200:
                end = min(end, due)
                outcome = rng.choice(["achieved", "partly", "not-achieved"])
                row.update(closed_on=end, outcome=outcome,
                           cause="other" if outcome == "not-achieved" else None,
                           employed=outcome == "achieved")
                if row.get("suspended_until") and row["suspended_until"] > end:
                    row["suspended_until"] = end
        result.append(row)
    return result


# --- measures and follow-ups (issue 19) ------------------------------------------------------------
# The import carries neither, so the benchmark adds them to the database it built, in plain SQL on
# the SQLite file (no audit events: the figures read the tables, not the trail). The shares follow
# the demo: about half of the accepted cases have a measure (some two), nine in ten decided and
# approved; every closed case whose follow-up fell due has it recorded, nine in ten.
MEASURE_KINDS = ("coaching", "course", "labour-market", "work-trial", "debt-counselling",
                 "addiction-counselling", "childcare")
SITUATIONS = ("employed", "employed", "unemployment-benefit", "social-assistance", "iv-benefit",
              "not-reached", "other")


def enrich(path: str, today: date) -> tuple[int, int]:
    """Measures and follow-ups for the referrals in the SQLite database at `path`; how many of
    each were added."""
    import sqlite3

    con = sqlite3.connect(path)
    at = con.execute("SELECT at FROM audit_event LIMIT 1").fetchone()[0]
    cases = con.execute("SELECT id, referrer_id, decided_on, closed_on, status FROM referral "
                        "WHERE status IN ('accepted', 'closed') AND decided_on IS NOT NULL").fetchall()
    measures, follow_ups = [], []
    for rid, referrer, decided, closed, status in cases:
        accepted, ended = date.fromisoformat(decided), date.fromisoformat(closed) if closed else today
        if rid % 2 == 0 and (ended - accepted).days > 12:
            for number in (1, 2) if rid % 6 == 0 else (1,):
                requested = accepted + timedelta(days=5 * number)
                approved = requested + timedelta(days=7)
                decided_ok = rid % 10 != 0 and approved <= today
                measures.append((rid, number, MEASURE_KINDS[rid % len(MEASURE_KINDS)],
                                 (rid * 37 % 5000) * 100 + 50, referrer, requested.isoformat(),
                                 approved.isoformat() if decided_ok and rid % 20 != 2 else None,
                                 approved.isoformat() if decided_ok and rid % 20 == 2 else None,
                                 "bench", at, at if decided_ok else None))
        if status == "closed" and closed:
            for point, months in (("first", 6), ("second", 12)):
                due = date.fromisoformat(closed) + relativedelta(months=months)
                contact = due + timedelta(days=rid % 20)
                if contact > today or rid % 10 == 3:
                    continue
                situation = SITUATIONS[(rid + months) % len(SITUATIONS)]
                since = (date.fromisoformat(closed) + timedelta(days=30)).isoformat() \
                    if situation == "employed" else None
                follow_ups.append((rid, closed, point, months, due.isoformat(), situation, since,
                                   contact.isoformat(), at, "bench"))
    con.executemany("INSERT INTO measure (referral_id, number, kind, cost_rappen, payer_id, "
                    "requested_on, approved_on, declined_on, author, recorded_at, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", measures)
    con.executemany("INSERT INTO follow_up (referral_id, closed_on, point, months, due_on, situation, "
                    "since, contact_on, entered_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    follow_ups)
    con.commit()
    con.close()
    return len(measures), len(follow_ups)
