"""The daily digest by e-mail (issue 18, `optima notify`): what awaits each contact person, and the
mail server it goes through.

An `Item` is one thing that awaits a unit (a referral to decide, a decision overdue, a mandate
ending, ...), named by case ids, unit codes and dates only: e-mail is not a safe channel, so no
name and no health detail ever goes into one. Its `key` says what it is once: an item goes to an
address once, and an item that changes (a mandate extended to a new end) is a new item.
`digests` decides what each address receives: its units' items not yet delivered to it.

`MailSettings` is the mail server, set with `optima settings set mail-host ...` and kept in the
database; the password is never stored there nor given on the command line (the environment or a
file, read when sending).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.rules import text as texts
from optima_cli.rules.deadlines import DueKind

PASSWORD_VARIABLE = "OPTIMA_SMTP_PASSWORD"  # the environment variable that may hold the password

# the warnings of `due` that await the unit that works the case; the others (a job-search
# suspension ending) await the unit that referred it, the RAV that suspended the search
FOR_RECEIVER = frozenset({DueKind.OVERDUE, DueKind.DUE_SOON, DueKind.DECISION_LATE})


class Item(NamedTuple):
    """One thing that awaits a unit: its unit's code, what it is once (`key`), its day, the line
    that says it (case ids, unit codes and dates only), and the counsellor of the unit it concerns
    (the case's receiving or referring counsellor, by name), if any."""

    unit: str
    key: str
    day: date
    line: str
    counsellor: str | None = None


@dataclass(frozen=True)
class Digest:
    """What one address receives: the units whose items it gets, and their new items."""

    to: str
    units: tuple[str, ...]
    items: tuple[Item, ...]


def digests(items: Iterable[Item], addresses: Mapping[str, str | None],
            sent: set[tuple[str, str]],
            counsellors: Mapping[tuple[str, str], str] | None = None) -> tuple[list[Digest], list[str]]:
    """The digests to send (by address, in order), each with the items not yet delivered to it
    (`sent`: (address, key)), soonest first; and the units with items but no contact address.
    An item goes to its unit's contact person (`addresses`: each unit's contact e-mail, None:
    none) and to its counsellor where the unit gave their address (`counsellors`: (unit, name)
    -> e-mail); once to an address that is both."""
    by_address: dict[str, dict[str, Item]] = {}
    units: dict[str, set[str]] = {}
    unreachable: set[str] = set()
    for item in items:
        contact = addresses.get(item.unit)
        if not contact:
            unreachable.add(item.unit)
        own = (counsellors or {}).get((item.unit, item.counsellor or ""))
        for address in {a.lower() for a in (contact, own) if a}:
            units.setdefault(address, set()).add(item.unit)
            if (address, item.key) not in sent:
                by_address.setdefault(address, {})[item.key] = item
    found = [Digest(to, tuple(sorted(units[to])),
                    tuple(sorted(held.values(), key=lambda i: (i.day, i.key))))
             for to, held in sorted(by_address.items())]
    return found, sorted(unreachable)


# --- the mail server -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MailSettings:
    """The mail server `optima notify` sends through."""

    host: str | None = None
    port: int = 587
    starttls: bool = True
    sender: str | None = None
    user: str | None = None
    password_file: str | None = None


# the keys of `optima settings set` for the mail server, and the attribute of each
MAIL_KEYS = {"mail-host": "host", "mail-port": "port", "mail-starttls": "starttls",
             "mail-sender": "sender", "mail-user": "user", "mail-password-file": "password_file"}
_YES, _NO = {"yes", "ja", "true", "1", "on"}, {"no", "nein", "false", "0", "off"}


def is_mail_key(key: str) -> bool:
    return (key or "").strip().lower() in MAIL_KEYS


def parse_mail(key: str, raw: str) -> Any:
    """The value of a mail key as typed; "" clears it (back to its default)."""
    key, value = key.strip().lower(), (raw or "").strip()
    if not value:
        return getattr(MailSettings(), MAIL_KEYS[key])
    if key == "mail-port":
        if not (value.isascii() and value.isdigit() and 0 < int(value) < 65536):
            raise UsageProblem.refused("mail-port", "value", value=repr(value))
        return int(value)
    if key == "mail-starttls":
        if value.lower() not in _YES | _NO:
            raise UsageProblem.refused("mail-yes-no", "value", key=key, value=repr(value))
        return value.lower() in _YES
    if key == "mail-sender" and not _address(value):
        raise UsageProblem.refused("mail-address", "value", value=repr(value))
    if any(c.isspace() for c in value) and key != "mail-password-file":
        raise UsageProblem.refused("mail-spaces", "value", key=key, value=repr(value))
    return texts.free_text(value, "value")


def _address(value: str) -> bool:
    name, at, domain = value.rpartition("@")
    return bool(at and name and "." in domain and not any(c.isspace() or c in "<>,;" for c in value))


def replace_mail(settings: MailSettings, key: str, value: Any) -> MailSettings:
    """`settings` with the mail key `key` set to `value` (parsed)."""
    return replace(settings, **{MAIL_KEYS[key]: value})


def mail_settings(stored: Mapping[str, str]) -> MailSettings:
    """The mail server from the stored values (by key, as text); a value that no longer reads is
    left at its default."""
    settings = MailSettings()
    for key in MAIL_KEYS:
        if key in stored:
            try:
                settings = replace_mail(settings, key, parse_mail(key, stored[key]))
            except OptimaError:
                continue
    return settings


def shown(settings: MailSettings, key: str) -> str:
    """A mail setting's value as `settings show` writes it."""
    value = getattr(settings, MAIL_KEYS[key])
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def ready(settings: MailSettings) -> None:
    """Refuse to send without a server and a sender."""
    if not settings.host:
        raise OptimaError.refused("mail-no-host")
    if not settings.sender:
        raise OptimaError.refused("mail-no-sender")
