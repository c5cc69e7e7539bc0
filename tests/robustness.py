"""Generated inputs for the robustness suites: flows built from the model, then broken on purpose,
and the checks every property shares (our own error, naming the file and the place)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowdefs import SHARED_FLOWS
from hypothesis import strategies as st

from pytest_connectflow.blocks import default_registry
from pytest_connectflow.engine.instance import Instance
from pytest_connectflow.engine.outcome import Outcome, error, result, success
from pytest_connectflow.engine.runner import RunSettings, run_flow
from pytest_connectflow.errors import ConnectflowError, FlowLoadError
from pytest_connectflow.flow.library import FlowLibrary
from pytest_connectflow.flow.loaders import LoadReport
from pytest_connectflow.mocks import MockState
from pytest_connectflow.simulator import SimulatedContact

REGISTRY = default_registry()
_INSTANCE = Instance()
ACTION_TYPES = sorted(spec.action_type for spec in REGISTRY)

# --- JSON values of every type ---------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# Identifiers as users and tools write them, and the ones Connect forbids (empty, huge, control
# characters, slashes, quotes, lone surrogates are impossible in JSON text but not in Python).
IDENTIFIERS = st.one_of(
    st.uuids().map(str),
    st.text(min_size=1, max_size=20),
    st.sampled_from(["", " ", "$end", "a/b", "x" * 600, "\u0000", "Ünïcødé 🚀", '"quoted"', "\\", "\ud800"]),
)


# --- flows built from the model --------------------------------------------------------------

def _transitions(draw: st.DrawFn, targets: list[str]) -> dict[str, Any]:
    target = st.sampled_from([*targets, "", "$end"]) if targets else st.sampled_from(["", "$end"])
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["NextAction"] = draw(target)
    conditions = draw(st.lists(st.tuples(st.text(max_size=4), target), max_size=3))
    if conditions:
        out["Conditions"] = [
            {"NextAction": nxt, "Condition": {"Operator": draw(st.sampled_from(["Equals", "NumberGreaterThan",
                                                                                 "TextContains", "Bogus"])),
                                              "Operands": [operand]}}
            for operand, nxt in conditions
        ]
    errors = draw(st.lists(st.tuples(st.sampled_from(["NoMatchingError", "NoMatchingCondition",
                                                      "InputTimeLimitExceeded", "QueueAtCapacity"]), target),
                           max_size=3))
    if errors:
        out["Errors"] = [{"NextAction": nxt, "ErrorType": kind} for kind, nxt in errors]
    return out


_PARAMETERS: dict[str, dict[str, Any]] = {
    "MessageParticipant": {"Text": "Hello $.Attributes.name."},
    "UpdateContactAttributes": {"Attributes": {"tier": "$.External.tier"}},
    "InvokeLambdaFunction": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:f",
                             "InvocationTimeLimitSeconds": "3"},
    "Compare": {"ComparisonValue": "$.Attributes.tier"},
    "Loop": {"LoopCount": "2"},
    "UpdateContactMediaStreamingBehavior": {"MediaStreamingState": "Enabled", "MediaStreamType": "Audio",
                                            "Participants": [{"ParticipantType": "Customer",
                                                              "MediaDirections": ["From"]}]},
    "GetParticipantInput": {"Text": "Press 1", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
}


@st.composite
def flow_documents(draw: st.DrawFn, max_actions: int = 12) -> dict[str, Any]:
    """A Flow-language document: actions of registered types with parameters that fit, wired to
    each other (cycles and self references included) or left unconnected."""
    count = draw(st.integers(min_value=0, max_value=max_actions))
    idents = draw(st.lists(st.uuids().map(str) | st.text(min_size=1, max_size=10), min_size=count,
                           max_size=count, unique=True))
    actions = []
    for ident in idents:
        action_type = draw(st.sampled_from([*_PARAMETERS, *ACTION_TYPES]))
        actions.append({
            "Identifier": ident,
            "Type": action_type,
            "Parameters": copy.deepcopy(_PARAMETERS.get(action_type, {})),
            "Transitions": _transitions(draw, idents),
        })
    start = draw(st.sampled_from(idents)) if idents and draw(st.integers(0, 9)) else ""
    return {"Version": "2019-10-30", "StartAction": start, "Metadata": {"name": "Generated"}, "Actions": actions}


# --- breaking a document ---------------------------------------------------------------------

def _places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `doc` (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.append((*path, key))
            found += _places(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found.append((*path, i))
            found += _places(value, (*path, i))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def mutate(doc: Any, rnd: random.Random, replacement: Any) -> Any:
    """One break of `doc`: a key removed, a value of the wrong type, a NextAction made dangling or
    pointing at its own block, an action duplicated."""
    doc = copy.deepcopy(doc)
    places = _places(doc)
    if not places:
        return replacement
    path = rnd.choice(places)
    parent = _parent(doc, path)
    key = path[-1]
    kind = rnd.randrange(5)
    if kind == 0:
        del parent[key]
    elif kind == 1:
        parent[key] = replacement
    elif kind == 2 and isinstance(parent, dict):
        parent[key] = "dangling-" + str(rnd.randrange(1000))  # a NextAction to nothing, or a bad string
    elif kind == 3 and isinstance(parent, dict):
        owner = _owning_action(doc, path)
        parent[key] = owner if owner is not None else parent[key]  # a self reference
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))  # a duplicate (of an action: a duplicate Identifier)
    else:
        parent[key] = replacement
    return doc


def _owning_action(doc: Any, path: tuple[Any, ...]) -> str | None:
    if len(path) >= 2 and path[0] == "Actions" and isinstance(path[1], int):
        action = doc["Actions"][path[1]] if path[1] < len(doc["Actions"]) else None
        if isinstance(action, dict) and isinstance(action.get("Identifier"), str):
            return str(action["Identifier"])
    return None


@st.composite
def broken(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> Any:
    doc = draw(base)
    rnd = draw(st.randoms(use_true_random=False))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        doc = mutate(doc, rnd, draw(JSON))
    return doc


WRAPPERS: list[Callable[[Any], Any]] = [
    lambda doc: doc,
    lambda doc: {"ContactFlow": {"Name": "Wrapped", "Type": "CONTACT_FLOW", "Content": json.dumps(doc)}},
    lambda doc: {"ContactFlowModule": {"Name": "Module", "Content": json.dumps(doc)}},
    lambda doc: {"ContactFlow": {"Name": "Parsed", "Content": doc}},
]


@st.composite
def file_bytes(draw: st.DrawFn, doc: Any) -> bytes:
    """`doc` as the bytes of a file, sometimes damaged: a broken Content string, truncated, with
    bytes that are not UTF-8, with a BOM."""
    wrapped = draw(st.sampled_from(WRAPPERS))(doc)
    text = json.dumps(wrapped, indent=draw(st.sampled_from([None, 2])), ensure_ascii=draw(st.booleans()))
    if "Content" in text and draw(st.integers(0, 4)) == 0:
        text = text.replace('"Content": "{', '"Content": "{,', 1)  # Content that is no longer JSON
    raw = text.encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "truncate", "bom", "latin1", "garbage"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(min_value=0, max_value=max(len(raw) - 1, 0)))]
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif damage == "latin1":
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + b"\xe9\xff" + raw[at:]
    elif damage == "garbage":
        raw = draw(st.binary(max_size=64))
    return raw


def corpus_files() -> list[Path]:
    return sorted([*(SHARED_FLOWS / "corpus").glob("*.json"), *(SHARED_FLOWS / "legacy").glob("*.json")])


# --- running whatever loaded -----------------------------------------------------------------

def deciding(rnd: random.Random) -> Callable[..., Outcome | None]:
    """Answers every block whose result comes from outside (Lambda, hours, Lex...) at random, as
    `connectflow explore` does, so a run goes deep instead of stopping at the first missing mock."""

    def decide(ctx: Any, action: Any, spec: Any) -> Outcome | None:
        choice = rnd.randrange(4)
        if choice == 0:
            return success()
        if choice == 1:
            return error(rnd.choice(["NoMatchingError", "NoMatchingCondition", "InputTimeLimitExceeded"]))
        if choice == 2 and action.conditions:
            return result(rnd.choice(action.conditions).operand)
        return None  # run the block itself (a missing mock is then our own error)

    return decide


def run_everything(report: LoadReport, rnd: random.Random, max_steps: int = 300) -> list[ConnectflowError]:
    """Run each loaded flow from its start on a random channel; our own errors are returned, any
    other exception escapes (and fails the property)."""
    library = FlowLibrary(report.flows, report)
    raised: list[ConnectflowError] = []
    for flow in report.flows:
        contact = SimulatedContact(channel=rnd.choice(["VOICE", "CHAT", "TASK", "EMAIL"])).build()
        inputs = [rnd.choice(["1", "2", None, "#", "12345"]) for _ in range(rnd.randrange(4))]
        try:
            trace = run_flow(
                library, flow, contact, registry=REGISTRY, instance=_INSTANCE, mocks=MockState(),
                inputs=inputs, settings=RunSettings(max_steps=max_steps, decide=deciding(rnd)),
            )
        except ConnectflowError as exc:
            assert exc.message.strip(), "an error without a message"
            raised.append(exc)
            continue
        assert trace.ended is not None
        assert trace.describe(flow.name)  # the failure text renders
    return raised




def check_load_errors(errors: list[FlowLoadError], path: Path) -> None:
    for exc in errors:
        assert isinstance(exc, FlowLoadError), repr(exc)
        assert exc.message.strip()
        assert exc.where and str(path) in exc.where, (exc.where, path)
