"""Blocks that change how the contact is handled: logging, event hooks, recording, voice and
contact data."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
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
)
