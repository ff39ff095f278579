"""What the demo organisation's business teams work on in Asana, and the goals they keep there.

Same idea as `themes.py` (a theme is a strand of work that shows up as task names and tags),
for marketing, operations and sales, plus the growth team's launch checklist. The example rules
recognise some themes (campaigns and pipeline -> `pipeline`, the close -> `fast-close`, launch
work through the checkout rule); others are only aligned through the Asana "Goal" field, and
`people` and `admin` are the work nobody claims.

Asana Goals: a small company goal tree, as leadership keeps it in Asana. Some of its goals are
the same goals as in examples/goals.yaml (examples/threadline.yaml maps them with `goal_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.themes import Theme

ASANA_THEMES: tuple[Theme, ...] = (
    Theme(
        "campaign",
        3.0,
        ("campaign", "demand-gen"),
        (
            "Launch {thing} campaign",
            "Landing page for {thing}",
            "Email nurture for {thing}",
            "Paid social for {thing}",
        ),
        ("spring sale", "SSO launch", "mobile app", "partner webinar", "holiday promo"),
        ("marketing",),
    ),
    Theme(
        "content",
        2.0,
        ("content", "seo"),
        ("Blog post: {thing}", "Case study: {thing}", "Refresh the {thing} page"),
        ("checkout tips", "enterprise security", "customer story", "pricing", "integrations"),
        ("marketing",),
    ),
    Theme(
        "pipeline",
        3.0,
        ("pipeline", "outbound"),
        (
            "Prospect list: {thing}",
            "Outbound sequence for {thing}",
            "Qualify leads from {thing}",
            "Discovery calls with {thing}",
        ),
        ("fintech accounts", "mid-market retail", "EMEA enterprise", "webinar attendees", "trade show leads"),
        ("sales",),
    ),
    Theme(
        "renewals",
        2.0,
        ("renewal", "expansion"),
        ("Renewal plan for {thing}", "Upsell {thing} to annual", "QBR with {thing}"),
        ("Globex", "Initech", "Umbrella", "Hooli", "Stark Retail"),
        ("sales",),
    ),
    Theme(
        "partners",
        1.0,
        ("partners",),
        ("Referral agreement with {thing}", "Partner enablement: {thing}"),
        ("Shopify agencies", "payment consultants", "system integrators"),
        ("sales",),
    ),
    Theme(
        "close",
        3.0,
        ("month-end", "finance"),
        ("Reconcile {thing}", "Month-end close: {thing}", "Accrue {thing}"),
        ("payroll", "card spend", "AWS invoice", "bank accounts", "revenue"),
        ("operations",),
    ),
    Theme(
        "vendors",
        2.0,
        ("procurement", "vendor"),
        ("Renegotiate {thing} contract", "Consolidate {thing} vendors", "Security review of {thing}"),
        ("CRM", "office cleaning", "laptops", "travel agency", "payroll provider"),
        ("operations",),
    ),
    Theme(
        "people",
        2.0,
        ("hiring", "people"),
        ("Onboard {thing}", "Hiring plan for {thing}", "Offsite: {thing}"),
        ("new sales reps", "Q3 interns", "support team", "Berlin office"),
        ("operations",),
    ),
    Theme(
        "launch",
        2.0,
        ("launch",),
        ("Launch checklist: {thing}", "QA sign-off for {thing}", "Release notes for {thing}"),
        ("one-click buy", "checkout redesign", "cart recovery emails", "new onboarding", "wishlist sharing"),
        ("growth",),
    ),
    Theme(
        "admin",
        2.0,
        ("admin",),
        ("Update {thing}", "Book {thing}", "Tidy {thing}"),
        ("team wiki", "travel", "shared drive", "all-hands slides"),
        ("marketing", "operations", "sales", "growth"),
        label_rate=0.3,
    ),
)

# Subtasks are the small steps of a task; their names say little, so they match no rule of their
# own and take their goal from the parent (method 'inherited').
SUBTASK_VERBS = ("Draft", "Review", "Approve", "Schedule", "Follow up on", "Share")
SUBTASK_NOUNS = ("copy", "budget", "timeline", "assets", "notes", "invite list", "numbers")


@dataclass(frozen=True)
class AsanaGoalSpec:
    gid: str
    name: str
    parents: tuple[str, ...]  # gids of the goals it supports (Asana allows several)
    team: str | None  # Asana team gid; None for a company-wide (workspace-level) goal
    owner: str  # a person from themes.PEOPLE


ASANA_GOALS: tuple[AsanaGoalSpec, ...] = (
    AsanaGoalSpec("1200000000000901", "Grow revenue", (), None, "ada"),
    AsanaGoalSpec(
        "1200000000000902",
        "Build a $12M qualified pipeline",
        ("1200000000000901",),
        "1200000000000013",
        "grace",
    ),
    AsanaGoalSpec(
        "1200000000000903",
        "Launch the partner referral program",
        ("1200000000000902", "1200000000000904"),
        "1200000000000013",
        "linus",
    ),
    AsanaGoalSpec(
        "1200000000000904",
        "Net revenue retention of 115%",
        ("1200000000000901",),
        "1200000000000013",
        "grace",
    ),
    AsanaGoalSpec("1200000000000905", "Run a lean operation", (), None, "margaret"),
    AsanaGoalSpec(
        "1200000000000906", "Close the books in 5 days", ("1200000000000905",), "1200000000000012", "ken"
    ),
    AsanaGoalSpec(
        "1200000000000907", "Cut vendor spend by 15%", ("1200000000000905",), "1200000000000012", "ken"
    ),
    AsanaGoalSpec("1200000000000908", "Be known for great content", (), "1200000000000011", "barbara"),
    AsanaGoalSpec(
        "1200000000000909", "Double organic sign-ups", ("1200000000000908",), "1200000000000011", "barbara"
    ),
)

# The "Goal" custom field: enum options named by goal id, as a team would set them up. Ids of
# goals.yaml goals, or `asana:<gid>` for goals that only exist in Asana Goals.
GOAL_FIELD_BY_THEME = {
    "campaign": "pipeline",
    "pipeline": "pipeline",
    "partners": "asana:1200000000000903",
    "renewals": "asana:1200000000000904",
    "close": "fast-close",
    "vendors": "asana:1200000000000907",
    "content": "asana:1200000000000909",
    "launch": "checkout-conversion",
}
