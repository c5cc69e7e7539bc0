"""Messaging: the Send message block (RenderMessageTemplate, CreateContact,
StartOutboundEmailContact, StartOutboundChatContact), Create persistent contact association and
Resume contact.

The console's Send message block is exported as two or three actions: an optional
RenderMessageTemplate (when a message template is chosen), then CreateContact +
StartOutboundEmailContact for an email, or StartOutboundChatContact for an SMS. The new outbound
contact is another contact: the simulator records it on the current contact (see
docs/contact-actions.md) and does not run its flow.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..errors import MockError
from ..flow.model import Action
from ..mocks.services import ServiceAnswer, find_answer
from .registry import ALL_FLOW_TYPES, BlockHandler, BlockSpec

# The Send message block page lists every flow type but campaign flows (Admin Guide "Flow block
# in Amazon Connect: Send message", Flow types table); its contact types are all four channels.
SEND_MESSAGE_FLOW_TYPES = ALL_FLOW_TYPES - {"CAMPAIGN"}
# Create persistent contact association: the same list (its block page, Flow types).
PERSISTENT_CHAT_FLOW_TYPES = ALL_FLOW_TYPES - {"CAMPAIGN"}

# Where the simulator keeps what these blocks create (contact.data, readable by reference).
RENDERED = "MessageTemplate"  # the last rendered template: Arn, Id, Subject, Body, ...
CREATED = "CreatedContacts"  # CreateContact: the outbound EMAIL contacts created
EMAILS = "OutboundEmails"  # StartOutboundEmailContact: the emails sent
CHATS = "OutboundChats"  # StartOutboundChatContact: the SMS contacts started
PERSISTENT = "PersistentChat"  # CreatePersistentContactAssociation

TEMPLATE_ERRORS = ("NoMatchingError", "TemplateRenderingError")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164_RE = re.compile(r"^\+[1-9][0-9]{1,14}$")
# Console limits of the Send message block ("About creating email and text messages").
MAX_SUBJECT = 998
MAX_EMAIL_BODY = 5000
MAX_SMS = 1024
REHYDRATION_TYPES = ("ENTIRE_PAST_SESSION", "FROM_SEGMENT")


class InvalidParameter(Exception):
    """A parameter is missing or malformed: the block takes NoMatchingError with this note."""


# --- helpers shared with tasks.py and contact_settings.py ------------------------------------


def new_contact_id(ctx: RunContext, kind: str, count: int) -> str:
    """A contact Id for the `count`-th contact of `kind` this contact created: a UUID derived from
    the contact's Id, so runs repeat exactly."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"connectflow/{ctx.contact.contact_id}/{kind}/{count}"))


def records(ctx: RunContext, key: str) -> list[dict[str, Any]]:
    """The list kept under contact.data[key], created on first use."""
    found = ctx.contact.data.get(key)
    if not isinstance(found, list):
        found = []
        ctx.contact.data[key] = found
    return found


def required_text(ctx: RunContext, value: Any, name: str) -> str:
    """A static or dynamic string parameter that must have a value."""
    resolved = None if value is None else ctx.resolve(value)
    if value is None:
        raise InvalidParameter(f"{name} is missing")
    if resolved is None:
        raise InvalidParameter(f"{name} {value!r} is unset")
    if resolved == "":
        raise InvalidParameter(f"{name} is empty")
    return resolved


def optional_text(ctx: RunContext, value: Any) -> str | None:
    """A static or dynamic string parameter that may be left out (unset or empty → None)."""
    resolved = None if value is None else ctx.resolve(value)
    return resolved or None


