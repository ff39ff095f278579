"""Config that used to crash, hang or mislead: each kind has one exact outcome (issue 13, defect 8).

Refused kinds stop with one line naming file:line, exit 2, and no warehouse. Rules whose
combined regex is too large for RE2 are not a mistake at all: they map as if RE2 had no limit.
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from mapping.yamlconf import MAX_EXPANDED_NODES, ConfigError
from pipelines.cli import app
from pipelines.config import load_config
from tests.conftest import EXAMPLES
from tests.pipelines.test_cli import make_config

runner = CliRunner()

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else ', '.join(['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)  # 9 levels of 9 aliases each: 9**9 (387 million) values from 300 bytes


ATLASSIAN_TOKEN = "ATATT3xFfGF0T4nbzqYcL8Wm2pQ9sKd7vXe1RjHuN5oBaZ6iC0gyMwEtJl=3F2A1B0C"
GITHUB_TOKEN = "ghp_R8yH2kLmN4pQ7sT1vW3xZ5aB9cD0eF6gJ2hK"
ASANA_TOKEN = "2/1204567890123456/1209876543210987:0a1b2c3d4e5f60718293a4b5c6d7e8f9"
NOT_A_VARIABLE = (
    "must name the environment variable that holds the token (like GITHUB_TOKEN), not hold the token "
    "itself; export the token and name its variable here (the value is not repeated: it may be a secret)"
)


@dataclass(frozen=True)
class BadConfig:
    file: str  # which file of the config folder is bad
    text: bytes  # what it holds
    line: int | None
    message: str

    def expected(self, folder: Path) -> str:
        where = f"{folder / self.file}:{self.line}" if self.line else f"{folder / self.file}"
        return f"error: {where}: {self.message}"


def jira_config(jql: str | None = None, **fields: object) -> bytes:
    source = {
        "kind": "jira",
        "name": "jira",
        "base_url": "https://acme.atlassian.net",
        "email": "ops@acme.test",
        "projects": ["PAY"],
        **({"jql": jql} if jql is not None else fields),
    }
    return yaml.safe_dump({"organisation": "Bad", "sources": [source]}, sort_keys=False).encode()


EFFORT_BY_SOURCE_NAME = b"""organisation: Bad
sources:
  - kind: github
    name: gh-cloud
    repos: [acme/api]
effort:
  by_source:
    gh-cloud: 2
"""

GITHUB_ONLY = b"""organisation: Bad
sources:
  - kind: github
    name: github
    repos: [acme/api]
