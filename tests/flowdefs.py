"""Flows for the tests: a small IVR with media streaming, and an endless loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHARED_FLOWS = Path(__file__).resolve().parents[2] / "shared" / "flows"

STREAMING = {
    "MediaStreamType": "Audio",
    "Participants": [{"ParticipantType": "Customer", "MediaDirections": ["From", "To"]}],
}


def action(ident: str, type_: str, params: dict[str, Any], next_action: str | None = None,
            conditions: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    transitions: dict[str, Any] = {}
    if next_action is not None:
        transitions["NextAction"] = next_action
    if conditions:
        transitions["Conditions"] = [
            {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [value]}}
            for value, target in conditions.items()
        ]
    if errors:
        transitions["Errors"] = [{"NextAction": target, "ErrorType": kind} for kind, target in errors.items()]
    return {"Identifier": ident, "Type": type_, "Parameters": params, "Transitions": transitions}


def main_ivr() -> dict[str, Any]:
    """Start streaming, look the caller up, menu, stop streaming before the queue."""
    return {
        "Version": "2019-10-30",
        "StartAction": "Start streaming",
        "Metadata": {"name": "Main IVR"},
        "Actions": [
            action("Start streaming", "UpdateContactMediaStreamingBehavior",
                    {"MediaStreamingState": "Enabled", **STREAMING}, "Lookup", errors={"NoMatchingError": "Lookup"}),
            action("Lookup", "InvokeLambdaFunction",
                    {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer",
                     "InvocationTimeLimitSeconds": "3", "ResponseValidation": {"ResponseType": "STRING_MAP"},
                     "LambdaInvocationAttributes": {"phone": "$.CustomerEndpoint.Address"}},
                    "Save tier", errors={"NoMatchingError": "Menu"}),
            action("Save tier", "UpdateContactAttributes", {"Attributes": {"tier": "$.External.tier"}},
                    "Menu", errors={"NoMatchingError": "Menu"}),
            action("Menu", "GetParticipantInput",
                    {"Text": "Press 1 for sales", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
                    "Bye", conditions={"1": "Set sales queue"},
                    errors={"InputTimeLimitExceeded": "Retry", "NoMatchingCondition": "Retry",
                            "NoMatchingError": "Bye"}),
            action("Retry", "Loop", {"LoopCount": "1"}, None,
                    conditions={"ContinueLooping": "Menu", "DoneLooping": "Bye"}),
            action("Set sales queue", "UpdateContactTargetQueue",
                    {"QueueId": "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales"},
                    "Stop streaming", errors={"NoMatchingError": "Bye"}),
            action("Stop streaming", "UpdateContactMediaStreamingBehavior",
                    {"MediaStreamingState": "Disabled", **STREAMING}, "To sales",
                    errors={"NoMatchingError": "To sales"}),
            action("To sales", "TransferContactToQueue", {}, "Bye",
                    errors={"QueueAtCapacity": "Bye", "NoMatchingError": "Bye"}),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


def endless_loop() -> dict[str, Any]:
    return {
        "Version": "2019-10-30",
        "StartAction": "Ping",
        "Metadata": {"name": "Endless"},
        "Actions": [
            action("Ping", "MessageParticipant", {"Text": "ping"}, "Pong"),
            action("Pong", "MessageParticipant", {"Text": "pong"}, "Ping"),
        ],
    }


