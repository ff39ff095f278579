"""Atlassian Document Format (REST v3 descriptions and comments) -> plain text.

Only the text matters to us (rules match on it), so marks are dropped and block nodes become line
breaks. Unknown node types contribute their children's text, so a new node type loses nothing.
"""

from __future__ import annotations

from typing import Any

# taskItem and decisionItem hold inline content directly (no paragraph inside), so without a
# break of their own a task list's items would run together: "Fix PAY-12Deploy".
BLOCK_NODES = {
    "paragraph",
    "heading",
    "blockquote",
    "codeBlock",
    "listItem",
    "taskItem",
    "decisionItem",
    "panel",
    "rule",
    "tableRow",
    "blockCard",
    "embedCard",
    "expand",
    "nestedExpand",
}
# Text a block node holds in its attributes, not in its content: a card's link (rules may match
# a URL), an expand's title. Written on a line of its own, before the block's content.
BLOCK_ATTR_TEXT = {"blockCard": "url", "embedCard": "url", "expand": "title", "nestedExpand": "title"}
INLINE_TEXT = {
    "hardBreak": "\n",
    "mention": lambda node: (node.get("attrs") or {}).get("text", ""),
    "emoji": lambda node: (node.get("attrs") or {}).get("shortName", ""),
    "status": lambda node: (node.get("attrs") or {}).get("text", ""),
    "date": lambda node: (node.get("attrs") or {}).get("timestamp", ""),
    "inlineCard": lambda node: (node.get("attrs") or {}).get("url", ""),
}


def _walk(node: Any, out: list[str]) -> None:
    if isinstance(node, list):
        for child in node:
            _walk(child, out)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "text":
        out.append(str(node.get("text", "")))
        return
    inline = INLINE_TEXT.get(kind)
    if inline is not None:
        out.append(inline if isinstance(inline, str) else inline(node))
        return
    own = (node.get("attrs") or {}).get(BLOCK_ATTR_TEXT.get(kind, ""))
    if isinstance(own, str) and own:
        out.extend((own, "\n") if node.get("content") else (own,))
    _walk(node.get("content"), out)
    if kind in BLOCK_NODES:
        out.append("\n")


def to_text(value: Any) -> str | None:
    """An ADF document (v3), or a plain string (v2 and some vendor samples), as text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    parts: list[str] = []
    _walk(value, parts)
    lines = [line.rstrip() for line in "".join(parts).split("\n")]
    text = "\n".join(lines).strip()
    return text or None
