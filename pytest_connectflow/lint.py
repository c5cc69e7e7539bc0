"""`connectflow lint`: static checks of loaded flows, each a rule with a stable code.

Most rules read the flow model only; "stream left on" (CF004) walks the flow's paths with
`explore` on VOICE with live media streaming on, the only setting in which a stream can be left on.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .blocks import default_registry
from .blocks.contact_settings import HOOK_FLOW_TYPES
from .blocks.registry import BlockRegistry, BlockSpec
from .cli import FLOW_REFERENCES
from .engine.contact import DIRECTIONS
from .engine.context import flow_type_of
from .engine.instance import Instance
from .engine.names import display_name, lambda_function_name
from .engine.values import is_reference
from .errors import ConfigurationError, ConnectflowError
from .explorer import ExploredPath, explore
from .flow.library import FlowLibrary, arn_id
from .flow.loaders import load_path
from .flow.model import Action, Flow


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str


RULES = (
    Rule("CF000", "flow-error", "a file that cannot be loaded, or an action type no block supports"),
    Rule("CF001", "transition-to-nothing", "a StartAction, NextAction, condition or error transition names no block"),
    Rule("CF002", "unreachable-block", "a block no path from the StartAction reaches"),
    Rule("CF003", "block-not-allowed", "a block in a flow type or on channels where it does not work"),
    Rule("CF004", "stream-left-on", "a transfer to a queue, an agent or a phone number with media streaming still on"),
    Rule("CF005", "partial-stop", "a Stop media streaming block whose MediaDirections list is not both directions"),
    Rule("CF006", "loop-without-exit", "a Loop whose DoneLooping branch is missing or leads back to the Loop"),
    Rule("CF007", "unknown-reference", "a flow, module, queue or Lambda function neither loaded nor declared"),
    Rule("CF008", "menu-without-timeout", "a Get customer input menu without an InputTimeLimitExceeded branch"),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}

# Channels each flow type can receive (FLOW-LANGUAGE.md 2.1); modules follow their caller.
FLOW_TYPE_CHANNELS: dict[str, frozenset[str]] = {
    "CONTACT_FLOW": frozenset({"VOICE", "CHAT", "TASK", "EMAIL"}),
    "CUSTOMER_QUEUE": frozenset({"VOICE", "CHAT", "TASK"}),
    "CUSTOMER_HOLD": frozenset({"VOICE"}),
    "CUSTOMER_WHISPER": frozenset({"VOICE", "CHAT"}),
    "AGENT_HOLD": frozenset({"VOICE"}),
    "AGENT_WHISPER": frozenset({"VOICE", "CHAT", "TASK"}),
    "OUTBOUND_WHISPER": frozenset({"VOICE", "CHAT"}),
    "AGENT_TRANSFER": frozenset({"VOICE", "CHAT", "TASK"}),
    "QUEUE_TRANSFER": frozenset({"VOICE", "CHAT", "TASK"}),
    "CAMPAIGN": frozenset({"VOICE"}),
}

# Blocks after which a path can leave the flow or end: a Loop that reaches one has an exit.
LEAVING_TYPES = frozenset({
    "DisconnectParticipant",
    "EndFlowExecution",
    "EndFlowModuleExecution",
    "TransferToFlow",
    "TransferContactToQueue",
    "TransferContactToAgent",
    "DequeueContactAndTransferToQueue",
    "TransferParticipantToThirdParty",
    "MessageParticipantIteratively",
})
# Flow types that loop on purpose until an agent answers or the hold ends.
LOOPING_FLOW_TYPES = frozenset({"CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD"})

TRANSFER_ENDINGS = {
    "transferred_to_queue": "a queue",
    "transferred_to_agent": "an agent",
    "transferred_to_phone": "a phone number",
}
# The flows that run after each transfer, before the agent talks with the customer: a hook the
# path set, else the instance default (`default_flows` key).
LATER_HOOKS = {
    "transferred_to_queue": (("CustomerQueue", "customer_queue"), ("AgentWhisper", "agent_whisper"),
                             ("CustomerWhisper", "customer_whisper")),
    "transferred_to_agent": (("AgentWhisper", "agent_whisper"), ("CustomerWhisper", "customer_whisper")),
    "transferred_to_phone": (),
}

DEFAULT_MAX_PATHS = 5000


@dataclass(frozen=True)
class Finding:
    """One problem: the rule, where it is (file, line, flow, block) and what is wrong."""

    code: str
    rule: str
    file: str
    line: int | None
    flow: str
    block: str | None
    message: str
    pointer: str | None = None  # a JSON pointer when the file has no line for the block
    related_flows: tuple[str, ...] = ()  # per-flow ignores of these flows apply too (CF004)

    @property
    def location(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return f"{self.file}#{self.pointer}" if self.pointer else self.file

    def render(self) -> str:
        where = f"flow {self.flow!r}" + (f", block {self.block!r}" if self.block else "") if self.flow else ""
        return f"{self.location}: {self.code} [{self.rule}] {where + ': ' if where else ''}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "rule": self.rule, "file": self.file, "line": self.line, "flow": self.flow,
                "block": self.block, "message": self.message}


# Settings ----------------------------------------------------------------------------------------

def _selected(selector: str, rule: Rule) -> bool:
    """A selector names rules by code (`CF004`), code prefix (`CF00`), rule name or `ALL`."""
    return selector == "ALL" or (bool(selector) and rule.code.startswith(selector.upper())) or selector == rule.name


def _check_selectors(selectors: Iterable[str], where: str) -> tuple[str, ...]:
    found = []
    for selector in selectors:
        if not isinstance(selector, str) or not any(_selected(selector, rule) for rule in RULES):
            codes = ", ".join(f"{r.code} ({r.name})" for r in RULES)
            raise ConfigurationError(f"{where}: {selector!r} names no lint rule; the rules are: {codes}")
        found.append(selector)
    return tuple(found)


def _string_list(table: Mapping[str, Any], key: str, where: str = "[tool.connectflow]") -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{where} {key} must be a list of strings, not {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class LintSettings:
    """Which rules run and what the project declares.

    `select` (None: every rule) and `ignore` hold selectors: a code (`CF004`), a code prefix
    (`CF00`), a rule name (`stream-left-on`) or `ALL`; `per_flow_ignores` maps a flow (name, file
    stem, Id or ARN) to the selectors ignored in it. `instance` is the instance resources file
    (queues, Lambda functions, flow_types, default_flows, placeholders).
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_flow_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    external_flows: tuple[str, ...] = ()
    external_queues: tuple[str, ...] = ()
    external_lambdas: tuple[str, ...] = ()
    instance: Mapping[str, Any] = field(default_factory=dict)
    max_paths: int = DEFAULT_MAX_PATHS

    def __post_init__(self) -> None:
        if self.select is not None:
            _check_selectors(self.select, "select")
        _check_selectors(self.ignore, "ignore")
        for flow, selectors in self.per_flow_ignores.items():
            _check_selectors(selectors, f"per-flow-ignores for {flow!r}")

    @classmethod
    def from_tool(
        cls,
        tool: Mapping[str, Any],
        *,
        instance: Mapping[str, Any] | None = None,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        external_flows: Sequence[str] = (),
        max_paths: int | None = None,
    ) -> LintSettings:
        """Settings from `[tool.connectflow]`. `select` or `ignore` given here (the command line)
        replace the file's `select` and `ignore` both; per-flow ignores always apply."""
        if "per-flow-ignores" in tool and "per_flow_ignores" in tool:
            raise ConfigurationError("[tool.connectflow] has both per-flow-ignores and per_flow_ignores; keep one")
        raw_per_flow = tool.get("per-flow-ignores", tool.get("per_flow_ignores", {}))
        if not isinstance(raw_per_flow, Mapping):
            raise ConfigurationError(
                f"[tool.connectflow.per-flow-ignores] must map flow names to lists of rule codes, not {raw_per_flow!r}"
            )
        table = "[tool.connectflow.per-flow-ignores]"
        per_flow = {
            str(flow): _check_selectors(_string_list(raw_per_flow, flow, table), f"{table} {flow!r}")
            for flow in raw_per_flow
        }
        file_select = _check_selectors(_string_list(tool, "select"), "[tool.connectflow] select") \
            if "select" in tool else None
        file_ignore = _check_selectors(_string_list(tool, "ignore"), "[tool.connectflow] ignore")
        if select is not None or ignore is not None:
            # The command line chooses the rules: its --select and --ignore replace both of the file's.
            file_select, file_ignore = None, ()
        return cls(
            select=_check_selectors(select, "--select") if select is not None else file_select,
            ignore=_check_selectors(ignore, "--ignore") if ignore is not None else file_ignore,
            per_flow_ignores=per_flow,
            external_flows=(*external_flows, *_string_list(tool, "external_flows")),
            external_queues=_string_list(tool, "external_queues"),
            external_lambdas=_string_list(tool, "external_lambdas"),
            instance=dict(instance or {}),
            max_paths=max_paths or DEFAULT_MAX_PATHS,
        )

    def enabled(self, code: str) -> bool:
        rule = RULES_BY_CODE[code]
        if self.select is not None and not any(_selected(s, rule) for s in self.select):
            return False
        return not any(_selected(s, rule) for s in self.ignore)

    def ignored_in(self, finding: Finding, library: FlowLibrary) -> bool:
        rule = RULES_BY_CODE[finding.code]
        names = {finding.flow, *finding.related_flows}
        for key, selectors in self.per_flow_ignores.items():
            if not any(_selected(s, rule) for s in selectors):
                continue
            if key in names:
                return True
            try:
                flow = library.lookup(key)
            except ConnectflowError:  # a name two flows share: matched by name above or not at all
                continue
            if flow is not None and flow.name in names:
                return True
        return False


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what lint could not check, and why
    flows: int = 0


