"""`sync_parallel`: every container of every source fetched in parallel, merged by one writer.

Per source: `plan_<source>` (short DuckDB use: merge leftovers, read cursors) fans out one
`fetch_<source>` op per container (Dagster dynamic outputs), and `merge_<source>` collects them
and merges the staged batches. The parallelism is Dagster's: the multiprocess executor here
(`max_concurrent` workers), the same job on the Kubernetes, Celery or Docker executors elsewhere
(docs/operations.md). Fetch ops hold no DuckDB lock; they stage batches in the staging area
(pipelines/staged.py, warehouse/staging.py).

Limits are Dagster concurrency pools, set on the instance (`dagster instance concurrency set`):
- `threadline_<source>` on the fetch ops: workers per source (GitHub: at most 100 concurrent);
- `threadline_warehouse` on plan and merge: DuckDB takes one writer (limit 1). Without a limit
  set, the writer's own lock wait (warehouse/db.py) still serialises them.
Each merge reports a materialization of the source asset's partition (the container), so the
partition status in the UI is the same as when the partition asset itself ran.
"""

# No `from __future__ import annotations`: Dagster reads the op annotations at definition time.
import importlib
import os
import re

from dagster import (
    AssetKey,
    AssetMaterialization,
    DynamicOut,
    DynamicOutput,
    ExecutorDefinition,
    In,
    InitExecutorContext,
    JobDefinition,
    OpExecutionContext,
    Out,
    Output,
    executor,
    job,
    multiple_process_executor_requirements,
    multiprocess_executor,
    op,
)

from connectors.config import SourceConfig
from pipelines.console import progress_every
from pipelines.defs.assets import accessible_connector, partition_metadata, staging_area
from pipelines.defs.failures import said_plainly, streams_failed
from pipelines.defs.logs import in_run_log
from pipelines.defs.partitions import containers_partitions
from pipelines.defs.resources import client_key
from pipelines.staged import FetchTask, fetch_stream, merge_streams, plan_streams
from pipelines.sync import PROGRESS_EVERY_SECONDS, StreamResult, SyncReport
from warehouse.db import open_warehouse

WRITER_POOL = "threadline_warehouse"
EXECUTOR_ENV = "THREADLINE_EXECUTOR"
# Dagster's executors that run each op in a pod / a Celery worker / a container: same job, same ops.
CLUSTER_EXECUTORS = {
    "k8s": ("dagster_k8s", "k8s_job_executor"),
    "celery": ("dagster_celery", "celery_executor"),
    "docker": ("dagster_docker", "docker_executor"),
}
DEFAULT_WORKERS = 8  # fetch workers of one run: they wait on the network, not the CPU
# Imported once by the executor's forkserver, so that each op's process (a fork of it) starts
# without importing them again: Threadline's definitions, and what every step process loads to
# open the Dagster instance (its SQL storage pulls in sqlalchemy and alembic, ~1 s per process).
FORKSERVER_PRELOAD = [
    "dagster._core.executor.multiprocess",
    "pipelines.definitions",
    "dagster._core.instance.factory",
    "dagster._core.storage.event_log",
    "dagster._core.storage.runs",
    "dagster._core.storage.schedules",
    "dagster._core.storage.sqlite_storage",
]


def fetch_pool(source: SourceConfig) -> str:
    return f"threadline_{source.name}"


def mapping_key(container: str, index: int) -> str:
    """Dynamic output keys allow [A-Za-z0-9_] only: 'acme/api' -> 'acme_api_0' (index keeps it unique)."""
    return f"{re.sub(r'[^A-Za-z0-9_]', '_', container)}_{index}"


