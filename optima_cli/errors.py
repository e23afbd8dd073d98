"""The one error type of optima: a message written for the user and an exit code.

A refusal of one value (a name, a note, the day of an action) names the value by its key in the
rules (withdraw_note, contact_phone, --on) as `{field}` of its template (`about`); each reader says
it again with the name the user knows (`naming`): the command line with the option typed, the
import with the column of the file."""

from __future__ import annotations

from typing import Any, Self


class OptimaError(Exception):
    """Something was refused. The message is one line for the user: what is wrong and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the value at fault (its key, an option or import column), where known
        self.template: str | None = None  # the template naming the value as {field}, if any
        self.values: dict[str, Any] = {}

    @classmethod
    def about(cls, field: str, template: str, /, **values: Any) -> Self:
        """A refusal of the value `field`, whose template (marked with t_) names it as {field};
        its message names it by `field` until a reader says it with its own name (`naming`)."""
        error = cls(_said(template, field, values), field)
        error.template, error.values = template, values
        return error

    def naming(self, name: str) -> str:
        """The message with `name` (an option, a column) for the value at fault; the message as it
        is when it does not name the value."""
        return self.message if self.template is None else _said(self.template, name, self.values)


def _said(template: str, field: str, values: dict[str, Any]) -> str:
    from optima_cli.language import Sentence

    return Sentence(template, (*values.items(), ("field", field))).text()


class UsageProblem(OptimaError):
    """The input itself is malformed: an impossible date, an unknown code, a missing value."""

    exit_code = 2


class NotFound(OptimaError):
    """A client, case or institution that does not exist."""


class ReferralBlocked(OptimaError):
    """An access criterion refuses the referral; `rules` names the criteria, `justifiable` says
    whether a recorded justification (override) would lift them."""

    def __init__(self, message: str, rules: list[str], justifiable: bool) -> None:
        super().__init__(message)
        self.rules = rules
        self.justifiable = justifiable
