"""Packed values (records/packing.py): what is stored is smaller, what is read is the very text
that was written, so every hash over it still holds."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from optima_cli.records.packing import TAG, pack, unpack

PAYLOAD = json.dumps({"after": {"decided_on": "2026-11-02", "due_on": "2027-05-02",
                                "receiving_counsellor": "Zürcher Müller", "status": "accepted"},
                      "before": {"decided_on": None, "due_on": None, "receiving_counsellor": None,
                                 "status": "referred"}}, sort_keys=True, ensure_ascii=False,
                     separators=(",", ":"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)


def test_a_payload_is_stored_packed_and_read_as_written():
    stored = pack(PAYLOAD)
    assert stored.startswith(TAG) and stored.isascii()
    assert len(stored) < len(PAYLOAD) / 2
    assert unpack(stored) == PAYLOAD


def test_what_packing_would_not_shorten_is_stored_as_it_is():
    assert pack("[]") == "[]" and unpack("[]") == "[]"


def test_a_value_not_packed_by_optima_is_read_as_it_is():
    for stored in ('{"after":{"status":"closed"},"before":null}', "z1not packed", "", "z1"):
        assert unpack(stored) == stored


@given(json_values)
def test_any_json_text_comes_back_unchanged(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, separators=(",", ":"))):
        assert unpack(pack(text)) == text


def test_a_packed_value_cut_short_or_lengthened_is_read_as_it_is_stored():
    stored = pack(PAYLOAD)
    for changed in (stored[:-8], stored + "AAAA", stored[:20] + "!" + stored[21:]):
        assert unpack(changed) == changed