def source_ops(source: SourceConfig):
    resources = {client_key(source), "threadline", "duckdb"}
    asset_key = AssetKey(f"{source.name}_work_items")

    @op(
        name=f"plan_{source.name}",
        out=DynamicOut(FetchTask),
        pool=WRITER_POOL,
        required_resource_keys=resources,
    )
    def plan(context: OpExecutionContext):
        with said_plainly():
            connector = accessible_connector(context, source)
            with open_warehouse(context.resources.duckdb.database) as con:
                tasks = plan_streams(con, connector, staging_area(context), run_id=context.run_id[:12])
        partitions = containers_partitions(source).name
        known = set(context.instance.get_dynamic_partitions(partitions))
        if missing := [t.container for t in tasks if t.container not in known]:
            context.instance.add_dynamic_partitions(partitions, missing)
        for index, task in enumerate(tasks):
            yield DynamicOutput(task, mapping_key=mapping_key(task.container, index))

    @op(
        name=f"fetch_{source.name}",
        ins={"task": In(FetchTask)},
        out=Out(StreamResult),
        pool=fetch_pool(source),
        required_resource_keys=resources,
    )
    def fetch(context: OpExecutionContext, task: FetchTask) -> StreamResult:
        current = context.resources.threadline.load().source(source.name)
        connector = getattr(context.resources, client_key(source)).connector(current)
        with in_run_log(context):
            return fetch_stream(
                connector,
                task,
                staging_area(context),
                progress=progress_every(
                    PROGRESS_EVERY_SECONDS, lambda r: context.log.info(r.progress_line())
                ),
            )

    @op(
        name=f"merge_{source.name}",
        ins={"fetched": In(list)},
        pool=WRITER_POOL,
        required_resource_keys=resources,
    )
    def merge(context: OpExecutionContext, fetched: list):
        current = context.resources.threadline.load().source(source.name)
        connector = getattr(context.resources, client_key(source)).connector(current)
        with open_warehouse(context.resources.duckdb.database) as con:
            results = merge_streams(
                con, connector, fetched, staging_area(context), run_id=context.run_id[:12]
            )
        for result in results:
            if result.status == "success":
                metadata = partition_metadata(SyncReport([result]))
                yield AssetMaterialization(asset_key=asset_key, partition=result.container, metadata=metadata)
        if failed := [r for r in results if r.status != "success"]:
            raise streams_failed(source.name, [f"{r.container}: {r.error}" for r in failed])
        yield Output(None)

    return plan, fetch, merge


def with_local_defaults(config: dict) -> dict:
    """The multiprocess executor's config with Threadline's defaults where the run config is
    silent: DEFAULT_WORKERS, and forkserver preloading FORKSERVER_PRELOAD.

    Dagster's own defaults are `spawn` (every op's process imports Dagster and Threadline afresh,
    seconds of CPU each) and one worker per CPU; and a job's default run config is replaced as a
    whole by any `execution:` the run gives, so `max_concurrent: 8` alone would bring spawn back.
    Filling in the gaps here keeps the fast start whatever part of the config a run sets."""
    config = dict(config)
    config["max_concurrent"] = config.get("max_concurrent") or DEFAULT_WORKERS
    start = config.get("start_method") or {"forkserver": {}}
    if "forkserver" in start and start["forkserver"].get("preload_modules") is None:
        start = {"forkserver": {**start["forkserver"], "preload_modules": FORKSERVER_PRELOAD}}
    config["start_method"] = start
    return config


@executor(
    name="multiprocess",
    config_schema=multiprocess_executor.config_schema.as_field(),
    requirements=multiple_process_executor_requirements(),
)
def local_executor(init_context: InitExecutorContext):
    """Dagster's multiprocess executor, same config, with Threadline's defaults (with_local_defaults)."""
    context = InitExecutorContext(
        job=init_context.job,
        executor_def=init_context.executor_def,
        executor_config=with_local_defaults(init_context.executor_config),
        instance=init_context.instance,
    )
    return multiprocess_executor.executor_creation_fn(context)


def parallel_executor(name: str | None = None) -> ExecutorDefinition:
    """The executor of `sync_parallel`: $THREADLINE_EXECUTOR (multiprocess by default; k8s, celery
    or docker with their Dagster integration installed), so one set of definitions runs here and
    on a cluster."""
    name = name or os.environ.get(EXECUTOR_ENV) or "multiprocess"
    if name == "multiprocess":
        return local_executor
    if name not in CLUSTER_EXECUTORS:
        known = ", ".join(["multiprocess", *CLUSTER_EXECUTORS])
        raise ValueError(f"${EXECUTOR_ENV}={name}: unknown executor (known: {known})")
    module, attribute = CLUSTER_EXECUTORS[name]
    return getattr(importlib.import_module(module), attribute)


def parallel_sync_job(
    sources: list[SourceConfig], owners: list[str], executor: ExecutorDefinition | None = None
) -> JobDefinition:
    built = [source_ops(source) for source in sources]

    @job(
        name="sync_parallel",
        # Locally, forkserver (local_executor's default): each op's process forks from one that
        # has imported Dagster and Threadline already, so a worker starts in a fraction of a
        # second instead of importing everything.
        executor_def=executor or parallel_executor(),
        description="Sync every container of every source: fetch in parallel (one op per container, "
        "pool threadline_<source>), merge by one writer (pool threadline_warehouse). Set the workers "
        "with execution.config.max_concurrent.",
        tags={"threadline/kind": "sync"},
        owners=owners,
    )
    def sync_parallel():
        for plan, fetch, merge in built:
            merge(plan().map(fetch).collect())

    return sync_parallel
