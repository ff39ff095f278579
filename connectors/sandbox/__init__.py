"""Local Jira-, GitHub- and Asana-compatible HTTP servers over a generated organisation."""

from connectors.sandbox.faults import FaultRule
from connectors.sandbox.org import OrgSpec
from connectors.sandbox.server import SANDBOX_TOKEN, Sandbox

__all__ = ["FaultRule", "OrgSpec", "SANDBOX_TOKEN", "Sandbox"]
