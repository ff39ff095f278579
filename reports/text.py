"""Text from sources made safe to display: no character may change how the rest is shown.

Bidi controls (U+202A-U+202E, U+2066-U+2069) reverse or reorder the text around them: a title
`invoice<U+202E>fdp.exe` would read `invoiceexe.pdf`. Other control characters (ESC, BEL, ...) drive
terminals. Both are shown as their code point (`[U+202E]`) instead of acting: visible, so the oddity
is noticed, and inert. Markup escaping (HTML, Markdown, Rich) is each output's own step on top.
"""

from __future__ import annotations

import re

# Code point ranges, inclusive: bidi embeddings/overrides, bidi isolates, C0 but tab and newline, DEL and C1.
_RANGES = ((0x202A, 0x202E), (0x2066, 0x2069), (0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F))
_CLASS = "".join(f"\\x{{{low:04X}}}-\\x{{{high:04X}}}" for low, high in _RANGES)
_ACTIVE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _RANGES) + "]")


def neutral(text: str) -> str:
    """`text` with bidi and control characters written out as `[U+XXXX]` (tabs and newlines kept)."""
    return _ACTIVE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def neutral_sql(expression: str) -> str:
    """DuckDB SQL giving what `neutral` gives for the VARCHAR `expression`, evaluated in the engine (a
    Python function would need numpy there). Rows without an active character skip the replacements."""
    replaced = expression
    for low, high in _RANGES:
        for code in range(low, high + 1):
            replaced = f"replace({replaced}, chr({code}), '[U+{code:04X}]')"
    return f"CASE WHEN regexp_matches({expression}, '[{_CLASS}]') THEN {replaced} ELSE {expression} END"
