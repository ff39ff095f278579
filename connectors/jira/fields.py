"""The site's fields (GET /field): which custom field ids hold story points, the goal, and the
custom fields a config names. Ids differ per site (`customfield_10016` here, `_10028` there);
names are what people configure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.jira import settings


class UnknownField(LookupError):
    def __init__(self, wanted: str, purpose: str) -> None:
        super().__init__(
            f"no field named {wanted!r} for {purpose} on the site (or the account cannot see it)"
        )
        self.wanted = wanted


@dataclass(frozen=True)
class FieldCatalog:
    """Every field the account can see, by id, with case-insensitive lookup by name."""

    fields: dict[str, dict[str, Any]]

    @classmethod
    def from_payload(cls, payload: list[dict[str, Any]]) -> FieldCatalog:
        return cls({str(f["id"]): f for f in payload if isinstance(f, dict) and "id" in f})

    def find_all(self, name_or_id: str) -> tuple[str, ...]:
        """Every field a configured name means: the id itself, else every field of that name (else
        of that JQL clause name), site-wide ones first.

        Team-managed projects have fields of their own (/field gives them a `scope` naming the
        project), so a site can have a "Severity" per project under different ids; an issue has a
        value in the one its project uses, so all of them are read.
        """
        if name_or_id in self.fields:
            return (name_or_id,)
        wanted = name_or_id.strip().lower()
        for matches in (
            lambda f: str(f.get("name", "")).lower() == wanted,
            lambda f: wanted in (str(c).lower() for c in f.get("clauseNames") or ()),
        ):
            found = [fid for fid, f in self.fields.items() if matches(f)]
            if found:
                return tuple(sorted(found, key=lambda fid: bool(self.fields[fid].get("scope"))))
        return ()

    def find(self, name_or_id: str) -> str | None:
        """The first field `find_all` gives, if any."""
        return next(iter(self.find_all(name_or_id)), None)

    def require(self, name_or_id: str, purpose: str) -> tuple[str, ...]:
        found = self.find_all(name_or_id)
        if not found:
            raise UnknownField(name_or_id, purpose)
        return found

    def story_points(self) -> tuple[str, ...]:
        """Every story points field of the site, in the order an issue's estimate is looked for.

        A site can have two: team-managed projects estimate in "Story point estimate" (the Jira
        Software field), company-managed ones in "Story Points". Each issue has a value in the one
        its project uses, so both are read and the first that holds a value wins.
        """
        by_name = [found for name in settings.STORY_POINTS_NAMES if (found := self.find(name)) is not None]
        by_schema = sorted(
            fid
            for fid, f in self.fields.items()
            if (f.get("schema") or {}).get("custom") == settings.STORY_POINTS_SCHEMA
        )
        return tuple(dict.fromkeys([*by_name, *by_schema]))


@dataclass(frozen=True)
class SiteFields:
    """The configured fields resolved to this site's ids."""

    story_points: tuple[str, ...] = ()  # tried in order: the first with a value is the estimate
    goal: tuple[str, ...] = ()  # every field of the goal field's name; the first with a value counts
    # id -> name kept in WorkItem.custom (ids may share a name: the first with a value counts)
    custom: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("story_points", "goal"):  # one field id given as a plain string
            if isinstance(getattr(self, name), str):
                object.__setattr__(self, name, (getattr(self, name),))

    @classmethod
    def resolve(
        cls,
        catalog: FieldCatalog,
        *,
        story_points: str | list[str] | None,
        goal: str | None,
        custom: list[str],
    ) -> SiteFields:
        configured = [story_points] if isinstance(story_points, str) else list(story_points or ())
        if configured:
            points = tuple(
                dict.fromkeys(f for name in configured for f in catalog.require(name, "story points"))
            )
        else:
            points = catalog.story_points()
        return cls(
            story_points=points,
            goal=catalog.require(goal, "goals") if goal else (),
            custom={fid: name for name in custom for fid in catalog.require(name, "custom_fields")},
        )

    def request_list(self) -> list[str]:
        """The explicit field list of a sync's search."""
        extra = [f for f in (*self.story_points, *self.goal, *self.custom) if f]
        return list(dict.fromkeys([*settings.ISSUE_FIELDS, *extra]))
