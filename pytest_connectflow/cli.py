"""The `connectflow` command: validate flows, run scenario files outside pytest, print the block
support table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from .aws.arguments import add_cloud_run_arguments, add_pull_arguments, add_push_tests_arguments
from .blocks import default_registry
from .blocks.registry import BlockRegistry
from .config_files import find_settings
from .engine.compare import OPERATORS
from .engine.context import RunContext
from .engine.values import is_reference
from .errors import ConnectflowError
from .flow.library import FlowLibrary, arn_id
from .flow.loaders import load_path
from .flow.model import Flow


def structure_errors(flow: Flow, registry: BlockRegistry) -> tuple[list[dict[str, str]], list[str]]:
    """What makes a loaded flow wrong, not just unconnected: transitions to no action, a
    StartAction naming no action, parameters of the wrong shape, unknown condition operators;
    and the warnings of blocks left unconfigured."""
    errors = []
    warnings: list[str] = []
    if flow.start_action and flow.start_action not in flow.actions:
        errors.append({"location": str(flow.source), "message": f"StartAction {flow.start_action!r} names no action"})
    for action in flow.actions.values():
        problems: list[str] = []
        targets = [action.next_action] if action.next_action is not None else []
        targets += [c.next_action for c in action.conditions] + [e.next_action for e in action.errors]
        problems += [f"a transition goes to {t!r}, which names no action"
                     for t in dict.fromkeys(targets) if t and t != "$end" and t not in flow.actions]
        problems += [f"condition operator {c.operator!r} is not an operator of the Flow language"
                     for c in action.conditions if c.operator not in OPERATORS]
        spec = registry.get(action.type)
        findings = spec.check(action) if spec is not None and spec.check is not None else []
        problems += [f.message for f in findings if not f.warning]
        warnings += [f"action {action.identifier!r} ({action.type}): {f.message}" for f in findings if f.warning]
        errors += [{"location": flow.where(action),
                    "message": f"action {action.identifier!r} ({action.type}): {problem}"} for problem in problems]
    return errors, warnings


# Parameters that name another flow or module, by action type.
FLOW_REFERENCES: dict[str, tuple[str, ...]] = {
    "TransferToFlow": ("ContactFlowId",),
    "InvokeFlowModule": ("FlowModuleId",),
    "CreateTask": ("ContactFlowId",),
    "UpdateContactEventHooks": ("EventHooks",),
}


def reference_warnings(flow: Flow, library: FlowLibrary, external: Collection[str]) -> list[str]:
    """Static references to flows or modules that are neither loaded nor declared external (a
    reference from an attribute is only known at run time; placeholders are reported already)."""
    warnings = []
    for action in flow.actions.values():
        for parameter in FLOW_REFERENCES.get(action.type, ()):
            value = action.parameters.get(parameter)
            refs = list(value.values()) if isinstance(value, dict) else [value]
            for ref in refs:
                if not isinstance(ref, str) or not ref or is_reference(ref) or action.unresolved:
                    continue
                if ref in external or arn_id(ref) in external:
                    continue
                display = RunContext.display_name(action, parameter)
                if library.resolve_reference(ref, display) is None and not (display and display in external):
                    shown = f"{ref} ({display})" if display else ref
                    warnings.append(
                        f"action {action.identifier!r} ({action.type}): {parameter} names {shown}, which is not "
                        "loaded nor declared external (--external, or external_flows in [tool.connectflow])"
                    )
    return warnings


def validate(
    paths: Sequence[Path], registry: BlockRegistry, external: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Per file: its flows, load and structure errors, warnings and action types no block handles."""
    report = load_path(list(paths))
    library = FlowLibrary(report.flows, report)
    files: list[dict[str, Any]] = []
    for file in report.files:
        if file.skipped:
            continue
        unsupported = sorted({a.type for flow in file.flows for a in flow.actions.values() if a.type not in registry})
        errors = [{"location": e.where or str(file.path), "message": e.message} for e in file.errors]
        warnings = [w for w in file.warnings if "names no action" not in w]
        for flow in file.flows:
            flow_errors, flow_warnings = structure_errors(flow, registry)
            errors += flow_errors
            warnings += flow_warnings + reference_warnings(flow, library, external)
        files.append({
            "file": str(file.path),
            "flows": [
                {"name": f.name, "type": "MODULE" if f.is_module else f.declared_type, "actions": len(f.actions)}
                for f in file.flows
            ],
            "errors": errors,
            "warnings": warnings,
            "unsupported": unsupported,
        })
    return files


