"""Pictures of a flow: a Mermaid flowchart or a Graphviz graph of its blocks and branches,
optionally coloured by coverage or by the path a run took.

The branches drawn are those coverage counts (DESIGN.md, "Branches"): each Condition by the
engine's branch name, each declared Errors entry, and Success, except on blocks that branch on
Conditions (their exported NextAction is never taken). A Success that ends the run or leaves the
flow (Disconnect, End flow, Return, the transfers) is drawn to an ending node that says so; a
branch whose NextAction is empty, `$end` or names no block goes to a "not connected" node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .blocks import default_registry
from .blocks.registry import BlockRegistry
from .engine.labels import label
from .engine.names import display_name
from .engine.trace import Step
from .errors import ConnectflowError
from .flow.library import FlowLibrary, is_uuid
from .flow.model import Action, Flow

__all__ = ["Branch", "Hits", "branches_of", "dot", "mermaid", "path_pictures", "readable_name"]

# How a Success that does not go to a NextAction ends: by action type.
_SUCCESS_ENDINGS = {
    "DisconnectParticipant": "disconnect",
    "EndFlowExecution": "end flow",
    "EndFlowModuleExecution": "return to the caller",
    "TransferToFlow": "transfer to flow",
    "TransferContactToQueue": "transfer to queue",
    "DequeueContactAndTransferToQueue": "transfer to queue",
    "TransferContactToAgent": "transfer to agent",
}
NOT_CONNECTED = "not connected"

# The resource parameters whose console display name reads better than an ARN, in label order.
_RESOURCE_PARAMETERS = ("LambdaFunctionARN", "QueueId", "ContactFlowId", "FlowModuleId", "HoursOfOperationId")
_MAX_LABEL = 40


@dataclass(frozen=True)
class Branch:
    """One branch of a block: its name as the engine records it, and where it goes: `target`, the
    Identifier of a block of the same flow, or `ending` (how the run or flow ends there), or
    neither (not connected: an empty, `$end` or unknown NextAction)."""

    name: str
    target: str | None = None
    ending: str = ""


class Hits(Protocol):
    """Hit counts a picture is coloured by (coverage.FlowCoverage is one)."""

    def block_hits(self, identifier: str) -> int: ...

    def branch_hits(self, identifier: str, branch: str) -> int: ...


def _takes_success(action: Action, registry: BlockRegistry) -> bool:
    """Whether the block can take Success: never when it branches on Conditions."""
    if action.conditions:
        return False
    if action.type == "GetParticipantInput":
        # A menu (StoreInput False) branches on Conditions even when it has none.
        return str(action.parameters.get("StoreInput", "False")).lower() == "true"
    if action.type == "MessageParticipantIteratively":
        # Without an interrupt the prompts loop until an agent answers, which ends the flow.
        return action.parameters.get("InterruptFrequencySeconds") in (None, "")
    spec = registry.get(action.type)
    if spec is None:
        return action.next_action is not None or action.type in _SUCCESS_ENDINGS
    return "Success" in spec.branches


def _success_ending(action: Action) -> str:
    if action.type == "TransferParticipantToThirdParty":
        resume = str(action.parameters.get("ContinueFlowExecution", "True")).lower()
        return "transfer to phone number" if resume == "false" else ""
    if action.type == "MessageParticipantIteratively":
        return "plays until an agent answers"
    return _SUCCESS_ENDINGS.get(action.type, "")


def branches_of(
    action: Action, flow: Flow | None = None, *, registry: BlockRegistry | None = None
) -> tuple[Branch, ...]:
    """The branches of a block that coverage counts and pictures draw, in the order Conditions,
    Success, Errors. With `flow`, a NextAction naming no block of it counts as not connected."""
    registry = registry or default_registry()

    def to(target: str | None) -> str | None:
        if not target or target == "$end" or (flow is not None and target not in flow.actions):
            return None
        return target

    found: dict[str, Branch] = {}
    for name, condition in zip(action.branch_names, action.conditions, strict=True):
        found.setdefault(name, Branch(name, to(condition.next_action)))  # a repeated condition never matches
    if _takes_success(action, registry):
        ending = _success_ending(action)
        found.setdefault("Success", Branch("Success", None if ending else to(action.next_action), ending))
    for entry in action.errors:
        found.setdefault(entry.error_type, Branch(entry.error_type, to(entry.next_action)))
    return tuple(found.values())


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def short_label(action: Action) -> str:
    """engine/labels.py's label, with the console's display name of a resource where it has one."""
    for parameter in _RESOURCE_PARAMETERS:
        value = action.parameters.get(parameter)
        if isinstance(value, str) and value and not value.startswith("$"):
            shown = display_name(action, parameter)
            if shown:
                return _short(shown)
            break
    for parameter in ("Attributes", "FlowAttributes"):  # the attributes a Set block writes
        value = action.parameters.get(parameter)
        if action.type in ("UpdateContactAttributes", "UpdateFlowAttributes") and isinstance(value, dict) and value:
            return _short(", ".join(str(k) for k in value))
    return label(action)


def console_name(action: Action, registry: BlockRegistry | None = None) -> str:
    """The flow designer's name of the block (its first name where the registry lists two)."""
    spec = (registry or default_registry()).get(action.type)
    if spec is None:
        return action.type
    names = spec.console_name.split(" / ")
    if action.type == "GetParticipantInput" and len(names) > 1:
        store = str(action.parameters.get("StoreInput", "False")).lower() == "true"
        return names[1] if store else names[0]
    return names[0].split(" (")[0]


