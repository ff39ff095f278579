"""A synthetic organisation for the benchmark: vocabularies, N items (bench/items.sql), R rules.

The rules are a realistic mix, drawn from the same vocabularies as the items: mostly label and
container/team conditions, some regexes on titles, text searches, custom fields, epics, and a
few any/not combinations, splits and deliberate `unaligned` rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from warehouse import sql

DOMAIN_WORDS = (
    "checkout cart payment invoice refund login signup sso saml oauth search index cache latency "
    "slow timeout outage incident failover deploy rollback migration schema api endpoint webhook mobile "
    "ios android release crash memory leak cost budget spot instance dashboard report export import "
    "billing pricing trial onboarding email notification queue worker retry flaky test docs"
).split()
FALLBACK_TEAMS = 20  # the rule file ends with a catch-all rule for half the teams
SYLLABLES = "ka lo mi ne ru ta pe so vi da ge hu ri zo ba ce fu ly mo xi".split()


def _pseudo_words(rng: random.Random, count: int, parts: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(parts)))
    return sorted(words)


@dataclass
class Vocabulary:
    words: list[str]
    labels: list[str]
    teams: list[str]
    projects: list[str]
    repos: list[str]
    asana_projects: list[str]
    components: list[str]
    milestones: list[str]
    assignees: list[str]
    areas: list[str]
    squads: list[str]

    @staticmethod
    def make(seed: int = 7) -> Vocabulary:
        rng = random.Random(seed)
        words = DOMAIN_WORDS + _pseudo_words(rng, 3000, 3)
        rng.shuffle(words)
        labels = (
            DOMAIN_WORDS[:30] + ["chore", "dependencies", "perf", "security"] + _pseudo_words(rng, 560, 3)
        )
        rng.shuffle(labels)
        projects = sorted(
            {
                "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.choice((2, 3, 4))))
                for _ in range(140)
            }
        )[:100]
        return Vocabulary(
            words=words,
            labels=labels,
            teams=[f"team-{w}" for w in _pseudo_words(rng, 40, 2)],
            projects=projects,
            repos=[f"acme/{w}" for w in _pseudo_words(rng, 200, 3)],
            asana_projects=[f"Asana {w}" for w in _pseudo_words(rng, 100, 2)],
            components=[f"comp-{w}" for w in _pseudo_words(rng, 200, 2)],
            milestones=[f"v{major}.{minor}" for major in range(1, 11) for minor in range(10)],
            assignees=[f"{w}@acme.test" for w in _pseudo_words(rng, 2000, 3)],
            areas=[f"area-{w}" for w in _pseudo_words(rng, 50, 2)],
            squads=[f"squad-{w}" for w in _pseudo_words(rng, 30, 2)],
        )

    def params(self) -> dict[str, list[str]]:
        return dict(vars(self))


def generate_items(con: duckdb.DuckDBPyConnection, n: int, vocabulary: Vocabulary) -> list[str]:
    """Insert n items into core.work_items; returns some epic keys for rules to name."""
    params = {
        "n": n,
        "n_words": len(vocabulary.words),
        "n_labels": len(vocabulary.labels),
        **vocabulary.params(),
    }
    for statement in sql.statements(Path(__file__).with_name("items.sql").read_text()):
        con.execute(statement, sql.bound(statement, params))
    epics = con.execute(
        "SELECT key FROM core.work_items WHERE item_type = 'epic' USING SAMPLE 200 ROWS (reservoir, 7)"
    )
    return sorted(row[0] for row in epics.fetchall())


def goals_yaml(count: int = 30) -> str:
    pillars = [
        {"id": f"pillar-{p}", "level": "pillar", "title": f"Pillar {p}", "children": []} for p in range(5)
    ]
    for g in range(count):
        pillars[g % 5]["children"].append({"id": f"goal-{g}", "title": f"Goal {g}"})
    return yaml.safe_dump({"goals": pillars}, sort_keys=False)


def _condition(rng: random.Random, v: Vocabulary, epics: list[str]) -> dict:
    """One specific rule's condition; values are drawn evenly, so most name uncommon values."""
    roll = rng.random()
    labels = lambda k: sorted({rng.choice(v.labels) for _ in range(k)})  # noqa: E731
    words = lambda k: sorted({rng.choice(v.words) for _ in range(k)})  # noqa: E731
    if roll < 0.28:
        return {"labels_any": labels(rng.randint(1, 3))}
    if roll < 0.36:
        return {"labels_all": labels(2)}
    if roll < 0.48:
        return {
            "all": [
                {"container": rng.choice(v.projects + v.repos)},
                {"labels_any": labels(rng.randint(1, 2))},
            ]
        }
    if roll < 0.56:
        return {
            "team": rng.choice(v.teams),
            "item_type": rng.sample(["bug", "story", "task", "issue", "pull_request"], 2),
            "labels_any": labels(1),
        }
    if roll < 0.66:
        return {"title_matches": r"(?i)\b(" + "|".join(words(rng.randint(1, 3))) + r")\b"}
    if roll < 0.68:
        return {"title_matches": rf"(?i)^({'|'.join(words(2))})\b|{rng.choice(v.words)}[- ]?[0-9]+"}
    if roll < 0.73:
        return {"text_contains": [" ".join(words(2)), rng.choice(v.words) + "x"]}
    if roll < 0.81:
        if rng.random() < 0.5:
            return {"custom": {"Area": rng.choice(v.areas)}}
        return {"custom": {"Squad": {"in": [rng.choice(v.squads), rng.choice(v.squads)]}}}
    if roll < 0.86:
        return {"any": [{"labels_any": labels(1)}, {"components_any": [rng.choice(v.components)]}]}
    if roll < 0.90:
        return {
            "all": [
                {"team": rng.choice(v.teams)},
                {"labels_any": labels(2)},
                {"not": {"labels_any": ["chore", "dependencies"]}},
            ]
        }
    if roll < 0.93:
        return {"epic": rng.sample(epics, 2)}
    if roll < 0.96:
        return {"any": [{"milestone": rng.choice(v.milestones)}, {"assignee": rng.choice(v.assignees)}]}
    return {
        "source": "github",
        "status_category": "done",
        "title_matches": r"(?i)\b" + rng.choice(v.words) + r"\b",
    }


