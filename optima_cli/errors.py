"""The one error type of optima: a refusal the user reads, and an exit code.

A refusal of the rules is structured (`OptimaError.refused`): a code (a stable identifier such as
`note-required`), its values, and the field at fault as a key of the record (reason_note, months,
on, until), never an option, a column, a sentence or a language. Its sentence is the English
template of the code (optima_cli/catalogue/en.py, REFUSALS), said in the reader's language where
it is read: the command line names the field and the other fields the sentence names (`names`)
with its options (cli/options.py `said`), the import with its columns. `message` is the sentence
with the fields named by their keys, for those who print it as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Self


class OptimaError(Exception):
    """Something was refused. The message is one line for the user: what is wrong and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the value at fault (its key, an option or import column), where known
        self.code: str | None = None  # the refusal's code (catalogue/en.py), if it has one
        self.values: dict[str, Any] = {}
        # placeholder -> the key of another field it names (or keys, said as "a and b")
        self.names: dict[str, str | tuple[str, ...]] = {}

    @classmethod
    def refused(cls, code: str, /, field: str | None = None,
                names: Mapping[str, str | tuple[str, ...]] | None = None, **values: Any) -> Self:
        """The refusal `code` with its values; `field` is the key of the value at fault (the
        sentence names it as {field}), `names` the placeholders that name other fields by key."""
        error = cls(code)
        error.field, error.code, error.values, error.names = field, code, values, dict(names or {})
        error.message = error.said(lambda key: key)
        error.args = (error.message,)
        return error

    def said(self, name: Callable[[str], str]) -> str:
        """The refusal in the current language, each field it names said by `name(key)` (an
        option, a column); a message without a code as it is."""
        if self.code is None:
            return self.message
        from optima_cli.catalogue.en import both, sentence

        named = {placeholder: both([name(k) for k in key]) if isinstance(key, tuple) else name(key)
                 for placeholder, key in self.names.items()}
        if self.field is not None:
            named["field"] = name(self.field)
        return sentence(self.code, self.values, named)

    def naming(self, name: str) -> str:
        """The message with `name` (an option, a column) for the value at fault, other fields by
        their keys; the message as it is when it does not name the value."""
        return self.said(lambda key: name if key == self.field else key)


class UsageProblem(OptimaError):
    """The input itself is malformed: an impossible date, an unknown code, a missing value."""

    exit_code = 2


class NotFound(OptimaError):
    """A client, case or institution that does not exist."""


class ReferralBlocked(OptimaError):
    """An access criterion refuses the referral; `rules` names the criteria, `justifiable` says
    whether a recorded justification (override) would lift them."""

    def __init__(self, message: str, rules: list[str] | None = None,
                 justifiable: bool = False) -> None:
        super().__init__(message)
        self.rules = rules or []
        self.justifiable = justifiable
