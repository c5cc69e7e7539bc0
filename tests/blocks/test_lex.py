"""Get customer input with Amazon Lex (ConnectParticipantWithLexBot) answered by mocks.lex.

FLOW-LANGUAGE.md 5.15; DESIGN.md "Inputs" (chat text feeds Lex blocks) and "Mocks"; the Flow
language reference page "ConnectParticipantWithLexBot".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

BOT_ID = "BOTID12345"
BOT_ARN = f"arn:aws:lex:us-east-1:123456789012:bot-alias/{BOT_ID}/ALIAS67890"
OTHER_ARN = "arn:aws:lex:us-east-1:123456789012:bot-alias/OTHERBOT01/ALIAS00001"
ALLOWED_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER")
# What the flows below copy out of $.Lex into attributes, so a test reads it back.
LEX_READBACK = {
    "intent": "$.Lex.IntentName",
    "city": "$.Lex.Slots.city",
    "channel": "$.Lex.SessionAttributes.channel",
    "step": "$.Lex.SessionAttributes.step",
    "score": "$.Lex.IntentConfidence.Score",
    "label": "$.Lex.SentimentResponse.Label",
    "positive": "$.Lex.SentimentResponse.Scores.Positive",
    "state": "$.Lex.DialogState",
}


def lex(
    flows: FlowFactory,
    identifier: str = "Ask",
    bot: dict[str, Any] | None = None,
    conditions: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    **parameters: Any,
) -> ActionDict:
    named = bot if bot is not None else {"LexV2Bot": {"AliasArn": BOT_ARN}}
    params: dict[str, Any] = {"Text": "How can I help?", **named}
    params.update(parameters)
    return flows.action(
        identifier, "ConnectParticipantWithLexBot", params,
        next_action="Fallback",  # consoles export a NextAction that repeats an error target
        conditions=conditions if conditions is not None else {"Billing": "Save", "Sales": "To sales"},
        errors=errors if errors is not None else {
            "NoMatchingCondition": "No match", "InputTimeLimitExceeded": "Silence", "NoMatchingError": "Bot failed",
        },
    )


def lex_flow(flows: FlowFactory, *, flow_type: str | None = None, metadata: dict[str, Any] | None = None,
             **kwargs: Any) -> None:
    """Ask (Lex) → Save ($.Lex copied into attributes) on intent Billing."""
    flows.make("Inbound", [lex(flows, **kwargs), flows.set_attributes("Save", LEX_READBACK, "Saved")],
               flow_type=flow_type, action_metadata=metadata)


FULL_ANSWER = {
    "intent": "Billing",
    "slots": {"city": "Seattle", "date": None},
    "session_attributes": {"step": "2"},
    "sentiment": "positive",
    "sentiment_scores": {"Positive": 0.91, "Negative": 0.01},
    "confidence": 0.87,
    "dialog_state": "Fulfilled",
}


# --- The bot's answer: intent, $.Lex, branches ---------------------------------------------------


def test_the_intent_picks_the_condition_and_lex_is_written(flows: FlowFactory) -> None:
    lex_flow(flows, LexSessionAttributes={"channel": "$.Channel"})
    result = flows.run("Inbound", inputs=["I have a question about my bill"], mocks={"lex": {BOT_ARN: FULL_ANSWER}})

    assert result.branch("Ask") == "Billing"
    assert result.path == ["Ask", "Save", "Saved"]
    assert result.attributes == {
        "intent": "Billing", "city": "Seattle", "channel": "VOICE", "step": "2", "score": "0.87",
        "label": "POSITIVE", "positive": "0.91", "state": "Fulfilled",
    }
    assert flows.note(result, "Ask") == ("'How can I help?'; customer said 'I have a question about my bill'; "
                                         "intent Billing")
    assert result.contact.lex["Slots"] == {"city": "Seattle", "date": None}
    assert result.trace.inputs_left == []


def test_a_second_intent_takes_its_own_condition(flows: FlowFactory) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"
    assert result.path == ["Ask", "To sales"]
    assert result.contact.lex == {"IntentName": "Sales", "Slots": {}, "SessionAttributes": {}}


@pytest.mark.parametrize(
    ("answer", "note"),
    [({"intent": "FallbackIntent"}, "intent FallbackIntent"), ({"dialog_state": "Failed"}, "no intent")],
    ids=["unlisted-intent", "no-intent"],
)
def test_an_intent_no_condition_lists_takes_no_matching_condition(
    flows: FlowFactory, answer: dict[str, str], note: str
) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: answer}})

    assert result.branch("Ask") == "NoMatchingCondition"
    assert result.path == ["Ask", "No match"]
    assert flows.note(result, "Ask") == f"'How can I help?'; {note}"


@pytest.mark.parametrize("value", [True, "true", "NoMatchingError"], ids=["bool", "text", "error-type"])
def test_a_failing_bot_takes_error_and_clears_lex(flows: FlowFactory, value: Any) -> None:
    flows.make("Inbound", [
        lex(flows, "First", conditions={"Billing": "Ask"}),
        lex(flows, "Ask", conditions={"Billing": "Save"}),
        flows.set_attributes("Bot failed", {"intent": "$.Lex.IntentName"}, "Done"),
    ])
    result = flows.run("Inbound", mocks={"lex": {"First": {"intent": "Billing"}, "Ask": {"error": value}}})

    assert result.branches("First") == ["Billing"]
    assert result.branch("Ask") == "NoMatchingError"
    assert flows.note(result, "Ask") == f"'How can I help?'; {BOT_ARN} failed"
    # The first turn's intent is gone: $.Lex holds the last interaction only.
    assert result.attributes == {"intent": ""}
    assert result.contact.lex == {}


def test_a_timeout_answer_takes_input_time_limit_exceeded(flows: FlowFactory) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", channel="CHAT", mocks={"lex": {BOT_ARN: {"timeout": True}}})

    assert result.branch("Ask") == "InputTimeLimitExceeded"
    assert result.path == ["Ask", "Silence"]
    assert flows.note(result, "Ask") == f"'How can I help?'; {BOT_ARN}: no input before the timeout"


def test_a_null_input_is_silence_and_needs_no_mock(flows: FlowFactory) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", inputs=[None, "left over"])

    assert result.branch("Ask") == "InputTimeLimitExceeded"
    assert flows.note(result, "Ask") == "'How can I help?'; the customer said nothing"
    assert result.trace.inputs_left == ["left over"]


def test_without_inputs_the_bot_still_answers(flows: FlowFactory) -> None:
    lex_flow(flows, Text=" ")  # " " is how the console sends no message
    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: {"intent": "Billing"}}})

    assert result.branch("Ask") == "Billing"
    assert flows.note(result, "Ask") == "intent Billing"


@pytest.mark.parametrize(
    ("parameters", "note"),
    [
        ({"SSML": "<speak>Hi $.Attributes.name</speak>"}, "SSML: <speak>Hi Ann</speak>"),
        ({"PromptId": "$.Attributes.prompt"}, "PromptId: arn:aws:connect:us-east-1:1:instance/i/prompt/p-1"),
        ({"Media": {"Uri": "s3://bucket/$.Attributes.name/hello.wav", "SourceType": "S3", "MediaType": "Audio"}},
         "Media: s3://bucket/Ann/hello.wav"),
    ],
    ids=["ssml", "prompt-id", "media"],
)
def test_the_prompt_is_sent_like_a_play_prompt(flows: FlowFactory, parameters: dict[str, Any], note: str) -> None:
    block = lex(flows)
    block["Parameters"] = {"LexV2Bot": {"AliasArn": BOT_ARN}, **parameters}
    flows.make("Inbound", [block])
    prompt_arn = "arn:aws:connect:us-east-1:1:instance/i/prompt/p-1"
    result = flows.run("Inbound", attributes={"name": "Ann", "prompt": prompt_arn},
                       mocks={"lex": {BOT_ARN: {"intent": "Sales"}}})

    assert flows.note(result, "Ask") == f"{note}; intent Sales"


def test_an_unset_prompt_id_takes_error(flows: FlowFactory) -> None:
    block = lex(flows)
    block["Parameters"] = {"LexV2Bot": {"AliasArn": BOT_ARN}, "PromptId": "$.Attributes.prompt"}
    flows.make("Inbound", [block])
    result = flows.run("Inbound", inputs=["hello"])

    assert result.branch("Ask") == "NoMatchingError"
    assert flows.note(result, "Ask") == "PromptId '$.Attributes.prompt' is unset"
    assert result.trace.inputs_left == ["hello"]


# --- How the answer is found ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "metadata"),
    [
        (BOT_ARN, None),
        ("OrderBot", {"Ask": {"lexV2BotName": "OrderBot"}}),
        ("OrderBot", {"Ask": {"parameters": {"LexV2Bot": {"AliasArn": {"lexV2BotName": "OrderBot"}}}}}),
        (BOT_ID, None),
        ("Ask", None),
        ("Inbound/Ask", None),
    ],
    ids=["alias-arn", "bot-name", "bot-name-in-parameters", "bot-id", "block", "flow-and-block"],
)
def test_the_answer_is_found_by_bot_or_block(
    flows: FlowFactory, key: str, metadata: dict[str, Any] | None
) -> None:
    lex_flow(flows, metadata=metadata)
    result = flows.run("Inbound", mocks={"lex": {key: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"


def test_a_uuid_block_is_found_by_a_prefix(flows: FlowFactory) -> None:
    ident = "3e562537-3142-4bbc-86db-ab8e09c366de"
    flows.make("Inbound", [lex(flows, ident)])
    result = flows.run("Inbound", mocks={"lex": {"3e562537": {"intent": "Sales"}}})

    assert result.branch(ident) == "Sales"


def test_the_bot_key_wins_over_the_block_key(flows: FlowFactory) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", mocks={"lex": {"Ask": {"intent": "Billing"}, BOT_ARN: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"


def test_a_classic_bot_is_found_by_its_name(flows: FlowFactory) -> None:
    lex_flow(flows, bot={"LexBot": {"Name": "QA", "Region": "us-east-1", "Alias": "prod"}})
    result = flows.run("Inbound", mocks={"lex": {"QA": {"intent": "Billing"}}})

    assert result.branch("Ask") == "Billing"
    assert flows.note(result, "Ask") == "'How can I help?'; intent Billing"


def test_a_dynamic_alias_arn_is_resolved_before_the_lookup(flows: FlowFactory) -> None:
    lex_flow(flows, bot={"LexV2Bot": {"AliasArn": "$.Attributes.bot"}})
    result = flows.run("Inbound", attributes={"bot": OTHER_ARN},
                       mocks={"lex": {BOT_ARN: {"intent": "Billing"}, OTHER_ARN: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"


def test_a_missing_mock_fails_naming_the_block_and_the_keys(flows: FlowFactory) -> None:
    lex_flow(flows, metadata={"Ask": {"lexV2BotName": "OrderBot"}})
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", mocks={"lex": {"Other": {"intent": "Sales"}}})

    message = str(info.value)
    assert "block 'Ask' (ConnectParticipantWithLexBot) of flow 'Inbound'" in message
    assert "needs an Amazon Lex bot answer, which has no mock" in message
    assert f"add mocks.lex keyed by one of: {BOT_ARN}, OrderBot, {BOT_ID}, Ask (mocked: Other)" in message


def test_a_list_answers_one_turn_each_across_blocks(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        lex(flows, "First", conditions={"Billing": "Second"}),
        lex(flows, "Second", conditions={"Sales": "Save"}),
        flows.set_attributes("Save", {"intent": "$.Lex.IntentName"}, "Saved"),
    ])
    result = flows.run("Inbound", inputs=["my bill", "no, sales"],
                       mocks={"lex": {BOT_ARN: [{"intent": "Billing"}, {"intent": "Sales"}]}})

    assert result.path == ["First", "Second", "Save", "Saved"]
    assert result.branch("First") == "Billing"
    assert result.branch("Second") == "Sales"
    assert flows.note(result, "Second") == "'How can I help?'; customer said 'no, sales'; intent Sales"
    assert result.attributes == {"intent": "Sales"}


def test_a_list_run_past_its_end_fails(flows: FlowFactory) -> None:
    flows.make("Inbound", [lex(flows, "First", conditions={"Billing": "Ask"}), lex(flows, "Ask")])
    with pytest.raises(MockError, match=re.escape(f"mocks.lex.{BOT_ARN} lists 1 answer(s) but the bot was asked "
                                                  "2 times (at 'Ask')")):
        flows.run("Inbound", mocks={"lex": {BOT_ARN: [{"intent": "Billing"}]}})


def test_a_callable_gets_the_turn_and_answers(flows: FlowFactory) -> None:
    lex_flow(flows, LexSessionAttributes={"channel": "$.Channel", "x-amz-lex:audio:max-length-ms:*:*": "12000"})
    requests: list[dict[str, Any]] = []

    def bot(request: dict[str, Any]) -> dict[str, Any]:
        requests.append(request)
        return {"intent": "Billing" if "bill" in request["utterance"] else "Sales",
                "session_attributes": {"step": "3", "channel": "overridden"}}

    result = flows.run("Inbound", channel="CHAT", inputs=["my bill please"], mocks={"lex": {BOT_ARN: bot}})

    assert requests == [{
        "utterance": "my bill please",
        "bot": BOT_ARN,
        "session_attributes": {"channel": "CHAT", "x-amz-lex:audio:max-length-ms:*:*": "12000"},
        "channel": "CHAT",
        "locale": "en-US",
    }]
    assert result.branch("Ask") == "Billing"
    # The bot's session attributes come back on top of those the block sent.
    assert result.contact.lex["SessionAttributes"] == {
        "channel": "overridden", "x-amz-lex:audio:max-length-ms:*:*": "12000", "step": "3",
    }


def test_a_callable_that_raises_takes_error(flows: FlowFactory) -> None:
    lex_flow(flows)

    def broken(request: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("bot is down")

    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: broken}})

    assert result.branch("Ask") == "NoMatchingError"
    assert flows.note(result, "Ask") == f"'How can I help?'; {BOT_ARN} failed (RuntimeError: bot is down)"


def test_a_string_answer_from_python_is_the_intent(flows: FlowFactory) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: "Sales"}})

    assert result.branch("Ask") == "Sales"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"intent": "Sales", "slot": {}}, "unknown key(s) slot"),
        ({"error": "QueueAtCapacity"}, "error 'QueueAtCapacity' is not an error of the Lex block"),
        ({"sentiment": "HAPPY"}, "sentiment 'HAPPY' is not one of POSITIVE, NEGATIVE, NEUTRAL, MIXED"),
        ({"slots": ["Seattle"]}, "'slots' must be a map"),
        (42, "an answer must be a map"),
    ],
    ids=["unknown-key", "unknown-error", "bad-sentiment", "slots-not-a-map", "not-a-map"],
)
def test_a_malformed_answer_fails_the_test(flows: FlowFactory, answer: Any, message: str) -> None:
    lex_flow(flows)
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Inbound", mocks={"lex": {BOT_ARN: answer}})


# --- Parameters the block checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bot", "extra", "note"),
    [
        ({"LexV2Bot": {"AliasArn": "$.Attributes.bot"}}, {}, "LexV2Bot.AliasArn '$.Attributes.bot' is unset"),
        ({"LexV2Bot": {"AliasArn": ""}}, {}, "LexV2Bot.AliasArn is missing or empty"),
        ({"LexV2Bot": {}}, {}, "LexV2Bot.AliasArn is missing or empty"),
        ({"LexV2Bot": {"AliasArn": "OrderBot"}}, {}, "LexV2Bot.AliasArn 'OrderBot' is not a Lex V2 bot alias ARN"),
        ({"LexBot": {"Name": "$.Attributes.bot"}}, {}, "LexBot.Name '$.Attributes.bot' is unset"),
        ({"LexBot": {"Region": "us-east-1"}}, {}, "LexBot.Name is missing or empty"),
        ({}, {}, "the block names no bot (LexV2Bot or LexBot)"),
        ({"LexV2Bot": {"AliasArn": BOT_ARN}}, {"LexSessionAttributes": "step=1"},
         "LexSessionAttributes must be a map, not 'step=1'"),
        ({"LexV2Bot": {"AliasArn": BOT_ARN}}, {"LexSessionAttributes": {"x-amz-lex:audio:max-length-ms:*:*": "20000"}},
         "session attribute x-amz-lex:audio:max-length-ms:*:* is 20000 ms; Amazon Lex allows at most 15000"),
        ({"LexV2Bot": {"AliasArn": BOT_ARN}}, {"LexSessionAttributes": {"x-amz-lex:audio:max-length-ms:*:*": "long"}},
         "session attribute x-amz-lex:audio:max-length-ms:*:* 'long' is not a number of milliseconds"),
        ({"LexV2Bot": {"AliasArn": BOT_ARN}}, {"LexTimeoutSeconds": {"Text": "a minute"}},
         "LexTimeoutSeconds {'Text': 'a minute'} is not a number of seconds"),
        ({"LexV2Bot": {"AliasArn": BOT_ARN}}, {"LexTimeoutSeconds": {"Text": "0"}},
         "LexTimeoutSeconds 0 is not a positive number of seconds"),
    ],
    ids=["unset-arn", "empty-arn", "no-arn", "not-an-arn", "unset-classic-name", "no-classic-name", "no-bot",
         "attributes-not-a-map", "max-length-too-long", "max-length-not-a-number", "timeout-not-a-number",
         "timeout-zero"],
)
def test_a_missing_or_malformed_parameter_takes_error(
    flows: FlowFactory, bot: dict[str, Any], extra: dict[str, Any], note: str
) -> None:
    lex_flow(flows, bot=bot, **extra)
    result = flows.run("Inbound", inputs=["hello"], mocks={"lex": {BOT_ARN: {"intent": "Billing"}}})

    assert result.branch("Ask") == "NoMatchingError"
    assert result.path == ["Ask", "Bot failed"]
    assert flows.note(result, "Ask") == note
    # The block failed before the customer was heard: the input is still there.
    assert result.trace.inputs_left == ["hello"]


def test_a_chat_timeout_in_seconds_is_accepted(flows: FlowFactory) -> None:
    lex_flow(flows, LexTimeoutSeconds={"Text": "60"})
    result = flows.run("Inbound", channel="CHAT", mocks={"lex": {BOT_ARN: {"intent": "Billing"}}})

    assert result.branch("Ask") == "Billing"


# --- Channels and flow types ---------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["VOICE", "CHAT"])
def test_voice_and_chat_feed_the_next_input_to_the_bot(flows: FlowFactory, channel: str) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", channel=channel, inputs=["sales please"],
                       mocks={"lex": {BOT_ARN: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"
    assert "customer said 'sales please'" in flows.note(result, "Ask")
    assert result.trace.inputs_left == []


@pytest.mark.parametrize("channel", ["TASK", "EMAIL"])
def test_task_and_email_take_error_and_consume_nothing(flows: FlowFactory, channel: str) -> None:
    lex_flow(flows)
    result = flows.run("Inbound", channel=channel, inputs=["sales please"])

    assert result.branch("Ask") == "NoMatchingError"
    assert flows.note(result, "Ask") == f"ConnectParticipantWithLexBot does not work on {channel}"
    assert result.trace.inputs_left == ["sales please"]


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_inbound_queue_and_transfer_flows_run_the_bot(flows: FlowFactory, flow_type: str) -> None:
    lex_flow(flows, flow_type=flow_type)
    result = flows.run("Inbound", mocks={"lex": {BOT_ARN: {"intent": "Sales"}}})

    assert result.branch("Ask") == "Sales"


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_hold_and_whisper_flows_take_error(flows: FlowFactory, flow_type: str) -> None:
    lex_flow(flows, flow_type=flow_type)
    result = flows.run("Inbound")

    assert result.branch("Ask") == "NoMatchingError"
    assert flows.note(result, "Ask") == f"ConnectParticipantWithLexBot is not allowed in a {flow_type} flow"


def test_a_block_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Whisper", [lex(flows, errors={"NoMatchingCondition": "No match"})], flow_type="AGENT_WHISPER")
    result = flows.run("Whisper")

    assert result.ended == "error"
    assert result.path == ["Ask"]
    assert "took NoMatchingError (ConnectParticipantWithLexBot is not allowed in a AGENT_WHISPER flow)" in result.reason


# --- YAML scenarios ------------------------------------------------------------------------------


def test_a_yaml_scenario_mocks_lex_with_values_as_written(pytester: pytest.Pytester, flows: FlowFactory) -> None:
    folder = pytester.mkdir("flows")
    path = flows.make("Bot IVR", [lex(flows), flows.set_attributes("Save", LEX_READBACK, "Saved")])
    (folder / "bot.json").write_text(Path(path).read_text())
    pytester.makefile(".connectflow.yaml", test_bot=f"""
