"""Inline SVG charts: the report must open with no network and no JavaScript.

Every text that reaches the SVG goes through `escape`, since goal titles and labels come from
config and sources.
"""

from __future__ import annotations

from html import escape

INK = "#1f2933"
MUTED = "#7b8794"
ALIGNED = "#2f80ed"
UNALIGNED = "#d9dde3"
TARGET = "#e8590c"


def weekly_alignment(weeks: list[dict], width: int = 640, height: int = 200) -> str:
    """Stacked bars per week (aligned / other completed effort) and the alignment rate line."""
    if not weeks:
        return '<p class="muted">No completed work in this period.</p>'
    pad_l, pad_b, pad_t = 36, 28, 12
    plot_w, plot_h = width - pad_l - 40, height - pad_b - pad_t
    top = max(w["completed_effort"] for w in weeks) or 1
    slot = plot_w / len(weeks)
    bar = max(4.0, slot * 0.6)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Completed effort per week">']
    points = []
    for i, w in enumerate(weeks):
        x = pad_l + i * slot + (slot - bar) / 2
        total_h = plot_h * w["completed_effort"] / top
        aligned_h = plot_h * w["aligned_effort"] / top
        y0 = pad_t + plot_h
        parts.append(f'<rect x="{x:.1f}" y="{y0 - total_h:.1f}" width="{bar:.1f}" height="{total_h - aligned_h:.1f}" fill="{UNALIGNED}"/>')
        parts.append(f'<rect x="{x:.1f}" y="{y0 - aligned_h:.1f}" width="{bar:.1f}" height="{aligned_h:.1f}" fill="{ALIGNED}"/>')
        rate = w["aligned_effort"] / w["completed_effort"] if w["completed_effort"] else 0
        points.append((x + bar / 2, pad_t + plot_h * (1 - rate)))
        if i % max(1, len(weeks) // 6) == 0:
            label = escape(w["week"].strftime("%d %b"))
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 8}" font-size="10" fill="{MUTED}" text-anchor="middle">{label}</text>')
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="1.5"/>')
    for x, y in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{INK}"/>')
    right = width - 36
    parts.append(f'<text x="{right + 4}" y="{pad_t + 4}" font-size="10" fill="{MUTED}">100%</text>')
    parts.append(f'<text x="{right + 4}" y="{pad_t + plot_h}" font-size="10" fill="{MUTED}">0%</text>')
    parts.append(f'<text x="4" y="{pad_t + 4}" font-size="10" fill="{MUTED}">{top:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def allocation_bars(goals: list[dict], width: int = 640) -> str:
    """One bar per goal with its share of aligned effort, and a tick at its target share."""
    rows = [g for g in goals if g["effort"] > 0 or g.get("target_share")]
    if not rows:
        return '<p class="muted">No aligned work in this period.</p>'
    row_h, label_w = 22, 260
    bar_w = width - label_w - 60
    height = row_h * len(rows) + 8
    top = max(max((g["share"] or 0) for g in rows), max((g.get("target_share") or 0) for g in rows), 0.01)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Effort by goal">']
    for i, g in enumerate(rows):
        y = 4 + i * row_h
        indent = 12 * g.get("depth", 0)
        title = escape(g["title"])
        weight = "600" if g.get("depth", 0) == 0 else "400"
        parts.append(f'<text x="{indent}" y="{y + 14}" font-size="12" font-weight="{weight}" fill="{INK}">{title}</text>')
        share = g["share"] or 0
        w = bar_w * share / top
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="12" fill="{ALIGNED}" opacity="{0.55 + 0.45 * (g.get("depth", 0) == 0):.2f}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11" fill="{MUTED}">{share:.0%}</text>')
        if g.get("target_share"):
            tx = label_w + bar_w * g["target_share"] / top
            parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + 19}" stroke="{TARGET}" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def method_mix(trust: list[dict], width: int = 640) -> str:
    """A single 100% bar split by mapping method."""
    total = sum(t["effort"] or 0 for t in trust)
    if not total:
        return '<p class="muted">No completed work in this period.</p>'
    colours = {"override": "#9b51e0", "explicit": "#27ae60", "rule": ALIGNED, "inherited": "#56ccf2", "unaligned": UNALIGNED}
    parts = [f'<svg viewBox="0 0 {width} 44" role="img" aria-label="How work got its goals">']
    x = 0.0
    for t in trust:
        w = width * (t["effort"] or 0) / total
        colour = colours.get(t["method"], MUTED)
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="20" fill="{colour}"/>')
        if w > 50:
            parts.append(f'<text x="{x + 4:.1f}" y="36" font-size="11" fill="{INK}">{escape(t["method"])} {t["effort"] / total:.0%}</text>')
        x += w
    parts.append("</svg>")
    return "".join(parts)