# The rules ---------------------------------------------------------------------------------------

def _finding(code: str, flow: Flow, action: Action | None, message: str, related: tuple[str, ...] = ()) -> Finding:
    return Finding(
        code=code,
        rule=RULES_BY_CODE[code].name,
        file=str(flow.source),
        line=action.line if action is not None else None,
        flow=flow.name,
        block=action.identifier if action is not None else None,
        message=message,
        pointer=action.pointer if action is not None and action.line is None else None,
        related_flows=related,
    )


def _block(action: Action, spec: BlockSpec | None) -> str:
    """`'Stop streaming' (Stop media streaming)`: how messages name a block's kind."""
    if action.type == "UpdateContactMediaStreamingBehavior":
        kind = {"Enabled": "Start media streaming", "Disabled": "Stop media streaming"}.get(
            str(action.parameters.get("MediaStreamingState")), action.type)
    else:
        kind = spec.console_name if spec is not None else action.type
    return f"{kind} ({action.type})" if kind != action.type else action.type


def _transitions(action: Action) -> list[tuple[str, str | None]]:
    """(which transition, target) of every transition of a block."""
    found: list[tuple[str, str | None]] = []
    if action.next_action is not None:
        found.append(("NextAction", action.next_action))
    found += [(f"condition {c.operator} {c.operand!r}", c.next_action) for c in action.conditions]
    found += [(f"error {e.error_type}", e.next_action) for e in action.errors]
    return found


