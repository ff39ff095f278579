"""Local Jira-, GitHub- and Asana-compatible HTTP servers over a generated organisation."""

from sandbox.faults import FaultRule
from sandbox.org import OrgSpec
from sandbox.server import SANDBOX_TOKEN, Sandbox

__all__ = ["FaultRule", "OrgSpec", "SANDBOX_TOKEN", "Sandbox"]
