"""The floor a sync can approach: httpx pages -> 16 columns in pyarrow -> DuckDB, nothing else.

    python -m bench.bare_loop <github-api-url> <token> <duckdb-file> <owner/repo>...

Every issue and pull request of each repository (`state=all`, oldest update first, 100 a page,
following the Link header), each page upserted by id in its own transaction. No retries, no
validation, no raw payloads, no cursor: what is left is HTTP, JSON and the columnar load.
"""

from __future__ import annotations

import sys

import duckdb
import httpx
import pyarrow as pa

SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("repo", pa.string()),
        ("number", pa.int64()),
        ("title", pa.string()),
        ("state", pa.string()),
        ("state_reason", pa.string()),
        ("body", pa.string()),
        ("author", pa.string()),
        ("assignee", pa.string()),
        ("labels", pa.list_(pa.string())),
        ("milestone", pa.string()),
        ("is_pull_request", pa.bool_()),
        ("created_at", pa.string()),
        ("updated_at", pa.string()),
        ("closed_at", pa.string()),
        ("merged_at", pa.string()),
    ]
)
CREATE = """CREATE TABLE IF NOT EXISTS issues (
    id BIGINT PRIMARY KEY, repo VARCHAR, number BIGINT, title VARCHAR, state VARCHAR, state_reason VARCHAR,
    body VARCHAR, author VARCHAR, assignee VARCHAR, labels VARCHAR[], milestone VARCHAR, is_pull_request BOOLEAN,
    created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, merged_at TIMESTAMPTZ)"""


def columns(repo: str, issues: list[dict]) -> pa.Table:
    login = lambda user: user["login"] if user else None  # noqa: E731
    return pa.table(
        {
            "id": [i["id"] for i in issues],
            "repo": [repo] * len(issues),
            "number": [i["number"] for i in issues],
            "title": [i["title"] for i in issues],
            "state": [i["state"] for i in issues],
            "state_reason": [i.get("state_reason") for i in issues],
            "body": [i.get("body") for i in issues],
            "author": [login(i.get("user")) for i in issues],
            "assignee": [login((i.get("assignees") or [None])[0]) for i in issues],
            "labels": [[label["name"] for label in i["labels"]] for i in issues],
            "milestone": [(i.get("milestone") or {}).get("title") for i in issues],
            "is_pull_request": ["pull_request" in i for i in issues],
            "created_at": [i["created_at"] for i in issues],
            "updated_at": [i["updated_at"] for i in issues],
            "closed_at": [i.get("closed_at") for i in issues],
            "merged_at": [(i.get("pull_request") or {}).get("merged_at") for i in issues],
        },
        schema=SCHEMA,
    )


def sync(api: str, token: str, database: str, repos: list[str]) -> int:
    con = duckdb.connect(database)
    con.execute(CREATE)
    loaded = 0
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for repo in repos:
            url: str | None = f"{api}/repos/{repo}/issues"
            params: dict | None = {"state": "all", "sort": "updated", "direction": "asc", "per_page": 100}
            while url:
                response = http.get(url, params=params)
                response.raise_for_status()
                page = columns(repo, response.json())
                con.execute("INSERT OR REPLACE INTO issues SELECT * FROM page")
                loaded += page.num_rows
                url, params = response.links.get("next", {}).get("url"), None  # the link repeats the query
    con.close()
    return loaded


if __name__ == "__main__":
    api_url, api_token, db_file, *names = sys.argv[1:]
    print(f"loaded {sync(api_url, api_token, db_file, names)} items")
