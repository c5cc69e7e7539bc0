"""Run an Amazon Connect test case offline, as the cloud's event-driven test runner would.

Observations nothing links to are active from the start. The flow runs in the engine with every
block wrapped (`instrumented`): before a block runs, the events that happened since the last one
are matched against the active observations — the messages sent (MessageReceived), the block
itself when it is a Lambda, hours check, queue transfer or Lex block (FlowActionStarted), and the
prompt of a block that waits for the customer, which the customer hears before answering. A
matching observation runs its actions there and then: customer input joins the inputs the next
waiting block takes, overrides join a first-in first-out queue per flow action that the block
about to run consumes, asserts read the contact as it is at that moment, EndTest stops the run.
When the contact ends, TestCompleted comes; an observation still waiting fails at once with
what it waited for (the cloud would wait five minutes).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..blocks import default_registry
from ..blocks.registry import BlockHandler, BlockRegistry
from ..engine import compare
from ..engine.contact import Contact
from ..engine.context import Frame, RunContext, flow_type_of
from ..engine.instance import Instance, Resource
from ..engine.messages import Message, outgoing
from ..engine.names import lambda_function_name
from ..engine.outcome import Outcome, error, result
from ..engine.runner import RunSettings, run_flow
from ..engine.trace import Trace
from ..errors import ConnectflowError, StepBudgetExceeded
from ..flow.library import FlowLibrary, arn_id
from ..flow.model import Action, Flow
from ..mocks import Mocks, MockState
from ..mocks.lex import ANSWER_KEYS
from ..simulator import SimulatedContact
from .matching import check_message, same_lambda, same_resource
from .model import (
    FLOW_ACTION_EVENTS,
    Assert,
    EndTest,
    EntryPoint,
    Event,
    LogData,
    NativeTestError,
    Observation,
    Override,
    SendInstruction,
    TestCase,
)

if TYPE_CHECKING:
    from ..scenario.model import Scenario
    from ..scenario.runner import ScenarioOutcome

BlockHook = Callable[[RunContext, Action, BlockHandler], Outcome]
Status = Literal["PASSED", "FAILED", "NOT_REACHED"]
# Blocks where the customer answers after hearing the block's prompt.
INPUT_BLOCKS = ("GetParticipantInput", "ConnectParticipantWithLexBot")
_WEEK_MINUTES = 7 * 24 * 60


def instrumented(registry: BlockRegistry, hook: BlockHook) -> BlockRegistry:
    """A copy of `registry` whose every block calls `hook(ctx, action, run)` instead of `run`: the
    hook sees each block before it runs, with the live run context, and may answer it itself."""
    return BlockRegistry(replace(spec, run=partial(hook_call, hook, spec.run)) for spec in registry)


def hook_call(hook: BlockHook, run: BlockHandler, ctx: RunContext, action: Action) -> Outcome:
    return hook(ctx, action, run)


class _TestStopped(ConnectflowError):
    """Internal: EndTest ran, or the customer disconnected; the run stops before the next block."""


@dataclass(frozen=True)
class ObservationResult:
    """How one observation fared, as the cloud's execution records report it."""

    identifier: str
    status: Status
    event: str
    where: str  # file#pointer of the observation
    matched: tuple[str, ...] = ()  # where its event was seen, one entry per match
    reason: str = ""
    logs: tuple[tuple[str, str], ...] = ()
    after: tuple[str, ...] = ()  # the observations that lead to it (for NOT_REACHED)