"""

KINDS = {
    "effort keyed by a source's name, not its kind": BadConfig(
        "threadline.yaml",
        EFFORT_BY_SOURCE_NAME,
        7,  # the by_source: line
        "effort.by_source: unknown source kind 'gh-cloud': use one of asana, github, jira",
    ),
    "non-UTF-8 threadline.yaml": BadConfig(
        "threadline.yaml",
        b"organisation: Caf\xe9 Acme\n",
        1,
        "not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ),
    "non-UTF-8 rules.yaml": BadConfig(
        "rules.yaml", b"rules:\n  - id: caf\xe9\n", 2, "not UTF-8 text (byte 0xe9); save the file as UTF-8"
    ),
    "YAML alias bomb": BadConfig(
        "threadline.yaml",
        BOMB.encode(),
        6,  # g: the first entry past the limit (9**7 values)
        f"YAML aliases expand this file to more than {MAX_EXPANDED_NODES:,} values; write the values out",
    ),
    "recursive YAML alias": BadConfig(
        "threadline.yaml",
        b"organisation: x\nsources: &s [*s]\n",
        2,
        "invalid YAML: an alias refers to a node that contains it",
    ),
    "YAML nested 100k deep": BadConfig(
        "threadline.yaml",
        b"organisation: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        None,
        "invalid YAML: nested too deeply",
    ),
    # Numbers no effort, weight or threshold can be: the report added -105 points of effort.
    "a negative effort per source": BadConfig(
        "threadline.yaml",
        GITHUB_ONLY + b"effort:\n  by_source:\n    github: -3\n",
        8,
        "effort.by_source.github: Input should be greater than 0",
    ),
    "a NaN effort per source": BadConfig(
        "threadline.yaml",
        GITHUB_ONLY + b"effort:\n  by_source:\n    github: .nan\n",
        8,
        "effort.by_source.github: Input should be a finite number",
    ),
    "an infinite default effort": BadConfig(
        "threadline.yaml",
        GITHUB_ONLY + b"effort:\n  default: .inf\n",
        7,
        "effort.default: Input should be a finite number",
    ),
    "an infinite estimate rate": BadConfig(
        "threadline.yaml",
        GITHUB_ONLY + b"effort:\n  estimates:\n    jira: {unit: points, rate: .inf}\n",
        8,
        "effort.estimates.jira.rate: Input should be a finite number",
    ),
    "an infinite staleness": BadConfig(
        "threadline.yaml",
        GITHUB_ONLY + b"alerts:\n  stale_after_hours: .inf\n",
        7,
        "alerts.stale_after_hours: Input should be a finite number",
    ),
    "an infinite overlap": BadConfig(
        "threadline.yaml",
        jira_config(overlap_minutes=float("inf")),
        9,
        "sources.0.jira.overlap_minutes: Input should be a finite number",
    ),
    "an infinite goal weight": BadConfig(
        "goals.yaml",
        b"goals:\n  - id: uptime\n    title: Uptime\n    weight: .inf\n",
        4,
        "goals.0.weight: Input should be a finite number",
    ),
    "a NaN split weight": BadConfig(
        "rules.yaml",
        b"rules:\n  - id: r\n    split: {uptime: .nan, fast-pages: 1}\n    when: {labels_any: [x]}\n",
        3,
        "rules.0.split.uptime: Input should be a finite number",
    ),
    # Scalars YAML recognises by their shape but cannot build (a ValueError, not a YAML error).
    "a date with month 13": BadConfig(
        "goals.yaml",
        b"goals:\n  - id: a\n    title: A\n    start: 2026-13-01\n",
        4,
        "invalid YAML: '2026-13-01' is not a valid date (month must be in 1..12)",
    ),
    "February 30": BadConfig(
        "threadline.yaml",
        b"organisation: 2026-02-30\n",
        1,
        "invalid YAML: '2026-02-30' is not a valid date (day is out of range for month)",
    ),
    "an !!int tag on text": BadConfig(
        "threadline.yaml",
        b"organisation: x\nreport:\n  weeks: !!int four\n",
        3,
        "invalid YAML: 'four' is not a valid int (invalid literal for int() with base 10: 'four')",
    ),
    "an !!bool tag on text": BadConfig(
        "threadline.yaml",
        b"organisation: !!bool maybe\n",
        1,
        "invalid YAML: 'maybe' is not a valid bool",  # a KeyError inside PyYAML
    ),
    "a list as a mapping key": BadConfig(
        "threadline.yaml",
        b"organisation: x\n? [a, b]\n: 1\n",
        2,
        "invalid YAML: found unhashable key",
    ),
    "a NUL byte": BadConfig(
        "rules.yaml",
        b"rules:\n  - id: a\x00b\n",
        2,
        "invalid YAML: control character U+0000 is not allowed; remove it",
    ),
    "a bell character": BadConfig(
        "threadline.yaml",
        b"organisation: Acme\x07\n",
        1,
        "invalid YAML: control character U+0007 is not allowed; remove it",
    ),
    # token_env names the variable; a token pasted in its place must not be printed back
    "a Jira API token as token_env": BadConfig(
        "threadline.yaml",
        jira_config(token_env=ATLASSIAN_TOKEN),
        9,
        "sources.0.jira.token_env: " + NOT_A_VARIABLE,
    ),
    "a GitHub token as token_env": BadConfig(
        "threadline.yaml",
        b"organisation: Bad\nsources:\n  - kind: github\n    name: github\n    token_env: "
        + GITHUB_TOKEN.encode()
        + b"\n    repos: [acme/api]\n",
        5,
        "sources.0.github.token_env: " + NOT_A_VARIABLE,
    ),
    "an Asana token as token_env": BadConfig(
        "threadline.yaml",
        b"organisation: Bad\nsources:\n  - kind: asana\n    name: asana\n    token_env: "
        + ASANA_TOKEN.encode()
        + b"\n    workspace: '1'\n    projects: ['2']\n",
        5,
        "sources.0.asana.token_env: " + NOT_A_VARIABLE,
    ),
    # pydantic's own wordings, said in the file's terms
    "a list where the file needs keys": BadConfig(
        "threadline.yaml",
        b"- organisation: Bad\n- sources: []\n",
        1,
        "expected keys and values (organisation: ..., sources: ...), found a list",
    ),
    "a source without a kind": BadConfig(
        "threadline.yaml",
        b"organisation: Bad\nsources:\n  - name: gh\n    repos: [acme/api]\n",
        3,
        "sources.0: missing 'kind': say which tool this is (one of: 'github', 'jira', 'asana')",
    ),
    "a source of an unknown kind": BadConfig(
        "threadline.yaml",
        b"organisation: Bad\nsources:\n  - kind: gitlab\n    name: gh\n",
        3,
        "sources.0: kind 'gitlab' is not a tool Threadline reads; use one of: 'github', 'jira', 'asana'",
    ),
    "jql that would widen the scope": BadConfig(
        "threadline.yaml",
        jira_config("issuetype != Epic) OR (project = SUP"),
        9,
        "sources.0.jira.jql: the ')' at character 18 closes a parenthesis the jql did not open; "
        "jql may only narrow each project's issues, e.g. 'issuetype != Epic'",
    ),
    "jql with an unclosed string": BadConfig(
        "threadline.yaml",
        jira_config('summary ~ "login'),
        9,
        "sources.0.jira.jql: a quoted string is not closed; jql may only narrow each project's issues, e.g. 'issuetype != Epic'",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_config_is_refused_with_one_line(tmp_path: Path, kind: str):
    bad = KINDS[kind]
    config = make_config(tmp_path)
    (tmp_path / bad.file).write_bytes(bad.text)
    command = "sync" if bad.file == "threadline.yaml" else "map"

    started = time.monotonic()
    result = runner.invoke(app, [command, "-c", str(config)])
    elapsed = time.monotonic() - started

    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [bad.expected(tmp_path)]
    assert not (tmp_path / "threadline.duckdb").exists()
    # refused before expanding anything (the alias bomb ran 35 s into a MemoryError); the margin
    # is for a busy machine (CI runs the suite on every core)
    assert elapsed < 20


def test_alias_bomb_is_refused_in_bounded_memory(tmp_path: Path):
    config = make_config(tmp_path)
    config.write_text(BOMB)
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError, match="YAML aliases expand"):
            load_config(config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20  # a few MB at most (it took 1.7 GB before the MemoryError)


def test_jql_narrowing_that_stays_inside_the_project_is_accepted(tmp_path: Path):
    path = tmp_path / "threadline.yaml"
    path.write_bytes(jira_config('issuetype != Epic AND (summary ~ "a) OR (b" OR labels = x)'))
    assert load_config(path).sources[0].jql == 'issuetype != Epic AND (summary ~ "a) OR (b" OR labels = x)'


# Rules whose regexes each compile in RE2 but whose union (the pre-filter) does not:
# "pattern too large - compile failed". None matches a sandbox title.
TOO_LARGE_FOR_ONE_PROGRAM = 400


def big_rules(tmp_path: Path) -> str:
    examples = yaml.safe_load((EXAMPLES / "rules.yaml").read_text())
    heavy = [
        {"id": f"heavy-{i}", "goal": "uptime", "when": {"title_matches": rf"(?i)zq{i}\w{{1,200}}qz"}}
        for i in range(TOO_LARGE_FOR_ONE_PROGRAM)
    ]
    examples["rules"] = heavy + examples["rules"]
    return yaml.safe_dump(examples, sort_keys=False)


def test_combined_regex_too_large_for_re2_is_precondition():
    union = "|".join(rf"(?:(?i)zq{i}\w{{1,200}}qz)" for i in range(TOO_LARGE_FOR_ONE_PROGRAM))
    with pytest.raises(duckdb.InvalidInputException, match="pattern too large"):
        duckdb.connect().execute("SELECT regexp_matches('', ?)", [union])


def mapping_rows(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT item_id, goal_id, method, rule_id, weight FROM core.work_item_goals ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def test_rules_too_large_for_one_re2_program_map_and_check(sandbox, tmp_path: Path):
    plain, heavy = tmp_path / "plain", tmp_path / "heavy"
    plain.mkdir(), heavy.mkdir()
    plain_config = make_config(plain)
    heavy_config = make_config(heavy, rules_text=big_rules(heavy))
    for config in (plain_config, heavy_config):
        for command in (["sync", "--sandbox", sandbox.url], ["map"]):
            result = runner.invoke(app, [command[0], "-c", str(config), *command[1:]])
            assert result.exit_code == 0, result.output

    checked = runner.invoke(app, ["rules", "check", "-c", str(heavy_config)])
    assert checked.exit_code == 0, checked.output
    assert (
        f"{TOO_LARGE_FOR_ONE_PROGRAM + len(yaml.safe_load((plain / 'rules.yaml').read_text())['rules'])} rules"
        in checked.output
    )
    # The heavy rules match nothing, so every item maps as under the example rules alone.
    assert mapping_rows(heavy / "threadline.duckdb") == mapping_rows(plain / "threadline.duckdb")
    assert len(mapping_rows(plain / "threadline.duckdb")) > 0


@pytest.mark.parametrize("file", ["threadline.yaml", "rules.yaml"])
def test_a_folder_where_a_config_file_belongs_is_refused_with_one_line(tmp_path: Path, file: str):
    config = make_config(tmp_path)
    folder = tmp_path / "conf"
    folder.mkdir()
    if file == "threadline.yaml":
        config = folder  # `-c my-company` instead of `-c my-company/threadline.yaml`
    else:
        (tmp_path / file).unlink()
        (tmp_path / file).mkdir()
        folder = tmp_path / file

    result = runner.invoke(app, ["map", "-c", str(config)])

    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"error: {folder}: is a folder, not a file; name the YAML file in it"
    ]
    assert not (tmp_path / "threadline.duckdb").exists()


MERGED_REPOS = b"""organisation: Merge
sources:
  - kind: github
    name: github
    repos:
      - &payments { name: acme/api, team: payments }
      - { <<: *payments, name: acme/web }
"""


def test_yaml_merge_keys_are_read_as_yaml_reads_them(tmp_path: Path):
    """`<<: *anchor` (YAML's merge key) copies the anchored mapping's keys; the mapping's own win."""
    path = tmp_path / "threadline.yaml"
    path.write_bytes(MERGED_REPOS)
    repos = load_config(path).sources[0].repos
    assert [(r.name, r.team) for r in repos] == [("acme/api", "payments"), ("acme/web", "payments")]


def test_a_key_written_twice_beside_a_merge_key_is_still_refused(tmp_path: Path):
    path = tmp_path / "threadline.yaml"
    path.write_bytes(MERGED_REPOS.replace(b"name: acme/web }", b"name: acme/web, name: acme/app }"))
    with pytest.raises(
        ConfigError, match=r"threadline.yaml:7: invalid YAML: duplicate key 'name' \(first at line 7\)"
    ):
        load_config(path)
