"""The table of `optima access list`: who may use the shared server, with which role."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from optima_cli.language import t, t_
from optima_cli.render.terminal import out, table

# the kinds of role (rules/access.py KINDS) as the table says them
KIND_NAMES = {"unit": t_("unit member"), "coordinator": t_("coordinator"), "admin": t_("administrator")}


def roles(items: list[dict[str, Any]]) -> None:
    if not items:
        out().print(Text(t("no login has a role of optima; give one with `optima access grant`")))
        return
    out().print(table([t("login"), t("role"), t("unit")],
                      [[r["login"], t(KIND_NAMES[r["role"]]), r["unit"] or ""] for r in items]))
