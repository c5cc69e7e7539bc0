"""Small flows for the explore and lint tests, written as Flow-language JSON files (one action per
line, so findings point at a line)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ActionDict = dict[str, Any]
QUEUE = "arn:aws:connect:us-east-1:111122223333:instance/example/queue/sales"
LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer"
LINT_EXAMPLES = Path(__file__).resolve().parent / "lint_examples"


def act(
    identifier: str,
    type_: str,
    parameters: Mapping[str, Any] | None = None,
    next_action: str | None = None,
    *,
    conditions: Mapping[str, str] | Sequence[tuple[str, str, str]] | None = None,
    errors: Mapping[str, str] | None = None,
) -> ActionDict:
    """One action. `conditions`: {operand: target} (Equals) or [(operator, operand, target)]."""
    transitions: dict[str, Any] = {}
    if next_action is not None:
        transitions["NextAction"] = next_action
    if conditions:
        items = ([("Equals", k, v) for k, v in conditions.items()] if isinstance(conditions, Mapping)
                 else list(conditions))
        transitions["Conditions"] = [
            {"NextAction": target, "Condition": {"Operator": op, "Operands": [operand]}}
            for op, operand, target in items
        ]
    if errors:
        transitions["Errors"] = [{"NextAction": target, "ErrorType": kind} for kind, target in errors.items()]
    return {"Identifier": identifier, "Type": type_, "Parameters": dict(parameters or {}), "Transitions": transitions}


def stream(identifier: str, state: str, next_action: str, error: str | None = None,
           directions: Sequence[str] = ("From", "To")) -> ActionDict:
    params = {"MediaStreamingState": state, "MediaStreamType": "Audio",
              "Participants": [{"ParticipantType": "Customer", "MediaDirections": list(directions)}]}
    return act(identifier, "UpdateContactMediaStreamingBehavior", params, next_action,
               errors={"NoMatchingError": error or next_action})


def message(identifier: str, text: str, next_action: str) -> ActionDict:
    return act(identifier, "MessageParticipant", {"Text": text}, next_action, errors={"NoMatchingError": next_action})


def hang_up(identifier: str = "Hang up") -> ActionDict:
    return act(identifier, "DisconnectParticipant")


def end_flow(identifier: str = "End") -> ActionDict:
    return act(identifier, "EndFlowExecution")


def lambda_call(identifier: str, next_action: str, error: str) -> ActionDict:
    return act(identifier, "InvokeLambdaFunction",
               {"LambdaFunctionARN": LAMBDA, "InvocationTimeLimitSeconds": "3"}, next_action,
               errors={"NoMatchingError": error})


def set_queue(identifier: str, next_action: str, error: str, queue: str = QUEUE) -> ActionDict:
    return act(identifier, "UpdateContactTargetQueue", {"QueueId": queue}, next_action,
               errors={"NoMatchingError": error})


def to_queue(identifier: str, error: str) -> ActionDict:
    """Transfer to queue as the console exports it: the NextAction repeats the error target."""
    return act(identifier, "TransferContactToQueue", {}, error,
               errors={"QueueAtCapacity": error, "NoMatchingError": error})


def write_flow(folder: Path, name: str, actions: Sequence[ActionDict], *, flow_type: str | None = None,
               start: str | None = None, module: bool = False, file: str | None = None) -> Path:
    """A bare Flow-language file (`Metadata.name`, `Metadata.type`; a module has `Settings`)."""
    metadata: dict[str, Any] = {"name": name}
    if flow_type:
        metadata["type"] = flow_type
    document: dict[str, Any] = {
        "Version": "2019-10-30",
        "StartAction": start if start is not None else actions[0]["Identifier"],
        "Metadata": metadata,
        "Actions": list(actions),
    }
    if module:
        document["Settings"] = {"InputParameters": [], "OutputParameters": [], "Transitions": []}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file or name.lower().replace(" ", "-") + ".json")
    body = ",\n    ".join(json.dumps(a) for a in document["Actions"])
    head = {k: v for k, v in document.items() if k != "Actions"}
    text = json.dumps(head, indent=2)[:-2] + ',\n  "Actions": [\n    ' + body + "\n  ]\n}\n"
    path.write_text(text, "utf-8")
    assert json.loads(text) == document
    return path
