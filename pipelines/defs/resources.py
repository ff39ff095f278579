"""Resources: where the config is, each source's credentials, and the warehouse path."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from connectors.base import Connector
from connectors.config import SourceConfig
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
    """Hands out one source's connector. The token is read from the variable the config names,
    when the connector is built, exactly as the CLI reads it; with `sandbox_url` the sandbox
    points the source at itself and gives its own token."""

    sandbox_url: str | None = None

    def connector(self, source: SourceConfig) -> Connector:
        return build_connector(source, sandbox_url=self.sandbox_url)


def client_key(source: SourceConfig) -> str:
    return f"{source.name}_client"
