"""dlt's REST API source over the same sandbox: the off-the-shelf way to do what `threadline sync` does.

    .bench-venv/bin/python bench/dlt_sync.py <github-api-url> <token> <duckdb-file> <work-dir> <owner/repo>...

Runs in its own virtualenv (bench/venv.py installs the pinned dlt there); dlt is no dependency of
Threadline. One resource per repository, all into one `issues` table, merged on `id`, through dlt's
parquet loader files, with the same listing parameters the other competitors use.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no phoning home from a benchmark

import dlt  # noqa: E402
from dlt.sources.rest_api import rest_api_source  # noqa: E402

LISTING = {"state": "all", "sort": "updated", "direction": "asc", "per_page": 100}


def main() -> None:
    api, token, database, work_dir, *repos = sys.argv[1:]
    source = rest_api_source(
        {
            "client": {
                "base_url": api.rstrip("/") + "/",
                "auth": {"type": "bearer", "token": token},
                "paginator": {"type": "header_link"},
            },
            "resource_defaults": {"primary_key": "id", "write_disposition": "merge", "table_name": "issues"},
            "resources": [
                {
                    "name": "issues_" + repo.replace("/", "_").replace("-", "_"),
                    "endpoint": {"path": f"repos/{repo}/issues", "params": LISTING},
                }
                for repo in repos
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="bench",
        destination=dlt.destinations.duckdb(database),
        dataset_name="github",
        pipelines_dir=work_dir,
    )
    info = pipeline.run(source, loader_file_format="parquet")
    print(info)


if __name__ == "__main__":
    main()
