"""What the commands share: option types, parsing into domain values, output in three formats."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from optima_cli.errors import OptimaError, UsageProblem
from optima_cli.language import t
from optima_cli.render.formats import Format, to_csv, to_json
from optima_cli.rules import codes
from optima_cli.rules.dates import parse_date

if TYPE_CHECKING:
    from optima_cli.records.fields import RecordField
    from optima_cli.workflow.context import Context

E = TypeVar("E", bound=StrEnum)


def lazy_module(name: str) -> ModuleType:
    """A module that is imported on first use: the renderers pull in most of Rich, which
    `optima --help` should not pay for."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


terminal = lazy_module("optima_cli.render.terminal")
tables = lazy_module("optima_cli.render.tables")
CLEAR = "none"  # `client update --iv-rejected-on none` clears a date


def context(ctx: typer.Context) -> Context:
    """The workflow context: database, acting user, today. Imported here, lazily, because it
    pulls in SQLModel, which `optima --help` should not pay for."""
    from optima_cli.workflow.context import Context

    settings = ctx.find_root().obj
    return Context(db_path=settings.db, user=settings.user)


def date_value(text: str) -> date:
    try:
        return parse_date(text)
    except UsageProblem as exc:
        raise typer.BadParameter(exc.message) from None


def _date_or_clear(text: str) -> Any:
    if text.strip().lower() == CLEAR:
        return CLEAR
    return date_value(text)


# the code group each option parser reads, so that `optima shell` completes its codes
PARSED_CODES: dict[Callable[[str], Any], type[StrEnum]] = {}


def code_parser(group: type[E]) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return codes.parse_code(group, text)
        except UsageProblem as exc:
            raise typer.BadParameter(exc.message) from None
    PARSED_CODES[parse] = group
    return parse


def _code_or_clear(group: type[E]) -> Callable[[str], Any]:
    """A code of a group, or its missing value by name (`not-assessed`) as CLEAR."""
    def parse(text: str) -> Any:
        try:
            found = codes.parse_code_or_none(group, text)
        except UsageProblem as exc:
            raise typer.BadParameter(exc.message) from None
        return CLEAR if found is None else found
    PARSED_CODES[parse] = group
    return parse


def yes_no(text: str) -> bool:
    """yes or no (German ja or nein too), as an import cell is read."""
    try:
        return codes.parse_yes_no(text)
    except UsageProblem as exc:
        raise typer.BadParameter(exc.message) from None


def _topics(text: str) -> tuple[codes.Topic, ...]:
    try:
        return codes.parse_topics(text)
    except UsageProblem as exc:
        raise typer.BadParameter(exc.message) from None


PARSED_CODES[_topics] = codes.Topic  # comma-separated


def date_option(*names: str, help: str) -> Any:
    return typer.Option(*names, parser=date_value, metavar="DATE", help=help)


def fact_date_option(*names: str, help: str) -> Any:
    return typer.Option(*names, parser=_date_or_clear, metavar="DATE", help=help)


def field_option(field: RecordField) -> Any:
    """The option of a record's field (store.record_fields), by the type of its values: a date
    (given as 'none' to clear it), a flag pair (--x/--no-x), a yes or no (--x yes|no, an answer
    that may be missing), a code of a code table (`read`, with the name of its missing value to
    clear it), or text."""
    group = getattr(codes, field.read, None) if field.read else None
    if isinstance(group, type) and issubclass(group, StrEnum):
        return Annotated[Any, typer.Option(field.option, parser=_code_or_clear(group),
                                           metavar=field.metavar, help=field.help)]
    if field.type is date:
        return Annotated[Any, fact_date_option(field.option, help=field.help)]
    if field.type is bool and "/" not in field.option:
        return Annotated[Any, typer.Option(field.option, parser=yes_no, metavar=field.metavar or "yes|no",
                                           help=field.help)]
    if field.type is bool:
        return Annotated[bool | None, typer.Option(field.option, help=field.help)]
    return Annotated[str | None, typer.Option(field.option, metavar=field.metavar, help=field.help)]