def _names_no_block(flow: Flow, target: str | None) -> bool:
    return bool(target) and target != "$end" and target not in flow.actions


def transition_to_nothing(flow: Flow) -> list[Finding]:
    """CF001."""
    found = []
    if _names_no_block(flow, flow.start_action):
        found.append(_finding("CF001", flow, None, f"its StartAction {flow.start_action!r} names no block"))
    for action in flow.actions.values():
        for which, target in _transitions(action):
            if _names_no_block(flow, target):
                found.append(_finding("CF001", flow, action, f"its {which} goes to {target!r}, which names no block"))
    return found


def _successors(flow: Flow, action: Action) -> list[str]:
    return [t for _, t in _transitions(action) if t and t in flow.actions]


def unreachable_blocks(flow: Flow) -> list[Finding]:
    """CF002: blocks no path from the StartAction reaches (every transition counts, the unused
    NextAction of a Compare too, so only blocks nothing leads to are reported)."""
    if flow.start_action not in flow.actions:
        return []  # an unconnected export (validate warns) or CF001
    seen = {flow.start_action}
    todo = [flow.start_action]
    while todo:
        for target in _successors(flow, flow.actions[todo.pop()]):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return [
        _finding("CF002", flow, action, "no path from the StartAction reaches this block")
        for identifier, action in flow.actions.items() if identifier not in seen
    ]


