"""Fields of team-managed projects: /field lists a project's own "Severity" or "Goal" beside the
site's, under the same name and another id (with a `scope`). A configured name reads all of them."""

from __future__ import annotations

import json

from pipelines.sync import run_sync
from tests.connectors.jira.support import expected_rows, item_id, jira_connector, warehouse_rows


def test_a_name_shared_by_project_scoped_fields_reads_every_one_of_them(sandbox, con):
    data = sandbox.jira
    mob_severity = data.scoped_fields["MOB"]["severity"]
    assert mob_severity != data.severity_field  # two fields named Severity on the site
    mob_bugs = [i for i in data.visible() if i.project == "MOB" and i.severity]
    other_bugs = [i for i in data.visible() if i.project != "MOB" and i.severity]
    assert mob_bugs and other_bugs
    # An epic of MOB naming a goal, in MOB's own Goal field.
    epic = next(i for i in data.visible() if i.project == "MOB" and i.type == "Epic")
    with sandbox.lock:
        epic.goal = "mobile-rating"

    report = run_sync(con, [jira_connector(sandbox)])  # custom_fields: [Severity], goal_field: Goal

    assert not report.failed
    rows = dict(con.execute("SELECT item_id, custom FROM core.work_items WHERE source = 'jira'").fetchall())
    severity = {key: json.loads(value).get("Severity") for key, value in rows.items()}
    for issue in mob_bugs + other_bugs:
        assert severity[item_id(issue.id)] == issue.severity, issue.key
    assert warehouse_rows(con) == expected_rows(sandbox)  # goal_refs among them
    goal = con.execute(
        "SELECT goal_refs FROM core.work_items WHERE item_id = ?", [item_id(epic.id)]
    ).fetchone()
    assert goal == (["mobile-rating"],)
    # Both fields were asked for.
    search = sandbox.requests_to("jira", "/search/jql")[0]
    asked = {value for name, value in search.query if name == "fields"}
    assert {mob_severity, data.severity_field, data.scoped_fields["MOB"]["goal"], data.goal_field} <= asked