def _cmd_validate(args: argparse.Namespace) -> int:
    settings = find_settings(Path.cwd())
    external = [*(args.external or []), *settings.tool.get("external_flows", [])]
    files = validate([Path(p) for p in args.paths], default_registry(), external)
    if args.format == "json":
        print(json.dumps(files, indent=2))
    else:
        for f in files:
            problems = [e["message"] for e in f["errors"]] + [f"unsupported action type {t}" for t in f["unsupported"]]
            status = "ok" if not problems else "; ".join(problems)
            print(f"{f['file']}: {status}")
            for warning in f["warnings"]:
                print(f"  warning: {warning}")
    return 0 if all(not f["errors"] and not f["unsupported"] for f in files) else 1


def _cmd_run(args: argparse.Namespace) -> int:
    from .command_runs import run_files
    from .scenario.loader import load_scenario_file
    from .scenario.model import Scenario, ScenarioFile
    from .scenario.runner import run_scenario
    from .session import session_from_settings

    session = session_from_settings(args.flows, args.max_steps)

    def read(name: str) -> tuple[ScenarioFile, Exception | None, Sequence[Scenario]]:
        loaded = load_scenario_file(Path(name), name)
        return loaded, loaded.error, loaded.scenarios

    def run(label: str, loaded: ScenarioFile, scenario: Scenario) -> tuple[bool, str]:
        library = session.scenario_library(loaded.flows, loaded.instance, scenario.instance)
        layers = (session.instance(), loaded.instance)
        outcome = run_scenario(scenario, library, instance_layers=layers, max_steps=session.max_steps,
                               registry=session.registry, seed=session.seed, strict_mocks=session.strict_mocks,
                               handler_roots=session.handler_roots)
        return outcome.passed, "" if outcome.passed else f"\n{outcome.render()}\n"

    return run_files(args.files, read, run)


def block_table(registry: BlockRegistry) -> str:
    """The block support table in Markdown, generated from the registry."""
    def flow_types(spec: Any) -> str:
        return "all" if spec.flow_types is None else ", ".join(sorted(spec.flow_types))

    def channels(spec: Any) -> str:
        text = ", ".join(c for c in ("VOICE", "CHAT", "TASK", "EMAIL") if c in spec.channels)
        if spec.noop_channels:
            text += " (no effect: " + ", ".join(sorted(spec.noop_channels)) + ")"
        return text

    lines = [
        "| Action type | Console block | Channels | Flow types | Branches | How the simulator models it |",
        "|---|---|---|---|---|---|",
    ]
    for spec in registry:
        model = spec.model + (f" Mocks: {spec.mocks}." if spec.mocks else "")
        lines.append(
            f"| `{spec.action_type}` | {spec.console_name} | {channels(spec)} | {flow_types(spec)} | "
            f"{', '.join(spec.branches)} | {model.replace('|', '/')} |"
        )
    return "\n".join(lines)


BLOCKS_PAGE_HEADER = """# Block support table

Generated from the block registry by `connectflow blocks --output docs/blocks.md`; do not edit by
hand. Each row is an action type of the Flow language the simulator runs. *Channels* are those
where the block works: elsewhere it takes its Error branch (NoMatchingError), except the channels
marked *no effect*, where it takes Success and does nothing. *Flow types* are those where Amazon
Connect allows the block; elsewhere it takes NoMatchingError at run time (a flow module follows
the flow type of its caller). An action type missing from this table is a clear error naming the
type, the block and the file, never a silent pass.

"""


def blocks_page(registry: BlockRegistry) -> str:
    return BLOCKS_PAGE_HEADER + block_table(registry) + "\n"


def _cmd_blocks(args: argparse.Namespace) -> int:
    page = blocks_page(default_registry())
    if args.output:
        Path(args.output).write_text(page, "utf-8")
    else:
        sys.stdout.write(page)
    return 0


def _cmd_coverage(args: argparse.Namespace) -> int:
    """Render a saved JSON coverage report: the terminal summary, HTML pages, a minimum."""
    from .coverage import report_from_json, summary_lines, write_html
    from .flow.library import load_library

    try:
        document = json.loads(Path(args.report).read_text("utf-8"))
        settings = find_settings(Path.cwd())
        paths = [Path(p) for p in args.flows] if args.flows else settings.paths("connectflow_flows")
        report = report_from_json(document, load_library(paths) if paths else None)
    except (OSError, ValueError) as exc:
        print(f"connectflow coverage: cannot read {args.report}: {exc}", file=sys.stderr)
        return 2
    except ConnectflowError as exc:
        print(f"connectflow coverage: {args.report}: {exc}", file=sys.stderr)
        return 2
    for line in summary_lines(report):
        print(line)
    if args.html:
        write_html(report, Path(args.html))
        print(f"coverage html report written to {args.html}")
    if args.fail_under is not None and report.branches_hit * 100 < args.fail_under * report.branches_total:
        print(f"FAIL: branch coverage {report.branch_percent:.1f}% is under the required {args.fail_under:g}%")
        return 1
    return 0


