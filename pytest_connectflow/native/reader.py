"""Read Amazon Connect test cases in the shapes teams keep them, with JSON-pointer errors.

Shapes: a `DescribeTestCase` response (`{"TestCase": {...}}`), a `CreateTestCase` request as
`aws connect create-test-case --cli-input-json` takes it, a CloudFormation template with
`AWS::Connect::TestCase` resources (JSON, or YAML when the file ends in .yaml/.yml), bare
`Content` (`{"Version", "Observations"}`), or a JSON list of any of these. `Content` and
`InitializationData` are JSON strings in the API shapes; an object is read too.

What makes the file unreadable (JSON syntax, an unknown top level) is a file error; anything wrong
inside one test case fails that test case only.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

from ..engine.values import to_text
from ..errors import ConnectflowError
from .model import (
    ACTION_TYPE_ALIASES,
    ASSERT_OPERATORS,
    EVENT_TYPES,
    FLOW_ACTION_EVENTS,
    OVERRIDE_ACTIONS,
    USAGE_TYPES,
    VERSIONS,
    Assert,
    EndTest,
    EntryPoint,
    Event,
    LogData,
    NativeTestError,
    Observation,
    Override,
    SendInstruction,
    TestAction,
    TestCase,
    TestCaseFile,
    Usage,
)

TEST_CASE_RESOURCE = "AWS::Connect::TestCase"
FLOW_RESOURCE = "AWS::Connect::ContactFlow"
# Which ActionParameters key names the resource an override or event is about.
RESOURCE_PARAMETER = {
    "InvokeLambdaFunction": ("LambdaFunctionARN",),
    "CheckHoursOfOperation": ("HoursOfOperationId",),
    "TransferContactToQueue": ("QueueId",),
    "DequeueContactAndTransferToQueue": ("QueueId",),
    "ConnectParticipantWithLexBot": ("LexV2Bot", "AliasArn"),
}
# MockResponse Error values each flow action can take (the override page).
ERROR_VALUES = {
    "InvokeLambdaFunction": ("TimeLimitExceeded", "NoMatchingError"),
    "ConnectParticipantWithLexBot": ("TimeLimitExceeded", "NoMatchingError"),
    "CheckHoursOfOperation": ("NoMatchingError",),
    "TransferContactToQueue": ("QueueAtCapacity", "NoMatchingError"),
    "DequeueContactAndTransferToQueue": ("QueueAtCapacity", "NoMatchingError"),
}
HOURS_VALUES = ("InHours", "OutOfHours")
_PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
           "AWS::URLSuffix": "amazonaws.com"}
_SUB_RE = re.compile(r"\$\{([^}!]*)\}")


class _Bad(Exception):
    """Internal: what is wrong at a JSON pointer (of the Content, or of the file)."""

    def __init__(self, pointer: str, message: str, *, in_content: bool = True) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message
        self.in_content = in_content


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _esc(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _at(pointer: str, *keys: str | int) -> str:
    return pointer + "".join(f"/{_esc(k)}" for k in keys)


def read_test_case_file(path: Path, display: str | None = None) -> TestCaseFile:
    """Every test case in the file; `display` is how messages name the file (default: the path)."""
    shown = display or str(path)
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return TestCaseFile(path, error=NativeTestError(f"cannot read the file: {exc}", where=shown))
    try:
        doc = _parse_document(path, text, shown)
    except NativeTestError as exc:
        return TestCaseFile(path, error=exc)
    try:
        found = _split(doc, "")
    except _Bad as bad:
        return TestCaseFile(path, error=NativeTestError(bad.message, where=f"{shown}#{bad.pointer or '/'}"))
    cases = [_read_case(path, shown, pointer, shape, raw, doc) for pointer, shape, raw in found]
    counts: dict[str, int] = {}
    named = []
    for case in cases:
        counts[case.name] = counts.get(case.name, 0) + 1
        if counts[case.name] > 1:
            first = next(c for c in cases if c.name == case.name)
            case = TestCase(
                name=case.name, file=case.file, pointer=case.pointer, shape=case.shape, display=case.display,
                error=NativeTestError(f"duplicate test case name {case.name!r} (first at {first.where})",
                                      where=case.where),
            )
        named.append(case)
    return TestCaseFile(path, tuple(named))


def read_test_case_text(text: str, name: str = "test case", file: Path | None = None) -> TestCase:
    """One test case from JSON text (any shape holding exactly one test case)."""
    path = file or Path(f"{name}.testcase.json")
    doc = _parse_document(path, text, str(path))
    found = _split(doc, "")
    if len(found) != 1:
        raise NativeTestError(f"expected one test case, found {len(found)}", where=str(path))
    pointer, shape, raw = found[0]
    case = _read_case(path, str(path), pointer, shape, raw, doc)
    if case.error is not None:
        raise case.error
    return case


def _parse_document(path: Path, text: str, shown: str) -> Any:
    if path.suffix.lower() in (".yaml", ".yml"):
        from ..flow.cloudformation import read_yaml_template

        try:
            doc, _ = read_yaml_template(path, text)
        except ConnectflowError as exc:
            where = (exc.where or "").replace(str(path), shown, 1) or shown
            raise NativeTestError(exc.message, where=where) from None
        return doc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NativeTestError(f"not valid JSON: {exc.msg}", where=f"{shown}:{exc.lineno}:{exc.colno}") from None


def _split(doc: Any, pointer: str) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(pointer, shape, raw test case) for every test case the document holds."""
    if isinstance(doc, list):
        if not doc:
            raise _Bad(pointer, "the list holds no test cases", in_content=False)
        found = []
        for i, item in enumerate(doc):
            found += _split(item, _at(pointer, i))
        return found
    if not isinstance(doc, dict):
        raise _Bad(pointer, f"a test case file holds a JSON object, not {type(doc).__name__}", in_content=False)
    if "Resources" in doc or "AWSTemplateFormatVersion" in doc:
        resources = doc.get("Resources")
        found = [
            (_at("/Resources", logical), "cloudformation", resource)
            for logical, resource in (resources.items() if isinstance(resources, dict) else [])
            if isinstance(resource, dict) and resource.get("Type") == TEST_CASE_RESOURCE
        ]
        if not found:
            raise _Bad("/Resources", f"the template holds no {TEST_CASE_RESOURCE} resource", in_content=False)
        return found
    if isinstance(doc.get("TestCase"), dict):
        return [(_at(pointer, "TestCase"), "describe-test-case", doc["TestCase"])]
    if "Observations" in doc:
        return [(pointer, "content", doc)]
    if "Content" in doc:
        return [(pointer, "create-test-case", doc)]
    keys = ", ".join(sorted(doc)) or "none"
    raise _Bad(
        pointer,
        "not a test case: expected a DescribeTestCase response ({\"TestCase\": ...}), a CreateTestCase "
        "request (with Content), a CloudFormation template with AWS::Connect::TestCase resources, or "
        f"Content (with Observations); its keys: {keys}",
        in_content=False,
    )


