"""Recorded values kept small in the database, and read back as they were written.

Two columns hold JSON that repeats the same keys in every row: an audit event's payload (its values
before and after, hashed as canonical JSON: store/audit.py `seal`) and a referral's findings. Both
are stored packed: deflated against a fixed dictionary of optima's own keys and codes, in base64
after a short tag (``z1``), and unpacked to the very same text when read, so that every hash over
the text, every reader and every output stay as they were. A stored value without the tag is read
as it is (rows written before migration 0018, or by hand): packing is a way of storing, never a
second format for the readers.

`DICTIONARY_V1` must never change: values packed with it are read with it for ever. A better
dictionary is a new tag (``z2``) beside it.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

TAG = "z1"

# the skeletons of recorded values (a referral's findings, then an event's payload for each kind of
# action, the most frequent last), their personal values left empty: frozen, see above
DICTIONARY_V1 = "".join((
    '[{"rule": "consent", "kind": "never", "result": "pass", "key": "consent/4", "values": {"'
    'consent_on": "2016-11-30"}}, {"rule": "other-kind", "kind": "never", "result": "pass", "'
    'key": "other-kind/2", "values": {"referrer_kind": "SD", "receiver_kind": "RAV"}}, {"rule'
    '": "no-open-referral", "kind": "never", "result": "pass", "key": "no-open-referral/2", "'
    'values": {"receiver": "RAV-5"}}, {"rule": "work-capacity", "kind": "hard", "result": "wa'
    'rn", "key": "work-capacity/6", "values": {"command": "optima client update CLIENT --work'
    '-capacity yes|no"}}, {"rule": "rav-registration", "kind": "warn", "result": "warn", "key'
    '": "rav-registration/2", "values": {}}, {"rule": "rav-registered-recently", "kind": "war'
    'n", "result": "pass", "key": "rav-recent/3", "values": {}}, {"rule": "workable-in-period'
    '", "kind": "warn", "result": "warn", "key": "workable/4", "values": {}}]',
    '{"after":{"code":"RAV-1","contact_email":null,"contact_name":null,"contact_phone":null,"'
    'contact_user":null,"kind":"RAV","name":"Unit RAV-1"},"before":null}',
    '{"after":{"search_suspended_from":"2016-12-23","search_suspended_until":"2017-01-22","su'
    'spensions":[["2016-12-23","2017-01-22",null]]},"before":{"suspensions":[]}}',
    '{"after":{"reason":"other","reason_note":"","search_resumed_on":"2017-01-12","search_sus'
    'pended_from":"2017-01-02","search_suspended_until":"2017-02-01","status":"withdrawn","su'
    'spensions":[["2017-01-02","2017-02-01","2017-01-12"]],"withdrawn_on":"2017-01-12"},"befo'
    're":{"reason":null,"reason_note":null,"search_resumed_on":null,"search_suspended_from":"'
    '2017-01-02","search_suspended_until":"2017-02-01","status":"accepted","suspensions":[["2'
    '017-01-02","2017-02-01",null]],"withdrawn_on":null}}',
    '{"after":{"decided_on":"2016-12-13","reason":"other","reason_note":"","status":"rejected'
    '"},"before":{"decided_on":null,"reason":null,"reason_note":null,"status":"referred"}}',
    '{"after":{"closed_on":"2017-05-10","employed":true,"outcome":"achieved","status":"closed'
    '"},"before":{"closed_on":null,"employed":null,"outcome":null,"status":"accepted"}}',
    '{"after":{"decided_on":"2016-12-06","due_on":"2017-06-06","receiving_counsellor":"","sta'
    'tus":"accepted"},"before":{"decided_on":null,"due_on":null,"receiving_counsellor":null,"'
    'status":"referred"}}',
    '{"after":{"ahv":"","birth_date":"1960-01-01","client":"C-0001","consent_on":"2016-11-30"'
    ',"consent_withdrawn_on":null,"counsellor":"","external_ref":"","health_suspected":false,'
    '"institution":"SD-19","iv_measures_running":false,"iv_procedure_open":false,"iv_rejected'
    '_on":null,"municipality":"","name":"","rav_registered_until":null,"work_capacity":null,"'
    'work_capacity_assessed_on":null},"before":null}',
    '{"after":{"case":"OPT-2016-0001","cause":null,"client":"C-0001","close_note":null,"close'
    'd_on":null,"decided_on":null,"due_on":null,"employed":null,"extended_on":null,"findings"'
    ':[{"key":"consent/4","kind":"never","result":"pass","rule":"consent","values":{"consent_'
    'on":"2016-11-30"}},{"key":"other-kind/2","kind":"never","result":"pass","rule":"other-ki'
    'nd","values":{"receiver_kind":"RAV","referrer_kind":"SD"}},{"key":"no-open-referral/2","'
    'kind":"never","result":"pass","rule":"no-open-referral","values":{"receiver":"RAV-5"}},{'
    '"key":"work-capacity/6","kind":"hard","result":"warn","rule":"work-capacity","values":{"'
    'command":"optima client update CLIENT --work-capacity yes|no"}},{"key":"rav-registration'
    '/2","kind":"warn","result":"warn","rule":"rav-registration","values":{}},{"key":"rav-rec'
    'ent/3","kind":"warn","result":"pass","rule":"rav-registered-recently","values":{}},{"key'
    '":"workable/4","kind":"warn","result":"warn","rule":"workable-in-period","values":{}}],"'
    'goal":"","handback":null,"months":6,"outcome":null,"override":null,"reason":null,"reason'
    '_note":null,"receiver":"RAV-5","receiving_counsellor":null,"referred_on":"2016-11-30","r'
    'eferrer":"SD-19","referring_counsellor":"","search_suspended_from":null,"search_suspende'
    'd_until":null,"settings_version":0,"status":"referred","topics":["placement"],"withdrawn'
    '_on":null,"workable":null},"before":null}',
)).encode("utf-8")


# a window of 4 KiB (the dictionary fits, a value is short) and little memory: a third faster than
# zlib's defaults at the same size, and a copy of it primed with the dictionary faster again than
# priming one for each value; any raw-deflate reader with the dictionary reads what it writes
_PRIMED = zlib.compressobj(9, zlib.DEFLATED, -12, 4, zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY_V1)


def pack(text: str) -> str:
    """`text` as stored: the tag and the deflated text in base64 (the text itself if shorter)."""
    squeeze = _PRIMED.copy()
    raw = squeeze.compress(text.encode("utf-8")) + squeeze.flush()
    packed = TAG + base64.b64encode(raw).decode("ascii")
    return packed if len(packed) < len(text) else text  # "[]" stays "[]"


def unpack(stored: str) -> str:
    """The text a stored value holds; a value not packed (or not unpackable) as it is stored."""
    if not stored.startswith(TAG) or len(stored) == len(TAG):
        return stored
    try:
        swell = zlib.decompressobj(-15, zdict=DICTIONARY_V1)
        raw = swell.decompress(base64.b64decode(stored[len(TAG):], validate=True)) + swell.flush()
        if swell.eof and not swell.unused_data:  # the whole of one deflated text, nothing after
            return raw.decode("utf-8")
    except (ValueError, zlib.error, binascii.Error, UnicodeDecodeError):
        pass
    return stored  # not packed by optima: shown as it is, and verify names its payload


class PackedText(TypeDecorator[str]):
    """A text column stored packed (`pack`) and read unpacked (`unpack`)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else unpack(value)
