"""Legacy console exports (`modules`, `version`, `type`, `start`, `metadata`) into the Flow model.

Each legacy module is rewritten as the Flow-language action the current flow designer exports for
the same block, and the resulting Flow-language document goes through `parse_flow_document`: the
two formats share one interpreter, as FLOW-LANGUAGE.md 1.5 advises ("support the legacy format
through a converter to the Flow-language model rather than a second interpreter").

Every mapping lives in the module-level tables below (MODULE_MAPPINGS, COMMON_BRANCHES,
LEGACY_OPERATORS, NAMESPACES, SYSTEM_ATTRIBUTES); docs/legacy.md is generated from them
(`docs_page()`; a test keeps the page in step). Nothing is dropped silently: a
module type without a mapping becomes an action of type `Legacy<Type>`, which no block runs (so
`connectflow validate` reports it), and a parameter or branch the tables do not know is reported
as a load warning.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from ..errors import FlowLoadError
from .flow_language import parse_flow_document
from .model import FLOW_TYPES, LEGACY_FLOW_TYPES, Flow

# The Flow-language document version the converted flows claim (FLOW-LANGUAGE.md 1.1).
FLOW_LANGUAGE_VERSION = "2019-10-30"
# Prefix of the action type given to a module no mapping converts.
UNSUPPORTED_PREFIX = "Legacy"


# ---------------------------------------------------------------------------------------------
# Table types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchRule:
    """How one legacy branch `condition` becomes a Flow-language transition.

    `next`: the NextAction. `error`: an Errors entry of ErrorType `value`. `condition`: a
    Conditions entry `{Operator: operator, Operands: [value]}`. `evaluate`: a Conditions entry
    from the branch's own `conditionType` (LEGACY_OPERATORS) and `conditionValue`; with
    `unit="ms"` the value is milliseconds and becomes seconds.
    """

    legacy: str
    kind: Literal["next", "error", "condition", "evaluate"]
    value: str = ""
    operator: str = "Equals"
    unit: str = ""

    def describe(self) -> str:
        if self.kind == "next":
            return f"`{self.legacy}` → NextAction"
        if self.kind == "error":
            return f"`{self.legacy}` → error `{self.value}`"
        if self.kind == "condition":
            return f"`{self.legacy}` → condition `{self.operator} {self.value}`"
        scaled = " (milliseconds → seconds)" if self.unit == "ms" else ""
        return f"`{self.legacy}` → Conditions from `conditionType`/`conditionValue`{scaled}"


@dataclass(frozen=True)
class ParamRule:
    """One legacy parameter name a mapping reads, and where it goes (documentation text)."""

    legacy: str
    flow: str


@dataclass(frozen=True)
class ModuleMapping:
    """One legacy module type (and `target`) and the Flow-language action it becomes.

    `build` turns the module's parameters (read through a `_Reader`, which only hands out the
    names listed in `parameters`) into Flow-language Parameters. `queue_flow_action_type`, when
    set, is the action type used instead in a CUSTOMER_QUEUE flow.
    """

    legacy_type: str
    target: str | None
    action_type: str
    branches: tuple[BranchRule, ...]
    parameters: tuple[ParamRule, ...]
    build: Callable[[_Reader], dict[str, Any]]
    queue_flow_action_type: str | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.legacy_type} ({self.target})" if self.target else self.legacy_type


class _Unconvertible(Exception):
    """A known module type whose parameters or branches have no Flow-language equivalent."""


# ---------------------------------------------------------------------------------------------
# Value tables
# ---------------------------------------------------------------------------------------------

# Branches every module shares unless its own rules say otherwise.
COMMON_BRANCHES: tuple[BranchRule, ...] = (
    BranchRule("Success", "next"),
    BranchRule("Error", "error", "NoMatchingError"),
)

# Legacy `conditionType` → Flow-language operator (FLOW-LANGUAGE.md section 4).
LEGACY_OPERATORS: Mapping[str, str] = MappingProxyType({
    "Equals": "Equals",
    "GreaterThan": "NumberGreaterThan",
    "GreaterThanOrEqualTo": "NumberGreaterOrEqualTo",
    "LessThan": "NumberLessThan",
    "LessThanOrEqualTo": "NumberLessOrEqualTo",
    "StartsWith": "TextStartsWith",
    "Contains": "TextContains",
})

# A parameter's `namespace` → the reference its `value` names. "System" and "Media streams" values
# are the console's display names (SYSTEM_ATTRIBUTES) or already a path such as `Queue.ARN`.
NAMESPACES: Mapping[str, str] = MappingProxyType({
    "External": "$.External",
    "User Defined": "$.Attributes",
    "System": "",
    "Media streams": "",
    "Lex Slots": "$.Lex.Slots",
    "Lex Attributes": "$.Lex.SessionAttributes",
})

# System attribute display names of the console (Admin Guide "List of available contact
# attributes and their JSONPath reference"), matched without regard to case.
SYSTEM_ATTRIBUTES: Mapping[str, str] = MappingProxyType({
    "AWS Region": "$.AwsRegion",
    "Customer number": "$.CustomerEndpoint.Address",
    "Customer address or number": "$.CustomerEndpoint.Address",
    "Customer ID": "$.CustomerId",
    "Dialed number": "$.SystemEndpoint.Address",
    "System address or number": "$.SystemEndpoint.Address",
    "Customer callback number": "$.CustomerCallbackNumber",
    "Stored customer input": "$.StoredCustomerInput",
    "Queue name": "$.Queue.Name",
    "Queue ARN": "$.Queue.ARN",
    "Queue outbound number": "$.Queue.OutboundCallerId.Address",
    "Queue Outbound Caller ID number": "$.Queue.OutboundCallerId.Address",
    "Queue Outbound Caller ID number type": "$.Queue.OutboundCallerId.Type",
    "Text to speech voice": "$.TextToSpeechVoiceId",
    "Contact id": "$.ContactId",
    "Initial Contact id": "$.InitialContactId",
    "Task Contact id": "$.Task.ContactId",
    "Previous Contact id": "$.PreviousContactId",
    "Channel": "$.Channel",
    "Instance ARN": "$.InstanceARN",
    "Initiation method": "$.InitiationMethod",
    "Name": "$.Name",
    "Description": "$.Description",
    "Language": "$.LanguageCode",
    "System Endpoint Type": "$.SystemEndpoint.Type",
    "Customer Endpoint type": "$.CustomerEndpoint.Type",
    "Agent User name": "$.Agent.UserName",
    "Agent First name": "$.Agent.FirstName",
    "Agent Last name": "$.Agent.LastName",
    "Agent ARN": "$.Agent.ARN",
    "Contacts in queue": "$.Metrics.Queue.Size",
    "Oldest contact in queue": "$.Metrics.Queue.OldestContactAge",
    "Agents online": "$.Metrics.Agents.Online.Count",
    "Agents available": "$.Metrics.Agents.Available.Count",
    "Agents staffed": "$.Metrics.Agents.Staffed.Count",
    "Agents in After contact work": "$.Metrics.Agents.AfterContactWork.Count",
    "Agents busy": "$.Metrics.Agents.Busy.Count",
    "Agents missed count": "$.Metrics.Agents.Missed.Count",
    "Agents in non-productive state": "$.Metrics.Agents.NonProductive.Count",
    "Customer audio stream ARN": "$.MediaStreams.Customer.Audio.StreamARN",
    "Customer audio start timestamp": "$.MediaStreams.Customer.Audio.StartTimestamp",
    "Customer audio stop timestamp": "$.MediaStreams.Customer.Audio.StopTimestamp",
    "Customer audio start fragment number": "$.MediaStreams.Customer.Audio.StartFragmentNumber",
})
_SYSTEM_BY_LOWER: Mapping[str, str] = MappingProxyType({k.lower(): v for k, v in SYSTEM_ATTRIBUTES.items()})
_NAMESPACE_BY_LOWER: Mapping[str, str] = MappingProxyType({k.lower(): k for k in NAMESPACES})

# Event hooks (UpdateContactEventHooks keys); a legacy `Type` is matched without regard to case.
EVENT_HOOKS: tuple[str, ...] = (
    "CustomerQueue", "CustomerHold", "AgentHold", "CustomerWhisper", "AgentWhisper",
    "CustomerRemaining", "DefaultAgentUI", "DisconnectAgentUI", "PauseContact", "ResumeContact",
)
_HOOK_BY_LOWER: Mapping[str, str] = MappingProxyType({h.lower(): h for h in EVENT_HOOKS})

# Start/Stop media streaming `Track` → MediaDirections entry.
MEDIA_TRACKS: Mapping[str, str] = MappingProxyType({"FromCustomer": "From", "ToCustomer": "To"})
# Set logging behavior `LoggingBehavior` → FlowLoggingBehavior.
LOGGING_STATES: Mapping[str, str] = MappingProxyType({"Enable": "Enabled", "Disable": "Disabled"})
# Set recording behavior `RecordingParticipantOption` → RecordedParticipants (when enabled).
RECORDED_PARTICIPANTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Both": ("Agent", "Customer"), "Agent": ("Agent",), "Customer": ("Customer",),
})
# Store customer input `PhoneNumberFormat` → PhoneNumberValidation.NumberFormat.
PHONE_FORMATS: Mapping[str, str] = MappingProxyType({"Local": "Local", "International": "E164", "E164": "E164"})
# Check staffing `Status` → CheckMetricData MetricType.
STAFFING_METRICS: Mapping[str, str] = MappingProxyType({
    "Available": "NumberOfAgentsAvailable",
    "Staffed": "NumberOfAgentsStaffed",
    "Online": "NumberOfAgentsOnline",
})
# Check queue status branch `condition` → CheckMetricData MetricType.
QUEUE_STATUS_METRICS: Mapping[str, str] = MappingProxyType({
    "CheckQueueTime": "OldestContactInQueueAgeSeconds",
    "CheckQueueCapacity": "NumberOfContactsInQueue",
})
# A `Transfer` module without `target`: the parameter that tells which transfer it is.
TRANSFER_TARGET_BY_PARAMETER: tuple[tuple[str, str], ...] = (("ContactFlowId", "Flow"), ("PhoneNumber", "PhoneNumber"))
# Modules whose `target` may be missing (older exports), and the target assumed then.
DEFAULT_TARGETS: Mapping[str, str] = MappingProxyType({"GetUserInput": "Digits", "InvokeExternalResource": "Lambda"})

_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_PATH_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
_ID_RE = re.compile(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')


# ---------------------------------------------------------------------------------------------
# Parsed legacy modules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Param:
    name: str
    value: Any
    namespace: str | None
    resource_name: str | None
    key: str | None


@dataclass(frozen=True)
class _Branch:
    condition: str
    condition_type: str | None
    condition_value: Any
    transition: str


@dataclass(frozen=True)
class _Module:
    index: int
    ident: str
    type: str
    target: str | None
    branches: tuple[_Branch, ...]
    params: tuple[_Param, ...]
    metadata: Mapping[str, Any]
    raw_parameters: Any

    @property
    def pointer(self) -> str:
        return f"/modules/{self.index}"

    def describe(self) -> str:
        kind = f"{self.type} ({self.target})" if self.target else self.type
        return f"module {self.ident!r} ({kind}) at {self.pointer}"


def _text(value: Any) -> str:
    """A legacy scalar as the string the Flow language stores ("True"/"False" for booleans)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    return str(value)


