"""Safe by construction: YAML only through safe loaders, handler modules imported only when a scenario
names them and only from the user's project, and no network access anywhere in the core package."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flowdefs import SHARED_FLOWS, main_ivr

from pytest_connectflow import Simulator
from pytest_connectflow.errors import ConfigurationError, FlowLoadError, MockError, ScenarioError
from pytest_connectflow.flow import cloudformation
from pytest_connectflow.flow.loaders import load_file
from pytest_connectflow.scenario import yaml_source
from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.session import load_instance_file

PACKAGE = Path(__file__).resolve().parents[1] / "pytest_connectflow"
EXAMPLE = PACKAGE.parent / "example_project"
# `connectflow pull` (aws/) talks to AWS when a user runs it; everything else never does.
NETWORK_FREE = [p for p in sorted(PACKAGE.rglob("*.py")) if "aws" not in p.relative_to(PACKAGE).parts]


# --- YAML ------------------------------------------------------------------------------------

def test_every_yaml_loader_is_a_safe_loader() -> None:
    for loader in (yaml_source._Loader, yaml_source._Parser, cloudformation.TemplateLoader):
        assert issubclass(loader, (yaml.SafeLoader, yaml.CSafeLoader)), loader


UNSAFE_CALLS = {"load", "load_all", "full_load", "full_load_all", "unsafe_load", "unsafe_load_all"}
UNSAFE_NAMES = {"Loader", "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader"}


@pytest.mark.parametrize("module", NETWORK_FREE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_uses_an_unsafe_yaml_api(module: Path) -> None:
    tree = ast.parse(module.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            assert node.attr not in UNSAFE_CALLS | UNSAFE_NAMES, f"{module}:{node.lineno}: yaml.{node.attr}"


PAYLOAD = "!!python/object/apply:os.system ['touch {marker}']"


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = PAYLOAD.format(marker=marker)
    scenario = tmp_path / "test_x.connectflow.yaml"
    scenario.write_text(f"scenarios:\n  - name: {payload}\n    flow: x\n")
    error = load_scenario_file(scenario).error
    assert isinstance(error, ScenarioError) and error.where == f"{scenario}:2"
    assert "is not allowed" in error.message

    instance = tmp_path / "instance.yaml"
    instance.write_text(f"arn: {payload}\n")
    with pytest.raises((ScenarioError, ConfigurationError)):
        load_instance_file(instance)

    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Flow:\n    Type: AWS::Connect::ContactFlow\n"
                        f"    Properties:\n      Content: !!python/object/apply:os.system ['touch {marker}']\n")
    report = load_file(template)
    assert report.errors and isinstance(report.errors[0], FlowLoadError)
    assert not marker.exists()


# --- handlers --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _forget_handler_modules() -> Iterator[None]:
    """Each test's project has its own `myhandlers` package: forget the one imported before."""
    yield
    for name in [n for n in sys.modules if n == "myhandlers" or n.startswith("myhandlers.")]:
        del sys.modules[name]


def _project(root: Path) -> Path:
    (root / "flows").mkdir()
    (root / "flows" / "main.json").write_text(json.dumps(main_ivr()))
    (root / "myhandlers").mkdir()
    (root / "myhandlers" / "__init__.py").write_text("")
    (root / "myhandlers" / "lookup.py").write_text(
        f"from pathlib import Path\nPath({str(root / 'imported')!r}).write_text('yes')\n"
        "def handler(event, context):\n    return {'tier': 'gold'}\n"
    )
    (root / "myhandlers" / "broken.py").write_text("raise ValueError('cannot start')\n")
    return root


def test_a_handler_is_imported_only_when_a_run_calls_it(tmp_path: Path) -> None:
    root = _project(tmp_path)
    scenario = root / "test_h.connectflow.yaml"
    scenario.write_text(
        "flows: flows\nscenarios:\n  - name: chat\n    flow: Main IVR\n    channel: CHAT\n"
        "    mocks: {lambdas: {lookupCustomer: {handler: 'myhandlers.lookup:handler'}}}\n"
    )
    loaded = load_scenario_file(scenario)
    assert loaded.error is None and not (root / "imported").exists()  # loading never imports
    simulator = Simulator.from_paths(root / "flows", handler_roots=[root])
    simulator.run("Main IVR", contact=None, inputs=["1"], hours={"Office hours": "open"},
                  lambdas={"lookupCustomer": {"handler": "myhandlers.lookup:handler"}})
    assert (root / "imported").read_text() == "yes"
    assert str(root) not in sys.path  # on sys.path only while importing


@pytest.mark.parametrize(("path", "message"), [
    ("os:system", "cannot import 'os' (no module 'os' in the project)"),
    ("subprocess:run", "cannot import 'subprocess' (no module 'subprocess' in the project)"),
    ("pytest_connectflow.cli:main", "no module 'pytest_connectflow' in the project"),
    ("myhandlers.broken:handler", "importing 'myhandlers.broken' raised ValueError: cannot start"),
    ("myhandlers.lookup:nothing", "'myhandlers.lookup' has no function 'nothing'"),
])
def test_handlers_come_only_from_the_project(tmp_path: Path, path: str, message: str) -> None:
    root = _project(tmp_path)
    simulator = Simulator.from_paths(root / "flows", handler_roots=[root])
    with pytest.raises(MockError) as raised:
        simulator.run("Main IVR", inputs=["1"], hours={"Office hours": "open"},
                      lambdas={"lookupCustomer": {"handler": path}})
    assert message in raised.value.message


# --- network ---------------------------------------------------------------------------------

NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "urllib3", "requests", "httpx", "aiohttp", "boto3", "botocore",
                   "ftplib", "smtplib", "socketserver", "xmlrpc", "websocket", "websockets", "asyncio"}


@pytest.mark.parametrize("module", NETWORK_FREE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_imports_nothing_that_talks_to_a_network(module: Path) -> None:
    tree = ast.parse(module.read_text("utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in NETWORK_MODULES, f"{module}:{node.lineno}: import {name}"


NO_SOCKETS = textwrap.dedent("""
    import socket, sys

    attempts = []

    def refuse(*args, **kwargs):
        import traceback
        attempts.append("".join(traceback.format_stack(limit=12)))
        raise OSError("network access is disabled in this test")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    socket.socket = NoSocket
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.socketpair = refuse

    import pkgutil, importlib, pytest
    import pytest_connectflow
    from pytest_connectflow.cli import main as connectflow

    for info in pkgutil.walk_packages(pytest_connectflow.__path__, "pytest_connectflow."):
        if not info.name.startswith("pytest_connectflow.aws"):  # AWS pull: talks to AWS on purpose
            importlib.import_module(info.name)
    code = connectflow(["validate", *sys.argv[2:]])
    print("validate exit", code)
    code = pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]])
    print("pytest exit", int(code))
    print("network attempts:", len(attempts))
    print("\\n".join(attempts))
    sys.exit(1 if attempts or code != 0 else 0)
""")


def test_everything_runs_with_sockets_disabled(tmp_path: Path) -> None:
    """The example project's tests and `connectflow validate` over the real flows, in a process whose
    sockets all refuse: nothing tries to reach a network."""
    project = tmp_path / "example"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    flows = [str(p) for p in sorted(SHARED_FLOWS.glob("*/*.json"))]
    done = subprocess.run(
        [sys.executable, "-c", NO_SOCKETS, str(project), *flows],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )
    assert "network attempts: 0" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    assert "pytest exit 0" in done.stdout, done.stdout[-3000:]