@dataclass
class NativeOutcome:
    case: TestCase
    flow: str = ""
    results: tuple[ObservationResult, ...] = ()
    traces: list[Trace] = field(default_factory=list)
    error: ConnectflowError | None = None
    ended: str = ""  # how the test ended, in words
    notes: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.error is None and all(r.status != "FAILED" for r in self.results)

    @property
    def failed_observations(self) -> list[ObservationResult]:
        return [r for r in self.results if r.status == "FAILED"]

    def summary(self) -> str:
        counts = {s: sum(1 for r in self.results if r.status == s) for s in ("PASSED", "FAILED", "NOT_REACHED")}
        text = f"{len(self.results)} observations: {counts['PASSED']} passed, {counts['FAILED']} failed"
        return text + (f", {counts['NOT_REACHED']} not reached" if counts["NOT_REACHED"] else "")

    def observation_lines(self) -> list[str]:
        width = max((len(r.identifier) for r in self.results), default=0)
        lines = []
        for r in self.results:
            status = r.status.replace("_", " ")
            seen = f" — {'; '.join(r.matched)}" if r.matched else ""
            lines.append(f"  {status:<11} {r.identifier:<{width}}  {r.event}{seen}")
            if r.reason:
                lines.append(f"  {'':<11} {'':<{width}}  {r.reason}")
            for label, value in r.logs:
                lines.append(f"  {'':<11} {'':<{width}}  LogData {label} = {value!r}")
        return lines

    def render(self) -> str:
        """The failure text: the failing observation and why first, then every observation with
        its status as the cloud reports it, what the customer heard and the path taken."""
        case = self.case
        head = f"{case.where}: test case {case.name!r} " + ("passed" if self.passed else "failed")
        lines = [head]
        if self.error is not None:
            lines.append(str(self.error))
        for failed in self.failed_observations[:1]:
            lines.append(f"observation {failed.identifier!r} ({failed.event}) failed at {failed.where}: "
                         f"{failed.reason}")
        if self.results:
            lines += ["", f"{self.summary()} (flow {self.flow!r}; {self.ended or 'the run did not start'}):"]
            lines += self.observation_lines()
        if self.messages:
            lines += ["", "Messages the customer was sent:"]
            lines += [f"  - {m.describe()}" for m in self.messages]
        for trace in self.traces:
            lines += ["", trace.describe(self.flow)]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class _State:
    observation: Observation
    status: Literal["inactive", "waiting", "passed", "failed"] = "inactive"
    count: int = 0
    satisfied: bool = False
    matched: list[str] = field(default_factory=list)
    reason: str = ""
    logs: list[tuple[str, str]] = field(default_factory=list)
    near: list[str] = field(default_factory=list)  # why recent messages did not match


