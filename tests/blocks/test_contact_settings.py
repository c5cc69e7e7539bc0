"""Set logging behavior, event hooks (Set customer queue / hold / whisper / disconnect flow),
Set recording and analytics behavior, Set voice, Set contact data.

FLOW-LANGUAGE.md 5.3, 5.11, 5.12, 5.13, 5.16 and section 6; DESIGN.md "The contact journey" (hooks).
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
HOOK_TYPES = {
    "CustomerQueue": "CUSTOMER_QUEUE",
    "CustomerHold": "CUSTOMER_HOLD",
    "AgentHold": "AGENT_HOLD",
    "CustomerWhisper": "CUSTOMER_WHISPER",
    "AgentWhisper": "AGENT_WHISPER",
    "CustomerRemaining": "CONTACT_FLOW",
    "DefaultAgentUI": "CONTACT_FLOW",
    "DisconnectAgentUI": "CONTACT_FLOW",
    "PauseContact": "CONTACT_FLOW",
    "ResumeContact": "CONTACT_FLOW",
}
HOOK_SETTING_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "OUTBOUND_WHISPER", "AGENT_TRANSFER",
                      "QUEUE_TRANSFER")
RECORDING_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "OUTBOUND_WHISPER", "AGENT_TRANSFER",
                   "QUEUE_TRANSFER")


def block(flows: FlowFactory, type_: str, parameters: dict[str, Any],
          identifier: str = "Set") -> ActionDict:
    return flows.action(identifier, type_, parameters, next_action="Set done",
                        errors={"NoMatchingError": "Set failed"})


# --- UpdateFlowLoggingBehavior ---------------------------------------------------------------


@pytest.mark.parametrize(("state", "logging"), [("Enabled", True), ("Disabled", False)])
def test_logging_is_switched(flows: FlowFactory, state: str, logging: bool) -> None:
    flows.make("Flow", [
        flows.action("Log on", "UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "Enabled"},
                     next_action="Set"),
        flows.action("Set", "UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": state},
                     next_action="Set done"),
    ])
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.contact.logging is logging
    assert flows.note(result, "Set") == f"logging {state.lower()}"


def test_a_bad_logging_value_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [block(flows, "UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "On"})])
    result = flows.run("Flow")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == "FlowLoggingBehavior must be Enabled or Disabled, not 'On'"


def test_a_bad_logging_value_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    # The reference lists no errors for this block; exports have no Error branch.
    flows.make("Flow", [flows.action("Set", "UpdateFlowLoggingBehavior", {},
                                     next_action="Set done")])
    result = flows.run("Flow")

    assert result.ended == "error"
    assert "FlowLoggingBehavior must be Enabled or Disabled" in result.reason


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
@pytest.mark.parametrize("channel", CHANNELS)
def test_logging_works_everywhere(flows: FlowFactory, channel: str, flow_type: str) -> None:
    flows.make("Flow", [block(flows, "UpdateFlowLoggingBehavior",
                              {"FlowLoggingBehavior": "Enabled"})], flow_type=flow_type)
    result = flows.run("Flow", channel=channel)

    assert result.branch("Set") == "Success"
    assert result.contact.logging is True


# --- UpdateContactEventHooks -----------------------------------------------------------------


def hooks(flows: FlowFactory, event_hooks: dict[str, str],
          configuration: dict[str, Any] | None = None) -> ActionDict:
    parameters: dict[str, Any] = {"EventHooks": event_hooks}
    if configuration is not None:
        parameters["EventHooksConfiguration"] = configuration
    return block(flows, "UpdateContactEventHooks", parameters)


def hooked_flow(flows: FlowFactory, name: str, flow_type: str | None, **kwargs: Any) -> str:
    flows.make(name, [flows.end("End")], flow_type=flow_type, **kwargs)
    return flows.flow_arn(name)


@pytest.mark.parametrize(("hook", "hook_type"), sorted(HOOK_TYPES.items()))
def test_each_hook_takes_a_flow_of_its_type(flows: FlowFactory, hook: str, hook_type: str) -> None:
    target = hooked_flow(flows, "Hooked", hook_type)
    flows.make("Main", [hooks(flows, {hook: target})], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "Success"
    assert result.path == ["Set", "Set done"]
    assert result.contact.event_hooks == {hook: "Hooked"}
    assert flows.note(result, "Set") == f"{hook} → Hooked"


@pytest.mark.parametrize(
    ("hook", "wrong_type"),
    [("CustomerQueue", "CONTACT_FLOW"), ("AgentWhisper", "CUSTOMER_WHISPER"),
     ("CustomerHold", "AGENT_HOLD"), ("CustomerRemaining", "CUSTOMER_QUEUE")],
)
def test_a_hook_to_a_flow_of_another_type_takes_error(
    flows: FlowFactory, hook: str, wrong_type: str
) -> None:
    target = hooked_flow(flows, "Hooked", wrong_type)
    flows.make("Main", [hooks(flows, {hook: target})], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == (
        f"{hook} needs a {HOOK_TYPES[hook]} flow; 'Hooked' is {wrong_type}"
    )
    assert result.contact.event_hooks == {}


def test_a_hook_to_a_module_takes_error(flows: FlowFactory) -> None:
    flows.make("Helper", [flows.action("Return", "EndFlowModuleExecution")], module=True)
    flows.make("Main", [hooks(flows, {"CustomerQueue": flows.flow_arn("Helper", module=True)})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "NoMatchingError"
    assert "'Helper' is a module" in flows.note(result, "Set")


def test_a_hook_to_an_untyped_flow_is_accepted(flows: FlowFactory) -> None:
    hooked_flow(flows, "Queue music", None, wrapped=True)
    flows.make("Main", [hooks(flows, {"CustomerQueue": flows.flow_id("Queue music")})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "Success"
    assert result.contact.event_hooks == {"CustomerQueue": "Queue music"}


def test_a_hook_target_may_be_a_reference(flows: FlowFactory) -> None:
    target = hooked_flow(flows, "Queue music", "CUSTOMER_QUEUE")
    flows.make("Main", [
        flows.action("Map", "UpdateFlowAttributes",
                     {"FlowAttributes": {"queue_flow": {"Value": target}}}, next_action="Set"),
        hooks(flows, {"CustomerQueue": "$.FlowAttributes.queue_flow"}),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "Success"
    assert result.contact.event_hooks == {"CustomerQueue": "Queue music"}


@pytest.mark.parametrize("ref", ["arn:aws:connect:us-east-1:1:instance/i/contact-flow/gone",
                                 "$.Attributes.unset"])
def test_a_hook_to_an_unloaded_flow_takes_error_and_is_noted(flows: FlowFactory, ref: str) -> None:
    flows.make("Main", [hooks(flows, {"CustomerQueue": ref})], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == f"CustomerQueue {ref!r} names no loaded flow"
    assert any("event hook CustomerQueue" in n for n in result.trace.notes)


def test_hooks_are_set_all_or_nothing(flows: FlowFactory) -> None:
    target = hooked_flow(flows, "Queue music", "CUSTOMER_QUEUE")
    flows.make("Main", [hooks(flows, {"CustomerQueue": target, "AgentWhisper": "missing"})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "NoMatchingError"
    assert result.contact.event_hooks == {}


@pytest.mark.parametrize(
    ("event_hooks", "why"),
    [({}, "EventHooks must be a non-empty object"),
     ({"Coffee": "x"}, "unknown event hook 'Coffee'")],
    ids=["empty", "unknown-hook"],
)
def test_bad_event_hooks_take_error(
    flows: FlowFactory, event_hooks: dict[str, str], why: str
) -> None:
    flows.make("Main", [hooks(flows, event_hooks)], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == why


@pytest.mark.parametrize("hook", ["CustomerHold", "AgentHold"])
@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_hold_hooks_work_on_voice_only(flows: FlowFactory, channel: str, hook: str) -> None:
    target = hooked_flow(flows, "Hold music", HOOK_TYPES[hook])
    flows.make("Main", [hooks(flows, {hook: target})], flow_type="CONTACT_FLOW")

    voice = flows.run("Main")
    other = flows.run("Main", channel=channel)

    assert voice.branch("Set") == "Success"
    assert other.branch("Set") == "NoMatchingError"
    assert flows.note(other, "Set") == f"the {hook} hook works on VOICE only"


@pytest.mark.parametrize("channel", CHANNELS)
def test_other_hooks_work_on_every_channel(flows: FlowFactory, channel: str) -> None:
    target = hooked_flow(flows, "Queue music", "CUSTOMER_QUEUE")
    flows.make("Main", [hooks(flows, {"CustomerQueue": target})], flow_type="CONTACT_FLOW")
    result = flows.run("Main", channel=channel)

    assert result.branch("Set") == "Success"


@pytest.mark.parametrize(
    ("flow_type", "settable"),
    [(t, t in HOOK_SETTING_TYPES) for t in FLOW_TYPES],
)
def test_where_hooks_can_be_set(flows: FlowFactory, flow_type: str, settable: bool) -> None:
    queue_flow = hooked_flow(flows, "Queue music", "CUSTOMER_QUEUE")
    disconnect_flow = hooked_flow(flows, "Survey", "CONTACT_FLOW")
    flows.make("Main", [
        flows.action("Set", "UpdateContactEventHooks",
                     {"EventHooks": {"CustomerQueue": queue_flow}},
                     next_action="Set done", errors={"NoMatchingError": "Set done"}),
        flows.action("Set done", "UpdateContactEventHooks",
                     {"EventHooks": {"CustomerRemaining": disconnect_flow}},
                     next_action="Done", errors={"NoMatchingError": "Disconnect hook failed"}),
    ], flow_type=flow_type)
    result = flows.run("Main")

    # The disconnect flow can be set in every flow type.
    assert result.branch("Set done") == "Success"
    if settable:
        assert result.branch("Set") == "Success"
        assert result.contact.event_hooks == {"CustomerQueue": "Queue music",
                                              "CustomerRemaining": "Survey"}
    else:
        assert result.branch("Set") == "NoMatchingError"
        assert flows.note(result, "Set") == (
            f"event hooks other than the disconnect flow cannot be set in a {flow_type} flow"
        )
        assert result.contact.event_hooks == {"CustomerRemaining": "Survey"}


@pytest.mark.parametrize(("value", "disabled"), [("true", True), ("false", False),
                                                  ("True", True)])
def test_disable_execution_is_recorded(flows: FlowFactory, value: str, disabled: bool) -> None:
    target = hooked_flow(flows, "Whisper", "AGENT_WHISPER")
    flows.make("Main", [hooks(flows, {"AgentWhisper": target},
                              {"AgentWhisper": {"DisableExecution": value}})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.branch("Set") == "Success"
    assert result.contact.event_hooks_disabled == {"AgentWhisper": disabled}


# --- UpdateContactRecordingBehavior ----------------------------------------------------------


RECORD_BOTH = {"RecordedParticipants": ["Agent", "Customer"], "IVRRecordingBehavior": "Enabled"}
ANALYTICS = {"Enabled": "True", "AnalyticsLanguage": "en-US", "AnalyticsMode": "RealTime"}


def test_recording_and_analytics_are_stored(flows: FlowFactory) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingBehavior",
                              {"RecordingBehavior": RECORD_BOTH, "AnalyticsBehavior": ANALYTICS})])
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.contact.recording == RECORD_BOTH
    assert result.contact.analytics == ANALYTICS
    assert flows.note(result, "Set") == "recording Agent, Customer"


def test_an_empty_participant_list_switches_recording_off(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.action("On", "UpdateContactRecordingBehavior", {"RecordingBehavior": RECORD_BOTH},
                     next_action="Set"),
        block(flows, "UpdateContactRecordingBehavior",
              {"RecordingBehavior": {"RecordedParticipants": []}}),
    ])
    result = flows.run("Flow")

    assert result.contact.recording == {"RecordedParticipants": []}
    assert flows.note(result, "Set") == "recording off"


def test_a_bad_recording_behavior_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingBehavior",
                              {"RecordingBehavior": "Agent"})])
    result = flows.run("Flow")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == "RecordingBehavior must be an object"


@pytest.mark.parametrize(("channel", "branch"), [
    ("VOICE", "Success"), ("CHAT", "Success"), ("TASK", "NoMatchingError"),
    ("EMAIL", "NoMatchingError"),
])
def test_recording_channels(flows: FlowFactory, channel: str, branch: str) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingBehavior",
                              {"RecordingBehavior": RECORD_BOTH})])
    result = flows.run("Flow", channel=channel)

    assert result.branch("Set") == branch
    assert result.contact.recording == (RECORD_BOTH if branch == "Success" else {})


def test_recording_on_a_task_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    # All corpus recording blocks have "Errors": [].
    flows.make("Flow", [flows.action("Set", "UpdateContactRecordingBehavior",
                                     {"RecordingBehavior": RECORD_BOTH}, next_action="Set done")])
    result = flows.run("Flow", channel="TASK")

    assert result.ended == "error"
    assert "UpdateContactRecordingBehavior does not work on TASK" in result.reason


@pytest.mark.parametrize("flow_type", RECORDING_TYPES)
def test_recording_works_in_inbound_queue_outbound_whisper_and_transfer_flows(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingBehavior",
                              {"RecordingBehavior": RECORD_BOTH})], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.contact.recording == RECORD_BOTH


@pytest.mark.parametrize("flow_type", ["CUSTOMER_WHISPER", "AGENT_WHISPER", "CUSTOMER_HOLD",
                                       "AGENT_HOLD"])
def test_recording_in_customer_agent_whisper_and_hold_flows_takes_error(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Flow", [block(flows, "UpdateContactRecordingBehavior",
                              {"RecordingBehavior": RECORD_BOTH})], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == (
        f"UpdateContactRecordingBehavior is not allowed in a {flow_type} flow"
    )
    assert result.contact.recording == {}


# --- UpdateContactTextToSpeechVoice ----------------------------------------------------------


def voice_flow(flows: FlowFactory, parameters: dict[str, Any],
               flow_type: str | None = None) -> None:
    flows.make("Flow", [
        block(flows, "UpdateContactTextToSpeechVoice", parameters),
        flows.set_attributes("Set done", {"voice": "$.TextToSpeechVoiceId"}, "Done"),
    ], flow_type=flow_type)


def test_set_voice_sets_voice_engine_and_style(flows: FlowFactory) -> None:
    voice_flow(flows, {"TextToSpeechVoice": "Matthew", "TextToSpeechEngine": "Neural",
                       "TextToSpeechStyle": "Conversational"})
    result = flows.run("Flow")

    assert result.branch("Set") == "Success"
    assert result.attributes == {"voice": "Matthew"}
    contact = result.contact
    assert (contact.tts_voice, contact.tts_engine, contact.tts_style) == (
        "Matthew", "Neural", "Conversational",
    )
    assert flows.note(result, "Set") == "voice Matthew"


def test_set_voice_from_a_reference(flows: FlowFactory) -> None:
    voice_flow(flows, {"TextToSpeechVoice": "$.Attributes.voice"})
    result = flows.run("Flow", attributes={"voice": "Kazuha"})

    assert result.attributes["voice"] == "Kazuha"


def test_an_unset_voice_takes_error_and_keeps_joanna(flows: FlowFactory) -> None:
    voice_flow(flows, {"TextToSpeechVoice": "$.Attributes.voice"})
    result = flows.run("Flow")

    assert result.branch("Set") == "NoMatchingError"
    assert flows.note(result, "Set") == "TextToSpeechVoice is unset"
    assert result.contact.tts_voice == "Joanna"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_set_voice_off_voice_is_a_noop_success(flows: FlowFactory, channel: str) -> None:
    voice_flow(flows, {"TextToSpeechVoice": "Matthew"})
    result = flows.run("Flow", channel=channel)

    assert result.branch("Set") == "Success"
    assert flows.note(result, "Set") == f"no effect on {channel}"
    assert result.attributes == {"voice": "Joanna"}


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_set_voice_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    voice_flow(flows, {"TextToSpeechVoice": "Amy"}, flow_type=flow_type)
    result = flows.run("Flow")

    assert result.attributes == {"voice": "Amy"}


# --- UpdateContactData -----------------------------------------------------------------------


def test_contact_data_sets_the_language_and_other_fields(flows: FlowFactory) -> None:
    flows.make("Flow", [
        block(flows, "UpdateContactData", {"LanguageCode": "ja-JP",
                                           "CustomerId": "$.Attributes.crmId",
                                           "Name": "Callback for $.Attributes.crmId",
                                           "Description": "$.Attributes.unset"}),
        flows.set_attributes("Set done", {"lang": "$.LanguageCode", "customer": "$.CustomerId",
                                          "name": "$.Name"}, "Audit"),
        flows.action("Audit", "InvokeLambdaFunction",
                     {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:audit"},
                     next_action="Done", errors={"NoMatchingError": "Audit failed"}),
    ])
    result = flows.run("Flow", attributes={"crmId": "c-7"}, lambdas={"audit": {}})

    assert result.branch("Set") == "Success"
    assert result.attributes["lang"] == "ja-JP"
    assert result.attributes["customer"] == "c-7"
    assert result.attributes["name"] == "Callback for c-7"
    assert result.contact.language_code == "ja-JP"
    assert "Description" not in result.contact.contact_data  # an unset reference sets nothing
    assert result.lambda_calls[0].event["Details"]["ContactData"]["LanguageCode"] == "ja-JP"
    assert "CustomerId='c-7'" in flows.note(result, "Set")


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
@pytest.mark.parametrize("channel", CHANNELS)
def test_contact_data_works_everywhere(flows: FlowFactory, channel: str, flow_type: str) -> None:
    flows.make("Flow", [block(flows, "UpdateContactData", {"LanguageCode": "en-GB"})],
               flow_type=flow_type)
    result = flows.run("Flow", channel=channel)

    assert result.branch("Set") == "Success"
    assert result.contact.language_code == "en-GB"


# --- Real flows from the corpus ------------------------------------------------------------

BOOTSTRAP = "aws-samples__amazon-connect-rules-engine__rulesenginebootstrap"
ACME_QUEUE_TRANSFER = "aws-samples__amazon-connect-gitlab-cicd-terraform__acme-queue-transfer"


def test_corpus_bootstrap_sets_voice_language_recording_and_logging(flows: FlowFactory) -> None:
    sim = flows.corpus(BOOTSTRAP)
    result = sim.run(BOOTSTRAP)

    contact = result.contact
    assert contact.logging is True
    assert (contact.tts_voice, contact.tts_engine) == ("Olivia", "Neural")
    assert contact.language_code == "en-AU"
    assert contact.recording == {"RecordedParticipants": ["Agent", "Customer"]}
    assert contact.analytics["AnalyticsMode"] == "PostCall"
    assert [result.branch(b) for b in ("223809c3", "eec79680", "ce169eb4", "79884d36")] == [
        "Success"] * 4


def test_corpus_bootstrap_on_chat_keeps_the_default_voice(flows: FlowFactory) -> None:
    sim = flows.corpus(BOOTSTRAP)
    result = sim.run(BOOTSTRAP, contact=SimulatedContact(channel="CHAT"))

    assert result.branch("eec79680") == "Success"
    assert flows.note(result, "eec79680") == "no effect on CHAT"
    assert result.contact.tts_voice == "Joanna"


@pytest.mark.parametrize("with_whispers", [False, True])
def test_corpus_queue_transfer_sets_whisper_hooks(flows: FlowFactory, with_whispers: bool) -> None:
    # Its whisper flows are named by ARNs whose last segment is a template placeholder; mapping
    # them to the Ids of stand-in flows makes them resolve.
    placeholders = {}
    if with_whispers:
        hooked_flow(flows, "Customer whisper", "CUSTOMER_WHISPER", custom_id="customer-whisper-id")
        hooked_flow(flows, "Agent whisper", "AGENT_WHISPER", custom_id="agent-whisper-id")
        placeholders = {"${F:acme_customer_whisper_AUTO:F}": "customer-whisper-id",
                        "${F:acme_agent_whisper_AUTO:F}": "agent-whisper-id"}
    sim = flows.simulator(flows.corpus_path(ACME_QUEUE_TRANSFER), placeholders=placeholders,
                          instance={"flow_types": {ACME_QUEUE_TRANSFER: "QUEUE_TRANSFER"}})
    result = sim.run(ACME_QUEUE_TRANSFER)

    expected = "Success" if with_whispers else "NoMatchingError"
    assert result.branch("Set Customer Whisper") == expected
    assert result.branch("Set Agent Whisper") == expected
    if with_whispers:
        assert result.contact.event_hooks == {"CustomerWhisper": "Customer whisper",
                                              "AgentWhisper": "Agent whisper"}
        assert result.contact.event_hooks_disabled == {"CustomerWhisper": False,
                                                       "AgentWhisper": False}
    else:
        assert result.contact.event_hooks == {}
    # No working queue in this run: the transfer takes its Error branch to the disconnect.
    assert result.branch("842346a5") == "NoMatchingError"
    assert result.ended == "disconnected"
