"""Export scenarios as Amazon Connect test cases (CreateTestCase requests).

The scenario runs once, offline, with every block watched; the run gives what the Testing
language needs and a scenario does not spell out: which prompt each input answers (the input is
sent in reaction to the last event before the block that takes it), how many times each Lambda
function is called and what it answers (one MockResponse per call, in order), what each hours
check answers. Every message and flow action of the run becomes an observation, chained in run
order, so each observation meets the event meant for it; the scenario's expectations (queue,
attributes, messages, Lambda calls, the transfer) become asserts and observations on top. What
the Testing language cannot say (block paths and branches, the media stream, how the contact
ended...) is listed per scenario, never dropped silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..assertions import compare_messages, message_matches, show_expected
from ..blocks.registry import BlockHandler, BlockRegistry
from ..engine.context import RunContext
from ..engine.instance import Instance, merge_instance_dicts
from ..engine.messages import Message
from ..engine.outcome import Outcome
from ..flow.library import FlowLibrary, arn_id
from ..flow.model import Action
from ..scenario.model import Scenario
from .model import FLOW_ACTION_EVENTS
from .runner import instrumented

EXPRESSIBLE = ("attributes", "queue", "ended", "messages", "messages_include", "lambda_calls")
# Flows a journey runs once the contact is queued (DESIGN.md "The contact journey").
JOURNEY_TYPES = frozenset({"CUSTOMER_QUEUE", "CUSTOMER_WHISPER", "AGENT_WHISPER", "CUSTOMER_HOLD", "AGENT_HOLD",
                           "QUEUE_TRANSFER", "AGENT_TRANSFER", "OUTBOUND_WHISPER"})
_DTMF = re.compile(r"[0-9*#]+")
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ExportedTestCase:
    """One scenario as a test case: the CreateTestCase request (None when the scenario cannot be
    exported) and what the Testing language cannot express."""

    scenario: Scenario
    request: Mapping[str, Any] | None
    unexpressed: tuple[str, ...] = ()
    error: str = ""

    @property
    def label(self) -> str:
        return f"{self.scenario.index.file}::{self.scenario.name}"


@dataclass
class _Event:
    kind: str  # "message" or a FlowActionStarted action type
    step: int
    flow: str
    block: str
    message: Message | None = None
    resource: str = ""


@dataclass
class _Recorder:
    """Watches a scenario's run: the events in order, the inputs each block took, what each
    mocked flow action answered."""

    instance: Instance
    events: list[_Event] = field(default_factory=list)
    consumed: list[tuple[int, str]] = field(default_factory=list)  # (step, action type) per input taken
    # (action type, resource, outcome, $.Lex after, the bot's reply, block, step) per mocked flow action
    answers: list[tuple[str, str, Outcome, dict[str, Any], str, str, int]] = field(default_factory=list)
    cursor: int = 0
    first_type: str | None = None  # the flow type the run started in
    journey_step: int | None = None  # the first step of a journey flow (queue, whisper, hold...)

    def flush(self, ctx: RunContext) -> None:
        while self.cursor < len(ctx.messages):
            message = ctx.messages[self.cursor]
            self.cursor += 1
            if message.to == "customer":
                self.events.append(_Event("message", message.step, message.flow, message.block, message))

    def on_block(self, ctx: RunContext, action: Action, run: BlockHandler) -> Outcome:
        self.flush(ctx)
        if self.first_type is None:
            self.first_type = ctx.flow_type
        elif (self.journey_step is None and ctx.flow_type in JOURNEY_TYPES
              and self.first_type not in JOURNEY_TYPES):
            self.journey_step = ctx.step
        resource = self._resource(ctx, action)
        if action.type in FLOW_ACTION_EVENTS:
            self.events.append(_Event(action.type, ctx.step, ctx.flow.name, action.identifier, resource=resource))
        before = len(ctx.inputs)
        sent_before = len(ctx.messages)
        outcome = run(ctx, action)
        self.consumed += [(ctx.step, action.type)] * (before - len(ctx.inputs))
        if action.type in (*FLOW_ACTION_EVENTS, "DequeueContactAndTransferToQueue"):
            bot = " ".join(m.content for m in ctx.messages[sent_before:] if m.kind == "bot")
            self.answers.append((action.type, resource, outcome, dict(ctx.contact.lex), bot, action.identifier,
                                 ctx.step))
        return outcome

    def _resource(self, ctx: RunContext, action: Action) -> str:
        params = action.parameters
        if action.type == "InvokeLambdaFunction":
            return ctx.resolve(params.get("LambdaFunctionARN")) or ""
        if action.type == "CheckHoursOfOperation":
            raw = params.get("HoursOfOperationId")
            if raw not in (None, ""):
                return ctx.resolve(raw) or ""
            queue = ctx.contact.queue
            found = self.instance.find(self.instance.queues, queue.arn or queue.name) if queue is not None else None
            hours = self.instance.find(self.instance.hours, found.hours) if found is not None and found.hours else None
            return (hours.arn or hours.name) if hours is not None else ""
        if action.type == "TransferContactToQueue":
            queue = ctx.contact.queue
            return (queue.arn or queue.name) if queue is not None else ""
        if action.type == "DequeueContactAndTransferToQueue":
            return ctx.resolve(params.get("QueueId")) or ""
        if action.type == "ConnectParticipantWithLexBot":
            v2 = params.get("LexV2Bot")
            if isinstance(v2, dict):
                return ctx.resolve(v2.get("AliasArn")) or ""
            classic = params.get("LexBot")
            return (ctx.resolve(classic.get("Name")) or "") if isinstance(classic, dict) else ""
        return ""


class _Builder:
    """Builds the Content: observations with unique, readable Identifiers."""

    def __init__(self) -> None:
        self.observations: list[dict[str, Any]] = []
        self._ids: set[str] = set()

    def unique(self, base: str) -> str:
        base = re.sub(r"\s+", " ", base).strip()[:60] or "observation"
        name, n = base, 2
        while name in self._ids:
            name, n = f"{base} ({n})", n + 1
        self._ids.add(name)
        return name

    def observation(self, identifier: str, event: dict[str, Any]) -> dict[str, Any]:
        obs: dict[str, Any] = {"Identifier": identifier, "Event": event, "Actions": [], "Usage": {"Type": "Exactly",
                                                                                                   "Times": 1},
                               "Transitions": {"NextObservations": []}}
        self.observations.append(obs)
        return obs

    def action(self, obs: dict[str, Any], kind: str, parameters: dict[str, Any], label: str) -> None:
        actions: list[dict[str, Any]] = obs["Actions"]
        identifier = f"{label} {len(actions) + 1}"
        if actions:
            actions[-1]["Transitions"] = {"NextAction": identifier}
        actions.append({"Identifier": identifier, "Type": kind, "Parameters": parameters, "Transitions": {}})


def _event(kind: str, properties: dict[str, Any], identifier: str) -> dict[str, Any]:
    return {"Identifier": identifier, "Type": kind, "Actor": "System", "Properties": properties}


def _message_event(message: Message, identifier: str) -> dict[str, Any]:
    if message.kind == "prompt":
        props: dict[str, Any] = {"PromptId": message.content}
    elif message.kind == "media":
        props = {"Media": {"Uri": message.content, "SourceType": "S3", "MediaType": "Audio"}}
    elif message.kind == "ssml":
        props = {"SSML": message.content, "MatchingCriteria": {"Type": "Similarity"}}
    else:
        props = {"Text": message.text, "MatchingCriteria": {"Type": "Similarity"}}
    return _event("MessageReceived", props, identifier)


def _expected_message_event(expected: Any, identifier: str) -> tuple[dict[str, Any] | None, str]:
    """A MessageReceived event for one entry of expect.messages(_include), or why it cannot be one."""
    if isinstance(expected, str):
        return _event("MessageReceived", {"Text": expected, "MatchingCriteria": {"Type": "Similarity"}},
                      identifier), ""
    if isinstance(expected, Mapping) and "contains" in expected:
        return _event("MessageReceived", {"Text": str(expected["contains"]), "MatchingCriteria": {"Type": "Inclusion"}},
                      identifier), ""
    if isinstance(expected, Mapping) and "prompt" in expected:
        return _event("MessageReceived", {"PromptId": str(expected["prompt"])}, identifier), ""
    return None, f"a message matching the regex {expected.get('regex')!r}" if isinstance(expected, Mapping) else ""


def _flow_action_event(kind: str, resource: str, identifier: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if resource:
        key = {"InvokeLambdaFunction": "LambdaFunctionARN", "CheckHoursOfOperation": "HoursOfOperationId",
               "TransferContactToQueue": "QueueId"}.get(kind)
        params = {key: resource} if key else {"LexV2Bot": {"AliasArn": resource}}
    return _event("FlowActionStarted", {"ActionType": kind, "ActionParameters": params}, identifier)


def _override(kind: str, resource: str, strategy: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    key = {"InvokeLambdaFunction": "LambdaFunctionARN", "CheckHoursOfOperation": "HoursOfOperationId",
           "TransferContactToQueue": "QueueId", "DequeueContactAndTransferToQueue": "QueueId"}.get(kind)
    if resource:
        params = {key: resource} if key else {"LexV2Bot": {"AliasArn": resource}}
    return {"ActionType": "OverrideSystemBehavior",
            "Behavior": {"Type": "FlowAction", "Properties": {"ActionType": kind, "ActionParameters": params,
                                                             "Strategy": strategy}}}


def _mock(response: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "MockResponse", "Response": response}


def _reference(root: str, key: str) -> str:
    return f"$.{root}.{key}" if _SIMPLE_KEY.fullmatch(key) else f"$.{root}['{key}']"


def export_scenario(
    scenario: Scenario,
    library: FlowLibrary,
    *,
    instance_layers: tuple[Mapping[str, Any], ...] = (),
    registry: BlockRegistry | None = None,
    max_steps: int = 1000,
    seed: str = "0",
    handler_roots: tuple[str, ...] = (),
) -> ExportedTestCase:
    """Run the scenario and write it as a CreateTestCase request."""
    from ..blocks import default_registry
    from ..scenario.runner import run_scenario

    if scenario.error is not None:
        return ExportedTestCase(scenario, None, error=str(scenario.error))
    if scenario.channel not in ("VOICE", "CHAT"):
        return ExportedTestCase(scenario, None, error=f"the scenario runs on {scenario.channel}; a test case starts a "
                                                      "voice call (VOICE_CALL) or a chat (CHAT)")
    instance = Instance.from_dict(merge_instance_dicts(*instance_layers, scenario.instance))
    recorder = _Recorder(instance)
    outcome = run_scenario(scenario, library, instance_layers=instance_layers, max_steps=max_steps,
                           registry=instrumented(registry or default_registry(), recorder.on_block), seed=seed,
                           handler_roots=handler_roots)
    if outcome.result is None:
        return ExportedTestCase(scenario, None, error=f"the scenario does not run: {outcome.error}")
    result = outcome.result
    while recorder.cursor < len(result.trace.messages):
        message = result.trace.messages[recorder.cursor]
        recorder.cursor += 1
        if message.to == "customer":
            recorder.events.append(_Event("message", message.step, message.flow, message.block, message))
    notes: list[str] = []
    if scenario.journey and recorder.journey_step is not None:
        _cut_journey(recorder, scenario, notes)
    builder = _Builder()
    start = builder.observation(builder.unique("Test initiated"), _event("TestInitiated", {}, "test-initiated"))
    _add_overrides(builder, start, recorder, result.lambda_calls, notes)

    chain: list[dict[str, Any]] = [start]
    hosts: list[dict[str, Any]] = []  # the observation each event became, in order
    for event in recorder.events:
        if event.message is not None:
            label = event.message.text if event.message.kind in ("text", "ssml", "bot") else event.message.describe()
            identifier = builder.unique(label)
            obs = builder.observation(identifier, _message_event(event.message, f"{identifier} event"))
        else:
            identifier = builder.unique(f"{event.kind} {event.block}")
            obs = builder.observation(identifier, _flow_action_event(event.kind, event.resource, f"{identifier} event"))
        hosts.append(obs)
        chain.append(obs)
    _add_inputs(builder, scenario, recorder, start, hosts, notes)
    expected = {e.key: e for e in scenario.expectations}
    _expect_messages(builder, scenario, result.messages, recorder, hosts, chain, notes)
    _expect_lambda_calls(scenario, result, recorder, hosts, chain, builder, instance, notes)
    final = _final_observation(builder, scenario, result.ended, recorder, hosts, chain, notes)
    for key, value in (expected["attributes"].value.items() if "attributes" in expected else ()):
        builder.action(final, "Assert", {"Namespace": _reference("Attributes", str(key)), "Operator": "Equals",
                                         "Operand": str(value)}, f"assert {key}")
    if "queue" in expected:
        wanted = str(expected["queue"].value)
        namespace = "$.Queue.ARN" if wanted.startswith("arn:") else "$.Queue.Name"
        found = instance.find(instance.queues, wanted)
        if found is not None and not wanted.startswith("arn:"):
            wanted = found.name
        builder.action(final, "Assert", {"Namespace": namespace, "Operator": "Equals", "Operand": wanted},
                       "assert queue")
    if final["Event"]["Type"] != "TestCompleted":
        builder.action(final, "TestControl", {"ActionType": "TestControl", "Command": {"Type": "EndTest"}}, "end test")
    for before, after in pairwise(chain):
        before["Transitions"] = {"NextObservations": [after["Identifier"]]}
    notes = _unexpressed(scenario, result, instance) + notes
    return ExportedTestCase(scenario, _request(scenario, library, builder, notes), tuple(notes))


def _cut_journey(recorder: _Recorder, scenario: Scenario, notes: list[str]) -> None:
    """A test case cannot make an agent answer or hang up: it follows the contact until it is
    queued; what the journey does after that is left out (and listed)."""
    cut = recorder.journey_step or 0
    recorder.events = [e for e in recorder.events if e.step < cut]
    recorder.answers = [a for a in recorder.answers if a[6] < cut]
    later = [i for i, (step, _) in enumerate(recorder.consumed) if step >= cut]
    if later:
        taken = ", ".join(repr(scenario.inputs[i]) for i in later if i < len(scenario.inputs))
        notes.append(f"journey: inputs taken after the contact was queued ({taken}) cannot be sent")
    recorder.consumed = [c for c in recorder.consumed if c[0] < cut]
    notes.append("journey: a test case cannot make an agent answer, hold or hang up; it ends when the contact is "
                 "queued, and what happens after (queue, whisper, hold and disconnect flows) is not checked")


def _add_overrides(builder: _Builder, start: dict[str, Any], recorder: _Recorder, calls: Sequence[Any],
                   notes: list[str]) -> None:
    """One override per answer from outside the flow, in the order the run asked: each is consumed
    once, first in first out per resource."""
    lambda_calls = list(calls)
    for kind, resource, outcome, lex, bot, block, _ in recorder.answers:
        if kind == "InvokeLambdaFunction":
            if not lambda_calls or lambda_calls[0].block != block:
                continue  # the block failed before calling (an unset ARN): the flow itself says why
            call = lambda_calls.pop(0)
            if call.error and call.response is None:
                value = "TimeLimitExceeded" if "InvocationTimeLimitSeconds" in call.error else "NoMatchingError"
                strategy = _mock({"Type": "Error", "Error": {"Value": value}})
            else:
                strategy = _mock({"Type": "ExecutionResult", "ExecutionResult": {
                    "LoadedData": json.dumps(call.response, separators=(",", ":"), ensure_ascii=False)}})
            builder.action(start, "OverrideSystemBehavior", _override(kind, call.arn or resource, strategy), "mock")
        elif kind == "CheckHoursOfOperation":
            if outcome.kind == "result":
                answer = "InHours" if outcome.value == "True" else "OutOfHours"
                strategy = _mock({"Type": "ExecutionResult", "ExecutionResult": {"Value": answer}})
            else:
                strategy = _mock({"Type": "Error", "Error": {"Value": "NoMatchingError"}})
            if not resource:
                notes.append("an hours check uses the queue's hours, which the instance resources file does not name: "
                             "its override names no HoursOfOperationId")
            builder.action(start, "OverrideSystemBehavior", _override(kind, resource, strategy), "mock")
        elif kind in ("TransferContactToQueue", "DequeueContactAndTransferToQueue"):
            if outcome.kind == "error" and outcome.error_type == "QueueAtCapacity":
                strategy = _mock({"Type": "Error", "Error": {"Value": "QueueAtCapacity"}})
                builder.action(start, "OverrideSystemBehavior", _override(kind, resource, strategy), "mock")
        elif kind == "ConnectParticipantWithLexBot":
            if outcome.kind == "error" and outcome.error_type in ("InputTimeLimitExceeded", "NoMatchingError"):
                value = "TimeLimitExceeded" if outcome.error_type == "InputTimeLimitExceeded" else "NoMatchingError"
                strategy = _mock({"Type": "Error", "Error": {"Value": value}})
            elif outcome.kind == "result" or lex:
                intent = lex.get("IntentName")
                slots = {k: {"value": {"interpretedValue": v}} for k, v in (lex.get("Slots") or {}).items()}
                data: dict[str, Any] = {"sessionState": {"intent": {"name": intent, "slots": slots},
                                                         "sessionAttributes": lex.get("SessionAttributes") or {}}}
                if bot:
                    data["messages"] = [{"contentType": "PlainText", "content": bot}]
                strategy = _mock({"Type": "ExecutionResult", "ExecutionResult": {
                    "LoadedData": json.dumps(data, separators=(",", ":"), ensure_ascii=False)}})
            else:
                continue
            builder.action(start, "OverrideSystemBehavior", _override(kind, resource, strategy), "mock")


def _add_inputs(builder: _Builder, scenario: Scenario, recorder: _Recorder, start: dict[str, Any],
                hosts: list[dict[str, Any]], notes: list[str]) -> None:
    """Each input the flow took is sent in reaction to the last event before (or at) the block that
    takes it; a timeout (null) is simply no input."""
    events = recorder.events
    for position, (step, block_type) in enumerate(recorder.consumed):
        value = scenario.inputs[position] if position < len(scenario.inputs) else None
        if value is None:
            continue
        index = max((i for i, e in enumerate(events) if e.step <= step), default=None)
        host = start if index is None else hosts[index]
        shared = [a for a in host["Actions"] if a["Type"] == "SendInstruction"]
        if shared:
            notes.append(f"inputs {shared[0]['Parameters']['Instruction']['Properties'].get('Value')!r} and "
                         f"{value!r} are both sent after the same event (the block that takes the second plays no "
                         "prompt to react to): in Amazon Connect the first block may take both keys")
        if block_type == "GetParticipantInput" and _DTMF.fullmatch(value):
            instruction: dict[str, Any] = {"Type": "DtmfInput", "Properties": {"Value": value}}
        else:
            instruction = {"Type": "TextUtterance", "Properties": {"Text": value, "LanguageCode": "en-US"}}
            if block_type == "GetParticipantInput":
                notes.append(f"input {value!r} is not DTMF keys: it is sent as a text utterance")
        builder.action(host, "SendInstruction", {"ActionType": "SendInstruction", "Actor": "Customer",
                                                 "Instruction": instruction}, "send input")
    left = scenario.inputs[len(recorder.consumed):]
    if left:
        notes.append(f"inputs left over (no block took them): {', '.join(repr(i) for i in left)}")


def _expect_messages(builder: _Builder, scenario: Scenario, sent: list[Message], recorder: _Recorder,
                     hosts: list[dict[str, Any]], chain: list[dict[str, Any]], notes: list[str]) -> None:
    exact = scenario.expectation("messages")
    queued_only = bool(scenario.journey and recorder.journey_step is not None)
    before_queue = [e.message for e in recorder.events if e.message is not None]
    if exact is not None and queued_only:
        notes.append("expect.messages: the journey's messages come after the contact is queued, which a test case "
                     "cannot follow")
    elif exact is not None:
        notes.append("expect.messages says no other message is sent; the Testing language cannot say that (each "
                     "message the run sent is an observation)")
        if compare_messages(exact.value, sent, ordered=True) is not None:
            # The scenario fails on its messages: the test case expects the scenario's messages in
            # place of the ones the run sent, so that it fails too.
            message_hosts = [h for h, e in zip(hosts, recorder.events, strict=True) if e.message is not None]
            for i, expected in enumerate(exact.value):
                event, why = _expected_message_event(expected, "expected message")
                if event is None:
                    notes.append(f"expect.messages: {why} cannot be expressed")
                    continue
                if i < len(message_hosts):
                    event["Identifier"] = message_hosts[i]["Event"]["Identifier"]
                    message_hosts[i]["Event"] = event
                else:
                    identifier = builder.unique(f"expected message {i + 1}")
                    event["Identifier"] = f"{identifier} event"
                    chain.append(builder.observation(identifier, event))
    include = scenario.expectation("messages_include")
    for i, expected in enumerate(include.value if include is not None else ()):
        identifier = builder.unique(f"message {i + 1} included")
        event, why = _expected_message_event(expected, f"{identifier} event")
        if event is None:
            notes.append(f"expect.messages_include: {why} cannot be expressed")
            continue
        if queued_only and not any(message_matches(expected, m) for m in before_queue):
            notes.append(f"expect.messages_include: {show_expected(expected)} is sent after the contact is queued, "
                         "which a test case cannot follow")
            continue
        builder.observation(identifier, event)  # unconnected: active from the start, in any order


def _expect_lambda_calls(scenario: Scenario, result: Any, recorder: _Recorder, hosts: list[dict[str, Any]],
                         chain: list[dict[str, Any]], builder: _Builder, instance: Instance, notes: list[str]) -> None:
    expected = scenario.expectation("lambda_calls")
    if expected is None:
        return
    if any(e.get("parameters") for e in expected.value):
        notes.append("expect.lambda_calls: the parameters sent cannot be expressed (FlowActionStarted names the "
                     "function only)")
    lambda_hosts = [h for h, e in zip(hosts, recorder.events, strict=True) if e.kind == "InvokeLambdaFunction"]
    for i, call in enumerate(expected.value):
        function = str(call["function"])
        found = instance.find(instance.lambdas, function)
        arn = found.arn if found is not None and found.arn else function
        if i < len(lambda_hosts):
            params = lambda_hosts[i]["Event"]["Properties"]["ActionParameters"]
            actual = params.get("LambdaFunctionARN", "")
            if function not in {actual, arn_id(actual), actual.rsplit(":function:", 1)[-1]}:
                params["LambdaFunctionARN"] = arn
        else:
            identifier = builder.unique(f"expected call {i + 1} of {function}")
            chain.append(builder.observation(identifier, _flow_action_event("InvokeLambdaFunction", arn,
                                                                              f"{identifier} event")))
    if len(expected.value) < len(lambda_hosts):
        notes.append("expect.lambda_calls lists every call; the Testing language cannot say that no other call is "
                     "made")


def _final_observation(builder: _Builder, scenario: Scenario, ended: str | None, recorder: _Recorder,
                       hosts: list[dict[str, Any]], chain: list[dict[str, Any]], notes: list[str]) -> dict[str, Any]:
    """Where the end state is checked: the transfer to the queue (and the test ends there, before
    the contact reaches an agent), else TestCompleted."""
    expect_ended = scenario.expectation("ended")
    wanted = str(expect_ended.value) if expect_ended is not None else ended
    if scenario.journey and recorder.journey_step is not None:
        if expect_ended is not None:
            notes.append(f"expect.ended: {wanted} comes at the end of the journey, which a test case cannot follow")
        wanted = ended = "transferred_to_queue"  # the test case follows the contact until it is queued
    if wanted == "transferred_to_queue":
        transfers = [h for h, e in zip(hosts, recorder.events, strict=True) if e.kind == "TransferContactToQueue"]
        if ended == "transferred_to_queue" and transfers:
            final = transfers[-1]
            index = chain.index(final)
            del chain[index + 1:]  # nothing the run did after the transfer belongs to it
            return final
        queue = scenario.expectation("queue")
        identifier = builder.unique("transfer to queue")
        final = builder.observation(identifier, _flow_action_event(
            "TransferContactToQueue", str(queue.value) if queue is not None else "", f"{identifier} event"))
        chain.append(final)
        return final
    if expect_ended is not None:
        notes.append(f"expect.ended: {wanted} cannot be expressed: no event says how the contact ended; the end state "
                     "is checked at TestCompleted")
    identifier = builder.unique("Test completed")
    final = builder.observation(identifier, _event("TestCompleted", {}, f"{identifier} event"))
    chain.append(final)
    return final


def _unexpressed(scenario: Scenario, result: Any, instance: Instance) -> list[str]:
    notes = []
    for exp in scenario.expectations:
        if exp.key in EXPRESSIBLE:
            continue
        why = {"path": "the blocks run", "branches": "the branches taken", "flows": "the flows entered",
               "media_streaming": "the media stream state"}.get(exp.key, "this expectation")
        notes.append(f"expect.{exp.key}: {why} cannot be expressed (the Testing language observes messages and "
                     "flow actions, and asserts on contact data, not on blocks, branches or the media stream)")
    contact = dict(scenario.contact)
    contact.pop("customer_endpoint", None)
    if contact:
        notes.append(f"contact settings {', '.join(sorted(contact))} cannot be expressed (a test case starts a new "
                     "contact with its attributes only)")
    if scenario.instance:
        notes.append(f"the scenario's instance settings ({', '.join(sorted(scenario.instance))}) belong to the "
                     "instance the test case runs in, not to the test case")
    if scenario.queues:
        notes.append("mocks.queues: queue metrics cannot be mocked (only a full queue, as a transfer's "
                     "QueueAtCapacity)")
    if scenario.distribution:
        notes.append("mocks.distribution: Distribute by percentage draws at random in Amazon Connect")
    for kind in scenario.services:
        if kind != "lex":
            notes.append(f"mocks.{kind}: that service is called for real in Amazon Connect")
    if scenario.clock:
        notes.append("clock: the hours checks the clock decided are mocked with their outcome instead")
    return notes


def _request(scenario: Scenario, library: FlowLibrary, builder: _Builder, notes: list[str]) -> dict[str, Any]:
    flow = library.find(scenario.flow)
    flow_id = flow.id or (arn_id(flow.arn) if flow.arn else None)
    if flow_id is None:
        flow_id = flow.name
        notes.append(f"the flow {flow.name!r} has no Id in its file: EntryPoint FlowId holds its name; put the flow's "
                     "Id there before creating the test case in Amazon Connect")
    if flow.is_module or (flow.declared_type not in (None, "CONTACT_FLOW")):
        kind = "flow module" if flow.is_module else f"{flow.declared_type} flow"
        notes.append(f"the scenario starts in a {kind}; a test case's entry point starts an inbound contact flow")
    content = {"Version": "2019-10-30", "Metadata": {}, "Observations": builder.observations}
    key = "ChatEntryPointParameters" if scenario.channel == "CHAT" else "VoiceCallEntryPointParameters"
    params: dict[str, Any] = {"FlowId": flow_id}
    endpoint = scenario.contact.get("customer_endpoint")
    if endpoint and scenario.channel == "VOICE":
        params["SourcePhoneNumber"] = str(endpoint)
    return {
        "Name": scenario.name,
        "Description": f"Exported by pytest-connectflow from {scenario.index.file}::{scenario.name}"[:500],
        "Content": json.dumps(content, indent=2, ensure_ascii=False),
        "EntryPoint": {"Type": "CHAT" if scenario.channel == "CHAT" else "VOICE_CALL", key: params},
        "InitializationData": json.dumps({"Attributes": dict(scenario.attributes)}, ensure_ascii=False),
        "Status": "PUBLISHED",
    }


def file_name(scenario: Scenario) -> str:
    """`<scenario file stem>--<scenario name slug>.testcase.json`."""
    stem = scenario.file.name.split(".")[0]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", scenario.name).strip("-").lower()[:80] or f"scenario-{scenario.position + 1}"
    return f"{stem}--{slug}.testcase.json"


def write(exported: ExportedTestCase, to: Path) -> Path | None:
    """Write the test case (and, when something could not be expressed, a notes file beside it)."""
    name = file_name(exported.scenario)
    notes_path = to / name.replace(".testcase.json", ".testcase.notes.txt")
    if exported.request is None:
        return None
    path = to / name
    path.write_text(json.dumps(exported.request, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if exported.unexpressed:
        lines = [f"# {exported.label}", "# What the Testing language cannot express, so the test case does not check:",
                 *[f"- {n}" for n in exported.unexpressed]]
        notes_path.write_text("\n".join(lines) + "\n", "utf-8")
    elif notes_path.exists():
        notes_path.unlink()
    return path
