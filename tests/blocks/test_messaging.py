"""Send message (RenderMessageTemplate, CreateContact, StartOutboundEmailContact,
StartOutboundChatContact), Create persistent contact association and Resume contact.

FLOW-LANGUAGE.md 5.27 and section 6; Admin Guide "Send message", "Create persistent contact
association", "Resume contact"; docs/contact-actions.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact, Simulator

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
SEND_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
              "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER")
KB = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb-1"
TEMPLATE_ID = "5b0c7e5e-0000-4000-8000-00000000f00d"
TEMPLATE_ARN = f"arn:aws:wisdom:us-east-1:123456789012:message-template/kb-1/{TEMPLATE_ID}"
QUALIFIED = f"{TEMPLATE_ARN}:$ACTIVE_VERSION"
PHONE_ARN = "arn:aws:connect:us-east-1:123456789012:phone-number/p-1"
CATALOGUE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"


def render(flows: FlowFactory, identifier: str = "Render", template: str = QUALIFIED,
           next_action: str = "Rendered") -> ActionDict:
    return flows.action(identifier, "RenderMessageTemplate",
                        {"WisdomMessageTemplateArn": template, "WisdomKnowledgeBaseArn": KB},
                        next_action=next_action,
                        errors={"NoMatchingError": "Render failed",
                                "TemplateRenderingError": "Render broken"})


def create_email(flows: FlowFactory, next_action: str = "Send", identifier: str = "Create",
                 **parameters: Any) -> ActionDict:
    params = {"Channel": "EMAIL", "RelatedContact": "CURRENT", **parameters}
    return flows.action(identifier, "CreateContact", params, next_action=next_action,
                        errors={"NoMatchingError": "Create failed"})


def send_email(flows: FlowFactory, message: dict[str, Any] | None = None, identifier: str = "Send",
               next_action: str = "Sent", **parameters: Any) -> ActionDict:
    params: dict[str, Any] = {
        "FromEmailAddress": {"EmailAddress": "info@example.com", "DisplayName": "Info"},
        "DestinationEmailAddress": {"EmailAddress": "$.Attributes.email", "DisplayName": "Jane"},
        "EmailMessage": message if message is not None else {
            "MessageSourceType": "RAW",
            "RawMessage": {"Subject": "Order $.Attributes.order", "Body": "Dear $.Attributes.name,"},
        },
        **parameters,
    }
    return flows.action(identifier, "StartOutboundEmailContact", params, next_action=next_action,
                        errors={"NoMatchingError": "Send failed",
                                "TemplateRenderingError": "Send broken"})


def send_sms(flows: FlowFactory, identifier: str = "SMS", **parameters: Any) -> ActionDict:
    params: dict[str, Any] = {
        "SourceEndpoint": {"Address": PHONE_ARN, "Type": "CONNECT_PHONENUMBER_ARN"},
        "DestinationEndpoint": {"Address": "$.Attributes.mobile", "Type": "TELEPHONE_NUMBER"},
        "ContactFlowArn": flows.flow_arn("SMS flow"),
        "ContactSubtype": "connect:SMS",
        "InitialSystemMessage": {"Content": "Hi $.Attributes.name"},
        "RelatedContact": "CURRENT",
        **parameters,
    }
    return flows.action(identifier, "StartOutboundChatContact",
                        {k: v for k, v in params.items() if v is not None}, next_action="Sent",
                        errors={"NoMatchingError": "SMS failed",
                                "TemplateRenderingError": "SMS broken"})


def sms_flow(flows: FlowFactory) -> None:
    flows.make("SMS flow", [flows.disconnect("Bye")], flow_type="CONTACT_FLOW")


def show(flows: FlowFactory, identifier: str, attributes: dict[str, str], next_action: str = "Done") -> ActionDict:
    return flows.set_attributes(identifier, attributes, next_action)


ATTRIBUTES = {"email": "jane@example.com", "order": "A-17", "name": "Jane", "mobile": "+15555550123"}
MOCK = {"templates": {TEMPLATE_ID: {"data": {"Subject": "Your order", "Body": "It shipped."}}}}


def catalogue(flows: FlowFactory, start: str) -> Simulator:
    """A simulator over the corpus block catalogue (its StartAction is empty, so it cannot run from
    its start) copied with `start` as its StartAction; everything else is the file as published."""
    document = json.loads(flows.corpus_path(CATALOGUE).read_text("utf-8"))
    document["StartAction"] = start
    path = flows.root / "catalogue" / f"{CATALOGUE}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return flows.simulator()


# --- RenderMessageTemplate -------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [QUALIFIED, TEMPLATE_ARN, TEMPLATE_ID, "Order shipped", "Render", "Flow/Render"],
    ids=["arn-with-version", "arn", "template-id", "template-name", "block", "flow-and-block"],
)
def test_render_takes_the_template_from_the_mock(flows: FlowFactory, key: str) -> None:
    flows.make("Flow", [
        render(flows),
        show(flows, "Rendered", {"subject": "$.MessageTemplate.Subject", "body": "$.MessageTemplate.Body",
                                 "id": "$.MessageTemplate.Id"}),
    ], action_metadata={"Render": {"parameters": {"WisdomMessageTemplateArn": {"displayName": "Order shipped"}}}})
    result = flows.run("Flow", mocks={"templates": {key: {"data": {"Subject": "Your order", "Body": "Shipped"}}}})

    assert result.branch("Render") == "Success"
    assert result.path == ["Render", "Rendered", "Done"]
    assert result.attributes == {"subject": "Your order", "body": "Shipped", "id": TEMPLATE_ID}
    assert flows.note(result, "Render") == "rendered template Order shipped"


def test_render_with_a_text_answer_renders_the_body(flows: FlowFactory) -> None:
    flows.make("Flow", [render(flows), show(flows, "Rendered", {"body": "$.MessageTemplate.Body"})])
    result = flows.run("Flow", mocks={"templates": {TEMPLATE_ARN: "Your code is 1234"}})

    assert result.attributes == {"body": "Your code is 1234"}
    assert result.contact.data["MessageTemplate"]["KnowledgeBaseArn"] == KB
    assert flows.note(result, "Render") == f"rendered template {TEMPLATE_ID}"


@pytest.mark.parametrize(("answer", "branch", "target"), [
    ({"error": "TemplateRenderingError"}, "TemplateRenderingError", "Render broken"),
    ({"error": True}, "NoMatchingError", "Render failed"),
])
def test_render_errors_come_from_the_mock(flows: FlowFactory, answer: dict[str, Any], branch: str,
                                          target: str) -> None:
    flows.make("Flow", [render(flows)])
    result = flows.run("Flow", mocks={"templates": {"Render": answer}})

    assert result.branch("Render") == branch
    assert result.path == ["Render", target]
    assert "MessageTemplate" not in result.contact.data
    assert flows.note(result, "Render") == f"template {TEMPLATE_ID} did not render"


def test_a_template_rendering_error_without_its_branch_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Render", "RenderMessageTemplate",
                                     {"WisdomMessageTemplateArn": TEMPLATE_ARN}, next_action="Rendered",
                                     errors={"NoMatchingError": "Render failed"})])
    result = flows.run("Flow", mocks={"templates": {"Render": {"error": "TemplateRenderingError"}}})

    assert result.branch("Render") == "NoMatchingError"
    assert result.path == ["Render", "Render failed"]


def test_an_error_that_is_not_the_blocks_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Flow", [render(flows)])
    with pytest.raises(MockError, match="has error 'NoneFoundError'; this block's errors are true, "
                                        "NoMatchingError and TemplateRenderingError"):
        flows.run("Flow", mocks={"templates": {"Render": {"error": "NoneFoundError"}}})


def test_render_without_a_mock_fails_the_test_naming_the_keys(flows: FlowFactory) -> None:
    flows.make("Flow", [render(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Flow")

    message = str(info.value)
    assert "block 'Render' (RenderMessageTemplate) of flow 'Flow'" in message
    assert f"add mocks.templates keyed by one of: Render, {QUALIFIED}, {TEMPLATE_ARN}, {TEMPLATE_ID}" in message


def test_a_list_of_answers_gives_one_per_run(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.action("Loop", "Loop", {"LoopCount": "3"},
                     conditions={"ContinueLooping": "Render", "DoneLooping": "Finished"}),
        render(flows, next_action="Keep"),
        flows.action("Keep", "UpdateContactAttributes",
                     {"Attributes": {"bodies": "$.Attributes.bodies|$.MessageTemplate.Body"}},
                     next_action="Loop"),
        flows.action("Render broken", "UpdateContactAttributes",
                     {"Attributes": {"bodies": "$.Attributes.bodies|broken"}}, next_action="Loop"),
    ])
    answers = ["first", {"error": "TemplateRenderingError"}, {"data": {"Body": "third"}}]
    result = flows.run("Flow", mocks={"templates": {"Render": answers}})

    assert result.branches("Render") == ["Success", "TemplateRenderingError", "Success"]
    assert result.attributes == {"bodies": "|first|broken|third"}

    flows.make("Longer", [
        flows.action("Loop4", "Loop", {"LoopCount": "4"},
                     conditions={"ContinueLooping": "Render4", "DoneLooping": "Finished"}),
        render(flows, "Render4", next_action="Loop4"),
    ])
    with pytest.raises(MockError, match=r"mocks.templates.Render4 lists 3 answer\(s\) but 'Render4' ran 4 times"):
        flows.run("Longer", mocks={"templates": {"Render4": ["one", "two", "three"]}})


def test_a_callable_mock_receives_the_template_and_attributes(flows: FlowFactory) -> None:
    seen: list[dict[str, Any]] = []

    def render_template(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"data": {"Body": f"Hello {request['Attributes']['name']}"}}

    flows.make("Flow", [render(flows, template="$.Attributes.template"),
                        show(flows, "Rendered", {"body": "$.MessageTemplate.Body"})])
    result = flows.run("Flow", attributes={"name": "Jane", "template": TEMPLATE_ARN},
                       mocks={"templates": {TEMPLATE_ID: render_template}})

    assert result.attributes["body"] == "Hello Jane"
    assert seen == [{"TemplateArn": TEMPLATE_ARN, "KnowledgeBaseArn": KB,
                     "Attributes": {"name": "Jane", "template": TEMPLATE_ARN}}]


@pytest.mark.parametrize(("parameters", "why"), [
    ({}, "WisdomMessageTemplateArn is missing"),
    ({"WisdomMessageTemplateArn": "$.Attributes.template"},
     "WisdomMessageTemplateArn '$.Attributes.template' is unset"),
    ({"WisdomMessageTemplateArn": ""}, "WisdomMessageTemplateArn is empty"),
], ids=["missing", "unset", "empty"])
def test_render_without_a_template_takes_error(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    flows.make("Flow", [flows.action("Render", "RenderMessageTemplate", parameters, next_action="Rendered",
                                     errors={"NoMatchingError": "Render failed"})])
    result = flows.run("Flow")

    assert result.branch("Render") == "NoMatchingError"
    assert flows.note(result, "Render") == why


@pytest.mark.parametrize("channel", CHANNELS)
def test_render_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [render(flows)])
    result = flows.run("Flow", channel=channel, mocks=MOCK)

    assert result.branch("Render") == "Success"


@pytest.mark.parametrize("flow_type", SEND_TYPES)
def test_send_message_works_in_every_flow_type_but_campaign(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [render(flows, next_action="Create"), create_email(flows), send_email(flows)],
               flow_type=flow_type)
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks=MOCK)

    assert [result.branch(b) for b in ("Render", "Create", "Send")] == ["Success"] * 3


@pytest.mark.parametrize("block", ["render", "create", "email", "sms"])
def test_send_message_blocks_take_error_in_a_campaign_flow(flows: FlowFactory, block: str) -> None:
    sms_flow(flows)
    first = {"render": render(flows, "Block"), "create": create_email(flows, identifier="Block"),
             "email": send_email(flows, identifier="Block"), "sms": send_sms(flows, identifier="Block")}[block]
    flows.make("Campaign", [first], flow_type="CAMPAIGN")
    result = flows.run("Campaign", attributes=ATTRIBUTES, mocks=MOCK)

    assert result.branch("Block") == "NoMatchingError"
    assert "is not allowed in a CAMPAIGN flow" in flows.note(result, "Block")


def test_a_campaign_flow_without_an_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Campaign", [flows.action("Render", "RenderMessageTemplate",
                                         {"WisdomMessageTemplateArn": TEMPLATE_ARN}, next_action="Rendered")],
               flow_type="CAMPAIGN")
    result = flows.run("Campaign", mocks=MOCK)

    assert result.ended == "error"
    assert "RenderMessageTemplate is not allowed in a CAMPAIGN flow" in result.reason


# --- CreateContact + StartOutboundEmailContact -----------------------------------------------


def test_an_email_is_created_sent_and_recorded(flows: FlowFactory) -> None:
    flows.make("Flow", [
        create_email(flows),
        send_email(flows, AdditionalRecipients={"CcEmailAddresses": [{"EmailAddress": "boss@example.com"}]}),
        show(flows, "Sent", {"sent_to": "$.OutboundEmails[0].To", "subject": "$.OutboundEmails[0].Subject",
                             "email_id": "$.OutboundEmails[0].ContactId"}),
    ])
    result = flows.run("Flow", channel="EMAIL", attributes=ATTRIBUTES)

    created = result.contact.data["CreatedContacts"]
    assert [c["Channel"] for c in created] == ["EMAIL"]
    assert created[0]["RelatedContactId"] == result.contact.contact_id
    assert result.path == ["Create", "Send", "Sent", "Done"]
    assert result.contact.data["OutboundEmails"] == [{
        "ContactId": created[0]["ContactId"],
        "RelatedContactId": result.contact.contact_id,
        "From": "info@example.com", "FromDisplayName": "Info",
        "To": "jane@example.com", "ToDisplayName": "Jane",
        "Cc": ["boss@example.com"],
        "MessageSourceType": "RAW",
        "Subject": "Order A-17", "Body": "Dear Jane,", "ContentType": "text/plain",
    }]
    assert result.attributes["sent_to"] == "jane@example.com"
    assert result.attributes["subject"] == "Order A-17"
    assert result.attributes["email_id"] == created[0]["ContactId"]
    assert flows.note(result, "Send") == "email to jane@example.com: 'Order A-17'"


def test_a_templated_send_message_sends_what_the_template_rendered(flows: FlowFactory) -> None:
    # As the console exports it: RenderMessageTemplate, CreateContact, then RAW with no RawMessage.
    flows.make("Flow", [render(flows, next_action="Create"), create_email(flows),
                        send_email(flows, {"MessageSourceType": "RAW"})])
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks=MOCK)

    email = result.contact.data["OutboundEmails"][0]
    assert (email["Subject"], email["Body"], email["TemplateId"]) == ("Your order", "It shipped.", TEMPLATE_ID)
    assert "MessageTemplate" not in result.contact.data  # used up by this send


def test_a_raw_email_with_no_message_and_no_template_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [create_email(flows), send_email(flows, {"MessageSourceType": "RAW"})])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Send") == "NoMatchingError"
    assert flows.note(result, "Send") == "EmailMessage has no RawMessage and no message template was rendered before"
    assert result.contact.data.get("OutboundEmails", []) == []


TEMPLATED = {"MessageSourceType": "TEMPLATE",
             "TemplatedMessageConfig": {"KnowledgeBaseId": "kb-1", "MessageTemplateId": TEMPLATE_ARN,
                                        "TemplateAttributes": {"CustomAttributes": {"order": "$.Attributes.order"}}}}


def test_a_template_email_takes_its_text_from_the_mock(flows: FlowFactory) -> None:
    seen: list[dict[str, Any]] = []

    def template(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"data": {"Subject": "Order shipped", "Body": f"Order {request['CustomAttributes']['order']}"}}

    flows.make("Flow", [create_email(flows), send_email(flows, TEMPLATED)])
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks={"templates": {TEMPLATE_ID: template}})

    email = result.contact.data["OutboundEmails"][0]
    assert (email["MessageSourceType"], email["Subject"], email["Body"]) == ("TEMPLATE", "Order shipped", "Order A-17")
    assert seen[0]["MessageTemplateId"] == TEMPLATE_ARN
    assert seen[0]["KnowledgeBaseId"] == "kb-1"


@pytest.mark.parametrize(("answer", "branch"), [
    ({"error": "TemplateRenderingError"}, "TemplateRenderingError"),
    ({"error": True}, "NoMatchingError"),
])
def test_a_template_email_that_does_not_render_takes_the_mocked_error(
    flows: FlowFactory, answer: dict[str, Any], branch: str
) -> None:
    flows.make("Flow", [create_email(flows), send_email(flows, TEMPLATED)])
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks={"templates": {"Send": answer}})

    assert result.branch("Send") == branch
    assert result.contact.data.get("OutboundEmails", []) == []


def test_a_template_email_without_a_mock_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Flow", [create_email(flows), send_email(flows, TEMPLATED)])
    with pytest.raises(MissingMockError, match="block 'Send' \\(StartOutboundEmailContact\\)"):
        flows.run("Flow", attributes=ATTRIBUTES)


def test_an_email_without_a_created_contact_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [send_email(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Send") == "NoMatchingError"
    assert flows.note(result, "Send") == ("no email contact to send: no CreateContact (Channel EMAIL) "
                                          "ran before this block")


def test_each_send_uses_its_own_created_contact(flows: FlowFactory) -> None:
    flows.make("Flow", [
        create_email(flows, next_action="Send"), send_email(flows, next_action="Create 2"),
        create_email(flows, identifier="Create 2", next_action="Send 2"),
        send_email(flows, identifier="Send 2", next_action="Send 3"),
        send_email(flows, identifier="Send 3", next_action="Done"),
    ])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    created = [c["ContactId"] for c in result.contact.data["CreatedContacts"]]
    sent = [e["ContactId"] for e in result.contact.data["OutboundEmails"]]
    assert len(set(created)) == 2
    assert sent == created
    assert result.branch("Send 3") == "NoMatchingError"  # both created contacts are sent


@pytest.mark.parametrize(("change", "why"), [
    ({"DestinationEmailAddress": {"EmailAddress": "not-an-address"}},
     "DestinationEmailAddress.EmailAddress 'not-an-address' is not an email address"),
    ({"DestinationEmailAddress": {"EmailAddress": "$.Attributes.missing"}},
     "DestinationEmailAddress.EmailAddress '$.Attributes.missing' is unset"),
    ({"DestinationEmailAddress": None}, "DestinationEmailAddress must be an object, not None"),
    ({"FromEmailAddress": {"EmailAddress": "info"}}, "FromEmailAddress.EmailAddress 'info' is not an email address"),
    ({"AdditionalRecipients": {"CcEmailAddresses": "a@example.com;oops"}},
     "CcEmailAddresses[].EmailAddress 'oops' is not an email address"),
    ({"EmailMessage": {"MessageSourceType": "HTML"}},
     "EmailMessage.MessageSourceType must be RAW or TEMPLATE, not 'HTML'"),
    ({"EmailMessage": {"MessageSourceType": "RAW", "RawMessage": {"Subject": "x" * 999, "Body": "b"}}},
     "the email is too long: subject 999 of 998, message 1 of 5000 characters"),
], ids=["bad-to", "unset-to", "no-to", "bad-from", "bad-cc", "bad-source", "long-subject"])
def test_email_parameter_errors(flows: FlowFactory, change: dict[str, Any], why: str) -> None:
    email = send_email(flows)
    email["Parameters"].update(change)
    email["Parameters"] = {k: v for k, v in email["Parameters"].items() if v is not None}
    flows.make("Flow", [create_email(flows), email])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Send") == "NoMatchingError"
    assert flows.note(result, "Send") == why
    assert result.contact.data.get("OutboundEmails", []) == []


def test_a_cc_list_set_dynamically_is_split_at_semicolons(flows: FlowFactory) -> None:
    flows.make("Flow", [create_email(flows),
                        send_email(flows, AdditionalRecipients={"CcEmailAddresses": "$.Attributes.cc"})])
    result = flows.run("Flow", attributes={**ATTRIBUTES, "cc": "a@example.com; b@example.com"})

    assert result.contact.data["OutboundEmails"][0]["Cc"] == ["a@example.com", "b@example.com"]


@pytest.mark.parametrize(("parameters", "why"), [
    ({"Channel": "VOICE"}, "Channel must be EMAIL, not 'VOICE'"),
    ({"Channel": None}, "Channel is missing"),
    ({"RelatedContact": "PREVIOUS"}, "RelatedContact must be CURRENT, not 'PREVIOUS'"),
], ids=["voice", "no-channel", "related-previous"])
def test_create_contact_errors(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    block = create_email(flows, next_action="Done")
    block["Parameters"].update(parameters)
    block["Parameters"] = {k: v for k, v in block["Parameters"].items() if v is not None}
    flows.make("Flow", [block])
    result = flows.run("Flow")

    assert result.branch("Create") == "NoMatchingError"
    assert flows.note(result, "Create") == why
    assert result.contact.data.get("CreatedContacts", []) == []


def test_create_contact_without_related_contact_links_nothing(flows: FlowFactory) -> None:
    block = create_email(flows, next_action="Done")
    del block["Parameters"]["RelatedContact"]
    flows.make("Flow", [block])
    result = flows.run("Flow", channel="VOICE")

    assert result.branch("Create") == "Success"
    assert result.contact.data["CreatedContacts"][0]["RelatedContactId"] is None


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_email_can_be_sent_from_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [create_email(flows), send_email(flows)])
    result = flows.run("Flow", channel=channel, attributes=ATTRIBUTES)

    assert [result.branch("Create"), result.branch("Send")] == ["Success", "Success"]


# --- StartOutboundChatContact (SMS) ----------------------------------------------------------


def test_an_sms_contact_is_started_and_recorded(flows: FlowFactory) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows),
                        show(flows, "Sent", {"sms_to": "$.OutboundChats[0].To",
                                             "flow": "$.OutboundChats[0].ContactFlow"})])
    result = flows.run("Flow", channel="VOICE", attributes=ATTRIBUTES)

    chat = result.contact.data["OutboundChats"][0]
    assert result.branch("SMS") == "Success"
    assert result.path == ["SMS", "Sent", "Done"]
    assert chat == {"ContactId": chat["ContactId"], "RelatedContactId": result.contact.contact_id,
                    "ContactSubtype": "connect:SMS", "From": PHONE_ARN, "To": "+15555550123",
                    "ContactFlow": "SMS flow", "Message": "Hi Jane"}
    assert chat["ContactId"] != result.contact.contact_id
    assert result.attributes["sms_to"] == "+15555550123"
    assert result.attributes["flow"] == "SMS flow"
    assert result.flows == ["Flow"]  # the new contact's flow is not run here
    assert flows.note(result, "SMS") == "SMS to +15555550123, handled by SMS flow"


def test_an_sms_after_a_template_sends_the_rendered_text(flows: FlowFactory) -> None:
    sms_flow(flows)
    flows.make("Flow", [render(flows, next_action="SMS"), send_sms(flows, InitialSystemMessage=None)])
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks={"templates": {"Render": "Code 1234"}})

    assert result.contact.data["OutboundChats"][0]["Message"] == "Code 1234"


def test_an_sms_without_a_message_leaves_it_to_the_new_flow(flows: FlowFactory) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows, InitialSystemMessage=None)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("SMS") == "Success"
    assert result.contact.data["OutboundChats"][0]["Message"] is None


@pytest.mark.parametrize(("answer", "branch", "message"), [
    ({"data": {"Body": "Your code"}}, "Success", "Your code"),
    ({"error": "TemplateRenderingError"}, "TemplateRenderingError", None),
])
def test_an_sms_with_a_templated_message_takes_it_from_the_mock(
    flows: FlowFactory, answer: dict[str, Any], branch: str, message: str | None
) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows, InitialSystemMessage=None,
                                 InitialTemplatedSystemMessage={"KnowledgeBaseId": "kb-1",
                                                                "MessageTemplateId": TEMPLATE_ID})])
    result = flows.run("Flow", attributes=ATTRIBUTES, mocks={"templates": {TEMPLATE_ID: answer}})

    assert result.branch("SMS") == branch
    chats = result.contact.data.get("OutboundChats", [])
    assert [c["Message"] for c in chats] == ([message] if message else [])


def test_an_sms_to_a_flow_that_is_not_loaded_takes_error_and_is_noted(flows: FlowFactory) -> None:
    flows.make("Flow", [send_sms(flows, ContactFlowArn="$.Attributes.flow")])
    result = flows.run("Flow", attributes={**ATTRIBUTES, "flow": "Nowhere"})

    assert result.branch("SMS") == "NoMatchingError"
    assert flows.note(result, "SMS") == "ContactFlowArn 'Nowhere' names no loaded flow"
    assert any("ContactFlowArn 'Nowhere' names no loaded flow" in n for n in result.trace.notes)


def test_an_sms_flow_named_by_the_console_display_text_resolves(flows: FlowFactory) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows, ContactFlowArn="arn:aws:connect:us-east-1:1:instance/x/contact-flow/gone")],
               action_metadata={"SMS": {"parameters": {"ContactFlowArn": {"displayName": "SMS flow"}}}})
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.contact.data["OutboundChats"][0]["ContactFlow"] == "SMS flow"


@pytest.mark.parametrize(("change", "why"), [
    ({"ContactSubtype": "connect:WhatsApp"}, "ContactSubtype must be connect:SMS, not 'connect:WhatsApp'"),
    ({"SourceEndpoint": {"Address": PHONE_ARN, "Type": "TELEPHONE_NUMBER"}},
     "SourceEndpoint.Type must be CONNECT_PHONENUMBER_ARN, not 'TELEPHONE_NUMBER'"),
    ({"SourceEndpoint": {"Address": "", "Type": "CONNECT_PHONENUMBER_ARN"}}, "SourceEndpoint.Address is empty"),
    ({"SourceEndpoint": {"Address": "+15555550199", "Type": "CONNECT_PHONENUMBER_ARN"}},
     "SourceEndpoint.Address '+15555550199' is not a phone number ARN"),
    ({"DestinationEndpoint": {"Address": "555-0123", "Type": "TELEPHONE_NUMBER"}},
     "DestinationEndpoint.Address '555-0123' is not an E.164 phone number"),
    ({"RelatedContact": "OTHER"}, "RelatedContact must be CURRENT, not 'OTHER'"),
    ({"InitialSystemMessage": {"Content": "x" * 1025}}, "the SMS is 1025 characters, over the 1024-character limit"),
], ids=["subtype", "source-type", "source-empty", "source-not-arn", "destination", "related", "too-long"])
def test_sms_parameter_errors(flows: FlowFactory, change: dict[str, Any], why: str) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows, **change)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("SMS") == "NoMatchingError"
    assert flows.note(result, "SMS") == why
    assert result.contact.data.get("OutboundChats", []) == []


def test_an_sms_flow_cannot_be_a_module(flows: FlowFactory) -> None:
    flows.make("Module", [flows.action("Back", "EndFlowModuleExecution")], module=True)
    flows.make("Flow", [send_sms(flows, ContactFlowArn=flows.flow_arn("Module", module=True))])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("SMS") == "NoMatchingError"
    assert flows.note(result, "SMS") == "ContactFlowArn 'Module' is a flow module, not a flow"


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_sms_can_be_sent_from_every_channel(flows: FlowFactory, channel: str) -> None:
    sms_flow(flows)
    flows.make("Flow", [send_sms(flows)])
    result = flows.run("Flow", channel=channel, attributes=ATTRIBUTES)

    assert result.branch("SMS") == "Success"


# --- CreatePersistentContactAssociation ------------------------------------------------------


def persist(flows: FlowFactory, rehydration: str = "From Segment", source: str | None = "$.Attributes.previous",
            identifier: str = "Persist", next_action: str = "Show") -> ActionDict:
    params = {"RehydrationType": rehydration}
    if source is not None:
        params["SourceContactId"] = source
    return flows.action(identifier, "CreatePersistentContactAssociation", params, next_action=next_action,
                        errors={"NoMatchingError": "Persist failed"})


@pytest.mark.parametrize(("rehydration", "stored"), [
    ("From Segment", "FROM_SEGMENT"), ("FROM_SEGMENT", "FROM_SEGMENT"),
    ("ENTIRE_PAST_SESSION", "ENTIRE_PAST_SESSION"), ("Entire past session", "ENTIRE_PAST_SESSION"),
])
def test_persistent_chat_is_recorded(flows: FlowFactory, rehydration: str, stored: str) -> None:
    flows.make("Flow", [persist(flows, rehydration),
                        show(flows, "Show", {"source": "$.PersistentChat.SourceContactId"})])
    result = flows.run("Flow", channel="CHAT", attributes={"previous": "c-41"})

    assert result.branch("Persist") == "Success"
    assert result.contact.data["PersistentChat"] == {"RehydrationType": stored, "SourceContactId": "c-41"}
    assert result.attributes["source"] == "c-41"
    assert flows.note(result, "Persist") == f"{stored} from c-41"


@pytest.mark.parametrize(("rehydration", "source", "why"), [
    ("Latest", "c-41", "RehydrationType must be ENTIRE_PAST_SESSION or FROM_SEGMENT, not 'Latest'"),
    ("FROM_SEGMENT", None, "SourceContactId is missing"),
    ("FROM_SEGMENT", "$.Attributes.none", "SourceContactId '$.Attributes.none' is unset"),
], ids=["rehydration", "no-source", "unset-source"])
def test_persistent_chat_errors(flows: FlowFactory, rehydration: str, source: str | None, why: str) -> None:
    flows.make("Flow", [persist(flows, rehydration, source)])
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Persist") == "NoMatchingError"
    assert flows.note(result, "Persist") == why
    assert "PersistentChat" not in result.contact.data


def test_persistent_chat_is_enabled_once_per_chat(flows: FlowFactory) -> None:
    flows.make("Flow", [persist(flows, next_action="Again"),
                        persist(flows, "ENTIRE_PAST_SESSION", "c-9", identifier="Again", next_action="Done")])
    result = flows.run("Flow", channel="CHAT", attributes={"previous": "c-41"})

    assert result.branch("Again") == "NoMatchingError"
    assert flows.note(result, "Again") == "persistent chat is already enabled on this contact"
    assert result.contact.data["PersistentChat"]["SourceContactId"] == "c-41"


@pytest.mark.parametrize("channel", ["VOICE", "TASK", "EMAIL"])
def test_persistent_chat_takes_error_off_chat(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [persist(flows)])
    result = flows.run("Flow", channel=channel, attributes={"previous": "c-41"})

    assert result.branch("Persist") == "NoMatchingError"
    assert flows.note(result, "Persist") == f"CreatePersistentContactAssociation does not work on {channel}"


@pytest.mark.parametrize("flow_type", SEND_TYPES)
def test_persistent_chat_works_in_every_flow_type_but_campaign(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [persist(flows)], flow_type=flow_type)
    result = flows.run("Flow", channel="CHAT", attributes={"previous": "c-41"})

    assert result.branch("Persist") == "Success"


def test_persistent_chat_in_a_campaign_flow_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Persist", "CreatePersistentContactAssociation",
                                     {"RehydrationType": "FROM_SEGMENT", "SourceContactId": "c-1"},
                                     next_action="Done")], flow_type="CAMPAIGN")
    result = flows.run("Flow", channel="CHAT")

    assert result.ended == "error"
    assert "CreatePersistentContactAssociation is not allowed in a CAMPAIGN flow" in result.reason


# --- ResumeContact ---------------------------------------------------------------------------


def resume(flows: FlowFactory) -> ActionDict:
    return flows.action("Resume", "ResumeContact", {}, next_action="Done", errors={"NoMatchingError": "Failed"})


@pytest.mark.parametrize("flow_type", [*SEND_TYPES, "CAMPAIGN"])
def test_resume_contact_resumes_a_task_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [resume(flows)], flow_type=flow_type)
    result = flows.run("Flow", channel="TASK")

    assert result.branch("Resume") == "Success"
    assert result.path == ["Resume", "Done"]
    assert flows.note(result, "Resume") == "task resumed"


@pytest.mark.parametrize("channel", ["VOICE", "CHAT", "EMAIL"])
def test_resume_contact_takes_error_off_task(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [resume(flows)])
    result = flows.run("Flow", channel=channel)

    assert result.branch("Resume") == "NoMatchingError"
    assert result.path == ["Resume", "Failed"]


def test_resume_contact_off_task_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Resume", "ResumeContact", {}, next_action="Done")])
    result = flows.run("Flow", channel="VOICE")

    assert result.ended == "error"
    assert "ResumeContact does not work on VOICE" in result.reason


# --- The corpus block catalogue ---------------------------------------------------------------


def test_corpus_catalogue_sends_a_templated_email(flows: FlowFactory) -> None:
    sim = catalogue(flows, "send-message-email")
    result = sim.run("agent_hold", mocks={"templates": {"my_template": {"data": {"Subject": "Hello",
                                                                                  "Body": "Hi Jane"}}}})

    assert [result.branch(b) for b in ("send-message-email", "send-message-email-uxYvIfOwpO",
                                       "send-message-email-zaGelDUvnf")] == ["Success"] * 3
    email = result.contact.data["OutboundEmails"][0]
    assert (email["From"], email["FromDisplayName"], email["To"]) == (
        "info@contactflow-templater.email.connect.aws", "Info", "jane@doe.com")
    assert (email["Subject"], email["Body"]) == ("Hello", "Hi Jane")
    assert email["TemplateId"] == "53cc26f7-ab90-4a98-a946-4e86e3470c04"
    # The catalogue leaves its blocks unconnected: the send's NextAction is empty.
    assert result.ended == "error"
    assert "whose NextAction is empty" in result.reason


def test_corpus_catalogue_email_template_that_fails_to_render(flows: FlowFactory) -> None:
    sim = catalogue(flows, "send-message-email")
    result = sim.run("agent_hold", mocks={"templates": {"my_template": {"error": "TemplateRenderingError"}}})

    assert result.branch("send-message-email") == "TemplateRenderingError"
    assert result.path == ["send-message-email"]


def test_corpus_catalogue_sms_without_a_source_number_takes_error(flows: FlowFactory) -> None:
    # Its "From" is set dynamically in the console and exported empty.
    sim = catalogue(flows, "send-message-sms")
    result = sim.run("agent_hold", mocks={"templates": {"my_sms_template": "Your code is 1234"}})

    assert result.branch("send-message-sms") == "Success"
    assert result.branch("send-message-sms-mqXNlFZpIh") == "NoMatchingError"
    assert flows.note(result, "send-message-sms-mqXNlFZpIh") == "SourceEndpoint.Address is empty"


@pytest.mark.parametrize(("channel", "branch", "why"), [
    ("CHAT", "NoMatchingError", "SourceContactId is missing"),
    ("VOICE", "NoMatchingError", "CreatePersistentContactAssociation does not work on VOICE"),
])
def test_corpus_catalogue_persistent_chat(flows: FlowFactory, channel: str, branch: str, why: str) -> None:
    sim = catalogue(flows, "create persistent contact association")
    result = sim.run("agent_hold", contact=SimulatedContact(channel=channel))

    assert result.branch("create persistent contact association") == branch
    assert flows.note(result, "create persistent contact association") == why


@pytest.mark.parametrize(("channel", "branch"), [("TASK", "Success"), ("CHAT", "NoMatchingError")])
def test_corpus_catalogue_resume_contact(flows: FlowFactory, channel: str, branch: str) -> None:
    sim = catalogue(flows, "resume-contact")
    result = sim.run("agent_hold", contact=SimulatedContact(channel=channel))

    assert result.branch("resume-contact") == branch
