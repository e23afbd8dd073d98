"""What a client's record may hold: the checks of `register`, `client update` and the import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import text
from optima_cli.rules.codes import WorkCapacity
from optima_cli.rules.dates import ensure_birth_date, ensure_not_future
from optima_cli.rules.identity import format_client_id, name_key, normalize_ahv

REQUIRED = ("name", "birth_date", "institution")
DATE_FIELDS = ("consent_on", "consent_withdrawn_on", "iv_rejected_on", "work_capacity_assessed_on")


def _at(field: str, check: Callable[..., Any], *args: Any) -> Any:
    """Run a check; a refusal names the field it is about."""
    try:
        return check(*args)
    except OptimaError as exc:
        exc.field = exc.field or field
        raise


def assessed_on(values: dict[str, Any], day: date) -> dict[str, Any]:
    """An assessment of work capacity given without its day is of `day` (the day of the update);
    `not assessed` has none."""
    if "work_capacity" not in values or "work_capacity_assessed_on" in values:
        return values
    given = values["work_capacity"]
    return {**values, "work_capacity_assessed_on": day if given is not None else None}


def clean(values: dict[str, Any], today: date) -> dict[str, Any]:
    """Clean and check the given values; returns the values to store (a name with the key that
    clients are compared by, an assessment of work capacity with its day)."""
    out = assessed_on(dict(values), today)
    if out.get("work_capacity") is not None:
        out["work_capacity"] = WorkCapacity(out["work_capacity"]).value  # stored as plain text
    if "name" in out:
        out["name"] = text.name(out["name"] or "", "name")
        out["name_key"] = name_key(out["name"])
    if "birth_date" in out:
        if out["birth_date"] is None:
            raise UsageProblem.refused("not-clearable", "birth_date")
        _at("birth_date", ensure_birth_date, out["birth_date"], today)
    if out.get("ahv"):
        out["ahv"] = _at("ahv", normalize_ahv, out["ahv"])
    if "ahv" in out and isinstance(out["ahv"], str):
        out["ahv"] = out["ahv"].strip() or None
    for key in ("municipality", "counsellor", "external_ref"):
        if key in out and isinstance(out[key], str):
            out[key] = text.optional_name(out[key], key)
    for key in DATE_FIELDS:
        if out.get(key) is not None:
            _at(key, ensure_not_future, out[key], today, key)
    return out


def require(values: dict[str, Any]) -> None:
    """A new client needs a name, a birth date and the unit where they are registered."""
    for name in REQUIRED:
        if values.get(name) is None:
            raise UsageProblem.refused("value-required", name)


def check_consent(consent_on: date | None, birth_date: date) -> None:
    # A withdrawal before the consent date means the consent was given again afterwards.
    if consent_on and consent_on < birth_date:
        raise OptimaError.refused("consent-before-birth", "consent_on", consent_on=consent_on,
                                  birth_date=birth_date)


def check_work_capacity(work_capacity: str | None, assessed: date | None,
                        birth_date: date) -> None:
    """The day of an assessment of work capacity goes with an assessment, after the birth (the
    day may be unknown: migration 0006 carried assessments over without one)."""
    if assessed is None:
        return
    if work_capacity is None:
        raise OptimaError.refused("work-capacity-day-alone", "work_capacity_assessed_on",
                                  names={"assessment_field": "work_capacity"})
    if assessed < birth_date:
        raise OptimaError.refused("work-capacity-before-birth", "work_capacity_assessed_on",
                                  assessed_on=assessed, birth_date=birth_date)


def duplicate(other_id: int, by_ahv: bool) -> OptimaError:
    """The refusal of a client who is already there as `other_id` (same AHV number, or same name
    and birth date)."""
    other = format_client_id(other_id)
    if by_ahv:
        return OptimaError.refused("same-ahv", "ahv", other=other)
    return OptimaError.refused("same-name", "name", other=other)


def check_born_before_referral(birth_date: date, referral: tuple[str, date] | None,
                               field: str = "birth_date") -> None:
    """A client is born before being referred: a birth date after a referral (its case id and
    day; the client's first one, or the one being made; None: none) is refused. `field` is the
    value to blame: the birth date when it is corrected, the referral's day when one is made."""
    if referral is None:
        return
    case, referred_on = referral
    if birth_date > referred_on:
        raise OptimaError.refused("born-after-referral", field, birth_date=birth_date, case=case,
                                  referred_on=referred_on)
