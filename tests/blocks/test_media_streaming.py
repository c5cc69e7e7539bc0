"""Start and Stop media streaming (UpdateContactMediaStreamingBehavior), the headline block.

DESIGN.md "The contact and the media stream"; FLOW-LANGUAGE.md 5.17.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.engine.instance import Instance
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

BLOCK = "UpdateContactMediaStreamingBehavior"
OFF_VOICE = ("CHAT", "TASK", "EMAIL")
HOLD_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD")
ALLOWED_TYPES = (
    "CONTACT_FLOW",
    "CUSTOMER_QUEUE",
    "CUSTOMER_WHISPER",
    "AGENT_WHISPER",
    "OUTBOUND_WHISPER",
    "AGENT_TRANSFER",
    "QUEUE_TRANSFER",
)
STATES = ("Enabled", "Disabled")
SALES_QUEUE_ID = "q-sales"
NO_STREAMING = {"live_media_streaming": False}
WATCHER = "arn:aws:lambda:us-east-1:123456789012:function:streamWatcher"


def queue_tail(flows: FlowFactory, first: str = "Set queue") -> list[ActionDict]:
    """Set working queue then Transfer to queue: an ending that leaves the stream as it is."""
    return [
        flows.set_queue(first, flows.queue_arn(SALES_QUEUE_ID), "To queue", "Queue failed"),
        flows.transfer_to_queue("To queue", "Queue failed"),
    ]


def lambda_block(flows: FlowFactory, identifier: str, next_action: str) -> ActionDict:
    return flows.action(
        identifier,
        "InvokeLambdaFunction",
        {"LambdaFunctionARN": WATCHER, "InvocationTimeLimitSeconds": "3",
         "ResponseValidation": {"ResponseType": "STRING_MAP"}},
        next_action=next_action,
        errors={"NoMatchingError": "Lambda failed"},
    )


def audio(event: Any) -> Any:
    streams = event["Details"]["ContactData"]["MediaStreams"]
    return None if streams is None else streams["Customer"]["Audio"]


# --- Start -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directions", "expected"),
    [
        (["From", "To"], {"From": True, "To": True}),
        (["To", "From"], {"From": True, "To": True}),
        (["From"], {"From": True, "To": False}),
        (["To"], {"From": False, "To": True}),
    ],
)
def test_start_on_voice_streams_the_listed_directions(
    flows: FlowFactory, directions: list[str], expected: dict[str, bool]
) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Set queue", "Start failed", directions),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Start") == "Success"
    assert result.path == ["Start", "Set queue", "To queue"]
    assert result.ended == "transferred_to_queue"
    stream = result.media_streaming
    assert stream.state == "streaming"
    assert stream == "streaming"
    assert stream.streaming is True
    assert dict(stream.directions) == expected
    assert flows.kinds(stream.history) == ["start"]
    started = stream.history[0]
    wanted = tuple(d for d in ("From", "To") if expected[d])
    assert started.directions == wanted
    assert (started.flow, started.flow_type, started.block, started.step) == (
        "Inbound", "CONTACT_FLOW", "Start", 1,
    )
    assert flows.note(result, "Start") == "streaming " + ", ".join(wanted)


def test_start_without_participants_streams_both_directions(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Set queue", "Start failed", directions=None),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Start") == "Success"
    assert dict(result.media_streaming.directions) == {"From": True, "To": True}


@pytest.mark.parametrize(
    ("parameters", "why"),
    [
        ({"MediaStreamingState": "Paused"}, "MediaStreamingState must be Enabled or Disabled"),
        ({"MediaStreamingState": "Enabled",
          "Participants": [{"ParticipantType": "Customer", "MediaDirections": []}]},
         "no MediaDirections"),
        ({"MediaStreamingState": "Enabled",
          "Participants": [{"ParticipantType": "Customer", "MediaDirections": ["Up"]}]},
         "MediaDirections must be a list of From/To"),
        ({"MediaStreamingState": "Enabled",
          "Participants": [{"ParticipantType": "Agent", "MediaDirections": ["From"]}]},
         "only the Customer participant"),
        ({"MediaStreamingState": "Enabled", "Participants": "Customer"},
         "Participants must be a list"),
    ],
    ids=["bad-state", "no-directions", "bad-direction", "agent", "participants-not-list"],
)
def test_invalid_start_takes_error_and_streams_nothing(
    flows: FlowFactory, parameters: dict[str, Any], why: str
) -> None:
    flows.make("Inbound", [
        flows.action("Start", BLOCK, {"MediaStreamType": "Audio", **parameters},
                     next_action="Set queue", errors={"NoMatchingError": "Set queue"}),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Start") == "NoMatchingError"
    assert why in flows.note(result, "Start")
    assert result.media_streaming == "not_started"
    assert result.media_streaming.history == ()


# --- Stop ------------------------------------------------------------------------------------


def test_start_then_stop_records_both_with_where_they_ran(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Hello", "Start failed"),
        flows.message("Hello", "Calls are transcribed", "Stop"),
        flows.stop_streaming("Stop", "Bye", "Stop failed"),
        flows.disconnect("Bye"),
    ])
    result = flows.run("Inbound")

    assert result.path == ["Start", "Hello", "Stop", "Bye"]
    assert result.branch("Start") == "Success"
    assert result.branch("Stop") == "Success"
    assert result.ended == "disconnected"
    stream = result.media_streaming
    assert stream.state == "stopped"
    assert dict(stream.directions) == {"From": False, "To": False}
    # Nothing streamed any more at the disconnect, so it adds no entry.
    assert flows.kinds(stream.history) == ["start", "stop"]
    stopped = stream.history[1]
    assert (stopped.flow, stopped.flow_type, stopped.block, stopped.step) == (
        "Inbound", "CONTACT_FLOW", "Stop", 3,
    )
    assert stopped.directions == ()
    assert flows.note(result, "Stop") == "media streaming stopped"


@pytest.mark.parametrize("stop_directions", [["From"], ["To"], None], ids=["From", "To", "none"])
def test_stop_ends_the_whole_stream_whatever_its_directions(
    flows: FlowFactory, stop_directions: list[str] | None
) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Stop", "Start failed", ["From", "To"]),
        flows.stop_streaming("Stop", "Set queue", "Stop failed", stop_directions),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Stop") == "Success"
    assert result.media_streaming == "stopped"
    assert dict(result.media_streaming.directions) == {"From": False, "To": False}
    assert result.ended == "transferred_to_queue"


def test_stop_with_nothing_streaming_is_a_noted_noop(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.stop_streaming("Stop", "Set queue", "Stop failed"),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Stop") == "Success"
    assert result.path == ["Stop", "Set queue", "To queue"]
    assert result.media_streaming.state == "not_started"
    assert result.media_streaming.history == ()
    note = flows.note(result, "Stop")
    assert "no-op" in note
    assert "nothing was streaming" in note


def test_second_stop_is_a_noop_and_adds_no_history(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Stop", "Start failed"),
        flows.stop_streaming("Stop", "Stop again", "Stop failed"),
        flows.stop_streaming("Stop again", "Set queue", "Stop failed"),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branches("Stop again") == ["Success"]
    assert "no-op" in flows.note(result, "Stop again")
    assert flows.kinds(result.media_streaming.history) == ["start", "stop"]
    assert result.media_streaming == "stopped"


# --- Channel, instance and flow-type checks ------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("channel", OFF_VOICE)
def test_off_voice_takes_error_even_with_nothing_streaming(
    flows: FlowFactory, channel: str, state: str
) -> None:
    flows.make("Inbound", [flows.streaming("Block", state, "Next", "Failed")])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Block") == "NoMatchingError"
    assert result.path == ["Block", "Failed"]
    assert flows.note(result, "Block") == f"{BLOCK} does not work on {channel}"
    assert result.media_streaming == "not_started"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("where", ["simulator", "run", "run-instance-object"])
def test_without_live_media_streaming_takes_error(
    flows: FlowFactory, where: str, state: str
) -> None:
    flows.make("Inbound", [flows.streaming("Block", state, "Next", "Failed")])
    if where == "simulator":
        result = flows.run("Inbound", simulator={"instance": NO_STREAMING})
    elif where == "run":
        result = flows.run("Inbound", instance=NO_STREAMING)
    else:
        result = flows.run("Inbound", instance=Instance(live_media_streaming=False))

    assert result.branch("Block") == "NoMatchingError"
    assert result.path == ["Block", "Failed"]
    assert flows.note(result, "Block") == "live media streaming is not enabled on the instance"
    assert result.media_streaming == "not_started"


def test_run_instance_overrides_the_simulator_instance(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Set queue", "Start failed"),
        *queue_tail(flows),
    ])
    sim = flows.simulator(instance=NO_STREAMING)

    assert sim.run("Inbound").branch("Start") == "NoMatchingError"
    enabled = sim.run("Inbound", instance={"live_media_streaming": True})
    assert enabled.branch("Start") == "Success"
    assert enabled.media_streaming == "streaming"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_hold_flows_take_error(flows: FlowFactory, flow_type: str, state: str) -> None:
    flows.make("Hold", [flows.streaming("Block", state, "Next", "Failed")], flow_type=flow_type)
    result = flows.run("Hold")

    assert result.branch("Block") == "NoMatchingError"
    assert result.path == ["Block", "Failed"]
    assert flows.note(result, "Block") == f"{BLOCK} is not allowed in a {flow_type} flow"
    assert result.ended == "flow_ended"
    assert result.media_streaming == "not_started"


def test_campaign_flows_are_not_among_the_allowed_types(flows: FlowFactory) -> None:
    flows.make("Campaign", [flows.start_streaming("Start", "Next", "Failed")],
               flow_type="CAMPAIGN")
    result = flows.run("Campaign")

    assert result.branch("Start") == "NoMatchingError"
    assert result.media_streaming == "not_started"


@pytest.mark.parametrize(
    ("channel", "instance", "flow_type", "why"),
    [
        ("CHAT", NO_STREAMING, "AGENT_HOLD", f"{BLOCK} does not work on CHAT"),
        ("VOICE", NO_STREAMING, "AGENT_HOLD", "live media streaming is not enabled on the instance"),
        ("VOICE", {}, "AGENT_HOLD", f"{BLOCK} is not allowed in a AGENT_HOLD flow"),
    ],
    ids=["channel-first", "then-instance", "then-flow-type"],
)
def test_checks_run_channel_then_instance_then_flow_type(
    flows: FlowFactory, channel: str, instance: dict[str, Any], flow_type: str, why: str
) -> None:
    flows.make("Hold", [flows.stop_streaming("Stop", "Next", "Failed")], flow_type=flow_type)
    result = flows.run("Hold", channel=channel, instance=instance)

    assert result.branch("Stop") == "NoMatchingError"
    assert flows.note(result, "Stop") == why


@pytest.mark.parametrize(
    ("flow_type", "ended", "state", "history"),
    [
        # End flow in an inbound flow disconnects, which ends the stream.
        ("CONTACT_FLOW", "disconnected", "stopped", ["start", "disconnect"]),
        *[(t, "flow_ended", "streaming", ["start"]) for t in ALLOWED_TYPES[1:]],
    ],
)
def test_start_is_allowed_in_the_seven_flow_types(
    flows: FlowFactory, flow_type: str, ended: str, state: str, history: list[str]
) -> None:
    flows.make("Flow", [flows.start_streaming("Start", "Done", "Failed")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Start") == "Success"
    assert result.path == ["Start", "Done"]
    assert result.ended == ended
    assert result.media_streaming.state == state
    assert flows.kinds(result.media_streaming.history) == history
    assert result.media_streaming.history[0].flow_type == flow_type


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_stop_is_allowed_in_the_seven_flow_types(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [flows.stop_streaming("Stop", "Done", "Failed")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Stop") == "Success"
    assert "no-op" in flows.note(result, "Stop")
    assert result.media_streaming == "not_started"


@pytest.mark.parametrize(
    ("flow_type", "channel", "instance", "why"),
    [
        ("CUSTOMER_HOLD", "VOICE", {}, "is not allowed in a CUSTOMER_HOLD flow"),
        ("AGENT_HOLD", "VOICE", {}, "is not allowed in a AGENT_HOLD flow"),
        ("CONTACT_FLOW", "CHAT", {}, "does not work on CHAT"),
        ("CONTACT_FLOW", "VOICE", NO_STREAMING, "live media streaming is not enabled"),
    ],
)
def test_without_an_error_branch_a_refused_block_ends_the_run_in_error(
    flows: FlowFactory, flow_type: str, channel: str, instance: dict[str, Any], why: str
) -> None:
    start = flows.start_streaming("Start", "Done")  # no Errors entry
    flows.make("Flow", [start], flow_type=flow_type)
    result = flows.run("Flow", channel=channel, instance=instance)

    assert result.ended == "error"
    assert result.path == ["Start"]
    assert result.branch("Start") == "NoMatchingError"
    assert why in result.reason
    assert "'Start'" in result.reason
    assert "no Errors entry" in result.reason
    assert result.media_streaming == "not_started"


# --- A second Start ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (["From", "To"], ["From"], {"From": True, "To": False}),
        (["From"], ["To"], {"From": False, "To": True}),
        (["To"], ["From", "To"], {"From": True, "To": True}),
    ],
)
def test_second_start_replaces_the_directions_and_adds_history(
    flows: FlowFactory, first: list[str], second: list[str], expected: dict[str, bool]
) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start 1", "Start 2", "Failed", first),
        flows.start_streaming("Start 2", "Set queue", "Failed", second),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.branches("Start 2") == ["Success"]
    stream = result.media_streaming
    assert stream.state == "streaming"
    assert dict(stream.directions) == expected
    assert flows.kinds(stream.history) == ["start", "start"]
    assert stream.history[1].block == "Start 2"
    assert stream.history[1].directions == tuple(d for d in ("From", "To") if expected[d])


def test_start_after_stop_streams_again_on_the_same_stream(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Stop", "Failed"),
        flows.stop_streaming("Stop", "Restart", "Failed"),
        flows.start_streaming("Restart", "Set queue", "Failed", ["From"]),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert flows.kinds(result.media_streaming.history) == ["start", "stop", "start"]
    assert result.media_streaming == "streaming"
    assert dict(result.media_streaming.directions) == {"From": True, "To": False}
    media = result.contact.media
    assert media.stop_timestamp is None
    assert media.stream_arn is not None


# --- Across flows and modules --------------------------------------------------------------


def transfer_to_flow(flows: FlowFactory, identifier: str, target: str) -> ActionDict:
    return flows.action(identifier, "TransferToFlow", {"ContactFlowId": flows.flow_arn(target)},
                        next_action="Transfer failed", errors={"NoMatchingError": "Transfer failed"})


def invoke_module(flows: FlowFactory, identifier: str, module: str, next_action: str) -> ActionDict:
    return flows.action(identifier, "InvokeFlowModule",
                        {"FlowModuleId": flows.flow_arn(module, module=True)},
                        next_action=next_action, errors={"NoMatchingError": "Module failed"})


def module_return(flows: FlowFactory, identifier: str = "Return") -> ActionDict:
    return flows.action(identifier, "EndFlowModuleExecution")


def test_streaming_persists_across_transfer_to_flow(flows: FlowFactory) -> None:
    flows.make("Main", [
        flows.start_streaming("Start", "To billing", "Start failed"),
        transfer_to_flow(flows, "To billing", "Billing"),
    ], flow_type="CONTACT_FLOW")
    flows.make("Billing", [
        flows.message("Hello", "Billing here", "Set queue"),
        *queue_tail(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Start", "To billing", "Hello", "Set queue", "To queue"]
    assert result.flows == ["Main", "Billing"]
    assert result.branch("To billing") == "Success"
    assert result.media_streaming == "streaming"
    assert flows.kinds(result.media_streaming.history) == ["start"]
    assert result.ended == "transferred_to_queue"


@pytest.mark.parametrize("target_type", ["CONTACT_FLOW", "QUEUE_TRANSFER", "AGENT_TRANSFER"])
def test_stop_in_the_transferred_to_flow_ends_the_stream(
    flows: FlowFactory, target_type: str
) -> None:
    flows.make("Main", [
        flows.start_streaming("Start", "To billing", "Start failed"),
        transfer_to_flow(flows, "To billing", "Billing"),
    ], flow_type="CONTACT_FLOW")
    flows.make("Billing", [
        flows.stop_streaming("Stop", "Set queue", "Stop failed"),
        *queue_tail(flows),
    ], flow_type=target_type)
    result = flows.run("Main")

    assert result.branch("Stop") == "Success"
    assert flows.note(result, "Stop") == "media streaming stopped"
    stream = result.media_streaming
    assert stream == "stopped"
    assert flows.kinds(stream.history) == ["start", "stop"]
    assert (stream.history[0].flow, stream.history[0].flow_type) == ("Main", "CONTACT_FLOW")
    assert (stream.history[1].flow, stream.history[1].flow_type, stream.history[1].block) == (
        "Billing", target_type, "Stop",
    )


def test_streaming_persists_through_a_module(flows: FlowFactory) -> None:
    flows.make("Helper", [
        flows.set_attributes("Mark", {"in_module": "yes"}, "Return"),
        module_return(flows),
    ], module=True)
    flows.make("Main", [
        flows.start_streaming("Start", "Invoke", "Start failed"),
        invoke_module(flows, "Invoke", "Helper", "Set queue"),
        *queue_tail(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Start", "Invoke", "Mark", "Return", "Set queue", "To queue"]
    assert result.flows == ["Main"]
    assert result.attributes == {"in_module": "yes"}
    assert result.media_streaming == "streaming"
    assert flows.kinds(result.media_streaming.history) == ["start"]


def test_stop_inside_a_module_ends_the_callers_stream(flows: FlowFactory) -> None:
    flows.make("Helper", [
        flows.stop_streaming("Stop", "Return", "Stop failed"),
        module_return(flows),
    ], module=True)
    flows.make("Main", [
        flows.start_streaming("Start", "Invoke", "Start failed"),
        invoke_module(flows, "Invoke", "Helper", "Set queue"),
        *queue_tail(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Start", "Invoke", "Stop", "Return", "Set queue", "To queue"]
    assert result.branch("Stop") == "Success"
    assert result.steps_of("Stop")[0].module is True
    stream = result.media_streaming
    assert stream == "stopped"
    # A module follows its caller's flow type.
    assert (stream.history[1].flow, stream.history[1].flow_type, stream.history[1].block) == (
        "Helper", "CONTACT_FLOW", "Stop",
    )


def test_start_inside_a_module_streams_on_after_return_until_the_caller_stops(
    flows: FlowFactory,
) -> None:
    flows.make("Helper", [
        flows.start_streaming("Start", "Return", "Start failed", ["From"]),
        module_return(flows),
    ], module=True)
    flows.make("Main", [
        invoke_module(flows, "Invoke", "Helper", "Check"),
        flows.action("Check", "Compare",
                     {"ComparisonValue": "$.MediaStreams.Customer.Audio.StreamARN"},
                     conditions=[("TextStartsWith", "arn:aws:kinesisvideo:", "Stop")],
                     errors={"NoMatchingCondition": "No stream"}),
        flows.stop_streaming("Stop", "Set queue", "Stop failed"),
        *queue_tail(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Check") == "arn:aws:kinesisvideo:"
    assert result.branch("Stop") == "Success"
    history = result.media_streaming.history
    assert [(e.kind, e.flow) for e in history] == [("start", "Helper"), ("stop", "Main")]
    assert result.media_streaming == "stopped"


def test_a_module_run_on_its_own_streams_as_an_inbound_flow(flows: FlowFactory) -> None:
    flows.make("Helper", [
        flows.start_streaming("Start", "Return", "Start failed"),
        module_return(flows),
    ], module=True)
    result = flows.run("Helper")

    assert result.branch("Start") == "Success"
    assert result.ended == "flow_ended"
    assert result.media_streaming == "streaming"
    assert result.media_streaming.history[0].flow_type == "CONTACT_FLOW"


# --- A contact that arrives with a stream (SimulatedContact media_streaming) ----------------


@pytest.mark.parametrize(
    ("preset", "initial"),
    [("streaming", ("From", "To")), ({"From": True, "To": False}, ("From",))],
    ids=["streaming", "From-only"],
)
def test_stop_in_the_customer_queue_flow_ends_a_stream_started_before(
    flows: FlowFactory, preset: Any, initial: tuple[str, ...]
) -> None:
    flows.make("Queue flow", [flows.stop_streaming("Stop", "End", "Stop failed")],
               flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", media_streaming=preset)

    assert result.branch("Stop") == "Success"
    assert flows.note(result, "Stop") == "media streaming stopped"
    stream = result.media_streaming
    assert stream == "stopped"
    assert flows.kinds(stream.history) == ["initial", "stop"]
    assert stream.history[0].directions == initial
    assert (stream.history[1].flow, stream.history[1].flow_type) == ("Queue flow",
                                                                      "CUSTOMER_QUEUE")


def test_a_preset_stopped_stream_makes_stop_a_noop(flows: FlowFactory) -> None:
    flows.make("Queue flow", [flows.stop_streaming("Stop", "End", "Stop failed")],
               flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", media_streaming="stopped")

    assert result.branch("Stop") == "Success"
    assert "no-op" in flows.note(result, "Stop")
    assert result.media_streaming == "stopped"
    assert flows.kinds(result.media_streaming.history) == ["initial"]


@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_stop_refused_in_a_hold_flow_leaves_the_stream_on(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Hold", [flows.stop_streaming("Stop", "End", "Stop failed")], flow_type=flow_type)
    result = flows.run("Hold", media_streaming="streaming")

    assert result.branch("Stop") == "NoMatchingError"
    assert result.path == ["Stop", "Stop failed"]
    assert result.ended == "flow_ended"
    assert result.media_streaming == "streaming"
    assert flows.kinds(result.media_streaming.history) == ["initial"]


def test_stop_refused_on_a_non_streaming_instance_leaves_the_stream_on(
    flows: FlowFactory,
) -> None:
    flows.make("Queue flow", [flows.stop_streaming("Stop", "End", "Stop failed")],
               flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", media_streaming="streaming", instance=NO_STREAMING)

    assert result.branch("Stop") == "NoMatchingError"
    assert result.media_streaming == "streaming"


def test_a_start_on_a_running_stream_replaces_its_directions(flows: FlowFactory) -> None:
    flows.make("Whisper", [flows.start_streaming("Start", "End", "Start failed", ["To"])],
               flow_type="CUSTOMER_WHISPER")
    result = flows.run("Whisper", media_streaming="streaming")

    assert result.branch("Start") == "Success"
    assert dict(result.media_streaming.directions) == {"From": False, "To": True}
    assert flows.kinds(result.media_streaming.history) == ["initial", "start"]


@pytest.mark.parametrize(
    ("flow_type", "ending", "state", "history"),
    [
        ("CUSTOMER_QUEUE", "DisconnectParticipant", "stopped", ["initial", "disconnect"]),
        ("CUSTOMER_QUEUE", "EndFlowExecution", "streaming", ["initial"]),
        ("AGENT_WHISPER", "EndFlowExecution", "streaming", ["initial"]),
        ("QUEUE_TRANSFER", "DisconnectParticipant", "stopped", ["initial", "disconnect"]),
    ],
)
def test_how_a_flow_ends_decides_a_preset_stream(
    flows: FlowFactory, flow_type: str, ending: str, state: str, history: list[str]
) -> None:
    flows.make("Flow", [flows.action("Bye", ending)], flow_type=flow_type)
    result = flows.run("Flow", media_streaming="streaming")

    assert result.media_streaming.state == state
    assert flows.kinds(result.media_streaming.history) == history


def test_a_preset_stream_is_in_lambda_events(flows: FlowFactory) -> None:
    flows.make("Queue flow", [lambda_block(flows, "Watch", "End")], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", media_streaming="streaming",
                       lambdas={"streamWatcher": {}})

    streamed = audio(result.lambda_calls[0].event)
    assert streamed["StreamARN"] == result.contact.media.stream_arn
    assert streamed["StreamARN"].startswith("arn:aws:kinesisvideo:")
    assert streamed["StopTimestamp"] is None


# --- How the contact ends ------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["DisconnectParticipant", "EndFlowExecution"])
def test_a_disconnect_while_streaming_ends_the_stream(flows: FlowFactory, ending: str) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Bye", "Start failed"),
        flows.action("Bye", ending),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Inbound")

    assert result.ended == "disconnected"
    assert result.branch("Bye") == "Success"
    stream = result.media_streaming
    assert stream.state == "stopped"
    assert dict(stream.directions) == {"From": False, "To": False}
    assert flows.kinds(stream.history) == ["start", "disconnect"]
    # The disconnect, not a Stop block, ended it; where it happened is recorded.
    final = stream.history[-1]
    assert (final.flow, final.flow_type, final.block, final.step) == (
        "Inbound", "CONTACT_FLOW", "Bye", 2,
    )
    assert final.directions == ()


def test_a_run_ending_in_error_while_streaming_ends_the_stream(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Hello", "Start failed"),
        flows.message("Hello", "Hi", ""),  # an unconnected Success branch
    ], auto_end=False)
    result = flows.run("Inbound")

    assert result.ended == "error"
    assert "unconnected" in result.reason
    assert result.media_streaming == "stopped"
    assert flows.kinds(result.media_streaming.history) == ["start", "disconnect"]
    assert result.media_streaming.history[-1].block == "Hello"


def test_a_disconnect_inside_a_module_ends_the_stream(flows: FlowFactory) -> None:
    flows.make("Helper", [flows.disconnect("Hang up")], module=True)
    flows.make("Main", [
        flows.start_streaming("Start", "Invoke", "Start failed"),
        invoke_module(flows, "Invoke", "Helper", "Set queue"),
        *queue_tail(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Start", "Invoke", "Hang up"]
    assert result.ended == "disconnected"
    assert flows.kinds(result.media_streaming.history) == ["start", "disconnect"]
    final = result.media_streaming.history[-1]
    assert (final.flow, final.block) == ("Helper", "Hang up")


@pytest.mark.parametrize("flow_type", ["CUSTOMER_QUEUE", "AGENT_WHISPER", "QUEUE_TRANSFER"])
def test_end_flow_outside_an_inbound_flow_leaves_the_stream_on(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Flow", [flows.start_streaming("Start", "End", "Start failed")],
               flow_type=flow_type)
    result = flows.run("Flow")

    assert result.ended == "flow_ended"
    assert result.media_streaming == "streaming"
    assert flows.kinds(result.media_streaming.history) == ["start"]


def test_a_disconnect_with_nothing_streaming_leaves_not_started(flows: FlowFactory) -> None:
    flows.make("Inbound", [flows.disconnect("Bye")])
    result = flows.run("Inbound")

    assert result.ended == "disconnected"
    assert result.media_streaming == "not_started"
    assert result.media_streaming.history == ()


def test_transfer_to_queue_leaves_the_stream_on(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Set queue", "Start failed"),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound")

    assert result.ended == "transferred_to_queue"
    assert result.queue == SALES_QUEUE_ID
    assert result.branch("To queue") == "Success"
    assert result.media_streaming == "streaming"
    assert flows.kinds(result.media_streaming.history) == ["start"]


# --- What Lambda functions and references see ----------------------------------------------


def test_lambda_events_carry_the_stream_while_streaming(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        lambda_block(flows, "Before", "Start"),
        flows.start_streaming("Start", "During", "Start failed"),
        lambda_block(flows, "During", "Stop"),
        flows.stop_streaming("Stop", "After", "Stop failed"),
        lambda_block(flows, "After", "Set queue"),
        *queue_tail(flows),
    ])
    result = flows.run("Inbound", lambdas={"streamWatcher": {"seen": "yes"}})

    assert [call.block for call in result.lambda_calls] == ["Before", "During", "After"]
    before, during, after = (audio(call.event) for call in result.lambda_calls)
    assert before is None
    assert during["StreamARN"].startswith("arn:aws:kinesisvideo:us-east-1:")
    assert during["StartTimestamp"] is not None
    assert during["StartFragmentNumber"]
    assert during["StopTimestamp"] is None
    assert after["StreamARN"] == during["StreamARN"]
    assert after["StopTimestamp"] is not None
    assert int(after["StopTimestamp"]) > int(during["StartTimestamp"])


def test_a_lambda_handler_and_references_read_the_stream_arn(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.start_streaming("Start", "Trigger", "Start failed"),
        lambda_block(flows, "Trigger", "Save"),
        flows.set_attributes("Save", {
            "from_lambda": "$.External.arn",
            "from_reference": "$.MediaStreams.Customer.Audio.StreamARN",
        }, "Set queue"),
        *queue_tail(flows),
    ])

    def handler(event: dict[str, Any]) -> dict[str, str]:
        return {"arn": audio(event)["StreamARN"]}

    result = flows.run("Inbound", lambdas={WATCHER: handler})

    assert result.branch("Trigger") == "Success"
    arn = result.contact.media.stream_arn
    assert arn is not None and arn.startswith("arn:aws:kinesisvideo:")
    assert result.attributes == {"from_lambda": arn, "from_reference": arn}


# --- Real flows from the corpus ------------------------------------------------------------

SCV_INBOUND = "amazon-connect__amazon-connect-salesforce-scv__aws-sample-scv-inbound-flow-with-transcription"
SCV_START = "3bab1bd5"  # Start media streaming (From, To)
SCV_TRIGGER = "bfd1aa01"  # KVS consumer trigger Lambda, right after the start
SCV_LAMBDAS = {
    "%%KVS_CONSUMER_TRIGGER_ARN%%": {"status": "started"},
    "%%INVOKE_TELEPHONY_FUNCTION_ARN%%": {"voiceCallId": "vc-1"},
}
SCV_QUEUE = {"Sample": "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-support"}


def test_corpus_scv_inbound_streams_into_the_queue(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_INBOUND)
    result = sim.run(SCV_INBOUND, lambdas=SCV_LAMBDAS,
                     contact=SimulatedContact(attributes=SCV_QUEUE))

    assert result.branch(SCV_START) == "Success"
    assert result.branch(SCV_TRIGGER) == "Success"
    trigger = next(c for c in result.lambda_calls if c.block.startswith(SCV_TRIGGER))
    assert audio(trigger.event)["StreamARN"] == result.contact.media.stream_arn
    assert result.attributes["sfdc-RTT_flag__c"] == "1"
    assert result.attributes["voiceCallId"] == "vc-1"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "q-support"
    # The sample never stops the stream: it is still on in the queue.
    assert result.media_streaming == "streaming"
    assert dict(result.media_streaming.directions) == {"From": True, "To": True}


@pytest.mark.parametrize(
    ("channel", "instance", "why"),
    [
        ("VOICE", NO_STREAMING, "live media streaming is not enabled on the instance"),
        ("CHAT", {}, f"{BLOCK} does not work on CHAT"),
    ],
)
def test_corpus_scv_inbound_takes_its_kvs_error_path(
    flows: FlowFactory, channel: str, instance: dict[str, Any], why: str
) -> None:
    sim = flows.corpus(SCV_INBOUND)
    result = sim.run(SCV_INBOUND, lambdas=SCV_LAMBDAS, instance=instance,
                     contact=SimulatedContact(channel=channel, attributes=SCV_QUEUE))

    assert result.branch(SCV_START) == "NoMatchingError"
    assert flows.note(result, SCV_START) == why
    assert result.attributes["error_desc"] == "kvs init failed"
    assert result.attributes["sfdc-RTT_flag__c"] == "0"
    assert result.branch("f785273b") == "NoMatchingCondition"
    assert result.branch(SCV_TRIGGER) is None  # the KVS trigger is skipped
    assert result.media_streaming == "not_started"


VMX2_CORE = "amazon-connect__amazon-connect-salesforce-scv__vmx2-coreflow"


def test_corpus_voicemail_starts_before_recording_and_stops_after(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX2_CORE)
    result = sim.run(VMX2_CORE, inputs=[None])

    assert result.branch("a2d9a221") == "Success"  # Start (From only)
    assert result.branch("214b4b6b") == "InputTimeLimitExceeded"  # the recording window
    assert result.branch("a3a111be") == "Success"  # Stop
    assert result.attributes == {"vmx_flag": "1"}
    assert result.ended == "disconnected"
    stream = result.media_streaming
    assert stream == "stopped"
    assert flows.kinds(stream.history) == ["start", "stop"]
    assert stream.history[0].directions == ("From",)


def test_corpus_voicemail_on_chat_falls_back_to_the_queue_path(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX2_CORE)
    result = sim.run(VMX2_CORE, contact=SimulatedContact(channel="CHAT"))

    assert result.branch("a2d9a221") == "NoMatchingError"
    assert "218ff366-2cdf-468b-ab32-1a562e087725" in result.path  # the error prompt
    assert result.branch("e82c5fb7") == "NoMatchingError"  # no working queue to transfer to
    assert result.ended == "disconnected"
    assert result.media_streaming == "not_started"


ERROR_MODULE = "aws-samples__sample-amazon-connect-outbound-call__errormodule"


def test_corpus_error_module_stop_is_a_noop_when_nothing_streams(flows: FlowFactory) -> None:
    sim = flows.corpus(ERROR_MODULE)
    result = sim.run("ErrorHandlingModule")

    assert result.path == [
        "Update Error Status", "Error Prompt", "Stop Streaming", "1d927523-88b4-4a89-ab29-3949d172e235",
    ]
    assert result.branch("Update Error Status") == "NoMatchingError"  # $.Attributes unset
    assert result.branch("Stop Streaming") == "Success"
    assert "no-op" in flows.note(result, "Stop Streaming")
    assert result.ended == "disconnected"
    assert result.media_streaming == "not_started"


def test_corpus_error_module_stops_a_stream_its_caller_started(flows: FlowFactory) -> None:
    flows.make("Outbound", [
        flows.start_streaming("Start", "On error", "Start failed"),
        flows.action("On error", "InvokeFlowModule", {"FlowModuleId": "ErrorHandlingModule"},
                     next_action="After", errors={"NoMatchingError": "Module failed"}),
    ], flow_type="CONTACT_FLOW")
    sim = flows.simulator(flows.corpus_path(ERROR_MODULE))
    update = "arn:aws:lambda:us-east-1:123456789012:function:updateStatus"
    result = sim.run("Outbound", contact=SimulatedContact(attributes={"UPDATE_LAMBDA_ARN": update}),
                     lambdas={"updateStatus": {"result": "ok"}})

    assert result.path == [
        "Start", "On error", "Update Error Status", "Error Prompt", "Stop Streaming",
        "1d927523-88b4-4a89-ab29-3949d172e235",
    ]
    assert result.branch("Update Error Status") == "Success"
    assert result.lambda_calls[0].parameters == {"action": "updateStatus", "status": "ERROR"}
    stream = result.media_streaming
    assert stream == "stopped"
    assert [(e.kind, e.flow) for e in stream.history] == [
        ("start", "Outbound"), ("stop", "ErrorHandlingModule"),
    ]
    assert result.ended == "disconnected"


SCV_WHISPER = "amazon-connect__amazon-connect-salesforce-scv__awsscvagentwhisperwithstreaming"


def test_corpus_agent_whisper_starts_streaming(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_WHISPER, instance={"flow_types": {SCV_WHISPER: "AGENT_WHISPER"}})
    result = sim.run(SCV_WHISPER, lambdas={"%%KVS_CONSUMER_TRIGGER_ARN%%": {"ok": "1"}})

    # No stream yet: its StartTimestamp is unset, so the Compare matches nothing.
    assert result.branch("7229bd8e") == "NoMatchingCondition"
    assert result.branch("9e623f8c") == "Success"
    assert result.branch("76da5f21") == "Success"
    assert audio(result.lambda_calls[0].event)["StreamARN"] == result.contact.media.stream_arn
    assert result.ended == "flow_ended"
    assert result.media_streaming == "streaming"
    assert result.media_streaming.history[0].flow_type == "AGENT_WHISPER"


def test_corpus_agent_whisper_used_as_a_hold_flow_takes_error(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_WHISPER, instance={"flow_types": {SCV_WHISPER: "CUSTOMER_HOLD"}})
    result = sim.run(SCV_WHISPER)

    assert result.branch("9e623f8c") == "NoMatchingError"
    assert result.attributes["init_error"] == "streaming init failed"
    assert result.lambda_calls == ()
    assert result.media_streaming == "not_started"



OUTBOUND = "aws-samples__sample-amazon-connect-outbound-call__{}"
OUTBOUND_FILES = ("outboundcallflow", "initmodule", "errormodule")
OUTBOUND_ATTRIBUTES = {
    "INIT_MODULE_ID": "InitFlowModule",
    "ERROR_HANDLING_MODULE_ID": "ErrorHandlingModule",
    "UPDATE_LAMBDA_ARN": "arn:aws:lambda:us-east-1:123456789012:function:updateStatus",
    "TRIGGER_RECORDING_LAMBDA_ARN": "arn:aws:lambda:us-east-1:123456789012:function:record",
    # GET_CUST_NAME_MODULE_ID is left unset: that Invoke module takes Error.
}
OUTBOUND_LAMBDAS: dict[str, dict[str, str]] = {"updateStatus": {}, "record": {}}
INIT_START = "118ecc80"


def test_corpus_outbound_call_streams_from_one_module_to_a_stop_in_another(
    flows: FlowFactory,
) -> None:
    sim = flows.corpus(*(OUTBOUND.format(name) for name in OUTBOUND_FILES))
    result = sim.run("Outbound Call Flow", lambdas=OUTBOUND_LAMBDAS,
                     contact=SimulatedContact(attributes=OUTBOUND_ATTRIBUTES))

    assert result.branch(INIT_START) == "Success"
    assert result.branch("Get Customer Name") == "NoMatchingError"
    assert result.branch("Stop Streaming") == "Success"
    stream = result.media_streaming
    assert [(e.kind, e.flow, e.flow_type) for e in stream.history] == [
        ("start", "InitFlowModule", "CONTACT_FLOW"),
        ("stop", "ErrorHandlingModule", "CONTACT_FLOW"),
    ]
    assert stream == "stopped"
    assert result.flows == ["Outbound Call Flow"]  # modules are not flows entered
    assert result.ended == "disconnected"


def test_corpus_outbound_call_retries_streaming_then_gives_up(flows: FlowFactory) -> None:
    sim = flows.corpus(*(OUTBOUND.format(name) for name in OUTBOUND_FILES))
    result = sim.run("Outbound Call Flow", lambdas=OUTBOUND_LAMBDAS, instance=NO_STREAMING,
                     contact=SimulatedContact(attributes=OUTBOUND_ATTRIBUTES))

    assert result.branches(INIT_START) == ["NoMatchingError"] * 3
    assert result.branches("KVS Startup Loop") == ["ContinueLooping", "ContinueLooping",
                                                  "DoneLooping"]
    assert flows.note(result, "Init Error") == "An error occurred during initialization."
    # The Stop after the error is refused as well: the instance streams nothing.
    assert result.branch("ccc84f5c") == "NoMatchingError"
    assert result.ended == "disconnected"
    assert result.path[-1] == "1fba9465-7ce3-42a5-8b0d-a08c72373e97"
    assert result.media_streaming == "not_started"
