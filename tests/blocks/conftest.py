"""Helpers for the block tests: small Flow-language flows written as JSON files into tmp_path,
and a simulator over them.

A flow is written bare (Flow-language JSON with `Metadata.name`) unless it needs a type, an Id/ARN
or is a module: then it is wrapped as a describe-contact-flow (`ContactFlow`) or
describe-contact-flow-module (`ContactFlowModule`) response, whose `Type` gives the flow type.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_connectflow.engine.contact import MediaStreamEvent
from pytest_connectflow.engine.instance import DEFAULT_INSTANCE_ARN
from pytest_connectflow.flow.library import load_library
from pytest_connectflow.flow.placeholders import find_placeholders, placeholder_name, substitute_text
from pytest_connectflow.simulator import RunResult, SimulatedContact, Simulator

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "flows" / "corpus"
INSTANCE_ARN = DEFAULT_INSTANCE_ARN

ActionDict = dict[str, Any]
# Conditions: {operand: target} (operator Equals) or [(operator, operand, target), ...].
ConditionSpec = Mapping[str, str] | Sequence[tuple[str, str, str]]


def action(
    identifier: str,
    type_: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    next_action: str | None = None,
    conditions: ConditionSpec | None = None,
    errors: Mapping[str, str] | None = None,
) -> ActionDict:
    """One Flow-language action. `errors` maps ErrorType → target."""
    transitions: dict[str, Any] = {}
    if next_action is not None:
        transitions["NextAction"] = next_action
    if conditions:
        items = (
            [("Equals", operand, target) for operand, target in conditions.items()]
            if isinstance(conditions, Mapping)
            else list(conditions)
        )
        transitions["Conditions"] = [
            {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}
            for operator, operand, target in items
        ]
    if errors:
        transitions["Errors"] = [
            {"NextAction": target, "ErrorType": error_type} for error_type, target in errors.items()
        ]
    return {
        "Identifier": identifier,
        "Type": type_,
        "Parameters": dict(parameters or {}),
        "Transitions": transitions,
    }


def end(identifier: str) -> ActionDict:
    """End flow / Resume: disconnects in a CONTACT_FLOW, ends the flow elsewhere."""
    return action(identifier, "EndFlowExecution")


def disconnect(identifier: str) -> ActionDict:
    return action(identifier, "DisconnectParticipant")


def message(identifier: str, text: str, next_action: str, error: str | None = None) -> ActionDict:
    errors = {"NoMatchingError": error} if error else None
    return action(identifier, "MessageParticipant", {"Text": text}, next_action=next_action,
                  errors=errors)


def set_attributes(
    identifier: str, attributes: Mapping[str, str], next_action: str, error: str | None = None
) -> ActionDict:
    errors = {"NoMatchingError": error} if error else None
    return action(identifier, "UpdateContactAttributes", {"Attributes": dict(attributes)},
                  next_action=next_action, errors=errors)


def streaming(
    identifier: str,
    state: str,
    next_action: str,
    error: str | None = None,
    directions: Sequence[str] | None = ("From", "To"),
) -> ActionDict:
    """Start (`Enabled`) or Stop (`Disabled`) media streaming; `directions=None` leaves out
    `Participants`, as the console's Stop block may."""
    params: dict[str, Any] = {"MediaStreamingState": state, "MediaStreamType": "Audio"}
    if directions is not None:
        params["Participants"] = [
            {"ParticipantType": "Customer", "MediaDirections": list(directions)}
        ]
    errors = {"NoMatchingError": error} if error else None
    return action(identifier, "UpdateContactMediaStreamingBehavior", params,
                  next_action=next_action, errors=errors)


def start_streaming(
    identifier: str, next_action: str, error: str | None = None,
    directions: Sequence[str] | None = ("From", "To"),
) -> ActionDict:
    return streaming(identifier, "Enabled", next_action, error, directions)


def stop_streaming(
    identifier: str, next_action: str, error: str | None = None,
    directions: Sequence[str] | None = ("From", "To"),
) -> ActionDict:
    return streaming(identifier, "Disabled", next_action, error, directions)


def set_queue(
    identifier: str, queue: str, next_action: str, error: str | None = None
) -> ActionDict:
    errors = {"NoMatchingError": error} if error else None
    return action(identifier, "UpdateContactTargetQueue", {"QueueId": queue},
                  next_action=next_action, errors=errors)