F = TypeVar("F", bound=Callable[..., Any])


def with_field_options(fields: Sequence[RecordField]) -> Callable[[F], F]:
    """A command that takes the options of `fields` (in their order, before --format) as its
    keyword arguments `**values`: each option typed once, in the record's definition."""
    def add(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        at = next(i for i, p in enumerate(own) if p.name == "fmt")
        added = [inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                   annotation=field_option(f)) for f in fields]
        command.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*own[:at], *added, *own[at:]])
        command.__annotations__ = {**command.__annotations__,
                                   **{p.name: p.annotation for p in added}}
        return command
    return add


On = Annotated[date | None, date_option(
    "--on", help="When it happened (default today): 2026-11-20 or 20.11.2026.")]
AsOf = Annotated[date | None, date_option(
    "--as-of", help="Show the state of this day instead of today.")]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", case_sensitive=False, help="table for people; json or csv for scripts.")]
Topics = Annotated[Any, typer.Option(  # a tuple of Topic, or None (Typer reads a tuple type as nargs)
    "--topics", parser=_topics, metavar="T[,T]",
    help=f"Topics, comma-separated: {codes.choices(codes.Topic)}.")]
OutcomeOpt = Annotated[codes.Outcome, typer.Option(
    "--outcome", parser=code_parser(codes.Outcome), metavar="CODE",
    help=f"{codes.choices(codes.Outcome)}.")]
CauseOpt = Annotated[codes.Cause | None, typer.Option(
    "--cause", parser=code_parser(codes.Cause), metavar="CODE",
    help=f"With not-achieved (required) or partly: {codes.choices(codes.Cause)}.")]
Note = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Free text, kept with the case.")]
MAX_WITHIN = 3650  # days: ten years ahead is the most a deadline can be looked for
Within = Annotated[int | None, typer.Option(
    "--within", min=0, max=MAX_WITHIN, metavar="DAYS",
    help="Look this many days ahead (default: the setting due-days, 14 unless changed).")]
TABLE_ROWS = 50  # rows a table shows unless --limit says otherwise: a screenful, not 10,000 lines
MAX_ROWS = 10**9  # the largest --limit: more than any database holds, less than its integers
Limit = Annotated[int | None, typer.Option(
    "--limit", min=0, max=MAX_ROWS, metavar="N",
    help=f"Show at most N rows; 0 for all. Default: {TABLE_ROWS} in a table, all in JSON and CSV.")]


# The option that gives each value the rules name by its key (errors.OptimaError.refused): a
# refusal is said with the options the user typed, not with the keys (the import says the columns).
# A key not here is said as it is.
OPTIONS = {
    "on": "--on", "from": "--from", "until": "--until", "to": "--to", "months": "--months",
    "topics": "--topics", "institution": "--from", "reason": "--reason",
    "withdraw_reason": "--reason", "outcome": "--outcome", "cause": "--cause",
    "month": "--month", "quarter": "--quarter", "year": "--year",
    "name": "--name", "birth_date": "--birth-date", "ahv": "--ahv",
    "municipality": "--municipality", "external_ref": "--external-ref",
    "consent_on": "--consent-on", "consent_withdrawn_on": "--consent-withdrawn-on",
    "iv_rejected_on": "--iv-rejected-on",
    "work_capacity": "--work-capacity", "work_capacity_assessed_on": "--work-capacity-on",
    "counsellor": "--counsellor", "referring_counsellor": "--counsellor",
    "receiving_counsellor": "--counsellor",
    "goal": "--goal", "override": "--override",
    "note": "--note", "reason_note": "--note", "withdraw_note": "--note", "close_note": "--note",
    "contact_name": "--contact", "contact_email": "--email", "contact_phone": "--phone",
    "why": "--why",
    "code": "CODE",
    # the corrections of `optima amend` (issue 17)
    "referred_on": "--referred-on", "decided_on": "--decided-on",
    "closed_on": "--closed-on",
    # the case journal (issue 18)
    "text": "TEXT", "entry": "--strike",
    # joint strategies (issue 18)
    "with": "--with", "review_on": "--review-on", "next": "--next", "from_case": "--from-case",
    # measures and their cost (issue 19)
    "cost": "--cost", "approved_on": "--approved-on", "measure": "N",
    # follow-ups after the closing (issue 19)
    "at": "--at", "since": "--since", "situation": "--situation",
    # access on the shared server (issue 20)
    "lead": "--lead",
    "login": "LOGIN", "unit": "--unit", "coordinator": "--coordinator", "admin": "--admin",
}


