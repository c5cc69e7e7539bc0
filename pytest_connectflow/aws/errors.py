"""Errors of the AWS commands (boto3-free, so callers can catch them without the extra)."""

from __future__ import annotations

from ..errors import ConnectflowError


class AwsError(ConnectflowError):
    """A call to AWS failed for a reason the user can act on: missing IAM permission, unknown
    instance, no credentials or Region, throttled past the retries. `action` is the IAM action
    of the failed call (`connect:DescribeContactFlow`) when one was made."""

    def __init__(self, message: str, *, action: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.code = code  # the AWS error code (AccessDeniedException...) when AWS answered


class PullError(ConnectflowError):
    """`connectflow pull` cannot write its folder (a file it cannot write or read back)."""
