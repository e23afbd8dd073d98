"""What optima installs on a protected server (issue 20), as SQL text: which rows a unit's member
may read and write in each table (`ROWS`, from which the policies and the grants follow), the
functions the policies and the writers call, and the triggers. store/access.py installs them;
nothing here runs SQL."""

from __future__ import annotations

from dataclasses import dataclass

U = "((SELECT optima_units())::integer[])"
SEES_ALL = "(SELECT optima_sees_all())"
IS_ADMIN = "(SELECT optima_is_admin())"
PARTY = f"referrer_id = ANY {U} OR receiver_id = ANY {U}"
FORWARDED = (f"EXISTS (SELECT 1 FROM forward f WHERE f.referral_id = referral.id "
             f"AND f.from_id = ANY {U})")
CLIENT = (f"institution_id = ANY {U} OR EXISTS (SELECT 1 FROM referral r WHERE r.client_id = "
          "client.id) OR EXISTS (SELECT 1 FROM joint_strategy j WHERE j.client_id = client.id)")
CASE = "EXISTS (SELECT 1 FROM referral r WHERE r.id = {table}.referral_id)"
JOINT = "{table}.joint_id IN (SELECT optima_joints())"


@dataclass(frozen=True)
class Rows:
    """What a unit's member may do with the rows of one protected table: a SQL condition per
    command (None: not at all; the administrator always may). The grants follow from them."""

    read: str
    insert: str | None = None
    update: str | None = None  # the rows one may change (USING)
    changed: str | None = None  # what they may become (WITH CHECK); default: `update`
    delete: str | None = None


def _case(table: str, *, delete: bool = False) -> Rows:
    """What hangs on a case: seen with the case; written only by its referrer and receiver (not
    by a unit that forwarded it away)."""
    seen = CASE.format(table=table)
    mine = (f"EXISTS (SELECT 1 FROM referral r WHERE r.id = {table}.referral_id "
            f"AND (r.referrer_id = ANY {U} OR r.receiver_id = ANY {U}))")
    return Rows(seen, mine, mine, None, mine if delete else None)


# A unit's member sees the referrals where a unit of theirs is referrer or receiver, or that it
# forwarded; changes those where it is referrer or receiver; deletes only what optima deletes
# (a suspension taken back, topics corrected). A forward is written by the receiver that
# forwards, before the referral's new receiver (store/session_store.py), and never changed.
ROWS: dict[str, Rows] = {
    "referral": Rows(f"{PARTY} OR {FORWARDED}", PARTY, PARTY, f"{PARTY} OR {FORWARDED}"),
    "client": Rows(CLIENT, f"institution_id = ANY {U}", CLIENT),
    "referral_topic": _case("referral_topic", delete=True),
    "suspension": _case("suspension", delete=True),
    "journal_entry": _case("journal_entry"),
    "measure": _case("measure"),
    "follow_up": _case("follow_up"),
    "forward": Rows(f"from_id = ANY {U} OR to_id = ANY {U}",
                    f"from_id = ANY {U} AND from_id = optima_received(referral_id)"),
    "refusal": Rows(PARTY, f"referrer_id = ANY {U}"),
    "refusal_rule": Rows("EXISTS (SELECT 1 FROM refusal f WHERE f.id = refusal_rule.refusal_id)",
                         "EXISTS (SELECT 1 FROM refusal f WHERE f.id = refusal_rule.refusal_id)"),
    "joint_strategy": Rows(f"lead_id = ANY {U} OR id IN (SELECT optima_joints())",
                           f"lead_id = ANY {U}", f"lead_id = ANY {U} OR id IN (SELECT optima_joints())"),
    "joint_partner": Rows(JOINT.format(table="joint_partner"), JOINT.format(table="joint_partner")),
    "joint_review": Rows(JOINT.format(table="joint_review"), JOINT.format(table="joint_review"),
                         JOINT.format(table="joint_review")),
    # Audit events: those of the strategies, else the cases, else the clients one sees, and
    # one's own that name none of them; added only about what one sees (the trigger checks the
    # actor, the chain and the moment); changed or removed by nobody but the administrator.
    "audit_event": Rows(
        "CASE WHEN entity = 'joint' THEN EXISTS (SELECT 1 FROM joint_strategy j WHERE "
        "j.strategy_id = audit_event.entity_ref) WHEN referral_id IS NOT NULL THEN EXISTS (SELECT 1 "
        "FROM referral r WHERE r.id = audit_event.referral_id) WHEN client_id IS NOT NULL THEN "
        "EXISTS (SELECT 1 FROM client c WHERE c.id = audit_event.client_id) "
        "ELSE actor = session_user END",
        "(referral_id IS NULL OR EXISTS (SELECT 1 FROM referral r WHERE r.id = "
        "audit_event.referral_id)) AND (client_id IS NULL OR EXISTS (SELECT 1 FROM client c WHERE "
        "c.id = audit_event.client_id))"),
    "notice": Rows("false"),  # the coordinator's notify: see below
    # the head of the audit trail is written by every writer (a trigger holds it to the tip)
    "meta": Rows("true", "key = 'audit_head'", "key = 'audit_head'"),
}
PROTECTED = tuple(ROWS)
# the coordinator reads every row; writes the events of its reads, the head, and notify's notices
COORDINATOR_WRITES = {"audit_event": "INSERT", "meta": "INSERT, UPDATE", "notice": "INSERT, UPDATE, DELETE"}
POLICIES = ("optima_read", "optima_insert", "optima_update", "optima_delete")
# personal columns without planner statistics: a unit's EXPLAIN must not estimate others' rows
UNCOUNTED = {"client": ("name", "name_key", "ahv", "birth_date", "municipality", "external_ref",
                        "counsellor")}