def key_reference(base: str, key: str) -> str:
    """`$.Attributes` + `x` → `$.Attributes.x`; keys with other characters use the bracket form."""
    if _PLAIN_KEY_RE.fullmatch(key):
        return f"{base}.{key}"
    quote = '"' if "'" in key else "'"
    return f"{base}[{quote}{key}{quote}]"


class _Reader:
    """A module's parameters as one mapping reads them: values converted (namespaces become
    references), display names collected for the action's metadata, and every parameter the
    mapping leaves unread reported as a warning afterwards."""

    def __init__(self, module: _Module, mapping: ModuleMapping, warnings: list[str]) -> None:
        self.module = module
        self._declared = {rule.legacy for rule in mapping.parameters}
        self._read: set[str] = set()
        self._warnings = warnings
        self.display: dict[str, Any] = {}

    def warn(self, message: str) -> None:
        self._warnings.append(f"{self.module.describe()}: {message}")

    def entries(self, name: str) -> list[_Param]:
        if name not in self._declared:
            # A programming error: every name a builder reads must be in its table (and so in the docs).
            raise ValueError(f"parameter {name!r} is read but not declared for {self.module.type}")
        self._read.add(name)
        return [p for p in self.module.params if p.name == name]

    def value(self, name: str, *, resource: tuple[str, str] | None = None) -> str | None:
        """The parameter's value (a reference when it has a namespace), None when absent.
        `resource` = (kind, Flow-language parameter): where its resourceName is shown."""
        found = self.entries(name)
        if not found:
            return None
        if len(found) > 1:
            self.warn(f"parameter {name!r} is given {len(found)} times; the first is used")
        param = found[0]
        if resource is not None and param.resource_name:
            self._show(resource, param.resource_name)
        return self.convert(param)

    def flag(self, name: str) -> bool | None:
        value = self.value(name)
        return None if value is None else value.strip().lower() == "true"

    def mapping(self, name: str) -> dict[str, str]:
        """Repeated `name` entries with a `key` (Attribute, Parameter) as a key → value map."""
        result: dict[str, str] = {}
        for param in self.entries(name):
            if not param.key:
                self.warn(f"a {name!r} parameter has no 'key'; it is dropped")
                continue
            result[param.key] = self.convert(param)
        return result

    def ordered(self, names: Sequence[str]) -> list[_Param]:
        """The entries of several names, in the module's order (Loop prompts' messages)."""
        for name in names:
            self.entries(name)
        return [p for p in self.module.params if p.name in names]

    def convert(self, param: _Param) -> str:
        if param.namespace:
            return self.reference(param.namespace, _text(param.value))
        value = _text(param.value)
        if value == "" and param.resource_name:
            # The console left the ARN empty and kept only the resource's name (e.g. Queue "" with
            # resourceName "BasicQueue"): the name is the only handle, and names resolve.
            return param.resource_name
        return value

    def reference(self, namespace: str, value: str) -> str:
        canonical = _NAMESPACE_BY_LOWER.get(namespace.strip().lower())
        if canonical is None:
            self.warn(f"unknown namespace {namespace!r}; the value {value!r} is kept as literal text")
            return value
        base = NAMESPACES[canonical]
        if base:
            return key_reference(base, value)
        path = _SYSTEM_BY_LOWER.get(value.strip().lower())
        if path is not None:
            return path
        if _PATH_RE.fullmatch(value):
            return f"$.{value}"  # already a path (`Queue.ARN`, `Metrics.Queue.OldestContactAge`)
        self.warn(f"unknown {canonical} attribute {value!r}; it is referenced as $['{value}'], which is unset")
        return key_reference("$", value)

    def _show(self, resource: tuple[str, str], name: str) -> None:
        kind, parameter = resource
        meta_key = {"queue": "queue", "flow": "ContactFlow", "hours": "Hours"}.get(kind)
        if meta_key is not None:
            self.display.setdefault(meta_key, {"text": name})
        self.display.setdefault("parameters", {})[parameter] = {"displayName": name}

    def unread(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.module.params if p.name not in self._read))


