"""What the AWS-backed built-in plugins share: a boto3 client made on first use.

Creating the client lazily keeps importing (and registering) the plugin free, so a region that
enables it pays nothing until the first call; tests pass a client wrapped in a Stubber instead.
"""

from __future__ import annotations

from typing import Any, ClassVar


class LazyAwsClient:
    """Base of a plugin that calls one AWS service through boto3."""

    service: ClassVar[str]

    def __init__(self, client: Any = None, *, region_name: str | None = None) -> None:
        self._client = client
        self._region_name = region_name

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # the Lambda runtime provides it; not bundled

            self._client = boto3.client(self.service, region_name=self._region_name)
        return self._client