class _Run:
    """One run of one test case: the observations' states, the customer's inputs and the
    overrides waiting to be consumed. Nothing here outlives the run."""

    def __init__(self, case: TestCase, library: FlowLibrary, instance: Instance, flow: Flow,
                 contact: Contact) -> None:
        self.case = case
        self.library = library
        self.instance = instance
        self.flow = flow
        self.contact = contact
        self.states = {o.identifier: _State(o) for o in case.observations}
        targeted = {t for o in case.observations for t in o.next_observations}
        for state in self.states.values():
            if state.observation.identifier not in targeted:
                state.status = "waiting"
        self.inputs: list[str | None] = []
        self.overrides: dict[str, list[Override]] = {}
        self.lambda_mocks: dict[str, Any] = {}
        self.lex_mocks: dict[str, Any] = {}
        self.live: RunContext | None = None  # the run context of the block running now
        self.cursor = 0
        self.ahead: list[tuple[int, str, str]] = []  # prompts matched before their block sent them
        self.stop: tuple[str, str] | None = None  # (how the contact ended, why the test stopped)
        self.notes: list[str] = []
        self._hours_cache: dict[str, bool | None] = {}
        ftype = flow_type_of(flow, instance) or "CONTACT_FLOW"
        self.start_ctx = RunContext(contact=contact, library=library, instance=instance, mocks=MockState(),
                                    inputs=[])
        self.start_ctx.frames.append(Frame(flow, "CONTACT_FLOW" if flow.is_module else ftype))

    # events ------------------------------------------------------------------------------------
    def fire(self, matches: Callable[[Event], bool | str], where: str, ctx: RunContext, *,
             after_end: bool = False) -> None:
        """Offer one event to every waiting observation (in file order); `matches` answers True,
        or False / why not. Once the test is stopped only TestCompleted (`after_end`) is offered."""
        waiting = [s for s in self.states.values() if s.status == "waiting"]
        for state in waiting:
            if self.stop is not None and not after_end:
                return
            verdict = matches(state.observation.event)
            if verdict is not True:
                if isinstance(verdict, str) and verdict:
                    state.near = [*state.near[-4:], verdict]
                continue
            self._matched(state, where, ctx)

    def _matched(self, state: _State, where: str, ctx: RunContext) -> None:
        obs = state.observation
        state.count += 1
        state.matched.append(where)
        problem = self._run_actions(state, ctx)
        if problem:
            state.status, state.reason = "failed", problem
            return
        usage = obs.usage
        first_time = not state.satisfied
        if usage.type in ("AtMost", "Always") or state.count >= usage.times:
            state.satisfied = True
        if usage.type in ("Exactly", "AtMost") and state.count >= usage.times:
            state.status = "passed"
        if state.satisfied and first_time:
            for target in obs.next_observations:
                if self.states[target].status == "inactive":
                    self.states[target].status = "waiting"

    def _run_actions(self, state: _State, ctx: RunContext) -> str:
        """Run an observation's actions in order; what went wrong, or ""."""
        for action in state.observation.actions:
            if isinstance(action, SendInstruction):
                if action.instruction == "Disconnect":
                    self.stop = ("disconnected", f"the customer disconnected ({action.identifier!r} of observation "
                                                 f"{state.observation.identifier!r})")
                    continue
                target = self.live.inputs if self.live is not None else self.inputs
                target.append(action.value)
            elif isinstance(action, Override):
                self.overrides.setdefault(action.action_type, []).append(action)
            elif isinstance(action, Assert):
                problem = self._assert(action, ctx)
                if problem:
                    return problem
            elif isinstance(action, LogData):
                for label, expression in action.expressions.items():
                    value = ctx.resolve(expression)
                    state.logs.append((label, "(unset)" if value is None else value))
            elif isinstance(action, EndTest):
                self.stop = ("", f"EndTest {action.identifier!r} of observation {state.observation.identifier!r}")
                return ""
        return ""

    def _assert(self, action: Assert, ctx: RunContext) -> str:
        value = ctx.resolve(action.namespace)
        if action.operator == "Exists":
            return "" if value is not None else f"Assert {action.identifier!r}: {action.describe()} failed: it is unset"
        if value is None:
            return f"Assert {action.identifier!r}: {action.describe()} failed: {action.namespace} is unset"
        if compare.OPERATORS[action.operator](value, action.operand or ""):
            return ""
        return f"Assert {action.identifier!r}: {action.describe()} failed: the value is {value!r}"

    # the block hook ----------------------------------------------------------------------------
    def on_block(self, ctx: RunContext, action: Action, run: BlockHandler) -> Outcome:
        self.live = ctx
        self.flush(ctx)
        self._check_stop()
        where = f"step {ctx.step}, block {action.identifier!r} ({ctx.flow.name})"
        if action.type in FLOW_ACTION_EVENTS:
            self.fire(partial(self._flow_action_matches, ctx, action), where, ctx)
            self._check_stop()
        if action.type in INPUT_BLOCKS:
            self._prompt_ahead(ctx, action, where)
            self._check_stop()
        answered = self._apply_overrides(ctx, action)
        return answered if answered is not None else run(ctx, action)

    def _check_stop(self) -> None:
        if self.stop is not None:
            raise _TestStopped(self.stop[1])

    def flush(self, ctx: RunContext) -> None:
        """Offer the messages sent since the last block (MessageReceived)."""
        messages = ctx.messages
        while self.cursor < len(messages):
            message = messages[self.cursor]
            self.cursor += 1
            if message.to != "customer":
                continue
            key = (message.step, message.block, message.content)
            if key in self.ahead:
                self.ahead.remove(key)
                continue
            self._offer_message(message, f"step {message.step}, block {message.block!r} ({message.flow})", ctx)

    def _offer_message(self, message: Message, where: str, ctx: RunContext) -> None:
        def matches(event: Event) -> bool | str:
            if event.type != "MessageReceived":
                return False
            check = check_message(event, message, self.instance)
            return True if check.matched else f"{message.describe()}: {check.why}"

        self.fire(matches, where, ctx)

    def _prompt_ahead(self, ctx: RunContext, action: Action, where: str) -> None:
        """The prompt of a block that waits for the customer is heard before the customer answers:
        offer it now, so that input sent in reaction reaches this block."""
        sent = outgoing(ctx, action)
        if sent is None or sent[0] == "none" or (sent[0] in ("Text", "SSML") and not sent[1].strip()):
            return
        kind, content = sent
        kinds = {"Text": "text", "SSML": "ssml", "PromptId": "prompt", "Media": "media"}
        prompt = None
        if kind == "PromptId":
            found = self.instance.find(self.instance.prompts, content)
            prompt = found.name if found else ctx.display_name(action, "PromptId") or arn_id(content)
        message = Message(kind=kinds[kind], content=content, block=action.identifier,  # type: ignore[arg-type]
                          flow=ctx.flow.name, channel=ctx.contact.channel, step=ctx.step, prompt=prompt)
        self.ahead.append((ctx.step, action.identifier, content))
        self._offer_message(message, where, ctx)

    def _flow_action_matches(self, ctx: RunContext, action: Action, event: Event) -> bool:
        if event.type != "FlowActionStarted" or event.action_type != action.type:
            return False
        wanted = event.action_parameters
        if action.type == "InvokeLambdaFunction":
            return same_lambda(self.instance, str(wanted.get("LambdaFunctionARN") or ""),
                               ctx.resolve(action.parameters.get("LambdaFunctionARN")))
        if action.type == "CheckHoursOfOperation":
            ref, extra = self._hours_of(ctx, action)
            return same_resource(self.instance.hours, str(wanted.get("HoursOfOperationId") or ""), ref, extra)
        if action.type == "TransferContactToQueue":
            queue = ctx.contact.queue
            agent = str(wanted.get("AgentId") or "")
            if agent and not (queue is not None and queue.agent and agent in (queue.id, queue.arn, queue.name)):
                return False
            names = (queue.name, queue.id or "") if queue is not None else ()
            return same_resource(self.instance.queues, str(wanted.get("QueueId") or ""),
                                 queue.arn if queue is not None else None, names)
        bot = wanted.get("LexV2Bot")
        alias = str(bot.get("AliasArn") or "") if isinstance(bot, Mapping) else ""
        return same_resource(self.instance.lex_bots, alias, self._bot_of(ctx, action))

    def _hours_of(self, ctx: RunContext, action: Action) -> tuple[str | None, tuple[str, ...]]:
        """The hours a CheckHoursOfOperation block checks: its own, else its queue's."""
        raw = action.parameters.get("HoursOfOperationId")
        if raw not in (None, ""):
            return ctx.resolve(raw), ()
        queue = ctx.contact.queue
        if queue is None:
            return None, ()
        found = self.instance.find(self.instance.queues, queue.arn or queue.name)
        hours = found.hours if found is not None else None
        return hours, (queue.name, queue.arn or "")

    @staticmethod
    def _bot_of(ctx: RunContext, action: Action) -> str | None:
        v2 = action.parameters.get("LexV2Bot")
        if isinstance(v2, Mapping):
            return ctx.resolve(v2.get("AliasArn"))
        classic = action.parameters.get("LexBot")
        return ctx.resolve(classic.get("Name")) if isinstance(classic, Mapping) else None

    # overrides ---------------------------------------------------------------------------------
    def _take(self, action_type: str, fits: Callable[[str], bool]) -> Override | None:
        """The first pending override of this flow action whose resource fits (consumed)."""
        pending = self.overrides.get(action_type, [])
        for i, override in enumerate(pending):
            if fits(override.resource):
                return pending.pop(i)
        return None

    def _apply_overrides(self, ctx: RunContext, action: Action) -> Outcome | None:
        kind = action.type
        if kind == "InvokeLambdaFunction":
            self._lambda(ctx, action)
        elif kind == "CheckHoursOfOperation":
            return self._hours(ctx, action)
        elif kind in ("TransferContactToQueue", "DequeueContactAndTransferToQueue"):
            return self._queue(ctx, action)
        elif kind == "ConnectParticipantWithLexBot":
            self._lex(ctx, action)
        return None

    def _substituted(self, kind: str, first: Override | None, fits: Callable[[str, str], bool],
                     start: str) -> tuple[Override | None, str]:
        """Follow SubstituteResource overrides: (the override that answers, the resource used)."""
        override, target = first, start
        for _ in range(20):
            if override is None or override.strategy != "SubstituteResource":
                return override, target
            target = override.substitute
            override = self._take(kind, partial(fits, target))
        return override, target

    def _lambda(self, ctx: RunContext, action: Action) -> None:
        ref = ctx.resolve(action.parameters.get("LambdaFunctionARN"))
        self.lambda_mocks.clear()
        if not ref:
            return  # the block itself reports the unset reference
        fits = partial(_lambda_fits, self.instance)
        first = self._take("InvokeLambdaFunction", partial(fits, ref))
        override, target = self._substituted("InvokeLambdaFunction", first, fits, ref)
        if override is None:
            via = f" (substituted by {target})" if target != ref else ""
            raise NativeTestError(
                f"{ctx.where(action)} invokes Lambda function {lambda_function_name(ref)!r} ({ref}){via}: the test "
                "case has no OverrideSystemBehavior MockResponse left for it, and offline the real function cannot "
                "be called; add one (an observation of TestInitiated is the usual place)",
                where=self.case.where,
            )
        if override.response == "Error":
            self.lambda_mocks[ref] = {"timeout": "true"} if override.error == "TimeLimitExceeded" else {"error": True}
            return
        try:
            limit = float(str(action.parameters.get("InvocationTimeLimitSeconds", "3")))
        except ValueError:
            limit = 3.0
        if override.delay > limit:  # the mocked answer comes after the block stopped waiting
            self.lambda_mocks[ref] = {"timeout": "true"}
            self.notes.append(f"{override.identifier}: DelaySeconds {override.delay:g} is over the block's "
                              f"InvocationTimeLimitSeconds ({limit:g}): the call times out")
            return
        self.lambda_mocks[ref] = {"return": override.loaded_data}

    def _hours(self, ctx: RunContext, action: Action) -> Outcome | None:
        ref, extra = self._hours_of(ctx, action)

        def fits(resource: str) -> bool:
            if ref is None and not extra:
                return True  # nothing says which hours: the first pending override answers
            return same_resource(self.instance.hours, resource, ref, extra)

        first = self._take("CheckHoursOfOperation", fits)
        override, target = self._substituted(
            "CheckHoursOfOperation", first, lambda t, r: same_resource(self.instance.hours, r, t), ref or "")
        if override is not None and override.strategy == "MockResponse":
            if override.response == "Error":
                return error(override.error, f"{override.error} (mocked by {override.identifier!r})")
            is_open = override.value == "InHours"
            return result("True" if is_open else "False", f"{override.value} (mocked by {override.identifier!r})")
        names = [n for n in (target, *extra) if n]
        for name in names:
            found = self.instance.find(self.instance.hours, name)
            constant = self._constant_hours(found) if found is not None else None
            if constant is not None:
                how = f"substituted by {target}, " if first is not None else ""
                return result("True" if constant else "False",
                              f"{how}hours {found.name!r} are {'always open' if constant else 'never open'}"
                              if found is not None else "")
        shown = target or (extra[0] if extra else "the contact's queue's hours")
        raise NativeTestError(
            f"{ctx.where(action)} checks hours {shown!r}: the test case has no OverrideSystemBehavior for it, and "
            "offline the real hours can only be read from an instance resources file schedule that is open (or "
            "closed) at every time of the week; add a MockResponse with Value InHours or OutOfHours",
            where=self.case.where,
        )

    def _constant_hours(self, resource: Resource) -> bool | None:
        """True or False when a schedule answers the same at every minute of the week (and has no
        dated overrides), so no clock is needed; None otherwise."""
        if resource.name in self._hours_cache:
            return self._hours_cache[resource.name]
        schedule = resource.schedule
        answer: bool | None = None
        if schedule is not None and not schedule.overrides:
            start = datetime(2024, 1, 1, tzinfo=schedule.zone)  # a Monday
            seen = {schedule.is_open(start + timedelta(minutes=m)) for m in range(0, _WEEK_MINUTES, 1)}
            answer = seen.pop() if len(seen) == 1 else None
        self._hours_cache[resource.name] = answer
        return answer

    def _queue(self, ctx: RunContext, action: Action) -> Outcome | None:
        if action.type == "DequeueContactAndTransferToQueue":
            raw = action.parameters.get("QueueId")
            target = ctx.resolve(raw) if raw else None
            override = self._take(action.type, lambda r: same_resource(self.instance.queues, r, target))
            if override is None:
                return None
            if override.strategy == "SubstituteResource":
                raise NativeTestError(f"{override.identifier}: SubstituteResource of a dequeue transfer is not "
                                      "modelled offline", where=self.case.where)
            return error(override.error, f"{override.error} (mocked by {override.identifier!r})")
        queue = ctx.contact.queue

        def fits(current: Any, resource: str) -> bool:
            names = (current.name, current.id or "") if current is not None else ()
            return same_resource(self.instance.queues, resource, current.arn if current is not None else None, names)

        for _ in range(20):
            override = self._take(action.type, partial(fits, queue))
            if override is None:
                return None
            if override.strategy == "SubstituteResource":
                queue = ctx.contact.queue = self.instance.queue_ref(override.substitute)
                continue
            return error(override.error, f"{override.error} (mocked by {override.identifier!r})")
        return None

    def _lex(self, ctx: RunContext, action: Action) -> None:
        bot = self._bot_of(ctx, action)
        self.lex_mocks.clear()
        if not bot:
            return  # the block itself reports the missing bot
        fits = partial(_bot_fits, self.instance)
        first = self._take("ConnectParticipantWithLexBot", partial(fits, bot))
        override, target = self._substituted("ConnectParticipantWithLexBot", first, fits, bot)
        if override is None:
            via = f" (substituted by {target})" if target != bot else ""
            raise NativeTestError(
                f"{ctx.where(action)} talks to the Amazon Lex bot {bot}{via}: the test case has no "
                "OverrideSystemBehavior MockResponse left for it, and offline the bot cannot be asked; add one",
                where=self.case.where,
            )
        if override.response == "Error":
            self.lex_mocks[bot] = {"timeout": True} if override.error == "TimeLimitExceeded" else {"error": True}
        else:
            self.lex_mocks[bot] = lex_answer(override, self.case)

    # the end -----------------------------------------------------------------------------------
    def complete(self, ctx: RunContext, ending: str, failed_run: bool, cloud_waits: bool) -> None:
        """TestCompleted, then every observation still waiting fails, saying what it waited for."""
        if not failed_run:  # TestCompleted comes whatever ended the test
            self.fire(lambda e: e.type == "TestCompleted", "when the test completed", ctx, after_end=True)
        for state in self.states.values():
            if state.status != "waiting":
                continue
            usage = state.observation.usage
            if state.satisfied or usage.type in ("AtMost", "Always"):
                state.status = "passed"
                continue
            state.status = "failed"
            seen = f" (matched {state.count} of {usage.times} times)" if state.count else ""
            wait = " (Amazon Connect would wait 5 minutes for it, then fail)" if cloud_waits else ""
            state.reason = f"still waiting for its event{seen} when {ending}{wait}"
            if state.near:
                state.reason += "; messages that did not match:" + "".join(f"\n    - {n}" for n in state.near)

    def results(self) -> tuple[ObservationResult, ...]:
        leads: dict[str, list[str]] = {}
        for obs in self.case.observations:
            for target in obs.next_observations:
                leads.setdefault(target, []).append(obs.identifier)
        out = []
        for state in self.states.values():
            obs = state.observation
            status: Status = {"passed": "PASSED", "failed": "FAILED"}.get(state.status, "NOT_REACHED")  # type: ignore[assignment]
            reason = state.reason
            if status == "NOT_REACHED":
                names = ", ".join(repr(n) for n in leads.get(obs.identifier, []))
                reason = f"never active: no observation leading to it ({names}) succeeded"
            out.append(ObservationResult(
                identifier=obs.identifier, status=status, event=obs.event.describe(),
                where=self.case_locate(obs.pointer), matched=tuple(state.matched), reason=reason,
                logs=tuple(state.logs), after=tuple(leads.get(obs.identifier, [])),
            ))
        return tuple(out)

    def case_locate(self, pointer: str) -> str:
        return locate(self.case, pointer)


