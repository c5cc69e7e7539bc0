"""Blocks that change how the contact is handled: logging, event hooks, recording, voice,
contact data, contact tags, routing criteria and routing priority, media processing."""

from __future__ import annotations

import json
import re
from typing import Any

from ..engine import values
from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
from .messaging import InvalidParameter, guarded, mapping, required_text
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, BlockSpec

# The flow type each event hook runs (DESIGN.md: a hook whose target does not fit takes Error).
HOOK_FLOW_TYPES = {
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
VOICE_ONLY_HOOKS = frozenset({"CustomerHold", "AgentHold"})
HOOK_SETTING_FLOW_TYPES = INBOUND | CUSTOMER_QUEUE | TRANSFER | {"OUTBOUND_WHISPER"}


def run_logging(ctx: RunContext, action: Action) -> Outcome:
    state = str(action.parameters.get("FlowLoggingBehavior", ""))
    if state not in ("Enabled", "Disabled"):
        return error(note=f"FlowLoggingBehavior must be Enabled or Disabled, not {state!r}")
    ctx.contact.logging = state == "Enabled"
    return success(f"logging {state.lower()}")


def run_event_hooks(ctx: RunContext, action: Action) -> Outcome:
    hooks = action.parameters.get("EventHooks")
    if not isinstance(hooks, dict) or not hooks:
        return error(note="EventHooks must be a non-empty object")
    if set(hooks) != {"CustomerRemaining"} and ctx.flow_type not in HOOK_SETTING_FLOW_TYPES:
        return error(note=f"event hooks other than the disconnect flow cannot be set in a {ctx.flow_type} flow")
    config = action.parameters.get("EventHooksConfiguration")
    config = config if isinstance(config, dict) else {}
    updates: dict[str, str] = {}
    for hook, raw in hooks.items():
        expected = HOOK_FLOW_TYPES.get(hook)
        if expected is None:
            return error(note=f"unknown event hook {hook!r}")
        if hook in VOICE_ONLY_HOOKS and ctx.contact.channel != "VOICE":
            return error(note=f"the {hook} hook works on VOICE only")
        ref = ctx.resolve(raw)
        target = ctx.resolve_flow(ref, action, "EventHooks")
        if target is None:
            shown = ref or raw
            ctx.note(f"{ctx.where(action)}: event hook {hook} {shown!r} names no loaded flow")
            return error(note=f"{hook} {shown!r} names no loaded flow")
        target_type = ctx.flow_type_of(target)
        if target.is_module or (target_type is not None and target_type != expected):
            return error(note=f"{hook} needs a {expected} flow; {target.name!r} is {target_type or 'a module'}")
        updates[hook] = target.name
    ctx.contact.event_hooks.update(updates)
    for hook, setting in config.items():
        if isinstance(setting, dict) and "DisableExecution" in setting:
            ctx.contact.event_hooks_disabled[hook] = str(setting["DisableExecution"]).lower() == "true"
    return success(", ".join(f"{k} → {v}" for k, v in updates.items()))


def run_recording(ctx: RunContext, action: Action) -> Outcome:
    behavior = action.parameters.get("RecordingBehavior")
    if behavior is not None and not isinstance(behavior, dict):
        return error(note="RecordingBehavior must be an object")
    if isinstance(behavior, dict):
        ctx.contact.recording = dict(behavior)
    analytics = action.parameters.get("AnalyticsBehavior")
    if isinstance(analytics, dict):
        ctx.contact.analytics = dict(analytics)
    participants = (behavior or {}).get("RecordedParticipants", [])
    return success(f"recording {', '.join(participants) if participants else 'off'}")


def run_voice(ctx: RunContext, action: Action) -> Outcome:
    voice = ctx.resolve(action.parameters.get("TextToSpeechVoice"))
    if not voice:
        return error(note="TextToSpeechVoice is unset")
    c = ctx.contact
    c.tts_voice = voice
    c.tts_engine = ctx.resolve(action.parameters.get("TextToSpeechEngine")) or c.tts_engine
    c.tts_style = ctx.resolve(action.parameters.get("TextToSpeechStyle")) or c.tts_style
    return success(f"voice {voice}")


def run_contact_data(ctx: RunContext, action: Action) -> Outcome:
    updates = {k: v for k, v in ((k, ctx.resolve(v)) for k, v in action.parameters.items()) if v is not None}
    if "LanguageCode" in updates:
        ctx.contact.language_code = updates.pop("LanguageCode")
    ctx.contact.contact_data.update(updates)
    return success(", ".join(f"{k}={v!r}" for k, v in updates.items()) or "contact data updated")


# --- Contact tags (TagContact, UnTagContact) -------------------------------------------------

TAGS = "Tags"  # contact.data["Tags"]: the user-defined tags, read as $.Tags.<key>
# TagContact API: at most 6 tags, keys of 1-128 characters that do not start with "aws:" (system
# tags), values of up to 256 characters.
MAX_CONTACT_TAGS = 6
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
TAG_KEY_RE = re.compile(r"^(?!aws:)[a-zA-Z+-=._:/]+$")


def _contact_tags(ctx: RunContext) -> dict[str, str]:
    tags = ctx.contact.data.get(TAGS)
    return dict(tags) if isinstance(tags, dict) else {}


def run_tag_contact(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("Tags")
    if not isinstance(raw, dict) or not raw:
        raise InvalidParameter("Tags must be a non-empty object")
    updates: dict[str, str] = {}
    for key, value in raw.items():
        name = ctx.resolve(key) or ""
        if not 1 <= len(name) <= MAX_TAG_KEY or not TAG_KEY_RE.match(name):
            raise InvalidParameter(f"tag key {name!r} is not valid (1-{MAX_TAG_KEY} characters of letters, "
                                   "digits and + - = . _ : /, not starting with aws:)")
        text = ctx.resolve(value) or ""  # an unset reference tags an empty value
        if len(text) > MAX_TAG_VALUE:
            raise InvalidParameter(f"tag {name!r} has a value of {len(text)} characters, over {MAX_TAG_VALUE}")
        updates[name] = text
    merged = {**_contact_tags(ctx), **updates}
    if len(merged) > MAX_CONTACT_TAGS:
        # "Either all tags are set or none are set."
        raise InvalidParameter(f"the contact would have {len(merged)} tags, over the limit of {MAX_CONTACT_TAGS}")
    ctx.contact.data[TAGS] = merged
    return success(", ".join(f"{k}={v!r}" for k, v in updates.items()))


def run_untag_contact(ctx: RunContext, action: Action) -> Outcome:
    keys = action.parameters.get("TagKeys")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
        raise InvalidParameter("TagKeys must be a non-empty list of tag keys")
    tags = _contact_tags(ctx)
    system = [k for k in keys if k.startswith("aws:")]
    if system:
        raise InvalidParameter(f"system tags cannot be removed: {', '.join(system)}")
    missing = [k for k in keys if k not in tags]
    if missing:
        # "You can only remove already existing user-defined tags from a contact."
        raise InvalidParameter(f"the contact has no tag {', '.join(repr(k) for k in missing)}")
    ctx.contact.data[TAGS] = {k: v for k, v in tags.items() if k not in keys}
    return success(f"removed {', '.join(keys)}")


# --- Set recording, analytics and processing behavior ----------------------------------------

RECORDING_FLOW_TYPES = INBOUND | CUSTOMER_QUEUE | TRANSFER | {"OUTBOUND_WHISPER"}
CHANNEL_BEHAVIORS = {"VoiceBehavior": "VOICE", "ChatBehavior": "CHAT", "EmailBehavior": "EMAIL"}
MASK_MODES = ("EntityType", "PII")


def resolve_tree(ctx: RunContext, node: Any) -> Any:
    """A parameter object with every string in it resolved (an unset reference → empty)."""
    if isinstance(node, dict):
        return {str(k): resolve_tree(ctx, v) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_tree(ctx, v) for v in node]
    if isinstance(node, str):
        return ctx.resolve(node) or ""
    return node


def _true_false(value: Any, name: str) -> bool:
    text = str(value).lower()
    if text not in ("true", "false"):
        raise InvalidParameter(f"{name} must be True or False, not {value!r}")
    return text == "true"


def _in_flight_redaction_fails(behavior: dict[str, Any]) -> str | None:
    """Why the chat's in-flight redaction cannot be configured, or None."""
    for key, analytics in behavior.items():
        if not key.endswith("AnalyticsBehavior") or not isinstance(analytics, dict):
            continue
        config = analytics.get("InFlightChatRedactionConfiguration")
        if config is None:
            continue
        if not isinstance(config, dict):
            return "InFlightChatRedactionConfiguration must be an object"
        if str(config.get("Enabled", "False")).lower() != "true":
            continue
        mode = config.get("RedactionMaskMode")
        if mode is not None and mode not in MASK_MODES:
            return f"RedactionMaskMode must be {' or '.join(MASK_MODES)}, not {mode!r}"
        entities = config.get("RedactionEntities")
        if entities is not None and (not isinstance(entities, list) or not all(isinstance(e, str) for e in entities)):
            return "RedactionEntities must be a list of entity types"
        deliver = config.get("DeliverUnprocessedMessages")
        if deliver is not None and str(deliver).lower() not in ("true", "false"):
            return f"DeliverUnprocessedMessages must be True or False, not {deliver!r}"
    return None


def run_recording_analytics(ctx: RunContext, action: Action) -> Outcome:
    given = [key for key in CHANNEL_BEHAVIORS if key in action.parameters]
    if len(given) != 1:
        # "Only ONE of the following channel behavior objects can be defined per configuration."
        raise InvalidParameter("exactly one of VoiceBehavior, ChatBehavior or EmailBehavior is needed, "
                               f"not {len(given)}")
    key = given[0]
    behavior = resolve_tree(ctx, mapping(action.parameters[key], key))
    channel = CHANNEL_BEHAVIORS[key]
    if channel != ctx.contact.channel:
        return error("ChannelMismatch", f"{key} does not apply to a {ctx.contact.channel} contact")
    why = _in_flight_redaction_fails(behavior)
    if why:
        return error("InFlightRedactionConfigurationFailed", why)
    recording = next((v for k, v in behavior.items() if k.endswith("RecordingBehavior")), None)
    analytics = next((v for k, v in behavior.items() if k.endswith("AnalyticsBehavior")), None)
    for name, part in (("RecordingBehavior", recording), ("AnalyticsBehavior", analytics)):
        if part is not None and not isinstance(part, dict):
            raise InvalidParameter(f"{key} {name} must be an object")
    if isinstance(analytics, dict) and "Enabled" in analytics:
        _true_false(analytics["Enabled"], f"{key} analytics Enabled")
    # Stored where Set recording and analytics behavior stores them: the newer block replaces the
    # settings its behavior object gives and keeps the others.
    if isinstance(recording, dict):
        ctx.contact.recording = dict(recording)
    if isinstance(analytics, dict):
        ctx.contact.analytics = dict(analytics)
    participants = (recording or {}).get("RecordedParticipants")
    parts = [f"recording {', '.join(participants) if participants else 'off'}"] if recording is not None else []
    if analytics is not None:
        parts.append("analytics " + ("on" if str(analytics.get("Enabled", "")).lower() == "true" else "off"))
    return success(f"{channel}: {'; '.join(parts) or 'no change'}")


def run_media_processing(ctx: RunContext, action: Action) -> Outcome:
    if ctx.contact.channel != "CHAT":
        # In-flight message processing exists for chat only.
        return error("ChannelMismatch", f"message processing applies to CHAT, not {ctx.contact.channel}")
    processor = mapping(action.parameters.get("ChatProcessor"), "ChatProcessor")
    enabled = _true_false(processor.get("ProcessingEnabled"), "ChatProcessor.ProcessingEnabled")
    settings = mapping(processor.get("ChatProcessorSettings"), "ChatProcessorSettings", required=False)
    stored: dict[str, Any] = {"ProcessingEnabled": "True" if enabled else "False"}
    if enabled:
        stored["LambdaProcessorARN"] = required_text(ctx, processor.get("LambdaProcessorARN"),
                                                     "ChatProcessor.LambdaProcessorARN")
    if "DeliverUnprocessedMessages" in settings:
        deliver = _true_false(settings["DeliverUnprocessedMessages"], "DeliverUnprocessedMessages")
        stored["DeliverUnprocessedMessages"] = "True" if deliver else "False"
    ctx.contact.data["MediaProcessing"] = stored
    if not enabled:
        return success("message processing off")
    return success(f"messages processed by {stored['LambdaProcessorARN']}")


# --- Set routing criteria, Change routing priority / age -------------------------------------

ROUTING_FLOW_TYPES = INBOUND | CUSTOMER_QUEUE | TRANSFER
PROFICIENCY_LEVELS = (1.0, 2.0, 3.0, 4.0, 5.0)


def _empty_leaf(node: Any, path: str) -> str | None:
    """The path of the first empty string in a resolved criteria object, or None."""
    if isinstance(node, dict):
        for key, value in node.items():
            found = _empty_leaf(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _empty_leaf(value, f"{path}[{index}]")
            if found:
                return found
    elif node == "":
        return path
    return None


def _proficiency_levels(node: Any) -> list[Any]:
    if isinstance(node, dict):
        found = [node["ProficiencyLevel"]] if "ProficiencyLevel" in node else []
        return found + [level for value in node.values() for level in _proficiency_levels(value)]
    if isinstance(node, list):
        return [level for value in node for level in _proficiency_levels(value)]
    return []


def _steps(ctx: RunContext, raw: Any) -> list[Any]:
    """RoutingCriteria.Steps: a list, or a reference to one (Steps "may be set statically or
    dynamically"), for example a JSON list a Lambda function returned."""
    if isinstance(raw, str):
        resolved = ctx.resolve(raw)
        try:
            raw = json.loads(resolved) if resolved else None
        except ValueError:
            raise InvalidParameter(f"RoutingCriteria.Steps {raw!r} is not a list of steps") from None
    if not isinstance(raw, list) or not raw:
        raise InvalidParameter("RoutingCriteria.Steps must be a non-empty list")
    return raw


def run_routing_criteria(ctx: RunContext, action: Action) -> Outcome:
    criteria = mapping(action.parameters.get("RoutingCriteria"), "RoutingCriteria")
    steps: list[dict[str, Any]] = []
    for index, raw_step in enumerate(_steps(ctx, criteria.get("Steps"))):
        step = resolve_tree(ctx, mapping(raw_step, f"Steps[{index}]"))
        if not isinstance(step.get("Expression"), dict) or not step["Expression"]:
            raise InvalidParameter(f"Steps[{index}] has no Expression")
        empty = _empty_leaf(step, f"Steps[{index}]")
        if empty:
            raise InvalidParameter(f"{empty} is empty")
        expiry = step.get("Expiry")
        if expiry is not None:
            seconds = str(mapping(expiry, f"Steps[{index}].Expiry").get("DurationInSeconds", ""))
            if not seconds.isdigit() or int(seconds) < 1:
                raise InvalidParameter(f"Steps[{index}].Expiry.DurationInSeconds must be a whole number of "
                                       f"seconds, not {seconds!r}")
        for level in _proficiency_levels(step):
            try:
                valid = float(level) in PROFICIENCY_LEVELS
            except (TypeError, ValueError):
                valid = False
            if not valid:
                raise InvalidParameter(f"ProficiencyLevel must be 1.0 to 5.0, not {level!r}")
        steps.append(step)
    ctx.contact.data["RoutingCriteria"] = {"Steps": steps}
    return success(f"{len(steps)} routing step{'s' if len(steps) != 1 else ''}")


def run_routing_behavior(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    given = [key for key in ("QueuePriority", "QueueTimeAdjustmentSeconds") if params.get(key) not in (None, "")]
    if len(given) != 1:
        raise InvalidParameter("exactly one of QueuePriority or QueueTimeAdjustmentSeconds is needed, "
                               f"not {len(given)}")
    key = given[0]
    raw = params[key]
    if values.is_reference(raw):
        raise InvalidParameter(f"{key} must be set statically, not {raw!r}")
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise InvalidParameter(f"{key} must be a whole number, not {raw!r}")
    number = int(text)
    if key == "QueuePriority" and number < 1:
        raise InvalidParameter(f"QueuePriority must be larger than zero, not {number}")
    behavior = ctx.contact.data.get("RoutingBehavior")
    ctx.contact.data["RoutingBehavior"] = {**(behavior if isinstance(behavior, dict) else {}), key: str(number)}
    if key == "QueuePriority":
        return success(f"queue priority {number}")
    return success(f"routing age {'+' if number >= 0 else ''}{number} s")


SPECS = (
    BlockSpec(
        action_type="UpdateFlowLoggingBehavior",
        run=run_logging,
        console_name="Set logging behavior",
        branches=("Success",),
        model="Switches flow logging for the rest of the contact.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactEventHooks",
        run=run_event_hooks,
        console_name="Set customer queue / hold / whisper / disconnect / event flow",
        branches=("Success", "NoMatchingError"),
        model="Stores the hooked flows (and DisableExecution) on the contact; Error when a hook names "
        "no loaded flow (noted), a flow of the wrong type, or a hold hook off VOICE.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactRecordingBehavior",
        run=run_recording,
        console_name="Set recording and analytics behavior",
        branches=("Success", "NoMatchingError"),
        channels=frozenset({"VOICE", "CHAT"}),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER | {"OUTBOUND_WHISPER"},
        model="Stores RecordingBehavior and AnalyticsBehavior on the contact; TASK and EMAIL take Error.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactTextToSpeechVoice",
        run=run_voice,
        console_name="Set voice",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        noop_channels=frozenset({"CHAT", "TASK", "EMAIL"}),
        model="Sets $.TextToSpeechVoiceId (and engine, style); Success with no effect off VOICE.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactData",
        run=run_contact_data,
        console_name="Set contact data (language, customer id, ...)",
        branches=("Success", "NoMatchingError"),
        model="Sets $.LanguageCode and the other contact data fields given.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="TagContact",
        run=guarded(run_tag_contact),
        console_name="Contact tags",
        branches=("Success", "NoMatchingError"),
        model="Adds the Tags (keys and values static or dynamic) to contact.data['Tags'] ($.Tags.<key>) "
        "all or nothing; Error for an empty Tags object, an invalid key (aws: prefix, 128 "
        "characters), a value over 256 characters or more than 6 tags on the contact.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UnTagContact",
        run=guarded(run_untag_contact),
        console_name="Contact tags",
        branches=("Success", "NoMatchingError"),
        model="Removes the TagKeys from contact.data['Tags'] all or nothing; Error when a key is not "
        "on the contact or is a system (aws:) tag.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactRecordingAndAnalyticsBehavior",
        run=guarded(run_recording_analytics),
        console_name="Set recording, analytics and processing behavior",
        branches=("Success", "ChannelMismatch", "InFlightRedactionConfigurationFailed", "NoMatchingError"),
        flow_types=RECORDING_FLOW_TYPES,
        model="Takes the one VoiceBehavior, ChatBehavior or EmailBehavior object (ChannelMismatch when "
        "it is not for the contact's channel, TASK included) and stores its recording and analytics "
        "settings as Set recording behavior does (contact.recording, contact.analytics); a malformed "
        "enabled InFlightChatRedactionConfiguration takes InFlightRedactionConfigurationFailed.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactMediaProcessing",
        run=guarded(run_media_processing),
        console_name="Set recording, analytics and processing behavior (message processing)",
        branches=("Success", "ChannelMismatch", "NoMatchingError"),
        flow_types=RECORDING_FLOW_TYPES,
        model="Stores the ChatProcessor settings (ProcessingEnabled, LambdaProcessorARN, "
        "DeliverUnprocessedMessages) in contact.data['MediaProcessing']; the processor Lambda is "
        "not called during the flow. Off CHAT: ChannelMismatch.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactRoutingCriteria",
        run=guarded(run_routing_criteria),
        console_name="Set routing criteria",
        branches=("Success", "NoMatchingError"),
        flow_types=ROUTING_FLOW_TYPES,
        model="Resolves RoutingCriteria.Steps (each an Expression and an optional Expiry) and stores "
        "them in contact.data['RoutingCriteria']; Error for no steps, a step without Expression, an "
        "empty value (an unset reference), a bad Expiry or ProficiencyLevel.",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateRoutingCriteria",
        run=guarded(run_routing_criteria),
        console_name="Set routing criteria",
        branches=("Success", "NoMatchingError"),
        flow_types=ROUTING_FLOW_TYPES,
        model="The Flow language reference's name for UpdateContactRoutingCriteria (console exports "
        "write that one); the same block: stores RoutingCriteria.Steps in "
        "contact.data['RoutingCriteria'].",
        family="contact settings",
    ),
    BlockSpec(
        action_type="UpdateContactRoutingBehavior",
        run=guarded(run_routing_behavior),
        console_name="Change routing priority / age",
        branches=("Success", "NoMatchingError"),
        flow_types=ROUTING_FLOW_TYPES,
        model="Stores QueuePriority (a static whole number above 0) or QueueTimeAdjustmentSeconds "
        "(a static whole number), exactly one, in contact.data['RoutingBehavior']. The reference "
        "lists no errors, so a bad value ends the run unless the block has an Error branch.",
        family="contact settings",
    ),
)