def static_hooks(library: FlowLibrary) -> dict[Flow, set[str]]:
    """The flow types loaded flows are given by static event hooks (a flow set as a customer queue
    flow runs as CUSTOMER_QUEUE)."""
    found: dict[Flow, set[str]] = {}
    for flow in library.flows:
        for action in flow.actions.values():
            hooks = action.parameters.get("EventHooks") if action.type == "UpdateContactEventHooks" else None
            if not isinstance(hooks, dict) or action.unresolved:
                continue
            for hook, ref in hooks.items():
                if hook not in HOOK_FLOW_TYPES or not isinstance(ref, str) or not ref or is_reference(ref):
                    continue
                display = display_name(action, "EventHooks") if len(hooks) == 1 else None
                try:
                    target = library.resolve_reference(ref, display)
                except ConnectflowError:
                    continue
                if target is not None:
                    found.setdefault(target, set()).add(HOOK_FLOW_TYPES[hook])
    return found


def flow_types(library: FlowLibrary, instance: Instance) -> dict[Flow, str | None]:
    """Each flow's type when it is known: the type it states, `flow_types` of the instance file,
    else the one event hook that runs it. Modules run as CONTACT_FLOW (only inbound flows invoke
    modules). None: the type is not known (lint does not guess)."""
    hooks = static_hooks(library)
    types: dict[Flow, str | None] = {}
    for flow in library.flows:
        if flow.is_module:
            types[flow] = "CONTACT_FLOW"
            continue
        declared = flow_type_of(flow, instance)
        by_hook = hooks.get(flow, set())
        types[flow] = declared or (next(iter(by_hook)) if len(by_hook) == 1 else None)
    return types


def blocks_not_allowed(flow: Flow, flow_type: str | None, registry: BlockRegistry) -> list[Finding]:
    """CF003: a block in a flow type where Amazon Connect does not allow it, or one that works on
    none of the channels the flow type receives (only flows whose type is known)."""
    if flow_type is None:
        return []
    found = []
    receives = FLOW_TYPE_CHANNELS.get(flow_type, frozenset())
    for action in flow.actions.values():
        spec = registry.get(action.type)
        if spec is None:
            continue
        kind = _block(action, spec)
        if spec.flow_types is not None and flow_type not in spec.flow_types:
            where = "a module (modules run in the inbound flows that invoke them)" if flow.is_module else \
                f"{_a(flow_type)} {flow_type} flow"
            found.append(_finding(
                "CF003", flow, action,
                f"{kind} does not work in {where}; it works in {', '.join(sorted(spec.flow_types))} flows "
                "(at run time it takes its Error branch)",
            ))
        elif receives and not (spec.channels | spec.noop_channels) & receives:
            found.append(_finding(
                "CF003", flow, action,
                f"{kind} works on {', '.join(sorted(spec.channels))} only, and {_a(flow_type)} {flow_type} flow "
                f"receives {', '.join(sorted(receives))} contacts (on them it takes its Error branch)",
            ))
    return found


