"""What the demo organisation works on: themes shared by every generated tool.

A theme is a strand of work (checkout conversion, SSO, cloud cost...) that shows up as titles and
labels in GitHub, Jira and Asana alike. The example rules in `examples/rules.yaml` recognise most
themes, so the demo's alignment rate lands strictly between 0 and 100%; the `misc` and `chore`
themes are the work no rule claims.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    id: str
    weight: float  # relative frequency
    labels: tuple[str, ...]  # one of these is put on the item (when labelled)
    titles: tuple[str, ...]  # templates; {thing} is filled from `things`
    things: tuple[str, ...]
    teams: tuple[str, ...]  # teams that do this kind of work
    label_rate: float = 0.7  # share of items that carry a theme label


THEMES: tuple[Theme, ...] = (
    Theme(
        "checkout",
        3.0,
        ("checkout", "payments-flow"),
        (
            "Reduce steps in {thing}",
            "Fix double charge on {thing}",
            "A/B test {thing} layout",
            "Speed up {thing} for returning buyers",
        ),
        ("checkout", "cart", "payment form", "one-click buy", "Apple Pay button"),
        ("payments", "growth", "mobile"),
    ),
    Theme(
        "sso",
        1.5,
        ("sso", "enterprise"),
        ("Add SAML {thing}", "SCIM provisioning for {thing}", "Okta {thing} support", "SSO login: {thing}"),
        ("group sync", "admin console", "login flow", "audit log", "role mapping"),
        ("platform", "payments"),
    ),
    Theme(
        "perf",
        2.0,
        ("perf", "performance"),
        (
            "p95 latency regression in {thing}",
            "Cache {thing} responses",
            "Lazy-load {thing}",
            "Profile slow {thing}",
        ),
        ("search", "product page", "orders API", "dashboard", "image pipeline"),
        ("platform", "growth", "mobile"),
    ),
    Theme(
        "uptime",
        1.5,
        ("incident", "reliability"),
        (
            "Postmortem: {thing} outage",
            "Add health check for {thing}",
            "Alert on {thing} error rate",
            "Failover drill for {thing}",
        ),
        ("database", "queue", "payments gateway", "CDN", "auth service"),
        ("platform", "payments"),
    ),
    Theme(
        "cost",
        1.0,
        ("cost", "finops"),
        (
            "Rightsize {thing}",
            "Cut spend on {thing}",
            "Move {thing} to spot instances",
            "Delete unused {thing}",
        ),
        ("build runners", "staging cluster", "log storage", "GPU nodes", "snapshots"),
        ("platform", "data"),
    ),
    Theme(
        "mobile-app",
        1.5,
        ("mobile", "app-store"),
        ("Offline mode for {thing}", "Push notifications for {thing}", "Crash in {thing} on Android 15"),
        ("orders", "wishlist", "account screen", "onboarding"),
        ("mobile",),
    ),
    Theme(
        "chore",
        1.5,
        ("chore", "dependencies"),
        ("Bump {thing}", "Upgrade {thing}", "Tidy {thing}", "Rename {thing}"),
        ("pydantic", "React", "CI image", "lint config", "Terraform provider"),
        ("payments", "platform", "growth", "mobile", "data"),
        label_rate=0.9,
    ),
    Theme(
        "misc",
        2.0,
        ("question", "docs"),
        ("Investigate {thing}", "Write up {thing}", "Clean up {thing}", "Look into {thing}"),
        ("flaky test", "customer ticket", "README", "intern project", "old feature flag"),
        ("payments", "platform", "growth", "mobile", "data"),
        label_rate=0.3,
    ),
)

THEMES_BY_ID = {theme.id: theme for theme in THEMES}

# Explicit goal labels (`goal:<id>`) that a few items carry, as people do in real trackers.
EXPLICIT_GOAL_LABELS = {
    "checkout": "goal:checkout-conversion",
    "sso": "goal:enterprise-sso",
    "perf": "goal:fast-pages",
}

PEOPLE = (
    "ada",
    "grace",
    "linus",
    "margaret",
    "ken",
    "barbara",
    "dennis",
    "frances",
    "edsger",
    "radia",
    "tim",
    "katherine",
)
