"""`connectflow cloud-run`: run the instance's test cases in Amazon Connect and set each
observation's result in the cloud beside the offline run of the same test case.

Which test cases: those pushed from the given scenario files (by name, `--prefix` as when
pushing), or the instance's test cases whose names match `--name` globs. Each one is read back
(DescribeTestCase), started (StartTestCaseExecution), then all are polled together
(GetTestCaseExecutionSummary) with exponential back-off until each reaches a final status or the
timeout; the execution records (ListTestCaseExecutionRecords, all pages) give each observation's
result in the cloud. The same test case, as the instance holds it, runs offline (native/runner.py)
against the project's flows.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConnectflowError
from ..session import session_from_settings
from . import client as aws_client
from .arguments import Connection
from .errors import AwsError
from .push import (
    InstanceFlows,
    LocalTestCase,
    PushError,
    describe_test_case,
    export_scenarios,
    is_per_test_case,
    list_test_cases,
    report_exports,
    require_test_case_api,
    same_content,
    the_one,
)

if TYPE_CHECKING:
    from mypy_boto3_connect import ConnectClient
    from mypy_boto3_connect.type_defs import (
        ExecutionRecordTypeDef,
        ListTestCaseExecutionRecordsRequestTypeDef,
        TestCaseTypeDef,
    )

    from ..native.runner import NativeOutcome
    from ..session import ConnectflowSession

FINAL_STATUSES = ("PASSED", "FAILED", "STOPPED")
FIRST_DELAY = 2.0  # seconds before the second poll
MAX_DELAY = 30.0  # the back-off doubles up to this
DETAIL_LENGTH = 300  # characters of an execution record shown under its observation
NO_RESULT = "-"


@dataclass(frozen=True)
class Target:
    """A test case to run: its name and Id on the instance, what the instance holds, and the
    scenario it was pushed from (None when named by --name)."""

    name: str
    test_case_id: str
    test_case: TestCaseTypeDef
    local: LocalTestCase | None = None


@dataclass(frozen=True)
class Execution:
    target: Target
    execution_id: str


@dataclass(frozen=True)
class Summary:
    """GetTestCaseExecutionSummary, as far as it matters here."""

    status: str
    total: int | None = None
    passed: int | None = None
    failed: int | None = None

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def describe(self) -> str:
        if self.total is None:
            return self.status
        return f"{self.status} in the cloud ({self.passed or 0} of {self.total} observations passed)"


@dataclass(frozen=True)
class CloudObservation:
    """One observation's result in the cloud, from its execution records."""

    identifier: str
    status: str  # PASSED, FAILED, IN_PROGRESS, STOPPED; NOT_REACHED when no record names it
    detail: str = ""


@dataclass(frozen=True)
class Row:
    identifier: str
    cloud: str
    offline: str
    cloud_detail: str = ""
    offline_detail: str = ""

    @property
    def differs(self) -> bool:
        return comparable(self.cloud) != self.offline


@dataclass
class Report:
    """What one test case gave, in the cloud and offline."""

    target: Target
    execution_id: str = ""
    summary: Summary | None = None  # None: never started
    timed_out: bool = False
    rows: list[Row] = field(default_factory=list)
    offline_error: str = ""
    offline_passed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def cloud_passed(self) -> bool:
        return self.summary is not None and self.summary.status == "PASSED" and not self.timed_out and all(
            r.cloud in ("PASSED", "NOT_REACHED", NO_RESULT) for r in self.rows)

    @property
    def differs(self) -> bool:
        return bool(self.offline_error) or (not self.timed_out and any(r.differs for r in self.rows))


def comparable(cloud: str) -> str:
    """The offline status a cloud result corresponds to. An observation still IN_PROGRESS when its
    execution ended was waiting for an event that never came: offline that is FAILED."""
    return "FAILED" if cloud == "IN_PROGRESS" else cloud


# the cloud -----------------------------------------------------------------------------------


def start(client: ConnectClient, instance_id: str, target: Target) -> Execution:
    answer = aws_client.call(
        "StartTestCaseExecution", f"test case {target.name!r} ({target.test_case_id}) of instance {instance_id}",
        # ClientToken is left to botocore, which makes one per call and keeps it for its retries,
        # so a retried start never starts the test twice.
        partial(client.start_test_case_execution, InstanceId=instance_id, TestCaseId=target.test_case_id),
    )
    return Execution(target, answer.get("TestCaseExecutionId", ""))


def summary_of(client: ConnectClient, instance_id: str, execution: Execution) -> Summary:
    target = execution.target
    answer = aws_client.call(
        "GetTestCaseExecutionSummary",
        f"execution {execution.execution_id} of test case {target.name!r} ({target.test_case_id})",
        partial(client.get_test_case_execution_summary, InstanceId=instance_id, TestCaseId=target.test_case_id,
                TestCaseExecutionId=execution.execution_id),
    )
    counts = answer.get("ObservationSummary")
    return Summary(
        answer.get("Status", "IN_PROGRESS"),
        counts.get("TotalObservations") if counts else None,
        counts.get("ObservationsPassed") if counts else None,
        counts.get("ObservationsFailed") if counts else None,
    )