PATH = "SET search_path = pg_catalog, {schema}, pg_temp"  # never the caller's: no planted function
FUNCTIONS = """
CREATE OR REPLACE FUNCTION optima_access_prefix() RETURNS text
    LANGUAGE sql IMMUTABLE {path} AS $$ SELECT {prefix}::text $$;
CREATE OR REPLACE FUNCTION optima_units_of(who name) RETURNS integer[]
    LANGUAGE sql STABLE {path} AS $$
    SELECT coalesce(array_agg(i.id), '{{}}') FROM institution i JOIN pg_roles g ON g.rolname = i.access_role
    WHERE pg_has_role(who, g.oid, 'MEMBER') $$;
CREATE OR REPLACE FUNCTION optima_units() RETURNS integer[]
    LANGUAGE sql STABLE {path} AS $$ SELECT optima_units_of(current_user) $$;
CREATE OR REPLACE FUNCTION optima_is_admin() RETURNS boolean
    LANGUAGE sql STABLE {path} AS $$ SELECT pg_has_role(current_user, {admin}, 'MEMBER') $$;
CREATE OR REPLACE FUNCTION optima_sees_all() RETURNS boolean
    LANGUAGE sql STABLE {path} AS $$
    SELECT pg_has_role(current_user, {admin}, 'MEMBER')
        OR pg_has_role(current_user, {coordinator}, 'MEMBER') $$;
CREATE OR REPLACE FUNCTION optima_may_act_for_others() RETURNS boolean
    LANGUAGE sql STABLE {path} AS $$ SELECT pg_has_role(session_user, {admin}, 'MEMBER') $$;
CREATE OR REPLACE FUNCTION optima_joints() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT j.id FROM joint_strategy j
    WHERE pg_has_role(session_user, {admin}, 'MEMBER')
       OR pg_has_role(session_user, {coordinator}, 'MEMBER')
       OR j.lead_id = ANY (optima_units_of(session_user))
       OR EXISTS (SELECT 1 FROM joint_partner p WHERE p.joint_id = j.id
                  AND p.institution_id = ANY (optima_units_of(session_user))) $$;
CREATE OR REPLACE FUNCTION optima_received(referral integer) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT r.receiver_id FROM referral r WHERE r.id = referral
       AND r.receiver_id = ANY (optima_units_of(session_user)) $$;
CREATE OR REPLACE FUNCTION optima_next_case_seq(year integer) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT coalesce(max(case_seq), 0) + 1 FROM referral WHERE case_year = year $$;
CREATE OR REPLACE FUNCTION optima_case_seqs() RETURNS TABLE (year integer, seq integer)
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT case_year, max(case_seq) FROM referral GROUP BY case_year $$;
CREATE OR REPLACE FUNCTION optima_next_joint_seq(year integer) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT coalesce(max(strategy_seq), 0) + 1 FROM joint_strategy WHERE strategy_year = year $$;
CREATE OR REPLACE FUNCTION optima_audit_last() RETURNS TABLE (id integer, hash varchar)
    LANGUAGE sql VOLATILE SECURITY DEFINER {path} AS $$
    SELECT e.id, e.hash FROM audit_event e ORDER BY e.id DESC LIMIT 1 $$;
CREATE OR REPLACE FUNCTION optima_audit_first() RETURNS varchar
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT e.hash FROM audit_event e ORDER BY e.id LIMIT 1 $$;
CREATE OR REPLACE FUNCTION optima_audit_hash(event integer) RETURNS varchar
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT e.hash FROM audit_event e WHERE e.id = event $$;
CREATE OR REPLACE FUNCTION optima_audit_count(after integer) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
    SELECT count(*) FROM audit_event e WHERE e.id > after $$;
CREATE OR REPLACE FUNCTION optima_audit_actor() RETURNS trigger
    LANGUAGE plpgsql {path} AS $$
    DECLARE tip varchar;
    BEGIN
        IF optima_may_act_for_others() THEN RETURN NEW; END IF;
        IF NEW.actor IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'optima: an audit event''s actor is the login role (%), not %',
                session_user, NEW.actor USING ERRCODE = '42501';
        END IF;
        PERFORM pg_advisory_xact_lock({lock});  -- the writers' lock: the tip stays the tip
        SELECT l.hash INTO tip FROM optima_audit_last() l;
        IF NEW.prev_hash IS DISTINCT FROM coalesce(tip, '{genesis}') THEN
            RAISE EXCEPTION 'optima: an audit event follows the last one (%), not %', tip,
                NEW.prev_hash USING ERRCODE = '42501';
        END IF;
        IF NEW.at NOT BETWEEN transaction_timestamp() - interval '10 minutes'
                          AND clock_timestamp() + interval '1 minute' THEN
            RAISE EXCEPTION 'optima: an audit event is recorded now, not at %', NEW.at
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END $$;
CREATE OR REPLACE FUNCTION optima_audit_head() RETURNS trigger
    LANGUAGE plpgsql {path} AS $$
    DECLARE last_id integer; last_hash varchar;
    BEGIN
        IF optima_may_act_for_others() OR NEW.key <> 'audit_head' THEN RETURN NEW; END IF;
        SELECT l.id, l.hash INTO last_id, last_hash FROM optima_audit_last() l;
        IF split_part(NEW.value, ':', 1) IS DISTINCT FROM last_id::text
                OR split_part(NEW.value, ':', 2) IS DISTINCT FROM last_hash
                OR split_part(NEW.value, ':', 4) IS DISTINCT FROM optima_audit_first() THEN
            RAISE EXCEPTION 'optima: the head of the audit trail names its last event'
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END $$;
CREATE OR REPLACE FUNCTION optima_client_fixed() RETURNS trigger
    LANGUAGE plpgsql {path} AS $$
    BEGIN
        IF optima_may_act_for_others() THEN RETURN NEW; END IF;
        IF TG_OP = 'UPDATE' AND NEW.client_id IS DISTINCT FROM OLD.client_id THEN
            RAISE EXCEPTION 'optima: the client of a % is not changed', TG_TABLE_NAME
                USING ERRCODE = '42501';
        END IF;
        IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM client c WHERE c.id = NEW.client_id) THEN
            RAISE EXCEPTION 'optima: no client % that this login sees', NEW.client_id
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END $$;
"""
# the triggers: (name, table, when, function)
TRIGGERS = (
    ("optima_actor", "audit_event", "BEFORE INSERT", "optima_audit_actor()"),
    ("optima_head", "meta", "BEFORE INSERT OR UPDATE", "optima_audit_head()"),
    ("optima_client", "referral", "BEFORE INSERT OR UPDATE OF client_id", "optima_client_fixed()"),
    ("optima_client", "joint_strategy", "BEFORE INSERT OR UPDATE OF client_id",
     "optima_client_fixed()"),
)
# each function optima installs, by its signature (the hostile-role test calls every one)
SIGNATURES = (
    "optima_access_prefix()", "optima_units_of(name)", "optima_units()", "optima_is_admin()",
    "optima_sees_all()",
    "optima_may_act_for_others()", "optima_joints()", "optima_received(integer)",
    "optima_next_case_seq(integer)", "optima_case_seqs()", "optima_next_joint_seq(integer)",
    "optima_audit_last()", "optima_audit_first()", "optima_audit_hash(integer)",
    "optima_audit_count(integer)", "optima_audit_actor()", "optima_audit_head()",
    "optima_client_fixed()",
)
