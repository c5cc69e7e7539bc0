"""Command-line arguments of the AWS commands. boto3-free, so the CLI can build its parser
without the `aws` extra installed."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from ..flow.model import FLOW_TYPES


@dataclass(frozen=True)
class Connection:
    """How to reach the instance. None everywhere means what every boto3 tool does: the Region
    of AWS_REGION or the profile, the profile of AWS_PROFILE, the endpoint of
    AWS_ENDPOINT_URL_CONNECT / AWS_ENDPOINT_URL or Amazon Connect's own."""

    instance_id: str
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    max_attempts: int | None = None  # None: AWS_MAX_ATTEMPTS or the profile's max_attempts, else our default

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Connection:
        """`--instance-id` may be the instance ARN: the API takes the Id, and the ARN's Region is
        the default Region."""
        instance = str(args.instance_id).strip()
        region = args.region
        if instance.startswith("arn:"):
            parts = instance.split(":")
            if region is None and len(parts) > 3 and parts[3]:
                region = parts[3]
            instance = instance.rsplit("/", 1)[-1]
        return cls(instance, region=region, profile=args.profile, endpoint_url=args.endpoint_url)


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """Where and as whom: the options every AWS command shares, named as in the AWS CLI."""
    group = parser.add_argument_group("AWS connection")
    group.add_argument("--instance-id", required=True, metavar="ID",
                       help="the Amazon Connect instance: its Id or its ARN")
    group.add_argument("--region", help="AWS Region (default: the instance ARN's, else AWS_REGION or the profile's)")
    group.add_argument("--profile", help="a named profile of the AWS config files (default: AWS_PROFILE)")
    group.add_argument("--endpoint-url", metavar="URL",
                       help="send requests here, e.g. a local emulator (default: AWS_ENDPOINT_URL_CONNECT, "
                            "AWS_ENDPOINT_URL, else Amazon Connect's own endpoint)")


def add_pull_arguments(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    parser.add_argument("--to", required=True, metavar="DIR",
                        help="folder to write into: DIR/flows/, DIR/modules/ and DIR/connect-instance.yaml")
    parser.add_argument("--type", dest="types", action="extend", nargs="+", choices=FLOW_TYPES, metavar="TYPE",
                        help="pull only flows of these types (modules are pulled whatever the type): "
                             + ", ".join(FLOW_TYPES))
    parser.add_argument("--state", choices=("ACTIVE", "ARCHIVED"), default="ACTIVE",
                        help="pull flows and modules in this state (default ACTIVE)")
    parser.add_argument("--name", dest="names", action="append", metavar="GLOB",
                        help="pull only flows and modules whose name matches this glob (repeatable, any matches)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: list the files that differ from the instance; exit 1 when any do")


TEST_CASE_STATUSES = ("PUBLISHED", "SAVED")
DEFAULT_CLOUD_RUN_TIMEOUT = 900  # seconds: a test runs up to 5 minutes, after waiting behind up to 5 others


def _project_arguments(parser: argparse.ArgumentParser) -> None:
    """How the scenarios are read, as `connectflow run` and `export-native` read them."""
    parser.add_argument("--prefix", default="", metavar="NAME_PREFIX",
                        help="put this before each scenario's name to make its test case's name (e.g. 'ci/')")
    parser.add_argument("--flows", action="append", metavar="PATH", help="flow file or folder (overrides the ini)")
    parser.add_argument("--max-steps", type=int)


def add_push_tests_arguments(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    parser.add_argument("files", nargs="+", metavar="SCENARIO_FILE", help="scenario files (*.connectflow.yaml)")
    parser.add_argument("--status", choices=TEST_CASE_STATUSES, default="PUBLISHED",
                        help="PUBLISHED (default: validated by Amazon Connect, and runnable) or SAVED (a draft)")
    _project_arguments(parser)


def add_cloud_run_arguments(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    parser.add_argument("files", nargs="*", metavar="SCENARIO_FILE",
                        help="run the test cases pushed from these scenario files (connectflow push-tests)")
    parser.add_argument("--name", dest="names", action="append", metavar="GLOB",
                        help="run the instance's test cases whose name matches this glob (repeatable, any "
                             "matches); with scenario files, only theirs that match")
    parser.add_argument("--timeout", type=float, default=DEFAULT_CLOUD_RUN_TIMEOUT, metavar="SECONDS",
                        help=f"stop waiting for the executions after this long (default {DEFAULT_CLOUD_RUN_TIMEOUT})")
    _project_arguments(parser)