flows: flows
scenarios:
  - name: billing intent
    flow: Bot IVR
    inputs: [my bill]
    mocks:
      lex:
        "{BOT_ARN}": {{intent: Billing, slots: {{city: 007}}, confidence: 0.90, sentiment: NEGATIVE,
                      sentiment_scores: {{Positive: 0.10}}}}
    expect:
      branches: {{Ask: Billing}}
      attributes: {{intent: Billing, city: "007", score: "0.90", label: NEGATIVE, positive: "0.10"}}
  - name: silence
    flow: Bot IVR
    mocks:
      lex:
        Ask: {{timeout: true}}
    expect:
      branches: {{Ask: Timeout}}
      path: [Ask, Silence]
""")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# --- Real flows from the corpus ------------------------------------------------------------------



INTERACTIVE = "amazon-connect__amazon-connect-chat-ui-examples__interactivemsg-contactflow-lexv2"
QA = "amazon-connect__amazon-connect-workshops__lexqaflow"
SURVEY = "aws-samples__amazon-connect-contact-surveys__contact-survey-module"
ACME_MAIN = "aws-samples__amazon-connect-gitlab-cicd-terraform__acme-main"
ACME_MODULE = "aws-samples__amazon-connect-gitlab-cicd-terraform__acme-contact-flow-module"
NLU_MENU = "aws-samples__amazon-connect-rules-engine__rulesenginenlumenu"
SBS_LEX = "aws-samples__amazon-connect-step-by-step-guides-module-library__lex-integration-handler"
GENAI = "aws-samples__amazon-connect-with-amazon-lex-genai-capabilities__samplecontactflow"
BEDROCK = "aws-samples__sample-amazon-connect-bedrock-agent-voice-integration__bedrock-agent-voice-contact-flow"
NAME_MODULE = "aws-samples__sample-amazon-connect-outbound-call__getcustomernamemodule"
RESPONSE_MODULE = "aws-samples__sample-amazon-connect-outbound-call__getcustomerresponsemodule"
CHATGPT = "docwho2__java-connect-lex-chatgpt__connect-flow-lex-chatgpt"
UPDATE_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:updateOutboundCall"


def test_corpus_interactive_chat_reads_the_action_slot(flows: FlowFactory) -> None:
    sim = flows.corpus(INTERACTIVE)
    result = sim.run("InteractiveMessaging", contact=SimulatedContact(channel="CHAT"), inputs=["bye"],
                     mocks={"lex": {"InteractiveMessageBot": {"intent": "Help", "slots": {"action": "End chat"}}}})

    # The block lists no intents: every intent goes down No match to a Compare on the slot.
    assert result.branch("b701c222") == "NoMatchingCondition"
    assert result.branch("3b2f3727") == "End chat"
    assert result.path[-1].startswith("36eb2181")
    assert result.ended == "disconnected"


def test_corpus_question_bot_asks_five_questions_one_turn_each(flows: FlowFactory) -> None:
    sim = flows.corpus(QA)
    answers = [
        {"intent": "QACity", "slots": {"City": "Seattle"}},
        {"intent": "QAColor", "slots": {"Color": "blue"}},
        {"intent": "QADate", "slots": {"Date": "1990-01-02"}},
        {"intent": "QADuration", "slots": {"Duration": "PT3H"}},
        {"intent": "QAFood", "slots": {"Food": "pizza"}},
    ]
    result = sim.run(QA, mocks={"lex": {"QA": answers}})

    assert result.branches("a3280e46") == ["QACity", "QAColor", "QADate", "QADuration", "QAFood"]
    assert result.attributes["udCity"] == "Seattle"
    assert result.attributes["udColor"] == "blue"
    assert result.attributes["udDOB"] == "1990-01-02"
    assert result.attributes["udProjectTime"] == "PT3H"
    assert result.attributes["udFood"] == "pizza"
    assert flows.note(result, "a3280e46") == "'What is your favorite food?'; intent QAFood"
    assert result.ended == "disconnected"


def test_corpus_survey_module_takes_chat_answers_from_the_bot(flows: FlowFactory) -> None:
    flows.deployed(SURVEY, {"GenericLexBotAlias.Arn": BOT_ARN})
    config = {"surveyId": "s-1", "introPrompt": "Hello", "surveySize": "1", "outroPrompt": "Bye"}
    utils = [{"nextQuestion": "Rate us from 0 to 9", "max": "9"}, {"validInput": "true", "newCounter": "2"}]
    result = flows.run(SURVEY, channel="CHAT", attributes={"surveyId": "s-1"}, inputs=["nine"], lambdas={
        "LambdaGetSurveyConfig.Arn": config, "LambdaSurveyUtils.Arn": utils,
        "LambdaProcessSurveyFlagsConfig.Arn": {}, "LambdaWriteSurveysResults.Arn": {},
    }, mocks={"lex": {BOT_ARN: {"intent": "9"}}})

    assert result.branch("b80d83ff") == "9"
    assert flows.note(result, "b80d83ff") == "'Rate us from 0 to 9'; customer said 'nine'; intent 9"
    assert result.attributes["loopCounter"] == "2"
    assert result.ended == "disconnected"


def test_corpus_acme_main_reads_an_unset_bot_attribute(flows: FlowFactory) -> None:
    # The flow sets the bot under "ACME-lexbot2-tfdemo/current" but reads $.FlowAttributes.acme-lexbot.
    flows.make("Acme queue", [flows.end("Wait")], flow_type="CUSTOMER_QUEUE", custom_id="acme-queue")
    flows.deployed(ACME_MAIN, {"F:acme_customer_queue_AUTO:F": "acme-queue"})
    result = flows.run(ACME_MAIN)

    assert result.branch("254b28a9") == "Success"
    assert result.branch("f713e89c") == "NoMatchingError"
    assert flows.note(result, "f713e89c") == "LexV2Bot.AliasArn '$.FlowAttributes.acme-lexbot' is unset"
    assert result.ended == "disconnected"


def test_corpus_nlu_menu_sends_the_intent_to_its_lambda(flows: FlowFactory) -> None:
    flows.deployed(NLU_MENU)
    flows.make("Rules main", [
        flows.action("Rules", "InvokeLambdaFunction", {"LambdaFunctionARN": "rules"}, next_action="To menu",
                     errors={"NoMatchingError": "Failed"}),
        flows.action("To menu", "TransferToFlow", {"ContactFlowId": NLU_MENU}, errors={"NoMatchingError": "Failed"}),
    ])
    rule = {"CurrentRule_lexBotArn": BOT_ARN, "CurrentRule_offerMessageType": "text",
            "CurrentRule_offerMessage": "Say billing or sales"}
    result = flows.run("Rules main", lambdas={
        "rules": rule, "lambdaFunctions.connectnlumenu.arn": {"CurrentRule_autoConfirmNow": "true"},
    }, mocks={"lex": {BOT_ARN: {"intent": "Billing", "confidence": "0.93"}}}, inputs=["billing"])

    assert result.branch("3998f9c7") == "Success"
    assert result.branch("46677a44") == "NoMatchingCondition"
    assert result.lambda_calls[1].parameters == {"intentConfidence": "0.93", "matchedIntent": "Billing"}
    assert result.contact.lex["SessionAttributes"]["ContactId"] == result.contact.contact_id
    assert result.ended == "disconnected"


def test_corpus_step_by_step_handler_has_no_bot_selected(flows: FlowFactory) -> None:
    sim = flows.corpus(SBS_LEX)
    result = sim.run("SBS_Lex_Integration_Handler", inputs=["cancel my flight"])

    assert result.branch("83b2112b") == "NoMatchingError"
    assert flows.note(result, "83b2112b") == "LexV2Bot.AliasArn is missing or empty"
    assert result.path[-1].startswith("2e69c35b")
    assert result.trace.inputs_left == ["cancel my flight"]


def test_corpus_genai_sample_checks_an_order_then_says_goodbye(flows: FlowFactory) -> None:
    sim = flows.corpus(GENAI)
    arn = "arn:aws:lex:us-west-2:123456789:bot-alias/YY9557EM03/LQ1YCOYG6U"
    result = sim.run("sample_contact_flow", inputs=["where is my order", "no thanks"],
                     mocks={"lex": {arn: [{"intent": "orderStatus"}, {"intent": "no"}]}})

    assert result.branch("bdd4ccd4") == "orderStatus"
    assert result.branch("a0a90c8e") == "no"
    assert result.contact.lex["SessionAttributes"] == {"available_intents": "no,yes"}
    assert result.path[-2:] == ["92b38765-cfce-44dd-935b-dd72eac88262", "42ae74e9-0668-4cb5-98bc-4bd27f40e6d3"]
    assert result.ended == "disconnected"


def test_corpus_bedrock_agent_sends_the_caller_number_in_british_english(flows: FlowFactory) -> None:
    flows.deployed(BEDROCK, {"BotAliasArn": BOT_ARN, "BotName": "TradesBot"})
    requests: list[dict[str, Any]] = []

    def agent(request: dict[str, Any]) -> dict[str, Any]:
        requests.append(request)
        return {"intent": "BookTradesperson", "dialog_state": "Close"}

    result = flows.run("AssistantFlow", mocks={"lex": {"TradesBot": agent}})

    assert requests[0]["locale"] == "en-GB"
    assert requests[0]["session_attributes"] == {
        "x-amz-lex:audio:start-timeout-ms:*:*": "9000", "x-amz-lex:allow-interrupt:*:*": "False",
        "phone-number": "+15555550100",
    }
    assert result.branch("8c4d3952") == "NoMatchingCondition"
    assert result.path[-1].startswith("1c774610")


@pytest.mark.parametrize(
    ("answers", "branches", "attributes", "ended"),
    [
        ([{"intent": "getCustomerName", "slots": {"firstName": "Ann", "lastName": "Lee"}}],
         ["getCustomerName"], {"firstName": "Ann", "lastName": "Lee"}, "flow_ended"),
        ([{"intent": "FallbackIntent"}] * 4, ["NoMatchingCondition"] * 4, {}, "disconnected"),
    ],
    ids=["name-given", "four-misses"],
)
def test_corpus_name_module_collects_the_name_or_gives_up(
    flows: FlowFactory, answers: list[dict[str, Any]], branches: list[str], attributes: dict[str, str], ended: str
) -> None:
    sim = flows.corpus(NAME_MODULE)
    result = sim.run("getCustNameFlowModule", contact=SimulatedContact(attributes={
        "LEX_CUSTOMER_NAME_BOT_ARN": BOT_ARN, "UPDATE_LAMBDA_ARN": UPDATE_LAMBDA}),
        lambdas={UPDATE_LAMBDA: {"status": "ok"}}, mocks={"lex": {BOT_ARN: answers}})

    assert result.branches("Prompt Customer Name") == branches
    for key, value in attributes.items():
        assert result.attributes[key] == value
    assert result.ended == ended


def test_corpus_response_module_asks_a_second_bot_for_the_field(flows: FlowFactory) -> None:
    sim = flows.corpus(RESPONSE_MODULE)
    result = sim.run("getCustomerResponseModule", contact=SimulatedContact(attributes={
        "LEX_MAIN_BOT_ARN": BOT_ARN, "LEX_MODIFY_BOT_ARN": OTHER_ARN, "UPDATE_LAMBDA_ARN": UPDATE_LAMBDA,
        "beneficiaryName": "Ann"}),
        lambdas={UPDATE_LAMBDA: {"status": "ok"}},
        mocks={"lex": {BOT_ARN: {"intent": "modifyInstruction"},
                       OTHER_ARN: {"intent": "modifyBeneAccountNo", "slots": {"beneAccount": "12345678"}}}})

    assert result.branch("Collect Customer Input") == "modifyInstruction"
    assert result.branch("Ask for Modified Input") == "modifyBeneAccountNo"
    assert result.attributes["beneAccountNo"] == "12345678"
    assert result.lambda_calls[-1].parameters["action"] == "COMPLETE"
    assert result.ended == "flow_ended"


def test_corpus_chatgpt_flow_quits_after_the_menu_times_out(flows: FlowFactory) -> None:
    flows.deployed(CHATGPT, {"BotAlias.Arn": BOT_ARN, "NAMEENGLISH": "Agent", "PromptBucket": "prompts"})
    result = flows.run(CHATGPT, inputs=[None, "goodbye"], lambdas={"SendToSNS.Arn": {}},
                       mocks={"lex": {BOT_ARN: {"intent": "Quit"}}})

    assert result.branch("4dc9bbef") == "InputTimeLimitExceeded"
    assert result.branch("3e562537") == "Quit"
    assert flows.note(result, "3e562537") == ("Media: s3://prompts/lex_en-US_.wav; customer said 'goodbye'; "
                                              "intent Quit")
    assert flows.note(result, "41429fc7") == "Media: s3://prompts/closing_en-US_.wav"
    assert result.ended == "disconnected"
