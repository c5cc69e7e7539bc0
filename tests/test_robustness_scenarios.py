"""Generated scenario files, valid and broken, never crash the scenario loader or runner.

Property: loading gives scenarios, or ScenarioErrors naming the file and its line — never another
exception; running a scenario gives an outcome (passed, or failed with a readable message); under
pytest a broken file is one failing item, the other files still run, nothing prints INTERNALERROR.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from flowdefs import endless_loop, main_ivr
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import scaled
from robustness import JSON, mutate

from pytest_connectflow.errors import ScenarioError
from pytest_connectflow.flow.library import FlowLibrary, load_library
from pytest_connectflow.scenario import loader, yaml_source
from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.scenario.runner import run_scenario
from pytest_connectflow.scenario.yaml_source import MAX_NODES

_counter = iter(range(10**9))
_WHERE = re.compile(r"^(?P<file>.+):(?P<line>\d+)$")


@pytest.fixture(scope="module")
def ivr_flows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FlowLibrary]:
    folder = tmp_path_factory.mktemp("flows")
    (folder / "main.json").write_text(json.dumps(main_ivr(), indent=2))
    (folder / "endless.json").write_text(json.dumps(endless_loop(), indent=2))
    return folder, load_library(folder)


# --- scenarios as users write them -----------------------------------------------------------

BLOCKS = [a["Identifier"] for a in main_ivr()["Actions"]]
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=10)
SCALAR = st.one_of(TEXT, st.integers(-5, 5), st.booleans(), st.none())
LAMBDA_RESULT = st.one_of(
    st.dictionaries(TEXT, SCALAR, max_size=3),
    st.just({"error": True}),
    st.just({"timeout": True}),
    st.builds(lambda m: {"return": m}, st.dictionaries(TEXT, JSON, max_size=2)),
    st.lists(st.dictionaries(TEXT, SCALAR, max_size=2), max_size=2),
)
EXPECT = st.fixed_dictionaries({}, optional={
    "path": st.lists(st.sampled_from([*BLOCKS, "Nope"]), max_size=4),
    "branches": st.dictionaries(st.sampled_from([*BLOCKS, "Nope"]),
                                st.sampled_from(["Success", "Error", "1", "Timeout"]) | st.lists(TEXT, max_size=2),
                                max_size=3),
    "ended": st.sampled_from(["disconnected", "transferred_to_queue", "error", "flow_ended"]),
    "media_streaming": st.sampled_from(["not_started", "streaming", "stopped"]),
    "attributes": st.dictionaries(TEXT, SCALAR, max_size=2),
    "queue": TEXT,
    "lambda_calls": st.lists(st.fixed_dictionaries({"function": st.sampled_from(["lookupCustomer", "x"])}),
                             max_size=2),
})
SCENARIO = st.fixed_dictionaries(
    {"name": TEXT.filter(bool), "flow": st.sampled_from(["Main IVR", "Endless", "main", "Nope"])},
    optional={
        "channel": st.sampled_from(["VOICE", "CHAT", "TASK", "EMAIL"]),
        "inputs": st.lists(st.sampled_from(["1", "2", "#", None, "9"]) | TEXT, max_size=4),
        "attributes": st.dictionaries(TEXT, SCALAR, max_size=3),
        "clock": st.sampled_from(["2026-11-24T09:30:00-05:00", "2026-11-24", "yesterday", "2026-13-45T99:00:00Z"]),
        "contact": st.fixed_dictionaries({}, optional={
            "media_streaming": st.sampled_from(["streaming", "stopped", "not_started"]),
            "customer_endpoint": TEXT,
            "queue": st.sampled_from(["Sales", "Nope"]),
        }),
        "mocks": st.fixed_dictionaries({}, optional={
            "lambdas": st.dictionaries(st.sampled_from(["lookupCustomer", "other"]), LAMBDA_RESULT, max_size=2),
            "hours": st.dictionaries(TEXT, st.sampled_from(["open", "closed", "maybe"]), max_size=2),
            "distribution": st.dictionaries(st.sampled_from(BLOCKS), TEXT, max_size=1),
        }),
        "instance": st.fixed_dictionaries({}, optional={"live_media_streaming": st.booleans()}),
        "expect": EXPECT,
    },
)
FILE = st.fixed_dictionaries({"scenarios": st.lists(SCENARIO, min_size=1, max_size=4)})


def _dump(data: Any, rnd: random.Random) -> str:
    """YAML as people write it: block style or flow style, sometimes with anchors and aliases
    (a scenario reused), a tab where YAML forbids it, or cut short."""
    if isinstance(data, dict) and isinstance(data.get("scenarios"), list) and data["scenarios"] and rnd.random() < 0.3:
        data = dict(data)
        data["scenarios"] = [*data["scenarios"], data["scenarios"][0]]  # same object: an alias, a duplicate name
    text = yaml.safe_dump(data, default_flow_style=rnd.choice([False, None]), allow_unicode=rnd.random() < 0.5,
                          sort_keys=False)
    damage = rnd.randrange(8)
    if damage == 0 and text:
        at = rnd.randrange(len(text))
        text = text[:at] + "\t" + text[at:]
    elif damage == 1:
        text = text[: rnd.randrange(len(text) + 1)]
    return text


def _write(folder: Path, text: str | bytes) -> Path:
    path = folder / f"test_gen{next(_counter)}.connectflow.yaml"
    if isinstance(text, str):
        path.write_text(text, "utf-8")
    else:
        path.write_bytes(text)
    return path


def _check_where(exc: ScenarioError, path: Path) -> None:
    assert isinstance(exc, ScenarioError), repr(exc)
    assert exc.message.strip()
    match = _WHERE.match(exc.where or "")
    assert match and match["file"] == str(path), (exc.where, exc.message)
    assert int(match["line"]) >= 1


def _load_and_run(path: Path, library: FlowLibrary) -> None:
    loaded = load_scenario_file(path)
    if loaded.error is not None:
        _check_where(loaded.error, path)
        return
    for scenario in loaded.scenarios:
        if scenario.error is not None:
            _check_where(scenario.error, path)
            continue
        outcome = run_scenario(scenario, library, max_steps=200)  # never raises
        text = outcome.render()
        assert f"{path}:{scenario.line}" in text
        if outcome.error is not None:
            assert outcome.error.message.strip()


@given(data=FILE, seed=st.integers(0, 2**16))
def test_generated_scenario_files_load_and_run(
    tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary], data: dict[str, Any], seed: int
) -> None:
    _load_and_run(_write(tmp_path, _dump(data, random.Random(seed))), ivr_flows[1])


@given(data=FILE, rnd=st.randoms(use_true_random=False), wrong=st.lists(JSON, min_size=1, max_size=4))
def test_broken_scenario_files_give_our_error(
    tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary], data: dict[str, Any], rnd: random.Random, wrong: list[Any]
) -> None:
    """Keys removed, values of the wrong type, unknown keys added, anywhere in the file."""
    for value in wrong:
        if rnd.random() < 0.3:
            data = _add_unknown_key(data, rnd, value)
        else:
            data = mutate(data, rnd, value)
    _load_and_run(_write(tmp_path, _dump(data, rnd)), ivr_flows[1])


def _add_unknown_key(data: Any, rnd: random.Random, value: Any) -> Any:
    data = copy.deepcopy(data)
    mappings = [data] if isinstance(data, dict) else []
    scenarios = data.get("scenarios") if isinstance(data, dict) else None
    for scenario in scenarios if isinstance(scenarios, list) else []:
        if isinstance(scenario, dict):
            mappings += [scenario, *(v for v in scenario.values() if isinstance(v, dict))]
    if mappings:
        rnd.choice(mappings)["unknwon_" + str(rnd.randrange(99))] = value
    return data


@given(key=st.sampled_from(["flows", "instance", "scenarios", "name", "flow", "channel", "contact", "clock",
                            "attributes", "inputs", "mocks", "expect"]),
       value=JSON)
def test_every_key_with_a_value_of_any_type(
    tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary], key: str, value: Any
) -> None:
    scenario: dict[str, Any] = {"name": "s", "flow": "Main IVR", "channel": "TASK"}
    data: dict[str, Any] = {"scenarios": [scenario]}
    if key in ("flows", "instance", "scenarios"):
        data[key] = value
    else:
        scenario[key] = value
    _load_and_run(_write(tmp_path, yaml.safe_dump(data, allow_unicode=True)), ivr_flows[1])


@given(text=st.text(max_size=300))
def test_any_text_at_all(tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary], text: str) -> None:
    _load_and_run(_write(tmp_path, text.encode("utf-8", "surrogatepass")), ivr_flows[1])


@given(raw=st.binary(max_size=200))
def test_any_bytes_at_all(tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary], raw: bytes) -> None:
    path = _write(tmp_path, raw)
    loaded = load_scenario_file(path)
    if loaded.error is not None:
        assert str(path) in (loaded.error.where or "")


def _bomb(levels: int, width: int = 10) -> str:
    text = "a0: &a0 [" + ", ".join(["x"] * width) + "]\n"
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]\n"
    return text + "scenarios: []\n"


def test_alias_bomb_of_a_billion_nodes_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _bomb(9))  # 10**9 leaves once expanded
    loaded = load_scenario_file(path)
    assert loaded.error is not None
    assert f"more than {MAX_NODES} nodes" in loaded.error.message
    _check_where(loaded.error, path)


def test_anchors_and_aliases_that_stay_small_are_fine(tmp_path: Path, ivr_flows: tuple[Path, FlowLibrary]) -> None:
    text = (
        "defaults: &mocks {lambdas: {lookupCustomer: {tier: gold}}}\n"
        "scenarios:\n  - name: a\n    flow: Main IVR\n    channel: TASK\n    mocks: *mocks\n"
    )
    loaded = load_scenario_file(_write(tmp_path, text))
    assert loaded.error is not None and "unknown key 'defaults'" in loaded.error.message
    text = text.replace("defaults: &mocks {lambdas: {lookupCustomer: {tier: gold}}}\n", "").replace(
        "mocks: *mocks", "mocks: &m {lambdas: {lookupCustomer: {tier: gold}}}\n  - name: b\n    flow: Main IVR\n"
        "    channel: TASK\n    mocks: *m")
    loaded = load_scenario_file(_write(tmp_path, text))
    assert loaded.error is None and [s.error for s in loaded.scenarios] == [None, None]
    assert [run_scenario(s, ivr_flows[1]).passed for s in loaded.scenarios] == [True, True]


def _many(count: int, inputs: int) -> str:
    return "scenarios:\n" + "".join(
        f"  - name: s{i}\n    flow: Main IVR\n    channel: TASK\n    inputs: [{', '.join(['1'] * inputs)}]\n"
        for i in range(count)
    )


def test_a_huge_file_loads(tmp_path: Path) -> None:
    loaded = load_scenario_file(_write(tmp_path, _many(2000, 20)))
    assert loaded.error is None and len(loaded.scenarios) == 2000


def test_a_huge_file_past_the_node_limit_is_refused(tmp_path: Path) -> None:
    loaded = load_scenario_file(_write(tmp_path, _many(2100, 100)))
    assert loaded.error is not None and f"more than {MAX_NODES} nodes" in loaded.error.message


@pytest.mark.parametrize(("text", "message"), [
    ("", "this one is empty"),
    ("# only a comment\n", "this one is empty"),
    ("\ufeff", "this one is empty"),
    ("scenarios:\n\t- name: a\n", "invalid YAML: found character '\\t'"),
    ("scenarios:\n  - name: !!python/object/apply:os.system [echo]\n", "the tag"),
    ("!!python/name:os.system\n", "could not determine a constructor"),
    ("scenarios:\n  - name: !!int abc\n    flow: x\n", "invalid literal"),
    ("scenarios:\n  - <<: 5\n    name: x\n", "expected a mapping or list of mappings for merging"),
    ("? [a, b]\n: 1\nscenarios: []\n", "a mapping key must be a plain value"),
    ("scenarios: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ('flows: "a\\0b"\nscenarios:\n  - {name: x, flow: y}\n', "flows: not a usable path"),
    ("scenarios:\n  - {name: x, flow: y}\n  - {name: x, flow: y}\n", None),
])
def test_file_level_problems(tmp_path: Path, text: str, message: str | None) -> None:
    path = _write(tmp_path, text)
    loaded = load_scenario_file(path)
    if message is None:  # a duplicate name fails the second scenario only
        assert loaded.error is None
        assert loaded.scenarios[0].error is None
        second = loaded.scenarios[1].error
        assert second is not None and "duplicate scenario name 'x' (first at line 2)" in second.message
        return
    assert loaded.error is not None
    assert message in loaded.error.message, loaded.error.message
    _check_where(loaded.error, path)


# --- under pytest: one broken file never hides the others ------------------------------------

GOOD = """scenarios:
  - name: fine
    flow: Main IVR
    channel: CHAT
    mocks: {lambdas: {lookupCustomer: {tier: gold}}}
    expect: {media_streaming: not_started}
