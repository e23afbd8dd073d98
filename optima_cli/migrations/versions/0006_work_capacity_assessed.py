"""Work capacity as the counsellor assessed it: yes, no, or not assessed, with the day.

The client's `no_work_capacity` flag defaulted to false, so intact work capacity passed for
everyone whom nobody had ticked: nobody assessed it (issue 16). Columns `work_capacity` (`yes`,
`no`; NULL: not assessed) and `work_capacity_assessed_on` (the day; NULL: not known) take its
place. A client ticked `no_work_capacity` was assessed as not intact on a day not recorded: `no`
with no day. One not ticked was not assessed: NULL. The flag is dropped (in place: SQLite 3.35
and newer can, as in 0003; a copy of the table in batch mode would trip the foreign keys of the
referrals). Also raises meta.schema_version to 6.

Stored findings keep their keys going up (the old ones are FINDINGS_OF_THE_PAST). Going down,
`no` becomes the flag again; `yes` and its day are lost (the old schema has no place for them);
a finding made since says what the old criteria said where they had a sentence for it (an
assessment as the flag's, a social topic as named), without the day; the warnings of an
assessment the old criteria did not make stay as they are.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
REFERRAL = sa.table("referral", sa.column("id", sa.Integer()), sa.column("findings", sa.Text()))
# going down: the findings of 0006 as the keys before it say them (no day)
OLD_KEYS = {"work-capacity/3": "work-capacity/1", "work-capacity/4": "work-capacity/2",
            "work-capacity/5": "work-capacity/2", "social-topic/5": "social-topic/1",
            "social-topic/6": "social-topic/1"}
BATCH = 5000
CLIENT = sa.table("client", sa.column("no_work_capacity", sa.Boolean()),
                  sa.column("work_capacity", sa.String()))


def upgrade() -> None:
    op.add_column("client", sa.Column("work_capacity", sa.String(), nullable=True))
    op.add_column("client", sa.Column("work_capacity_assessed_on", sa.Date(), nullable=True))
    op.execute(CLIENT.update().where(CLIENT.c.no_work_capacity.is_(sa.true()))
               .values(work_capacity="no"))
    op.drop_column("client", "no_work_capacity")  # SQLite 3.35 and newer drop a column in place
    op.execute(META.update().where(META.c.key == "schema_version").values(value="6"))


def downgrade() -> None:
    # a column NOT NULL is added to rows that are there only with a default
    op.add_column("client", sa.Column("no_work_capacity", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(CLIENT.update().where(CLIENT.c.work_capacity == "no").values(no_work_capacity=True))
    _old_findings()
    op.drop_column("client", "work_capacity_assessed_on")
    op.drop_column("client", "work_capacity")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="5"))


def _old_key(finding: Any) -> Any:
    if not isinstance(finding, dict) or finding.get("key") not in OLD_KEYS:
        return finding
    values = {k: v for k, v in (finding.get("values") or {}).items() if k == "topics"}
    return {**finding, "key": OLD_KEYS[finding["key"]], "values": values}


def _old_findings() -> None:
    connection = op.get_bind()
    changed = []
    for referral_id, text in connection.execute(sa.select(REFERRAL.c.id, REFERRAL.c.findings)
                                                .order_by(REFERRAL.c.id)):
        try:
            findings = json.loads(text or "[]")
        except ValueError:
            continue  # not optima's: left as it is (doctor names it)
        if not isinstance(findings, list):
            continue
        old = [_old_key(f) for f in findings]
        if old != findings:
            changed.append({"referral_id": referral_id, "text": json.dumps(old)})
    statement = (REFERRAL.update().where(REFERRAL.c.id == sa.bindparam("referral_id"))
                 .values(findings=sa.bindparam("text")))
    for start in range(0, len(changed), BATCH):
        connection.execute(statement, changed[start:start + BATCH])