def mapping(value: Any, name: str, *, required: bool = True) -> dict[str, Any]:
    """An object parameter; an optional one left out is an empty object."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidParameter(f"{name} must be an object, not {value!r}")
    return value


def related_contact(ctx: RunContext, action: Action) -> str | None:
    """RelatedContact: only CURRENT (link to this contact) is documented."""
    raw = action.parameters.get("RelatedContact")
    if raw in (None, ""):
        return None
    value = ctx.resolve(raw)
    if value != "CURRENT":
        raise InvalidParameter(f"RelatedContact must be CURRENT, not {value!r}")
    return ctx.contact.contact_id


def guarded(run: BlockHandler) -> BlockHandler:
    """`run` as a block handler: an InvalidParameter it raises takes NoMatchingError, with the
    reason as the trace note (a malformed parameter is never a Python exception)."""

    def handler(ctx: RunContext, action: Action) -> Outcome:
        try:
            return run(ctx, action)
        except InvalidParameter as exc:
            return error(note=str(exc))

    handler.__name__ = run.__name__
    handler.__doc__ = run.__doc__
    return handler


# --- message templates -----------------------------------------------------------------------


def template_id(ref: str) -> tuple[str, str]:
    """(template Id, ARN without its version qualifier) of a message template reference such as
    `arn:aws:wisdom:REGION:ACCOUNT:message-template/KB_ID/TEMPLATE_ID:$ACTIVE_VERSION`."""
    last = ref.split("message-template/", 1)[-1].rsplit("/", 1)[-1]
    the_id, _, qualifier = last.partition(":")
    return the_id, ref[: len(ref) - len(qualifier) - 1] if qualifier else ref


def template_keys(ctx: RunContext, action: Action, ref: str, parameter: str) -> list[str]:
    """The keys a template mock may use besides the block: the reference as written, the ARN
    without its version qualifier (`:$ACTIVE_VERSION`, `:3`), the template Id, and the template
    name the console keeps in the block's metadata."""
    the_id, unqualified = template_id(ref)
    keys = [ref, unqualified, the_id, ctx.display_name(action, parameter) or ""]
    return list(dict.fromkeys(k for k in keys if k))


def template_answer(
    ctx: RunContext, action: Action, ref: str, parameter: str, request: Mapping[str, Any]
) -> ServiceAnswer:
    """The rendering of a message template from `mocks.templates` (missing → the test fails)."""
    answer = find_answer(ctx, action, "templates", template_keys(ctx, action, ref, parameter), request)
    if answer.error is not None and answer.error not in TEMPLATE_ERRORS:
        raise MockError(
            f"the mocks.templates answer for {ctx.where(action)} has error {answer.error!r}; "
            f"this block's errors are true, {' and '.join(TEMPLATE_ERRORS)}"
        )
    return answer


def rendered_content(answer: ServiceAnswer) -> dict[str, Any]:
    """What a template renders to: the answer's data (Subject, Body, ...), its result as Body."""
    content = {str(k): v for k, v in answer.data.items()}
    if answer.result is not None and "Body" not in content:
        content["Body"] = answer.result
    return content


def template_request(ctx: RunContext, **fields: Any) -> dict[str, Any]:
    # What a Python callable mock receives: the template and the attributes it may interpolate.
    return {**fields, "Attributes": dict(ctx.contact.attributes)}


def take_rendered(ctx: RunContext) -> dict[str, Any] | None:
    """The template an earlier RenderMessageTemplate rendered, used up by the send that follows
    it (each Send message block renders its own)."""
    rendered = ctx.contact.data.pop(RENDERED, None)
    return rendered if isinstance(rendered, dict) else None


