"""Live Amazon Connect instances: `connectflow pull` (flows, modules and instance resources into
files the simulator reads), `connectflow push-tests` (scenarios as the instance's test cases) and
`connectflow cloud-run` (run them there and compare with the offline run).

Everything that talks to AWS needs boto3, which comes with the `aws` extra
(`pip install 'pytest-connectflow[aws]'`). The plugin and the offline commands never import
boto3: this package's `__init__` and `arguments` are boto3-free, and the CLI imports the modules
that need boto3 (`client`, `pull`, `push`, `cloud_run`) only when an AWS command runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

AWS_EXTRA = "pip install 'pytest-connectflow[aws]'"


def boto3_missing() -> bool:
    """Whether boto3 cannot be imported (the `aws` extra is not installed)."""
    try:
        return importlib.util.find_spec("boto3") is None
    except ValueError:  # a module in sys.modules without a spec
        return False


def run_pull(args: argparse.Namespace) -> int:
    """`connectflow pull`: the exit code (2 when boto3 is missing)."""
    if boto3_missing():
        print(f"connectflow pull: needs boto3, which comes with the aws extra: {AWS_EXTRA}", file=sys.stderr)
        return 2
    from .pull import command

    return command(args)


def run_push_tests(args: argparse.Namespace) -> int:
    """`connectflow push-tests`: the exit code (2 when boto3 is missing)."""
    if boto3_missing():
        print(f"connectflow push-tests: needs boto3, which comes with the aws extra: {AWS_EXTRA}", file=sys.stderr)
        return 2
    from .push import command

    return command(args)


def run_cloud_run(args: argparse.Namespace) -> int:
    """`connectflow cloud-run`: the exit code (2 when boto3 is missing)."""
    if boto3_missing():
        print(f"connectflow cloud-run: needs boto3, which comes with the aws extra: {AWS_EXTRA}", file=sys.stderr)
        return 2
    from .cloud_run import command

    return command(args)
