"""Dagster definitions, one concern per module (as Dagster's example projects split them).

resources.py   config, credentials and the warehouse
partitions.py  one partition per container (repo, project), following the config
assets.py      source syncs per partition, Asana goals, goal mapping, the report
checks.py      freshness per container, uniqueness, every item mapped, alignment drop
automation.py  automation conditions, sensors, jobs (all on by default)

pipelines/definitions.py puts them together.
"""
