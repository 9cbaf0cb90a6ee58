"""Finds AWS credentials once, without waiting on instance-metadata services.

botocore's default chain ends with the ECS container and EC2 instance-metadata providers, which off AWS
cost a connection timeout (a second or more) on every fresh client. Unless settings ask for them, they
are removed from the chain, so a laptop with no credentials learns it in milliseconds and the router
skips the Bedrock tiers at once. The answer is cached for the router's lifetime.

When nothing the rest of the chain reads exists (no AWS environment variables, no shared credentials or
config file, no boto2 config), the answer is "none" without importing botocore at all (`NO_SOURCES`): that
saves `pakka models status` most of its start-up on a machine without AWS.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import boto3
    import botocore.session

METADATA_PROVIDERS = ("container-role", "iam-role")
CREDENTIAL_ENVIRONMENT = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
"""Environment variables that botocore's providers (metadata ones aside) read credentials from."""


@dataclass(frozen=True)
class CredentialStatus:
    available: bool
    method: str | None


def credential_sources_exist() -> bool:
    """Whether anything botocore's non-metadata providers read is there: credential environment variables,
    the shared credentials or config file, or a boto2 config file."""
    if any(os.environ.get(name) for name in CREDENTIAL_ENVIRONMENT):
        return True
    files = [
        os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"),
        os.environ.get("BOTO_CONFIG", "~/.boto"),
        "/etc/boto.cfg",
    ]
    return any(Path(name).expanduser().is_file() for name in files)


class AwsCredentials:
    def __init__(self, *, use_instance_metadata: bool = False) -> None:
        self._use_instance_metadata = use_instance_metadata
        self._lock = threading.Lock()
        self._core: botocore.session.Session | None = None
        self._session: boto3.Session | None = None
        self._status: CredentialStatus | None = None

    def _resolve(self) -> tuple[botocore.session.Session, CredentialStatus]:
        import botocore.session
        from botocore.exceptions import BotoCoreError

        core = botocore.session.Session()
        if not self._use_instance_metadata:
            resolver = core.get_component("credential_provider")
            for name in METADATA_PROVIDERS:
                if resolver.get_provider(name) is not None:
                    resolver.remove(name)
        try:
            credentials = core.get_credentials()
        except BotoCoreError:
            credentials = None
        status = CredentialStatus(
            available=credentials is not None, method=getattr(credentials, "method", None)
        )
        return core, status

    def status(self) -> CredentialStatus:
        """Whether credentials were found (`pakka models status` needs neither boto3 nor, with no AWS
        configuration in sight, botocore)."""
        with self._lock:
            if self._status is None:
                if not self._use_instance_metadata and not credential_sources_exist():
                    self._status = CredentialStatus(available=False, method=None)
                else:
                    self._core, self._status = self._resolve()
            return self._status

    def session(self) -> boto3.Session:
        """The boto3 session the check used; Bedrock clients are built from it so they reuse the answer."""
        import boto3

        self.status()
        with self._lock:
            if self._core is None:
                self._core, _ = self._resolve()
            if self._session is None:
                self._session = boto3.Session(botocore_session=self._core)
            return self._session
