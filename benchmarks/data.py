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
