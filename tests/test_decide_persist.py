"""Issue 15: one decision per action, saved by the per-command store or the import's batch store."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from optima_cli.store import audit
from optima_cli.store.engine import read_meta
from optima_cli.workflow import clients
from optima_cli.workflow.context import Context


def test_the_audit_head_is_written_by_the_store_at_commit_not_by_a_listener(ctx: Context):
    clients.register(ctx, clients.ClientInput(name="Head Person", birth_date=date(1980, 1, 1),
                                              institution="SD"))
    with ctx.read() as session:
        head = read_meta(session, audit.HEAD_KEY)
    assert head is not None and head.split(":")[0] != "1"
    # a session that bypasses the store commits its event without moving the head
    with Session(ctx.db.writer) as session, session.begin():
        audit.record(session, actor="tester", action="read", entity="client", entity_ref="C-000001",
                     now=ctx.now())
    with ctx.read() as session:
        assert read_meta(session, audit.HEAD_KEY) == head