def wait_for(
    client: ConnectClient,
    instance_id: str,
    executions: Sequence[Execution],
    *,
    timeout: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    first_delay: float = FIRST_DELAY,
    max_delay: float = MAX_DELAY,
) -> dict[str, tuple[Summary, bool]]:
    """Poll every execution until each has a final status or `timeout` seconds have passed: the
    last summary of each, and whether it timed out. The first poll is at once; the waits between
    polls double from `first_delay` up to `max_delay`, and the last is cut to end at the deadline
    (one poll is made there)."""
    deadline = clock() + timeout
    last: dict[str, Summary] = {}
    pending = list(executions)
    delay = first_delay
    while True:
        for execution in pending:
            last[execution.execution_id] = summary_of(client, instance_id, execution)
        pending = [e for e in pending if not last[e.execution_id].final]
        remaining = deadline - clock()
        if not pending or remaining <= 0:
            break
        sleep(min(delay, remaining))
        delay = min(delay * 2, max_delay)
    waiting = {e.execution_id for e in pending}
    return {e.execution_id: (last[e.execution_id], e.execution_id in waiting) for e in executions}


def execution_records(client: ConnectClient, instance_id: str, execution: Execution) -> list[ExecutionRecordTypeDef]:
    """Every record of an execution (ListTestCaseExecutionRecords has no paginator: NextToken by hand)."""
    target = execution.target
    request: ListTestCaseExecutionRecordsRequestTypeDef = {
        "InstanceId": instance_id, "TestCaseId": target.test_case_id, "TestCaseExecutionId": execution.execution_id,
    }

    def fetch() -> list[ExecutionRecordTypeDef]:
        records: list[ExecutionRecordTypeDef] = []
        seen: set[str] = set()
        page = client.list_test_case_execution_records(**request)
        while True:
            records += page.get("ExecutionRecords", [])
            token = page.get("NextToken")
            if not token or token in seen:  # a token seen before would loop for ever
                return records
            seen.add(token)
            paged = request.copy()
            paged["NextToken"] = token
            page = client.list_test_case_execution_records(**paged)

    return aws_client.call("ListTestCaseExecutionRecords",
                           f"execution {execution.execution_id} of test case {target.name!r} ({target.test_case_id})",
                           fetch)


def record_text(raw: object) -> str:
    """A record's detail on one line, cut short (its format is not documented: shown as given)."""
    text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    text = " ".join(text.split())
    if text in ("{}", "[]", "null"):  # says nothing
        return ""
    return text if len(text) <= DETAIL_LENGTH else text[:DETAIL_LENGTH - 1] + "…"


def cloud_observations(records: Sequence[ExecutionRecordTypeDef]) -> dict[str, CloudObservation]:
    """Each observation's result: records name it by ObservationId (its Identifier). With several
    records for one observation, a FAILED one wins; otherwise the latest (by Timestamp) says."""
    by_id: dict[str, list[tuple[int, ExecutionRecordTypeDef]]] = {}
    for position, record in enumerate(records):
        by_id.setdefault(record.get("ObservationId", ""), []).append((position, record))
    out: dict[str, CloudObservation] = {}
    for identifier, found in by_id.items():
        ordered = sorted(found, key=lambda pair: (_when(pair[1]), pair[0]))
        failed = [r for _, r in ordered if r.get("Status") == "FAILED"]
        chosen = failed[-1] if failed else ordered[-1][1]
        out[identifier] = CloudObservation(identifier, chosen.get("Status", "IN_PROGRESS"),
                                           record_text(chosen.get("Record", "")))
    return out


def _when(record: ExecutionRecordTypeDef) -> float:
    stamp = record.get("Timestamp")
    return stamp.timestamp() if stamp is not None else float("-inf")


# offline -------------------------------------------------------------------------------------


