"""The invented pilot data set (no real person): 52 referrals from October 2018 to September 2022
that say what the federal evaluation report of 22.03.2023 says about the pilot, and nothing more:

- 52 referrals; the clear majority referred by social services (38), one by IV, none by a RAV
  to the IV (report 2.1 c);
- IV receiving well over a third (21), social services the fewest (13);
- about a quarter not accepted (13), a third of those (4) for an IV rejection less than a year
  old, the rest for `other` reasons ("sonstige Gründe, nicht weiter ersichtlich");
- 35 closed by the pilot's end (30.11.2022), about half of them by IV (17), a quarter each by RAV
  and SD (9 each); four still open;
- the social services are several municipal units (SD-LUZERN, SD-EMMEN, ...) of the kind SD, and
  most cases they receive are about finances (report 1.2).

Invented, as the report gives no figures for them: the dates, the topics beyond finances, the
goals, the outcomes, the durations and the people.

Built from a fixed seed, so it is the same on every machine. `scripts/make_pilot_data.py` writes it
to sample_data/pilot-2018-2022.xlsx; `optima demo` imports the same rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from stdnum import ean

from optima_cli.importing.rows import COLUMNS

SEED = 2018
FIRST = date(2018, 10, 1)
LAST = date(2022, 9, 30)
# the pilot as the report has it: "von Oktober 2018 bis November 2022" (section 1.2, the
# figures until November 2022); the demo's report covers it
PILOT_START = date(2018, 10, 1)
PILOT_END = date(2022, 11, 30)  # the state `optima demo` shows: the pilot's last day
INVENTED = ("invented: the dates, the topics beyond finances, the goals, the outcomes and the "
            "durations; the report gives no figures for them")
OTHER_REASON = "sonstige Gründe, nicht weiter ersichtlich"
FIRST_NAMES = ["Anna", "Beat", "Carla", "Daniel", "Elena", "Fabio", "Gabriela", "Hans", "Irina",
               "Jonas", "Karin", "Luca", "Marta", "Nico", "Olga", "Patrick", "Rita", "Sandro",
               "Tanja", "Urs", "Vera", "Walter", "Yvonne", "Zora", "Adrian", "Bettina"]
SURNAMES = ["Muster", "Beispiel", "Exempel", "Fiktiv", "Platzhalter", "Modell", "Vorlage", "Demo"]
MUNICIPALITIES = ["Luzern", "Emmen", "Kriens", "Horw", "Ebikon", "Sursee", "Hochdorf", "Willisau"]
# the municipal social services, each a unit of the kind SD: code -> name
SD_UNITS = {f"SD-{m.upper()}": f"Sozialdienst {m} (fiktiv)" for m in MUNICIPALITIES}
COUNSELLORS = {"RAV": ["R. Imfeld (fiktiv)", "S. Bucher (fiktiv)"],
               "IV": ["I. Vogel (fiktiv)", "T. Wyss (fiktiv)"],
               "SD": ["D. Amrein (fiktiv)", "M. Arnold (fiktiv)", "K. Zemp (fiktiv)"]}
GOALS = {"RAV": ["Stelle im ersten Arbeitsmarkt finden", "Bewerbungsdossier und Stellensuche"],
         "IV": ["Gesundheitliche Situation klären, Eingliederung prüfen",
                "Arbeitsfähigkeit abklären und stabilisieren"],
         "SD": ["Schuldensituation stabilisieren", "Suchtberatung aufgleisen",
                "Kinderbetreuung organisieren", "Familiäre Konflikte entlasten"]}
SOCIAL = ["finances", "addiction", "conflict", "childcare", "life-event"]

# (referrer, receiver, how many)
PAIRS = [("SD", "IV", 21), ("SD", "RAV", 17), ("RAV", "SD", 13), ("IV", "RAV", 1)]
# what became of the referrals each receiver got: rejections by reason, closings, still open
ENDINGS: dict[str, dict[str, Any]] = {
    "IV": {"rejected": ["iv-rejection-recent"] * 4, "closed": 17, "open": 0},
    "RAV": {"rejected": ["other"] * 7, "closed": 9, "open": 2},
    "SD": {"rejected": ["other"] * 2, "closed": 9, "open": 2},
}


def _ahv(rng: random.Random) -> str:
    body = "756" + "".join(str(rng.randrange(10)) for _ in range(9))
    number = body + ean.calc_check_digit(body)
    return f"{number[:3]}.{number[3:7]}.{number[7:11]}.{number[11:]}"


def _topics(rng: random.Random, receiver: str) -> str:
    if receiver == "IV":
        return "health" if rng.random() < 0.7 else "health,placement"
    if receiver == "RAV":
        return "placement" if rng.random() < 0.6 else "placement,finances"
    if rng.random() < 0.75:  # most cases the social services receive are about finances
        chosen = {"finances"} | ({rng.choice(SOCIAL[1:])} if rng.random() < 0.3 else set())
    else:
        chosen = {rng.choice(SOCIAL[1:])}
    return ",".join(sorted(chosen, key=SOCIAL.index))


def _plan(rng: random.Random) -> list[dict[str, Any]]:
    """Who referred to whom, and how each referral ended; the open ones are the latest."""
    plan: list[dict[str, Any]] = [{"referrer": a, "receiver": b} for a, b, n in PAIRS for _ in range(n)]
    days = sorted(FIRST + timedelta(days=rng.randrange((LAST - FIRST).days + 1)) for _ in plan)
    rng.shuffle(plan)
    for item, day in zip(plan, days):
        item["referred_on"] = day
    for receiver, ending in ENDINGS.items():
        mine = sorted((p for p in plan if p["receiver"] == receiver), key=lambda p: p["referred_on"])
        for p in mine[len(mine) - ending["open"]:]:
            p["ending"] = "open"
        rest = [p for p in mine if "ending" not in p]
        rng.shuffle(rest)
        for p, reason in zip(rest, ending["rejected"]):
            p["ending"], p["reason"] = "rejected", reason
        for p in rest[len(ending["rejected"]):]:
            p["ending"] = "closed"
    return sorted(plan, key=lambda p: p["referred_on"])


def rows() -> list[dict[str, Any]]:
    """The data set: one dict per referral, keyed by the import columns."""
    rng = random.Random(SEED)
    names = rng.sample([f"{f} {s} (fiktiv)" for f in FIRST_NAMES for s in SURNAMES], 52)
    result = []
    for index, p in enumerate(_plan(rng), start=1):
        referrer, receiver, on = p["referrer"], p["receiver"], p["referred_on"]
        municipality = rng.choice(MUNICIPALITIES)
        sd_unit = f"SD-{municipality.upper()}"  # the social services of the client's municipality
        referrer_unit, receiver_unit = (sd_unit if k == "SD" else k for k in (referrer, receiver))
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        row.update(
            external_ref=f"PILOT-{index:03d}", name=names[index - 1],
            birth_date=date(rng.randrange(1965, 2001), rng.randrange(1, 13), rng.randrange(1, 29)),
            ahv=_ahv(rng), municipality=municipality, registered_at=referrer_unit,
            counsellor=rng.choice(COUNSELLORS[referrer]),
            consent_on=on - timedelta(days=rng.randrange(0, 6)),
            referrer=referrer_unit, receiver=receiver_unit, topics=_topics(rng, receiver),
            months=rng.choice([3, 3, 6]), goal=rng.choice(GOALS[receiver]), referred_on=on,
            referring_counsellor=rng.choice(COUNSELLORS[referrer]),
        )
        decided = on + timedelta(days=rng.randrange(3, 21))
        if p["ending"] == "rejected":
            row.update(decision="rejected", decided_on=decided, reason=p["reason"])
            if p["reason"] == "iv-rejection-recent":
                row["iv_rejected_on"] = on - timedelta(days=rng.randrange(60, 300))
                row["override"] = "Situation seit dem IV-Entscheid deutlich verändert (fiktiv)"
            else:
                row["reason_note"] = OTHER_REASON
        else:
            row.update(decision="accepted", decided_on=decided,
                       receiving_counsellor=rng.choice(COUNSELLORS[receiver]))
            due = decided + relativedelta(months=row["months"])
            if row["months"] == 3 and rng.random() < 0.3:
                row["extended_on"] = decided + relativedelta(months=2)
                row["months"] = 3  # the import replays the extension to 6
                due = decided + relativedelta(months=6)
            if referrer == "RAV" and rng.random() < 0.6:
                row["suspended_from"] = decided
                row["suspended_until"] = decided + relativedelta(months=2)
            if p["ending"] == "closed":
                closed = min(due, decided + timedelta(days=rng.randrange(60, (due - decided).days + 1)),
                             PILOT_END)  # every closing the report counts lies within the pilot
                if row["extended_on"] and row["extended_on"] >= closed:  # closed before it
                    row["extended_on"] = None
                row["closed_on"] = closed
                draw = rng.random()
                if draw < 0.4:
                    row["outcome"] = "achieved"
                    row["employed"] = receiver == "RAV" or rng.random() < 0.4
                elif draw < 0.75:
                    row["outcome"] = "partly"
                    row["employed"] = rng.random() < 0.2
                else:
                    row["outcome"] = "not-achieved"
                    row["cause"] = rng.choice(["no-cooperation", "not-placeable", "other"])
                    row["employed"] = False
                if row["suspended_until"] and row["suspended_until"] > closed:
                    row["suspended_until"] = closed
        for flag in ("iv_procedure_open", "iv_measures_running", "health_suspected"):
            row[flag] = False
        # work capacity stays not assessed: the report says nothing of it, and the pilot's case
        # tool did not record it
        result.append(row)
    return result


# --- measures and their cost (issue 19): invented, as the outcomes are -------------------------
# the evaluation: the costs of measures were "in allen Fällen übernommen" (section 3 a); the demo
# invents measures for some accepted cases, each approved, as the evaluation found them
MEASURE_OF_TOPIC = {"finances": "debt-counselling", "addiction": "addiction-counselling",
                    "childcare": "childcare", "placement": "coaching", "health": "work-trial",
                    "conflict": "coaching", "life-event": "coaching"}
MEASURE_COSTS = {"coaching": (800, 2400), "course": (400, 1800), "labour-market": (1500, 6000),
                 "work-trial": (500, 1500), "debt-counselling": (300, 900),
                 "addiction-counselling": (400, 1200), "childcare": (200, 1200)}


def measures(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The invented measures of the accepted cases (their records as `list` gives them: case,
    topics, decided_on, closed_on): about every third case gets one, a few two; each is
    requested during the mandate and approved some days later, by the pilot's end."""
    rng = random.Random(SEED + 19)
    planned = []
    for case in sorted(cases, key=lambda c: c["case"]):
        accepted, ended = case["decided_on"], case["closed_on"] or PILOT_END
        if rng.random() > 0.35 or (ended - accepted).days < 20:
            continue
        topics = [t for t in case["topics"] if t in MEASURE_OF_TOPIC] or ["placement"]
        kinds = [MEASURE_OF_TOPIC[rng.choice(topics)]]
        if rng.random() < 0.3:
            kinds.append(rng.choice(["course", "labour-market"]))
        for kind in kinds:
            requested = accepted + timedelta(days=rng.randint(3, min(40, (ended - accepted).days - 15)))
            low, high = MEASURE_COSTS[kind]
            planned.append({"case": case["case"], "kind": kind,
                            "cost": f"{rng.randint(low // 5, high // 5) * 5}.{rng.choice(['00', '50'])}",
                            "on": requested,
                            "approved_on": requested + timedelta(days=rng.randint(2, 12))})
    return planned


