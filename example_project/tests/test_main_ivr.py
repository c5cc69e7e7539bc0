"""The Main IVR from Python: the real lookupCustomer handler answers the Lambda block.

`connectflow` is a Simulator over the flows and instance named in pyproject.toml;
`simulated_contact` builds the contact a run starts with (channel, attributes, phone numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from lookup_customer import handler

from pytest_connectflow import (
    SimulatedContact,
    Simulator,
    assert_branch_taken,
    assert_stream_state,
)

ANA = "+12065550142"  # a known customer in lambdas/lookup_customer.py
OPEN = {"Office hours": "open"}


def test_known_caller_is_greeted_by_tier_and_reaches_sales(
    connectflow: Simulator, simulated_contact: Callable[..., SimulatedContact]
) -> None:
    result = connectflow.run(
        "Main IVR",
        contact=simulated_contact(customer_endpoint=ANA),
        inputs=["1"],
        lambdas={"lookupCustomer": handler},  # the real handler, called with Connect's event
        hours=OPEN,
    )

    assert_branch_taken(result, "Look up customer", "Success")
    assert result.attributes["tier"] == "gold"
    assert result.attributes["firstName"] == "Ana"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "Sales"
    assert result.contact.event_hooks == {"CustomerQueue": "Queue music"}
    # The Stop block ran with nothing streaming: Success, and the stream never started.
    assert_branch_taken(result, "Stop streaming", "Success")
    assert_stream_state(result, "not_started")


def test_the_lambda_receives_the_caller_number_as_connect_sends_it(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR",
        contact=SimulatedContact(customer_endpoint=ANA),
        inputs=["2"],
        lambdas={"lookupCustomer": handler},
        hours=OPEN,
    )

    (call,) = result.lambda_calls
    assert call.block == "Look up customer"
    assert call.parameters == {"callerNumber": ANA}
    contact_data = call.event["Details"]["ContactData"]
    assert contact_data["Channel"] == "VOICE"
    assert contact_data["CustomerEndpoint"] == {"Address": ANA, "Type": "TELEPHONE_NUMBER"}
    assert call.response == {"tier": "gold", "firstName": "Ana"}


def test_unknown_caller_gets_the_standard_tier(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR",
        contact=SimulatedContact(customer_endpoint="+442079460000"),
        inputs=["2"],
        lambdas={"lookupCustomer": handler},
        hours=OPEN,
    )

    assert result.attributes["tier"] == "standard"
    # An unset reference ($.External.firstName) is written as an empty string.
    assert result.attributes["firstName"] == ""
    assert result.queue == "Support"


@pytest.mark.parametrize(("key", "queue"), [("1", "Sales"), ("2", "Support"), ("3", "Support")])
def test_every_menu_choice_stops_streaming_before_the_transfer(
    connectflow: Simulator, key: str, queue: str
) -> None:
    result = connectflow.run(
        "Main IVR",
        inputs=[key, "1"],  # the second key answers the call reason module (option 3 only)
        lambdas={"lookupCustomer": handler},
        hours=OPEN,
    )

    assert result.path[-2:] == ["Stop streaming", "Transfer to queue"]
    assert result.queue == queue
    assert not result.media_streaming.streaming


def test_live_transcription_streams_both_directions_until_the_stop_block(
    connectflow: Simulator,
) -> None:
    result = connectflow.run(
        "Main IVR", inputs=["3", "2"], lambdas={"lookupCustomer": handler}, hours=OPEN
    )

    assert_branch_taken(result, "Start transcription", "Success")
    assert_branch_taken(result, "Capture reason", "Success")
    assert_stream_state(result, "stopped")
    assert result.media_streaming == "stopped"  # a MediaStreamResult compares with its state

    start, stop = result.media_streaming.history
    assert (start.kind, start.block) == ("start", "Start transcription")
    assert start.directions == ("From", "To")
    assert (stop.kind, stop.block, stop.flow) == ("stop", "Stop streaming", "Main IVR")
    # The module ran inside the Main IVR: its blocks are in the path, not in the flows entered.
    assert result.flows == ["Main IVR"]
    assert "Capture call reason/Ask call reason" in [s.qualified for s in result.steps]
    assert result.attributes["callReason"] == "2"


def test_menu_retries_twice_then_says_goodbye(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR", inputs=[None, "7", None], lambdas={"lookupCustomer": handler}, hours=OPEN
    )

    assert_branch_taken(result, "Main menu", ["Timeout", "No match", "Timeout"])
    assert_branch_taken(result, "Retry menu", ["ContinueLooping", "ContinueLooping", "DoneLooping"])
    assert result.ended == "disconnected"


def test_lambda_failure_takes_the_error_branch(connectflow: Simulator) -> None:
    def broken(event: dict[str, object], context: object) -> dict[str, str]:
        raise TimeoutError("the CRM did not answer")

    result = connectflow.run(
        "Main IVR", inputs=["2"], lambdas={"lookupCustomer": broken}, hours=OPEN
    )

    assert_branch_taken(result, "Look up customer", "Error")
    assert result.attributes["tier"] == "standard"
    assert result.lambda_calls[0].error == "the handler raised TimeoutError: the CRM did not answer"


def test_closed_hours_disconnect(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR", lambdas={"lookupCustomer": {"tier": "gold"}}, hours={"Office hours": "closed"}
    )

    assert_branch_taken(result, "Check office hours", "False")
    assert result.path[-2:] == ["Closed message", "Hang up"]
    assert result.ended == "disconnected"


def test_instance_without_live_media_streaming(connectflow: Simulator) -> None:
    # `instance=` replaces the simulator's instance for this run: start from the loaded one.
    no_streaming = dataclasses.replace(connectflow.instance, live_media_streaming=False)

    result = connectflow.run(
        "Main IVR",
        inputs=["3", "1"],
        lambdas={"lookupCustomer": handler},
        hours=OPEN,
        instance=no_streaming,
    )

    assert_branch_taken(result, "Start transcription", "NoMatchingError")
    assert_branch_taken(result, "Stop streaming", "Error")
    assert_stream_state(result, "not_started")
    assert result.queue == "Support"


def test_chat_contact_cannot_stream(
    connectflow: Simulator, simulated_contact: Callable[..., SimulatedContact]
) -> None:
    result = connectflow.run("Chat entry", contact=simulated_contact(channel="CHAT"))

    assert_branch_taken(result, "Start chat streaming", "Error")
    assert_branch_taken(result, "Stop chat streaming", "Error")
    assert_stream_state(result, {"From": False, "To": False})
    assert result.queue == "Chat"


def test_the_module_on_its_own(connectflow: Simulator) -> None:
    result = connectflow.run("Capture call reason", inputs=["3"])

    assert result.path == ["Ask call reason", "Save call reason", "Return"]
    assert result.attributes == {"callReason": "3"}
    assert result.ended == "flow_ended"
