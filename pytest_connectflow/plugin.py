"""pytest wiring only: options, ini values, fixtures, scenario collection and failure reports."""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import hookspecs
from .errors import ConnectflowError, ConnectflowWarning
from .session import ConnectflowSession

if TYPE_CHECKING:  # the engine, the loaders and coverage are imported when a run needs them
    from .coverage import CoverageRecorder
    from .engine.instance import Instance
    from .simulator import SimulatedContact, Simulator

SESSION_KEY = pytest.StashKey[ConnectflowSession]()
COVERAGE_KEY: pytest.StashKey[CoverageRecorder] = pytest.StashKey()  # set only when coverage is on
COVERAGE_OUTPUT = "connectflow_coverage"  # an xdist worker's coverage data, in its workeroutput
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
    group.addoption("--connectflow-native-files", metavar="GLOB",
                    help="glob of Amazon Connect test case files; overrides ini connectflow_native_files")
    parser.addini("connectflow_native_files", "glob of Amazon Connect test case files (default *.testcase.json)",
                  default="*.testcase.json")
    _add_coverage_options(group, parser)


def _root(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "connectflow_failure_demo: a test that shows a failure on purpose")
    cli_flows = config.getoption("connectflow_flows")
    flows = [Path(p).resolve() for p in (cli_flows or config.getini("connectflow_flows"))]
    instance = config.getoption("connectflow_instance") or config.getini("connectflow_instance")
    max_steps = config.getoption("connectflow_max_steps") or int(config.getini("connectflow_max_steps"))
    config.pluginmanager.register(NotesReporter(), "connectflow-notes")
    _configure_coverage(config)
    config.stash[SESSION_KEY] = ConnectflowSession(
        register_blocks=lambda registry: config.hook.pytest_connectflow_register_blocks(registry=registry),
        default_flows=tuple(flows),
        instance_file=_root(config) / instance if instance else None,
        max_steps=max_steps,
        seed=str(config.getoption("connectflow_seed") or config.getini("connectflow_seed")),
        strict_mocks=bool(config.getoption("connectflow_strict_mocks") or config.getini("connectflow_strict_mocks")),
        project_root=_root(config),
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    glob = parent.config.getoption("connectflow_files") or parent.config.getini("connectflow_files")
    if fnmatch.fnmatch(file_path.name, glob):
        return ScenarioFile.from_parent(parent, path=file_path)
    native = parent.config.getoption("connectflow_native_files") or parent.config.getini("connectflow_native_files")
    if fnmatch.fnmatch(file_path.name, native):
        from .native.collect import NativeFile  # Amazon Connect's own test cases (native/)

        return NativeFile.from_parent(parent, path=file_path)
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
    _instance: Instance | None = None  # of the instance resources file and this file's `instance:`

    def layers_instance(self, layers: tuple[Mapping[str, Any], ...]) -> Instance:
        """Made once for the file's scenarios (Instance is frozen): most have no `instance:`."""
        if self._instance is None:
            from .engine.instance import Instance, merge_instance_dicts

            self._instance = Instance.from_dict(merge_instance_dicts(*layers))
        return self._instance

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
            layers_instance = self.parent.layers_instance(layers) if isinstance(self.parent, ScenarioFile) else None
        except ConnectflowError as exc:
            raise ScenarioFailed(f"{scenario.index.file}:{scenario.line}: {exc}") from None
        outcome = run_scenario(
            scenario,
            library,
            instance_layers=layers,
            max_steps=session.max_steps,
            registry=session.registry,
            seed=session.seed,
            handler_roots=session.handler_roots,
            strict_mocks=session.strict_mocks,
            layers_instance=layers_instance,
        )
        trace = outcome.result.trace if outcome.result is not None else getattr(outcome.error, "trace", None)
        recorder = self.config.stash.get(COVERAGE_KEY, None)
        if recorder is not None:
            recorder.record(library, self.loaded.flows or session.default_flows, trace)
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
            text = outcome.render(graph=_flag(self.config, "connectflow_graph_failures"))
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


def _add_coverage_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    group.addoption("--connectflow-cov", action="store_true", default=None,
                    help="record block and branch coverage of the flows over the run (ini connectflow_cov)")
    group.addoption("--no-connectflow-cov", action="store_false", dest="connectflow_cov", default=None,
                    help="do not record coverage, whatever the ini says")
    group.addoption("--connectflow-cov-report", action="append", metavar="TYPE:PATH",
                    help="write the coverage as json:PATH or html:DIR too (repeatable); implies --connectflow-cov")
    group.addoption("--connectflow-cov-fail-under", metavar="PERCENT",
                    help="fail the run when branch coverage over all flows is under PERCENT; implies --connectflow-cov")
    group.addoption("--connectflow-graph-failures", action="store_true", default=None,
                    help="end a failing scenario's output with a Mermaid picture of the path taken")
    parser.addini("connectflow_cov", "record block and branch coverage (like --connectflow-cov)", type="bool",
                  default=False)
    parser.addini("connectflow_cov_report", "coverage reports to write: json:PATH or html:DIR, one a line (paths "
                  "relative to the ini file)", type="linelist", default=[])
    parser.addini("connectflow_cov_fail_under", "minimum branch coverage over all flows, in percent", default="")
    parser.addini("connectflow_graph_failures", "end a failing scenario's output with a Mermaid picture of the path",
                  type="bool", default=False)


def _flag(config: pytest.Config, name: str) -> bool:
    """A boolean option: the command line when given, else the ini value."""
    value = config.getoption(name)
    return bool(config.getini(name)) if value is None else bool(value)


COVERAGE_REPORT_DEFAULTS = {"json": "connectflow-coverage.json", "html": "connectflow-coverage-html"}


def _coverage_reports(specs: list[str], base: Path, origin: str) -> list[tuple[str, Path]]:
    reports = []
    for spec in specs:
        kind, _, path = spec.partition(":")
        if kind not in COVERAGE_REPORT_DEFAULTS:
            raise pytest.UsageError(f"{origin} {spec!r}: the report type must be json or html (json:PATH, html:DIR)")
        reports.append((kind, base / (path or COVERAGE_REPORT_DEFAULTS[kind])))
    return reports


def _configure_coverage(config: pytest.Config) -> None:
    cli_reports = config.getoption("connectflow_cov_report")
    cli_fail_under = config.getoption("connectflow_cov_fail_under")
    enabled = config.getoption("connectflow_cov")
    if enabled is None:
        enabled = bool(cli_reports or cli_fail_under or config.getini("connectflow_cov"))
    if not enabled:
        return  # nothing is recorded: a run without coverage pays nothing for it
    if cli_reports:
        reports = _coverage_reports(cli_reports, config.invocation_params.dir, "--connectflow-cov-report")
    else:
        reports = _coverage_reports(config.getini("connectflow_cov_report"), _root(config), "connectflow_cov_report")
    fail_under: float | None = None
    raw = cli_fail_under if cli_fail_under is not None else (config.getini("connectflow_cov_fail_under") or None)
    if raw is not None:
        try:
            fail_under = float(raw)
        except ValueError:
            fail_under = -1.0
        if not 0 <= fail_under <= 100:
            raise pytest.UsageError(f"--connectflow-cov-fail-under / connectflow_cov_fail_under {raw!r}: "
                                    "give a percentage from 0 to 100")
    from .coverage import CoverageRecorder

    config.stash[COVERAGE_KEY] = CoverageRecorder()
    config.pluginmanager.register(CoverageReporter(config, reports, fail_under), "connectflow-coverage")


class CoverageReporter:
    """Reports coverage where the run ends: an xdist worker hands its data to the controller,
    which merges every worker's before reporting; a run without xdist reports its own."""

    def __init__(self, config: pytest.Config, reports: list[tuple[str, Path]], fail_under: float | None) -> None:
        self.config = config
        self.reports = reports
        self.fail_under = fail_under
        self.lines: list[str] = []
        self.failures: list[str] = []

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        try:
            return (yield)
        finally:  # also after -x or --maxfail stopped the run: what ran is covered
            self._report(session)

    def _report(self, session: pytest.Session) -> None:
        from .coverage import summary_lines, write_html, write_json

        recorder = self.config.stash[COVERAGE_KEY]
        worker_output = getattr(self.config, "workeroutput", None)
        if worker_output is not None:  # an xdist worker: the controller reports
            worker_output[COVERAGE_OUTPUT] = recorder.to_data()
            return
        if self.config.option.collectonly:
            return
        cf_session = self.config.stash[SESSION_KEY]
        try:
            if cf_session.default_flows:  # the flows of ini connectflow_flows count, run or not
                recorder.add_library(cf_session.default_flows, cf_session.library(None))
            report = recorder.report(lambda key: cf_session.library([Path(p) for p in key[0]], dict(key[1])),
                                     root=self.config.rootpath, registry=cf_session.registry)
        except ConnectflowError as exc:
            self.failures.append(f"FAIL: connectflow coverage could not be reported: {exc}")
            session.testsfailed += 1
            return
        self.lines = summary_lines(report)
        for kind, path in self.reports:
            shown = _shown(self.config.invocation_params.dir, path)
            try:
                (write_json if kind == "json" else write_html)(report, path)
            except OSError as exc:
                self.failures.append(f"FAIL: the coverage {kind} report cannot be written to {shown}: {exc.strerror}")
                session.testsfailed += 1
                continue
            self.lines.append(f"coverage {kind} report written to {shown}")
        if self.fail_under is not None:
            reached = f"{report.branch_percent:.1f}% ({report.branches_hit} of {report.branches_total} branches)"
            if report.branches_hit * 100 < self.fail_under * report.branches_total:
                self.failures.append(f"FAIL: connectflow branch coverage {reached} is under the required "
                                     f"{self.fail_under:g}% (--connectflow-cov-fail-under)")
                session.testsfailed += 1
            else:
                self.lines.append(f"connectflow branch coverage {reached} reaches the required {self.fail_under:g}%")

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get(COVERAGE_OUTPUT)
        if data:
            self.config.stash[COVERAGE_KEY].merge_data(data)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.lines and not self.failures:
            return
        terminalreporter.section("connectflow coverage")
        for line in self.lines:
            terminalreporter.write_line(line)
        for failure in self.failures:
            terminalreporter.write_line(failure, red=True, bold=True)


@pytest.fixture
def connectflow(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """A simulator over the flows of ini `connectflow_flows` and the instance resources file."""
    from .coverage import RecordingSimulator
    from .engine.instance import Instance
    from .simulator import Simulator

    session = request.config.stash[SESSION_KEY]
    settings: dict[str, Any] = {
        "instance": Instance.from_dict(session.instance()),
        "registry": session.registry,
        "max_steps": session.max_steps,
        "seed": f"{session.seed}:{request.node.nodeid}",
        "handler_roots": session.handler_roots,
    }
    recorder = request.config.stash.get(COVERAGE_KEY, None)
    simulator = (
        Simulator(session.library(None), **settings) if recorder is None
        else RecordingSimulator(session.library(None), recorder=recorder, paths=session.default_flows, **settings)
    )
    yield simulator
    if simulator.notes:
        request.node.user_properties.append((NOTES_PROPERTY, tuple(simulator.notes)))


@pytest.fixture
def simulated_contact() -> Callable[..., SimulatedContact]:
    """A factory of simulated contacts: simulated_contact(channel="CHAT", attributes={...})."""
    from .simulator import SimulatedContact

    return SimulatedContact