def offline_run(target: Target, session: ConnectflowSession, flows: InstanceFlows) -> NativeOutcome:
    """The test case as the instance holds it, run against the project's flows. From a scenario
    file: on the scenario's flow, with its flows and instance. Named with --name: on its
    EntryPoint's flow, found offline by Id, else by the name that flow has on the instance."""
    from ..native.reader import read_test_case_text
    from ..native.runner import run_test_case

    held: Mapping[str, Any] = target.test_case
    document = {key: held[key] for key in ("Description", "Content", "EntryPoint", "InitializationData")
                if key in held}
    case = read_test_case_text(json.dumps({**document, "Name": target.name}),
                               file=Path(f"{target.test_case_id}.testcase.json"))
    local = target.local
    if local is not None and local.library is not None:
        return run_test_case(case, local.library, instance=local.instance, registry=session.registry,
                             max_steps=session.max_steps, seed=f"{session.seed}:{local.label}",
                             flow=local.scenario.flow)
    library = session.library(None)
    flow = None
    entry = case.entry_point
    if entry is not None and entry.flow_id and library.lookup(entry.flow_id) is None:
        named = flows.name_of(entry.flow_id)
        flow = named if named and library.lookup(named) is not None else None
    outcome: NativeOutcome = run_test_case(case, library, instance=session.instance(), registry=session.registry,
                                           max_steps=session.max_steps, seed=f"{session.seed}:{target.name}",
                                           flow=flow)
    return outcome


def compare(report: Report, records: Sequence[ExecutionRecordTypeDef] | None, offline: NativeOutcome | None) -> None:
    """The rows of the table: the test case's observations in order, then any record naming an
    observation the test case does not have."""
    cloud = cloud_observations(records) if records is not None else {}
    offline_results = {r.identifier: r for r in offline.results} if offline is not None else {}
    order = list(offline_results) or _identifiers(report.target.test_case)
    order += [i for i in cloud if i not in order]
    for identifier in order:
        if records is None:
            cloud_status, detail = NO_RESULT, ""
        elif identifier in cloud:
            cloud_status, detail = cloud[identifier].status, cloud[identifier].detail
        else:
            cloud_status, detail = "NOT_REACHED", ""
        result = offline_results.get(identifier)
        offline_status = "ERROR" if report.offline_error else (result.status if result is not None else NO_RESULT)
        report.rows.append(Row(identifier, cloud_status, offline_status, detail,
                               result.reason if result is not None else ""))


def _identifiers(held: Mapping[str, Any]) -> list[str]:
    """The observations' Identifiers of a test case the offline reader could not read."""
    try:
        content = json.loads(str(held.get("Content") or ""))
    except ValueError:
        return []
    observations = content.get("Observations") if isinstance(content, dict) else None
    return [str(o["Identifier"]) for o in observations or [] if isinstance(o, dict) and "Identifier" in o]


# output --------------------------------------------------------------------------------------


def _shown(status: str) -> str:
    return status.replace("_", " ")


def render(report: Report) -> list[str]:
    target = report.target
    head = f"test case {target.name!r} ({target.test_case_id})"
    if report.summary is None:
        return [f"{head}: not run"]
    offline = "cannot run" if report.offline_error else ("passed" if report.offline_passed else "failed")
    cloud = (f"timed out, still {report.summary.status} in the cloud" if report.timed_out
             else report.summary.describe())
    lines = [f"{head}, execution {report.execution_id}: {cloud}; offline: {offline}"]
    width = max([len("observation"), *(len(r.identifier) for r in report.rows)])
    lines.append(f"  {'observation':<{width}}  {'cloud':<11}  offline")
    for row in report.rows:
        mark = "  <- differs" if row.differs and not report.timed_out and not report.offline_error else ""
        lines.append(f"  {row.identifier:<{width}}  {_shown(row.cloud):<11}  {_shown(row.offline):<11}{mark}".rstrip())
        if row.cloud_detail and (row.cloud not in ("PASSED", NO_RESULT) or mark):
            lines.append(f"  {'':<{width}}  cloud: {row.cloud_detail}")
        if row.offline_detail and (row.offline == "FAILED" or mark):
            lines.append(f"  {'':<{width}}  offline: {row.offline_detail}")
    if report.offline_error:
        lines.append(f"  offline: {report.offline_error}")
    lines += [f"  note: {n}" for n in report.notes]
    return lines


# the command --------------------------------------------------------------------------------


def _targets(client: ConnectClient, instance_id: str, cases: Sequence[LocalTestCase], globs: Sequence[str],
             from_files: bool, problems: list[str]) -> list[Target]:
    """The test cases to run, read back from the instance."""
    existing = list_test_cases(client, instance_id)
    wanted: list[tuple[str, LocalTestCase | None]]
    if from_files:
        wanted = [(c.name, c) for c in cases if c.request is not None
                  and (not globs or any(fnmatch.fnmatchcase(c.name, g) for g in globs))]
    else:
        wanted = [(name, None) for name in sorted(existing) if any(fnmatch.fnmatchcase(name, g) for g in globs)]
        if not wanted:
            problems.append(f"no test case of instance {instance_id} matches {', '.join(map(repr, globs))}")
    targets: list[Target] = []
    for name, local in wanted:
        try:
            summary = the_one(name, existing.get(name, []), instance_id)
        except PushError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if summary is None:
            where = local.label if local else name
            problems.append(f"{where}: instance {instance_id} has no test case named {name!r}; push it first "
                            "(connectflow push-tests)")
            continue
        test_case_id = summary.get("Id", "")
        try:
            held = describe_test_case(client, instance_id, test_case_id, name)
        except AwsError as exc:
            if not is_per_test_case(exc):
                raise
            problems.append(f"{name}: {exc}")
            continue
        if held.get("Status") == "SAVED":
            # DescribeTestCase gives the published version when there is one: this one has none.
            problems.append(f"{name}: the test case is only SAVED; Amazon Connect runs published test cases: push it "
                            "with --status PUBLISHED (the default)")
            continue
        targets.append(Target(name, test_case_id, held, local))
    return targets


