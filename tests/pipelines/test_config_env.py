"""${NAME} in threadline.yaml: values from the environment, an unset one an error at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.yamlconf import ConfigError
from pipelines.config import load_config

CONFIG = """organisation: Env test
warehouse: ${TEST_TL_WAREHOUSE:-out/env.duckdb}
sources:
  - kind: jira
    name: jira
    base_url: ${TEST_TL_JIRA_URL}
    email: ${TEST_TL_JIRA_EMAIL:-ops@example.com}
    projects: [PAY]
"""


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "threadline.yaml"
    path.write_text(text)
    return path


def test_values_come_from_the_environment_or_their_default(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TEST_TL_JIRA_URL", "https://acme.atlassian.net")
    monkeypatch.delenv("TEST_TL_JIRA_EMAIL", raising=False)
    monkeypatch.setenv("TEST_TL_WAREHOUSE", str(tmp_path / "w.duckdb"))
    config = load_config(write(tmp_path))
    (jira,) = config.sources
    assert jira.base_url == "https://acme.atlassian.net"
    assert jira.email == "ops@example.com"
    assert config.warehouse_path == tmp_path / "w.duckdb"


def test_an_unset_variable_is_an_error_at_its_line(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("TEST_TL_JIRA_URL", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path))
    assert caught.value.line == 6
    assert "TEST_TL_JIRA_URL is not set" in str(caught.value)


def test_text_without_a_reference_is_left_alone(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TEST_TL_JIRA_URL", "https://acme.atlassian.net")
    text = CONFIG.replace("projects: [PAY]", "projects: [PAY]\n    jql: 'summary ~ \"$5 off\"'")
    (jira,) = load_config(write(tmp_path, text)).sources
    assert jira.jql == 'summary ~ "$5 off"'
