"""Finds AWS credentials once, without waiting on instance-metadata services.

botocore's default chain ends with the ECS container and EC2 instance-metadata providers, which off AWS
cost a connection timeout (a second or more) on every fresh client. Unless settings ask for them, they
are removed from the chain, so a laptop with no credentials learns it in milliseconds and the router
skips the Bedrock tiers at once. The answer is cached for the router's lifetime.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError

METADATA_PROVIDERS = ("container-role", "iam-role")


@dataclass(frozen=True)
class CredentialStatus:
    available: bool
    method: str | None


class AwsCredentials:
    def __init__(self, *, use_instance_metadata: bool = False) -> None:
        self._use_instance_metadata = use_instance_metadata
        self._lock = threading.Lock()
        self._session: boto3.Session | None = None
        self._status: CredentialStatus | None = None

    def _resolve(self) -> tuple[boto3.Session, CredentialStatus]:
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
        return boto3.Session(botocore_session=core), status

    def status(self) -> CredentialStatus:
        with self._lock:
            if self._status is None:
                self._session, self._status = self._resolve()
            return self._status

    def session(self) -> boto3.Session:
        """The boto3 session the check used; Bedrock clients are built from it so they reuse the answer."""
        self.status()
        assert self._session is not None
        return self._session