def transfer_to_queue(identifier: str, error: str) -> ActionDict:
    """Transfer to queue as consoles export it: the NextAction repeats an error target."""
    return action(identifier, "TransferContactToQueue", next_action=error,
                  errors={"QueueAtCapacity": error, "NoMatchingError": error})


def queue_arn(queue_id: str) -> str:
    return f"{INSTANCE_ARN}/queue/{queue_id}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "flow"


def flow_id(name: str) -> str:
    """The Id a flow written by `make_flow` gets (a UUID derived from its name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"connectflow-test/{name}"))


def flow_arn(name: str, *, module: bool = False) -> str:
    kind = "flow-module" if module else "contact-flow"
    return f"{INSTANCE_ARN}/{kind}/{flow_id(name)}"


def _targets(actions: Iterable[ActionDict]) -> list[str]:
    found: list[str] = []
    for item in actions:
        transitions = item.get("Transitions") or {}
        found.append(transitions.get("NextAction") or "")
        found += [c.get("NextAction") or "" for c in transitions.get("Conditions") or []]
        found += [e.get("NextAction") or "" for e in transitions.get("Errors") or []]
    return [t for t in found if t and t != "$end"]


def make_flow(
    tmp_path: Path,
    name: str,
    actions: Sequence[ActionDict],
    *,
    start: str | None = None,
    flow_type: str | None = None,
    module: bool = False,
    wrapped: bool = False,
    auto_end: bool = True,
    action_metadata: Mapping[str, Any] | None = None,
    custom_id: str | None = None,
) -> Path:
    """Write a flow file into `tmp_path` and return its path.

    `start` defaults to the first action. With `flow_type`, `module` or `wrapped` the flow is
    written as a describe-contact-flow(-module) response with Name, Id and ARN (see `flow_id`,
    `flow_arn`), so other flows can reference it. With `auto_end`, every transition target that
    names no action gets an End flow block of that name. `action_metadata` becomes
    `Metadata.ActionMetadata` (the console's display names). `custom_id` replaces the derived Id
    (and the ARN's last segment), to stand in for a flow a real export references.
    """
    all_actions = list(actions)
    known = {a["Identifier"] for a in all_actions}
    if auto_end:
        for target in _targets(all_actions):
            if target not in known:
                all_actions.append(end(target))
                known.add(target)
    document: dict[str, Any] = {
        "Version": "2019-10-30",
        "StartAction": start if start is not None else all_actions[0]["Identifier"],
        "Metadata": {"name": name},
        "Actions": all_actions,
    }
    if action_metadata:
        document["Metadata"]["ActionMetadata"] = dict(action_metadata)
    the_id = custom_id or flow_id(name)
    if module:
        written: dict[str, Any] = {
            "ContactFlowModule": {
                "Name": name,
                "Id": the_id,
                "Arn": f"{INSTANCE_ARN}/flow-module/{the_id}",
                "Content": json.dumps(document),
            }
        }
    elif flow_type is not None or wrapped:
        wrapper: dict[str, Any] = {
            "Name": name,
            "Id": the_id,
            "Arn": f"{INSTANCE_ARN}/contact-flow/{the_id}",
            "Content": json.dumps(document),
        }
        if flow_type is not None:
            wrapper["Type"] = flow_type
        written = {"ContactFlow": wrapper}
    else:
        written = document
    path = tmp_path / f"{slug(name)}.json"
    if path.exists():
        raise AssertionError(f"two test flows would be written to {path.name}")
    path.write_text(json.dumps(written, indent=2), encoding="utf-8")
    return path


class FlowFactory:
    """`make_flow` bound to one folder, a simulator over everything written there, and the
    action builders of this module (so tests reach them through the `flows` fixture)."""

    action = staticmethod(action)
    end = staticmethod(end)
    disconnect = staticmethod(disconnect)
    message = staticmethod(message)
    set_attributes = staticmethod(set_attributes)
    streaming = staticmethod(streaming)
    start_streaming = staticmethod(start_streaming)
    stop_streaming = staticmethod(stop_streaming)
    set_queue = staticmethod(set_queue)
    transfer_to_queue = staticmethod(transfer_to_queue)
    queue_arn = staticmethod(queue_arn)
    flow_id = staticmethod(flow_id)
    flow_arn = staticmethod(flow_arn)

    def __init__(self, root: Path) -> None:
        self.root = root

    def make(
        self,
        name: str,
        actions: Sequence[ActionDict],
        *,
        start: str | None = None,
        flow_type: str | None = None,
        module: bool = False,
        wrapped: bool = False,
        auto_end: bool = True,
        action_metadata: Mapping[str, Any] | None = None,
        custom_id: str | None = None,
    ) -> Path:
        return make_flow(self.root, name, actions, start=start, flow_type=flow_type,
                         module=module, wrapped=wrapped, auto_end=auto_end,
                         action_metadata=action_metadata, custom_id=custom_id)

    def simulator(self, *extra: Path, placeholders: Mapping[str, str] | None = None, **kwargs: Any) -> Simulator:
        """A simulator over the flows written so far, and the `extra` files (corpus flows: their
        placeholders get stand-ins, see `corpus`, unless `placeholders` maps them)."""
        mapping = {**stand_ins(p for p in extra if p.is_file()), **dict(placeholders or {})}
        sim = Simulator(load_library([self.root, *extra], mapping), **kwargs)
        errors = sim.library.report.errors
        assert not errors, f"test flows failed to load: {errors}"
        return sim

    def run(
        self,
        flow: str,
        *,
        channel: str = "VOICE",
        attributes: Mapping[str, Any] | None = None,
        queue: str | None = None,
        media_streaming: str | Mapping[str, bool] = "not_started",
        simulator: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> RunResult:
        """Run `flow` for a contact on `channel` (with attributes, a queue already set and a media
        stream preset); `simulator` holds Simulator(...) keywords, the other keywords go to
        Simulator.run."""
        contact = SimulatedContact(channel=channel, attributes=dict(attributes or {}),
                                   queue=queue, media_streaming=media_streaming)
        return self.simulator(**dict(simulator or {})).run(flow, contact=contact, **kwargs)

    def deployed(self, name: str, values: Mapping[str, str] | None = None) -> Path:
        """A corpus flow as its template deploys it: each placeholder replaced by `values[its
        name]`, else by its bare name, written beside the test's own flows."""
        text = self.corpus_path(name).read_text(encoding="utf-8")
        given = dict(values or {})
        mapping = {token: given.get(placeholder_name(token), placeholder_name(token))
                   for token in find_placeholders(text)}
        path = self.root / f"{name}.json"
        path.write_text(substitute_text(text, mapping), encoding="utf-8")
        return path

    @staticmethod
    def corpus_path(name: str) -> Path:
        """A corpus file (name without `.json`), used in place."""
        path = CORPUS / f"{name}.json"
        if not path.is_file():
            pytest.fail(f"missing corpus flow {path}")
        return path

    @classmethod
    def corpus(cls, *names: str, placeholders: Mapping[str, str] | None = None, **kwargs: Any) -> Simulator:
        """A simulator over some corpus files (names without `.json`). Their deployment
        placeholders (`{{contactFlows.X.arn}}`, `${QueueArn}`) are mapped to stand-ins that name
        no loaded resource, as an undeployed copy would hold, unless `placeholders` says otherwise."""
        paths = [cls.corpus_path(name) for name in names]
        library = load_library(paths, {**stand_ins(paths), **dict(placeholders or {})})
        sim = Simulator(library, **kwargs)
        assert not sim.library.report.errors, sim.library.report.errors
        return sim

    @staticmethod
    def kinds(history: Sequence[MediaStreamEvent]) -> list[str]:
        return [event.kind for event in history]

    @staticmethod
    def note(result: RunResult, block: str) -> str:
        """The trace note of the block's last run."""
        steps = result.steps_of(block)
        assert steps, f"{block!r} did not run; path: {result.path}"
        return steps[-1].note


def stand_ins(paths: Iterable[Path]) -> dict[str, str]:
    """Stand-in values for the deployment placeholders of flow files: values that name no loaded
    resource, as an undeployed copy of the flow would hold."""
    return {
        token: f"unmapped-{placeholder_name(token)}"
        for path in paths
        for token in find_placeholders(path.read_text("utf-8"))
    }


@pytest.fixture
def flows(tmp_path: Path) -> FlowFactory:
    return FlowFactory(tmp_path)