def _a(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def partial_stops(flow: Flow) -> list[Finding]:
    """CF005: Stop media streaming ends the whole stream whatever its MediaDirections list."""
    found = []
    for action in flow.actions.values():
        params = action.parameters
        if action.type != "UpdateContactMediaStreamingBehavior" or params.get("MediaStreamingState") != "Disabled":
            continue
        participants = params.get("Participants")
        if not isinstance(participants, list):
            continue  # exported without properties: a whole stop
        listed = {d for p in participants if isinstance(p, dict) for d in (p.get("MediaDirections") or [])
                  if isinstance(d, str)}
        if listed != set(DIRECTIONS):
            shown = ", ".join(sorted(listed)) or "none"
            found.append(_finding(
                "CF005", flow, action,
                f"this Stop media streaming lists MediaDirections [{shown}], but a Stop ends the whole stream, "
                "both directions; list From and To so the flow says what it does",
            ))
    return found


def _dangling(flow: Flow, action: Action) -> bool:
    """A block where a path can end: no transitions, or one that goes nowhere."""
    transitions = _transitions(action)
    return not transitions or any(not t or t == "$end" or t not in flow.actions for _, t in transitions)


def loops_without_exit(flow: Flow, flow_type: str | None) -> list[Finding]:
    """CF006: a Loop whose DoneLooping branch is missing or unconnected, or from which every path
    comes back to the Loop (not in queue and hold flows, which loop until the agent answers)."""
    found = []
    for action in flow.actions.values():
        if action.type != "Loop":
            continue
        done = [c for c in action.conditions if c.operand == "DoneLooping"]
        if not done:
            found.append(_finding("CF006", flow, action, "the Loop has no DoneLooping branch: it can never finish"))
            continue
        target = done[0].next_action
        if not target or target == "$end":
            found.append(_finding(
                "CF006", flow, action,
                "the Loop's DoneLooping branch is not connected: when it finishes, the flow ends in error",
            ))
            continue
        if target not in flow.actions or flow_type in LOOPING_FLOW_TYPES:
            continue  # CF001 reports a target that names no block
        seen = {target}
        todo = [target]
        exit_found = False
        while todo and not exit_found:
            current = flow.actions[todo.pop()]
            if current.type in LEAVING_TYPES or _dangling(flow, current):
                exit_found = True
                break
            for successor in _successors(flow, current):
                if successor not in seen and successor != action.identifier:
                    seen.add(successor)
                    todo.append(successor)
        if not exit_found:
            found.append(_finding(
                "CF006", flow, action,
                f"every path from the DoneLooping branch ({target!r}) leads back to this Loop, which then starts "
                "counting again: the flow never ends",
            ))
    return found


def menus_without_timeout(flow: Flow) -> list[Finding]:
    """CF008: a Get customer input menu (StoreInput False) without an InputTimeLimitExceeded branch."""
    found = []
    for action in flow.actions.values():
        if action.type != "GetParticipantInput":
            continue
        if str(action.parameters.get("StoreInput", "False")).lower() == "true":
            continue
        if any(e.error_type == "InputTimeLimitExceeded" for e in action.errors):
            continue
        fallback = any(e.error_type == "NoMatchingError" for e in action.errors)
        then = "takes the Error branch (NoMatchingError)" if fallback else "ends the flow in error"
        found.append(_finding(
            "CF008", flow, action,
            f"the menu has no InputTimeLimitExceeded (Timeout) branch: a caller who presses nothing {then}",
        ))
    return found


def _declared(ref: str, display: str | None, names: Collection[str]) -> bool:
    return ref in names or arn_id(ref) in names or bool(display and display in names)


def unknown_references(flow: Flow, library: FlowLibrary, instance: Instance, settings: LintSettings) -> list[Finding]:
    """CF007: static references to flows and modules neither loaded nor declared external; to
    queues and Lambda functions not in the instance resources file nor declared external (checked
    only when something declares queues, or Lambda functions: else every one would be reported).
    References from attributes are only known at run time; placeholders are validate's."""
    found = []
    check_queues = bool(instance.queues) or bool(settings.external_queues)
    check_lambdas = bool(instance.lambdas) or bool(settings.external_lambdas)
    for action in flow.actions.values():
        if action.unresolved:
            continue
        for parameter in FLOW_REFERENCES.get(action.type, ()):
            value = action.parameters.get(parameter)
            refs = list(value.values()) if isinstance(value, dict) else [value]
            for ref in refs:
                if not isinstance(ref, str) or not ref or is_reference(ref):
                    continue
                display = display_name(action, parameter)
                if _declared(ref, display, settings.external_flows):
                    continue
                try:
                    target = library.resolve_reference(ref, display)
                except ConnectflowError:  # two loaded flows fit: it is loaded
                    continue
                if target is None:
                    shown = f"{ref} ({display})" if display else ref
                    kind = "module" if action.type == "InvokeFlowModule" else "flow"
                    found.append(_finding(
                        "CF007", flow, action,
                        f"{parameter} names the {kind} {shown}, which is not loaded nor declared external "
                        "(--external, or external_flows in [tool.connectflow])",
                    ))
        queue = action.parameters.get("QueueId")
        if check_queues and isinstance(queue, str) and queue and not is_reference(queue):
            display = display_name(action, "QueueId")
            known_queue = instance.find(instance.queues, queue)
            if known_queue is None and not _declared(queue, display, settings.external_queues):
                shown = f"{queue} ({display})" if display else queue
                found.append(_finding(
                    "CF007", flow, action,
                    f"QueueId names the queue {shown}, which is not in the instance resources file nor declared "
                    "external (external_queues in [tool.connectflow])",
                ))
        function = action.parameters.get("LambdaFunctionARN") if action.type == "InvokeLambdaFunction" else None
        if check_lambdas and isinstance(function, str) and function and not is_reference(function):
            name = lambda_function_name(function)
            known = instance.find(instance.lambdas, function) or instance.find(instance.lambdas, name)
            if known is None and not _declared(function, name, settings.external_lambdas):
                found.append(_finding(
                    "CF007", flow, action,
                    f"LambdaFunctionARN names the function {function}, which is not in the instance resources file "
                    "nor declared external (external_lambdas in [tool.connectflow])",
                ))
    return found


# Stream left on (CF004) --------------------------------------------------------------------------

def _starts_streaming(flow: Flow) -> bool:
    return any(
        a.type == "UpdateContactMediaStreamingBehavior" and a.parameters.get("MediaStreamingState") == "Enabled"
        for a in flow.actions.values()
    )


def _may_stream(flow: Flow, library: FlowLibrary) -> bool:
    """Whether the flow, or a flow or module it transfers to or invokes (statically), starts a stream."""
    seen = {id(flow)}
    todo = [flow]
    while todo:
        current = todo.pop()
        if _starts_streaming(current):
            return True
        for action in current.actions.values():
            parameter = {"TransferToFlow": "ContactFlowId", "InvokeFlowModule": "FlowModuleId"}.get(action.type)
            if parameter is not None:
                ref = action.parameters.get(parameter)
                if not isinstance(ref, str) or not ref or is_reference(ref):
                    continue
                try:
                    target = library.resolve_reference(ref, display_name(action, parameter))
                except ConnectflowError:
                    continue
                if target is not None and id(target) not in seen:
                    seen.add(id(target))
                    todo.append(target)
    return False


class _StreamCheck:
    """CF004 over a library: explores each flow that may stream, and the later flows."""

    def __init__(self, library: FlowLibrary, types: Mapping[Flow, str | None], settings: LintSettings,
                 registry: BlockRegistry, report: LintReport) -> None:
        self.library = library
        self.types = types
        self.settings = settings
        self.registry = registry
        self.report = report
        raw = dict(settings.instance)
        raw["live_media_streaming"] = True  # the only setting in which a stream can be left on
        self.instance = Instance.from_dict(raw)
        self._stops: dict[tuple[str, str, tuple[str, ...]], bool] = {}

    def _explore(self, flow: Flow, **kwargs: Any) -> list[ExploredPath] | None:
        try:
            paths = explore(self.library, flow, channel="VOICE", instance=self.instance, registry=self.registry,
                            max_paths=self.settings.max_paths, **kwargs)
        except ConnectflowError as exc:
            self.report.notes.append(f"{flow.name!r} was not explored for CF004: {exc.message}")
            return None
        if len(paths) >= self.settings.max_paths:
            self.report.notes.append(
                f"{flow.name!r} has more than {self.settings.max_paths} paths: CF004 checked the first "
                f"{self.settings.max_paths} (--max-paths)"
            )
        return paths

    def _later_flows(self, path: ExploredPath) -> list[tuple[Flow, str]]:
        """The queue and whisper flows that run after the transfer, as in a journey: the hook set
        on the path (a disabled hook runs nothing), else (for the queue flow) the queue's
        customer_queue_flow, else the instance's `default_flows`."""
        later = []
        queue = self.instance.find(self.instance.queues, path.queue) if path.queue else None
        for hook, default_key in LATER_HOOKS.get(path.ended or "", ()):
            if hook in path.disabled_hooks:
                continue
            queue_default = queue.customer_queue_flow if queue is not None and hook == "CustomerQueue" else None
            name = path.event_hooks.get(hook) or queue_default or self.instance.default_flows.get(default_key)
            if not name:
                continue
            try:
                flow = self.library.lookup(name)
            except ConnectflowError:
                flow = None
            if flow is not None:
                later.append((flow, HOOK_FLOW_TYPES[hook]))
        return later

    def _stops_every_time(self, flow: Flow, flow_type: str, directions: tuple[str, ...]) -> bool:
        key = (flow.name, flow_type, directions)
        if key not in self._stops:
            paths = self._explore(flow, flow_type=flow_type, media_streaming={d: d in directions for d in DIRECTIONS})
            self._stops[key] = bool(paths) and len(paths or []) < self.settings.max_paths and all(
                p.media_streaming.state != "streaming" and p.problem is None for p in paths or [])
        return self._stops[key]

    def check(self) -> list[Finding]:
        found: dict[tuple[str, str, str, str], Finding] = {}
        for flow in self.library.flows:
            if flow.is_module or flow.start_action not in flow.actions or not _may_stream(flow, self.library):
                continue
            for path in self._explore(flow, flow_type=self.types.get(flow)) or []:
                checked = self._check_path(flow, path)
                if checked is not None:
                    found.setdefault(checked[0], checked[1])
        return list(found.values())

    def _check_path(self, root: Flow, path: ExploredPath) -> tuple[tuple[str, str, str, str], Finding] | None:
        """A finding when the path transfers with the stream on; keyed by the transfer block and the
        block that started the stream (one finding however many paths lead there)."""
        if path.ended not in TRANSFER_ENDINGS or not path.media_streaming.streaming or not path.steps:
            return None
        directions = tuple(d for d in DIRECTIONS if path.media_streaming.directions.get(d))
        later = self._later_flows(path)
        if any(self._stops_every_time(flow, ftype, directions) for flow, ftype in later):
            return None
        last = path.steps[-1]
        try:
            flow = self.library.lookup(last.flow)
        except ConnectflowError:  # two loaded flows share the name: the run could not have crossed it
            return None
        if flow is None or last.identifier not in flow.actions:
            return None
        action = flow.actions[last.identifier]
        start = next((e for e in reversed(path.media_streaming.history) if e.kind in ("start", "initial")), None)
        started = f"started by {start.block!r} in flow {start.flow!r}" if start and start.block else "started earlier"
        if later:
            after = f", and the later flows ({', '.join(repr(f.name) for f, _ in later)}) do not stop it on every path"
        elif path.ended == "transferred_to_phone":
            after = ""  # no flow of this instance runs for the third party
        else:
            after = ", and no queue or whisper flow set by a hook or default_flows stops it"
        choices = ", ".join(c.describe(root.name) for c in path.choices) or "none"
        message = (
            f"{_block(action, self.registry.get(action.type))} transfers the contact to "
            f"{TRANSFER_ENDINGS[path.ended or '']} with media streaming still on ({', '.join(directions)}), "
            f"{started}; no Stop media streaming runs on that path{after}. The path from {root.name!r} takes "
            f"{choices}. Stop the stream before the transfer, or ignore CF004 for this flow in "
            "[tool.connectflow.per-flow-ignores] if the agent conversation is streamed on purpose"
        )
        related = (root.name, start.flow) if start and start.flow else (root.name,)
        key = (flow.name, action.identifier, start.flow or "" if start else "", start.block or "" if start else "")
        return key, _finding("CF004", flow, action, message, related)


# Running -----------------------------------------------------------------------------------------

def lint_library(library: FlowLibrary, settings: LintSettings | None = None,
                 registry: BlockRegistry | None = None) -> LintReport:
    """Every enabled rule over the flows of `library` (load errors aside: see `lint`)."""
    settings = settings or LintSettings()
    registry = registry or default_registry()
    instance = Instance.from_dict(settings.instance)
    report = LintReport(flows=len(library.flows))
    types = flow_types(library, instance)
    found: list[Finding] = []
    on = settings.enabled
    for flow in library.flows:
        if on("CF000"):
            found += [_finding("CF000", flow, a, f"action type {a.type!r} is not supported by any block")
                      for a in flow.actions.values() if a.type not in registry]
        if on("CF001"):
            found += transition_to_nothing(flow)
        if on("CF002"):
            found += unreachable_blocks(flow)
        if on("CF003"):
            found += blocks_not_allowed(flow, types.get(flow), registry)
        if on("CF005"):
            found += partial_stops(flow)
        if on("CF006"):
            found += loops_without_exit(flow, types.get(flow))
        if on("CF007"):
            found += unknown_references(flow, library, instance, settings)
        if on("CF008"):
            found += menus_without_timeout(flow)
    if on("CF004"):
        found += _StreamCheck(library, types, settings, registry, report).check()
    report.findings = sorted((f for f in found if not settings.ignored_in(f, library)), key=_order)
    return report


def _order(finding: Finding) -> tuple[str, int, str, str]:
    return finding.file, finding.line or 0, finding.code, finding.block or ""


def lint(paths: Sequence[Path], settings: LintSettings | None = None,
         registry: BlockRegistry | None = None) -> LintReport:
    """Load the flows under `paths` (with the instance's placeholders) and lint them. A file that
    cannot be loaded is a CF000 finding; the other files are still linted."""
    settings = settings or LintSettings()
    placeholders = settings.instance.get("placeholders") or {}
    loaded = load_path(list(paths), {str(k): str(v) for k, v in placeholders.items()})
    library = FlowLibrary(loaded.flows, loaded, placeholders)
    report = lint_library(library, settings, registry)
    if settings.enabled("CF000"):
        errors = [
            Finding(code="CF000", rule=RULES_BY_CODE["CF000"].name, file=str(file.path), line=_line(error.where),
                    flow="", block=None, message=error.message)
            for file in loaded.files for error in file.errors
        ]
        report.findings = sorted([*errors, *report.findings], key=_order)
    return report


def _line(where: str | None) -> int | None:
    tail = (where or "").rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def render_text(report: LintReport) -> str:
    lines = [finding.render() for finding in report.findings]
    lines += [f"note: {note}" for note in report.notes]
    if report.findings:
        counts: dict[str, int] = {}
        for finding in report.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        summary = ", ".join(f"{code} {RULES_BY_CODE[code].name}: {n}" for code, n in sorted(counts.items()))
        lines.append(f"Found {len(report.findings)} problem{'s' if len(report.findings) != 1 else ''} ({summary}).")
    else:
        lines.append(f"No problems found in {report.flows} flow{'s' if report.flows != 1 else ''}.")
    return "\n".join(lines)


# The command -------------------------------------------------------------------------------------

def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_arguments(parser: Any) -> None:
    """`connectflow lint PATH... ` (an argparse parser)."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="flow files or folders")
    parser.add_argument("--select", type=_codes, metavar="CODES",
                        help="comma-separated rule codes, code prefixes or names to run (replaces select in "
                        "[tool.connectflow]; default: every rule)")
    parser.add_argument("--ignore", type=_codes, metavar="CODES",
                        help="comma-separated rules not to run (replaces ignore in [tool.connectflow])")
    parser.add_argument("--external", action="append", metavar="FLOW",
                        help="a flow or module (name, Id or ARN) deployed elsewhere: references to it are fine")
    parser.add_argument("--instance", metavar="FILE",
                        help="the instance resources file (default: the ini option connectflow_instance)")
    parser.add_argument("--max-paths", type=int, metavar="N",
                        help=f"paths explored per flow for CF004 (default {DEFAULT_MAX_PATHS})")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def command(args: Any) -> int:
    """Run `connectflow lint`: 0 without findings, 1 with findings, 2 for bad usage or settings."""
    import json
    import sys

    from .config_files import find_settings
    from .session import load_instance_file

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"connectflow lint: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    # The project the linted files belong to (as ruff does): its instance file and [tool.connectflow].
    first = Path(args.paths[0]).resolve()
    settings = find_settings(first if first.is_dir() else first.parent)
    try:
        instance_file = Path(args.instance) if args.instance else None
        if instance_file is None and settings.value("connectflow_instance"):
            instance_file = settings.root / str(settings.value("connectflow_instance"))
        instance = load_instance_file(instance_file) if instance_file else {}
        lint_settings = LintSettings.from_tool(
            settings.tool, instance=instance, select=args.select, ignore=args.ignore,
            external_flows=args.external or (), max_paths=args.max_paths,
        )
    except ConnectflowError as exc:
        print(f"connectflow lint: {exc}", file=sys.stderr)
        return 2
    report = lint([Path(p) for p in args.paths], lint_settings)
    if args.format == "json":
        sys.stdout.write(json.dumps([f.to_dict() for f in report.findings], indent=2, ensure_ascii=False) + "\n")
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(report) + "\n")
    return 1 if report.findings else 0


__all__ = ["RULES", "Finding", "LintReport", "LintSettings", "lint", "lint_library"]