"""


@scaled(6, shrink=False)  # a pytest run per example: too slow to shrink
@given(files=st.lists(FILE, min_size=1, max_size=3), rnd=st.randoms(use_true_random=False),
       wrong=st.lists(JSON, min_size=1, max_size=3), extra=st.sampled_from(["", _bomb(8), "\t\t", "\x00"]))
def test_broken_files_never_stop_the_run(
    ivr_project: pytest.Pytester, files: list[dict[str, Any]], rnd: random.Random, wrong: list[Any], extra: str
) -> None:
    for old in ivr_project.path.glob("*.connectflow.yaml"):
        old.unlink()
    bodies = {}
    for i, data in enumerate(files):
        for value in wrong:
            data = mutate(data, rnd, value)
        bodies[f"test_broken{i}"] = _dump(data, rnd)
    bodies["test_extra"] = extra
    ivr_project.makefile(".connectflow.yaml", test_zgood=GOOD, **bodies)
    result = ivr_project.runpytest("-p", "no:cacheprovider", "-q", "-rA")
    out = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in out
    assert "Traceback" not in out
    assert result.ret in (0, 1), out
    outcomes = result.parseoutcomes()
    assert "errors" not in outcomes and "error" not in outcomes  # no collection error
    result.stdout.fnmatch_lines(["PASSED test_zgood.connectflow.yaml::fine"])


# --- the fast schema check agrees with jsonschema ---------------------------------------------


@given(data=FILE, rnd=st.randoms(use_true_random=False), wrong=st.lists(JSON, max_size=3))
def test_the_fast_schema_check_agrees_with_jsonschema(data: dict[str, Any], rnd: random.Random,
                                                      wrong: list[Any]) -> None:
    """A file the compiled check (jsonschema-rs) passes skips jsonschema entirely, so the two
    must agree on it; a file it refuses is checked again by jsonschema, which words the problem."""
    for value in wrong:
        data = _add_unknown_key(data, rnd, value) if rnd.random() < 0.3 else mutate(data, rnd, value)
    data, _ = yaml_source.load_yaml(yaml.safe_dump(data, allow_unicode=True), "gen.yaml")
    full = jsonschema.Draft202012Validator(loader.schema())
    assert loader.file_is_valid(data) == full.is_valid(data)


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", ".nan", ".inf", "123456789012345678901234567890"])
def test_values_json_has_no_type_for_are_left_to_jsonschema(tmp_path: Path, value: str) -> None:
    # `!!binary` is bytes, which the compiled check refuses to look at: jsonschema decides.
    path = _write(tmp_path, f"scenarios:\n  - name: s\n    flow: F\n    attributes: {{k: {value}}}\n")
    data, _ = yaml_source.load_yaml(path.read_text(), str(path))
    assert loader.file_is_valid(data) is False or jsonschema.Draft202012Validator(loader.schema()).is_valid(data)
    loaded = load_scenario_file(path)
    expected_error = value.startswith("!!binary")
    assert (loaded.error is not None or any(s.error for s in loaded.scenarios)) is expected_error
