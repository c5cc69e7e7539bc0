"""Contact tags (TagContact, UnTagContact), Set recording, analytics and processing behavior
(UpdateContactRecordingAndAnalyticsBehavior, UpdateContactMediaProcessing), Set routing criteria
(UpdateContactRoutingCriteria, alias UpdateRoutingCriteria) and Change routing priority / age
(UpdateContactRoutingBehavior).

FLOW-LANGUAGE.md 5.27 and section 6; the Flow language reference pages of each action;
docs/contact-actions.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
              "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
RECORDING_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER")
ROUTING_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")


def block(flows: FlowFactory, type_: str, parameters: dict[str, Any], identifier: str = "Set",
          errors: dict[str, str] | None = None, next_action: str = "Show") -> ActionDict:
    return flows.action(identifier, type_, parameters, next_action=next_action,
                        errors=errors if errors is not None else {"NoMatchingError": "Set failed"})


def show(flows: FlowFactory, attributes: dict[str, str]) -> ActionDict:
    return flows.set_attributes("Show", attributes, "Done")


# --- TagContact / UnTagContact ---------------------------------------------------------------


def tag(flows: FlowFactory, tags: Any, identifier: str = "Set", next_action: str = "Show") -> ActionDict:
    return block(flows, "TagContact", {"Tags": tags}, identifier, next_action=next_action)


def untag(flows: FlowFactory, keys: Any, identifier: str = "Untag", next_action: str = "Show") -> ActionDict:
    return flows.action(identifier, "UnTagContact", {"TagKeys": keys}, next_action=next_action,
                        errors={"NoMatchingError": "Untag failed"})


def test_tags_are_set_statically_and_dynamically(flows: FlowFactory) -> None:
    flows.make("Flow", [
        tag(flows, {"department": "sales", "$.Attributes.key": "$.Attributes.tier", "note": "$.Attributes.none"}),
        show(flows, {"dept": "$.Tags.department", "tier": "$.Tags.customer-tier"}),
    ])
    result = flows.run("Flow", attributes={"key": "customer-tier", "tier": "gold"})

    assert result.branch("Set") == "Success"
    assert result.contact.data["Tags"] == {"department": "sales", "customer-tier": "gold", "note": ""}
    assert result.attributes["dept"] == "sales"
    assert result.attributes["tier"] == "gold"
    assert flows.note(result, "Set") == "department='sales', customer-tier='gold', note=''"


def test_tags_accumulate_and_a_key_is_overwritten(flows: FlowFactory) -> None:
    flows.make("Flow", [tag(flows, {"a": "1", "b": "2"}, next_action="Again"),
                        tag(flows, {"b": "3", "c": "4"}, identifier="Again")])
    result = flows.run("Flow")

    assert result.contact.data["Tags"] == {"a": "1", "b": "3", "c": "4"}


def test_more_than_six_tags_sets_none(flows: FlowFactory) -> None:
    first = {f"k{i}": str(i) for i in range(5)}
    flows.make("Flow", [tag(flows, first, next_action="Again"), tag(flows, {"k8": "8", "k9": "9"}, identifier="Again")])
    result = flows.run("Flow")

    assert result.branch("Again") == "NoMatchingError"
    assert flows.note(result, "Again") == "the contact would have 7 tags, over the limit of 6"
    assert result.contact.data["Tags"] == first  # all or nothing


@pytest.mark.parametrize(("tags", "why"), [
    ({}, "Tags must be a non-empty object"),
    (["a"], "Tags must be a non-empty object"),
    ({"aws:connect:x": "1"}, "tag key 'aws:connect:x' is not valid"),
    ({"my key": "1"}, "tag key 'my key' is not valid"),
    ({"k" * 129: "1"}, f"tag key '{'k' * 129}' is not valid"),
    ({"$.Attributes.none": "1"}, "tag key '' is not valid"),
    ({"long": "v" * 257}, "tag 'long' has a value of 257 characters, over 256"),
], ids=["empty", "list", "system-prefix", "space", "long-key", "unset-key", "long-value"])
def test_tag_errors(flows: FlowFactory, tags: Any, why: str) -> None:
    flows.make("Flow", [tag(flows, tags), show(flows, {"x": "1"})])
    result = flows.run("Flow")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set").startswith(why)
    assert "Tags" not in result.contact.data


def test_untag_removes_tags(flows: FlowFactory) -> None:
    flows.make("Flow", [tag(flows, {"a": "1", "b": "2", "c": "3"}, next_action="Untag"),
                        untag(flows, ["a", "c"]), show(flows, {"a": "$.Tags.a", "b": "$.Tags.b"})])
    result = flows.run("Flow")

    assert result.branch("Untag") == "Success"
    assert result.contact.data["Tags"] == {"b": "2"}
    assert result.attributes == {"a": "", "b": "2"}
    assert flows.note(result, "Untag") == "removed a, c"


@pytest.mark.parametrize(("keys", "why"), [
    (["a", "zz"], "the contact has no tag 'zz'"),
    (["aws:connect:instance"], "system tags cannot be removed: aws:connect:instance"),
    ([], "TagKeys must be a non-empty list of tag keys"),
    ("a", "TagKeys must be a non-empty list of tag keys"),
], ids=["unknown-key", "system-tag", "empty", "not-a-list"])
def test_untag_errors_remove_nothing(flows: FlowFactory, keys: Any, why: str) -> None:
    flows.make("Flow", [tag(flows, {"a": "1"}, next_action="Untag"), untag(flows, keys), show(flows, {"x": "1"})])
    result = flows.run("Flow")

    assert result.branch("Untag") == "NoMatchingError"
    assert flows.note(result, "Untag") == why
    assert result.contact.data["Tags"] == {"a": "1"}


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
@pytest.mark.parametrize("channel", CHANNELS)
def test_contact_tags_work_everywhere(flows: FlowFactory, channel: str, flow_type: str) -> None:
    flows.make("Flow", [tag(flows, {"a": "1"}, next_action="Untag"), untag(flows, ["a"])], flow_type=flow_type)
    result = flows.run("Flow", channel=channel)

    assert [result.branch("Set"), result.branch("Untag")] == ["Success", "Success"]
    assert result.contact.data["Tags"] == {}


def test_a_tag_error_without_an_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Set", "TagContact", {"Tags": {}}, next_action="Done")])
    result = flows.run("Flow")

    assert result.ended == "error"
    assert "Tags must be a non-empty object" in result.reason


# --- UpdateContactRecordingAndAnalyticsBehavior ----------------------------------------------

VOICE_BEHAVIOR = {
    "VoiceRecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"], "IVRRecordingBehavior": "Enabled"},
    "VoiceAnalyticsBehavior": {"Enabled": "True", "AnalyticsLanguage": "$.Attributes.lang",
                               "AnalyticsModes": ["RealTime"]},
}
CHAT_BEHAVIOR = {"ChatAnalyticsBehavior": {"Enabled": "True", "AnalyticsLanguage": "en-US",
                                           "AnalyticsModes": ["ContactLens"]}}
EMAIL_BEHAVIOR = {"EmailAnalyticsBehavior": {"Enabled": "False"}}
ALL_ERRORS = {"NoMatchingError": "Set failed", "ChannelMismatch": "Mismatch",
              "InFlightRedactionConfigurationFailed": "Redaction failed"}


def behavior(flows: FlowFactory, parameters: dict[str, Any], identifier: str = "Set",
             next_action: str = "Show") -> ActionDict:
    return block(flows, "UpdateContactRecordingAndAnalyticsBehavior", parameters, identifier, ALL_ERRORS,
                 next_action)


def test_voice_behavior_sets_recording_and_analytics(flows: FlowFactory) -> None:
    flows.make("Flow", [behavior(flows, {"VoiceBehavior": VOICE_BEHAVIOR}), show(flows, {"x": "1"})])
    result = flows.run("Flow", attributes={"lang": "ja-JP"})

    assert result.branch("Set") == "Success"
    assert result.contact.recording == {"RecordedParticipants": ["Agent", "Customer"],
                                        "IVRRecordingBehavior": "Enabled"}
    assert result.contact.analytics == {"Enabled": "True", "AnalyticsLanguage": "ja-JP", "AnalyticsModes": ["RealTime"]}
    assert flows.note(result, "Set") == "VOICE: recording Agent, Customer; analytics on"


def test_chat_behavior_sets_analytics_and_keeps_recording(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.action("Old", "UpdateContactRecordingBehavior",
                     {"RecordingBehavior": {"RecordedParticipants": ["Agent"]}}, next_action="Set"),
        behavior(flows, {"ChatBehavior": CHAT_BEHAVIOR}), show(flows, {"x": "1"}),
    ])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == "Success"
    assert result.contact.recording == {"RecordedParticipants": ["Agent"]}
    assert result.contact.analytics == {"Enabled": "True", "AnalyticsLanguage": "en-US",
                                        "AnalyticsModes": ["ContactLens"]}
    assert flows.note(result, "Set") == "CHAT: analytics on"


def test_email_behavior_sets_analytics(flows: FlowFactory) -> None:
    flows.make("Flow", [behavior(flows, {"EmailBehavior": EMAIL_BEHAVIOR}), show(flows, {"x": "1"})])
    result = flows.run("Flow", channel="EMAIL")

    assert result.branch("Set") == "Success"
    assert result.contact.recording == {}
    assert result.contact.analytics == {"Enabled": "False"}
    assert flows.note(result, "Set") == "EMAIL: analytics off"


@pytest.mark.parametrize(("channel", "parameters"), [
    ("CHAT", {"VoiceBehavior": VOICE_BEHAVIOR}),
    ("VOICE", {"ChatBehavior": CHAT_BEHAVIOR}),
    ("EMAIL", {"ChatBehavior": CHAT_BEHAVIOR}),
    ("TASK", {"VoiceBehavior": VOICE_BEHAVIOR}),
    ("TASK", {"EmailBehavior": EMAIL_BEHAVIOR}),
])
def test_a_behavior_for_another_channel_takes_channel_mismatch(
    flows: FlowFactory, channel: str, parameters: dict[str, Any]
) -> None:
    flows.make("Flow", [behavior(flows, parameters)])
    result = flows.run("Flow", channel=channel, attributes={"lang": "en-US"})

    key = next(iter(parameters))
    assert result.branch("Set") == "ChannelMismatch"
    assert result.path == ["Set", "Mismatch"]
    assert flows.note(result, "Set") == f"{key} does not apply to a {channel} contact"
    assert result.contact.recording == {}
    assert result.contact.analytics == {}


def test_channel_mismatch_without_its_branch_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingAndAnalyticsBehavior", {"VoiceBehavior": VOICE_BEHAVIOR})])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == "NoMatchingError"
    assert result.path == ["Set", "Set failed"]


@pytest.mark.parametrize("config", [
    {"Enabled": "True", "RedactionMaskMode": "Stars"},
    {"Enabled": "True", "RedactionEntities": "NAME"},
    {"Enabled": "True", "DeliverUnprocessedMessages": "maybe"},
], ids=["mask-mode", "entities", "deliver"])
def test_bad_in_flight_redaction_takes_its_error(flows: FlowFactory, config: dict[str, Any]) -> None:
    chat = {"ChatAnalyticsBehavior": {**CHAT_BEHAVIOR["ChatAnalyticsBehavior"],
                                      "InFlightChatRedactionConfiguration": config}}
    flows.make("Flow", [behavior(flows, {"ChatBehavior": chat})])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == "InFlightRedactionConfigurationFailed"
    assert result.path == ["Set", "Redaction failed"]
    assert result.contact.analytics == {}


def test_disabled_in_flight_redaction_is_not_checked(flows: FlowFactory) -> None:
    chat = {"ChatAnalyticsBehavior": {**CHAT_BEHAVIOR["ChatAnalyticsBehavior"],
                                      "InFlightChatRedactionConfiguration": {"Enabled": "False",
                                                                             "RedactionMaskMode": "Stars"}}}
    flows.make("Flow", [behavior(flows, {"ChatBehavior": chat}), show(flows, {"x": "1"})])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == "Success"


@pytest.mark.parametrize(("parameters", "why"), [
    ({}, "exactly one of VoiceBehavior, ChatBehavior or EmailBehavior is needed, not 0"),
    ({"VoiceBehavior": VOICE_BEHAVIOR, "ChatBehavior": CHAT_BEHAVIOR},
     "exactly one of VoiceBehavior, ChatBehavior or EmailBehavior is needed, not 2"),
    ({"VoiceBehavior": "on"}, "VoiceBehavior must be an object, not 'on'"),
    ({"VoiceBehavior": {"VoiceAnalyticsBehavior": {"Enabled": "Yes"}}},
     "VoiceBehavior analytics Enabled must be True or False, not 'Yes'"),
], ids=["none", "two", "not-object", "bad-enabled"])
def test_behavior_parameter_errors(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    flows.make("Flow", [behavior(flows, parameters)])
    result = flows.run("Flow", attributes={"lang": "en-US"})

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == why


@pytest.mark.parametrize("flow_type", RECORDING_TYPES)
def test_behavior_works_in_its_flow_types(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [behavior(flows, {"VoiceBehavior": VOICE_BEHAVIOR}), show(flows, {"x": "1"})],
               flow_type=flow_type)
    result = flows.run("Flow", attributes={"lang": "en-US"})

    assert result.branch("Set") == "Success"


@pytest.mark.parametrize("flow_type", ["CUSTOMER_WHISPER", "AGENT_WHISPER", "CUSTOMER_HOLD", "AGENT_HOLD", "CAMPAIGN"])
def test_behavior_takes_error_in_other_flow_types(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [behavior(flows, {"VoiceBehavior": VOICE_BEHAVIOR})], flow_type=flow_type)
    result = flows.run("Flow", attributes={"lang": "en-US"})

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == (
        f"UpdateContactRecordingAndAnalyticsBehavior is not allowed in a {flow_type} flow")


# --- UpdateContactMediaProcessing ------------------------------------------------------------

PROCESSOR = "arn:aws:lambda:us-east-1:123456789012:function:redact"


def processing(flows: FlowFactory, processor: Any) -> ActionDict:
    return block(flows, "UpdateContactMediaProcessing", {"ChatProcessor": processor},
                 errors={"NoMatchingError": "Set failed", "ChannelMismatch": "Mismatch"})


def test_chat_message_processing_is_stored(flows: FlowFactory) -> None:
    flows.make("Flow", [processing(flows, {"ProcessingEnabled": "True", "LambdaProcessorARN": "$.Attributes.fn",
                                           "ChatProcessorSettings": {"DeliverUnprocessedMessages": "false"}}),
                        show(flows, {"fn": "$.MediaProcessing.LambdaProcessorARN"})])
    result = flows.run("Flow", channel="CHAT", attributes={"fn": PROCESSOR})

    assert result.branch("Set") == "Success"
    assert result.contact.data["MediaProcessing"] == {"ProcessingEnabled": "True", "LambdaProcessorARN": PROCESSOR,
                                                      "DeliverUnprocessedMessages": "False"}
    assert result.attributes["fn"] == PROCESSOR
    assert result.lambda_calls == ()  # the processor handles later messages, not the flow
    assert flows.note(result, "Set") == f"messages processed by {PROCESSOR}"


def test_message_processing_can_be_switched_off(flows: FlowFactory) -> None:
    flows.make("Flow", [processing(flows, {"ProcessingEnabled": "False"}), show(flows, {"x": "1"})])
    result = flows.run("Flow", channel="CHAT")

    assert result.contact.data["MediaProcessing"] == {"ProcessingEnabled": "False"}
    assert flows.note(result, "Set") == "message processing off"


@pytest.mark.parametrize("channel", ["VOICE", "TASK", "EMAIL"])
def test_message_processing_off_chat_takes_channel_mismatch(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [processing(flows, {"ProcessingEnabled": "True", "LambdaProcessorARN": PROCESSOR})])
    result = flows.run("Flow", channel=channel)

    assert result.branch("Set") == "ChannelMismatch"
    assert result.path == ["Set", "Mismatch"]
    assert "MediaProcessing" not in result.contact.data


@pytest.mark.parametrize(("processor", "why"), [
    (None, "ChatProcessor must be an object, not None"),
    ({"ProcessingEnabled": "Yes"}, "ChatProcessor.ProcessingEnabled must be True or False, not 'Yes'"),
    ({"ProcessingEnabled": "True"}, "ChatProcessor.LambdaProcessorARN is missing"),
    ({"ProcessingEnabled": "True", "LambdaProcessorARN": PROCESSOR,
      "ChatProcessorSettings": {"DeliverUnprocessedMessages": "sometimes"}},
     "DeliverUnprocessedMessages must be True or False, not 'sometimes'"),
], ids=["missing", "enabled", "no-lambda", "deliver"])
def test_message_processing_errors(flows: FlowFactory, processor: Any, why: str) -> None:
    flows.make("Flow", [processing(flows, processor)])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == why


@pytest.mark.parametrize(("flow_type", "branch"), [
    ("CONTACT_FLOW", "Success"), ("CUSTOMER_QUEUE", "Success"), ("QUEUE_TRANSFER", "Success"),
    ("CUSTOMER_HOLD", "NoMatchingError"), ("AGENT_WHISPER", "NoMatchingError"),
])
def test_message_processing_flow_types(flows: FlowFactory, flow_type: str, branch: str) -> None:
    flows.make("Flow", [processing(flows, {"ProcessingEnabled": "False"}), show(flows, {"x": "1"})],
               flow_type=flow_type)
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Set") == branch


# --- UpdateContactRoutingCriteria / UpdateRoutingCriteria ------------------------------------

STEPS = [
    {"Expression": {"AttributeCondition": {"Name": "Language", "Value": "$.Attributes.language",
                                           "ProficiencyLevel": "4.0", "ComparisonOperator": "NumberGreaterOrEqualTo"}},
     "Expiry": {"DurationInSeconds": "30"}},
    {"Expression": {"AttributeCondition": {"ComparisonOperator": "Match",
                                           "MatchCriteria": {"AgentsCriteria": {"AgentIds": ["$.Attributes.agent"]}}}}},
]


@pytest.mark.parametrize("action_type", ["UpdateContactRoutingCriteria", "UpdateRoutingCriteria"])
def test_routing_criteria_are_resolved_and_stored(flows: FlowFactory, action_type: str) -> None:
    flows.make("Flow", [block(flows, action_type, {"RoutingCriteria": {"Steps": STEPS}}),
                        show(flows, {"agent": "$.RoutingCriteria.Steps[1].Expression.AttributeCondition"
                                              ".MatchCriteria.AgentsCriteria.AgentIds[0]"})])
    result = flows.run("Flow", attributes={"language": "English", "agent": "agent-7"})

    steps = result.contact.data["RoutingCriteria"]["Steps"]
    assert result.branch("Set") == "Success"
    assert steps[0]["Expression"]["AttributeCondition"]["Value"] == "English"
    assert steps[0]["Expiry"] == {"DurationInSeconds": "30"}
    assert steps[1]["Expression"]["AttributeCondition"]["MatchCriteria"] == {
        "AgentsCriteria": {"AgentIds": ["agent-7"]}}
    assert result.attributes["agent"] == "agent-7"
    assert flows.note(result, "Set") == "2 routing steps"


def test_routing_steps_can_come_from_a_reference(flows: FlowFactory) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRoutingCriteria",
                              {"RoutingCriteria": {"Steps": "$.Attributes.steps"}}),
                        show(flows, {"x": "1"})])
    steps = [{"Expression": {"AttributeCondition": {"Name": "Tech", "Value": "AWS", "ProficiencyLevel": 2,
                                                    "ComparisonOperator": "NumberGreaterOrEqualTo"}}}]
    result = flows.run("Flow", attributes={"steps": json.dumps(steps)})

    assert result.branch("Set") == "Success"
    assert result.contact.data["RoutingCriteria"] == {"Steps": steps}
    assert flows.note(result, "Set") == "1 routing step"


@pytest.mark.parametrize(("criteria", "why"), [
    (None, "RoutingCriteria must be an object, not None"),
    ({"Steps": []}, "RoutingCriteria.Steps must be a non-empty list"),
    ({"Steps": "$.Attributes.none"}, "RoutingCriteria.Steps must be a non-empty list"),
    ({"Steps": "$.Attributes.text"}, "RoutingCriteria.Steps '$.Attributes.text' is not a list of steps"),
    ({"Steps": [{"Expiry": {"DurationInSeconds": "30"}}]}, "Steps[0] has no Expression"),
    ({"Steps": [STEPS[1]]},
     "Steps[0].Expression.AttributeCondition.MatchCriteria.AgentsCriteria.AgentIds[0] is empty"),
    ({"Steps": [{**STEPS[0], "Expiry": {"DurationInSeconds": "soon"}}]},
     "Steps[0].Expiry.DurationInSeconds must be a whole number of seconds, not 'soon'"),
    ({"Steps": [{"Expression": {"AttributeCondition": {**STEPS[0]["Expression"]["AttributeCondition"],
                                                       "ProficiencyLevel": "7"}}}]},
     "ProficiencyLevel must be 1.0 to 5.0, not '7'"),
], ids=["missing", "no-steps", "unset-steps", "text-steps", "no-expression", "unset-agent", "bad-expiry",
        "bad-proficiency"])
def test_routing_criteria_errors(flows: FlowFactory, criteria: Any, why: str) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRoutingCriteria", {"RoutingCriteria": criteria})])
    result = flows.run("Flow", attributes={"language": "English", "text": "agent-7"})

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == why
    assert "RoutingCriteria" not in result.contact.data


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("flow_type", ROUTING_TYPES)
def test_routing_criteria_work_in_their_flow_types_on_every_channel(
    flows: FlowFactory, flow_type: str, channel: str
) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRoutingCriteria", {"RoutingCriteria": {"Steps": STEPS}}),
                        show(flows, {"x": "1"})], flow_type=flow_type)
    result = flows.run("Flow", channel=channel, attributes={"language": "English", "agent": "a-1"})

    assert result.branch("Set") == "Success"


@pytest.mark.parametrize("action_type", ["UpdateContactRoutingCriteria", "UpdateRoutingCriteria"])
def test_routing_criteria_take_error_in_a_whisper_flow(flows: FlowFactory, action_type: str) -> None:
    flows.make("Flow", [block(flows, action_type, {"RoutingCriteria": {"Steps": STEPS}})], flow_type="AGENT_WHISPER")
    result = flows.run("Flow", attributes={"language": "English", "agent": "a-1"})

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == f"{action_type} is not allowed in a AGENT_WHISPER flow"


# --- UpdateContactRoutingBehavior ------------------------------------------------------------


def routing(flows: FlowFactory, parameters: dict[str, Any], identifier: str = "Set",
            next_action: str = "Show") -> ActionDict:
    # As exported: the reference lists no errors, so the block has no Error branch.
    return flows.action(identifier, "UpdateContactRoutingBehavior", parameters, next_action=next_action)


@pytest.mark.parametrize(("parameters", "stored", "note"), [
    ({"QueuePriority": "1"}, {"QueuePriority": "1"}, "queue priority 1"),
    ({"QueueTimeAdjustmentSeconds": "8"}, {"QueueTimeAdjustmentSeconds": "8"}, "routing age +8 s"),
    ({"QueueTimeAdjustmentSeconds": "-30"}, {"QueueTimeAdjustmentSeconds": "-30"}, "routing age -30 s"),
])
def test_routing_priority_or_age_is_stored(flows: FlowFactory, parameters: dict[str, str],
                                           stored: dict[str, str], note: str) -> None:
    flows.make("Flow", [routing(flows, parameters), show(flows, {"priority": "$.RoutingBehavior.QueuePriority"})])
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.contact.data["RoutingBehavior"] == stored
    assert result.attributes["priority"] == stored.get("QueuePriority", "")
    assert flows.note(result, "Set") == note


def test_priority_and_age_add_up_across_blocks(flows: FlowFactory) -> None:
    flows.make("Flow", [routing(flows, {"QueuePriority": "2"}, next_action="Age"),
                        routing(flows, {"QueueTimeAdjustmentSeconds": "60"}, identifier="Age", next_action="Done")])
    result = flows.run("Flow")

    assert result.contact.data["RoutingBehavior"] == {"QueuePriority": "2", "QueueTimeAdjustmentSeconds": "60"}


@pytest.mark.parametrize(("parameters", "why"), [
    ({}, "exactly one of QueuePriority or QueueTimeAdjustmentSeconds is needed, not 0"),
    ({"QueuePriority": "1", "QueueTimeAdjustmentSeconds": "5"},
     "exactly one of QueuePriority or QueueTimeAdjustmentSeconds is needed, not 2"),
    ({"QueuePriority": "$.Attributes.priority"}, "QueuePriority must be set statically, not '$.Attributes.priority'"),
    ({"QueuePriority": "high"}, "QueuePriority must be a whole number, not 'high'"),
    ({"QueuePriority": "0"}, "QueuePriority must be larger than zero, not 0"),
    ({"QueueTimeAdjustmentSeconds": "1.5"}, "QueueTimeAdjustmentSeconds must be a whole number, not '1.5'"),
], ids=["none", "both", "dynamic", "text", "zero", "fraction"])
def test_routing_behavior_errors(flows: FlowFactory, parameters: dict[str, str], why: str) -> None:
    errored = flows.action("Set", "UpdateContactRoutingBehavior", parameters, next_action="Show",
                           errors={"NoMatchingError": "Set failed"})
    flows.make("Flow", [errored, show(flows, {"x": "1"})])
    result = flows.run("Flow", attributes={"priority": "1"})

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == why
    assert "RoutingBehavior" not in result.contact.data


def test_a_bad_priority_without_an_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [routing(flows, {"QueuePriority": "0"}), show(flows, {"x": "1"})])
    result = flows.run("Flow")

    assert result.ended == "error"
    assert "QueuePriority must be larger than zero, not 0" in result.reason


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("flow_type", "allowed"), [
    *((t, True) for t in ROUTING_TYPES),
    ("CUSTOMER_HOLD", False), ("OUTBOUND_WHISPER", False), ("CAMPAIGN", False),
])
def test_routing_behavior_flow_types_and_channels(flows: FlowFactory, channel: str, flow_type: str,
                                                  allowed: bool) -> None:
    flows.make("Flow", [routing(flows, {"QueuePriority": "3"}), show(flows, {"x": "1"})], flow_type=flow_type)
    result = flows.run("Flow", channel=channel)

    if allowed:
        assert result.branch("Set") == "Success"
    else:
        assert result.branch("Set") == "NoMatchingError"
        assert result.ended == "error"
        assert f"UpdateContactRoutingBehavior is not allowed in a {flow_type} flow" in result.reason


# --- Real flows from the corpus ------------------------------------------------------------

VMX_CORE = "amazon-connect__voicemail-express-amazon-connect__vmxcoreflowmodule"
VMX_IN_QUEUE = "amazon-connect__voicemail-express-amazon-connect__vmxinqueueoption"
VMX_GUIDED = "amazon-connect__voicemail-express-amazon-connect__vmxdefaultguidedtaskflow"
VMX_TASK = "amazon-connect__voicemail-express-amazon-connect__vmxexampletaskflow"
JAPAN_MODULE = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__contactflowmodule1"
JAPAN_OUTBOUND = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__outboundflow"
RULES_QUEUE = "aws-samples__amazon-connect-rules-engine__rulesenginequeue"
CATALOGUE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"


def test_corpus_vmx_core_module_tags_the_voicemail(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX_CORE)
    result = sim.run(VMX_CORE, lambdas={"${VMTIMESTAMPER}": {}}, inputs=["1"])

    assert result.branch("Set vmx3 tag") == "Success"
    assert result.contact.data["Tags"] == {"function": "vmx3"}


def test_corpus_vmx_in_queue_option_tags_the_voicemail(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX_IN_QUEUE, instance={"flow_types": {VMX_IN_QUEUE: "CUSTOMER_QUEUE"}})
    result = sim.run(VMX_IN_QUEUE, lambdas={"${TIMESTAMPER}": {}}, inputs=["1", "1"])

    assert result.branch("Offer voicemail") == "1"
    assert result.branch("Set VMX3 tag") == "Success"
    assert result.contact.data["Tags"] == {"function": "vmx3"}


@pytest.mark.parametrize("corpus", [VMX_GUIDED, VMX_TASK])
@pytest.mark.parametrize(("agent", "branch"), [("agent-42", "Success"), (None, "NoMatchingError")])
def test_corpus_vmx_task_flows_route_to_the_preferred_agent(
    flows: FlowFactory, corpus: str, agent: str | None, branch: str
) -> None:
    sim = flows.corpus(corpus)
    attributes = {"vmx3_target": "agent"} | ({"vmx3_preferred_agent_id": agent} if agent else {})
    result = sim.run(corpus, contact=SimulatedContact(channel="TASK", attributes=attributes))

    assert result.branch("Check for Agent routing") == "agent"
    assert result.branch("Set preferred agent") == branch
    if agent:
        step = result.contact.data["RoutingCriteria"]["Steps"][0]
        assert step["Expression"]["AttributeCondition"]["MatchCriteria"] == {"AgentsCriteria": {"AgentIds": [agent]}}
    else:
        assert "RoutingCriteria" not in result.contact.data
    assert result.ended == "disconnected"  # no queue in the test instance: Route voicemail takes Error


@pytest.mark.parametrize(("channel", "block_run", "branch"), [
    ("VOICE", "b62abace", "Success"),
    ("CHAT", "5cfd2384", "Success"),
])
def test_corpus_japan_module_sets_recording_by_channel(flows: FlowFactory, channel: str, block_run: str,
                                                       branch: str) -> None:
    sim = flows.corpus(JAPAN_MODULE)
    result = sim.run(JAPAN_MODULE, contact=SimulatedContact(channel=channel))

    assert result.branch("878753f4") == channel
    assert result.branch(block_run) == branch
    assert result.contact.analytics["AnalyticsLanguage"] == "ja-JP"
    if channel == "VOICE":
        assert result.contact.recording == {"RecordedParticipants": ["Agent", "Customer"],
                                            "IVRRecordingBehavior": "Enabled"}
    else:
        assert result.contact.analytics["AnalyticsModes"] == ["ContactLens"]


@pytest.mark.parametrize(("channel", "branch"), [("VOICE", "Success"), ("CHAT", "ChannelMismatch"),
                                                 ("TASK", "ChannelMismatch")])
def test_corpus_japan_outbound_flow_sets_voice_recording(flows: FlowFactory, channel: str, branch: str) -> None:
    sim = flows.corpus(JAPAN_OUTBOUND)
    result = sim.run(JAPAN_OUTBOUND, contact=SimulatedContact(channel=channel))

    assert result.branch("bbc71d8a") == branch
    assert result.path[result.path.index("bbc71d8a-88ff-4886-8887-bc6262b2f97f") + 1] == \
        "47b631eb-4313-4ff9-adb1-e2fa9803da06"
    expected = {"RecordedParticipants": ["Agent", "Customer"], "IVRRecordingBehavior": "Enabled"}
    assert result.contact.recording == (expected if branch == "Success" else {})


def test_corpus_rules_engine_queue_sets_the_default_priority(flows: FlowFactory) -> None:
    sim = flows.corpus(RULES_QUEUE, instance={"flow_types": {RULES_QUEUE: "CUSTOMER_QUEUE"}})
    result = sim.run(RULES_QUEUE)

    assert result.branch("077fc71e") == "NoMatchingCondition"
    assert result.branch("329cbba7") == "Success"
    assert result.contact.data["RoutingBehavior"] == {"QueuePriority": "10"}


def test_corpus_rules_engine_queue_takes_the_rules_priority(flows: FlowFactory) -> None:
    # The rule comes from a Lambda function; $.External survives Transfer to flow.
    flows.make("Rules", [
        flows.action("Rule", "InvokeLambdaFunction", {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:rules"},
                     next_action="Go", errors={"NoMatchingError": "Failed"}),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": RULES_QUEUE}, errors={"NoMatchingError": "Failed"}),
    ])
    sim = flows.simulator(flows.corpus_path(RULES_QUEUE))
    result = sim.run("Rules", lambdas={"rules": {"CurrentRule_queueRoutingPriority": "3"}})

    assert result.branch("077fc71e") == "3"
    assert result.branch("e09fcfd8") == "Success"
    assert result.contact.data["RoutingBehavior"] == {"QueuePriority": "3"}


def test_corpus_rules_engine_queue_in_a_hold_flow_ends_in_error(flows: FlowFactory) -> None:
    sim = flows.corpus(RULES_QUEUE, instance={"flow_types": {RULES_QUEUE: "CUSTOMER_HOLD"}})
    result = sim.run(RULES_QUEUE)

    assert result.branch("329cbba7") == "NoMatchingError"
    assert result.ended == "error"
    assert "UpdateContactRoutingBehavior is not allowed in a CUSTOMER_HOLD flow" in result.reason


def test_corpus_catalogue_tag_block_without_tags_takes_error(flows: FlowFactory) -> None:
    # The catalogue's StartAction is empty: a copy starts at its Contact tags block.
    document = json.loads(flows.corpus_path(CATALOGUE).read_text("utf-8"))
    document["StartAction"] = "tag-contact"
    (flows.root / f"{CATALOGUE}.json").write_text(json.dumps(document), encoding="utf-8")
    result = flows.simulator().run("agent_hold")

    assert result.branch("tag-contact") == "NoMatchingError"
    assert flows.note(result, "tag-contact") == "Tags must be a non-empty object"


@pytest.mark.parametrize(("action_type", "parameters", "channel"), [
    ("UpdateContactRecordingAndAnalyticsBehavior", {"VoiceBehavior": VOICE_BEHAVIOR}, "VOICE"),
    ("UpdateContactMediaProcessing", {"ChatProcessor": {"ProcessingEnabled": "False"}}, "CHAT"),
    ("UpdateContactRoutingCriteria", {"RoutingCriteria": {"Steps": STEPS}}, "VOICE"),
    ("UpdateRoutingCriteria", {"RoutingCriteria": {"Steps": STEPS}}, "VOICE"),
])
def test_a_block_without_error_branch_in_a_hold_flow_ends_in_error(
    flows: FlowFactory, action_type: str, parameters: dict[str, Any], channel: str
) -> None:
    flows.make("Hold", [flows.action("Set", action_type, parameters, next_action="Done")], flow_type="CUSTOMER_HOLD")
    result = flows.run("Hold", channel=channel, attributes={"lang": "en-US", "language": "English", "agent": "a-1"})

    assert result.branch("Set") == "NoMatchingError"
    assert result.ended == "error"
    assert f"{action_type} is not allowed in a CUSTOMER_HOLD flow" in result.reason
