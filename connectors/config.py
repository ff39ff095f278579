"""What every source's configuration has in common, apart from the connectors themselves.

Reading threadline.yaml needs these and nothing else of connectors/: no client, retry or
payload code, so every command that only reads the config starts without it.
"""

from __future__ import annotations

import os
import re
from typing import ClassVar
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


class SourceAccessError(RuntimeError):
    """Bad credentials or permissions: stops a sync before anything is written."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"source '{source}': {message}")
        self.source = source


# An environment variable's name, and the prefixes of vendors' tokens (GitHub's, Atlassian's)
# that would pass for one: a token pasted where its variable's name goes must not be printed
# back in the "not set" message (nor in logs).
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "ATATT", "ATCTT")
NOT_A_VARIABLE = (
    "must name the environment variable that holds the token (like GITHUB_TOKEN), not hold the token "
    "itself; export the token and name its variable here (the value is not repeated: it may be a secret)"
)


def variable_name(value: str) -> str:
    """A `*_env` field's value: the name of an environment variable, never a secret (refused
    without repeating it: pydantic's messages here carry no input)."""
    if not _VARIABLE_NAME.match(value) or value.startswith(_TOKEN_PREFIXES):
        raise ValueError(NOT_A_VARIABLE)
    return value


class SourceConfig(BaseModel):
    """One configured instance of a tool (a GitHub org, a Jira site, an Asana workspace)."""

    # No `.inf` / `.nan` (an infinite overlap_minutes would overflow the first incremental sync).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    kind: str
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="unique; names the Dagster asset group")
    base_url: str
    instance: str | None = Field(default=None, description="goes into item ids; defaults to the URL host")
    token_env: str = Field(description="environment variable holding the API token")
    batch_items: int = Field(
        default=1000,  # docs/sources/github.md "Batches": 500 cost ~10% more CPU, 1M items peak 275 MB
        ge=1,
        description="items loaded per transaction (with the cursor): what a kill can cost to read again",
    )
    default_instance_hosts: ClassVar[dict[str, str]] = {}

    @field_validator("token_env")
    @classmethod
    def _a_variable_name(cls, value: str) -> str:
        return variable_name(value)

    @field_validator("base_url")
    @classmethod
    def _no_credentials(cls, value: str) -> str:
        # The message must not repeat the URL: it holds the secret.
        parsed = urlparse(value)
        if parsed.username is not None or parsed.password is not None:
            raise ValueError(
                "credentials in the URL are not allowed (they would end up in item links, logs and "
                "reports); remove 'user:password@' and put the token in the environment variable "
                "named by token_env (and email_env for Jira)"
            )
        return value

    @property
    def instance_name(self) -> str:
        if self.instance:
            return self.instance
        host = urlparse(self.base_url).hostname or self.base_url
        return self.default_instance_hosts.get(host, host)

    def token(self) -> str:
        """The secret, read from the environment only when a client is built."""
        value = os.environ.get(self.token_env, "")
        if not value:
            raise SourceAccessError(
                self.name, f"environment variable {self.token_env} is not set; export it with the API token"
            )
        return value


def strings_as(key: str) -> BeforeValidator:
    """For a config list: an entry written as a plain string means `{key: it}` (`repos: [acme/api]`)."""

    def expand(value: object) -> object:
        if isinstance(value, list):
            return [{key: item} if isinstance(item, str) else item for item in value]
        return value

    return BeforeValidator(expand)


def one_or_more(value: object) -> object:
    """For a config list of globs: one glob may be written on its own (`exclude: legacy-*`)."""
    return [value] if isinstance(value, str) else value
