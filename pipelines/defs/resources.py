"""Resources: where the config is, each source's credentials, and the warehouse path."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from connectors.base import Connector, SourceConfig
from pipelines.config import ThreadlineConfig, load_config
from pipelines.registry import build_connector


class ThreadlineResource(ConfigurableResource):
    """Where the configuration is; hands out the parsed config (read at each run, so edits count)."""

    config_path: str
    report_output: str | None = None  # overrides the config's report.output

    def load(self) -> ThreadlineConfig:
        config = load_config(self.config_path)
        if self.report_output:
            config.report.output = Path(self.report_output)
        return config


class SourceClientResource(ConfigurableResource):
    """Credentials of one source (token from an env var); hands out its connector."""

    token: str
    sandbox_url: str | None = None

    def connector(self, source: SourceConfig) -> Connector:
        if self.sandbox_url:
            return build_connector(source, sandbox_url=self.sandbox_url)
        return build_connector(source, token=self.token)


def client_key(source: SourceConfig) -> str:
    return f"{source.name}_client"
