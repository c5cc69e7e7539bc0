"""Shared by the tests of `connectflow push-tests` and `connectflow cloud-run`: a stubbed Connect
client (botocore's Stubber on a real boto3 client, so every request is checked against the
service model), a small project with the help desk flow, canned API answers, and a fake Amazon
Connect test case API on 127.0.0.1 for the retries. No network."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
from nativedefs import DESK_ID, DESK_INSTANCE, desk_flow

REGION = "us-east-1"
ACCOUNT = "111122223333"
INSTANCE_ID = "a1b2c3d4-0000-4000-8000-000000000001"
INSTANCE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"
OTHER_INSTANCE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/0eb3f448-dabd-4a2f-a6b6-502def047091"
LIVE_DESK_ID = "9e8d7c6b-5a49-4838-b271-605f4e3d2c1b"  # the help desk's Id on INSTANCE_ID when looked up
MODIFIED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)

SCENARIOS = """\
scenarios:
  - name: caller reaches sales
    flow: Help desk
    attributes: {campaign: spring}
    inputs: ["1"]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
        scoreCaller: [{score: "42"}]
      hours: {Office hours: open}
    expect:
      queue: Sales
      attributes: {tier: gold}
      path: [Welcome, Lookup]
  - name: caller hears we are closed
    flow: Help desk
    mocks:
      lambdas: {lookupCustomer: {tier: silver}}
      hours: {Office hours: closed}
    expect:
      messages_include: [We are closed.]
      ended: disconnected
"""


def desk_project(root: Path, *, flow: str = "this", scenarios: str = SCENARIOS) -> Path:
    """A project in `root`: the help desk flow (`flow`: "this" = a describe file of INSTANCE_ID,
    "other" = of another instance, "bare" = Flow language JSON with no Id), its instance
    resources file, a pytest.ini and test_desk.connectflow.yaml."""
    (root / "flows").mkdir(parents=True, exist_ok=True)
    if flow == "bare":
        document: dict[str, Any] = desk_flow()
    else:
        base = INSTANCE_ARN if flow == "this" else OTHER_INSTANCE_ARN
        document = {"ContactFlow": {"Arn": f"{base}/contact-flow/{DESK_ID}", "Id": DESK_ID, "Name": "Help desk",
                                    "Type": "CONTACT_FLOW", "Content": json.dumps(desk_flow())}}
    (root / "flows" / "desk.json").write_text(json.dumps(document, indent=2))
    (root / "connect-instance.yaml").write_text(DESK_INSTANCE)
    (root / "pytest.ini").write_text("[pytest]\nconnectflow_flows = flows\n"
                                     "connectflow_instance = connect-instance.yaml\n")
    (root / "test_desk.connectflow.yaml").write_text(scenarios)
    return root


def entry(flow_id: str = DESK_ID, channel: str = "VOICE_CALL") -> dict[str, Any]:
    key = "ChatEntryPointParameters" if channel == "CHAT" else "VoiceCallEntryPointParameters"
    return {"Type": channel, key: {"FlowId": flow_id}}


def summary(test_case_id: str, name: str, status: str = "PUBLISHED") -> dict[str, Any]:
    """A ListTestCases entry."""
    return {"Id": test_case_id, "Arn": f"{INSTANCE_ARN}/test-case/{test_case_id}", "Name": name, "Status": status,
            "LastModifiedTime": MODIFIED, "LastModifiedRegion": REGION}


def held(test_case_id: str, request: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A DescribeTestCase answer for a test case created from `request` (a CreateTestCase request)."""
    case = {k: v for k, v in request.items() if k not in ("InstanceId", "Tags")}
    case.update(Id=test_case_id, Arn=f"{INSTANCE_ARN}/test-case/{test_case_id}", LastModifiedTime=MODIFIED,
                LastModifiedRegion=REGION, **changes)
    return {"TestCase": case}


def observation_ids(request: dict[str, Any]) -> list[str]:
    return [o["Identifier"] for o in json.loads(request["Content"])["Observations"]]


