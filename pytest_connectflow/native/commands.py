"""`connectflow run-native` and `connectflow export-native`: Amazon Connect test cases from the
command line, with the project's pytest ini settings (connectflow_flows, connectflow_instance)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConnectflowError
from ..session import session_from_settings


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="test case files: DescribeTestCase responses, CreateTestCase requests, CloudFormation "
                             "templates with AWS::Connect::TestCase, or bare Content")
    parser.add_argument("--flow", metavar="NAME",
                        help="the flow to start in (name, Id or ARN): needed for bare Content; otherwise it "
                             "overrides the test cases' EntryPoint")
    parser.add_argument("--flows", action="append", metavar="PATH", help="flow file or folder (overrides the ini)")
    parser.add_argument("--max-steps", type=int)


def run_command(args: argparse.Namespace) -> int:
    from ..command_runs import run_files
    from .model import TestCase, TestCaseFile
    from .reader import read_test_case_file
    from .runner import run_test_case

    session = session_from_settings(args.flows, args.max_steps)

    def read(name: str) -> tuple[TestCaseFile, Exception | None, Sequence[TestCase]]:
        loaded = read_test_case_file(Path(name), name)
        return loaded, loaded.error, loaded.cases

    def run(label: str, loaded: TestCaseFile, case: TestCase) -> tuple[bool, str]:
        library, instance = session.library(None), session.instance()
        outcome = run_test_case(case, library, instance=instance, registry=session.registry,
                                max_steps=session.max_steps, seed=f"{session.seed}:{label}", flow=args.flow)
        if not outcome.passed:
            return False, f"\n{outcome.render()}\n"
        return True, "".join([f" ({outcome.summary()})", *(f"\n{line}" for line in outcome.observation_lines())])

    return run_files(args.files, read, run)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="SCENARIO_FILE", help="scenario files (*.connectflow.yaml)")
    parser.add_argument("--to", required=True, metavar="DIR", help="folder to write the test cases to (created)")
    parser.add_argument("--flows", action="append", metavar="PATH", help="flow file or folder (overrides the ini)")
    parser.add_argument("--max-steps", type=int)


def export_command(args: argparse.Namespace) -> int:
    from ..scenario.loader import load_scenario_file
    from .export import export_scenario, write

    session = session_from_settings(args.flows, args.max_steps)
    to = Path(args.to)
    to.mkdir(parents=True, exist_ok=True)
    written = problems = 0
    for name in args.files:
        loaded = load_scenario_file(Path(name), name)
        if loaded.error is not None:
            print(f"connectflow export-native: {loaded.error}", file=sys.stderr)
            problems += 1
            continue
        for scenario in loaded.scenarios:
            label = f"{name}::{scenario.name}"
            try:
                library = session.scenario_library(loaded.flows, loaded.instance, scenario.instance)
                layers = (session.instance(), loaded.instance)
            except ConnectflowError as exc:
                print(f"{label}: not exported: {exc}", file=sys.stderr)
                problems += 1
                continue
            exported = export_scenario(scenario, library, instance_layers=layers, registry=session.registry,
                                       max_steps=session.max_steps, seed=session.seed,
                                       handler_roots=session.handler_roots)
            path = write(exported, to)
            if path is None:
                print(f"{label}: not exported: {exported.error}", file=sys.stderr)
                problems += 1
                continue
            written += 1
            print(f"{label} -> {path}")
            for note in exported.unexpressed:
                print(f"{label}: not expressed: {note}", file=sys.stderr)
    print(f"{written} test case(s) written to {to}" + (f", {problems} scenario(s) not exported" if problems else ""))
    return 0 if problems == 0 and written > 0 else 1
