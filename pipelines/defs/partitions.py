"""One partition per container: a GitHub repository, a Jira project, an Asana project.

Dynamic partitions, kept equal to what the configuration names by the `containers_follow_config`
sensor: a repository added to threadline.yaml appears as a partition within a minute, one removed
is retired (its partition deleted; its rows stay in the warehouse). Asana teams expand to their
projects, which only the API knows: that is why the set cannot be fixed when the code loads.
"""

from __future__ import annotations

from dagster import (
    DynamicPartitionsDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from connectors.config import SourceConfig
from pipelines.defs.automation import default_status
from pipelines.defs.resources import client_key


def containers_partitions(source: SourceConfig) -> DynamicPartitionsDefinition:
    return DynamicPartitionsDefinition(name=f"{source.name}_containers")


def configured_containers(context, source: SourceConfig) -> list[str]:
    """The containers the current config names for a source (Asana: asks the API for team projects)."""
    current = context.resources.threadline.load().source(source.name)
    return getattr(context.resources, client_key(source)).connector(current).containers()


def partition_sync_sensor(sources: list[SourceConfig]):
    @sensor(
        name="containers_follow_config",
        minimum_interval_seconds=60,
        # Off with the rest under THREADLINE_AUTOMATION=off: it launches no run, but it lists every
        # source's scope (an org's repositories, a team's projects) each minute, which "off" must stop.
        default_status=default_status(),
        required_resource_keys={"threadline", *(client_key(s) for s in sources)},
        description="Keeps each source's partitions equal to the repositories and projects threadline.yaml "
        "names: adds new ones (synced at once), retires removed ones.",
    )
    def containers_follow_config(context: SensorEvaluationContext):
        requests, changes = [], []
        for source in sources:
            partitions = containers_partitions(source)
            try:
                wanted = configured_containers(context, source)
            except Exception as exc:  # a source that cannot list its scope now keeps its partitions
                context.log.warning(f"{source.name}: partitions unchanged, cannot list containers: {exc}")
                continue
            have = set(context.instance.get_dynamic_partitions(partitions.name))
            added = [c for c in wanted if c not in have]
            retired = sorted(have - set(wanted))
            if added:
                requests.append(partitions.build_add_request(added))
                changes.append(f"{source.name} + {', '.join(added)}")
            if retired:
                requests.append(partitions.build_delete_request(retired))
                changes.append(f"{source.name} - {', '.join(retired)}")
        if not requests:
            return SkipReason("partitions match the configuration")
        context.log.info("; ".join(changes))
        return SensorResult(dynamic_partitions_requests=requests)

    return containers_follow_config
