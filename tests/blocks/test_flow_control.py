"""Transfer to flow (TransferToFlow), Invoke module (InvokeFlowModule), Return
(EndFlowModuleExecution), End flow / Resume (EndFlowExecution), Disconnect (DisconnectParticipant).

FLOW-LANGUAGE.md 5.1, 5.14, 5.18, 5.21, 5.22 and section 3 (what modules share); DESIGN.md
"How a run ends", "A flow's type", "Unresolved flows".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = (
    "CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
    "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN",
)
TRANSFER_SOURCES = ("CONTACT_FLOW", "AGENT_TRANSFER", "QUEUE_TRANSFER")
NOT_TRANSFER_SOURCES = tuple(t for t in FLOW_TYPES if t not in TRANSFER_SOURCES)
LOOKUP = "arn:aws:lambda:us-east-1:123456789012:function:lookup"


def transfer(flows: FlowFactory, target: str, identifier: str = "Go") -> ActionDict:
    return flows.action(identifier, "TransferToFlow", {"ContactFlowId": target},
                        next_action="Transfer failed",  # exports repeat the error target
                        errors={"NoMatchingError": "Transfer failed"})


def invoke(flows: FlowFactory, module: str, identifier: str = "Invoke",
           next_action: str = "After") -> ActionDict:
    return flows.action(identifier, "InvokeFlowModule", {"FlowModuleId": module},
                        next_action=next_action, errors={"NoMatchingError": "Module failed"})


def module_return(flows: FlowFactory, identifier: str = "Return") -> ActionDict:
    return flows.action(identifier, "EndFlowModuleExecution")


def target_flow(flows: FlowFactory, name: str = "Target", flow_type: str | None = "CONTACT_FLOW",
                **kwargs: Any) -> None:
    flows.make(name, [flows.set_attributes("Arrived", {"arrived": "$.Attributes.sent"},
                                           "Target done")],
               flow_type=flow_type, **kwargs)


# --- TransferToFlow --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["arn", "id", "name", "reference"])
def test_transfer_goes_on_at_the_target_flows_start(flows: FlowFactory, how: str) -> None:
    target_flow(flows)
    ref = {
        "arn": flows.flow_arn("Target"),
        "id": flows.flow_id("Target"),
        "name": "Target",
        "reference": "$.Attributes.next",
    }[how]
    flows.make("Main", [transfer(flows, ref)], flow_type="CONTACT_FLOW")
    result = flows.run("Main", attributes={"sent": "yes", "next": flows.flow_arn("Target")})

    assert result.branch("Go") == "Success"
    assert result.path == ["Go", "Arrived", "Target done"]  # the exported NextAction is not taken
    assert result.flows == ["Main", "Target"]
    assert flows.note(result, "Go") == "to Target"
    assert result.attributes["arrived"] == "yes"  # contact attributes carry over


def test_transfer_resolves_by_the_console_display_name(flows: FlowFactory) -> None:
    target_flow(flows)
    unknown = "arn:aws:connect:us-east-1:999999999999:instance/x/contact-flow/elsewhere"
    flows.make("Main", [transfer(flows, unknown)], flow_type="CONTACT_FLOW",
               action_metadata={"Go": {"ContactFlow": {"id": unknown, "text": "Target"}}})
    result = flows.run("Main")

    assert result.branch("Go") == "Success"
    assert result.flows == ["Main", "Target"]


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        ("arn:aws:connect:us-east-1:1:instance/i/contact-flow/missing", "contact-flow/missing"),
        ("", "''"),
        ("$.Attributes.next", "'$.Attributes.next'"),
    ],
    ids=["unknown-arn", "empty", "unset-reference"],
)
def test_transfer_to_an_unloaded_flow_takes_error_and_is_noted(
    flows: FlowFactory, ref: str, shown: str
) -> None:
    flows.make("Main", [transfer(flows, ref)], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Go") == "NoMatchingError"
    assert result.path == ["Go", "Transfer failed"]
    assert result.flows == ["Main"]
    note = flows.note(result, "Go")
    assert note.startswith("ContactFlowId ") and note.endswith("names no loaded flow")
    assert shown in note
    assert any("names no loaded flow" in n and "'Go'" in n for n in result.trace.notes)


def test_transfer_to_a_module_takes_error(flows: FlowFactory) -> None:
    flows.make("Helper", [module_return(flows)], module=True)
    flows.make("Main", [transfer(flows, flows.flow_arn("Helper", module=True))],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Go") == "NoMatchingError"
    assert flows.note(result, "Go") == "'Helper' is a flow module, not a flow"


@pytest.mark.parametrize("target_type", ["CONTACT_FLOW", "AGENT_TRANSFER", "QUEUE_TRANSFER"])
def test_transfer_to_inbound_and_transfer_flows(flows: FlowFactory, target_type: str) -> None:
    target_flow(flows, flow_type=target_type)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Go") == "Success"
    assert result.steps_of("Arrived")[0].flow_type == target_type


@pytest.mark.parametrize(
    "target_type",
    ["CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER",
     "OUTBOUND_WHISPER"],
)
def test_transfer_to_a_flow_of_another_type_takes_error(
    flows: FlowFactory, target_type: str
) -> None:
    target_flow(flows, flow_type=target_type)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Go") == "NoMatchingError"
    assert flows.note(result, "Go") == (
        f"'Target' is a {target_type} flow; TransferToFlow needs an inbound or transfer flow"
    )


def test_the_instance_file_gives_an_untyped_target_its_type(flows: FlowFactory) -> None:
    target_flow(flows, flow_type=None, wrapped=True)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")

    untyped = flows.run("Main")
    typed = flows.run("Main", simulator={"instance": {"flow_types": {"Target": "CUSTOMER_QUEUE"}}})

    assert untyped.branch("Go") == "Success"
    assert untyped.steps_of("Arrived")[0].flow_type == "CONTACT_FLOW"  # the default
    assert typed.branch("Go") == "NoMatchingError"


@pytest.mark.parametrize("flow_type", TRANSFER_SOURCES)
def test_transfer_works_from_inbound_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    target_flow(flows)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type=flow_type)
    result = flows.run("Main")

    assert result.branch("Go") == "Success"


@pytest.mark.parametrize("flow_type", NOT_TRANSFER_SOURCES)
def test_transfer_from_other_flow_types_takes_error(flows: FlowFactory, flow_type: str) -> None:
    target_flow(flows)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type=flow_type)
    result = flows.run("Main")

    assert result.branch("Go") == "NoMatchingError"
    assert flows.note(result, "Go") == f"TransferToFlow is not allowed in a {flow_type} flow"


@pytest.mark.parametrize("channel", CHANNELS)
def test_transfer_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    target_flow(flows)
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")
    result = flows.run("Main", channel=channel)

    assert result.branch("Go") == "Success"


def test_transfer_keeps_external(flows: FlowFactory) -> None:
    # FLOW-LANGUAGE.md 5.18: $.External carries over (rules-engine sample).
    flows.make("Target", [flows.set_attributes("Arrived", {"rule": "$.External.rule"}, "End")],
               flow_type="CONTACT_FLOW")
    flows.make("Main", [
        flows.action("Rules", "InvokeLambdaFunction", {"LambdaFunctionARN": LOOKUP},
                     next_action="Go", errors={"NoMatchingError": "Rules failed"}),
        transfer(flows, "$.External.nextFlow"),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main", lambdas={"lookup": {"rule": "vip",
                                                   "nextFlow": flows.flow_arn("Target")}})

    assert result.flows == ["Main", "Target"]
    assert result.attributes == {"rule": "vip"}


def test_a_target_that_cannot_start_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Target", [flows.disconnect("Bye")], start="", flow_type="CONTACT_FLOW")
    flows.make("Main", [transfer(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.ended == "error"
    assert "cannot run from its start" in result.reason


def test_an_unresolved_transfer_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Main", [flows.action("Go", "TransferToFlow", {"ContactFlowId": "nowhere"})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.ended == "error"
    assert "names no loaded flow" in result.reason


# --- InvokeFlowModule and EndFlowModuleExecution -------------------------------------------


def helper_module(flows: FlowFactory, *actions: ActionDict) -> None:
    flows.make("Helper", [*actions, module_return(flows)], module=True)


@pytest.mark.parametrize("how", ["arn", "id", "name", "reference"])
def test_invoke_runs_the_module_and_comes_back(flows: FlowFactory, how: str) -> None:
    helper_module(flows, flows.set_attributes("In module", {"seen": "$.Attributes.sent"}, "Return"))
    ref = {
        "arn": flows.flow_arn("Helper", module=True),
        "id": flows.flow_id("Helper"),
        "name": "Helper",
        "reference": "$.Attributes.module",
    }[how]
    flows.make("Main", [invoke(flows, ref),
                        flows.set_attributes("After", {"back": "yes"}, "Done")],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main", attributes={"sent": "hi", "module": "Helper"})

    assert result.path == ["Invoke", "In module", "Return", "After", "Done"]
    assert result.branch("Invoke") == "Success"
    assert result.branch("Return") == "Success"
    assert result.flows == ["Main"]
    assert flows.note(result, "Invoke") == "module Helper"
    assert [s.module for s in result.steps] == [False, True, True, False, False]
    assert result.attributes["seen"] == "hi"
    assert result.attributes["back"] == "yes"


@pytest.mark.parametrize("ref", ["missing-module", "", "$.Attributes.module"])
def test_invoking_an_unloaded_module_takes_error_and_is_noted(
    flows: FlowFactory, ref: str
) -> None:
    flows.make("Main", [invoke(flows, ref)], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Invoke") == "NoMatchingError"
    assert result.path == ["Invoke", "Module failed"]
    assert flows.note(result, "Invoke").endswith("names no loaded flow")
    assert any("FlowModuleId" in n for n in result.trace.notes)


def test_invoking_a_flow_that_is_not_a_module_takes_error(flows: FlowFactory) -> None:
    target_flow(flows)
    flows.make("Main", [invoke(flows, flows.flow_arn("Target"))], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Invoke") == "NoMatchingError"
    assert flows.note(result, "Invoke") == "'Target' is a flow, not a flow module"


def test_a_module_cannot_invoke_another_module(flows: FlowFactory) -> None:
    flows.make("Inner", [module_return(flows)], module=True)
    helper_module(flows, invoke(flows, "Inner", "Nested", next_action="Return"))
    flows.make("Main", [invoke(flows, "Helper")], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Nested") == "NoMatchingError"
    assert flows.note(result, "Nested") == "a module cannot invoke another module"


@pytest.mark.parametrize("flow_type", [t for t in FLOW_TYPES if t != "CONTACT_FLOW"])
def test_invoke_works_in_inbound_flows_only(flows: FlowFactory, flow_type: str) -> None:
    helper_module(flows)
    flows.make("Main", [invoke(flows, "Helper")], flow_type=flow_type)
    result = flows.run("Main")

    assert result.branch("Invoke") == "NoMatchingError"
    assert flows.note(result, "Invoke") == f"InvokeFlowModule is not allowed in a {flow_type} flow"


@pytest.mark.parametrize("channel", CHANNELS)
def test_invoke_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    helper_module(flows)
    flows.make("Main", [invoke(flows, "Helper")], flow_type="CONTACT_FLOW")
    result = flows.run("Main", channel=channel)

    assert result.path == ["Invoke", "Return", "After"]


def test_a_module_starts_without_the_callers_external_and_gives_it_back(
    flows: FlowFactory,
) -> None:
    helper_module(
        flows,
        flows.set_attributes("Module reads", {"in_module": "[$.External.tier]"}, "Module call"),
        flows.action("Module call", "InvokeLambdaFunction",
                     {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:moduleFn"},
                     next_action="Return", errors={"NoMatchingError": "Return"}),
    )
    flows.make("Main", [
        flows.action("Lookup", "InvokeLambdaFunction", {"LambdaFunctionARN": LOOKUP},
                     next_action="Invoke", errors={"NoMatchingError": "Lookup failed"}),
        invoke(flows, "Helper"),
        flows.set_attributes("After", {"after": "$.External.tier", "module_result":
                                       "[$.External.fromModule]"}, "Done"),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main", lambdas={"lookup": {"tier": "gold"},
                                        "moduleFn": {"fromModule": "x"}})

    assert result.attributes == {"in_module": "[]", "after": "gold", "module_result": "[]"}


def test_a_module_starts_without_the_callers_stored_input(flows: FlowFactory) -> None:
    helper_module(flows, flows.set_attributes("Module reads",
                                              {"in_module": "[$.StoredCustomerInput]"}, "Return"))
    flows.make("Main", [
        flows.action("Store", "GetParticipantInput", {"Text": "Digits", "StoreInput": "True"},
                     next_action="Invoke", errors={"NoMatchingError": "Failed"}),
        invoke(flows, "Helper"),
        flows.set_attributes("After", {"after": "$.StoredCustomerInput"}, "Done"),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main", inputs=["42"])

    assert result.attributes == {"in_module": "[]", "after": "42"}


def test_a_module_follows_the_callers_flow_type(flows: FlowFactory) -> None:
    helper_module(flows, flows.action("Menu", "GetParticipantInput",
                                      {"Text": "Press 1", "StoreInput": "False"},
                                      conditions={"1": "Return"},
                                      errors={"NoMatchingError": "Return"}))
    flows.make("Main", [invoke(flows, "Helper")], flow_type="CONTACT_FLOW")
    result = flows.run("Main", inputs=["1"])

    assert result.branch("Menu") == "1"
    assert result.steps_of("Menu")[0].flow_type == "CONTACT_FLOW"


def test_a_module_run_on_its_own_ends_at_return(flows: FlowFactory) -> None:
    helper_module(flows, flows.set_attributes("Work", {"done": "yes"}, "Return"))
    result = flows.run("Helper")

    assert result.ended == "flow_ended"
    assert result.reason == "module 'Helper' returned (run on its own)"
    assert result.flows == []
    assert result.steps[0].flow_type == "CONTACT_FLOW"


def test_return_outside_a_module_takes_error(flows: FlowFactory) -> None:
    flows.make("Main", [flows.action("Return", "EndFlowModuleExecution",
                                     errors={"NoMatchingError": "Not a module"})])
    result = flows.run("Main")

    assert result.branch("Return") == "NoMatchingError"
    assert flows.note(result, "Return") == (
        "Return (EndFlowModuleExecution) only works in a flow module"
    )


def test_return_outside_a_module_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Main", [module_return(flows)])
    result = flows.run("Main")

    assert result.ended == "error"
    assert "only works in a flow module" in result.reason


def test_return_to_an_unconnected_next_action_ends_in_error(flows: FlowFactory) -> None:
    helper_module(flows)
    flows.make("Main", [invoke(flows, "Helper", next_action="")], flow_type="CONTACT_FLOW",
               auto_end=False)
    result = flows.run("Main")

    assert result.ended == "error"
    assert "'Invoke'" in result.reason
    assert "unconnected" in result.reason


# --- EndFlowExecution and DisconnectParticipant -----------------------------------------------


@pytest.mark.parametrize(
    ("flow_type", "ended", "reason"),
    [
        ("CONTACT_FLOW", "disconnected", "End flow in an inbound flow disconnects"),
        *[(t, "flow_ended", f"End flow in a {t} flow") for t in FLOW_TYPES[1:]],
    ],
)
def test_end_flow_disconnects_only_in_inbound_flows(
    flows: FlowFactory, flow_type: str, ended: str, reason: str
) -> None:
    flows.make("Flow", [flows.end("End")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("End") == "Success"
    assert result.path == ["End"]
    assert result.ended == ended
    assert result.reason == reason


def test_end_flow_in_a_module_of_an_inbound_flow_disconnects(flows: FlowFactory) -> None:
    flows.make("Helper", [flows.end("End")], module=True)
    flows.make("Main", [invoke(flows, "Helper")], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Invoke", "End"]
    assert result.ended == "disconnected"


@pytest.mark.parametrize("channel", CHANNELS)
def test_end_flow_and_disconnect_work_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [flows.disconnect("Bye")])
    flows.make("Whisper", [flows.end("End")], flow_type="AGENT_WHISPER")

    assert flows.run("Flow", channel=channel).ended == "disconnected"
    assert flows.run("Whisper", channel=channel).ended == "flow_ended"


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER",
                                       "QUEUE_TRANSFER"])
def test_disconnect_ends_the_contact(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [flows.disconnect("Bye")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Bye") == "Success"
    assert result.ended == "disconnected"


def test_disconnect_in_a_module_ends_the_contact(flows: FlowFactory) -> None:
    flows.make("Helper", [flows.disconnect("Bye")], module=True)
    flows.make("Main", [invoke(flows, "Helper")], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Invoke", "Bye"]
    assert result.ended == "disconnected"


@pytest.mark.parametrize("flow_type", ["CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
                                       "AGENT_WHISPER", "OUTBOUND_WHISPER"])
def test_disconnect_in_whisper_and_hold_flows_ends_the_run_in_error(
    flows: FlowFactory, flow_type: str
) -> None:
    # DisconnectParticipant has no Error branch, so a refused one has nowhere to go.
    flows.make("Flow", [flows.disconnect("Bye")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.ended == "error"
    assert result.branch("Bye") == "NoMatchingError"
    assert f"DisconnectParticipant is not allowed in a {flow_type} flow" in result.reason


# --- Real flows from the corpus ------------------------------------------------------------

BOOTSTRAP = "aws-samples__amazon-connect-rules-engine__rulesenginebootstrap"
OUTBOUND = "aws-samples__sample-amazon-connect-outbound-call__{}"


def test_corpus_bootstrap_transfers_to_its_main_flow(flows: FlowFactory) -> None:
    # The sample names its targets with {{contactFlows.X.arn}} placeholders: stand-ins by name.
    flows.make("RulesEngineMain", [
        flows.set_attributes("Main reached", {"lang": "$.LanguageCode"}, "Main done"),
    ], flow_type="CONTACT_FLOW")
    sim = flows.simulator(flows.corpus_path(BOOTSTRAP),
                          placeholders={"{{contactFlows.RulesEngineMain.arn}}": "RulesEngineMain"})
    result = sim.run(BOOTSTRAP)

    assert result.branch("6e386875") == "Success"
    assert result.flows == [BOOTSTRAP, "RulesEngineMain"]
    assert result.attributes == {"lang": "en-AU"}  # set by UpdateContactData before the transfer


def test_corpus_bootstrap_without_its_flows_falls_to_disconnect(flows: FlowFactory) -> None:
    sim = flows.corpus(BOOTSTRAP)
    result = sim.run(BOOTSTRAP)

    assert result.branch("6e386875") == "NoMatchingError"
    assert result.branch("c0efc880") == "NoMatchingError"
    assert result.path[-1] == "4788ae4a-37b5-42b8-8805-7ab949fa9a0d"
    assert result.ended == "disconnected"
    assert len([n for n in result.trace.notes if "names no loaded flow" in n]) == 2


def test_corpus_outbound_call_invokes_modules_named_by_attributes(flows: FlowFactory) -> None:
    sim = flows.corpus(*(OUTBOUND.format(n) for n in ("outboundcallflow", "initmodule",
                                                       "errormodule")))
    result = sim.run("Outbound Call Flow", contact=SimulatedContact(attributes={
        "INIT_MODULE_ID": "InitFlowModule",
        "ERROR_HANDLING_MODULE_ID": "ErrorHandlingModule",
        "UPDATE_LAMBDA_ARN": "arn:aws:lambda:us-east-1:1:function:updateStatus",
        "TRIGGER_RECORDING_LAMBDA_ARN": "arn:aws:lambda:us-east-1:1:function:record",
    }), lambdas={"updateStatus": {}, "record": {}})

    assert result.branch("Initialize Call") == "Success"
    assert result.branch("7249bd98") == "Success"  # the init module's Return
    assert result.branch("Get Customer Name") == "NoMatchingError"  # its module Id is unset
    assert result.branch("Error Handling") == "Success"
    statuses = [c.parameters["status"] for c in result.lambda_calls if c.function == "updateStatus"]
    assert statuses == ["CONNECTED", "CALL_IN_PROGRESS", "ERROR"]
    assert result.ended == "disconnected"