def locate(case: TestCase, pointer: str) -> str:
    """`file#pointer` of a part of the Content (inside the Content string for the API shapes)."""
    shown = case.display or str(case.file)
    if case.shape == "content":
        return f"{shown}#{case.content_pointer}{pointer}"
    return f"{shown}#{case.content_pointer} » {pointer}"


def _lambda_fits(instance: Instance, target: str, resource: str) -> bool:
    return same_lambda(instance, resource, target)


def _bot_fits(instance: Instance, target: str, resource: str) -> bool:
    return same_resource(instance.lex_bots, resource, target)


def lex_answer(override: Override, case: TestCase) -> dict[str, Any]:
    """A Lex MockResponse's LoadedData as a bot answer: Connect's $.Lex shape (IntentName, Slots,
    SessionAttributes...), a Lex V2 RecognizeText response (sessionState...), or the answer keys of
    mocks.lex (intent, slots...)."""
    data = override.loaded_data if isinstance(override.loaded_data, dict) else {}
    if "IntentName" in data or "Slots" in data:
        confidence = data.get("IntentConfidence")
        sentiment = data.get("SentimentResponse")
        answer = {
            "intent": data.get("IntentName"),
            "slots": data.get("Slots") or {},
            "session_attributes": data.get("SessionAttributes") or {},
            "dialog_state": data.get("DialogState"),
            "confidence": confidence.get("Score") if isinstance(confidence, dict) else None,
            "sentiment": sentiment.get("Label") if isinstance(sentiment, dict) else None,
        }
        return {k: v for k, v in answer.items() if v is not None}
    if isinstance(data.get("sessionState"), dict):
        state = data["sessionState"]
        intent = state.get("intent") if isinstance(state.get("intent"), dict) else {}
        slots = {str(k): _slot_value(v) for k, v in (intent.get("slots") or {}).items()}
        found = data.get("messages")
        messages: list[Any] = found if isinstance(found, list) else []
        said = [m.get("content") for m in messages if isinstance(m, dict) and m.get("content")]
        answer = {"intent": intent.get("name"), "slots": slots,
                  "session_attributes": state.get("sessionAttributes") or {},
                  "message": " ".join(str(s) for s in said) or None}
        return {k: v for k, v in answer.items() if v is not None}
    unknown = sorted(str(k) for k in data if k not in ANSWER_KEYS)
    if unknown:
        raise NativeTestError(
            f"{override.identifier}: LoadedData key {unknown[0]!r} is not understood; a Lex answer is Connect's $.Lex "
            "(IntentName, Slots, SessionAttributes), a Lex V2 response (sessionState), or intent/slots",
            where=locate(case, override.pointer),
        )
    return dict(data)


