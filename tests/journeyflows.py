"""Flows of a whole contact journey, as describe-contact-flow documents with their types:
an inbound IVR that starts streaming and queues, a queue flow, whisper, hold, disconnect and
transfer flows, each able to stop the stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flowdefs import STREAMING, action

INSTANCE = "arn:aws:connect:us-east-1:111122223333:instance/i-1"


def arn(name: str) -> str:
    return f"{INSTANCE}/contact-flow/{name.lower().replace(' ', '-')}"


def describe(name: str, flow_type: str, actions: list[dict[str, Any]], start: str) -> dict[str, Any]:
    content = {"Version": "2019-10-30", "StartAction": start, "Actions": actions}
    return {"ContactFlow": {"Arn": arn(name), "Id": arn(name).rsplit("/", 1)[1], "Name": name, "Type": flow_type,
                            "State": "ACTIVE", "Content": json.dumps(content)}}


def stop_then(next_action: str, ident: str = "Stop streaming") -> dict[str, Any]:
    return action(ident, "UpdateContactMediaStreamingBehavior", {"MediaStreamingState": "Disabled", **STREAMING},
                  next_action, errors={"NoMatchingError": next_action})


def inbound(hooks: dict[str, str]) -> dict[str, Any]:
    return describe("Main IVR", "CONTACT_FLOW", [
        action("Start streaming", "UpdateContactMediaStreamingBehavior",
               {"MediaStreamingState": "Enabled", **STREAMING}, "Set hooks", errors={"NoMatchingError": "Set hooks"}),
        action("Set hooks", "UpdateContactEventHooks", {"EventHooks": hooks}, "Set queue",
               errors={"NoMatchingError": "Set queue"}),
        action("Set queue", "UpdateContactTargetQueue", {"QueueId": f"{INSTANCE}/queue/q-sales"}, "To queue",
               errors={"NoMatchingError": "Bye"}),
        action("To queue", "TransferContactToQueue", {}, "Bye",
               errors={"QueueAtCapacity": "Bye", "NoMatchingError": "Bye"}),
        action("Bye", "DisconnectParticipant", {}),
    ], "Start streaming")


def queue_flow(stop: bool = False) -> dict[str, Any]:
    actions = [
        action("Queue greeting", "MessageParticipant", {"Text": "Thanks for waiting, an agent will be with you soon"},
               "Stop in queue" if stop else "Music"),
        action("Music", "MessageParticipantIteratively",
               {"Messages": [{"Text": "Your call is important to us"}], "InterruptFrequencySeconds": "20"},
               None, conditions={"MessagesInterrupted": "Still waiting"}, errors={"NoMatchingError": "Music"}),
        action("Still waiting", "MessageParticipant", {"Text": "Still waiting"}, "Music"),
    ]
    if stop:
        actions.append(stop_then("Music", "Stop in queue"))
    return describe("Queue music", "CUSTOMER_QUEUE", actions, "Queue greeting")


def ending_flow(name: str, flow_type: str, *, stop: bool, text: str, end: str = "EndFlowExecution") -> dict[str, Any]:
    actions = [action("Say", "MessageParticipant", {"Text": text}, "Stop" if stop else "End"),
               action("End", end, {})]
    if stop:
        actions.append(stop_then("End", "Stop"))
    return describe(name, flow_type, actions, "Say")


def hold_flow(name: str, flow_type: str, *, stop: bool) -> dict[str, Any]:
    actions = [
        action("Hold music", "MessageParticipantIteratively", {"Messages": [{"Text": "Please hold"}]}, None,
               conditions={"MessagesInterrupted": "Hold music"}, errors={"NoMatchingError": "Hold music"}),
    ]
    if stop:
        actions.insert(0, stop_then("Hold music", "Stop on hold"))
    return describe(name, flow_type, actions, "Stop on hold" if stop else "Hold music")


def transfer_flow(name: str, flow_type: str) -> dict[str, Any]:
    transfer = "TransferContactToQueue" if flow_type == "QUEUE_TRANSFER" else "TransferContactToAgent"
    return describe(name, flow_type, [
        stop_then("Transfer"),
        action("Transfer", transfer, {}, "Oops", errors={"NoMatchingError": "Oops"}),
        action("Oops", "DisconnectParticipant", {}),
    ], "Stop streaming")


def write(folder: Path, *docs: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        name = doc["ContactFlow"]["Name"]
        (folder / f"{name.lower().replace(' ', '-')}.json").write_text(json.dumps(doc, indent=1))


def all_flows(folder: Path, *, stop_in: str = "", hooks: dict[str, str] | None = None) -> None:
    """The inbound IVR (hooks to the queue flow, whispers and the disconnect flow, unless `hooks`)
    and every event flow; `stop_in` names the flow that stops the stream."""
    if hooks is None:
        hooks = {"CustomerQueue": arn("Queue music"), "AgentWhisper": arn("Agent whisper"),
                 "CustomerWhisper": arn("Customer whisper"), "CustomerHold": arn("Customer hold"),
                 "AgentHold": arn("Agent hold"), "CustomerRemaining": arn("After call")}
    write(
        folder,
        inbound(hooks),
        queue_flow(stop=stop_in == "Queue music"),
        ending_flow("Agent whisper", "AGENT_WHISPER", stop=stop_in == "Agent whisper", text="Caller from Main IVR"),
        ending_flow("Customer whisper", "CUSTOMER_WHISPER", stop=stop_in == "Customer whisper",
                    text="You are now connected"),
        hold_flow("Customer hold", "CUSTOMER_HOLD", stop=stop_in == "Customer hold"),
        hold_flow("Agent hold", "AGENT_HOLD", stop=stop_in == "Agent hold"),
        ending_flow("After call", "CONTACT_FLOW", stop=stop_in == "After call", text="Please rate your call",
                    end="DisconnectParticipant"),
        transfer_flow("To billing", "QUEUE_TRANSFER"),
        transfer_flow("To supervisor", "AGENT_TRANSFER"),
    )
