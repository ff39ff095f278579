"""The canary's Dagster run (a child process): every source partition, then mapping and report,
materialized into the persistent instance of $DAGSTER_HOME, whose storage is then searched.

    python -m chaos.dagster_run CONFIG

Partitions are added as the `containers_follow_config` sensor would add them. Exits 0 when every
run succeeded.
"""

from __future__ import annotations

import sys

from dagster import AssetSelection, DagsterInstance, build_sensor_context, materialize

from pipelines.definitions import build_definitions


def main(config: str) -> int:
    defs = build_definitions(config)
    assets = {a.key.to_user_string(): a for a in defs.assets}
    with DagsterInstance.get() as instance:
        sensor = defs.resolve_sensor_def("containers_follow_config")
        tick = sensor.evaluate_tick(build_sensor_context(instance=instance, resources=defs.resources))
        ok = True
        for request in tick.dynamic_partitions_requests:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
            source = request.partitions_def_name.removesuffix("_containers")
            for key in request.partition_keys:
                run = materialize(
                    [assets[f"{source}_work_items"]],
                    partition_key=key,
                    instance=instance,
                    resources=defs.resources,
                    raise_on_error=False,
                )
                ok &= run.success
        rest = [name for name in assets if not name.endswith("_work_items")]
        run = materialize(
            [*defs.assets, *defs.asset_checks],
            instance=instance,
            resources=defs.resources,
            selection=AssetSelection.assets(*(assets[n] for n in rest)),
            raise_on_error=False,
        )
        ok &= run.success
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