def _slot_value(slot: Any) -> Any:
    if isinstance(slot, dict) and isinstance(slot.get("value"), dict):
        value = slot["value"]
        return value.get("interpretedValue", value.get("originalValue"))
    return slot


def customer_queue_flow(contact: Contact, instance: Instance, library: FlowLibrary) -> tuple[Flow | None, str]:
    """The flow a queued contact runs (the CustomerQueue hook, else the queue's customer queue flow,
    else default_flows.customer_queue), and why none when there is none."""
    if contact.event_hooks_disabled.get("CustomerQueue"):
        return None, "the CustomerQueue hook is switched off (DisableExecution)"
    names = [contact.event_hooks.get("CustomerQueue")]
    queue = contact.queue
    found = instance.find(instance.queues, queue.arn or queue.name) if queue is not None else None
    names += [found.customer_queue_flow if found is not None else None, instance.default_flows.get("customer_queue")]
    for name in names:
        if name:
            flow = library.resolve_reference(name)
            if flow is not None:
                return flow, ""
            return None, f"the customer queue flow {name!r} is not loaded"
    return None, ("no customer queue flow is known offline (set default_flows.customer_queue or the queue's "
                  "customer_queue_flow in the instance resources file)")


def resolve_flow(case: TestCase, library: FlowLibrary, flow: str | None = None) -> Flow:
    """The flow a test case starts in: `flow` when given (--flow), else its EntryPoint FlowId (an
    Id, ARN, or the flow's name)."""
    if flow:
        return library.find(flow)
    entry = case.entry_point
    if entry is None or not entry.flow_id:
        raise NativeTestError(
            "the test case names no flow: bare Content has no EntryPoint; name the flow (connectflow run-native "
            "--flow NAME) or keep the test case as a CreateTestCase request or DescribeTestCase response",
            where=case.where,
        )
    try:
        return library.find(entry.flow_id)
    except ConnectflowError as exc:
        raise NativeTestError(f"EntryPoint FlowId: {exc.message}", where=locate_entry(case)) from None