def said(error: OptimaError) -> str:
    """A refusal as the command line says it, in the language of the command: the value at fault
    and the other values it names by their options."""
    return error.said(lambda key: OPTIONS.get(key, key))


def rows_shown(limit: int | None, fmt: Format) -> int | None:
    """How many rows to show: as asked, else a screenful in a table and all for scripts."""
    if limit is not None:
        return limit or None
    return TABLE_ROWS if fmt == Format.TABLE else None


def require(value: Any, option: str, question: str, parse: Callable[[str], Any] | None = None) -> Any:
    """A required value: asked for on a terminal, a usage error elsewhere. A wrong answer (one
    that `parse` refuses) is asked for again, with the reason."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageProblem(t("missing option {option} (see --help)", option=option))
    return asked(option, question, parse)


def asked_on_terminal(value: Any, option: str, question: str, parse: Callable[[str], Any],
                      optional: bool = False) -> Any:
    """A value that may stay unanswered: asked for on a terminal, None elsewhere (a script, a
    cron job, stdin from a file), where the rules say what its absence means. `optional`: an
    empty answer leaves it None on the terminal too."""
    if value is not None or not sys.stdin.isatty():
        return value
    return asked(option, question, parse, optional)


def asked(option: str, question: str, parse: Callable[[str], Any] | None = None,
          optional: bool = False) -> Any:
    """Asked on the terminal until `parse` takes the answer; a wrong one is said with the reason.
    `optional`: an empty answer is None."""
    while True:
        answer = _ask(question, option, optional)
        if optional and not answer.strip():
            return None
        try:
            return parse(answer) if parse else answer
        except typer.BadParameter as exc:
            terminal.message(f"  {exc.message}")
        except OptimaError as exc:
            terminal.message(f"  {said(exc)}")


def _ask(question: str, option: str, optional: bool = False) -> str:
    """One answer, as text; an empty one is asked again unless `optional` (Ctrl-D aborts; Ctrl-C
    interrupts)."""
    from optima_cli.cli.root import text_problem

    while True:
        try:
            answer = input(f"{question}: ")
        except EOFError:
            raise typer.Abort() from None
        except UnicodeDecodeError:
            answer = "\udcff"  # bytes that are not UTF-8: said below, as for an argument
        problem = text_problem(option, answer)
        if problem:
            terminal.message(f"  {problem.message}")
        elif answer or optional:
            return answer


def print_data(text: str, nl: bool = True) -> None:
    """Data or a path on stdout: in a pipe or a file exactly as it is; on a terminal with
    control characters shown as codes (render.inert.visible), so that no stored or typed text
    acts on the terminal. Not click.echo: off a terminal it strips what looks like colour codes,
    which changes the data."""
    if sys.stdout.isatty():
        from optima_cli.render.inert import visible

        text = visible(text)
    sys.stdout.write(text + "\n" if nl else text)
    sys.stdout.flush()


def emit_changed(result: dict[str, Any], key: str, fmt: Format, sentence: str) -> None:
    """A changed record (a joint strategy, a measure): its `key` on stdout and a sentence on
    stderr in a table; the whole record as JSON or CSV."""
    if fmt == Format.TABLE:
        print_data(str(result[key]))
        terminal.message(sentence)
    else:
        emit(result, fmt, lambda d: None)


def emit(data: Any, fmt: Format, table: Callable[[Any], None]) -> None:
    """Data to stdout in the chosen format."""
    if fmt == Format.JSON:
        print_data(to_json(data))
    elif fmt == Format.CSV:
        print_data(to_csv(data), nl=False)
    else:
        table(data)
