"""Orchestration: Dagster definitions, the sync runner, the CLI."""
