"""`connectflow push-tests`: publish scenarios as the instance's Amazon Connect test cases.

Each scenario is exported as `connectflow export-native` exports it (native/export.py); its entry
point is pointed at the instance's own flow; then the test case of that name is created
(CreateTestCase), updated (UpdateTestCase), or left alone when the instance already holds exactly
that test case. Test cases are found by name: ListTestCases lists them all, DescribeTestCase reads
the ones that exist to tell "updated" from "unchanged".

The export and the lookups here are shared with `connectflow cloud-run`, which runs the test cases
pushed from the same scenario files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..engine.instance import merge_instance_dicts
from ..errors import ConnectflowError
from ..flow.library import FlowLibrary, arn_id
from ..flow.model import Flow
from ..session import ConnectflowSession, session_from_settings
from . import client as aws_client
from .arguments import Connection
from .errors import AwsError

if TYPE_CHECKING:
    from mypy_boto3_connect import ConnectClient
    from mypy_boto3_connect.literals import TestCaseStatusType
    from mypy_boto3_connect.type_defs import (
        ContactFlowSummaryTypeDef,
        CreateTestCaseRequestTypeDef,
        TestCaseEntryPointTypeDef,
        TestCaseSummaryTypeDef,
        TestCaseTypeDef,
        UpdateTestCaseRequestTypeDef,
    )

    from ..scenario.model import Scenario

# AWS errors about one test case's request (its content, its flow, its name): that test case fails
# and the others are still pushed. Anything else (access denied, credentials, throttling past the
# retries, an unknown instance) stops the command.
PER_TEST_CASE_CODES = frozenset({
    "InvalidTestCaseException", "InvalidParameterException", "InvalidRequestException",
    "DuplicateResourceException", "ResourceNotFoundException", "IdempotencyException",
    "ServiceQuotaExceededException", "LimitExceededException",
})
# The operations of Amazon Connect's test case API (added to the SDKs in January 2026).
TEST_CASE_OPERATIONS = ("CreateTestCase", "UpdateTestCase", "ListTestCases", "DescribeTestCase",
                        "StartTestCaseExecution", "GetTestCaseExecutionSummary", "ListTestCaseExecutionRecords")


class PushError(ConnectflowError):
    """One test case cannot be pushed (its flow is not on the instance, its name is taken twice)."""


@dataclass(frozen=True)
class LocalTestCase:
    """A scenario as a test case for the instance: its name there, the CreateTestCase request
    (without InstanceId; None when the scenario cannot be exported), and what the offline run of
    the test case needs (the scenario's flows and the instance the scenario file describes)."""

    label: str  # file::scenario name
    name: str  # the test case's name on the instance: --prefix + the scenario's name
    scenario: Scenario
    request: Mapping[str, Any] | None = None
    notes: tuple[str, ...] = ()
    error: str = ""
    flow: Flow | None = None
    library: FlowLibrary | None = None
    instance: Mapping[str, Any] = field(default_factory=dict)


def export_scenarios(files: Sequence[str], session: ConnectflowSession, prefix: str = "") -> (
    tuple[list[LocalTestCase], list[str]]
):
    """Every scenario of the files as a test case, and the files that cannot be read."""
    from ..native.export import export_scenario
    from ..scenario.loader import load_scenario_file

    cases: list[LocalTestCase] = []
    problems: list[str] = []
    for name in files:
        loaded = load_scenario_file(Path(name), name)
        if loaded.error is not None:
            problems.append(str(loaded.error))
            continue
        for scenario in loaded.scenarios:
            label = f"{name}::{scenario.name}"
            local = LocalTestCase(label, prefix + scenario.name, scenario)
            try:
                library = session.scenario_library(loaded.flows, loaded.instance, scenario.instance)
                layers = (session.instance(), loaded.instance)
            except ConnectflowError as exc:
                cases.append(replace(local, error=str(exc)))
                continue
            exported = export_scenario(scenario, library, instance_layers=layers, registry=session.registry,
                                       max_steps=session.max_steps, seed=session.seed,
                                       handler_roots=session.handler_roots)
            # The test case runs in the instance as the scenario file describes it, without the
            # scenario's own instance settings (the export lists those as not expressed).
            local = replace(local, library=library, instance=merge_instance_dicts(*layers))
            if exported.request is None:
                cases.append(replace(local, error=exported.error))
                continue
            flow = library.lookup(scenario.flow)
            cases.append(replace(local, request={**exported.request, "Name": local.name}, flow=flow,
                                 notes=exported.unexpressed))
    return cases, problems


def require_test_case_api(client: ConnectClient) -> None:
    """A botocore older than the test case API has none of its operations: say what to upgrade."""
    known = set(client.meta.service_model.operation_names)
    missing = [op for op in TEST_CASE_OPERATIONS if op not in known]
    if missing:
        raise AwsError(f"the installed botocore does not know Amazon Connect's test case API ({', '.join(missing)}); "
                       "upgrade it: pip install -U boto3 botocore")


def is_per_test_case(exc: AwsError) -> bool:
    return exc.code in PER_TEST_CASE_CODES


# the instance's flows and test cases --------------------------------------------------------


class InstanceFlows:
    """The instance's flows, listed (ListContactFlows, all pages) the first time one is looked up,
    at most once per command."""

    def __init__(self, client: ConnectClient, instance_id: str) -> None:
        self._client = client
        self._instance_id = instance_id
        self._flows: list[ContactFlowSummaryTypeDef] | None = None

    def _all(self) -> list[ContactFlowSummaryTypeDef]:
        if self._flows is None:
            paginator = self._client.get_paginator("list_contact_flows")
            self._flows = aws_client.call("ListContactFlows", f"instance {self._instance_id}", lambda: [
                summary for page in paginator.paginate(InstanceId=self._instance_id)
                for summary in page["ContactFlowSummaryList"]
            ])
        return self._flows

    def named(self, name: str) -> list[ContactFlowSummaryTypeDef]:
        """The active flows of that name (archived flows run for no contact)."""
        return [f for f in self._all() if f.get("Name") == name and f.get("ContactFlowState", "ACTIVE") == "ACTIVE"]

    def name_of(self, flow_id: str) -> str | None:
        wanted = arn_id(flow_id)
        return next((f.get("Name") for f in self._all() if f.get("Id") == wanted), None)


def entry_flow_id(flow: Flow, instance_id: str, flows: InstanceFlows) -> tuple[str, str]:
    """The flow Id the test case's EntryPoint names on this instance, and a note when it had to
    be looked up by the flow's name: the flow file has no Id (a bare export), or it is a describe
    file of another instance (flows pulled from dev, tests pushed to a test instance)."""
    if flow.arn and f":instance/{instance_id}/" in flow.arn:
        return arn_id(flow.arn), ""
    if flow.id and not flow.arn:
        return flow.id, ""
    found = flows.named(flow.name)
    if not found:
        raise PushError(f"instance {instance_id} has no active flow named {flow.name!r} (ListContactFlows); the test "
                        "case starts in it: create and publish the flow there first")
    if len(found) > 1:
        ids = ", ".join(str(f.get("Id")) for f in found)
        raise PushError(f"instance {instance_id} has {len(found)} flows named {flow.name!r} ({ids})")
    flow_id = str(found[0].get("Id", ""))
    why = "has no Id in its file" if not flow.arn else f"is another instance's flow in its file ({flow.arn})"
    return flow_id, f"the flow {flow.name!r} {why}: the test case starts in instance {instance_id}'s flow of that " \
                    f"name ({flow_id})"


def list_test_cases(client: ConnectClient, instance_id: str) -> dict[str, list[TestCaseSummaryTypeDef]]:
    """The instance's test cases by name (ListTestCases, all pages)."""
    paginator = client.get_paginator("list_test_cases")
    summaries: list[TestCaseSummaryTypeDef] = aws_client.call("ListTestCases", f"instance {instance_id}", lambda: [
        summary for page in paginator.paginate(InstanceId=instance_id) for summary in page["TestCaseSummaryList"]
    ])
    by_name: dict[str, list[TestCaseSummaryTypeDef]] = {}
    for summary in summaries:
        by_name.setdefault(summary.get("Name", ""), []).append(summary)
    return by_name


def the_one(name: str, found: Sequence[TestCaseSummaryTypeDef], instance_id: str) -> TestCaseSummaryTypeDef | None:
    """The test case of that name, None when there is none; two of one name is an error (each
    command finds test cases by name)."""
    if len(found) > 1:
        ids = ", ".join(str(s.get("Id")) for s in found)
        raise PushError(f"instance {instance_id} has {len(found)} test cases named {name!r} ({ids}): rename or delete "
                        "all but one")
    return found[0] if found else None


def describe_test_case(client: ConnectClient, instance_id: str, test_case_id: str, name: str) -> TestCaseTypeDef:
    """The test case as the instance holds it: its published version when it has one, else the
    saved one (DescribeTestCase without a Status)."""
    return aws_client.call(
        "DescribeTestCase", f"test case {name!r} ({test_case_id}) of instance {instance_id}",
        partial(client.describe_test_case, InstanceId=instance_id, TestCaseId=test_case_id),
    )["TestCase"]


# comparing ---------------------------------------------------------------------------------


def _json_value(text: object) -> object:
    """A JSON string as what it holds (Amazon Connect may store it re-spaced), else the value."""
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _pruned(value: object) -> object:
    """Without empty members: an absent field and an empty one say the same."""
    if isinstance(value, Mapping):
        return {k: _pruned(v) for k, v in value.items() if v not in (None, "", {}, [])}
    return value


def same_content(request: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether the observations and the initial data are the same (whatever the spacing)."""
    return all(_pruned(_json_value(request.get(key))) == _pruned(_json_value(current.get(key)))
               for key in ("Content", "InitializationData"))


def same_test_case(request: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether pushing `request` would change nothing in `current` (a DescribeTestCase TestCase)."""
    return (same_content(request, current)
            and _pruned(request.get("EntryPoint") or {}) == _pruned(current.get("EntryPoint") or {})
            and (request.get("Description") or "") == (current.get("Description") or "")
            and request.get("Status") == current.get("Status"))


# pushing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    """What became of one test case: created, updated, unchanged or failed."""

    local: LocalTestCase
    outcome: str
    test_case_id: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()


def _with_flow(request: Mapping[str, Any], flow_id: str) -> dict[str, Any]:
    entry = dict(request.get("EntryPoint") or {})
    key = "ChatEntryPointParameters" if entry.get("Type") == "CHAT" else "VoiceCallEntryPointParameters"
    entry[key] = {**(entry.get(key) or {}), "FlowId": flow_id}
    return {**request, "EntryPoint": entry}


def _notes(local: LocalTestCase) -> tuple[str, ...]:
    """The export's notes, without the one about a flow with no Id: the push resolves it."""
    flow = local.flow
    unresolved = f"the flow {flow.name!r} has no Id in its file" if flow is not None else None
    return tuple(n for n in local.notes if unresolved is None or not n.startswith(unresolved))


def push(client: ConnectClient, instance_id: str, cases: Sequence[LocalTestCase], status: str) -> Iterator[Pushed]:
    """Create or update each exported test case, one result at a time; raises AwsError when AWS
    refuses in a way that stops every push (access denied, credentials, throttling)."""
    existing = list_test_cases(client, instance_id)
    flows = InstanceFlows(client, instance_id)
    first: dict[str, LocalTestCase] = {}
    for local in cases:
        if local.request is None:
            continue
        notes = _notes(local)
        if local.name in first:
            yield Pushed(local, "failed", error=f"{first[local.name].label} has the same test case name (names are "
                                                "unique on an instance): rename one, or push them with --prefix")
            continue
        first[local.name] = local
        try:
            if local.flow is None:
                raise PushError(f"the scenario's flow {local.scenario.flow!r} is not loaded")
            flow_id, note = entry_flow_id(local.flow, instance_id, flows)
            request = {**_with_flow(local.request, flow_id), "Status": status}
            current = the_one(local.name, existing.get(local.name, []), instance_id)
            if current is None:
                yield replace(_create(client, instance_id, local, request), notes=(*notes, note) if note else notes)
                continue
            test_case_id = current.get("Id", "")
            described = describe_test_case(client, instance_id, test_case_id, local.name)
            outcome = "unchanged" if same_test_case(request, described) else "updated"
            if outcome == "updated":
                _update(client, instance_id, test_case_id, local, request)
            yield Pushed(local, outcome, test_case_id, notes=(*notes, note) if note else notes)
        except PushError as exc:
            yield Pushed(local, "failed", error=str(exc), notes=notes)
        except AwsError as exc:
            if not is_per_test_case(exc):
                raise
            yield Pushed(local, "failed", error=str(exc), notes=notes)


def _create(client: ConnectClient, instance_id: str, local: LocalTestCase, request: Mapping[str, Any]) -> Pushed:
    params = cast("CreateTestCaseRequestTypeDef", {
        "InstanceId": instance_id, "Name": local.name, "Content": request["Content"],
        "Description": request.get("Description", ""),
        "EntryPoint": cast("TestCaseEntryPointTypeDef", request["EntryPoint"]),
        "InitializationData": request.get("InitializationData", "{}"),
        "Status": cast("TestCaseStatusType", request["Status"]),
    })
    answer = aws_client.call("CreateTestCase", f"test case {local.name!r} of instance {instance_id}",
                             partial(client.create_test_case, **params))
    return Pushed(local, "created", answer.get("TestCaseId", ""))


def _update(client: ConnectClient, instance_id: str, test_case_id: str, local: LocalTestCase,
            request: Mapping[str, Any]) -> None:
    params = cast("UpdateTestCaseRequestTypeDef", {
        "InstanceId": instance_id, "TestCaseId": test_case_id, "Name": local.name, "Content": request["Content"],
        "Description": request.get("Description", ""),
        "EntryPoint": cast("TestCaseEntryPointTypeDef", request["EntryPoint"]),
        "InitializationData": request.get("InitializationData", "{}"),
        "Status": cast("TestCaseStatusType", request["Status"]),
    })
    aws_client.call("UpdateTestCase", f"test case {local.name!r} ({test_case_id}) of instance {instance_id}",
                    partial(client.update_test_case, **params))


# the command --------------------------------------------------------------------------------


def report_exports(command_name: str, cases: Sequence[LocalTestCase], problems: Sequence[str],
                   out: Callable[[str], None]) -> int:
    """Print what could not be exported (stderr); the number of scenarios and files left out."""
    for problem in problems:
        out(f"connectflow {command_name}: {problem}")
    failed = [c for c in cases if c.request is None]
    for local in failed:
        out(f"{local.label}: not a test case: {local.error}")
    return len(problems) + len(failed)


def command(args: argparse.Namespace) -> int:
    """0: every scenario pushed; 1: a scenario could not be exported or a test case could not be
    pushed (the others were); 2: AWS refused (nothing more was pushed) or a usage error."""
    connection = Connection.from_args(args)

    def err(text: str) -> None:
        print(text, file=sys.stderr)

    session = session_from_settings(args.flows, args.max_steps)
    cases, problems = export_scenarios(args.files, session, args.prefix)
    left_out = report_exports("push-tests", cases, problems, err)
    if not any(c.request is not None for c in cases):
        err("connectflow push-tests: no scenario to push")
        return 1
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    try:
        client = aws_client.connect_client(connection)
        require_test_case_api(client)
        for result in push(client, connection.instance_id, cases, args.status):
            counts[result.outcome] += 1
            if result.outcome == "failed":
                print(f"failed     {result.local.name}: {result.error}")
            else:
                print(f"{result.outcome:<10} {result.local.name} ({result.test_case_id})")
            for note in result.notes:
                err(f"{result.local.label}: not expressed: {note}" if note in result.local.notes
                    else f"{result.local.label}: note: {note}")
    except AwsError as exc:
        err(f"connectflow push-tests: error: {exc}")
        return 2
    pushed = counts["created"] + counts["updated"] + counts["unchanged"]
    summary = (f"{pushed} test case(s) on instance {connection.instance_id} ({args.status}): {counts['created']} "
               f"created, {counts['updated']} updated, {counts['unchanged']} unchanged")
    if counts["failed"]:
        summary += f", {counts['failed']} failed"
    if left_out:
        summary += f"; {left_out} scenario(s) or file(s) not exported"
    print(summary)
    return 1 if counts["failed"] or left_out else 0
