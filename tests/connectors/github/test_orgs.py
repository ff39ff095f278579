"""`orgs:`: every repository of an organisation, filtered as configured, against the sandbox's
GET /orgs/{org}/repos (Link-paged, archived, forks, topics, nulls, outside tokens)."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from connectors.config import SourceAccessError
from connectors.github.client import GitHubConnector
from connectors.github.config import GitHubSourceConfig
from pipelines.sync import check_access, run_sync
from tests.conftest import FAST_RETRIES, SANDBOX_TOKEN

GLOBEX = {
    # name -> what add_repo makes of it
    "globex/api": {"topics": ["team-payments", "backend"]},
    "globex/web": {"topics": None},  # null topics: mapped by `teams:` below
    "globex/docs": {"topics": []},  # nothing names its team: the org's team
    "globex/legacy-billing": {"topics": ["team-payments"]},  # excluded by the glob legacy-*
    "globex/old-site": {"archived": True, "topics": ["team-growth"]},
    "globex/forked-lib": {"fork": True},
    "globex/tools": {"topics": ["team-ops"]},  # also under `repos:` with team infra: that wins
}


def make_globex(sandbox, **per_repo) -> None:
    for name, kind in GLOBEX.items():
        sandbox.github.add_repo(name, items=2, **{**kind, **per_repo.get(name, {})})


def globex_config(sandbox, **org) -> GitHubSourceConfig:
    return GitHubSourceConfig(
        name="github",
        base_url=sandbox.service_url("github"),
        instance="github.com",
        per_page=3,  # 6 repositories that are no fork: two pages, followed by their Link header
        repos=[{"name": "globex/tools", "team": "infra"}],
        orgs=[
            {
                "name": "globex",
                "exclude": ["legacy-*"],
                "team_from_topic": "team-",
                "teams": {"web": "growth"},
                "team": "platform",
                **org,
            }
        ],
    )


def connector(sandbox, config, token=SANDBOX_TOKEN) -> GitHubConnector:
    return GitHubConnector(config, token, policy=FAST_RETRIES)


def test_an_org_of_seven_keeps_four_with_their_teams_from_topic_mapping_org_and_repos_entry(sandbox):
    make_globex(sandbox)
    github = connector(sandbox, globex_config(sandbox))
    sandbox.reset_requests()

    assert check_access([github]).ready == [github]  # lists the organisation before anything is written

    # 7 - archived old-site - fork forked-lib - legacy-billing (glob) = 4; tools listed first.
    assert github.scope() == {
        "globex/tools": "infra",  # the repos: entry's team beats its topic team-ops
        "globex/api": "payments",  # topic team-payments
        "globex/docs": "platform",  # no topic, no mapping: the organisation's team
        "globex/web": "growth",  # teams: {web: growth}, topics null
    }
    listings = sandbox.requests_to("github", "/orgs/globex/repos")
    # GitHub leaves the fork out itself (type=sources): 6 repositories, 3 a page -> 2 requests.
    assert len(listings) == 2
    assert listings[0].param("type") == "sources" and listings[0].param("per_page") == "3"
    assert listings[1].param("page") == "2"
    assert github.stats.requests == 1 + 2  # /rate_limit, then the two listing pages


def test_archived_and_forks_are_kept_when_asked(sandbox):
    make_globex(sandbox)
    github = connector(sandbox, globex_config(sandbox, archived=True, forks=True))

    # 7 - legacy-billing (glob) = 6; the fork has no topic: the organisation's team.
    assert github.scope() == {
        "globex/tools": "infra",
        "globex/api": "payments",
        "globex/docs": "platform",
        "globex/forked-lib": "platform",
        "globex/old-site": "growth",
        "globex/web": "growth",
    }
    assert sandbox.requests_to("github", "/orgs/globex/repos")[0].param("type") == "all"


def test_include_globs_and_a_source_team_default(sandbox):
    make_globex(sandbox)
    config = globex_config(sandbox, include=["a*", "W*"], team=None, team_from_topic=None)
    config.team, config.repos = "everyone", []
    github = connector(sandbox, config)

    # Included by name: api, web (globs ignore case). Teams: web mapped; api's topic not read.
    assert github.scope() == {"globex/api": "everyone", "globex/web": "growth"}


def test_a_token_outside_the_org_sees_its_public_repositories_only(sandbox):
    make_globex(
        sandbox, **{"globex/docs": {"visibility": "public"}, "globex/old-site": {"visibility": "public"}}
    )
    sandbox.api("github").quotas.add("outsider-token")
    sandbox.github.outside_tokens.add("outsider-token")
    github = connector(sandbox, globex_config(sandbox), token="outsider-token")

    # Public: docs and the archived old-site (skipped); tools still comes from repos:.
    assert github.scope() == {"globex/tools": "infra", "globex/docs": "platform"}


def test_an_empty_org_adds_nothing_and_says_so(sandbox, caplog):
    sandbox.github.empty_orgs.add("initech")
    config = GitHubSourceConfig(
        name="github", base_url=sandbox.service_url("github"), repos=["acme/api"], orgs=["initech"]
    )
    with caplog.at_level(logging.WARNING, logger="connectors.github.discovery"):
        assert connector(sandbox, config).containers() == ["acme/api"]
    assert "organisation initech lists no repository to this token" in caplog.text


def test_an_unknown_org_stops_with_one_clear_line_before_any_write(sandbox):
    config = GitHubSourceConfig(name="github", base_url=sandbox.service_url("github"), orgs=["no-such-org"])

    with pytest.raises(SourceAccessError) as raised:
        check_access([connector(sandbox, config)])

    assert str(raised.value) == (
        "source 'github': GitHub organisation 'no-such-org' not found (404): check `orgs:` in the config "
        "(a user's repositories go under `repos:`) and that $GITHUB_TOKEN may read it"
    )


def test_a_repository_both_listed_and_discovered_is_synced_once(sandbox, con):
    config = GitHubSourceConfig(
        name="github",
        base_url=sandbox.service_url("github"),
        instance="github.com",
        repos=[{"name": "ACME/api"}],  # another spelling; no team: discovery's (topic) applies
        orgs=[{"name": "acme", "team_from_topic": "team-"}],
    )
    github = connector(sandbox, config)

    report = run_sync(con, [github])

    demo = ["acme/api", "acme/web", "acme/mobile", "acme/infra", "acme/data-pipelines"]
    assert github.containers() == ["ACME/api", *sorted(set(demo) - {"acme/api"})]
    assert [s.container for s in report.streams if s.stream == "items"] == github.containers()
    teams = dict(con.execute("SELECT DISTINCT container, team FROM core.work_items").fetchall())
    assert teams == {
        "ACME/api": "payments",
        "acme/data-pipelines": "data",
        "acme/infra": "platform",
        "acme/mobile": "mobile",
        "acme/web": "growth",
    }


def test_a_config_naming_neither_repos_nor_orgs_is_refused():
    with pytest.raises(ValidationError, match="name at least one repository"):
        GitHubSourceConfig(name="github", repos=[])
    with pytest.raises(ValidationError, match="organisation is named twice"):
        GitHubSourceConfig(name="github", orgs=["acme", "ACME"])


def test_discovery_requests_are_booked_in_sync_runs_as_a_discover_run(sandbox, con):
    make_globex(sandbox)
    github = connector(sandbox, globex_config(sandbox))

    report = run_sync(con, [github])

    rows = con.execute(
        "SELECT container, status, items_seen, requests FROM meta.sync_runs WHERE stream = 'discover'"
    ).fetchall()
    assert rows == [("*", "success", 4, 2)]  # 4 repositories found in 2 listing pages
    items = [s for s in report.streams if s.stream == "items"]
    # Every request is booked once: the 2 listing pages plus each repository's own.
    assert (
        sum(s.requests for s in report.streams) == github.stats.requests == 2 + sum(s.requests for s in items)
    )


def test_a_listing_that_keeps_failing_skips_the_source_and_one_refused_stops_it(sandbox):
    from connectors.base import SourceUnavailable

    config = GitHubSourceConfig(name="github", base_url=sandbox.service_url("github"), orgs=["acme"])
    sandbox.add_fault(service="github", path_contains="/orgs/acme/repos", status=502, times=None)
    access = check_access([connector(sandbox, config)])
    assert access.ready == [] and [s.reason for s in access.skipped] == [
        f"source 'github': GitHub at {config.base_url} answered 502 after 4 attempts"
    ]
    with pytest.raises(SourceUnavailable):  # the same from the connector itself (run_sync, the sensor)
        connector(sandbox, config).containers()

    sandbox.faults.clear()
    saml = '{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.","documentation_url":"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/","status":"403"}'
    sandbox.add_fault(service="github", path_contains="/orgs/acme/repos", status=403, body=saml, times=None)
    with pytest.raises(SourceAccessError, match=r"organisation 'acme' refused \(403: Resource protected by"):
        check_access([connector(sandbox, config)])


def rate_limited_policy(sleeps: list[float]):
    """FAST_RETRIES, allowed to wait GitHub's minute, sleeping into `sleeps` instead of for real."""
    from dataclasses import replace

    return replace(FAST_RETRIES, max_wait=300, sleep=sleeps.append)