def _cmd_pull(args: argparse.Namespace) -> int:
    from .aws import run_pull  # boto3 is imported only when an AWS command runs

    return run_pull(args)


def _cmd_push_tests(args: argparse.Namespace) -> int:
    from .aws import run_push_tests

    return run_push_tests(args)


def _cmd_cloud_run(args: argparse.Namespace) -> int:
    from .aws import run_cloud_run

    return run_cloud_run(args)


def _cmd_graph(args: argparse.Namespace) -> int:
    from .flow.library import load_library
    from .graph import dot, mermaid
    from .session import load_instance_file

    settings = find_settings(Path.cwd())
    try:
        instance = settings.value("connectflow_instance")
        placeholders = (load_instance_file(settings.root / instance).get("placeholders") or {}) if instance else {}
        if args.flows:
            paths = [Path(p) for p in args.flows]
        elif Path(args.flow).is_file():  # a flow file: draw the flow it holds
            paths = [Path(args.flow)]
        else:
            paths = settings.paths("connectflow_flows")
        if not paths:
            print("connectflow graph: no flows to look in: give --flows PATH or set the ini option "
                  "connectflow_flows", file=sys.stderr)
            return 2
        library = load_library(paths, {str(k): str(v) for k, v in placeholders.items()})
        if not args.flows and Path(args.flow).is_file():
            if len(library.flows) != 1:
                names = "".join(f"\n  - {f.name}" for f in library.flows) or " (none)"
                print(f"connectflow graph: {args.flow} holds {len(library.flows)} flows; name one with "
                      f"--flows {args.flow} NAME:{names}", file=sys.stderr)
                return 1
            flow = library.flows[0]
        else:
            flow = library.find(args.flow)
    except ConnectflowError as exc:
        print(f"connectflow graph: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(dot(flow) if args.format == "dot" else mermaid(flow))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="connectflow", description="Test Amazon Connect flows offline.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check that flow files load and every action type is supported")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--external", action="append", metavar="FLOW",
                   help="a flow or module (name, Id or ARN) deployed elsewhere: references to it are fine")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("run", help="run scenario files outside pytest, with the same output")
    p.add_argument("files", nargs="+")
    p.add_argument("--flows", action="append", help="flow file or folder (overrides the ini)")
    p.add_argument("--max-steps", type=int)
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("blocks", help="print the block support table (Markdown)")
    p.add_argument("--output", help="write the page to this file")
    p.set_defaults(func=_cmd_blocks)
    from . import explorer, lint  # here, not at the top: lint reuses FLOW_REFERENCES of this module

    p = sub.add_parser("explore", help="walk every distinct path of a flow and report where each ends")
    explorer.add_arguments(p)
    p.set_defaults(func=explorer.command)
    p = sub.add_parser("lint", help="check flows against rules with stable codes (CF001...)")
    lint.add_arguments(p)
    p.set_defaults(func=lint.command)
    p = sub.add_parser("coverage", help="render a saved JSON coverage report (--connectflow-cov-report=json:PATH)")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--html", metavar="DIR", help="write the HTML pages too")
    p.add_argument("--flows", action="append", metavar="PATH", help="flows to draw the pictures from (default: ini)")
    p.add_argument("--fail-under", type=float, metavar="PERCENT", help="exit 1 when branch coverage is under it")
    p.set_defaults(func=_cmd_coverage)
    p = sub.add_parser("graph", help="print a flow as a Mermaid flowchart (or Graphviz dot)")
    p.add_argument("flow", metavar="FLOW", help="the flow's name, Id or ARN (or a file holding one flow)")
    p.add_argument("--flows", action="append", metavar="PATH", help="flow file or folder (overrides the ini)")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.set_defaults(func=_cmd_graph)
    p = sub.add_parser("pull", help="copy a live instance's flows, modules and resources into files (aws extra)")
    add_pull_arguments(p)
    p.set_defaults(func=_cmd_pull)
    p = sub.add_parser("push-tests", help="create or update scenarios as the instance's test cases (aws extra)")
    add_push_tests_arguments(p)
    p.set_defaults(func=_cmd_push_tests)
    p = sub.add_parser("cloud-run", help="run test cases in Amazon Connect beside the offline run (aws extra)")
    add_cloud_run_arguments(p)
    p.set_defaults(func=_cmd_cloud_run)
    from .native import commands as native  # Amazon Connect's own test cases (native/)

    p = sub.add_parser("run-native", help="run Amazon Connect test cases (the Testing language) offline")
    native.add_run_arguments(p)
    p.set_defaults(func=native.run_command)
    p = sub.add_parser("export-native", help="write scenarios as Amazon Connect test cases (CreateTestCase requests)")
    native.add_export_arguments(p)
    p.set_defaults(func=native.export_command)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # output piped into `head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
