"""The bad-input catalogue (issue 13, defects 1-4 and 9): one parametrised test per kind of bad
input, each asserting the exact outcome — quarantined with its reason while the rest loads, or
one line and an exit code, or nothing written.

Hostile records are served by the sandbox (sandbox/hostile.py), over real HTTP, to
the real client libraries. Expected ids and counts come from the sandbox's own records.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from connectors.base import SourceUnavailable
from connectors.github.client import GitHubConnector
from connectors.github.normalize import native_id
from connectors.http import RetryPolicy
from connectors.redaction import redact
from pipelines.cli import app
from pipelines.sync import check_access, run_sync
from sandbox import OrgSpec
from tests.conftest import ANCHOR, EXAMPLES, github_config, github_connector
from tests.connectors.asana.support import asana_connector
from tests.connectors.jira.support import jira_connector
from warehouse.load import StreamKey, get_cursor

ASANA_PROJECT = "1200000000000101"  # Brand campaigns
SERVER_NOW = "2026-11-20T00:00:00+00:00"  # the sandbox clock (ANCHOR), sent as its Date header


@pytest.fixture
def org_spec() -> OrgSpec:
    # Small: each case syncs one container.
    return OrgSpec(seed=7, anchor=ANCHOR, github_items=60, jira_items=45, asana_items=28)


# --- records: quarantined with the reason while the page loads --------------------------------


def github_victim(sandbox) -> tuple[str, set[str]]:
    repo = sandbox.github.repos["acme/api"]
    return "acme/api#2", {native_id("acme/api", i.number) for i in repo.visible()}


def jira_victim(sandbox) -> tuple[str, set[str]]:
    victim = sandbox.jira.by_key("PAY-2")
    return str(victim.id), {str(i.id) for i in sandbox.jira.visible() if i.project == "PAY"}


def asana_victim(sandbox) -> tuple[str, set[str]]:
    tasks = sandbox.asana.tree(ASANA_PROJECT)
    top = sorted(t.gid for t in tasks if t.parent is None)
    return top[0], {t.gid for t in tasks}


VENDORS = {
    "github": (github_victim, lambda sandbox: github_connector(sandbox, ["acme/api"]), "acme/api"),
    "jira": (jira_victim, lambda sandbox: jira_connector(sandbox, ["PAY"]), "PAY"),
    "asana": (asana_victim, lambda sandbox: asana_connector(sandbox, [ASANA_PROJECT]), "Brand campaigns"),
}

SURROGATE = "holds a lone UTF-16 surrogate (U+D800): not valid Unicode"
QUARANTINED = [
    (
        "github",
        "updated_at_naive",
        "invalid updated_at: Value error, naive datetime: every timestamp must carry its time zone",
    ),
    ("github", "updated_at_integer", "updated_at is an integer (1794300000), expected a string"),
    ("github", "title_lone_surrogate", f"title {SURROGATE}"),
    ("github", "body_deep_nesting", "body is nested deeper than 100 levels"),
    ("github", "labels_string", "labels is a string ('bug'), expected a list or null"),
    ("jira", "status_string", "fields.status is a string ('Done'), expected an object"),
    ("jira", "summary_lone_surrogate", f"fields.summary {SURROGATE}"),
    ("jira", "description_deep_nesting", "fields.description is nested deeper than 100 levels"),
    ("jira", "labels_string", "fields.labels is a string ('bug'), expected a list or null"),
    (
        "jira",
        "resolved_after_year_9999",
        "fields.resolutiondate is out of range: '9999-12-31T20:00:00.000-0800' is after the year 9999 in UTC",
    ),
    (
        "jira",
        "updated_after_year_9999",
        "fields.updated is out of range: '9999-12-31T20:00:00.000-0800' is after the year 9999 in UTC",
    ),
    ("asana", "tags_string", "tags is a string ('urgent'), expected a list or null"),
    ("asana", "memberships_string", "memberships is a string ('Launch checklist'), expected a list or null"),
    ("asana", "name_lone_surrogate", f"name {SURROGATE}"),
    ("asana", "notes_deep_nesting", "notes is nested deeper than 100 levels"),
]


@pytest.mark.parametrize(
    ("vendor", "kind", "reason"), QUARANTINED, ids=[f"{v}-{k}" for v, k, _ in QUARANTINED]
)
def test_a_malformed_record_is_quarantined_with_its_reason_while_the_rest_loads(
    sandbox, con, vendor, kind, reason
):
    victim_of, connector_of, container = VENDORS[vendor]
    victim, every_id = victim_of(sandbox)
    sandbox.malform(vendor, victim, kind)

    report = run_sync(con, [connector_of(sandbox)])

    assert not report.failed, report.failed[0].error
    assert report.total("rejected") == 1
    rejected = con.execute(
        "SELECT source, container, native_id, severity, reason FROM meta.rejected_records"
    ).fetchall()
    assert rejected == [(vendor, container, victim, "error", reason)]
    loaded = {row[0] for row in con.execute("SELECT native_id FROM core.work_items").fetchall()}
    assert loaded == every_id - {victim} and len(loaded) == len(every_id) - 1
    raw_table = {"github": "raw.github_issues", "jira": "raw.jira_issues", "asana": "raw.asana_tasks"}[vendor]
    assert con.execute(f"SELECT count(*) FROM {raw_table} WHERE native_id = ?", [victim]).fetchone()[0] == 0

    # Served properly again, the record loads on the next read and leaves quarantine.
    sandbox.hostile.clear()
    fresh = connector_of(sandbox)
    with con.cursor() as other:
        other.execute("DELETE FROM meta.sync_state")  # read everything again (a full sync)
    run_sync(con, [fresh])
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    assert {row[0] for row in con.execute("SELECT native_id FROM core.work_items").fetchall()} == every_id


# --- defect 1: a timestamp in the future ------------------------------------------------------


def test_a_future_updated_at_is_kept_with_a_warning_and_later_edits_still_arrive(sandbox, con):
    repo = sandbox.github.repos["acme/api"]
    future = sandbox.clock.now + timedelta(days=365)
    with sandbox.lock:
        repo.issues[2].updated_at = future  # a server clock a year fast, for this one item
    connector = github_connector(sandbox, ["acme/api"])

    run_sync(con, [connector])

    cursor = get_cursor(con, StreamKey("github", "github.com", "acme/api"))
    assert cursor == "2026-11-19T23:58:00Z"  # the server's Date (the sandbox clock) minus 2 minutes
    assert (
        con.execute("SELECT updated_at FROM core.work_items WHERE native_id = 'acme/api#2'").fetchone()[0]
        == future
    )
    assert con.execute("SELECT native_id, severity, reason FROM meta.rejected_records").fetchall() == [
        (
            "acme/api#2",
            "warning",
            f"updated_at {future.isoformat()} is after the server's time {SERVER_NOW}; "
            "kept; the sync cursor stays at the server's time",
        )
    ]

    changes = sandbox.advance(hours=24, creates=3, updates=4, closes=3)["github"]
    run_sync(con, [connector])

    touched = {
        k for k in changes["created"] + changes["updated"] + changes["closed"] if k.startswith("acme/api#")
    }
    assert touched, "the sandbox changed nothing in acme/api; pick another seed"
    stored = dict(con.execute("SELECT native_id, updated_at FROM core.work_items").fetchall())
    assert stored == {native_id("acme/api", i.number): i.updated_at for i in repo.visible()}


def test_a_cursor_stored_in_the_future_heals_and_edits_arrive(sandbox, con):
    # A warehouse synced by a version without the bound may hold a cursor far ahead of now.
    connector = github_connector(sandbox, ["acme/api"])
    run_sync(con, [connector])
    con.execute("UPDATE meta.sync_state SET cursor = '9999-12-31T00:00:00Z' WHERE container = 'acme/api'")
    sandbox.advance(hours=24, creates=3, updates=4, closes=3)

    run_sync(con, [connector])

    repo = sandbox.github.repos["acme/api"]
    stored = dict(con.execute("SELECT native_id, updated_at FROM core.work_items").fetchall())
    assert stored == {native_id("acme/api", i.number): i.updated_at for i in repo.visible()}
    assert get_cursor(con, StreamKey("github", "github.com", "acme/api")) <= "2026-11-20T23:58:00Z"


def test_the_sandbox_sends_its_clock_as_the_date_header_and_malforms_over_http(sandbox):
    import httpx

    headers = {"Authorization": f"token {sandbox.token}"}
    issues = f"{sandbox.url}/github/repos/acme/api/issues?state=all&per_page=100"
    assert httpx.get(issues, headers=headers).headers.get_list("date") == ["Fri, 20 Nov 2026 00:00:00 GMT"]
    sandbox.advance(hours=1.5)
    assert httpx.get(issues, headers=headers).headers["date"] == "Fri, 20 Nov 2026 01:30:00 GMT"

    control = f"{sandbox.url}/_sandbox/malform"
    answer = httpx.post(control, params={"service": "github", "item": "acme/api#2", "kind": "labels_string"})
    assert answer.status_code == 200
    served = {i["number"]: i["labels"] for i in httpx.get(issues, headers=headers).json()}
    assert served[2] == "bug" and all(isinstance(v, list) for n, v in served.items() if n != 2)
    assert httpx.post(control, params={"service": "github", "item": "x#1", "kind": "nope"}).status_code == 400
    httpx.post(control, params={"clear": "1"})
    assert isinstance({i["number"]: i["labels"] for i in httpx.get(issues, headers=headers).json()}[2], list)


def test_a_future_timestamp_served_by_the_api_is_a_warning_not_a_rejection(sandbox, con):
    sandbox.malform("github", "acme/api#2", "updated_at_future")
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert not report.failed and report.total("rejected") == 0
    assert con.execute("SELECT native_id, severity FROM meta.rejected_records").fetchall() == [
        ("acme/api#2", "warning")
    ]
    assert (
        con.execute("SELECT count(*) FROM core.work_items WHERE native_id = 'acme/api#2'").fetchone()[0] == 1
    )
    assert get_cursor(con, StreamKey("github", "github.com", "acme/api")) == "2026-11-19T23:58:00Z"


# --- defect 3: one source down never stops the others -----------------------------------------

runner = CliRunner()


def three_source_config(tmp_path: Path, **github_overrides) -> Path:
    shutil.copy(EXAMPLES / "goals.yaml", tmp_path / "goals.yaml")
    shutil.copy(EXAMPLES / "rules.yaml", tmp_path / "rules.yaml")
    sources = [
        {
            "kind": "github",
            "name": "github",
            "instance": "github.com",
            "repos": [{"name": "acme/api", "team": "payments"}],
            **github_overrides,
        },
        {
            "kind": "jira",
            "name": "jira",
            "base_url": "https://acme.atlassian.net",
            "email_env": "JIRA_EMAIL",
            "projects": [{"key": "PAY", "team": "payments"}],
        },
        {
            "kind": "asana",
            "name": "asana",
            "workspace": "1200000000000001",
            "projects": [{"gid": ASANA_PROJECT, "team": "marketing"}],
        },
    ]
    config = {
        "organisation": "Acme",
        "warehouse": str(tmp_path / "threadline.duckdb"),
        "report": {"output": str(tmp_path / "report.html")},
        "sources": sources,
    }
    path = tmp_path / "threadline.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def items_per_source(warehouse: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as db:
        return dict(db.execute("SELECT source, count(*) FROM core.work_items GROUP BY source").fetchall())


DOWN = [("github", 503), ("jira", 502), ("asana", 500)]


@pytest.mark.parametrize(("down", "status"), DOWN, ids=[d for d, _ in DOWN])
def test_a_source_that_is_down_is_skipped_with_one_line_and_the_others_sync(sandbox, tmp_path, down, status):
    # Down for good: every request answers 5xx (Retry-After: 0 keeps the retries instant).
    sandbox.add_fault(service=down, status=status, headers={"Retry-After": "0"}, times=None)
    config = three_source_config(tmp_path)

    result = runner.invoke(app, ["sync", "-c", str(config), "--sandbox", sandbox.url])

    assert result.exit_code == 6, result.output
    lines = [line for line in result.output.splitlines() if "skipped this run" in line]
    assert lines == [
        f"warning: source '{down}': {{}} answered {status} after 6 attempts; skipped this run, the other sources "
        "were synced".format(
            {
                "github": f"GitHub at {sandbox.url}/github",
                "jira": f"Jira at {sandbox.url}/jira",
                "asana": f"Asana at {sandbox.url}/asana/api/1.0",
            }[down]
        )
    ]
    synced = items_per_source(tmp_path / "threadline.duckdb")
    assert set(synced) == {"github", "jira", "asana"} - {down}
    import duckdb

    with duckdb.connect(str(tmp_path / "threadline.duckdb"), read_only=True) as db:
        runs = db.execute(
            "SELECT source_name, container, stream, status FROM meta.sync_runs WHERE status <> 'success'"
        ).fetchall()
    assert runs == [(down, "*", "access", "skipped")]


def test_a_source_that_times_out_is_unavailable_not_a_credentials_error(sandbox):
    sandbox.add_fault(service="github", path_contains="/rate_limit", kind="hang", hang_seconds=3, times=None)
    policy = RetryPolicy(max_attempts=2, base_delay=0.01, max_backoff=0.02, max_wait=1, timeout=1)
    connector = GitHubConnector(github_config(sandbox, ["acme/api"]), sandbox.token, policy=policy)
    access = check_access([connector])
    assert access.ready == [] and len(access.skipped) == 1
    assert (
        access.skipped[0].reason.startswith("source 'github': GitHub at ")
        and "did not answer" in access.skipped[0].reason
    )
    with pytest.raises(SourceUnavailable):
        connector.check_access()


@pytest.mark.parametrize("status", [401, 403])
def test_only_a_refusal_is_a_credentials_error(sandbox, tmp_path, status):
    sandbox.add_fault(service="jira", status=status, times=None)
    result = runner.invoke(app, ["sync", "-c", str(three_source_config(tmp_path)), "--sandbox", sandbox.url])
    assert result.exit_code == 3, result.output
    assert not (tmp_path / "threadline.duckdb").exists()  # nothing written


# --- defect 4: credentials in URLs ---------------------------------------------------------------

SECRET = "s3cr3t-in-url"


@pytest.mark.parametrize("kind", ["github", "jira", "asana"])
def test_credentials_in_base_url_are_refused_with_one_line_naming_the_token_variable(tmp_path, kind):
    config = three_source_config(tmp_path)
    data = yaml.safe_load(config.read_text())
    source = next(s for s in data["sources"] if s["kind"] == kind)
    source["base_url"] = {
        "github": f"https://bot:{SECRET}@ghe.example.com/api/v3",
        "jira": f"https://ops%40acme.example:{SECRET}@acme.atlassian.net",
        "asana": f"https://{SECRET}@app.asana.com/api/1.0",
    }[kind]
    config.write_text(yaml.safe_dump(data, sort_keys=False))

    result = runner.invoke(app, ["sync", "-c", str(config)])

    assert result.exit_code == 2, result.output
    assert SECRET not in result.output
    first = result.output.strip().splitlines()[0]
    assert first.startswith("error: ") and "base_url: credentials in the URL are not allowed" in first
    assert "token_env" in result.output
    assert not (tmp_path / "threadline.duckdb").exists()


def test_userinfo_is_stripped_from_every_url_stored_or_printed(sandbox, con, warehouse_path):
    issue = sandbox.github.repos["acme/api"].issues[2]
    issue.payload_overrides = {
        "html_url": f"https://bot:{SECRET}@github.com/acme/api/issues/2",
        "repository_url": f"https://{SECRET}@api.github.com/repos/acme/api",
    }
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert not report.failed
    url = con.execute("SELECT url FROM core.work_items WHERE native_id = 'acme/api#2'").fetchone()[0]
    assert url == "https://github.com/acme/api/issues/2"
    con.execute("CHECKPOINT")
    assert SECRET.encode() not in warehouse_path.read_bytes()
    assert redact(f"GitHub at https://bot:{SECRET}@ghe.example/api/v3 answered 500") == (
        "GitHub at https://ghe.example/api/v3 answered 500"
    )


# --- defect 9: names from sources are text, not markup ------------------------------------------

MARKUP_NAMES = ["[/]", "[bold]Loud[/bold]", "[link=https://evil.example]click[/link]"]


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_a_project_name_that_looks_like_markup_is_printed_as_written(sandbox, tmp_path, name):
    sandbox.asana.projects[ASANA_PROJECT].name = name
    result = runner.invoke(app, ["sync", "-c", str(three_source_config(tmp_path)), "--sandbox", sandbox.url])
    assert result.exit_code == 0, result.output
    # The sync table's row shows it literally, brackets and all: not a tag, not a crash.
    assert re.search(rf"asana +│ {re.escape(name)} +│ items +│ ok", result.output), result.output


def test_bidi_and_control_characters_are_shown_not_obeyed(sandbox, tmp_path):
    issue = sandbox.github.repos["acme/api"].issues[2]
    issue.title = "Invoice \u202efdp.exe\u202c for \x1b[31mred\x1b[0m"
    issue.labels = []
    issue.state, issue.closed_at, issue.state_reason = "closed", ANCHOR - timedelta(days=1), "completed"
    config = three_source_config(tmp_path)
    data = yaml.safe_load(config.read_text())
    data["organisation"] = "Acme *Corp* [x](https://evil.example) \u2066isolate\u2069"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    args = ["-c", str(config)]
    assert runner.invoke(app, ["sync", *args, "--sandbox", sandbox.url]).exit_code == 0
    assert runner.invoke(app, ["map", *args]).exit_code == 0

    explained = runner.invoke(app, ["explain", "acme/api#2", *args])
    assert "Invoice [U+202E]fdp.exe[U+202C] for [U+001B][31mred[U+001B][0m" in explained.output
    assert "\u202e" not in explained.output and "\x1b" not in explained.output

    # The query table too, down to a list of labels; the CSV export keeps the title exact.
    issue_title = "SELECT title, [title] AS titles FROM core.work_items WHERE title LIKE 'Invoice%'"
    table = runner.invoke(app, ["query", *args, issue_title])
    assert table.exit_code == 0, table.output
    assert table.output.count("Invoice [U+202E]fdp.exe[U+202C]") == 2, table.output
    assert "\u202e" not in table.output and "\x1b" not in table.output
    exported = runner.invoke(app, ["query", *args, "--csv", issue_title])
    assert "Invoice \u202efdp.exe\u202c for \x1b[31mred\x1b[0m" in exported.output

    assert runner.invoke(app, ["report", *args, "--out", str(tmp_path / "r.html")]).exit_code == 0
    html = (tmp_path / "r.html").read_text()
    markdown = (tmp_path / "r.md").read_text()
    for text in (html, markdown):
        assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x1b")
    assert "Invoice [U+202E]fdp.exe[U+202C]" in html
    assert markdown.splitlines()[0] == (
        "# Acme \\*Corp\\* \\[x\\](https://evil.example) [U+2066]isolate[U+2069]: are we getting closer to our goals?"
    )