def test_a_secondary_limit_during_discovery_is_waited_out_a_minute_then_the_listing_goes_on(sandbox):
    from sandbox.github.api import ABUSE_DETECTION

    # GitHub's older wording, 403 and no retry-after: a rate limit, not a refusal.
    config = GitHubSourceConfig(name="github", base_url=sandbox.service_url("github"), orgs=["acme"])
    api = sandbox.api("github")
    sandbox.add_fault(**api.secondary_limit("/orgs/acme/repos", message=ABUSE_DETECTION))
    sleeps: list[float] = []
    github = GitHubConnector(config, SANDBOX_TOKEN, policy=rate_limited_policy(sleeps))
    assert sorted(github.containers()) == sorted(sandbox.github.repos)
    assert len(sleeps) == 1 and 60 <= sleeps[0] <= 72  # at least the minute GitHub asks for


def test_a_secondary_limit_that_outlasts_the_retries_skips_the_source_instead_of_stopping_the_sync(sandbox):
    config = GitHubSourceConfig(name="github", base_url=sandbox.service_url("github"), orgs=["acme"])
    sandbox.add_fault(**sandbox.api("github").secondary_limit("/orgs/acme/repos", times=None))
    sleeps: list[float] = []
    access = check_access([GitHubConnector(config, SANDBOX_TOKEN, policy=rate_limited_policy(sleeps))])
    assert access.ready == [] and [s.reason for s in access.skipped] == [
        f"source 'github': GitHub at {config.base_url} answered 403 after 4 attempts"
    ]
    assert len(sleeps) == 3 and min(sleeps) >= 60
