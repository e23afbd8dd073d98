"""The one error type of optima: a message written for the user and an exit code."""

from __future__ import annotations


class OptimaError(Exception):
    """Something was refused. The message is one line for the user: what is wrong and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the value at fault (an option or import column), where known


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