def _read_case(path: Path, shown: str, pointer: str, shape: str, raw: Mapping[str, Any], doc: Any) -> TestCase:
    stem = path.name.split(".")[0]
    name = stem
    props: Mapping[str, Any] = raw
    if shape == "cloudformation":
        found = raw.get("Properties")
        props = found if isinstance(found, dict) else {}
        name = str(props.get("Name")) if isinstance(props.get("Name"), str) else pointer.rsplit("/", 1)[-1]
    elif shape != "content" and isinstance(raw.get("Name"), str) and raw["Name"].strip():
        name = raw["Name"]
    props_pointer = _at(pointer, "Properties") if shape == "cloudformation" else pointer
    content_pointer = props_pointer if shape == "content" else _at(props_pointer, "Content")
    shell = TestCase(name=name, file=path, pointer=pointer, shape=shape, display=shown, content_pointer=content_pointer)
    in_string = False
    try:
        if shape == "content":
            content: Any = raw
        else:
            if "Content" not in props:
                raise _Bad(props_pointer, "Content is missing (the test case's observations)", in_content=False)
            content, in_string = _json_value(props["Content"], content_pointer, "Content", doc)
        case = _content(shell, content)
        entry = props.get("EntryPoint") if shape != "content" else None
        entry_pointer = _at(props_pointer, "EntryPoint")
        init = props.get("InitializationData") if shape != "content" else None
        init_pointer = _at(props_pointer, "InitializationData")
        if shape == "content":  # the console keeps the entry point and data in Metadata
            found_meta = raw.get("Metadata")
            meta: Mapping[str, Any] = found_meta if isinstance(found_meta, dict) else {}
            entry, entry_pointer = meta.get("entryPoint"), _at(pointer, "Metadata", "entryPoint")
            init, init_pointer = meta.get("initializationData"), _at(pointer, "Metadata", "initializationData")
        entry_point = _entry_point(entry, entry_pointer, doc) if entry is not None else None
        attributes = _initialization(init, init_pointer, doc) if init is not None else {}
        description = props.get("Description") if isinstance(props.get("Description"), str) else ""
        return TestCase(
            name=name, file=path, pointer=pointer, shape=shape, display=shown, version=case.version,
            observations=case.observations, entry_point=entry_point, attributes=attributes,
            description=str(description or ""), content_pointer=content_pointer,
        )
    except _Bad as bad:
        if not bad.in_content:
            where = f"{shown}#{bad.pointer or '/'}"
        elif in_string:  # a pointer into the JSON string held at content_pointer
            where = f"{shown}#{content_pointer} » {bad.pointer or '/'}"
        else:
            where = f"{shown}#{content_pointer}{bad.pointer}" if content_pointer or bad.pointer else f"{shown}#/"
        return TestCase(name=name, file=path, pointer=pointer, shape=shape, display=shown,
                        content_pointer=content_pointer, error=NativeTestError(bad.message, where=where))


