"""For load tests: a GitHub item's row as the normaliser makes it (`github_row`), and the names
of the .sql files a load runs (`statements_run`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.models import work_row
from warehouse import sql

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def github_row(number: int, minutes: int, **changes) -> dict:
    """Item `number` of acme/api at T0 + `minutes` (its title says which version it is)."""
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


def statements_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names of the .sql files `warehouse.sql.run` runs from now on, in order."""
    ran: list[str] = []
    real = sql.run

    def spying(con, path, *args, **kwargs):
        ran.append(path.rsplit("/", 1)[-1])
        return real(con, path, *args, **kwargs)

    monkeypatch.setattr(sql, "run", spying)
    return ran