def records(statuses: dict[str, str], details: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """ExecutionRecords, one per observation."""
    return [{"ObservationId": ident, "Status": status, "Timestamp": MODIFIED,
             "Record": (details or {}).get(ident, json.dumps({"ObservationId": ident, "Status": status}))}
            for ident, status in statuses.items()]


@dataclass
class Captured:
    """The parameters of every call of some operations, as the client sent them."""

    calls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def watch(self, client: Any, *operations: str) -> None:
        for operation in operations:
            client.meta.events.register(f"before-parameter-build.connect.{operation}", self._hook(operation))

    def _hook(self, operation: str) -> Any:
        def record(params: dict[str, Any], **_: Any) -> None:
            self.calls.setdefault(operation, []).append(dict(params))
        return record


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dummy credentials and Region, no config files, no endpoint or retry settings from outside."""
    empty = tmp_path_factory.mktemp("aws-config")
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def stubbed(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    """(Stubber, client): a real Connect client made by our factory, stubbed and handed to every
    AWS command; the test adds the answers in the order the command calls."""
    from botocore.stub import Stubber

    from pytest_connectflow.aws import client as aws_client
    from pytest_connectflow.aws.arguments import Connection

    client = aws_client.connect_client(Connection(INSTANCE_ID, region=REGION))
    stub = Stubber(client)
    monkeypatch.setattr(aws_client, "connect_client", lambda connection: client)
    with stub:
        yield stub, client


@dataclass
class FakeClock:
    """`sleep` and `clock` for the polling: sleeping moves the clock, and every wait is kept."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


# A fake test case API over HTTP (for botocore's own retries) ---------------------------------------


class FakeTestDesk(ThreadingHTTPServer):
    """Amazon Connect's test case REST API on 127.0.0.1, for an instance holding no test case at
    first. `throttle` maps an operation to how many of its first requests answer
    ThrottlingException (HTTP 429). Created test cases run and pass every observation."""

    def __init__(self, throttle: dict[str, int] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.throttle = dict(throttle or {})
        self.requests: list[str] = []  # operation names, in order
        self.cases: dict[str, dict[str, Any]] = {}
        self.polls = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class JsonHandler(BaseHTTPRequestHandler):
    """A fake AWS REST endpoint's handler: JSON answers, errors named as AWS names them, quiet."""

    def _send(self, status: int, body: dict[str, Any], error: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Handler(JsonHandler):
    server: FakeTestDesk

    def _operation(self) -> tuple[str, list[str]]:
        parts = urlsplit(self.path).path.strip("/").split("/")
        if parts[0] == "test-cases-summary":
            return "ListTestCases", parts
        if parts[0] == "contact-flows-summary":
            return "ListContactFlows", parts
        if parts[0] == "test-cases" and self.command == "PUT" and len(parts) == 2:
            return "CreateTestCase", parts
        if parts[0] == "test-cases" and parts[-1] == "start-execution":
            return "StartTestCaseExecution", parts
        if parts[0] == "test-cases" and parts[-1] == "summary":
            return "GetTestCaseExecutionSummary", parts
        if parts[0] == "test-cases" and parts[-1] == "records":
            return "ListTestCaseExecutionRecords", parts
        if parts[0] == "test-cases" and self.command == "GET" and len(parts) == 3:
            return "DescribeTestCase", parts
        return "", parts

    def _answer(self) -> None:
        operation, parts = self._operation()
        server = self.server
        server.requests.append(operation)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        if server.throttle.get(operation, 0) > 0:
            server.throttle[operation] -= 1
            self._send(429, {"Message": "Rate exceeded"}, error="ThrottlingException")
            return
        cases = server.cases
        if operation == "ListTestCases":
            assert "nextToken" not in parse_qs(urlsplit(self.path).query)
            self._send(200, {"TestCaseSummaryList": [
                {"Id": c["Id"], "Name": c["Name"], "Status": c["Status"]} for c in cases.values()]})
        elif operation == "CreateTestCase":
            test_case_id = f"tc-{len(cases) + 1}"
            cases[test_case_id] = {**body, "Id": test_case_id}
            self._send(200, {"TestCaseId": test_case_id, "TestCaseArn": f"{INSTANCE_ARN}/test-case/{test_case_id}"})
        elif operation == "DescribeTestCase":
            self._send(200, {"TestCase": cases[parts[2]]})
        elif operation == "StartTestCaseExecution":
            self._send(200, {"TestCaseExecutionId": f"ex-{parts[2]}", "TestCaseId": parts[2], "Status": "INITIATED"})
        elif operation == "GetTestCaseExecutionSummary":
            server.polls += 1
            count = len(json.loads(cases[parts[2]]["Content"])["Observations"])
            self._send(200, {"Status": "PASSED", "StartTime": MODIFIED.timestamp(), "EndTime": MODIFIED.timestamp(),
                             "ObservationSummary": {"TotalObservations": count, "ObservationsPassed": count,
                                                    "ObservationsFailed": 0}})
        elif operation == "ListTestCaseExecutionRecords":
            content = json.loads(cases[parts[2]]["Content"])
            self._send(200, {"ExecutionRecords": [
                {"ObservationId": o["Identifier"], "Status": "PASSED", "Timestamp": MODIFIED.timestamp(),
                 "Record": "{}"} for o in content["Observations"]]})
        else:
            self._send(404, {"Message": f"no route {self.command} {self.path}"}, error="ResourceNotFoundException")

    do_GET = do_PUT = do_POST = _answer


@pytest.fixture
def fake_desk(request: pytest.FixtureRequest) -> Iterator[FakeTestDesk]:
    with serving(FakeTestDesk(throttle=getattr(request, "param", None))) as server:
        yield server


Server = TypeVar("Server", bound=ThreadingHTTPServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """`server` answering on its own thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def botocore_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off waits botocore's retry handler asks for, recorded instead of slept."""
    import botocore.endpoint

    waits: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", waits.append)
    return waits
