"""Findings stored as keys and values, not as English sentences.

A referral keeps the findings of the access criteria it was judged by (referral.findings, JSON).
They were stored as English sentences and read back in the reader's language by turning the
sentence templates into regular expressions. They are now stored as the rule, its result, the key
of the sentence (catalogue/en.py FINDINGS) and its values, and said in any language when shown.
This converts the stored sentences: each is matched, once, against the templates of its rule as
they were when it was written (copied below, so that later changes of the wording do not change
what this migration reads); a sentence that matches none is left as it is (and shown as it is).

The audit trail is left as it is: its events are hashed into a chain, and the head may be noted
elsewhere (`audit verify --expect`); rewriting the refer events' payloads would mean re-chaining
every later event and breaking every hash noted outside. The refer events written before this
revision keep their findings as English sentences; readers take both shapes.

Also raises meta.schema_version to 4.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
import re
import string
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
REFERRAL = sa.table("referral", sa.column("id", sa.Integer()), sa.column("findings", sa.Text()))
BATCH = 5000

# the sentences of findings as optima 0003 wrote them (English), by key
SENTENCES = {
    'consent/1': 'no consent of the client is recorded; record it with `client update --consent-on`',
    'consent/2': 'consent was given on {consent_on}, after the referral date {on}',
    'consent/3': 'the client withdrew consent on {withdrawn_on}; record renewed consent with `client update --consent-on DATE`',
    'consent/4': 'consent recorded on {consent_on} and not withdrawn',
    'other-kind/1': "{receiver} is of the referrer's own kind ({kind}); OPTIMA hands a case to another kind of institution",
    'other-kind/2': '{referrer_kind} refers to {receiver_kind}, another kind',
    'no-open-referral/1': '{case} of this client to {receiver} is still open; close, withdraw or decide it first',
    'no-open-referral/2': 'no open referral of this client to {receiver}',
    'iv-rejection/1': 'no IV rejection recorded',
    'iv-rejection/2': 'the IV rejected the client on {rejected_on}, less than 12 months ago (a referral to IV is possible from {possible_from}, or now with a justification)',
    'iv-rejection/3': 'the IV rejection of {rejected_on} is more than 12 months old',
    'iv-procedure/1': 'an IV procedure, assessment or legal proceeding is open',
    'iv-procedure/2': 'no IV procedure, assessment or proceeding open',
    'iv-health/1': 'an IV-relevant health damage is suspected: a regular IV registration is due instead',
    'iv-health/2': 'no IV-relevant health damage suspected',
    'work-capacity/1': "the client's work capacity is not intact (not placeable)",
    'work-capacity/2': 'work capacity intact (objectively and subjectively placeable)',
    'iv-measures/1': 'IV measures are running',
    'iv-measures/2': 'an IV assessment or proceeding is open',
    'iv-measures/3': 'no IV measures running, no assessment or proceeding open',
    'rav-registration/1': 'the client is registered at the RAV (until {until})',
    'rav-registration/2': 'the client must register at the RAV',
    'rav-recent/1': 'the client is registered at the RAV until {until}, within the last 6 months',
    'rav-recent/2': 'the client was registered at the RAV until {until}, within the last 6 months',
    'rav-recent/3': 'not registered at the RAV in the last 6 months',
    'social-topic/1': 'social topic named: {topics}',
    'social-topic/2': 'no topic given yet; a referral to SD should name a social problem',
    'social-topic/3': 'none of the topics is a social problem (finances, addiction, conflict, childcare, life-event), which is what SD works on',
    'workable/1': 'only you can judge: can the problem plausibly be improved within 3 or 6 months? Severe problems do not fit',
}
# the key of a sentence starts with its rule's short name
RULE_KEYS = {"iv-rejection-recent": "iv-rejection", "iv-procedure-open": "iv-procedure",
             "iv-health-registration": "iv-health", "iv-measures-running": "iv-measures",
             "rav-registered-recently": "rav-recent", "workable-in-period": "workable"}
LISTS = ("topics",)  # values that were written as codes joined with ", "


def _pattern(template: str) -> re.Pattern[str]:
    regex = ""
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        regex += re.escape(literal)
        if name is not None:
            regex += f"(?P<{name}>.+?)"
    return re.compile(regex + r"\Z", re.DOTALL)


PATTERNS = {key: _pattern(template) for key, template in SENTENCES.items()}


def to_keys(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as 0004 stores it: its sentence as a key and values (as it is if it has a key
    already, or if its sentence is none of its rule's)."""
    if "key" in finding or "message" not in finding:
        return finding
    prefix = RULE_KEYS.get(finding.get("rule", ""), finding.get("rule", ""))
    keys = sorted((k for k in SENTENCES if k.split("/")[0] == prefix),
                  key=lambda k: len(SENTENCES[k]), reverse=True)
    for key in keys:
        match = PATTERNS[key].match(finding["message"])
        if match:
            values: dict[str, Any] = {name: value.split(", ") if name in LISTS else value
                                      for name, value in match.groupdict().items()}
            rest = {k: v for k, v in finding.items() if k != "message"}
            return {**rest, "key": key, "values": values}
    return finding


def to_sentence(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as 0003 stored it: its English sentence."""
    if "key" not in finding or finding["key"] not in SENTENCES:
        return finding
    values = {k: ", ".join(v) if isinstance(v, list) else v
              for k, v in (finding.get("values") or {}).items()}
    rest = {k: v for k, v in finding.items() if k not in ("key", "values")}
    return {**rest, "message": SENTENCES[finding["key"]].format(**values)}


def _convert(change: Any) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(REFERRAL.c.id, REFERRAL.c.findings)
                              .order_by(REFERRAL.c.id)).all()
    changed = []
    for referral_id, text in rows:
        try:
            findings = json.loads(text or "[]")
        except ValueError:
            continue  # not optima's: left as it is (doctor names it)
        if not isinstance(findings, list):
            continue
        converted = [change(f) if isinstance(f, dict) else f for f in findings]
        if converted != findings:
            changed.append({"referral_id": referral_id, "text": json.dumps(converted)})
    statement = (REFERRAL.update().where(REFERRAL.c.id == sa.bindparam("referral_id"))
                 .values(findings=sa.bindparam("text")))
    for start in range(0, len(changed), BATCH):
        connection.execute(statement, changed[start:start + BATCH])


def upgrade() -> None:
    _convert(to_keys)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="4"))


def downgrade() -> None:
    _convert(to_sentence)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="3"))