# CloudFormation values ---------------------------------------------------------------------------

def _json_value(value: Any, pointer: str, what: str, doc: Any) -> tuple[Any, bool]:
    """A JSON document given as a string (parsed; True), an object (as is), or a CloudFormation
    Fn::Sub / Fn::Join / Fn::ToJsonString of one."""
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Fn::ToJsonString":
            return argument, False
        if function in ("Fn::Sub", "Fn::Join"):
            value = _cfn_text(value, pointer, doc)
    if isinstance(value, str):
        try:
            return json.loads(value), True
        except json.JSONDecodeError as exc:
            raise _Bad(pointer, f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno} "
                                f"of the {what} string)", in_content=False) from None
    if isinstance(value, dict):
        return value, False
    raise _Bad(pointer, f"{what} must be a JSON string, not {type(value).__name__}", in_content=False)


def _cfn_text(value: Any, pointer: str, doc: Any) -> str:
    """Fn::Sub (its own variables, then the pseudo parameters; anything else is kept as written)
    and Fn::Join of strings, as far as they can be known offline."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Fn::Sub":
            template, variables = (argument[0], argument[1]) if isinstance(argument, list) and len(argument) == 2 \
                else (argument, {})
            if isinstance(template, str) and isinstance(variables, dict):
                known = {**_PSEUDO, **{k: v for k, v in variables.items() if isinstance(v, str)}}
                return _SUB_RE.sub(lambda m: known.get(m.group(1), m.group(0)), template)
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            sep, parts = argument
            if isinstance(sep, str) and isinstance(parts, list):
                return sep.join(_cfn_text(p, pointer, doc) for p in parts)
    raise _Bad(pointer, f"cannot be resolved offline: {json.dumps(value)[:80]}", in_content=False)


def _flow_reference(value: Any, pointer: str, doc: Any) -> str:
    """A FlowId: a string, or a reference to an AWS::Connect::ContactFlow of the same template
    (Ref, Fn::GetAtt ...ContactFlowArn), which names the flow by its Name."""
    if isinstance(value, str):
        return value
    logical = None
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Ref" and isinstance(argument, str):
            logical = argument
        elif function == "Fn::GetAtt":
            parts = argument.split(".", 1) if isinstance(argument, str) else argument
            if isinstance(parts, list) and parts and isinstance(parts[0], str):
                logical = parts[0]
        elif function in ("Fn::Sub", "Fn::Join"):
            return _cfn_text(value, pointer, doc)
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    resource = resources.get(logical) if isinstance(resources, dict) and logical else None
    if isinstance(resource, dict) and resource.get("Type") == FLOW_RESOURCE:
        props = resource.get("Properties")
        flow_name = props.get("Name") if isinstance(props, dict) else None
        return flow_name if isinstance(flow_name, str) and flow_name else str(logical)
    raise _Bad(pointer, f"FlowId cannot be resolved offline ({json.dumps(value)[:80]}); use a flow Id or ARN, a Ref "
                        "to an AWS::Connect::ContactFlow of the template, or name the flow with --flow",
               in_content=False)


def _entry_point(raw: Any, pointer: str, doc: Any) -> EntryPoint:
    if not isinstance(raw, dict):
        raise _Bad(pointer, f"EntryPoint must be an object, not {type(raw).__name__}", in_content=False)
    kind = raw.get("Type")
    voice, chat = raw.get("VoiceCallEntryPointParameters"), raw.get("ChatEntryPointParameters")
    if kind is None:
        kind = "CHAT" if isinstance(chat, dict) and not isinstance(voice, dict) else "VOICE_CALL"
    if kind not in ("VOICE_CALL", "CHAT"):
        hint = _hint(str(kind), ("VOICE_CALL", "CHAT"))
        raise _Bad(_at(pointer, "Type"), f"EntryPoint Type {kind!r} is not VOICE_CALL or CHAT{hint}", in_content=False)
    key = "ChatEntryPointParameters" if kind == "CHAT" else "VoiceCallEntryPointParameters"
    params = raw.get(key)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise _Bad(_at(pointer, key), f"{key} must be an object", in_content=False)
    flow = params.get("FlowId")
    flow_id = _flow_reference(flow, _at(pointer, key, "FlowId"), doc) if flow not in (None, "") else None

    def text(name: str) -> str | None:
        value = params.get(name)
        return value if isinstance(value, str) and value else None

    return EntryPoint(
        type=cast(Literal["VOICE_CALL", "CHAT"], kind),
        flow_id=flow_id,
        source_phone_number=text("SourcePhoneNumber"),
        destination_phone_number=text("DestinationPhoneNumber"),
        pointer=pointer,
    )


def _initialization(raw: Any, pointer: str, doc: Any) -> dict[str, str]:
    """InitializationData: `{"Attributes": {...}}` gives the contact's user-defined attributes."""
    if raw == "" or raw is None:
        return {}
    data, _ = _json_value(raw, pointer, "InitializationData", doc)
    if not isinstance(data, dict):
        raise _Bad(pointer, "InitializationData must hold a JSON object like {\"Attributes\": {...}}", in_content=False)
    unknown = [k for k in data if k not in ("Attributes", "SegmentAttributes")]
    if unknown:
        raise _Bad(pointer, f"InitializationData key {unknown[0]!r} is not read offline; it takes Attributes "
                            "(the contact's user-defined attributes)", in_content=False)
    if data.get("SegmentAttributes"):
        raise _Bad(pointer, "InitializationData SegmentAttributes are not modelled offline", in_content=False)
    attributes = data.get("Attributes") or {}
    if not isinstance(attributes, dict):
        raise _Bad(pointer, "InitializationData Attributes must be an object of strings", in_content=False)
    out: dict[str, str] = {}
    for key, value in attributes.items():
        if isinstance(value, (dict, list)):
            raise _Bad(pointer, f"InitializationData attribute {key!r} must be a string, not {type(value).__name__}",
                       in_content=False)
        out[str(key)] = to_text(value) or ""
    return out