def run_render_template(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    ref = required_text(ctx, params.get("WisdomMessageTemplateArn"), "WisdomMessageTemplateArn")
    knowledge_base = optional_text(ctx, params.get("WisdomKnowledgeBaseArn"))
    request = template_request(ctx, TemplateArn=ref, KnowledgeBaseArn=knowledge_base)
    answer = template_answer(ctx, action, ref, "WisdomMessageTemplateArn", request)
    name = ctx.display_name(action, "WisdomMessageTemplateArn") or template_id(ref)[0]
    if answer.error is not None:
        return error(answer.error, f"template {name} did not render")
    ctx.contact.data[RENDERED] = {
        "Arn": ref, "Id": template_id(ref)[0], "Name": name, "KnowledgeBaseArn": knowledge_base,
        **rendered_content(answer),
    }
    return success(f"rendered template {name}")


# --- CreateContact + StartOutboundEmailContact ------------------------------------------------


def run_create_contact(ctx: RunContext, action: Action) -> Outcome:
    channel = required_text(ctx, action.parameters.get("Channel"), "Channel")
    if channel != "EMAIL":
        # The Send message block creates EMAIL contacts only (CreateContact with Channel EMAIL).
        raise InvalidParameter(f"Channel must be EMAIL, not {channel!r}")
    related = related_contact(ctx, action)
    created = records(ctx, CREATED)
    contact_id = new_contact_id(ctx, "email", len(created))
    created.append({"ContactId": contact_id, "Channel": channel, "RelatedContactId": related})
    return success(f"EMAIL contact {contact_id} created")


def _address(ctx: RunContext, raw: Any, name: str) -> tuple[str, str | None]:
    """An {EmailAddress, DisplayName} object: (address, display name)."""
    info = mapping(raw, name)
    address = required_text(ctx, info.get("EmailAddress"), f"{name}.EmailAddress")
    if not EMAIL_RE.match(address):
        raise InvalidParameter(f"{name}.EmailAddress {address!r} is not an email address")
    return address, optional_text(ctx, info.get("DisplayName"))


def _cc(ctx: RunContext, raw: Any) -> list[str]:
    listed = mapping(raw, "AdditionalRecipients", required=False).get("CcEmailAddresses", [])
    if isinstance(listed, str):  # set dynamically: addresses separated by ';'
        parts = (ctx.resolve(listed) or "").split(";")
        listed = [{"EmailAddress": part.strip()} for part in parts if part.strip()]
    if not isinstance(listed, list):
        raise InvalidParameter("AdditionalRecipients.CcEmailAddresses must be a list")
    return [_address(ctx, item, "CcEmailAddresses[]")[0] for item in listed]


def _email_message(ctx: RunContext, action: Action) -> tuple[str, dict[str, Any]] | Outcome:
    """(MessageSourceType, {Subject, Body, TemplateId?}), or the error outcome of the template."""
    message = mapping(action.parameters.get("EmailMessage"), "EmailMessage")
    source = required_text(ctx, message.get("MessageSourceType"), "EmailMessage.MessageSourceType")
    if source == "TEMPLATE":
        config = mapping(message.get("TemplatedMessageConfig"), "EmailMessage.TemplatedMessageConfig")
        ref = required_text(ctx, config.get("MessageTemplateId"), "TemplatedMessageConfig.MessageTemplateId")
        custom = mapping(config.get("TemplateAttributes"), "TemplateAttributes", required=False)
        request = template_request(ctx, MessageTemplateId=ref, KnowledgeBaseId=config.get("KnowledgeBaseId"),
                                   CustomAttributes=ctx.resolve_map(custom.get("CustomAttributes")))
        answer = template_answer(ctx, action, ref, "EmailMessage", request)
        if answer.error is not None:
            return error(answer.error, f"template {template_id(ref)[0]} did not render")
        return source, {**rendered_content(answer), "TemplateId": template_id(ref)[0]}
    if source != "RAW":
        raise InvalidParameter(f"EmailMessage.MessageSourceType must be RAW or TEMPLATE, not {source!r}")
    raw = message.get("RawMessage")
    if raw is not None:
        body = mapping(raw, "EmailMessage.RawMessage")
        return source, {
            "Subject": ctx.render(str(body.get("Subject", ""))),
            "Body": ctx.render(str(body.get("Body", ""))),
            "ContentType": str(body.get("ContentType", "text/plain")),
        }
    # The console exports a templated Send message as RenderMessageTemplate, then RAW with no
    # RawMessage: the email carries what the template rendered to.
    rendered = take_rendered(ctx)
    if rendered is None:
        raise InvalidParameter("EmailMessage has no RawMessage and no message template was rendered before")
    return source, {"Subject": rendered.get("Subject", ""), "Body": rendered.get("Body", ""),
                    "TemplateId": rendered.get("Id")}


def run_outbound_email(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    sender: tuple[str | None, str | None] = (None, None)
    if params.get("FromEmailAddress") is not None:
        sender = _address(ctx, params.get("FromEmailAddress"), "FromEmailAddress")
    to, to_name = _address(ctx, params.get("DestinationEmailAddress"), "DestinationEmailAddress")
    cc = _cc(ctx, params.get("AdditionalRecipients"))
    # StartOutboundEmailContact sends a contact that CreateContact created (API Reference: "an
    # agent reply or outbound email contact (created from the CreateContact API)").
    sent = records(ctx, EMAILS)
    used = {item.get("ContactId") for item in sent}
    pending = [c for c in records(ctx, CREATED) if c.get("ContactId") not in used]
    if not pending:
        raise InvalidParameter("no email contact to send: no CreateContact (Channel EMAIL) ran before this block")
    message = _email_message(ctx, action)
    if isinstance(message, Outcome):
        return message
    source, content = message
    subject, body = str(content.get("Subject") or ""), str(content.get("Body") or "")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_EMAIL_BODY:
        raise InvalidParameter(f"the email is too long: subject {len(subject)} of {MAX_SUBJECT}, "
                       f"message {len(body)} of {MAX_EMAIL_BODY} characters")
    contact = pending[-1]
    sent.append({
        "ContactId": contact["ContactId"],
        "RelatedContactId": contact.get("RelatedContactId"),
        "From": sender[0],
        "FromDisplayName": sender[1],
        "To": to,
        "ToDisplayName": to_name,
        "Cc": cc,
        "MessageSourceType": source,
        **content,
    })
    return success(f"email to {to}: {subject!r}")


# --- StartOutboundChatContact (SMS) -----------------------------------------------------------


def _endpoint(ctx: RunContext, raw: Any, name: str, expected_type: str) -> str:
    endpoint = mapping(raw, name)
    kind = required_text(ctx, endpoint.get("Type"), f"{name}.Type")
    if kind != expected_type:
        raise InvalidParameter(f"{name}.Type must be {expected_type}, not {kind!r}")
    return required_text(ctx, endpoint.get("Address"), f"{name}.Address")


def _sms_message(ctx: RunContext, action: Action) -> str | Outcome | None:
    params = action.parameters
    if params.get("InitialSystemMessage") is not None:
        initial = mapping(params.get("InitialSystemMessage"), "InitialSystemMessage")
        return ctx.render(str(initial.get("Content", "")))
    if params.get("InitialTemplatedSystemMessage") is not None:
        config = mapping(params.get("InitialTemplatedSystemMessage"), "InitialTemplatedSystemMessage")
        ref = required_text(ctx, config.get("MessageTemplateId"), "InitialTemplatedSystemMessage.MessageTemplateId")
        request = template_request(ctx, MessageTemplateId=ref, KnowledgeBaseId=config.get("KnowledgeBaseId"))
        answer = template_answer(ctx, action, ref, "InitialTemplatedSystemMessage", request)
        if answer.error is not None:
            return error(answer.error, f"template {template_id(ref)[0]} did not render")
        return str(rendered_content(answer).get("Body", ""))
    rendered = take_rendered(ctx)
    if rendered is not None:
        return str(rendered.get("Body", ""))
    return None  # no first message: the new contact's flow may send one itself


def run_outbound_chat(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    subtype = required_text(ctx, params.get("ContactSubtype"), "ContactSubtype")
    if subtype != "connect:SMS":
        raise InvalidParameter(f"ContactSubtype must be connect:SMS, not {subtype!r}")
    source = _endpoint(ctx, params.get("SourceEndpoint"), "SourceEndpoint", "CONNECT_PHONENUMBER_ARN")
    if not source.startswith("arn:"):
        raise InvalidParameter(f"SourceEndpoint.Address {source!r} is not a phone number ARN")
    destination = _endpoint(ctx, params.get("DestinationEndpoint"), "DestinationEndpoint", "TELEPHONE_NUMBER")
    if not E164_RE.match(destination):
        raise InvalidParameter(f"DestinationEndpoint.Address {destination!r} is not an E.164 phone number")
    raw_flow = params.get("ContactFlowArn")
    flow_ref = ctx.resolve(raw_flow)
    flow = ctx.resolve_flow(flow_ref, action, "ContactFlowArn")
    if flow is None:
        # As for Transfer to flow: a flow that does not exist takes Error, noted for the run.
        shown = flow_ref or raw_flow
        ctx.note(f"{ctx.where(action)}: ContactFlowArn {shown!r} names no loaded flow")
        raise InvalidParameter(f"ContactFlowArn {shown!r} names no loaded flow")
    if flow.is_module:
        raise InvalidParameter(f"ContactFlowArn {flow.name!r} is a flow module, not a flow")
    related = related_contact(ctx, action)
    message = _sms_message(ctx, action)
    if isinstance(message, Outcome):
        return message
    if message is not None and len(message) > MAX_SMS:
        raise InvalidParameter(f"the SMS is {len(message)} characters, over the {MAX_SMS}-character limit")
    chats = records(ctx, CHATS)
    contact_id = new_contact_id(ctx, "sms", len(chats))
    chats.append({
        "ContactId": contact_id,
        "RelatedContactId": related,
        "ContactSubtype": subtype,
        "From": source,
        "To": destination,
        "ContactFlow": flow.name,
        "Message": message,
    })
    return success(f"SMS to {destination}, handled by {flow.name}")


# --- Create persistent contact association, Resume contact -----------------------------------


def run_persistent_chat(ctx: RunContext, action: Action) -> Outcome:
    raw = required_text(ctx, action.parameters.get("RehydrationType"), "RehydrationType")
    # Exports write the console label ("From Segment") as well as the API value (FROM_SEGMENT).
    rehydration = re.sub(r"[\s-]+", "_", raw.strip()).upper()
    if rehydration not in REHYDRATION_TYPES:
        raise InvalidParameter(f"RehydrationType must be {' or '.join(REHYDRATION_TYPES)}, not {raw!r}")
    source = required_text(ctx, action.parameters.get("SourceContactId"), "SourceContactId")
    if PERSISTENT in ctx.contact.data:
        # Admin Guide: "You can enable persistence of a SourceContactID on a new chat only once."
        raise InvalidParameter("persistent chat is already enabled on this contact")
    ctx.contact.data[PERSISTENT] = {"RehydrationType": rehydration, "SourceContactId": source}
    return success(f"{rehydration} from {source}")


def run_resume_contact(ctx: RunContext, action: Action) -> Outcome:
    # No parameters and no result: the task goes on (its flow must queue it again itself).
    return success("task resumed")


SPECS: tuple[BlockSpec, ...] = (
    BlockSpec(
        action_type="RenderMessageTemplate",
        run=guarded(run_render_template),
        console_name="Send message (message template)",
        branches=("Success", "TemplateRenderingError", "NoMatchingError"),
        flow_types=SEND_MESSAGE_FLOW_TYPES,
        model="Renders the Amazon Q in Connect message template named by WisdomMessageTemplateArn "
        "from the templates mock and keeps the result (Subject, Body, ...) in "
        "contact.data['MessageTemplate'] for the email or SMS that follows.",
        mocks="mocks.templates by template ARN (with or without its version), template Id, "
        "template name or block: {data: {Subject, Body}} or the text; {error: TemplateRenderingError}",
        family="messaging",
    ),
    BlockSpec(
        action_type="CreateContact",
        run=guarded(run_create_contact),
        console_name="Send message (email contact)",
        branches=("Success", "NoMatchingError"),
        flow_types=SEND_MESSAGE_FLOW_TYPES,
        model="Creates the outbound EMAIL contact a Send message block sends (Channel must be EMAIL, "
        "RelatedContact CURRENT links it) and records it in contact.data['CreatedContacts'].",
        family="messaging",
    ),
    BlockSpec(
        action_type="StartOutboundEmailContact",
        run=guarded(run_outbound_email),
        console_name="Send message (email)",
        branches=("Success", "TemplateRenderingError", "NoMatchingError"),
        flow_types=SEND_MESSAGE_FLOW_TYPES,
        model="Sends the email contact the preceding CreateContact created and records it in "
        "contact.data['OutboundEmails'] (From, To, Cc, Subject, Body); the text comes from "
        "RawMessage, the rendered template, or (TEMPLATE) the templates mock. Error for bad "
        "addresses or no created contact.",
        mocks="mocks.templates (MessageSourceType TEMPLATE only) by MessageTemplateId or block",
        family="messaging",
    ),
    BlockSpec(
        action_type="StartOutboundChatContact",
        run=guarded(run_outbound_chat),
        console_name="Send message (SMS)",
        branches=("Success", "TemplateRenderingError", "NoMatchingError"),
        flow_types=SEND_MESSAGE_FLOW_TYPES,
        model="Starts an outbound SMS contact (connect:SMS, from a phone number ARN to an E.164 "
        "number, handled by ContactFlowArn, which must be a loaded flow) and records it in "
        "contact.data['OutboundChats']; its flow is not run.",
        mocks="mocks.templates (InitialTemplatedSystemMessage only) by MessageTemplateId or block",
        family="messaging",
    ),
    BlockSpec(
        action_type="CreatePersistentContactAssociation",
        run=guarded(run_persistent_chat),
        console_name="Create persistent contact association",
        branches=("Success", "NoMatchingError"),
        channels=frozenset({"CHAT"}),
        flow_types=PERSISTENT_CHAT_FLOW_TYPES,
        model="Records RehydrationType (ENTIRE_PAST_SESSION or FROM_SEGMENT) and SourceContactId in "
        "contact.data['PersistentChat']; Error off CHAT, for a missing source or a second "
        "association on the same chat.",
        family="messaging",
    ),
    BlockSpec(
        action_type="ResumeContact",
        run=guarded(run_resume_contact),
        console_name="Resume contact",
        branches=("Success", "NoMatchingError"),
        channels=frozenset({"TASK"}),
        model="Resumes a paused task: Success on TASK (a trace note, nothing else changes); "
        "VOICE, CHAT and EMAIL take Error.",
        family="messaging",
    ),
)

