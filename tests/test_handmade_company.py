"""Acceptance test on a small company written by hand, with every number worked out on paper.

The company (tests/fixtures/handmade/) is 27 work items in GitHub, Jira and Asana, written from
the vendors' documented payload shapes, and served over real HTTP on 127.0.0.1 by
tests/handmade_vendors.py. Threadline's real path runs on it: config from threadline.yaml, the
real clients (PyGithub, jira, httpx) and normalisers through `run_sync` with sweeps,
`run_mapping` (goals.yaml, rules.yaml, overrides.yaml), and the marts views. Then a day of
changes (one item completed, one moved to another project, one relabelled, one deleted) is
synced and mapped again.

Every expected number below is arithmetic on the items, written out, with the rule from
docs/warehouse.md it follows. Never copied from the program's output.

The goals (goals.yaml), dates only on the pillars, so every goal below takes its pillar's period:

    grow        2026-07-01..2027-06-30
      checkout    target 40%, weight 2
        one-click
        fewer-errors
      enterprise  target 30%
        sso
    reliable    2026-07-01..2027-06-30
      uptime      target 20%
        failover
    legacy      2025-01-01..2025-12-31   (ended long ago: its work is not aligned)
      migrate
        retire-oracle

Effort: the estimate (Jira story points, GitHub label `points:N`, Asana "Estimate"), else 1,
except Asana, whose default is 2 (threadline.yaml `effort.by_source`).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.config import load_config
from pipelines.steps import build_connectors, load_mapping_as_map_sees, run_mapping, run_report
from pipelines.sync import check_access, run_sync
from tests.handmade_vendors import FIXTURES, HandmadeCompany, serve
from warehouse.db import open_warehouse

CONFIG = FIXTURES / "config" / "threadline.yaml"
DAY_1 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY_2 = DAY_1 + timedelta(days=1)
WINDOW = timedelta(weeks=12)  # report.weeks: the funding window health judges shares over
ASANA_C = "1200000000002003"  # "Press kit refresh", deleted on day 2

# Days of the pillars' period gone by each day (2026-07-01 .. 2027-06-30 is 364 days):
# July 31 + August 31 + September 30 + October 31 + 19 days of November = 142 on 20 November.
ELAPSED_DAY_1 = 142 / 364
ELAPSED_DAY_2 = 143 / 364


class Threadline:
    """The CLI's steps, in order: check access, sync with sweeps, map with the config's files."""

    def __init__(self, warehouse: Path) -> None:
        self.warehouse = warehouse
        self.config = load_config(CONFIG)

    def sync_and_map(self, now: datetime) -> None:
        connectors = build_connectors(self.config)
        check_access(connectors)
        con = open_warehouse(self.warehouse)
        try:
            report = run_sync(con, connectors, sweep=True)
            assert not report.failed, [(s.container, s.stream, s.error) for s in report.failed]
            assert report.total("rejected") == 0
        finally:
            con.close()
        mapping = load_mapping_as_map_sees(self.config)  # reads the warehouse read-only
        con = open_warehouse(self.warehouse)
        try:
            run_mapping(con, self.config, mapping, now)
        finally:
            con.close()

    def report(self, end: datetime):
        """The leadership report's numbers (ReportData) over the 12 weeks before `end`."""
        con = open_warehouse(self.warehouse)
        try:
            return run_report(con, self.config, output=self.warehouse.parent / "report.html", end=end).data
        finally:
            con.close()

    def query(self, sql: str, params: dict | None = None) -> list[tuple]:
        con = open_warehouse(self.warehouse, read_only=True)  # as `threadline query` reads it
        try:
            return con.execute(sql, params or {}).fetchall()
        finally:
            con.close()

    # --- what the tests read ------------------------------------------------------------------

    def mapping(self) -> dict[str, tuple]:
        """key -> (goal, method, reason, via key) of every live item (each has one row here)."""
        rows = self.query(
            "SELECT w.key, m.goal_id, m.method, m.reason, v.key FROM core.work_item_goals AS m "
            "JOIN core.work_items AS w USING (item_id) LEFT JOIN core.work_items AS v ON v.item_id = m.via_item_id"
        )
        return {r[0]: tuple(r[1:]) for r in rows}

    def effort(self) -> dict[str, tuple]:
        """key -> (effort, completed?) of every live item."""
        rows = self.query("SELECT DISTINCT key, effort, is_completed FROM marts.item_effort")
        return {key: (effort, done) for key, effort, done in rows}

    def totals(self, start: datetime | None = None, end: datetime | None = None) -> dict[str, float]:
        names = (
            "completed_effort",
            "aligned_effort",
            "inactive_goal_effort",
            "unlinked_effort",
            "alignment_rate",
        )
        row = self.query(
            f"SELECT {', '.join(names)} FROM marts.effort_totals_between($s, $e)", {"s": start, "e": end}
        )
        return dict(zip(names, row[0], strict=True))

    def allocation(self) -> dict[str, tuple]:
        """goal -> (effort, share, inactive_effort), all time."""
        rows = self.query("SELECT goal_id, effort, share, inactive_effort FROM marts.effort_allocation")
        return {r[0]: tuple(r[1:]) for r in rows}

    def progress(self) -> dict[str, float | None]:
        return dict(self.query("SELECT goal_id, progress FROM marts.goal_progress"))

    def elapsed(self, as_of: datetime) -> dict[str, float | None]:
        return dict(
            self.query(
                "SELECT goal_id, elapsed FROM marts.goal_health_between($s, $e)",
                {"s": as_of - WINDOW, "e": as_of},
            )
        )

    def health(self, as_of: datetime) -> dict[str, tuple]:
        """goal -> (health, health_reason, share over the window, underfunded, starved), as of `as_of`."""
        rows = self.query(
            "SELECT goal_id, health, health_reason, share, underfunded, starved FROM marts.goal_health_between($s, $e)",
            {"s": as_of - WINDOW, "e": as_of},
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def _environment(patch: pytest.MonkeyPatch, url: str, warehouse: Path) -> None:
    """What a user exports before running threadline: the URLs the config names, the tokens."""
    patch.setenv("HANDMADE_URL", url)
    for name in ("HANDMADE_GITHUB_TOKEN", "HANDMADE_JIRA_TOKEN", "HANDMADE_ASANA_TOKEN"):
        patch.setenv(name, f"token-of-{name.lower()}")
    patch.setenv("THREADLINE_WAREHOUSE", str(warehouse))


@pytest.fixture(scope="module")
def day_one(tmp_path_factory) -> Path:
    """Day 1 synced and mapped once for the module; each test works on its own copy."""
    warehouse = tmp_path_factory.mktemp("handmade") / "threadline.duckdb"
    with pytest.MonkeyPatch.context() as patch, serve(HandmadeCompany.load(DAY_1)) as url:
        _environment(patch, url, warehouse)
        Threadline(warehouse).sync_and_map(DAY_1)
    return warehouse


@pytest.fixture
def company() -> HandmadeCompany:
    return HandmadeCompany.load(DAY_1)


@pytest.fixture
def threadline(company, day_one, tmp_path, monkeypatch):
    """The warehouse as day 1 left it, and the company's tools serving day 1's payloads."""
    warehouse = tmp_path / "threadline.duckdb"
    shutil.copy(day_one, warehouse)
    with serve(company) as url:
        _environment(monkeypatch, url, warehouse)
        yield Threadline(warehouse)


def approx(value: float):
    return pytest.approx(value, abs=1e-9)


# --- day 1 ---------------------------------------------------------------------------------------

# Every item, how it is linked and why (docs/rules.md: override > explicit > rule > inherited),
# and its effort. Completed = done work with a completion time (closed as not planned is not).
DAY_1_ITEMS = {
    # key: (goal, method, reason, via, effort, completed)
    # Jira PAY (story points = effort; none = 1)
    "PAY-1": ("one-click", "rule", None, None, 1, False),  # epic, title "One-click checkout"
    "PAY-2": ("one-click", "inherited", None, "PAY-1", 5, True),  # story in epic PAY-1
    "PAY-3": ("one-click", "inherited", None, "PAY-1", 3, False),  # story in epic PAY-1, in progress
    "PAY-4": ("one-click", "inherited", None, "PAY-2", 1, True),  # subtask of PAY-2 (-> PAY-1)
    "PAY-5": ("fewer-errors", "rule", None, None, 2, True),  # label checkout-bug, done 20 Oct
    "PAY-6": ("sso", "explicit", None, None, 8, True),  # label goal:sso
    "PAY-7": ("retire-oracle", "rule", None, None, 3, True),  # "Oracle" in the title: legacy goal
    "PAY-8": (None, "unaligned", "no_rule_matched", None, 2, True),
    "PAY-10": ("fewer-errors", "rule", None, None, 3, False),  # label checkout-bug, in progress
    # Jira OPS
    "OPS-1": ("failover", "rule", None, None, 5, True),  # label failover, done 20 July (before the window)
    "OPS-2": (None, "unaligned", "ignored_by_rule", None, 1, True),  # label chore
    "OPS-3": ("retire-oracle", "rule", None, None, 1, False),  # "Oracle" in its ADF description
    # GitHub acme/web (estimate from a `points:N` label, else 1)
    "acme/web#11": (
        "fewer-errors",
        "inherited",
        None,
        "PAY-5",
        2,
        True,
    ),  # PR; branch fix/PAY-5-...; points:2
    "acme/web#12": ("one-click", "rule", None, None, 1, True),
    "acme/web#13": ("sso", "override", None, None, 1, True),  # label chore, but overrides.yaml pins it
    "acme/web#14": ("one-click", "rule", None, None, 1, False),  # closed as not planned: not completed
    "acme/web#15": (None, "unaligned", "no_rule_matched", None, 1, True),
    "acme/web#16": ("one-click", "rule", None, None, 1, False),  # open
    "acme/web#17": ("one-click", "inherited", None, "acme/web#12", 1, False),  # open sub-issue of #12
    # GitHub acme/infra
    "acme/infra#21": ("failover", "rule", None, None, 1, True),
    "acme/infra#22": (None, "unaligned", "ignored_by_rule", None, 1, True),  # PR labelled chore
    "acme/infra#23": ("uptime", "explicit", None, None, 1, False),  # label goal:uptime, open
    # Asana "Launch plan" (Estimate, else 2)
    "1200000000002001": ("enterprise", "explicit", None, None, 3, True),  # Goal field "enterprise"
    "1200000000002002": ("enterprise", "inherited", None, "1200000000002001", 2, True),  # its subtask
    ASANA_C: (None, "unaligned", "no_rule_matched", None, 1, True),
    "1200000000002004": ("sso", "explicit", None, None, 2, False),  # Goal field "sso", open
    "1200000000002005": ("retire-oracle", "rule", None, None, 2, True),  # "Oracle" in the notes
}


def assert_items(threadline: Threadline, expected: dict[str, tuple]) -> None:
    assert threadline.mapping() == {key: row[:4] for key, row in expected.items()}
    assert threadline.effort() == {key: (float(row[4]), row[5]) for key, row in expected.items()}


def test_day_one_numbers_by_hand(threadline):
    # `threadline` has synced (with sweeps) and mapped day 1 (fixture day_one).
    assert len(DAY_1_ITEMS) == 27  # 10 GitHub + 12 Jira + 5 Asana, all synced, none rejected
    assert_items(threadline, DAY_1_ITEMS)

    # Periods flow down: a key result without dates has its pillar's period.
    periods = dict(
        (g, (str(s), str(e)))
        for g, s, e in threadline.query("SELECT goal_id, period_start, period_end FROM core.goals")
    )
    assert periods["retire-oracle"] == periods["migrate"] == ("2025-01-01", "2025-12-31")
    assert periods["one-click"] == periods["sso"] == periods["failover"] == ("2026-07-01", "2027-06-30")

    # The linker: the pull request's branch names PAY-5.
    assert threadline.query("SELECT evidence FROM core.work_item_links WHERE link_type = 'mentions'") == [
        ("branch 'fix/PAY-5-double-submit' names PAY-5",)
    ]

    # --- alignment (marts.effort_totals), all time -------------------------------------------
    # Completed effort, item by item:
    #   Jira:   PAY-2 5 + PAY-4 1 + PAY-5 2 + PAY-6 8 + PAY-7 3 + PAY-8 2 + OPS-1 5 + OPS-2 1 = 27
    #   GitHub: web#11 2 + web#12 1 + web#13 1 + web#15 1 + infra#21 1 + infra#22 1        =  7
    #           (web#14 closed as not planned: not completed)
    #   Asana:  A 3 + B 2 + C 1 + E 2                                                       =  8
    completed = 27 + 7 + 8  # 42
    # Aligned = linked to a goal whose period covers the completion day (grow / reliable, FY27):
    #   one-click:    PAY-2 5 + PAY-4 1 + web#12 1 = 7
    #   fewer-errors: PAY-5 2 + web#11 2           = 4
    #   sso:          PAY-6 8 + web#13 1           = 9
    #   enterprise:   A 3 + B 2                    = 5
    #   failover:     OPS-1 5 + infra#21 1         = 6
    aligned = 7 + 4 + 9 + 5 + 6  # 31
    # Linked to the legacy pillar, whose period ended 2025-12-31: PAY-7 3 + Asana E 2.
    inactive = 3 + 2  # 5
    # Linked to nothing: PAY-8 2 + OPS-2 1 + web#15 1 + infra#22 1 + Asana C 1.
    unlinked = 2 + 1 + 1 + 1 + 1  # 6
    assert aligned + inactive + unlinked == completed
    totals = threadline.totals()
    assert totals == {
        "completed_effort": approx(completed),
        "aligned_effort": approx(aligned),
        "inactive_goal_effort": approx(inactive),
        "unlinked_effort": approx(unlinked),
        "alignment_rate": approx(31 / 42),  # 73.8% (85.7% if the legacy work counted)
    }

    # Per source (marts.alignment_weekly, effort summed before dividing):
    #   GitHub 7 completed, aligned web#11 2 + web#12 1 + web#13 1 + infra#21 1 = 5
    #   Jira  27 completed, aligned PAY-2 5 + PAY-4 1 + PAY-5 2 + PAY-6 8 + OPS-1 5 = 21
    #   Asana  8 completed, aligned A 3 + B 2 = 5
    assert dict(
        (source, (completed, aligned))
        for source, completed, aligned in threadline.query(
            "SELECT source, sum(completed_effort), sum(aligned_effort) FROM marts.alignment_weekly GROUP BY source"
        )
    ) == {"github": (7, 5), "jira": (27, 21), "asana": (8, 5)}
    # Completed work that is not aligned, and why (marts.unaligned_work): 5 + 6 = 11.
    assert set(
        threadline.query(
            "SELECT key, effort, reason FROM marts.unaligned_work WHERE completed_at IS NOT NULL"
        )
    ) == {
        ("PAY-7", 3, "goal_inactive"),
        ("1200000000002005", 2, "goal_inactive"),
        ("PAY-8", 2, "no_rule_matched"),
        ("acme/web#15", 1, "no_rule_matched"),
        (ASANA_C, 1, "no_rule_matched"),
        ("OPS-2", 1, "ignored_by_rule"),
        ("acme/infra#22", 1, "ignored_by_rule"),
    }

    # Over the report's 12 weeks (from 28 Aug 12:00): OPS-1 (20 July, failover, 5) falls out.
    assert threadline.totals(DAY_1 - WINDOW, DAY_1) == {
        "completed_effort": approx(42 - 5),
        "aligned_effort": approx(31 - 5),
        "inactive_goal_effort": approx(5),
        "unlinked_effort": approx(6),
        "alignment_rate": approx(26 / 37),  # 70.3%
    }

    # --- shares (marts.effort_allocation): over active aligned effort, 31 ----------------------
    allocation = threadline.allocation()
    expected_effort = {
        "one-click": 7,
        "fewer-errors": 4,
        "checkout": 7 + 4,
        "sso": 9,
        "enterprise": 5 + 9,  # its own Asana items and sso's
        "grow": 11 + 14,
        "failover": 6,
        "uptime": 6,
        "reliable": 6,
        "retire-oracle": 0,
        "migrate": 0,
        "legacy": 0,
    }
    for goal, effort in expected_effort.items():
        assert allocation[goal][0] == approx(effort), goal
        assert allocation[goal][1] == approx(effort / 31), goal
    assert allocation["grow"][1] + allocation["reliable"][1] + allocation["legacy"][1] == approx(
        1
    )  # 25 + 6 + 0 = 31
    # Inactive-goal effort apart, on its own line, in no share.
    assert allocation["legacy"][2] == allocation["retire-oracle"][2] == approx(inactive)
    assert allocation["grow"][2] == allocation["reliable"][2] == 0

    # --- progress (marts.goal_progress): done / linked, rolled up by weight ------------------
    # one-click:    linked PAY-1 1 + PAY-2 5 + PAY-3 3 + PAY-4 1 + web#12 1 + web#16 1 + web#17 1 = 13
    #               (web#14, closed as not planned, is dropped work: out of the denominator),
    #               done PAY-2 5 + PAY-4 1 + web#12 1 = 7
    # fewer-errors: linked PAY-5 2 + PAY-10 3 + web#11 2 = 7, done 4
    # checkout:     no items of its own: mean of its children, weight 1 each
    # sso:          linked PAY-6 8 + web#13 1 + Asana D 2 = 11, done 9
    # enterprise:   own items A 3 + B 2, all done (1.0), count as one more child beside sso
    # grow:         checkout weight 2, enterprise weight 1
    # uptime:       own infra#23 (open) 0/1, failover 6/6: (0 + 1) / 2
    # retire-oracle: PAY-7 3 + OPS-3 1 + Asana E 2 = 6, done 5
    one_click, fewer_errors = 7 / 13, 4 / 7
    checkout = (one_click + fewer_errors) / 2
    sso = 9 / 11
    enterprise = (1.0 + sso) / 2
    grow = (2 * checkout + 1 * enterprise) / 3
    uptime = (0 / 1 + 6 / 6) / 2
    expected_progress = {
        "one-click": one_click,
        "fewer-errors": fewer_errors,
        "checkout": checkout,  # 0.538, 0.571, 0.555
        "sso": sso,
        "enterprise": enterprise,
        "grow": grow,  # 0.818, 0.909, 0.673
        "failover": 1.0,
        "uptime": uptime,
        "reliable": uptime,  # 1, 0.5, 0.5
        "retire-oracle": 5 / 6,
        "migrate": 5 / 6,
        "legacy": 5 / 6,
    }
    assert threadline.progress() == {goal: approx(value) for goal, value in expected_progress.items()}

    # --- health (marts.goal_health), as of day 1, funding over the last 12 weeks ------------
    # 142 of 364 days gone: elapsed 39%. Window aligned effort = 31 - OPS-1 5 = 26.
    health = threadline.health(DAY_1)
    # checkout: 55.5% >= 39% - 10 points: on track; last done web#12 on 14 Nov (6 days);
    # share 11/26 = 42% against a 40% target: funded.
    assert health["checkout"][:4] == (
        "on_track",
        "progress 55% with 39% of the period gone",
        approx(11 / 26),
        False,
    )
    # fewer-errors: on pace (57%), but nothing done since web#11 on 22 Oct, 29 days > 21: starved,
    # one step down.
    assert health["fewer-errors"][:2] == (
        "at_risk",
        "progress 57% with 39% of the period gone; starved: nothing completed in 29 days (limit 21)",
    )
    # uptime: on pace (50%), not starved (infra#21 on 17 Nov), but its window share is
    # infra#21 1 / 26 = 3.8%, below half of its 20% target: under-funded, one step down.
    assert health["uptime"] == (
        "at_risk",
        "progress 50% with 39% of the period gone; under-funded: 4% of aligned effort against a 20% target",
        approx(1 / 26),
        True,
        False,
    )
    assert threadline.elapsed(DAY_1)["uptime"] == approx(ELAPSED_DAY_1)
    # legacy: its period is over (elapsed 100%); 83% done is behind pace by 17 points: at risk.
    # Starvation and funding are not judged outside the period: nothing done on it since PAY-7
    # on 15 Oct (36 days) is expected of an ended programme, so it is not starved.
    assert health["legacy"] == (
        "at_risk",
        "progress 83% with 100% of the period gone",
        approx(0),
        False,
        False,
    )
    starved = sorted(goal for goal, row in health.items() if row[4])
    assert starved == ["fewer-errors"]

    # --- the report reads the same numbers over its 12 weeks -------------------------------
    report = threadline.report(DAY_1)
    assert report.alignment_rate == approx(26 / 37)
    assert report.headline["inactive_goal_effort"] == approx(5)  # its own line, "not in these shares"
    # Completed in the window: 17 items (the 18 completed above but OPS-1, done in July).
    assert report.headline["completed_items"] == 17
    assert [g["goal_id"] for g in report.starved] == starved

    # --- the day's snapshot (core.alignment_history) ------------------------------------------
    # Aligned items: the 22 linked ones but the three on the ended legacy pillar (PAY-7, OPS-3,
    # Asana E) = 19. The 28 days before day 1 (from 23 Oct 12:00): completed PAY-2 5, PAY-4 1,
    # PAY-6 8, PAY-8 2, OPS-2 1, web#12 1, web#13 1, web#15 1, infra#21 1, infra#22 1, A 3, B 2,
    # C 1 = 28; aligned of those (not PAY-8, OPS-2, web#15, infra#22, C) = 22.
    [(live, aligned_items, by_method, completed_28d, aligned_28d)] = threadline.query(
        "SELECT live_items, aligned_items, items_by_method, completed_effort_28d, aligned_effort_28d "
        "FROM core.alignment_history"
    )
    assert (live, aligned_items, completed_28d, aligned_28d) == (27, 27 - 5 - 3, 28, 22)
    assert json.loads(by_method) == Counter(row[1] for row in DAY_1_ITEMS.values())


# --- a day of changes ----------------------------------------------------------------------------


def change_the_company(company: HandmadeCompany) -> None:
    """What happened in the tools on 21 November, as their APIs would show it afterwards."""
    company.clock = DAY_2
    # 1. PAY-3 (one-click, 3 points) is done.
    pay3 = company.jira_issue("PAY-3")["fields"]
    done = company.jira_issue("PAY-2")["fields"]
    pay3.update(
        status=done["status"],
        resolution=done["resolution"],
        resolutiondate="2026-11-21T09:00:00.000+0000",
        statuscategorychangedate="2026-11-21T09:00:00.000+0000",
        updated="2026-11-21T09:00:00.000+0000",
    )
    # 2. PAY-8 (done on 1 Nov, 2 points, unaligned) moves to the platform team's project: Jira
    #    gives it a new key, OPS-4, and keeps its id. Now rule platform-stories takes it (uptime).
    pay8 = company.jira_issue("PAY-8")
    pay8["key"] = "OPS-4"
    pay8["fields"]["project"] = company.jira_issue("OPS-1")["fields"]["project"]
    pay8["fields"]["updated"] = "2026-11-21T10:00:00.000+0000"
    # 3. acme/web#15 (done, 1, unaligned) is labelled goal:checkout.
    web15 = company.github_item("acme/web", 15)
    web15["labels"] = [
        {
            "id": 321,
            "node_id": "LA_goal_checkout",
            "url": "https://api.github.com/repos/acme/web/labels/goal:checkout",
            "name": "goal:checkout",
            "description": None,
            "color": "0e8a16",
            "default": False,
        }
    ]
    web15["updated_at"] = "2026-11-21T08:00:00Z"
    # 4. Asana task C (done, 1, unaligned) is deleted.
    company.delete_asana_task(ASANA_C)


def test_a_day_of_changes_by_hand(threadline, company):
    change_the_company(company)
    threadline.sync_and_map(DAY_2)

    items = dict(DAY_1_ITEMS)
    items["PAY-3"] = ("one-click", "inherited", None, "PAY-1", 3, True)
    del items["PAY-8"]
    items["OPS-4"] = ("uptime", "rule", None, None, 2, True)
    items["acme/web#15"] = ("checkout", "explicit", None, None, 1, True)
    del items[ASANA_C]
    assert_items(threadline, items)
    # The moved issue is the same row (same id, new key and project); the deleted task is kept,
    # marked deleted, with no goal rows.
    assert threadline.query(
        "SELECT key, container, is_deleted FROM core.work_items WHERE item_id = 'jira:acme.atlassian.net:10008'"
    ) == [("OPS-4", "OPS", False)]
    assert threadline.query(
        "SELECT is_deleted FROM core.work_items WHERE item_id = $id", {"id": f"asana:app.asana.com:{ASANA_C}"}
    ) == [(True,)]

    # --- alignment -------------------------------------------------------------------------
    # Completed: 42 + PAY-3 3 - Asana C 1 (deleted) = 44.
    # Aligned: 31 + PAY-3 3 (one-click) + OPS-4 2 (uptime) + web#15 1 (checkout) = 37.
    # Inactive: unchanged, 5. Unlinked: 6 - OPS-4 2 - web#15 1 - Asana C 1 = 2 (OPS-2, infra#22).
    assert 37 + 5 + 2 == 44
    assert threadline.totals() == {
        "completed_effort": approx(44),
        "aligned_effort": approx(37),
        "inactive_goal_effort": approx(5),
        "unlinked_effort": approx(2),
        "alignment_rate": approx(37 / 44),  # 84.1%
    }
    # The report's 12 weeks (from 29 Aug 12:00): without OPS-1 (5): 32 of 39, 82.1%.
    assert threadline.totals(DAY_2 - WINDOW, DAY_2)["alignment_rate"] == approx(32 / 39)

    # --- shares over 37 ----------------------------------------------------------------------
    allocation = threadline.allocation()
    expected_effort = {
        "one-click": 7 + 3,
        "fewer-errors": 4,
        "checkout": 10 + 4 + 1,  # web#15 directly on checkout
        "sso": 9,
        "enterprise": 14,
        "grow": 15 + 14,
        "failover": 6,
        "uptime": 6 + 2,
        "reliable": 8,
        "legacy": 0,
    }
    for goal, effort in expected_effort.items():
        assert allocation[goal][:2] == (approx(effort), approx(effort / 37)), goal
    assert allocation["grow"][1] + allocation["reliable"][1] == approx(1)  # (29 + 8) / 37
    assert allocation["legacy"][2] == approx(5)

    # --- progress ------------------------------------------------------------------------------
    # one-click: done 7 + PAY-3 3 = 10 of 13. checkout: own item web#15 1/1 joins as a child
    # of weight 1 beside one-click and fewer-errors. uptime: own infra#23 0/1 + OPS-4 2/2 = 2/3,
    # beside failover 1.
    one_click = 10 / 13
    checkout = (1.0 + one_click + 4 / 7) / 3  # 0.780
    enterprise = (1.0 + 9 / 11) / 2
    uptime = (2 / 3 + 1.0) / 2  # 0.833
    progress = threadline.progress()
    assert progress["one-click"] == approx(one_click)
    assert progress["checkout"] == approx(checkout)
    assert progress["grow"] == approx((2 * checkout + enterprise) / 3)  # 0.823
    assert progress["uptime"] == progress["reliable"] == approx(uptime)

    # --- health as of day 2: 143 of 364 days gone (39%); window aligned = 37 - OPS-1 5 = 32 --
    health = threadline.health(DAY_2)
    # checkout: 78% against 39%, PAY-3 done today, share 15/32 = 47% of a 40% target: on track.
    assert health["checkout"][:4] == (
        "on_track",
        "progress 78% with 39% of the period gone",
        approx(15 / 32),
        False,
    )
    # fewer-errors: still nothing since 22 Oct: 30 days.
    assert health["fewer-errors"][:2] == (
        "at_risk",
        "progress 57% with 39% of the period gone; starved: nothing completed in 30 days (limit 21)",
    )
    # uptime: infra#21 1 + OPS-4 2 = 3 of 32 = 9.4%, still below half of 20%: under-funded.
    assert health["uptime"][:4] == (
        "at_risk",
        "progress 83% with 39% of the period gone; under-funded: 9% of aligned effort against a 20% target",
        approx(3 / 32),
        True,
    )
    assert threadline.elapsed(DAY_2)["checkout"] == approx(ELAPSED_DAY_2)
