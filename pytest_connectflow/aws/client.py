"""The Amazon Connect client, and what its failures mean to the user.

Retries: botocore's `standard` mode retries throttling (ThrottlingException, 429) and transient
errors (5xx, connection resets) with exponential backoff and jitter. Amazon Connect's list and
describe APIs have low request rates (a few per second), and a pull of a large instance makes
hundreds of calls, so the default is more attempts than botocore's 3; AWS_MAX_ATTEMPTS or
`max_attempts` in the profile still win, as in every boto3 tool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ProfileNotFound,
)

from .arguments import Connection
from .errors import AwsError

if TYPE_CHECKING:
    from mypy_boto3_connect import ConnectClient

T = TypeVar("T")

DEFAULT_MAX_ATTEMPTS = 10
POLICY_HINT = "docs/aws.md lists the IAM policy each connectflow command needs"

_CREDENTIAL_CODES = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
    "ExpiredToken", "ExpiredTokenException", "IncompleteSignature", "MissingAuthenticationTokenException",
})
_ACCESS_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "Forbidden"})
_THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"})


def connect_client(connection: Connection) -> ConnectClient:
    """A Connect client for `connection`, with standard-mode retries."""
    try:
        core = botocore.session.Session(profile=connection.profile)
        configured = core.get_config_variable("max_attempts")  # AWS_MAX_ATTEMPTS, else the profile's
        attempts = connection.max_attempts or (int(configured) if configured else DEFAULT_MAX_ATTEMPTS)
        session = boto3.session.Session(botocore_session=core, region_name=connection.region)
        config = Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            user_agent_extra="pytest-connectflow",
        )
        # endpoint_url None: boto3 itself honours AWS_ENDPOINT_URL_CONNECT and AWS_ENDPOINT_URL.
        return session.client("connect", endpoint_url=connection.endpoint_url, config=config)
    except BotoCoreError as exc:
        raise explain_botocore_error(exc, "client") from None


def call(operation: str, target: str, request: Callable[[], T]) -> T:
    """Run `request` (calls of the API operation `operation`, e.g. ListContactFlows, about
    `target`: "instance 1234", "flow 'Main IVR'"), turning a boto3 failure into an AwsError that
    says what to do."""
    try:
        return request()
    except ClientError as exc:
        raise explain_client_error(exc, operation, target) from None
    except BotoCoreError as exc:
        raise explain_botocore_error(exc, operation) from None


def iam_action(operation: str) -> str:
    """The IAM action that allows an Amazon Connect API operation (they share its name)."""
    return f"connect:{operation}"


def explain_client_error(exc: ClientError, operation: str, target: str) -> AwsError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "")
    said = str(error.get("Message") or "").strip()
    meta = exc.response.get("ResponseMetadata", {})
    status = meta.get("HTTPStatusCode")
    action = iam_action(operation)
    aws_said = f" (AWS said: {code}: {said})" if said else f" ({code})"
    if code in _CREDENTIAL_CODES:
        return AwsError(
            f"the AWS credentials were refused calling {action}{aws_said}; check the profile or the "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN in use, or sign in again",
            action=action, code=code)
    if code in _ACCESS_CODES or status == 403:
        return AwsError(
            f"access denied: the identity in use may not call {action} on {target}{aws_said}. "
            f"Allow the IAM action {action}; {POLICY_HINT}",
            action=action, code=code)
    if code == "ResourceNotFoundException" or status == 404:
        return AwsError(
            f"not found: {target} ({action}{aws_said}); check --instance-id and the Region",
            action=action, code=code)
    if code in _THROTTLING_CODES or status == 429:
        attempts = meta.get("RetryAttempts")
        tried = f" after {int(attempts) + 1} attempts" if isinstance(attempts, int) else ""
        return AwsError(
            f"throttled by Amazon Connect: {action} on {target} still failed{tried}{aws_said}; run again "
            "later, or allow more attempts with AWS_MAX_ATTEMPTS",
            action=action, code=code)
    return AwsError(f"{action} on {target} failed{aws_said}", action=action, code=code)


def explain_botocore_error(exc: BotoCoreError, operation: str) -> AwsError:
    action = iam_action(operation) if operation != "client" else None
    calling = f" calling {action}" if action else ""
    if isinstance(exc, NoCredentialsError):
        message = (f"no AWS credentials found{calling}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                   "or name a profile with --profile or AWS_PROFILE (after `aws sso login` for SSO profiles)")
    elif isinstance(exc, NoRegionError):
        message = "no AWS Region: give --region (or an instance ARN), set AWS_REGION, or set region in the profile"
    elif isinstance(exc, ProfileNotFound):
        message = f"the profile {exc.kwargs.get('profile')!r} is not in the AWS config files (~/.aws/config)"
    elif isinstance(exc, ConnectionError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        message = (f"cannot reach {url}{calling}: {exc}; check --endpoint-url / AWS_ENDPOINT_URL, "
                   "the Region and the network")
    elif isinstance(exc, ParamValidationError):
        message = f"invalid request{calling}: {exc.kwargs.get('report', exc)}"
    else:
        message = f"{action or 'the AWS client'} failed: {exc}"
    return AwsError(message, action=action)
