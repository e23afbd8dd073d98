"""Text that cannot act on a terminal: control characters (escape sequences, OSC 8 links,
bells, DEL, C1 controls) and direction-changing characters shown as codes instead.

No Rich here: JSON output and the error line use it without loading a console.
"""

from __future__ import annotations

import re
import unicodedata

# characters that reorder what follows them on screen ("Trojan source"); joiners stay, scripts need them
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# what JSON (ensure_ascii=False) leaves raw but a terminal acts on: DEL, C1 controls, bidi
# controls; JSON escapes the C0 controls itself
_RAW_IN_JSON = re.compile("[\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


def visible(text: str) -> str:
    """Text safe for a terminal: control and direction-changing characters (escape sequences,
    bidi overrides) are shown as `\\x1b`-style codes instead of acting on the terminal."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS
        else ch
        for ch in text
    )


def json_escaped(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as \\uXXXX escapes, as JSON writes the
    other controls: the same value for a reader, nothing that acts on a terminal. They can only
    stand inside strings (JSON's own syntax is ASCII), so the escape is always valid."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