# Content -----------------------------------------------------------------------------------------

def _obj(value: Any, pointer: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(pointer, f"{what} must be an object, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else {list: "an array", str: "a string", dict: "an object", bool: "a boolean"}.get(
        type(value), type(value).__name__)


def _str(value: Any, pointer: str, what: str, *, allow_number: bool = False, empty: bool = False) -> str:
    if allow_number and isinstance(value, (int, float)) and not isinstance(value, bool):
        return to_text(value) or ""
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise _Bad(pointer, f"{what} must be a {'non-empty ' if not empty else ''}string, not {_kind(value)}")
    return value


def _known_keys(raw: Mapping[str, Any], pointer: str, allowed: Sequence[str], what: str) -> None:
    for key in raw:
        if key not in allowed:
            raise _Bad(_at(pointer, key), f"unknown key {key!r} in {what}{_hint(key, allowed)}; allowed: "
                                          f"{', '.join(allowed)}")


def _content(shell: TestCase, content: Any) -> TestCase:
    data = _obj(content, "", "the Content")
    _known_keys(data, "", ("Version", "Metadata", "Observations"), "the Content")
    version = data.get("Version")
    if version is None:
        raise _Bad("", f"Version is missing; the Testing language versions are {', '.join(VERSIONS)}")
    if version not in VERSIONS:
        raise _Bad("/Version", f"Version {version!r} is not a Testing language version ({', '.join(VERSIONS)})")
    if "Metadata" in data and data["Metadata"] is not None:
        _obj(data["Metadata"], "/Metadata", "Metadata")
    raw_observations = data.get("Observations")
    if not isinstance(raw_observations, list) or not raw_observations:
        raise _Bad("/Observations", "Observations must be a non-empty array of observations")
    observations: list[Observation] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(raw_observations):
        observation = _observation(raw, _at("/Observations", i))
        if observation.identifier in seen:
            raise _Bad(_at(observation.pointer, "Identifier"),
                       f"duplicate observation Identifier {observation.identifier!r} (first at "
                       f"{seen[observation.identifier]})")
        seen[observation.identifier] = observation.pointer
        observations.append(observation)
    for observation in observations:
        for j, target in enumerate(observation.next_observations):
            if target not in seen:
                raise _Bad(_at(observation.pointer, "Transitions", "NextObservations", j),
                           f"NextObservations names {target!r}, which is no observation{_hint(target, list(seen))}")
    return TestCase(name=shell.name, file=shell.file, pointer=shell.pointer, shape=shell.shape,
                    version=str(version), observations=tuple(observations))


OBSERVATION_KEYS = ("Identifier", "Event", "Actions", "Usage", "Transitions")


def _observation(raw: Any, pointer: str) -> Observation:
    data = _obj(raw, pointer, "an observation")
    _known_keys(data, pointer, OBSERVATION_KEYS, "an observation")
    identifier = _str(data.get("Identifier"), _at(pointer, "Identifier"), "the observation's Identifier")
    if "Event" not in data:
        raise _Bad(pointer, f"observation {identifier!r} has no Event")
    event = _event(data["Event"], _at(pointer, "Event"))
    raw_actions = data.get("Actions")
    if raw_actions is None:
        raw_actions = []
    if not isinstance(raw_actions, list):
        raise _Bad(_at(pointer, "Actions"), f"Actions must be an array, not {_kind(raw_actions)}")
    actions = [_action(a, _at(pointer, "Actions", i)) for i, a in enumerate(raw_actions)]
    usage = _usage(data.get("Usage"), _at(pointer, "Usage"))
    transitions = data.get("Transitions")
    following: tuple[str, ...] = ()
    if transitions is not None:
        tpointer = _at(pointer, "Transitions")
        tdata = _obj(transitions, tpointer, "Transitions")
        # The API reference's prose says NextActions; its JSON and the developer guide say
        # NextObservations. Both are read.
        _known_keys(tdata, tpointer, ("NextObservations", "NextActions"), "the observation's Transitions")
        key = "NextObservations" if "NextObservations" in tdata else "NextActions"
        targets = tdata.get(key) or []
        if not isinstance(targets, list):
            raise _Bad(_at(tpointer, key), f"{key} must be an array of observation Identifiers")
        following = tuple(_str(t, _at(tpointer, key, j), "an observation Identifier") for j, t in enumerate(targets))
    return Observation(identifier, pointer, event, _ordered(actions, pointer), usage, following)


def _usage(raw: Any, pointer: str) -> Usage:
    if raw is None:
        return Usage()
    data = _obj(raw, pointer, "Usage")
    _known_keys(data, pointer, ("Type", "Times"), "Usage")
    given = str(data.get("Type") or "Exactly")
    spelled = {u.lower(): u for u in USAGE_TYPES}
    spelled["any"] = "Always"
    kind = spelled.get(given.lower())
    if kind is None:
        raise _Bad(_at(pointer, "Type"), f"Usage Type {given!r} is not one of {', '.join(USAGE_TYPES)}"
                                         f"{_hint(given, USAGE_TYPES)}")
    times = data.get("Times", 1)
    if kind != "Always" and (not isinstance(times, int) or isinstance(times, bool) or times < 0
                             or (times == 0 and kind != "AtMost")):
        raise _Bad(_at(pointer, "Times"), f"Usage Times must be a whole number of at least 1, not {times!r}")
    return Usage(kind, times if isinstance(times, int) else 1)


def _event(raw: Any, pointer: str) -> Event:
    data = _obj(raw, pointer, "Event")
    _known_keys(data, pointer, ("Identifier", "Type", "Actor", "Properties", "MatchingCriteria"), "an Event")
    kind = _str(data.get("Type"), _at(pointer, "Type"), "the Event's Type")
    if kind not in EVENT_TYPES:
        raise _Bad(_at(pointer, "Type"), f"unknown event type {kind!r}{_hint(kind, EVENT_TYPES)}; the Testing language "
                                         f"has {', '.join(EVENT_TYPES)}")
    actor = data.get("Actor", "System")
    if actor != "System":
        raise _Bad(_at(pointer, "Actor"), f"events observed from the Actor {actor!r} are not modelled offline; "
                                          "events come from the System")
    identifier = data.get("Identifier") if isinstance(data.get("Identifier"), str) else ""
    props_raw = data.get("Properties")
    props = _obj(props_raw, _at(pointer, "Properties"), "Properties") if props_raw is not None else {}
    if kind == "MessageReceived":
        return _message_event(data, props, pointer, str(identifier))
    if kind == "FlowActionStarted":
        ppointer = _at(pointer, "Properties")
        _known_keys(props, ppointer, ("ActionType", "ActionParameters"), "FlowActionStarted Properties")
        # The page's own example writes "InvokeLambdaFunction " with a space.
        action_type = _str(props.get("ActionType"), _at(ppointer, "ActionType"), "ActionType").strip()
        action_type = ACTION_TYPE_ALIASES.get(action_type, action_type)
        if action_type not in FLOW_ACTION_EVENTS:
            raise _Bad(_at(ppointer, "ActionType"),
                       f"FlowActionStarted is observed for {', '.join(FLOW_ACTION_EVENTS)}, not {action_type!r}"
                       f"{_hint(action_type, FLOW_ACTION_EVENTS)}")
        params = props.get("ActionParameters")
        params = _obj(params, _at(ppointer, "ActionParameters"), "ActionParameters") if params is not None else {}
        return Event(kind, pointer, str(identifier), props, action_type=action_type, action_parameters=params)
    return Event(kind, pointer, str(identifier), props)


def _message_event(data: Mapping[str, Any], props: Mapping[str, Any], pointer: str, identifier: str) -> Event:
    ppointer = _at(pointer, "Properties")
    _known_keys(props, ppointer, ("PromptId", "Text", "SSML", "Media", "MatchingCriteria"),
                "MessageReceived Properties")
    given = [k for k in ("PromptId", "Text", "SSML", "Media") if k in props]
    if len(given) > 1:
        raise _Bad(ppointer, f"MessageReceived takes one of PromptId, Text, SSML or Media, not {' and '.join(given)}")
    for key in ("PromptId", "Text", "SSML"):
        if key in props:
            _str(props[key], _at(ppointer, key), key)
    if "Media" in props:
        media = _obj(props["Media"], _at(ppointer, "Media"), "Media")
        _str(media.get("Uri"), _at(ppointer, "Media", "Uri"), "Media Uri")
    # The message-received page puts MatchingCriteria in Properties as {Type: ...}; the example
    # page writes "MatchingCriteria": "Similarity" beside Properties. Both are read.
    criteria_at, criteria = (_at(ppointer, "MatchingCriteria"), props["MatchingCriteria"]) \
        if "MatchingCriteria" in props else (_at(pointer, "MatchingCriteria"), data.get("MatchingCriteria"))
    matching = "Similarity"
    if criteria is not None:
        if isinstance(criteria, dict):
            _known_keys(criteria, criteria_at, ("Type",), "MatchingCriteria")
            criteria_at, criteria = _at(criteria_at, "Type"), criteria.get("Type")
        if criteria not in ("Similarity", "Inclusion"):
            raise _Bad(criteria_at, f"MatchingCriteria {criteria!r} is not Similarity or Inclusion"
                                    f"{_hint(str(criteria), ('Similarity', 'Inclusion'))}")
        matching = str(criteria)
    return Event("MessageReceived", pointer, identifier, {k: props[k] for k in given},
                 matching=cast(Literal["Similarity", "Inclusion"], matching))


ACTION_TYPES = ("SendInstruction", "OverrideSystemBehavior", "Assert", "TestControl")


def _action(raw: Any, pointer: str) -> TestAction:
    data = _obj(raw, pointer, "an action")
    _known_keys(data, pointer, ("Identifier", "Id", "Type", "Parameters", "Transitions"), "an action")
    identifier = data.get("Identifier", data.get("Id"))
    identifier = identifier if isinstance(identifier, str) and identifier else pointer
    kind = _str(data.get("Type"), _at(pointer, "Type"), "the action's Type")
    params = _obj(data.get("Parameters"), _at(pointer, "Parameters"), "Parameters")
    ppointer = _at(pointer, "Parameters")
    next_action = ""
    transitions = data.get("Transitions")
    if transitions is not None:
        tdata = _obj(transitions, _at(pointer, "Transitions"), "Transitions")
        _known_keys(tdata, _at(pointer, "Transitions"), ("NextAction",), "the action's Transitions")
        target = tdata.get("NextAction")
        if target is not None:
            next_action = _str(target, _at(pointer, "Transitions", "NextAction"), "NextAction", empty=True)
    if kind == "SendInstruction":
        return _send_instruction(identifier, params, ppointer, next_action, pointer)
    if kind == "OverrideSystemBehavior":
        return _override(identifier, params, ppointer, next_action, pointer)
    if kind in ("Assert", "Assertion"):
        _known_keys(params, ppointer, ("Namespace", "Operator", "Operand", "ActionType"), "Assert Parameters")
        namespace = _str(params.get("Namespace"), _at(ppointer, "Namespace"), "Namespace")
        if not namespace.startswith("$."):
            raise _Bad(_at(ppointer, "Namespace"), f"Namespace {namespace!r} must be a reference such as $.Queue.Name")
        operator = _str(params.get("Operator"), _at(ppointer, "Operator"), "Operator")
        if operator not in ASSERT_OPERATORS:
            raise _Bad(_at(ppointer, "Operator"), f"unknown Operator {operator!r}{_hint(operator, ASSERT_OPERATORS)}; "
                                                  f"Assert takes {', '.join(ASSERT_OPERATORS)}")
        operand = None
        if operator != "Exists":
            if "Operand" not in params:
                raise _Bad(ppointer, f"Operator {operator} needs an Operand (only Exists takes none)")
            operand = _str(params["Operand"], _at(ppointer, "Operand"), "Operand", allow_number=True, empty=True)
        return Assert(identifier, pointer, namespace, operator, operand, next_action)
    if kind == "TestControl":
        _known_keys(params, ppointer, ("ActionType", "Command"), "TestControl Parameters")
        command = _obj(params.get("Command"), _at(ppointer, "Command"), "Command")
        ctype = command.get("Type")
        if ctype == "EndTest":
            return EndTest(identifier, pointer, next_action)
        if ctype == "LogData":
            cprops = _obj(command.get("Properties"), _at(ppointer, "Command", "Properties"), "LogData Properties")
            expressions = _obj(cprops.get("Expressions"), _at(ppointer, "Command", "Properties", "Expressions"),
                               "Expressions")
            checked = {str(k): _str(v, _at(ppointer, "Command", "Properties", "Expressions", k), "an expression")
                       for k, v in expressions.items()}
            return LogData(identifier, pointer, checked, next_action)
        raise _Bad(_at(ppointer, "Command", "Type"), f"TestControl Command Type {ctype!r} is not EndTest or LogData"
                                                     f"{_hint(str(ctype), ('EndTest', 'LogData'))}")
    raise _Bad(_at(pointer, "Type"), f"unknown action type {kind!r}{_hint(kind, ACTION_TYPES)}; the Testing language "
                                     f"has {', '.join(ACTION_TYPES)}")


def _send_instruction(identifier: str, params: Mapping[str, Any], ppointer: str, next_action: str,
                      pointer: str) -> SendInstruction:
    _known_keys(params, ppointer, ("ActionType", "Actor", "Instruction"), "SendInstruction Parameters")
    actor = params.get("Actor", "Customer")
    if actor != "Customer":
        raise _Bad(_at(ppointer, "Actor"), f"instructions of the Actor {actor!r} are not modelled offline; the "
                                           "Customer sends instructions")
    instruction = _obj(params.get("Instruction"), _at(ppointer, "Instruction"), "Instruction")
    ipointer = _at(ppointer, "Instruction")
    kind = instruction.get("Type")
    props = instruction.get("Properties")
    props = _obj(props, _at(ipointer, "Properties"), "Properties") if props is not None else {}
    if kind == "DtmfInput":
        value = _str(props.get("Value"), _at(ipointer, "Properties", "Value"), "the DTMF Value", allow_number=True)
        if not re.fullmatch(r"[0-9*#]+", value):
            raise _Bad(_at(ipointer, "Properties", "Value"),
                       f"DTMF Value {value!r} holds a key that is not 0-9, * or #")
        return SendInstruction(identifier, pointer, "DtmfInput", value, next_action)
    if kind in ("TextUtterance", "Utterance"):
        # The page documents Text or SSML; CreateTestCase has been seen to take Value: all are read.
        for key in ("Text", "SSML", "Value"):
            if key in props:
                text = _str(props[key], _at(ipointer, "Properties", key), key)
                if key == "SSML":
                    from ..engine.messages import plain_text

                    text = plain_text(text)
                return SendInstruction(identifier, pointer, "TextUtterance", text, next_action)
        raise _Bad(_at(ipointer, "Properties"), "a TextUtterance needs Text or SSML")
    if kind == "Disconnect":
        return SendInstruction(identifier, pointer, "Disconnect", "", next_action)
    raise _Bad(_at(ipointer, "Type"), f"Instruction Type {kind!r} is not DtmfInput, TextUtterance or Disconnect"
                                      f"{_hint(str(kind), ('DtmfInput', 'TextUtterance', 'Disconnect'))}")


def _override(identifier: str, params: Mapping[str, Any], ppointer: str, next_action: str, pointer: str) -> Override:
    _known_keys(params, ppointer, ("ActionType", "Behavior"), "OverrideSystemBehavior Parameters")
    behavior = _obj(params.get("Behavior"), _at(ppointer, "Behavior"), "Behavior")
    bpointer = _at(ppointer, "Behavior")
    if behavior.get("Type", "FlowAction") != "FlowAction":
        raise _Bad(_at(bpointer, "Type"), f"Behavior Type {behavior.get('Type')!r} is not FlowAction")
    props = _obj(behavior.get("Properties"), _at(bpointer, "Properties"), "Behavior Properties")
    prop_pointer = _at(bpointer, "Properties")
    _known_keys(props, prop_pointer, ("ActionType", "ActionParameters", "Strategy"), "Behavior Properties")
    action_type = _str(props.get("ActionType"), _at(prop_pointer, "ActionType"), "ActionType").strip()
    action_type = ACTION_TYPE_ALIASES.get(action_type, action_type)
    if action_type not in OVERRIDE_ACTIONS:
        raise _Bad(_at(prop_pointer, "ActionType"), f"OverrideSystemBehavior works on {', '.join(OVERRIDE_ACTIONS)}, "
                                                    f"not {action_type!r}{_hint(action_type, OVERRIDE_ACTIONS)}")
    raw_params = props.get("ActionParameters")
    action_params = _obj(raw_params, _at(prop_pointer, "ActionParameters"), "ActionParameters") \
        if raw_params is not None else {}
    resource = resource_of(action_type, action_params)
    strategy = _obj(props.get("Strategy"), _at(prop_pointer, "Strategy"), "Strategy")
    spointer = _at(prop_pointer, "Strategy")
    stype = strategy.get("Type")
    if stype == "SubstituteResource":
        substitute = _str(strategy.get("SubstituteArn"), _at(spointer, "SubstituteArn"), "SubstituteArn")
        return Override(identifier, pointer, action_type, resource, "SubstituteResource", substitute=substitute,
                        next_action=next_action)
    if stype != "MockResponse":
        raise _Bad(_at(spointer, "Type"), f"Strategy Type {stype!r} is not SubstituteResource or MockResponse"
                                          f"{_hint(str(stype), ('SubstituteResource', 'MockResponse'))}")
    response = _obj(strategy.get("Response"), _at(spointer, "Response"), "Response")
    rpointer = _at(spointer, "Response")
    rtype = response.get("Type")
    if rtype == "Error":
        body = _obj(response.get("Error"), _at(rpointer, "Error"), "Error")
        value = _str(body.get("Value"), _at(rpointer, "Error", "Value"), "the Error Value")
        allowed = ERROR_VALUES[action_type]
        if value not in allowed:
            raise _Bad(_at(rpointer, "Error", "Value"),
                       f"{action_type} fails with {' or '.join(allowed)}, not {value!r}")
        return Override(identifier, pointer, action_type, resource, "MockResponse", response="Error", error=value,
                        delay=_delay(body, _at(rpointer, "Error")), next_action=next_action)
    if rtype != "ExecutionResult":
        raise _Bad(_at(rpointer, "Type"), f"Response Type {rtype!r} is not ExecutionResult or Error")
    body = _obj(response.get("ExecutionResult"), _at(rpointer, "ExecutionResult"), "ExecutionResult")
    epointer = _at(rpointer, "ExecutionResult")
    if action_type == "CheckHoursOfOperation":
        answer = body.get("Value")
        if answer not in HOURS_VALUES:
            raise _Bad(_at(epointer, "Value"), f"an hours check answers {' or '.join(HOURS_VALUES)}, not {answer!r}"
                                               f"{_hint(str(answer), HOURS_VALUES)}")
        return Override(identifier, pointer, action_type, resource, "MockResponse", response="ExecutionResult",
                        value=str(answer), next_action=next_action)
    if action_type in ("TransferContactToQueue", "DequeueContactAndTransferToQueue"):
        raise _Bad(rpointer, f"{action_type} takes a MockResponse of Type Error (QueueAtCapacity or "
                             "NoMatchingError) or a SubstituteResource")
    loaded: Any = body.get("LoadedData", {})
    if isinstance(loaded, str):
        try:
            loaded = json.loads(loaded) if loaded.strip() else {}
        except json.JSONDecodeError as exc:
            raise _Bad(_at(epointer, "LoadedData"), f"LoadedData is not serialized JSON: {exc.msg}") from None
    if not isinstance(loaded, dict):
        raise _Bad(_at(epointer, "LoadedData"), f"LoadedData must hold a JSON object, not {_kind(loaded)}")
    return Override(identifier, pointer, action_type, resource, "MockResponse", response="ExecutionResult",
                    loaded_data=loaded, delay=_delay(body, epointer), next_action=next_action)


def _delay(body: Mapping[str, Any], pointer: str) -> float:
    raw = body.get("DelaySeconds", 0)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise _Bad(_at(pointer, "DelaySeconds"), f"DelaySeconds must be a number, not {_kind(raw)}")
    try:
        delay = float(raw)
    except ValueError:
        raise _Bad(_at(pointer, "DelaySeconds"), f"DelaySeconds must be a number, not {raw!r}") from None
    if delay < 0:
        raise _Bad(_at(pointer, "DelaySeconds"), "DelaySeconds cannot be negative")
    return delay


def resource_of(action_type: str, params: Mapping[str, Any]) -> str:
    """The resource ActionParameters name for a flow action ("" when none is given)."""
    keys = RESOURCE_PARAMETER.get(action_type, ())
    node: Any = params
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) else ""


