"""Text from sources made safe to display: no character may change how the rest is shown.

Bidi controls (U+202A-U+202E, U+2066-U+2069) reverse or reorder the text around them: a title
`invoice<U+202E>fdp.exe` would read `invoiceexe.pdf`. Other control characters (ESC, BEL, ...) drive
terminals. Both are shown as their code point (`[U+202E]`) instead of acting: visible, so the oddity
is noticed, and inert. Markup escaping (HTML, Markdown, Rich) is each output's own step on top.
"""

from __future__ import annotations

import re

_ACTIVE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutral(text: str) -> str:
    """`text` with bidi and control characters written out as `[U+XXXX]` (tabs and newlines kept)."""
    return _ACTIVE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