def readable_name(action: Action, registry: BlockRegistry | None = None) -> str:
    """The Identifier when it is a name given in the flow designer; else (a UUID) the console's
    block name with the block's short label, e.g. "Play prompt: Welcome…"."""
    if not is_uuid(action.identifier):
        return action.identifier
    text = short_label(action)
    name = console_name(action, registry)
    return f"{name}: {text}" if text else name


# --- the drawing model, shared by both formats ------------------------------------------------------

@dataclass(frozen=True)
class _Node:
    id: str
    text: tuple[str, ...]  # lines
    kind: str  # block, start, ending, unconnected
    identifier: str = ""


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    text: str
    identifier: str = ""  # the block the branch leaves (empty for the start edge)
    branch: str = ""


def _layout(flow: Flow, registry: BlockRegistry) -> tuple[list[_Node], list[_Edge]]:
    ids = {ident: f"b{i}" for i, ident in enumerate(flow.actions)}
    nodes = [_Node("start", ("Start",), "start")]
    nodes += [
        _Node(ids[a.identifier], (readable_name(a, registry), a.type), "block", a.identifier)
        for a in flow.actions.values()
    ]
    edges: list[_Edge] = []
    start = ids.get(flow.start_action)
    if start is None:
        nodes.append(_Node("start_x", (NOT_CONNECTED,), "unconnected"))
        start = "start_x"
    edges.append(_Edge("start", start, ""))
    for action in flow.actions.values():
        source = ids[action.identifier]
        for n, branch in enumerate(branches_of(action, flow, registry=registry)):
            if branch.target is not None:
                target = ids[branch.target]
            else:
                target = f"{source}_x{n}"
                kind = "ending" if branch.ending else "unconnected"
                nodes.append(_Node(target, (branch.ending or NOT_CONNECTED,), kind))
            edges.append(_Edge(source, target, branch.name or "(empty)", action.identifier, branch.name))
    return nodes, edges


@dataclass(frozen=True)
class _Colours:
    """Which nodes and edges are hit, missed or taken."""

    nodes: Mapping[str, str]  # node id → class
    edges: Mapping[int, str]  # edge index → class


def _colours(flow: Flow, nodes: Sequence[_Node], edges: Sequence[_Edge], coverage: Hits | None,
             path: Sequence[Step] | None) -> _Colours:
    node_class: dict[str, str] = {}
    edge_class: dict[int, str] = {}
    if coverage is not None:
        for node in nodes:
            if node.kind == "block":
                node_class[node.id] = "hit" if coverage.block_hits(node.identifier) else "missed"
        for i, edge in enumerate(edges):
            if edge.identifier:
                edge_class[i] = "hit" if coverage.branch_hits(edge.identifier, edge.branch) else "missed"
            else:  # the start edge: hit when the start block ran
                edge_class[i] = "hit" if coverage.block_hits(flow.start_action) else "missed"
    if path is not None:
        steps = [s for s in path if s.flow == flow.name]
        ran = {s.identifier for s in steps}
        taken = {(s.identifier, s.branch) for s in steps}
        for node in nodes:
            if node.kind == "block" and node.identifier in ran:
                node_class[node.id] = "taken"
        for i, edge in enumerate(edges):
            if edge.identifier and (edge.identifier, edge.branch) in taken:
                edge_class[i] = "taken"
            elif not edge.identifier and steps and steps[0].identifier == flow.start_action:
                edge_class[i] = "taken"
    return _Colours(node_class, edge_class)


# --- Mermaid ------------------------------------------------------------------------------------------