# --- the follow-ups after the closing (issue 19): invented, as the outcomes are ----------------
FOLLOW_UP_INVENTED = "invented: every follow-up after the closing (the report gives none)"
# what became of the clients, with invented weights: many in work, some not reached
_SITUATIONS = (("employed", 5), ("unemployment-benefit", 2), ("social-assistance", 3),
               ("iv-benefit", 1), ("not-reached", 2), ("other", 1))


def follow_ups(closed: list[tuple[str, date, date, int, date]], until: date) -> list[dict[str, Any]]:
    """Invented follow-ups of the closed cases `closed` (case, referral day, closing day, months,
    due day), one in ten left unrecorded, each recorded within three weeks after its due day and
    by `until` (the pilot's end); the same ones on every run."""
    chance = random.Random(SEED + 19)
    codes = [code for code, weight in _SITUATIONS for _ in range(weight)]
    found = []
    for case, _referred_on, closed_on, months, due_on in closed:
        on = due_on + timedelta(days=chance.randint(0, 20))
        if on > until or chance.random() < 0.1:
            continue
        situation = chance.choice(codes)
        since = (closed_on + timedelta(days=chance.randint(0, (on - closed_on).days))
                 if situation == "employed" else None)
        found.append({"case": case, "at": months, "situation": situation, "since": since, "on": on,
                      "note": "Umzug, keine Angaben (fiktiv)" if situation == "other" else None})
    return found
