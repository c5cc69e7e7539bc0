"""pytest wiring only: options, ini values, fixtures, scenario collection and failure reports."""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import hookspecs
from .blocks import default_registry
from .engine.instance import Instance
from .errors import ConnectflowError, ConnectflowWarning
from .session import ConnectflowSession
from .simulator import SimulatedContact, Simulator

SESSION_KEY = pytest.StashKey[ConnectflowSession]()
NOTES_PROPERTY = "connectflow_notes"
DEFAULT_FILES = "test_*.connectflow.yaml"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("connectflow", "Amazon Connect flow testing (pytest-connectflow)")
    group.addoption("--connectflow-flows", action="append", metavar="PATH",
                    help="flow file or folder (repeatable); overrides ini connectflow_flows")
    group.addoption("--connectflow-files", metavar="GLOB", help="scenario file glob; overrides ini connectflow_files")
    group.addoption("--connectflow-instance", metavar="PATH", help="instance resources file (YAML)")
    group.addoption("--connectflow-max-steps", type=int, metavar="N", help="step budget per run (default 1000)")
    group.addoption("--connectflow-seed", metavar="SEED", help="seed of Distribute by percentage (default 0)")
    group.addoption("--connectflow-strict-mocks", action="store_true", default=None,
                    help="fail scenarios that declare mocks no block uses (default: a warning)")
    parser.addini("connectflow_flows", "flow files or folders for scenarios and the connectflow fixture", type="paths")
    parser.addini("connectflow_files", f"glob of scenario files (default {DEFAULT_FILES})", default=DEFAULT_FILES)
    parser.addini("connectflow_instance", "instance resources file (YAML, same schema as `instance:`)")
    parser.addini("connectflow_max_steps", "step budget per run (default 1000)", default="1000")
    parser.addini("connectflow_seed", "seed of Distribute by percentage, with the scenario id (default 0)", default="0")
    parser.addini("connectflow_strict_mocks", "fail scenarios that declare mocks no block uses", type="bool",
                  default=False)


def _root(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "connectflow_failure_demo: a test that shows a failure on purpose")
    registry = default_registry()
    config.hook.pytest_connectflow_register_blocks(registry=registry)
    cli_flows = config.getoption("connectflow_flows")
    flows = [Path(p).resolve() for p in (cli_flows or config.getini("connectflow_flows"))]
    instance = config.getoption("connectflow_instance") or config.getini("connectflow_instance")
    max_steps = config.getoption("connectflow_max_steps") or int(config.getini("connectflow_max_steps"))
    config.pluginmanager.register(NotesReporter(), "connectflow-notes")
    config.stash[SESSION_KEY] = ConnectflowSession(
        registry=registry,
        default_flows=tuple(flows),
        instance_file=_root(config) / instance if instance else None,
        max_steps=max_steps,
        seed=str(config.getoption("connectflow_seed") or config.getini("connectflow_seed")),
        strict_mocks=bool(config.getoption("connectflow_strict_mocks") or config.getini("connectflow_strict_mocks")),
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    glob = parent.config.getoption("connectflow_files") or parent.config.getini("connectflow_files")
    if fnmatch.fnmatch(file_path.name, glob):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _shown(root: Path, path: Path) -> str:
    """A file as pytest shows it: relative to the rootdir when it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class ScenarioFailed(Exception):
    """Raised by a scenario item; repr_failure prints its text, never a traceback."""


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .scenario.loader import load_scenario_file

        loaded = load_scenario_file(self.path, _shown(self.config.rootpath, self.path))
        if loaded.error is not None:
            yield ScenarioItem.from_parent(self, name="[file]", scenario=None, file_error=loaded.error, loaded=loaded)
            return
        counts: dict[str, int] = {}
        for scenario in loaded.scenarios:
            counts[scenario.name] = counts.get(scenario.name, 0) + 1
            name = scenario.name if counts[scenario.name] == 1 else f"{scenario.name}[{counts[scenario.name]}]"
            yield ScenarioItem.from_parent(self, name=name, scenario=scenario, file_error=None, loaded=loaded)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Any, file_error: ConnectflowError | None, loaded: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.file_error = file_error
        self.loaded = loaded

    def runtest(self) -> None:
        from .scenario.runner import run_scenario

        if self.file_error is not None:
            raise ScenarioFailed(f"{self.file_error}\n(the file's scenarios cannot run)")
        scenario = self.scenario
        if scenario.error is not None:
            raise ScenarioFailed(str(scenario.error))
        session = self.config.stash[SESSION_KEY]
        try:
            library = session.scenario_library(self.loaded.flows, self.loaded.instance, scenario.instance)
            layers = (session.instance(), self.loaded.instance)
        except ConnectflowError as exc:
            raise ScenarioFailed(f"{scenario.index.file}:{scenario.line}: {exc}") from None
        outcome = run_scenario(
            scenario,
            library,
            instance_layers=layers,
            max_steps=session.max_steps,
            registry=session.registry,
            seed=session.seed,
            handler_roots=(str(_root(self.config)),),
            strict_mocks=session.strict_mocks,
        )
        trace = outcome.result.trace if outcome.result is not None else getattr(outcome.error, "trace", None)
        if trace is not None and trace.notes:
            self.user_properties.append((NOTES_PROPERTY, tuple(trace.notes)))
        if outcome.result is not None and outcome.result.unused_mocks and not session.strict_mocks:
            unused = ", ".join(outcome.result.unused_mocks)
            warnings.warn(
                ConnectflowWarning(f"{scenario.index.file}:{scenario.line}: scenario {scenario.name!r} declares mocks "
                                   f"no block used: {unused}"),
                stacklevel=1,
            )
        if outcome.result is not None and outcome.result.trace.inputs_left:
            left = ", ".join(repr(i) for i in outcome.result.trace.inputs_left)
            self.add_report_section("call", "connectflow", f"inputs left over (not used by the flow): {left}")
        if not outcome.passed:
            text = outcome.render()
            load_errors = library.report.errors
            if load_errors and outcome.error is not None:
                text += "\n\nflow files that failed to load:\n" + "\n".join(f"  - {e}" for e in load_errors)
            raise ScenarioFailed(text)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.scenario.line if self.scenario is not None else 1
        return self.path, line - 1, f"scenario: {self.name}"


class NotesReporter:
    """Collects run notes (unresolved flow references...) from test reports, on the process that
    prints the summary (the xdist controller too: user_properties travel with reports)."""

    def __init__(self) -> None:
        self.notes: dict[str, None] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == NOTES_PROPERTY and isinstance(value, (tuple, list)):
                self.notes.update(dict.fromkeys(str(v) for v in value))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.notes:
            terminalreporter.section("connectflow notes")
            for note in self.notes:
                terminalreporter.write_line(f"- {note}")


@pytest.fixture
def connectflow(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """A simulator over the flows of ini `connectflow_flows` and the instance resources file."""
    session = request.config.stash[SESSION_KEY]
    simulator = Simulator(
        session.library(None),
        instance=Instance.from_dict(session.instance()),
        registry=session.registry,
        max_steps=session.max_steps,
        seed=f"{session.seed}:{request.node.nodeid}",
        handler_roots=(str(_root(request.config)),),
    )
    yield simulator
    if simulator.notes:
        request.node.user_properties.append((NOTES_PROPERTY, tuple(simulator.notes)))


@pytest.fixture
def simulated_contact() -> Callable[..., SimulatedContact]:
    """A factory of simulated contacts: simulated_contact(channel="CHAT", attributes={...})."""
    return SimulatedContact
