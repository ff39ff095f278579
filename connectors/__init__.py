"""Connectors: each talks to one tool's API and yields validated `WorkItem`s (DESIGN §1, §3).

They know nothing of Dagster or DuckDB.
"""