# `%%` would start a Mermaid comment, a backtick a Markdown string.
_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;", "`": "#96;",
                     "%": "#37;"}
_MERMAID_STYLES = {
    "hit": ("fill:#c8e6c9,stroke:#2e7d32,color:#1b5e20", "stroke:#2e7d32,stroke-width:2px"),
    "missed": ("fill:#ffcdd2,stroke:#c62828,color:#b71c1c", "stroke:#c62828,stroke-width:2px,stroke-dasharray:4"),
    "taken": ("fill:#bbdefb,stroke:#1565c0,stroke-width:3px,color:#0d47a1", "stroke:#1565c0,stroke-width:3px"),
}
_MERMAID_SHAPES = {"block": ('["', '"]'), "start": ('(("', '"))'), "ending": ('(["', '"])'),
                   "unconnected": ('{{"', '"}}')}


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: its special characters as Mermaid entity codes, which
    also keeps HTML out of the label; line breaks become spaces."""
    text = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)


def mermaid(
    flow: Flow,
    *,
    coverage: Hits | None = None,
    path: Sequence[Step] | None = None,
    registry: BlockRegistry | None = None,
) -> str:
    """The flow as a Mermaid flowchart (`flowchart LR`): a node per block labelled with its
    readable name and action type, an edge per branch labelled with the branch name. With
    `coverage`, blocks and branches hit are green and missed ones red; with `path` (the Steps of a
    run, any flows), the blocks and branches this flow's steps took are blue."""
    registry = registry or default_registry()
    nodes, edges = _layout(flow, registry)
    colours = _colours(flow, nodes, edges, coverage, path)
    lines = ["flowchart LR"]
    for node in nodes:
        before, after = _MERMAID_SHAPES[node.kind]
        lines.append(f"  {node.id}{before}{'<br/>'.join(_mermaid_text(t) for t in node.text)}{after}")
    for edge in edges:
        text = f'|"{_mermaid_text(edge.text)}"|' if edge.text else ""
        lines.append(f"  {edge.source} -->{text} {edge.target}")
    used = sorted(set(colours.nodes.values()) | set(colours.edges.values()), key=list(_MERMAID_STYLES).index)
    for name in used:
        lines.append(f"  classDef {name} {_MERMAID_STYLES[name][0]}")
    for name in used:
        members = [node_id for node_id, cls in colours.nodes.items() if cls == name]
        if members:
            lines.append(f"  class {','.join(members)} {name}")
        links = [str(i) for i, cls in sorted(colours.edges.items()) if cls == name]
        if links:
            lines.append(f"  linkStyle {','.join(links)} {_MERMAID_STYLES[name][1]}")
    return "\n".join(lines) + "\n"


# --- Graphviz ---------------------------------------------------------------------------------------

_DOT_COLOURS = {"hit": ("#c8e6c9", "#2e7d32"), "missed": ("#ffcdd2", "#c62828"), "taken": ("#bbdefb", "#1565c0")}
_DOT_SHAPES = {"block": "box", "start": "circle", "ending": "oval", "unconnected": "hexagon"}


def _dot_quote(text: str) -> str:
    """A double-quoted dot string: backslashes and quotes escaped, line breaks as `\\n`."""
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(
    flow: Flow,
    *,
    coverage: Hits | None = None,
    path: Sequence[Step] | None = None,
    registry: BlockRegistry | None = None,
) -> str:
    """The flow as a Graphviz digraph, with the same nodes, edges and colours as `mermaid`."""
    registry = registry or default_registry()
    nodes, edges = _layout(flow, registry)
    colours = _colours(flow, nodes, edges, coverage, path)
    lines = [
        f"digraph {_dot_quote(flow.name)} {{",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica"];',
    ]
    for node in nodes:
        text = '"' + "\\n".join(_dot_quote(t)[1:-1] for t in node.text) + '"'
        attrs = [f"label={text}"]
        if node.kind != "block":
            attrs.append(f"shape={_DOT_SHAPES[node.kind]}")
        if node.kind in ("ending", "unconnected"):
            attrs.append("style=dashed")
        cls = colours.nodes.get(node.id)
        if cls:
            fill, line = _DOT_COLOURS[cls]
            attrs += ["style=filled", f'fillcolor="{fill}"', f'color="{line}"']
        lines.append(f"  {node.id} [{', '.join(attrs)}];")
    for i, edge in enumerate(edges):
        attrs = [f"label={_dot_quote(edge.text)}"] if edge.text else []
        cls = colours.edges.get(i)
        if cls:
            attrs += [f'color="{_DOT_COLOURS[cls][1]}"', "penwidth=2"]
            if cls == "missed":
                attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def path_pictures(path: Sequence[Step], library: FlowLibrary, *, registry: BlockRegistry | None = None) -> str:
    """A Mermaid picture of the path a run took, one per flow (and module) it ran blocks in, in
    order of first entry: the text failure output ends with."""
    parts = []
    for name in dict.fromkeys(step.flow for step in path):
        try:
            flow = library.lookup(name)
        except ConnectflowError:  # two loaded flows share the name: nothing sure to draw
            flow = None
        if flow is None:
            continue
        parts.append(f"Path taken in {name}, as a Mermaid flowchart (blue: the blocks and branches taken; "
                     "paste into https://mermaid.live to see it):")
        parts.append(mermaid(flow, path=path, registry=registry))
    return "\n".join(parts).rstrip("\n")
