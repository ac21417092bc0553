"""User text on a terminal: shown, never obeyed.

A title imported from someone's notes can hold escape sequences: ESC ] 0 ; ...
sets the terminal's title, ESC [ 2 J clears the screen, others rewrite what the
screen shows or, on some terminals, answer back as if typed. Bidirectional
overrides (the "Trojan Source" characters) make text read differently from what
it is. Everything the CLI prints that came from a journal, an import or an
argument goes through printable(), which writes each such character as a
visible escape (``\\x1b``, ``\\u202e``), so the text reads exactly as stored and
the terminal obeys none of it. Newlines and tabs are escaped too: one record is
one line.

No dependencies: the CLI, sharing and anything else that prints may use it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls (newline and tab included), DEL, C1 controls; the bidirectional
# embeddings, overrides and isolates; line and paragraph separators (some
# terminals break lines at them); and lone surrogates, which a terminal cannot be sent.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """text with every control, bidi-override and separator character written as a visible escape."""
    if text.isprintable():
        return text  # the usual case: every character it escapes is one Python calls unprintable
    return _UNSAFE.sub(_escape, text)


# In JSON output the same characters become \u escapes: still valid JSON, the same
# strings once parsed, and nothing a terminal acts on if the output is shown raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def json_text(data: Any, **options: Any) -> str:
    """json.dumps(data, ensure_ascii=False, ...) with what json leaves raw escaped as \\uXXXX."""
    dumped = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


__all__ = ["json_text", "printable"]
