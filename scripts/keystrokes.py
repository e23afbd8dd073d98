"""Count the keystrokes of one case, typed as whole commands and in `optima shell`.

    python scripts/keystrokes.py

One case: register a client, refer it, accept it, write a note. What is counted: every character
typed (a capital letter or a quote is one keystroke, Shift is not counted), one for each Enter and
one for each TAB. Before: each command typed in full, `optima ` included, the ids that `register`
and `refer` printed typed again. In the shell: `.` for those ids, and a word completed with TAB
wherever that takes fewer keys: the shortest prefix after which the shell's own completion
(cli/shell.py, on a fresh database in a temporary folder) offers that word alone, then TAB, which
also types the space after it. Values in quotes, dates and free text are typed in full. Entering
the shell (`optima shell` and Enter) is counted once per session, not per case.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# one case, as a counsellor types it (the ids those of a fresh database)
BEFORE = [
    'optima register --name "Muster Hans" --birth-date 12.03.1980 --from SD --consent-on 02.11.2026',
    "optima refer C-0001 --to RAV --topics placement,finances --months 3 --workable yes",
    'optima accept OPT-2026-0001 --counsellor "B. Keller"',
    'optima note OPT-2026-0001 "Erstgespräch: Budget besprochen"',
]
IN_SHELL = [
    'register --name "Muster Hans" --birth-date 12.03.1980 --from SD --consent-on 02.11.2026',
    "refer . --to RAV --topics placement,finances --months 3 --workable yes",
    'accept . --counsellor "B. Keller"',
    'note . "Erstgespräch: Budget besprochen"',
]
ENTER_SHELL = "optima shell"


def typed_in_full(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)  # + Enter


def with_completion(session: object, line: str) -> tuple[int, str]:
    """The keys of a line in the shell, and how they go (⇥ for TAB)."""
    words = line.split(" ") if '"' not in line else _quoted_words(line)
    keys, shown, before = 0, [], ""
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if word.startswith('"') or word == ".":
            cost, how, spaced = len(word), word, False
        else:
            cost, how, spaced = _completed(session, before, word)
        if not last and not spaced:
            cost, how = cost + 1, how + " "
        keys += cost
        shown.append(how)
        before += word + " "
    return keys + 1, "".join(shown) + "⏎"  # + Enter


def _completed(session: object, before: str, word: str) -> tuple[int, str, bool]:
    """The cheapest way to type a word: its keys, how, and whether a space was typed with it."""
    parts = word.split(",")
    keys, how, prefix = 0, [], before
    spaced = False
    for number, part in enumerate(parts):
        best: tuple[int, str, bool] = (len(part), part, False)
        for length in range(1, len(part)):
            session.listing = False  # type: ignore[attr-defined]
            found = session.candidates(prefix, part[:length])  # type: ignore[attr-defined]
            if found == [part]:  # TAB types the rest, and a space unless a list goes on
                best = (length + 1, part[:length] + "⇥", not session.listing)  # type: ignore[attr-defined]
                break
        keys += best[0]
        how.append(best[1])
        spaced = best[2]
        if number < len(parts) - 1:
            keys, prefix = keys + 1, prefix + part + ","
            how.append(",")
    return keys, "".join(how), spaced


def _quoted_words(line: str) -> list[str]:
    words, current, quoted = [], "", False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        if ch == " " and not quoted:
            words.append(current)
            current = ""
        else:
            current += ch
    return [*words, current]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="optima-keys-"))
    os.environ["HOME"] = str(folder)
    os.environ["XDG_DATA_HOME"] = str(folder / "share")
    from optima_cli.cli.shell import Session
    from optima_cli.store.engine import kept_open

    db = folder / "keys.db"
    session = Session(["--db", str(db), "--user", "keys", "--lang", "en"], str(db), "keys")
    with kept_open():
        # the database as the lines find it: the client and the case exist when the ids are typed
        with open(os.devnull, "w") as sink:
            out, err = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = sink
            try:
                for line in IN_SHELL:
                    session.run(line.replace("02.11.2026", "02.11.2025"))
            finally:
                sys.stdout, sys.stderr = out, err
        counted = [with_completion(session, line) for line in IN_SHELL]
    before = typed_in_full(BEFORE)
    after = sum(keys for keys, _ in counted)
    print("Keystrokes of one case: register, refer, accept, note (every character, Enter and TAB "
          "count one; Shift not counted)")
    print()
    print(f"as whole commands: {before}")
    for line in BEFORE:
        print(f"  {len(line) + 1:3d}  {line}⏎")
    print(f"in optima shell, with TAB and '.': {after} ({after / before:.0%} of before; "
          f"entering the shell once per session: {len(ENTER_SHELL) + 1} more)")
    for keys, how in counted:
        print(f"  {keys:3d}  {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