def locate_entry(case: TestCase) -> str:
    shown = case.display or str(case.file)
    return f"{shown}#{case.entry_point.pointer if case.entry_point else case.pointer}"


def run_test_case(
    case: TestCase,
    library: FlowLibrary,
    *,
    instance: Instance | Mapping[str, Any] | None = None,
    registry: BlockRegistry | None = None,
    max_steps: int = 1000,
    seed: str = "0",
    flow: str | None = None,
) -> NativeOutcome:
    """Run one test case against the loaded flows; the outcome holds each observation's result."""
    outcome = NativeOutcome(case)
    if case.error is not None:
        outcome.error = case.error
        return outcome
    inst = instance if isinstance(instance, Instance) else Instance.from_dict(instance)
    try:
        start = resolve_flow(case, library, flow)
    except ConnectflowError as exc:
        outcome.error = exc
        return outcome
    outcome.flow = start.name
    entry = case.entry_point
    contact = SimulatedContact(
        channel=entry.channel if entry is not None else "VOICE",
        attributes=dict(case.attributes),
        **({"customer_endpoint": entry.source_phone_number} if entry and entry.source_phone_number else {}),
        **({"system_endpoint": entry.destination_phone_number} if entry and entry.destination_phone_number else {}),
    ).build(inst)
    run = _Run(case, library, inst, start, contact)
    ctx = run.start_ctx
    run.fire(lambda e: e.type == "TestInitiated", "at the start", ctx)
    hooked = instrumented(registry or default_registry(), run.on_block)
    mocks = MockState(Mocks(lambdas=run.lambda_mocks, services={"lex": run.lex_mocks}))
    failed_run = False
    ending = ""
    flow_to_run: Flow | None = start
    flow_type: str | None = None
    inputs = list(run.inputs)
    while flow_to_run is not None and run.stop is None:
        run.cursor = 0
        run.live = None
        trace: Trace | None
        try:
            trace = run_flow(library, flow_to_run, contact, registry=hooked, instance=inst, mocks=mocks,
                             inputs=inputs, settings=RunSettings(max_steps=max_steps, seed=seed),
                             flow_type=flow_type)
        except _TestStopped as stopped:
            trace = stopped.trace
        except StepBudgetExceeded as exc:
            trace = exc.trace
            if flow_type != "CUSTOMER_QUEUE":
                outcome.error = exc
                failed_run = True
            # A customer queue flow that loops plays until an agent answers: offline none does.
        except ConnectflowError as exc:
            outcome.error = exc
            trace = exc.trace
            failed_run = True
        ctx = run.live or ctx
        if trace is not None:
            outcome.traces.append(trace)
            if run.live is not None:
                run.flush(ctx)
            outcome.messages += [m for m in trace.messages if m.to == "customer"]
        if failed_run or run.stop is not None or trace is None or flow_type == "CUSTOMER_QUEUE":
            break
        ending = f"the contact's flow ended ({trace.ended})"
        if trace.ended == "error" and trace.reason:
            ending += f": {trace.reason}"
        flow_to_run, flow_type = None, None
        waiting = any(s.status == "waiting" and s.observation.event.type != "TestCompleted"
                      for s in run.states.values())
        if trace.ended == "transferred_to_queue" and waiting and len(outcome.traces) == 1:
            queue = contact.queue.name if contact.queue is not None else "?"
            flow_to_run, why = customer_queue_flow(contact, inst, library)
            flow_type = "CUSTOMER_QUEUE"
            # What the customer sent and no block took yet, reactions to the last messages included.
            inputs = list(run.live.inputs) if run.live is not None else list(trace.inputs_left)
            ending = f"the contact was left in queue {queue!r}" + (f" ({why})" if why else "")
            if flow_to_run is not None:
                ending = f"the contact waited in queue {queue!r} (the customer queue flow {flow_to_run.name!r} " \
                         "played; no agent answers offline)"
    if failed_run:
        ending = "the run stopped at an error"
    elif run.stop is not None:
        ended_as, why = run.stop
        ending = f"{why} ended the test" if not ended_as else f"{why}: the contact ended"
    ended_by_test = run.stop is not None and not run.stop[0]
    run.complete(ctx, ending, failed_run, cloud_waits=not failed_run and not ended_by_test)
    outcome.results = run.results()
    outcome.ended = ending
    outcome.notes = run.notes
    if (not failed_run and run.stop is None and outcome.traces
            and outcome.traces[-1].ended in ("transferred_to_queue", "transferred_to_agent")):
        outcome.notes.append("the contact ended in a queue with no EndTest: in Amazon Connect the simulated contact "
                             "stays there (and may reach an agent) until the 5-minute limit; end such tests with a "
                             "TestControl EndTest")
    return outcome