# ---------------------------------------------------------------------------------------------
# Builders: legacy parameters → Flow-language Parameters
# ---------------------------------------------------------------------------------------------


def _put(params: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        params[key] = value


def _prompt(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    kind = (r.value("TextToSpeechType") or "text").strip().lower()
    text = r.value("Text")
    if text is not None:
        params["SSML" if kind == "ssml" else "Text"] = text
    _put(params, "PromptId", r.value("AudioPrompt", resource=("prompt", "PromptId")))
    return params


def _queue_or_agent(r: _Reader, params: dict[str, Any]) -> dict[str, Any]:
    _put(params, "QueueId", r.value("Queue", resource=("queue", "QueueId")))
    _put(params, "AgentId", r.value("Agent"))
    return params


def _build_none(r: _Reader) -> dict[str, Any]:
    return {}


def _build_play_prompt(r: _Reader) -> dict[str, Any]:
    return _prompt(r)


def _build_menu(r: _Reader) -> dict[str, Any]:
    params = _prompt(r)
    params["StoreInput"] = "False"
    _put(params, "InputTimeLimitSeconds", r.value("Timeout"))
    r.value("MaxDigits")  # a menu takes one key whatever MaxDigits says
    return params


def _build_lex(r: _Reader) -> dict[str, Any]:
    params = _prompt(r)
    bot = {key: value for key, value in (("Name", r.value("BotName")), ("Alias", r.value("BotAlias")),
                                         ("Region", r.value("BotRegion"))) if value is not None}
    if bot:
        params["LexBot"] = bot
    alias_arn = r.value("BotAliasArn")
    if alias_arn:
        params["LexV2Bot"] = {"AliasArn": alias_arn}
    attributes = r.mapping("Parameter")
    if attributes:
        params["LexSessionAttributes"] = attributes
    return params


def _build_store_input(r: _Reader) -> dict[str, Any]:
    params = _prompt(r)
    params["StoreInput"] = "True"
    _put(params, "InputTimeLimitSeconds", r.value("Timeout"))
    input_type = (r.value("CustomerInputType") or "Custom").strip()
    max_digits = r.value("MaxDigits")
    number_format = r.value("PhoneNumberFormat")
    country = r.value("CountryCode")
    if input_type.lower() == "phonenumber":
        validation: dict[str, str] = {"NumberFormat": PHONE_FORMATS.get(number_format or "E164", number_format or "")}
        _put(validation, "CountryCode", country)
        params["InputValidation"] = {"PhoneNumberValidation": validation}
    else:
        custom: dict[str, str] = {}
        _put(custom, "MaximumLength", max_digits)
        params["InputValidation"] = {"CustomValidation": custom}
    dtmf: dict[str, str] = {}
    _put(dtmf, "InputTerminationSequence", r.value("TerminatorDigits"))
    _put(dtmf, "DisableCancelKey", r.value("DisableCancel"))
    if dtmf:
        params["DTMFConfiguration"] = dtmf
    encrypt = r.flag("EncryptEntry")
    key_id, key = r.value("EncryptionKeyId"), r.value("EncryptionKey")
    if encrypt:
        encryption: dict[str, str] = {}
        _put(encryption, "EncryptionKeyId", key_id)
        _put(encryption, "Key", key)
        params["InputEncryption"] = encryption
    return params


def _build_compare(r: _Reader) -> dict[str, Any]:
    attribute = r.value("Attribute")
    namespace = r.value("Namespace")
    if attribute is None:
        r.warn("no 'Attribute' to check; the block has no ComparisonValue")
        return {}
    if namespace is None:
        r.warn("no 'Namespace'; the attribute is read as a user-defined attribute")
        namespace = "User Defined"
    return {"ComparisonValue": r.reference(namespace, attribute)}


def _build_set_attributes(r: _Reader) -> dict[str, Any]:
    return {"Attributes": r.mapping("Attribute")}


def _build_set_queue(r: _Reader) -> dict[str, Any]:
    return _queue_or_agent(r, {})


def _build_transfer_to_flow(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "ContactFlowId", r.value("ContactFlowId", resource=("flow", "ContactFlowId")))
    return params


def _build_transfer_to_phone(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "ThirdPartyPhoneNumber", r.value("PhoneNumber"))
    _put(params, "ThirdPartyConnectionTimeLimitSeconds", r.value("Timeout"))
    _put(params, "ContinueFlowExecution", r.value("ResumeAfterDisconnect"))
    _put(params, "ThirdPartyDTMFDigits", r.value("SendDigits"))
    caller: dict[str, str] = {}
    _put(caller, "Number", r.value("CallerIdNumber"))
    _put(caller, "Name", r.value("CallerIdName"))
    if caller:
        params["CallerId"] = caller
    r.value("CountryCode")  # the console's dialling-code picker; the number is kept as entered
    return params


def _build_lambda(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "LambdaFunctionARN", r.value("FunctionArn"))
    _put(params, "InvocationTimeLimitSeconds", r.value("TimeLimit"))
    attributes = r.mapping("Parameter")
    if attributes:
        params["LambdaInvocationAttributes"] = attributes
    return params


def _build_logging(r: _Reader) -> dict[str, Any]:
    state = r.value("LoggingBehavior")
    if state is None:
        return {}
    mapped = LOGGING_STATES.get(state.strip().capitalize())
    if mapped is None:
        r.warn(f"LoggingBehavior {state!r} is not Enable or Disable; it is kept as given")
    return {"FlowLoggingBehavior": mapped or state}


def _build_recording(r: _Reader) -> dict[str, Any]:
    option = (r.value("RecordingBehaviorOption") or "").strip().lower()
    who = (r.value("RecordingParticipantOption") or "Both").strip().capitalize()
    if option == "disable":
        participants: tuple[str, ...] = ()
    else:
        if option != "enable":
            r.warn(f"RecordingBehaviorOption {option!r} is not Enable or Disable; recording is enabled")
        participants = RECORDED_PARTICIPANTS.get(who, ())
        if who not in RECORDED_PARTICIPANTS:
            r.warn(f"RecordingParticipantOption {who!r} is not Both, Agent or Customer; nobody is recorded")
    return {"RecordingBehavior": {"RecordedParticipants": list(participants)}}


def _build_voice(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "TextToSpeechVoice", r.value("GlobalVoice"))
    return params


def _build_event_hook(r: _Reader) -> dict[str, Any]:
    hook = r.value("Type")
    flow = r.value("ContactFlowId", resource=("flow", "EventHooks"))
    if hook is None:
        r.warn("no 'Type' names the event hook; EventHooks is empty")
        return {"EventHooks": {}}
    canonical = _HOOK_BY_LOWER.get(hook.strip().lower())
    if canonical is None:
        r.warn(f"event hook {hook!r} is not one of {', '.join(EVENT_HOOKS)}; it is kept as given")
    return {"EventHooks": {canonical or hook: flow or ""}}


def _media(state: str) -> Callable[[_Reader], dict[str, Any]]:
    def build(r: _Reader) -> dict[str, Any]:
        params: dict[str, Any] = {
            "MediaStreamingState": state,
            "MediaStreamType": r.value("MediaStreamTypes") or "Audio",
        }
        directions: list[str] = []
        for param in r.entries("Track"):
            track = r.convert(param)
            direction = MEDIA_TRACKS.get(track)
            if direction is None:
                r.warn(f"Track {track!r} is not FromCustomer or ToCustomer; it is dropped")
            elif direction not in directions:
                directions.append(direction)
        if directions:
            params["Participants"] = [{"ParticipantType": "Customer", "MediaDirections": directions}]
        return params

    return build


def _build_loop(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "LoopCount", r.value("LoopCount"))
    return params


def _build_loop_prompts(r: _Reader) -> dict[str, Any]:
    messages: list[dict[str, str]] = []
    for param in r.ordered(("Text", "SSML", "AudioPrompt")):
        value = r.convert(param)
        if param.name == "AudioPrompt":
            messages.append({"PromptId": value})
        elif param.name == "SSML" or (param.key or "").lower() == "ssml":
            messages.append({"SSML": value})
        else:
            messages.append({"Text": value})
    params: dict[str, Any] = {"Messages": messages}
    _put(params, "InterruptFrequencySeconds", r.value("InterruptSeconds"))
    return params


def _build_check_hours(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "HoursOfOperationId", r.value("Hours", resource=("hours", "HoursOfOperationId")))
    return params


def _build_check_staffing(r: _Reader) -> dict[str, Any]:
    status = (r.value("Status") or "").strip()
    metric = STAFFING_METRICS.get(status.capitalize())
    if metric is None:
        raise _Unconvertible(f"staffing Status {status!r} is not one of {', '.join(STAFFING_METRICS)}")
    return _queue_or_agent(r, {"MetricType": metric})


def _build_check_queue_status(r: _Reader) -> dict[str, Any]:
    metrics = {QUEUE_STATUS_METRICS[b.condition] for b in r.module.branches if b.condition in QUEUE_STATUS_METRICS}
    if len(metrics) > 1:
        # One CheckMetricData action tests one MetricType; the legacy block could mix both.
        raise _Unconvertible("its conditions test both the time in queue and the queue capacity")
    params: dict[str, Any] = {}
    if metrics:
        params["MetricType"] = metrics.pop()
    else:
        r.warn("no CheckQueueTime or CheckQueueCapacity condition; MetricType is not set")
    return _queue_or_agent(r, params)


def _build_get_metric_data(r: _Reader) -> dict[str, Any]:
    return _queue_or_agent(r, {})


def _build_wait(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "TimeLimitSeconds", r.value("TimeoutSeconds"))
    if r.flag("InterruptOnCustomerReturn"):
        params["Events"] = ["CustomerReturned"]
    return params


def _build_routing_priority(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "QueuePriority", r.value("AbsolutePosition"))
    _put(params, "QueueTimeAdjustmentSeconds", r.value("TimeOffset"))
    return params


def _build_callback_number(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "CallbackNumber", r.value("CallbackNumber") or r.value("CallBackNumber"))
    return params


def _build_create_callback(r: _Reader) -> dict[str, Any]:
    params: dict[str, Any] = {}
    _put(params, "InitialCallDelaySeconds", r.value("InitialDelaySeconds"))
    _put(params, "MaximumConnectionAttempts", r.value("MaxRetryAttempts"))
    _put(params, "RetryDelaySeconds", r.value("RetryDelaySeconds"))
    _put(params, "ContactFlowId", r.value("ContactFlowId", resource=("flow", "ContactFlowId")))
    return _queue_or_agent(r, params)


# ---------------------------------------------------------------------------------------------
# The module table
# ---------------------------------------------------------------------------------------------

_PROMPT_PARAMS = (
    ParamRule("Text", "`Text`, or `SSML` when `TextToSpeechType` is `ssml`"),
    ParamRule("TextToSpeechType", "chooses `Text` or `SSML`"),
    ParamRule("AudioPrompt", "`PromptId`"),
)
_QUEUE_PARAMS = (ParamRule("Queue", "`QueueId`"), ParamRule("Agent", "`AgentId`"))
_EVALUATE = BranchRule("Evaluate", "evaluate")
_NO_MATCH = BranchRule("NoMatch", "error", "NoMatchingCondition")
_INPUT_TIMEOUT = BranchRule("Timeout", "error", "InputTimeLimitExceeded")
_HOOK_PARAMS = (
    ParamRule("Type", "the hook: `EventHooks` key (CustomerQueue, CustomerHold, AgentHold, ...)"),
    ParamRule("ContactFlowId", "the hooked flow: `EventHooks` value"),
)
_MEDIA_PARAMS = (
    ParamRule("Track", "`Participants[0].MediaDirections` (`FromCustomer` → `From`, `ToCustomer` → `To`)"),
    ParamRule("MediaStreamTypes", "`MediaStreamType`"),
)

MODULE_MAPPINGS: tuple[ModuleMapping, ...] = (
    ModuleMapping("PlayPrompt", None, "MessageParticipant", (), _PROMPT_PARAMS, _build_play_prompt),
    ModuleMapping(
        "GetUserInput", "Digits", "GetParticipantInput", (_EVALUATE, _INPUT_TIMEOUT, _NO_MATCH),
        (*_PROMPT_PARAMS, ParamRule("Timeout", "`InputTimeLimitSeconds`"),
         ParamRule("MaxDigits", "dropped (a menu takes one key)")),
        _build_menu, note="`StoreInput: \"False\"`.",
    ),
    ModuleMapping(
        "GetUserInput", "Lex", "ConnectParticipantWithLexBot", (_EVALUATE, _INPUT_TIMEOUT, _NO_MATCH),
        (*_PROMPT_PARAMS, ParamRule("BotName", "`LexBot.Name`"), ParamRule("BotAlias", "`LexBot.Alias`"),
         ParamRule("BotRegion", "`LexBot.Region`"), ParamRule("BotAliasArn", "`LexV2Bot.AliasArn`"),
         ParamRule("Parameter", "`LexSessionAttributes` (`key` → value)")),
        _build_lex, note="Evaluate conditions test the intent name.",
    ),
    ModuleMapping(
        "StoreUserInput", None, "GetParticipantInput",
        (BranchRule("InvalidNumber", "error", "InvalidPhoneNumber"),
         BranchRule("InvalidPhoneNumber", "error", "InvalidPhoneNumber")),
        (*_PROMPT_PARAMS, ParamRule("Timeout", "`InputTimeLimitSeconds`"),
         ParamRule("CustomerInputType", "`Custom` → `InputValidation.CustomValidation`, `PhoneNumber` → "
                   "`InputValidation.PhoneNumberValidation`"),
         ParamRule("MaxDigits", "`InputValidation.CustomValidation.MaximumLength`"),
         ParamRule("PhoneNumberFormat", "`PhoneNumberValidation.NumberFormat` (`Local`; `International` → `E164`)"),
         ParamRule("CountryCode", "`PhoneNumberValidation.CountryCode`"),
         ParamRule("TerminatorDigits", "`DTMFConfiguration.InputTerminationSequence`"),
         ParamRule("DisableCancel", "`DTMFConfiguration.DisableCancelKey`"),
         ParamRule("EncryptEntry", "`InputEncryption` when true"),
         ParamRule("EncryptionKeyId", "`InputEncryption.EncryptionKeyId`"),
         ParamRule("EncryptionKey", "`InputEncryption.Key`")),
        _build_store_input, note="`StoreInput: \"True\"`.",
    ),
    ModuleMapping(
        "CheckAttribute", None, "Compare", (_EVALUATE, _NO_MATCH),
        (ParamRule("Attribute", "the attribute read: `ComparisonValue`"),
         ParamRule("Namespace", "the attribute's namespace (see Namespaces)")),
        _build_compare,
    ),
    ModuleMapping("SetAttributes", None, "UpdateContactAttributes", (),
                  (ParamRule("Attribute", "`Attributes` (`key` → value)"),), _build_set_attributes),
    ModuleMapping("SetQueue", None, "UpdateContactTargetQueue", (), _QUEUE_PARAMS, _build_set_queue),
    ModuleMapping(
        "Transfer", "Queue", "TransferContactToQueue", (BranchRule("AtCapacity", "error", "QueueAtCapacity"),),
        _QUEUE_PARAMS, _build_set_queue, queue_flow_action_type="DequeueContactAndTransferToQueue",
        note="Queue and Agent are only read by DequeueContactAndTransferToQueue.",
    ),
    ModuleMapping("Transfer", "Flow", "TransferToFlow", (),
                  (ParamRule("ContactFlowId", "`ContactFlowId`"),), _build_transfer_to_flow),
    ModuleMapping(
        "Transfer", "PhoneNumber", "TransferParticipantToThirdParty",
        (BranchRule("CallFailed", "error", "CallFailed"), BranchRule("CallFailure", "error", "CallFailed"),
         BranchRule("Timeout", "error", "ConnectionTimeLimitExceeded")),
        (ParamRule("PhoneNumber", "`ThirdPartyPhoneNumber`"),
         ParamRule("Timeout", "`ThirdPartyConnectionTimeLimitSeconds`"),
         ParamRule("ResumeAfterDisconnect", "`ContinueFlowExecution`"),
         ParamRule("SendDigits", "`ThirdPartyDTMFDigits`"),
         ParamRule("CallerIdNumber", "`CallerId.Number`"), ParamRule("CallerIdName", "`CallerId.Name`"),
         ParamRule("CountryCode", "dropped (the number is kept as entered)")),
        _build_transfer_to_phone, note="Parameter names inferred: no legacy export in the corpus has this block.",
    ),
    ModuleMapping(
        "InvokeExternalResource", "Lambda", "InvokeLambdaFunction", (),
        (ParamRule("FunctionArn", "`LambdaFunctionARN`"), ParamRule("TimeLimit", "`InvocationTimeLimitSeconds`"),
         ParamRule("Parameter", "`LambdaInvocationAttributes` (`key` → value)")),
        _build_lambda, note="No `ResponseValidation`: STRING_MAP, as the legacy block validated.",
    ),
    ModuleMapping("Disconnect", None, "DisconnectParticipant", (), (), _build_none),
    ModuleMapping("Resume", None, "EndFlowExecution", (), (), _build_none),
    ModuleMapping("EndFlowExecution", None, "EndFlowExecution", (), (), _build_none),
    ModuleMapping("SetLoggingBehavior", None, "UpdateFlowLoggingBehavior", (),
                  (ParamRule("LoggingBehavior",
                             "`FlowLoggingBehavior` (`Enable` → `Enabled`, `Disable` → `Disabled`)"),),
                  _build_logging),
    ModuleMapping(
        "SetRecordingBehavior", None, "UpdateContactRecordingBehavior", (),
        (ParamRule("RecordingBehaviorOption", "`Enable`: record; `Disable`: `RecordedParticipants: []`"),
         ParamRule("RecordingParticipantOption", "`RecordingBehavior.RecordedParticipants` (`Both` → "
                   "`[Agent, Customer]`, `Agent`, `Customer`)")),
        _build_recording,
    ),
    ModuleMapping("SetVoice", None, "UpdateContactTextToSpeechVoice", (),
                  (ParamRule("GlobalVoice", "`TextToSpeechVoice`"),), _build_voice),
    ModuleMapping("SetEventHook", None, "UpdateContactEventHooks", (), _HOOK_PARAMS, _build_event_hook),
    ModuleMapping("SetContactFlow", None, "UpdateContactEventHooks", (), _HOOK_PARAMS, _build_event_hook,
                  note="The console's Set customer queue / hold / whisper flow blocks."),
    ModuleMapping("StartMediaStreaming", None, "UpdateContactMediaStreamingBehavior", (), _MEDIA_PARAMS,
                  _media("Enabled"), note="`MediaStreamingState: \"Enabled\"`."),
    ModuleMapping("StopMediaStreaming", None, "UpdateContactMediaStreamingBehavior", (), _MEDIA_PARAMS,
                  _media("Disabled"), note="`MediaStreamingState: \"Disabled\"`."),
    ModuleMapping(
        "Loop", None, "Loop",
        (BranchRule("Looping", "condition", "ContinueLooping"), BranchRule("Complete", "condition", "DoneLooping")),
        (ParamRule("LoopCount", "`LoopCount`"),), _build_loop,
    ),
    ModuleMapping(
        "LoopPrompts", None, "MessageParticipantIteratively",
        (BranchRule("Timeout", "condition", "MessagesInterrupted"),),
        (ParamRule("Text", "a `Messages` entry: `Text` (`SSML` when its `key` is `ssml`)"),
         ParamRule("SSML", "a `Messages` entry: `SSML`"), ParamRule("AudioPrompt", "a `Messages` entry: `PromptId`"),
         ParamRule("InterruptSeconds", "`InterruptFrequencySeconds`")),
        _build_loop_prompts,
    ),
    ModuleMapping(
        "CheckHoursOfOperation", None, "CheckHoursOfOperation",
        (BranchRule("True", "condition", "True"), BranchRule("False", "condition", "False")),
        (ParamRule("Hours", "`HoursOfOperationId`"),), _build_check_hours,
    ),
    ModuleMapping(
        "CheckStaffing", None, "CheckMetricData",
        (BranchRule("True", "condition", "0", operator="NumberGreaterThan"),
         BranchRule("False", "error", "NoMatchingCondition")),
        (ParamRule("Status", "`MetricType` (`Available`, `Staffed`, `Online` → `NumberOfAgentsAvailable`, "
                   "`NumberOfAgentsStaffed`, `NumberOfAgentsOnline`)"), *_QUEUE_PARAMS),
        _build_check_staffing,
    ),
    ModuleMapping(
        "CheckQueueStatus", None, "CheckMetricData",
        (BranchRule("CheckQueueTime", "evaluate", unit="ms"), BranchRule("CheckQueueCapacity", "evaluate"), _NO_MATCH),
        _QUEUE_PARAMS, _build_check_queue_status,
        note="`MetricType` from the conditions: CheckQueueTime → `OldestContactInQueueAgeSeconds`, "
        "CheckQueueCapacity → `NumberOfContactsInQueue`; a block testing both is not converted.",
    ),
    ModuleMapping("GetMetricData", None, "GetMetricData", (), _QUEUE_PARAMS, _build_get_metric_data),
    ModuleMapping(
        "Wait", None, "Wait",
        (BranchRule("CustomerReturn", "condition", "CustomerReturned"),
         BranchRule("Timeout", "condition", "WaitCompleted")),
        (ParamRule("TimeoutSeconds", "`TimeLimitSeconds`"),
         ParamRule("InterruptOnCustomerReturn", "`Events: [CustomerReturned]` when true")),
        _build_wait,
    ),
    ModuleMapping(
        "UpdateRoutingPriority", None, "UpdateContactRoutingBehavior", (),
        (ParamRule("AbsolutePosition", "`QueuePriority`"), ParamRule("TimeOffset", "`QueueTimeAdjustmentSeconds`")),
        _build_routing_priority,
    ),
    *(
        ModuleMapping(
            spelling, None, "UpdateContactCallbackNumber",
            (BranchRule("InvalidNumber", "error", "InvalidCallbackNumber"),
             BranchRule("InvalidPhoneNumber", "error", "InvalidCallbackNumber"),
             BranchRule("NotDialable", "error", "CallbackNumberNotDialable"),
             BranchRule("NonDialableNumber", "error", "CallbackNumberNotDialable")),
            (ParamRule("CallbackNumber", "`CallbackNumber`"), ParamRule("CallBackNumber", "`CallbackNumber`")),
            _build_callback_number,
        )
        # Both spellings occur: the console exported `SetCallBackNumber`.
        for spelling in ("SetCallbackNumber", "SetCallBackNumber")
    ),
    ModuleMapping(
        "CreateCallback", None, "CreateCallbackContact", (),
        (ParamRule("InitialDelaySeconds", "`InitialCallDelaySeconds`"),
         ParamRule("MaxRetryAttempts", "`MaximumConnectionAttempts`"),
         ParamRule("RetryDelaySeconds", "`RetryDelaySeconds`"),
         ParamRule("ContactFlowId", "`ContactFlowId`"), *_QUEUE_PARAMS),
        _build_create_callback,
    ),
)
_MAPPINGS_BY_KEY: Mapping[tuple[str, str | None], ModuleMapping] = MappingProxyType(
    {(m.legacy_type, m.target): m for m in MODULE_MAPPINGS}
)
_TARGETED_TYPES = frozenset(m.legacy_type for m in MODULE_MAPPINGS if m.target)


def find_mapping(module_type: str, target: str | None, parameter_names: Sequence[str] = ()) -> ModuleMapping | None:
    """The mapping of a legacy module type (and target), None when there is none."""
    if module_type not in _TARGETED_TYPES:
        return _MAPPINGS_BY_KEY.get((module_type, None))
    if not target:
        # Older exports leave `target` out; the block is then told by its parameters.
        target = DEFAULT_TARGETS.get(module_type)
        if module_type == "Transfer":
            target = next((t for name, t in TRANSFER_TARGET_BY_PARAMETER if name in parameter_names), "Queue")
    return _MAPPINGS_BY_KEY.get((module_type, target))


# ---------------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------------


def declared_type(doc: Mapping[str, Any]) -> str | None:
    """The flow type a legacy export states: its top-level `type`, else `metadata.type`."""
    meta = doc.get("metadata")
    for value in (doc.get("type"), meta.get("type") if isinstance(meta, dict) else None):
        if isinstance(value, str) and value:
            if value in FLOW_TYPES:
                return value
            return LEGACY_FLOW_TYPES.get(value, value.upper())
    return None


def flow_name(doc: Mapping[str, Any], source: Path) -> str:
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name.strip() else source.stem


def id_lines(text: str) -> dict[str, int]:
    """Line of each `"id": "..."` in a JSON text (first occurrence wins, as module ids come first)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {}
    for match in _ID_RE.finditer(text):
        lines.setdefault(match.group(1), bisect.bisect_right(newlines, match.start()) + 1)
    return lines


def _fail(source: Path, pointer: str, message: str, line: int | None = None) -> FlowLoadError:
    where = f"{source}:{line}" if line else str(source)
    return FlowLoadError(f"{message} (at {pointer})", where=where)


def _read_modules(doc: Mapping[str, Any], source: Path, lines: Mapping[str, int]) -> list[_Module]:
    raw_modules = doc.get("modules")
    if not isinstance(raw_modules, list):
        raise _fail(source, "/modules", "a legacy export needs a 'modules' list")
    modules: list[_Module] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_modules):
        pointer = f"/modules/{index}"
        if not isinstance(raw, dict):
            raise _fail(source, pointer, "a module must be a JSON object")
        ident = raw.get("id")
        if not isinstance(ident, str) or not ident:
            raise _fail(source, pointer, "a module needs a non-empty string 'id'")
        line = lines.get(ident)
        if ident in seen:
            raise _fail(source, f"{pointer}/id", f"duplicate module id {ident!r}", line)
        seen.add(ident)
        module_type = raw.get("type")
        if not isinstance(module_type, str) or not module_type:
            raise _fail(source, f"{pointer}/type", f"module {ident!r} has no 'type'", line)
        target = raw.get("target")
        metadata = raw.get("metadata")
        modules.append(_Module(
            index=index,
            ident=ident,
            type=module_type,
            target=target if isinstance(target, str) and target else None,
            branches=_read_branches(raw.get("branches"), source, pointer, ident, line),
            params=_read_params(raw.get("parameters"), source, pointer, ident, line),
            metadata=metadata if isinstance(metadata, dict) else {},
            raw_parameters=raw.get("parameters"),
        ))
    return modules


def _read_branches(raw: Any, source: Path, pointer: str, ident: str, line: int | None) -> tuple[_Branch, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(source, f"{pointer}/branches", f"module {ident!r}: branches must be a list", line)
    branches: list[_Branch] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("condition"), str):
            raise _fail(source, f"{pointer}/branches/{index}",
                        f"module {ident!r}: a branch needs a string 'condition'", line)
        condition_type = entry.get("conditionType")
        branches.append(_Branch(
            condition=entry["condition"],
            condition_type=condition_type if isinstance(condition_type, str) else None,
            condition_value=entry.get("conditionValue"),
            transition=_text(entry.get("transition")),
        ))
    return tuple(branches)


def _read_params(raw: Any, source: Path, pointer: str, ident: str, line: int | None) -> tuple[_Param, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(source, f"{pointer}/parameters", f"module {ident!r}: parameters must be a list", line)
    params: list[_Param] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _fail(source, f"{pointer}/parameters/{index}",
                        f"module {ident!r}: a parameter needs a string 'name'", line)
        params.append(_Param(entry["name"], entry.get("value"), _optional(entry, "namespace"),
                             _optional(entry, "resourceName"), _optional(entry, "key")))
    return tuple(params)


def _optional(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) and value else None


def _operand(branch: _Branch, rule: BranchRule, warn: Callable[[str], None]) -> str:
    value = _text(branch.condition_value)
    if rule.unit != "ms":
        return value
    try:
        seconds = Decimal(value) / 1000
    except (InvalidOperation, ValueError):
        warn(f"{branch.condition} value {value!r} is not a number of milliseconds; it is kept as given")
        return value
    # The console stored time in queue in milliseconds (5 minutes = 300000); the metric is seconds.
    return format(seconds.normalize(), "f")


def _transitions(module: _Module, rules: Sequence[BranchRule], warn: Callable[[str], None]) -> dict[str, Any]:
    by_name = {rule.legacy: rule for rule in COMMON_BRANCHES}
    by_name.update({rule.legacy: rule for rule in rules})
    transitions: dict[str, Any] = {}
    conditions: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for branch in module.branches:
        rule = by_name.get(branch.condition)
        if rule is None:
            warn(f"branch {branch.condition!r} has no Flow-language counterpart; it is dropped")
            continue
        if rule.kind == "next":
            transitions["NextAction"] = branch.transition
        elif rule.kind == "error":
            errors.append({"NextAction": branch.transition, "ErrorType": rule.value})
        elif rule.kind == "condition":
            conditions.append(_condition(rule.operator, rule.value, branch.transition))
        else:
            legacy_operator = branch.condition_type or "Equals"
            operator = LEGACY_OPERATORS.get(legacy_operator)
            if operator is None:
                warn(f"condition type {legacy_operator!r} is not one of {', '.join(LEGACY_OPERATORS)}; "
                     "it is kept as the operator, which a run reports")
            conditions.append(_condition(operator or legacy_operator, _operand(branch, rule, warn), branch.transition))
    if conditions:
        transitions["Conditions"] = conditions
    if errors:
        transitions["Errors"] = errors
    return transitions


def _condition(operator: str, operand: str, target: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}


def _merge_display(metadata: dict[str, Any], display: Mapping[str, Any]) -> None:
    """Add the resource names a reader collected to the action's metadata, the way Flow-language
    ActionMetadata holds them; what the console already wrote there (queue.text, contactFlow.text)
    wins, since it is what the designer showed."""
    for key, value in display.items():
        if key == "parameters":
            existing = metadata.get("parameters")
            metadata["parameters"] = {**(existing if isinstance(existing, dict) else {}), **value}
            continue
        aliases = ("ContactFlow", "contactFlow") if key == "ContactFlow" else (key,)
        if not any(isinstance(metadata.get(a), dict) and metadata[a].get("text") for a in aliases):
            metadata[key] = value


def _unsupported_transitions(module: _Module) -> dict[str, Any]:
    """Branches of a module no mapping converts, kept so graphs and lint still see its edges:
    Success → NextAction, Evaluate → Conditions, any other name → an Errors entry of that name."""
    rules = [BranchRule(b.condition, "evaluate") if b.condition == "Evaluate" else BranchRule(b.condition, "error",
             b.condition) for b in module.branches if b.condition not in ("Success", "Error")]
    return _transitions(module, rules, lambda message: None)


def _action(module: _Module, flow_type: str | None, warnings: list[str]) -> dict[str, Any]:
    def warn(message: str) -> None:
        warnings.append(f"{module.describe()}: {message}")

    mapping = find_mapping(module.type, module.target, [p.name for p in module.params])
    metadata: dict[str, Any] = dict(module.metadata)
    metadata["legacyModule"] = {"type": module.type, **({"target": module.target} if module.target else {})}
    if mapping is not None:
        reader = _Reader(module, mapping, warnings)
        try:
            parameters = mapping.build(reader)
        except _Unconvertible as exc:
            warn(f"not converted: {exc}; it becomes action type {UNSUPPORTED_PREFIX}{module.type}, which no block runs")
        else:
            for name in reader.unread():
                warn(f"parameter {name!r} has no Flow-language counterpart; it is dropped")
            _merge_display(metadata, reader.display)
            action_type = mapping.action_type
            if mapping.queue_flow_action_type and flow_type == "CUSTOMER_QUEUE":
                action_type = mapping.queue_flow_action_type
            return {
                "Identifier": module.ident,
                "Type": action_type,
                "Parameters": parameters,
                "Transitions": _transitions(module, mapping.branches, warn),
                "_metadata": metadata,
            }
    else:
        kind = f"{module.type} with target {module.target!r}" if module.target else module.type
        warn(f"legacy module type {kind} has no Flow-language mapping; it becomes action type "
             f"{UNSUPPORTED_PREFIX}{module.type}, which no block runs")
    metadata["legacyModule"]["parameters"] = module.raw_parameters
    return {
        "Identifier": module.ident,
        "Type": f"{UNSUPPORTED_PREFIX}{module.type}",
        "Parameters": {},
        "Transitions": _unsupported_transitions(module),
        "_metadata": metadata,
    }


@dataclass(frozen=True)
class Conversion:
    """A legacy export rewritten in the Flow language, with where each action came from."""

    document: Mapping[str, Any]
    pointers: Mapping[str, str]
    lines: Mapping[str, int]
    warnings: tuple[str, ...]
    declared_type: str | None
    name: str


def to_flow_language(doc: Mapping[str, Any], *, source: Path, text: str = "") -> Conversion:
    """Rewrite a parsed legacy export as a Flow-language document (`Version` 2019-10-30).

    Raises FlowLoadError naming the file and the JSON pointer when the export is malformed.
    """
    lines = id_lines(text) if text else {}
    modules = _read_modules(doc, source, lines)
    flow_type = declared_type(doc)
    name = flow_name(doc, source)
    warnings: list[str] = []
    actions: list[dict[str, Any]] = []
    action_metadata: dict[str, Any] = {}
    for module in modules:
        action = _action(module, flow_type, warnings)
        action_metadata[module.ident] = action.pop("_metadata")
        actions.append(action)
    start = doc.get("start")
    meta = doc.get("metadata")
    document = {
        "Version": FLOW_LANGUAGE_VERSION,
        "StartAction": start if isinstance(start, str) else "",
        "Metadata": {**(meta if isinstance(meta, dict) else {}), "name": name, "ActionMetadata": action_metadata},
        "Actions": actions,
    }
    return Conversion(
        document=document,
        pointers=MappingProxyType({m.ident: m.pointer for m in modules}),
        lines=MappingProxyType({m.ident: lines[m.ident] for m in modules if m.ident in lines}),
        warnings=tuple(warnings),
        declared_type=flow_type,
        name=name,
    )


def parse_legacy_flow(
    doc: Mapping[str, Any], *, source: Path, text: str = "", placeholders: Mapping[str, str] | None = None
) -> Flow:
    """A legacy console export as a Flow (shape "legacy"); each action keeps the JSON pointer
    (`/modules/<i>`) and the line of its module's "id". `placeholders` (instance.placeholders)
    are substituted in the converted document, as in every other shape."""
    conversion = to_flow_language(doc, source=source, text=text)
    flow = parse_flow_document(
        dict(conversion.document),
        source=source,
        name=conversion.name,
        text="",  # lines come from the legacy "id" keys, not from Flow-language Identifiers
        declared_type=conversion.declared_type,
        shape="legacy",
        placeholders=placeholders,
    )
    actions = {
        ident: replace(action, pointer=conversion.pointers[ident], line=conversion.lines.get(ident))
        for ident, action in flow.actions.items()
    }
    return replace(flow, actions=actions, warnings=conversion.warnings + flow.warnings)


# ---------------------------------------------------------------------------------------------
# The docs page, generated from the tables above
# ---------------------------------------------------------------------------------------------

_PAGE_INTRO = """# Legacy console exports

Generated from the converter's tables in `pytest_connectflow/flow/legacy.py` (`docs_page()`); do
not edit by hand. Regenerate with
`python -c "from pytest_connectflow.flow.legacy import docs_page; print(docs_page(), end='')" > docs/legacy.md`.

Flows exported from the Amazon Connect console before the Flow language have `modules`, `version`,
`type`, `start` and `metadata` at the top. They load like any other flow file: each module is
rewritten as the Flow-language action the current flow designer exports for the same block, so
the same blocks run them and every assertion, trace and coverage report works the same way.

- **Name**: `metadata.name`, else the file stem (the file stem, as always, is accepted too).
- **Type**: the top-level `type`, else `metadata.type` (`contactFlow` → CONTACT_FLOW,
  `customerQueue` → CUSTOMER_QUEUE, `agentWhisper` → AGENT_WHISPER, ...).
- **Blocks** are named by the module `id` (a UUID; a unique prefix of 8 characters or more works).
  Errors and failure output point at the line of the module's `"id"` and its JSON pointer
  `/modules/<i>`; display names (`queue.text`, `contactFlow.text`, `resourceName`) are kept in the
  action's metadata, so queue, flow and prompt names print as in the console.
- A malformed export (`modules` not a list, a module without `id` or `type`, `branches` or
  `parameters` not lists, a duplicate `id`) is a load error naming the file, the line and the JSON
  pointer.
"""

_PAGE_RULES = """## Values

- A parameter with a `namespace` is a reference (see Namespaces); without one its `value` is literal
  text (JSONPath references embedded in text, such as `$.External.name` in a prompt, work as usual).
- Numbers and booleans become strings, as the Flow language stores them (`true` → `"True"`).
- A parameter whose `value` is empty but which has a `resourceName` (a queue or flow picked by name
  in an old console, `{"value": "", "resourceName": "BasicQueue"}`) uses the name as its value;
  queues and flows are found by name as well as by ARN.
- Repeated parameters with a `key` (`Attribute`, `Parameter`) become a map `key → value`; repeated
  `Track` entries become the MediaDirections list.
- A System value is looked up among the console's system attribute names (matched without regard
  to case); a value that is already a path (`Queue.ARN`, `Metrics.Queue.OldestContactAge`) becomes
  `$.` + the path.
"""

_PAGE_UNSUPPORTED = """## What is not converted, and what happens then

- A module type (or `Transfer` / `GetUserInput` / `InvokeExternalResource` target) missing from
  the table becomes an action of type `Legacy<Type>` (for example `LegacySetScreenPop`), with its
  branches kept for graphs and lint (Success → NextAction, Error → NoMatchingError, Evaluate →
  Conditions, any other name → an error of that name). The flow loads with a warning;
  `connectflow validate` reports the unsupported type, and a run that reaches the block stops
  with an UnsupportedActionError naming the block and the file. It is never skipped silently.
- A Check queue status block whose conditions test both the time in queue and the queue capacity
  has no single CheckMetricData equivalent (one MetricType per action) and is treated the same way.
- A parameter or branch name the table does not list for its module is dropped with a load
  warning naming the module, its JSON pointer and the name; an unknown condition type is kept as
  the operator (a run reports it); an unknown namespace keeps the value as literal text; an unknown
  System attribute name becomes a reference that is unset (warning).

## Decisions where the documentation is silent

- AWS publishes no conversion table; the branch and error names follow FLOW-LANGUAGE.md 1.5,
  which infers them from block behaviour and the corpus.
- Check queue status stores the time in queue in milliseconds (`300000` for 5 minutes, next to
  `conditionMetadata` `value: "5", time: "min."`); CheckMetricData's OldestContactInQueueAgeSeconds
  is seconds, so the operand is divided by 1000.
- Check staffing's True branch is the condition `NumberGreaterThan 0` on the agent count and
  False is NoMatchingCondition, as the current designer exports "agents staffed > 0".
- Set recording behavior with `Disable` records nobody (`RecordedParticipants: []`) whatever the
  participant option.
- Transfer to queue in a CUSTOMER_QUEUE flow becomes DequeueContactAndTransferToQueue, the only
  queue transfer that flow type allows.
- The parameter names of Get customer input (Lex) and Transfer to phone number are inferred (no
  legacy export in the corpus has them); unknown names there are reported as warnings.
- `SetCallBackNumber` (the console's spelling) and `SetCallbackNumber` are both accepted, with
  `InvalidNumber`/`InvalidPhoneNumber` and `NotDialable`/`NonDialableNumber` branches.
- Wait `TimeoutSeconds` and Change routing priority `TimeOffset` are seconds (the module's
  `timeoutUnit` / `adjustUnit` metadata is only the console's display unit); Set callback
  `MaxRetryAttempts` is copied to `MaximumConnectionAttempts` as is (both default to 1).
- Store customer input without `CustomerInputType` is a custom (digits) input.
- Legacy Set whisper / queue / hold flow blocks (`SetContactFlow`) have a Success branch only: a
  hooked flow that is not loaded takes NoMatchingError, which such a block does not declare, so the
  run ends with `ended: error` naming the block (DESIGN.md "Unresolved flows"). Load the hooked
  flow, or a stand-in of the right type, to run past it.
"""


# Actions that end the flow: their rows say so instead of "Success / Error only".
_TERMINAL_ACTIONS = frozenset({"DisconnectParticipant", "EndFlowExecution"})


def _cell(text: str) -> str:
    return text.replace("|", "/")


def docs_page() -> str:
    """docs/legacy.md: the mapping tables in Markdown."""
    out = [_PAGE_INTRO, "## Module types", ""]
    out.append("Every module also maps `Success` → NextAction and `Error` → error `NoMatchingError`.")
    out.append("")
    out.append("| Legacy module (target) | Flow-language action | Branches | Parameters | Notes |")
    out.append("|---|---|---|---|---|")
    for m in MODULE_MAPPINGS:
        action = f"`{m.action_type}`"
        if m.queue_flow_action_type:
            action += f" (CUSTOMER_QUEUE flow: `{m.queue_flow_action_type}`)"
        default = "none (the flow ends)" if m.action_type in _TERMINAL_ACTIONS else "Success / Error only"
        branches = "; ".join(rule.describe() for rule in m.branches) or default
        params = "; ".join(f"`{p.legacy}`: {p.flow}" for p in m.parameters) or "none"
        out.append(f"| `{m.label}` | {action} | {_cell(branches)} | {_cell(params)} | {_cell(m.note)} |")
    out += ["", "## Condition types (`Evaluate` branches)", "", "| Legacy `conditionType` | Operator |", "|---|---|"]
    out += [f"| `{legacy}` | `{operator}` |" for legacy, operator in LEGACY_OPERATORS.items()]
    out += ["", "A missing `conditionType` is `Equals`.", ""]
    out += ["## Namespaces", "", "| `namespace` | The value is read as |", "|---|---|"]
    for namespace, base in NAMESPACES.items():
        shown = f"`{base}.<value>`" if base else "a system attribute (table below), or `$.<value>` for a path"
        out.append(f"| `{namespace}` | {shown} |")
    out += ["", "## System attribute names", "", "| Console name | Reference |", "|---|---|"]
    out += [f"| {name} | `{path}` |" for name, path in SYSTEM_ATTRIBUTES.items()]
    out += ["", _PAGE_RULES, _PAGE_UNSUPPORTED]
    return "\n".join(out).rstrip("\n") + "\n"


__all__ = [
    "COMMON_BRANCHES",
    "LEGACY_OPERATORS",
    "MODULE_MAPPINGS",
    "NAMESPACES",
    "SYSTEM_ATTRIBUTES",
    "UNSUPPORTED_PREFIX",
    "BranchRule",
    "Conversion",
    "ModuleMapping",
    "ParamRule",
    "declared_type",
    "docs_page",
    "find_mapping",
    "parse_legacy_flow",
    "to_flow_language",
]

