"""Secrets canary: distinctive tokens for every source, runs that succeed, fail (401, 500) and
crash, then every file written and every stream printed is searched for the tokens and their
encoded forms.

Each source talks to its own sandbox that accepts only that source's canary token, through the
config's own `base_url` and token variables (not `--sandbox`, which swaps the token), so the
tokens travel exactly as real ones do. Searched: every file under the run's folder (warehouse,
WAL, report, the saved stdout/stderr, Dagster's storage), raw bytes, plus every row of every
DuckDB file read back as text (DuckDB compresses strings, so a stored token need not appear as
bytes in the file).
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import duckdb
import yaml

from chaos.world import SMALL_ORG, child_env, run_child, threadline, write_config
from sandbox import OrgSpec, Sandbox

EMAIL = "canary-ops@acme.example"
# Distinctive, and with characters that URL-encoding and JSON change.
TOKENS = {
    "github": "ghp_CanaryGh7Qx9/Tz+k2=",
    "jira": "ATATT3xCanaryJr4Lm/Wq+8v=",
    "asana": "2/CanaryAs5Np:Yd+0f=",
}
TOKEN_ENV = {"github": "CANARY_GITHUB_TOKEN", "jira": "CANARY_JIRA_TOKEN", "asana": "CANARY_ASANA_TOKEN"}
# Scenario -> the exit codes it may end with. The crash first: the request it leaves hanging
# has ended before the sandbox stops.
SCENARIOS = {"crash": (-9,), "success": (0,), "unauthorised": (3,), "server error": (1,), "source down": (6,)}
# Where each tool lists items: a 500 there fails the stream after the access check passed.
LISTINGS = {"github": "/issues", "jira": "/search", "asana": "/tasks"}
SANDBOX_PATH = {"github": "/github", "jira": "/jira", "asana": "/asana/api/1.0"}


def encoded_forms(secret: str) -> dict[str, bytes]:
    """The secret as it could be written down: raw, URL-encoded, JSON-escaped, base64 (standard
    and URL-safe, at each of the three alignments a longer encoded text may put it in)."""
    forms = {
        "raw": secret,
        "url-encoded": quote(secret, safe=""),
        "form-encoded": quote_plus(secret),
        "json-escaped": secret.replace("/", "\\/"),
    }
    for shift in range(3):
        data = b"\0" * shift + secret.encode()
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            text = encode(data).decode().rstrip("=")
            # Characters that also depend on the unknown neighbouring bytes are cut off: the
            # first 0, 2 or 3 (the shared first group) and the last 2 (a shared last group).
            forms[f"{name} (offset {shift})"] = text[(0, 2, 3)[shift] : len(text) - 2]
    return {name: value.encode() for name, value in forms.items() if len(value) >= 8}


def secret_forms() -> dict[str, bytes]:
    forms = {}
    for source, token in TOKENS.items():
        for name, value in encoded_forms(token).items():
            forms[f"{source} token, {name}"] = value
        # Its distinctive middle alone: a token cut short or half-masked still leaks that.
        forms[f"{source} token, a fragment"] = re.search(r"Canary\w+", token)[0].encode()
    basic = f"{EMAIL}:{TOKENS['jira']}"
    for name, value in encoded_forms(basic).items():
        forms[f"jira Basic auth, {name}"] = value
    forms["jira Basic auth header"] = base64.b64encode(basic.encode())
    return forms


@dataclass
class Scenario:
    name: str
    exit_codes: tuple[int, ...]  # what the run is expected to end with
    runs: list[tuple[str, int]] = field(default_factory=list)  # (command, exit code)


@dataclass
class CanaryResult:
    scenarios: list[Scenario]
    files: int  # files searched
    hits: list[str]  # "<file>: <form>"
    unexpected: list[str]  # runs that did not end as the scenario expects

    @property
    def ok(self) -> bool:
        return not self.hits and not self.unexpected


def canary_config(folder: Path, sandboxes: dict[str, Sandbox]) -> Path:
    config = write_config(
        folder,
        warehouse=str(folder / "threadline.duckdb"),
        report={"output": str(folder / "out" / "report.html")},
    )
    data = yaml.safe_load(config.read_text())
    for source in data["sources"]:
        kind = source["kind"]
        source["base_url"] = sandboxes[kind].url + SANDBOX_PATH[kind]
        source["token_env"] = TOKEN_ENV[kind]
        source["instance"] = {"github": "github.com", "jira": "acme.atlassian.net", "asana": "app.asana.com"}[
            kind
        ]
        if kind == "jira":
            source["email"] = EMAIL
            source.pop("email_env", None)
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return config


def run_scenarios(
    folder: Path,
    *,
    dagster: bool,
    org: OrgSpec = SMALL_ORG,
    only: tuple[str, ...] = tuple(SCENARIOS),
    progress: Callable[[str], None] = print,
) -> list[Scenario]:
    env = child_env({TOKEN_ENV[s]: t for s, t in TOKENS.items()})
    scenarios = []

    def record(
        scenario: Scenario, label: str, command: list[str], *, kill_after: float | None = None
    ) -> None:
        run = run_child(command, env=env, kill_after=kill_after)
        logs = folder / scenario.name.replace(" ", "_")
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"{label}.stdout").write_text(run.stdout)
        (logs / f"{label}.stderr").write_text(run.stderr)
        scenario.runs.append((label, run.returncode))

    with (
        Sandbox(org, token=TOKENS["github"]) as github,
        Sandbox(org, token=TOKENS["jira"]) as jira,
        Sandbox(org, token=TOKENS["asana"]) as asana,
    ):
        sandboxes = {"github": github, "jira": jira, "asana": asana}
        for scenario_name, exit_codes in SCENARIOS.items():
            if scenario_name not in only:
                continue
            scenario = Scenario(scenario_name, exit_codes)
            place = folder / scenario_name.replace(" ", "_")
            config = canary_config(place, sandboxes)
            if scenario_name == "unauthorised":
                for sandbox in sandboxes.values():
                    sandbox.token = "the-right-token-is-another"
            if scenario_name in (
                "server error",
                "source down",
            ):  # retried at once (Retry-After: 0) until given up
                for kind, sandbox in sandboxes.items():
                    path = LISTINGS[kind] if scenario_name == "server error" else ""
                    sandbox.add_fault(
                        status=500, headers={"Retry-After": "0"}, path_contains=path, times=None
                    )
            if scenario_name == "crash":  # killed while it waits for a page, mid-sync
                github.add_fault(
                    service="github", path_contains="/issues", kind="hang", skip=2, hang_seconds=6
                )
                record(scenario, "sync", threadline("-v", "sync", "-c", str(config)), kill_after=4.0)
            else:
                record(scenario, "sync", threadline("-v", "sync", "-c", str(config)))
                if scenario_name == "success":
                    record(scenario, "map", threadline("-v", "map", "-c", str(config)))
                    record(scenario, "report", threadline("-v", "report", "-c", str(config)))
            for kind, sandbox in sandboxes.items():
                sandbox.faults.clear()
                sandbox.token = TOKENS[kind]
            scenarios.append(scenario)
            progress(f"canary {scenario_name}: {scenario.runs}")
        if dagster:
            scenario = Scenario("dagster", (0,))
            place = folder / "dagster"
            config = canary_config(place, sandboxes)
            dagster_env = {
                **env,
                "DAGSTER_HOME": str(place / "dagster_home"),
                "THREADLINE_CONFIG": str(config),
            }
            (place / "dagster_home").mkdir(parents=True, exist_ok=True)
            run = run_child(
                [sys.executable, "-m", "chaos.dagster_run", str(config)], env=dagster_env, timeout=600
            )
            (place / "materialize.stdout").write_text(run.stdout)
            (place / "materialize.stderr").write_text(run.stderr)
            scenario.runs.append(("dagster materialize", run.returncode))
            scenarios.append(scenario)
            progress(f"canary dagster: {scenario.runs}")
    return scenarios


def search(folder: Path) -> tuple[int, list[str]]:
    forms = secret_forms()
    hits, files = [], 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        files += 1
        body = path.read_bytes()
        hits += [f"{path.relative_to(folder)}: {name}" for name, value in forms.items() if value in body]
        if body[:64].find(b"DUCK") >= 0 and not path.name.endswith(".wal"):
            text = duckdb_as_text(path).encode()
            hits += [
                f"{path.relative_to(folder)} (rows): {name}" for name, value in forms.items() if value in text
            ]
    return files, hits


def duckdb_as_text(path: Path) -> str:
    """Every row of every table and view-free schema, as text (the WAL is replayed on open)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
        parts = []
        for schema, table in tables:
            rows = con.execute(f'SELECT CAST(t AS VARCHAR) FROM "{schema}"."{table}" AS t').fetchall()  # noqa: S608 - names from the catalog
            parts.extend(row[0] for row in rows)
        return "\n".join(parts)


def run_canary(
    folder: Path,
    *,
    dagster: bool = True,
    org: OrgSpec = SMALL_ORG,
    only: tuple[str, ...] = tuple(SCENARIOS),
    progress: Callable[[str], None] = print,
) -> CanaryResult:
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = run_scenarios(folder, dagster=dagster, org=org, only=only, progress=progress)
    unexpected = [
        f"{s.name}: {label} exited {code}, expected {' or '.join(map(str, s.exit_codes))}"
        for s in scenarios
        for label, code in s.runs
        if code not in s.exit_codes
    ]
    files, hits = search(folder)
    return CanaryResult(scenarios, files, hits, unexpected)