def _ordered(actions: list[TestAction], pointer: str) -> tuple[TestAction, ...]:
    """Actions in the order they run: from the first that no NextAction names, along NextAction,
    then any left over in array order (the console writes them in that order anyway)."""
    ids: dict[str, TestAction] = {}
    for i, action in enumerate(actions):
        if action.identifier in ids:
            first = actions.index(ids[action.identifier])
            raise _Bad(_at(pointer, "Actions", i, "Identifier"),
                       f"duplicate action Identifier {action.identifier!r} (first at {_at(pointer, 'Actions', first)})")
        ids[action.identifier] = action
    for i, action in enumerate(actions):
        if action.next_action and action.next_action not in ids:
            raise _Bad(_at(pointer, "Actions", i, "Transitions", "NextAction"),
                       f"NextAction {action.next_action!r} names no action of this observation"
                       f"{_hint(action.next_action, list(ids))}")
    targets = {a.next_action for a in actions if a.next_action}
    order: list[TestAction] = []
    placed: set[str] = set()
    for start in [a for a in actions if a.identifier not in targets] + actions:
        current: TestAction | None = start
        while current is not None and current.identifier not in placed:
            order.append(current)
            placed.add(current.identifier)
            current = ids.get(current.next_action) if current.next_action else None
    return tuple(order)
