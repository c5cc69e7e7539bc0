"""Live Amazon Connect instances: `connectflow pull` (flows, modules and instance resources into
files the simulator reads). Later commands (push-tests, cloud-run) live here too.

Everything that talks to AWS needs boto3, which comes with the `aws` extra
(`pip install 'pytest-connectflow[aws]'`). The plugin and the offline commands never import
boto3: this package's `__init__` and `arguments` are boto3-free, and the CLI imports the modules
that need boto3 (`client`, `pull`) only when an AWS command runs.
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
