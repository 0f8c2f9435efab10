"""``crosslive deploy``: the one documented way to deploy crosslive (docs/operations.md).

Three parts, each callable on its own:

* ``discovery``: what the account already has (credentials, enabled regions, CDK bootstrap per
  region, crosslive's stacks, the origin's replica regions, pinned node AMIs), read with boto3;
* ``plan``: a pure function from the region files and that state to an ordered list of steps, or a
  ``DeployRefused`` listing every reason not to start (tests drive it with stubbed AWS answers);
* ``runner``: executes the steps with the pinned CDK CLI and boto3, printing progress.
"""

from __future__ import annotations

from crosslive.deploy.discovery import AccountState, discover
from crosslive.deploy.plan import DeployOptions, DeployRefused, Step, plan_deploy

__all__ = ["AccountState", "DeployOptions", "DeployRefused", "Step", "discover", "plan_deploy"]