def run(
    client: ConnectClient,
    instance_id: str,
    targets: Sequence[Target],
    session: ConnectflowSession,
    *,
    timeout: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    problems: list[str],
) -> list[Report]:
    """Start every test case, wait for them together, read their records, run them offline."""
    reports = {t.test_case_id: Report(t) for t in targets}
    executions: list[Execution] = []
    for target in targets:
        try:
            executions.append(start(client, instance_id, target))
        except AwsError as exc:
            if not is_per_test_case(exc):
                raise
            problems.append(f"{target.name}: {exc}")
    finals = wait_for(client, instance_id, executions, timeout=timeout, sleep=sleep, clock=clock)
    flows = InstanceFlows(client, instance_id)
    for execution in executions:
        report = reports[execution.target.test_case_id]
        report.execution_id = execution.execution_id
        report.summary, report.timed_out = finals[execution.execution_id]
        records = None if report.timed_out else execution_records(client, instance_id, execution)
        local = execution.target.local
        if local is not None and local.request is not None and not same_content(local.request,
                                                                                 execution.target.test_case):
            report.notes.append(f"the instance's test case differs from what {local.label} exports now: push it again "
                                "(connectflow push-tests); both runs used the instance's")
        offline: NativeOutcome | None = None
        try:
            offline = offline_run(execution.target, session, flows)
        except ConnectflowError as exc:
            report.offline_error = str(exc)
        if offline is not None and offline.error is not None:
            report.offline_error = str(offline.error)
        report.offline_passed = offline is not None and offline.passed
        compare(report, records, offline)
        if report.timed_out:
            report.notes.append(f"the execution may still be running: aws connect get-test-case-execution-summary "
                                f"--instance-id {instance_id} --test-case-id {execution.target.test_case_id} "
                                f"--test-case-execution-id {execution.execution_id}")
    return [reports[t.test_case_id] for t in targets if reports[t.test_case_id].summary is not None]


def command(args: argparse.Namespace, *, sleep: Callable[[float], None] | None = None,
            clock: Callable[[], float] | None = None) -> int:
    """0: every test case passed in the cloud and every observation's result is the offline one;
    1: a test case failed, timed out or differs, or could not be run; 2: AWS refused, or a usage
    error. `sleep` and `clock` are the waits between polls and the time they measure."""
    connection = Connection.from_args(args)
    globs = tuple(args.names or ())

    def err(text: str) -> None:
        print(text, file=sys.stderr)

    if not args.files and not globs:
        err("connectflow cloud-run: name the test cases: scenario files (those push-tests pushed), --name GLOB, "
            "or both")
        return 2
    if args.timeout <= 0:
        err("connectflow cloud-run: --timeout must be more than 0 seconds")
        return 2
    session = session_from_settings(args.flows, args.max_steps)
    cases: list[LocalTestCase] = []
    problems: list[str] = []
    left_out = 0
    if args.files:
        cases, unreadable = export_scenarios(args.files, session, args.prefix)
        left_out = report_exports("cloud-run", cases, unreadable, err)
    try:
        client = aws_client.connect_client(connection)
        require_test_case_api(client)
        targets = _targets(client, connection.instance_id, cases, globs, bool(args.files), problems)
        reports = run(client, connection.instance_id, targets, session, timeout=args.timeout,
                      sleep=sleep or time.sleep, clock=clock or time.monotonic, problems=problems)
    except AwsError as exc:
        err(f"connectflow cloud-run: error: {exc}")
        return 2
    for report in reports:
        print("\n".join(render(report)))
        print()
    for problem in problems:
        err(f"connectflow cloud-run: {problem}")
    passed = sum(1 for r in reports if r.cloud_passed)
    timed_out = sum(1 for r in reports if r.timed_out)
    differ = sum(1 for r in reports if r.differs)
    line = (f"{len(reports)} test case(s) run in instance {connection.instance_id}: {passed} passed, "
            f"{len(reports) - passed - timed_out} failed" + (f", {timed_out} timed out" if timed_out else "")
            + f" in the cloud; {differ} differ from the offline run")
    if problems or left_out:
        line += f"; {len(problems) + left_out} could not be run"
    print(line)
    return 0 if reports and passed == len(reports) and not differ and not problems and not left_out else 1