def loaded_data_text(data: Any) -> str:
    """LoadedData as the API takes it: serialized JSON."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


__all__ = ["NativeOutcome", "ObservationResult", "instrumented", "run_referenced", "run_test_case"]


def run_referenced(
    scenario: Scenario,
    library: FlowLibrary,
    *,
    instance_layers: tuple[Mapping[str, Any], ...] = (),
    max_steps: int = 1000,
    registry: BlockRegistry | None = None,
    seed: str = "0",
) -> ScenarioOutcome:
    """A scenario with `native: FILE`: the test case in FILE runs on the scenario's flow (its
    EntryPoint channel, else the scenario's), with the scenario's attributes under its own."""
    from ..engine.instance import merge_instance_dicts
    from ..errors import ScenarioError
    from ..scenario.runner import ScenarioOutcome
    from .reader import read_test_case_file

    outcome = ScenarioOutcome(scenario, library=library)
    where = f"{scenario.index.file}:{scenario.line}"
    given = {"inputs": scenario.inputs, "mocks": scenario.lambdas or scenario.hours or scenario.queues
             or scenario.distribution or scenario.services, "expect": scenario.expectations,
             "journey": scenario.journey, "contact": scenario.contact, "clock": scenario.clock}
    extra = [key for key, value in given.items() if value]
    if extra:
        outcome.error = ScenarioError(f"a scenario with native: takes its inputs, mocks and checks from the test case; "
                                      f"remove {', '.join(extra)}", where=where)
        return outcome
    if scenario.channel not in ("VOICE", "CHAT"):
        outcome.error = ScenarioError(f"a test case runs on VOICE or CHAT, not {scenario.channel}", where=where)
        return outcome
    native = str(scenario.native)
    loaded = read_test_case_file(scenario.file.parent / native, str(Path(scenario.index.file).parent / native))
    problem = loaded.error or (None if len(loaded.cases) == 1 else NativeTestError(
        f"native: the file holds {len(loaded.cases)} test cases; a scenario runs one", where=where))
    if problem is None and loaded.cases[0].error is not None:
        problem = loaded.cases[0].error
    if problem is not None:
        outcome.error = problem
        return outcome
    case = loaded.cases[0]
    entry = case.entry_point or EntryPoint(type="CHAT" if scenario.channel == "CHAT" else "VOICE_CALL")
    case = replace(case, entry_point=entry, attributes={**scenario.attributes, **case.attributes})
    result = run_test_case(case, library, instance=merge_instance_dicts(*instance_layers, scenario.instance),
                           registry=registry, max_steps=max_steps, seed=f"{seed}:{scenario.file.name}::{scenario.name}",
                           flow=scenario.flow)
    if not result.passed:
        outcome.error = NativeTestError(result.render())
    return outcome
