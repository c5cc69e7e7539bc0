"""Set contact attributes (UpdateContactAttributes) and flow attributes (UpdateFlowAttributes).

FLOW-LANGUAGE.md section 3 ($.Attributes, $.FlowAttributes), 5.4 and 5.19.
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
LIMIT = 32 * 1024


def set_block(flows: FlowFactory, parameters: dict[str, Any]) -> ActionDict:
    return flows.action("Set", "UpdateContactAttributes", parameters, next_action="Set done",
                        errors={"NoMatchingError": "Set failed"})


def flow_attributes(flows: FlowFactory, values: dict[str, Any], identifier: str = "Set flow",
                    next_action: str = "Copy") -> ActionDict:
    return flows.action(identifier, "UpdateFlowAttributes", {"FlowAttributes": values},
                        next_action=next_action, errors={"NoMatchingError": "Flow set failed"})


# --- UpdateContactAttributes -----------------------------------------------------------------


def test_set_attributes_merges_resolved_values(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_block(flows, {"Attributes": {
        "tier": "gold",
        "phone": "$.CustomerEndpoint.Address",
        "greeting": "Hi $.Attributes.first-name.",
        "missing": "$.Attributes.nothing",
        "blank": "",
    }, "TargetContact": "Current"})])
    result = flows.run("Inbound", attributes={"first-name": "Ann", "kept": "yes"})

    assert result.branch("Set") == "Success"
    assert result.path == ["Set", "Set done"]
    assert result.attributes == {
        "first-name": "Ann",
        "kept": "yes",
        "tier": "gold",
        "phone": "+15555550100",
        "greeting": "Hi Ann.",
        "missing": "",  # an unset reference becomes an empty string
        "blank": "",  # an empty value keeps the key
    }
    note = flows.note(result, "Set")
    assert "tier='gold'" in note
    assert "phone='+15555550100'" in note


def test_set_attributes_overwrites_an_existing_key(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_block(flows, {"Attributes": {"tier": "$.Attributes.next"}})])
    result = flows.run("Inbound", attributes={"tier": "silver", "next": "gold"})

    assert result.attributes == {"tier": "gold", "next": "gold"}


def test_values_are_resolved_before_any_is_written(flows: FlowFactory) -> None:
    # "b" reads the old "a", not the one written by the same block.
    flows.make("Inbound", [set_block(flows, {"Attributes": {"a": "new", "b": "$.Attributes.a"}})])
    result = flows.run("Inbound", attributes={"a": "old"})

    assert result.attributes == {"a": "new", "b": "old"}


def test_set_attributes_copies_the_lambda_result(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Lookup", "InvokeLambdaFunction",
                     {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:lookup"},
                     next_action="Set", errors={"NoMatchingError": "Lookup failed"}),
        set_block(flows, {"Attributes": {"tier": "$.External.tier"}}),
    ])
    result = flows.run("Inbound", lambdas={"lookup": {"tier": "gold"}})

    assert result.attributes == {"tier": "gold"}


@pytest.mark.parametrize(
    ("existing", "key", "value", "branch"),
    [
        ("", "k", "x" * (LIMIT - 1), "Success"),  # exactly 32,768 bytes
        ("", "k", "x" * LIMIT, "NoMatchingError"),
        ("", "k", "é" * (LIMIT // 2), "NoMatchingError"),  # bytes, not characters
        # 3 bytes of key "big", its value, 1 of "k" and 9: 32,768 bytes in all.
        ("x" * (LIMIT - 13), "k", "123456789", "Success"),
        ("x" * (LIMIT - 13), "k", "1234567890", "NoMatchingError"),
    ],
    ids=["at-limit", "over-limit", "utf8-over-limit", "total-under", "total-over"],
)
def test_the_32kb_limit_counts_every_attribute(
    flows: FlowFactory, existing: str, key: str, value: str, branch: str
) -> None:
    flows.make("Inbound", [set_block(flows, {"Attributes": {key: value}})])
    initial = {"big": existing} if existing else {}
    result = flows.run("Inbound", attributes=initial)

    assert result.branch("Set") == branch
    if branch == "Success":
        assert result.attributes[key] == value
    else:
        assert "over the 32,768-byte limit" in flows.note(result, "Set")
        assert result.attributes == initial


def test_the_limit_counts_what_earlier_blocks_of_the_run_set(flows: FlowFactory) -> None:
    # Three blocks of 12,000 bytes each: the first two fit (24,000), the third would not; a block
    # that overwrites a key adds nothing to the total.
    third = LIMIT * 3 // 8
    blocks = [
        flows.action(f"Set {n}", "UpdateContactAttributes", {"Attributes": {key: "x" * third}},
                     next_action=following, errors={"NoMatchingError": following})
        for n, key, following in [(1, "a", "Set 2"), (2, "a", "Set 3"), (3, "b", "Set 4"), (4, "c", "End")]
    ]
    flows.make("Inbound", [*blocks, flows.disconnect("End")])
    result = flows.run("Inbound")

    assert [result.branch(f"Set {n}") for n in (1, 2, 3, 4)] == [
        "Success", "Success", "Success", "NoMatchingError"
    ]
    assert sorted(result.attributes) == ["a", "b"]


def test_the_limit_counts_attributes_a_plugin_block_changed_in_place(flows: FlowFactory) -> None:
    # A plugin's block may write $.Attributes in place instead of replacing the map.
    from pytest_connectflow import BlockSpec
    from pytest_connectflow.blocks import default_registry
    from pytest_connectflow.engine.outcome import success

    def stuff(ctx: Any, action: Any) -> Any:
        ctx.contact.attributes["stuffed"] = "x" * (LIMIT - 100)
        return success()

    registry = default_registry()
    registry.register(BlockSpec(action_type="Stuff", run=stuff, console_name="Stuff", branches=("Success",),
                                model="writes a big attribute in place"))
    flows.make("Inbound", [
        flows.action("Set 1", "UpdateContactAttributes", {"Attributes": {"a": "1"}}, next_action="Stuff",
                     errors={"NoMatchingError": "Stuff"}),
        flows.action("Stuff", "Stuff", {}, next_action="Set 2"),
        flows.action("Set 2", "UpdateContactAttributes", {"Attributes": {"b": "x" * 200}},
                     next_action="End", errors={"NoMatchingError": "End"}),
        flows.disconnect("End"),
    ])
    result = flows.run("Inbound", simulator={"registry": registry})

    assert result.branch("Set 1") == "Success"
    assert result.branch("Set 2") == "NoMatchingError"
    assert "over the 32,768-byte limit" in flows.note(result, "Set 2")


def test_over_the_limit_nothing_is_written(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_block(flows, {"Attributes": {"small": "1", "huge": "x" * LIMIT}})])
    result = flows.run("Inbound", attributes={"kept": "yes"})

    assert result.branch("Set") == "NoMatchingError"
    assert result.attributes == {"kept": "yes"}


@pytest.mark.parametrize(
    ("parameters", "why"),
    [
        ({"Attributes": "tier=gold"}, "Attributes must be an object"),
        ({}, "Attributes must be an object"),
        ({"Attributes": {"tier": "gold"}, "TargetContact": "Related"},
         "TargetContact 'Related': this contact has no related contact"),
        ({"Attributes": {"": "gold"}}, "an attribute key is empty"),
    ],
    ids=["not-an-object", "missing", "related-contact", "empty-key"],
)
def test_set_attributes_errors(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    flows.make("Inbound", [set_block(flows, parameters)])
    result = flows.run("Inbound", attributes={"kept": "yes"})

    assert result.branch("Set") == "NoMatchingError"
    assert result.path == ["Set", "Set failed"]
    assert flows.note(result, "Set") == why
    assert result.attributes == {"kept": "yes"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_set_attributes_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [set_block(flows, {"Attributes": {"channel": "$.Channel"}})])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Set") == "Success"
    assert result.attributes == {"channel": channel}


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_set_attributes_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [set_block(flows, {"Attributes": {"seen": "yes"}})], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.attributes == {"seen": "yes"}


def test_attributes_go_to_lambda_events(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        set_block(flows, {"Attributes": {"tier": "gold"}}),
        flows.action("Set done", "InvokeLambdaFunction",
                     {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:audit"},
                     next_action="Audited", errors={"NoMatchingError": "Audit failed"}),
    ])
    result = flows.run("Inbound", attributes={"lang": "en"}, lambdas={"audit": {}})

    event = result.lambda_calls[0].event
    assert event["Details"]["ContactData"]["Attributes"] == {"lang": "en", "tier": "gold"}


# --- UpdateFlowAttributes --------------------------------------------------------------------


def test_flow_attributes_are_readable_in_the_same_flow(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flow_attributes(flows, {
            "queue": {"Value": "sales"},
            "caller": {"Value": "$.CustomerEndpoint.Address"},
            "missing": {"Value": "$.Attributes.nothing"},
            "plain": "no Value object",
        }),
        flows.set_attributes("Copy", {
            "queue": "$.FlowAttributes.queue",
            "caller": "$.FlowAttributes.caller",
            "missing": "$.FlowAttributes.missing",
            "plain": "$.FlowAttributes.plain",
        }, "Copied"),
    ])
    result = flows.run("Inbound")

    assert result.branch("Set flow") == "Success"
    assert result.attributes == {
        "queue": "sales", "caller": "+15555550100", "missing": "", "plain": "no Value object",
    }
    assert "queue='sales'" in flows.note(result, "Set flow")


def test_flow_attributes_are_not_contact_attributes(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flow_attributes(flows, {"secret": {"Value": "42"}}, next_action="Audit"),
        flows.action("Audit", "InvokeLambdaFunction",
                     {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:audit"},
                     next_action="Audited", errors={"NoMatchingError": "Audit failed"}),
    ])
    result = flows.run("Inbound", lambdas={"audit": {}})

    assert result.attributes == {}
    assert result.lambda_calls[0].event["Details"]["ContactData"]["Attributes"] == {}


def test_flow_attributes_are_not_carried_to_a_transferred_to_flow(flows: FlowFactory) -> None:
    flows.make("Main", [
        flow_attributes(flows, {"route": {"Value": "vip"}}, next_action="Go"),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": flows.flow_arn("Next")},
                     errors={"NoMatchingError": "Transfer failed"}),
    ], flow_type="CONTACT_FLOW")
    flows.make("Next", [
        flows.action("Route?", "Compare", {"ComparisonValue": "$.FlowAttributes.route"},
                     conditions={"vip": "VIP"}, errors={"NoMatchingCondition": "Unset"}),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Route?") == "NoMatchingCondition"
    assert flows.note(result, "Route?") == "$.FlowAttributes.route is unset"


def test_a_module_runs_with_its_own_flow_attributes(flows: FlowFactory) -> None:
    flows.make("Helper", [
        flows.set_attributes("Module sees", {"in_module": "[$.FlowAttributes.route]"}, "Set flow"),
        flow_attributes(flows, {"route": {"Value": "module"}}, next_action="Return"),
        flows.action("Return", "EndFlowModuleExecution"),
    ], module=True)
    flows.make("Main", [
        flow_attributes(flows, {"route": {"Value": "caller"}}, identifier="Set caller",
                        next_action="Invoke"),
        flows.action("Invoke", "InvokeFlowModule",
                     {"FlowModuleId": flows.flow_arn("Helper", module=True)},
                     next_action="Caller sees", errors={"NoMatchingError": "Module failed"}),
        flows.set_attributes("Caller sees", {"after": "$.FlowAttributes.route"}, "Done"),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.attributes == {"in_module": "[]", "after": "caller"}


def test_flow_attributes_not_an_object_take_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [flows.action("Set flow", "UpdateFlowAttributes",
                                        {"FlowAttributes": ["a"]}, next_action="Done",
                                        errors={"NoMatchingError": "Flow set failed"})])
    result = flows.run("Inbound")

    assert result.branch("Set flow") == "NoMatchingError"
    assert flows.note(result, "Set flow") == "FlowAttributes must be an object"


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_flow_attributes_work_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [
        flow_attributes(flows, {"x": {"Value": "1"}}),
        flows.set_attributes("Copy", {"x": "$.FlowAttributes.x"}, "Done"),
    ], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set flow") == "Success"
    assert result.attributes == {"x": "1"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_flow_attributes_work_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [
        flow_attributes(flows, {"x": {"Value": "$.Channel"}}),
        flows.set_attributes("Copy", {"x": "$.FlowAttributes.x"}, "Done"),
    ])
    result = flows.run("Flow", channel=channel)

    assert result.attributes == {"x": channel}


# --- Real flows from the corpus ------------------------------------------------------------

VOICEMAIL = "aws-samples__sample-amazon-connect-ivr-recording-voicemail__voicemail"
ACME_MODULE = "aws-samples__amazon-connect-gitlab-cicd-terraform__acme-contact-flow-module"


def test_corpus_voicemail_sets_its_attributes(flows: FlowFactory) -> None:
    sim = flows.corpus(VOICEMAIL)
    result = sim.run("Voicemail", contact=SimulatedContact(customer_endpoint="+442079460000"),
                     inputs=[None])

    assert result.branch("Set the voicemail attributes") == "Success"
    assert result.attributes == {
        "voicemail": "true",
        "voicemail-destination": "<a queue ARN>",
        "phoneNumber": "+442079460000",
    }
    assert result.branch("d725c0bd") == "InputTimeLimitExceeded"
    assert result.ended == "disconnected"


def test_corpus_module_appends_to_the_journey_attribute(flows: FlowFactory) -> None:
    sim = flows.corpus(ACME_MODULE)
    result = sim.run(ACME_MODULE, contact=SimulatedContact(attributes={"Journey": "main"}))

    assert result.branch("FLOW_OBJECT_MAPS#") == "Success"
    assert result.attributes == {"Journey": "main >> went_through_module"}
    # The queue flow ARN in its flow attributes is a template placeholder: no such flow.
    assert result.branch("46066673") == "NoMatchingError"
    assert result.ended == "flow_ended"
