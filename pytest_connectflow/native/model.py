"""Amazon Connect's own test cases (the Testing language) as frozen dataclasses.

A test case is what `CreateTestCase` takes and `DescribeTestCase` returns: a `Content` JSON string
holding observations, an `EntryPoint` (VOICE_CALL or CHAT, with the flow) and `InitializationData`
(the contact's attributes). Every part keeps its JSON pointer, so errors and results point at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import ConnectflowError

VERSIONS = ("2019-10-30", "2025-06-21")
EVENT_TYPES = ("TestInitiated", "MessageReceived", "FlowActionStarted", "TestCompleted")
# FlowActionStarted and OverrideSystemBehavior name flow actions by their Flow language type.
FLOW_ACTION_EVENTS = ("InvokeLambdaFunction", "CheckHoursOfOperation", "TransferContactToQueue",
                      "ConnectParticipantWithLexBot")
OVERRIDE_ACTIONS = (*FLOW_ACTION_EVENTS, "DequeueContactAndTransferToQueue")
# The override page spells the dequeue block `DequeueAndTransferToQueue`; the Flow language type is
# `DequeueContactAndTransferToQueue`. Both are read.
ACTION_TYPE_ALIASES = {"DequeueAndTransferToQueue": "DequeueContactAndTransferToQueue"}
ASSERT_OPERATORS = ("Equals", "TextStartsWith", "TextEndsWith", "TextContains", "NumberGreaterThan",
                    "NumberGreaterOrEqualTo", "NumberLessThan", "NumberLessOrEqualTo", "Exists")
# Usage.Type as the observations page lists it (case-insensitive here); ANY, from the skeleton on
# the same page, is read as Always.
USAGE_TYPES = ("Exactly", "AtLeast", "AtMost", "Always")

Matching = Literal["Similarity", "Inclusion"]
Channel = Literal["VOICE", "CHAT"]


class NativeTestError(ConnectflowError):
    """A test case that cannot be read or run: malformed JSON, an unknown construct, a flow
    that is not loaded. `where` is `file#/json/pointer`."""


@dataclass(frozen=True)
class Event:
    """What an observation waits for. `properties` as written (Text, SSML, PromptId, Media for
    MessageReceived; ActionParameters for FlowActionStarted); `action_type` of FlowActionStarted."""

    type: str
    pointer: str
    identifier: str = ""
    properties: Mapping[str, object] = field(default_factory=dict)
    matching: Matching = "Similarity"
    action_type: str = ""
    action_parameters: Mapping[str, object] = field(default_factory=dict)

    def describe(self) -> str:
        if self.type == "MessageReceived":
            props = self.properties
            for key in ("Text", "SSML"):
                if key in props:
                    return f"MessageReceived {key} {str(props[key])!r} ({self.matching})"
            if "PromptId" in props:
                return f"MessageReceived PromptId {props['PromptId']}"
            media = props.get("Media")
            if isinstance(media, Mapping):
                return f"MessageReceived Media {media.get('Uri')}"
            return "MessageReceived (any message)"
        if self.type == "FlowActionStarted":
            params = ", ".join(f"{k} {_short(v)}" for k, v in self.action_parameters.items())
            return f"FlowActionStarted {self.action_type}" + (f" ({params})" if params else "")
        return self.type


def _short(value: object) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_short(v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class SendInstruction:
    """The customer acts: `DtmfInput` (keys), `TextUtterance` (what they say or type) or
    `Disconnect` (they hang up)."""

    identifier: str
    pointer: str
    instruction: Literal["DtmfInput", "TextUtterance", "Disconnect"]
    value: str = ""
    next_action: str = ""


@dataclass(frozen=True)
class Override:
    """OverrideSystemBehavior: the next run of the flow action on `resource` behaves as told.

    `strategy` SubstituteResource uses `substitute` instead; MockResponse answers with
    `loaded_data` (ExecutionResult.LoadedData), `value` (ExecutionResult.Value of hours checks) or
    the error `error` (Error.Value), after `delay` seconds."""

    identifier: str
    pointer: str
    action_type: str
    resource: str  # the ARN, Id or name in ActionParameters ("" when none is given)
    strategy: Literal["SubstituteResource", "MockResponse"]
    substitute: str = ""
    response: Literal["ExecutionResult", "Error", ""] = ""
    loaded_data: object = None
    value: str = ""
    error: str = ""
    delay: float = 0.0
    next_action: str = ""

    def describe(self) -> str:
        target = f"{self.action_type} {self.resource}".rstrip()
        if self.strategy == "SubstituteResource":
            return f"{target} → substitute {self.substitute}"
        if self.response == "Error":
            return f"{target} → error {self.error}"
        if self.value:
            return f"{target} → {self.value}"
        return f"{target} → mocked response"


@dataclass(frozen=True)
class Assert:
    identifier: str
    pointer: str
    namespace: str
    operator: str
    operand: str | None = None
    next_action: str = ""

    def describe(self) -> str:
        operand = "" if self.operator == "Exists" else f" {self.operand!r}"
        return f"{self.namespace} {self.operator}{operand}"


@dataclass(frozen=True)
class EndTest:
    identifier: str
    pointer: str
    next_action: str = ""


@dataclass(frozen=True)
class LogData:
    identifier: str
    pointer: str
    expressions: Mapping[str, str] = field(default_factory=dict)
    next_action: str = ""


TestAction = SendInstruction | Override | Assert | EndTest | LogData


@dataclass(frozen=True)
class Usage:
    """How many times an observation should match (Exactly once unless told otherwise)."""

    type: str = "Exactly"
    times: int = 1

    def describe(self) -> str:
        return self.type if self.type == "Always" else f"{self.type} {self.times}"


@dataclass(frozen=True)
class Observation:
    identifier: str
    pointer: str
    event: Event
    actions: tuple[TestAction, ...] = ()
    usage: Usage = Usage()
    next_observations: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryPoint:
    """Where the simulated contact starts: the channel and the flow (Id, ARN, or the name a
    CloudFormation reference resolves to)."""

    type: Literal["VOICE_CALL", "CHAT"] = "VOICE_CALL"
    flow_id: str | None = None
    source_phone_number: str | None = None
    destination_phone_number: str | None = None
    pointer: str = ""

    @property
    def channel(self) -> Channel:
        return "CHAT" if self.type == "CHAT" else "VOICE"


@dataclass(frozen=True)
class TestCase:
    """One test case. `shape` says how the file held it: describe-test-case, create-test-case,
    cloudformation or content (bare Content, which needs the flow from elsewhere)."""

    name: str
    file: Path
    pointer: str  # of the test case in the file ("" for a whole-file test case)
    shape: str
    display: str = ""  # how messages name the file (relative to the rootdir)
    version: str = VERSIONS[0]
    observations: tuple[Observation, ...] = ()
    entry_point: EntryPoint | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    content_pointer: str = ""  # where the Content JSON is (inside a string for the API shapes)
    error: NativeTestError | None = None  # this test case cannot be read: its item fails with it

    __test__ = False  # not a pytest test class, whatever its name

    @property
    def where(self) -> str:
        shown = self.display or str(self.file)
        return f"{shown}#{self.pointer}" if self.pointer else shown

    def observation(self, identifier: str) -> Observation | None:
        return next((o for o in self.observations if o.identifier == identifier), None)


@dataclass(frozen=True)
class TestCaseFile:
    path: Path
    cases: tuple[TestCase, ...] = ()
    error: NativeTestError | None = None  # the whole file is unreadable

    __test__ = False
