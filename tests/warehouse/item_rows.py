"""A GitHub item's row as the normaliser makes it, for load tests: item `number` of acme/api at
T0 + `minutes` (its title says which version it is)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.models import work_row

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def github_row(number: int, minutes: int, **changes) -> dict:
    nid = f"acme/api#{number}"
    fields = dict(
        item_id=f"github:github.com:{nid}",
        source="github",
        instance="github.com",
        native_id=nid,
        key=nid,
        title=f"item {number} at {minutes}",
        item_type="issue",
        status="open",
        status_category="todo",
        container="acme/api",
        created_at=T0,
        updated_at=T0 + timedelta(minutes=minutes),
    )
    return work_row(**{**fields, **changes})
