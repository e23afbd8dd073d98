"""What Click and Typer say about a malformed command line, in the language of the command.

Typer 0.29 ships its own copy of Click (typer._click), whose messages are f-strings, not gettext;
Typer's own few messages go through gettext (`from gettext import gettext as _` in typer.core).
So Typer's are translated through gettext, pointed at our catalogue (cli/root.py,
`_typer_gettext`), and Click's are said again from the exception's class and attributes (the option,
the hint of the parameter, the error pydantic reports): each is compared with the message Click
itself builds from those attributes, and only a message that is exactly Click's is said in our
words. Nothing is read back out of an English sentence; a message of a kind not known here is
shown as Click wrote it.
"""

from __future__ import annotations

from typing import Any

from typer import _click
from typer._click.exceptions import _join_param_hints
from typer._click.utils import _escape_control_characters

from optima_cli.language import t


def said(exc: _click.exceptions.ClickException) -> str:
    """Click's message of `exc` in the language of the command (as Click wrote it if it is none
    of those known here)."""
    if isinstance(exc, _click.exceptions.NoSuchOption):
        return _no_such_option(exc)
    if isinstance(exc, _click.exceptions.MissingParameter):
        return _missing(exc)
    if isinstance(exc, _click.exceptions.BadParameter):
        return _bad_parameter(exc)
    if isinstance(exc, _click.exceptions.BadOptionUsage):
        name = repr(exc.option_name)
        if exc.message == f"Option {name} does not take a value.":
            return t("Option {name} does not take a value", name=name)
        if exc.message == f"Option {name} requires an argument.":
            return t("Option {name} requires an argument", name=name)
        return exc.format_message()
    extra = exc.ctx.args if isinstance(exc, _click.exceptions.UsageError) and exc.ctx else None
    prefix = "Got unexpected extra argument(s) ("
    if exc.message.startswith(prefix) and exc.message.endswith(")") and extra is not None:
        return t("Got unexpected extra argument(s) ({args})", args=exc.message[len(prefix):-1])
    return exc.format_message()


def _no_such_option(exc: _click.exceptions.NoSuchOption) -> str:
    name = _escape_control_characters(exc.option_name)
    if exc.message != f"No such option: {name}":
        return exc.format_message()
    if exc.possibilities:
        return t("No such option: {name} (Possible options: {options})", name=name,
                 options=", ".join(sorted(exc.possibilities)))
    return t("No such option: {name}", name=name)


def _hint(exc: _click.exceptions.BadParameter) -> str | None:
    if exc.param_hint is not None:
        return _join_param_hints(exc.param_hint)
    if exc.param is not None:
        return _join_param_hints(exc.param.get_error_hint())
    return None


def _missing(exc: _click.exceptions.MissingParameter) -> str:
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else None)
    extra = exc.param.get_missing_message(ctx=exc.ctx) if exc.param is not None else None
    name = _hint(exc)
    if exc.message or extra or not name:
        return exc.format_message()
    if kind == "option":
        return t("Missing option {name}", name=name)
    if kind == "argument":
        return t("Missing argument {name}", name=name)
    return t("Missing parameter: {name}", name=name)


def _bad_parameter(exc: _click.exceptions.BadParameter) -> str:
    problem = _problem(exc)
    name = _hint(exc)
    if name is None:
        return t("Invalid value: {problem}", problem=problem)
    return t("Invalid value for {name}: {problem}", name=name, problem=problem)


def _problem(exc: _click.exceptions.BadParameter) -> str:
    """The problem with a value: optima's own message as it is (said already), or the error that
    pydantic reports for Typer (its type and values), in our words."""
    cause: Any = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") and callable(cause.errors) else None
    if not errors:
        return exc.message
    error = errors[0]
    kind, context = error.get("type"), error.get("ctx") or {}
    if kind == "greater_than_equal":
        return t("Input should be greater than or equal to {limit}", limit=context["ge"])
    if kind == "less_than_equal":
        return t("Input should be less than or equal to {limit}", limit=context["le"])
    if kind == "int_parsing":
        return t("Input should be a valid integer, unable to parse string as an integer")
    if kind == "value_error":  # typer's choices: "{value!r} is not one of {choices}."
        value, text = repr(error.get("input")), str(context.get("error", ""))
        start = f"{value} is not one of "
        if text.startswith(start) and text.endswith("."):
            return t("Value error, {value} is not one of {choices}", value=value,
                     choices=text[len(start):-1])
    return exc.message