def rules_yaml(count: int, vocabulary: Vocabulary, epics: list[str], goals: int = 30, seed: int = 11) -> str:
    rng = random.Random(seed)
    rules = []
    fallbacks = [{"team": team} for team in vocabulary.teams[:FALLBACK_TEAMS]]
    for r in range(count):
        rule: dict = {"id": f"rule-{r}"}
        outcome = rng.random()
        if outcome < 0.03:
            rule["unaligned"] = "maintenance"
        elif outcome < 0.08:
            a, b = rng.sample(range(goals), 2)
            rule["split"] = {f"goal-{a}": 0.6, f"goal-{b}": 0.4}
        else:
            rule["goal"] = f"goal-{rng.randrange(goals)}"
        # The last rules are broad per-team fallbacks, as rule files usually end.
        rule["when"] = (
            fallbacks[r - (count - len(fallbacks))]
            if r >= count - len(fallbacks)
            else _condition(rng, vocabulary, epics)
        )
        rules.append(rule)
    return yaml.safe_dump({"rules": rules}, sort_keys=False, width=1000)


NAMED_KEY = "ZZZ-1"  # the new Jira item that edited titles name


def change_items(con: duckdb.DuckDBPyConnection, per_mille: float, rules_text: str, synced_at) -> int:
    """Apply bench/changes.sql (about per_mille / 1000 of the items changed, as a sync would);
    returns how many item rows it wrote or marked deleted."""
    rules = yaml.safe_load(rules_text)["rules"]
    label = next(r["when"]["labels_any"][0] for r in rules if "labels_any" in r["when"])
    params = {
        "per_mille": per_mille,
        "label": label,
        "jira_key": NAMED_KEY,
        "synced_at": synced_at,
        "n": con.execute("SELECT count(*) FROM core.work_items").fetchone()[0],
    }
    for statement in sql.statements(Path(__file__).with_name("changes.sql").read_text()):
        con.execute(statement, sql.bound(statement, params))
    return con.execute(
        "SELECT count(*) FROM core.work_items WHERE synced_at = $t OR deleted_at = $t", {"t": synced_at}
    ).fetchone()[0]
