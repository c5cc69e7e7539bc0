"""Block and branch coverage (--connectflow-cov) as users meet it: the terminal summary, the JSON
and HTML reports, fail-under, ini options, Python tests, and the pytest-xdist merge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flowdefs import action, main_ivr

from pytest_connectflow import SimulatedContact, Simulator, load_library
from pytest_connectflow.coverage import CoverageRecorder, json_document, summary_lines

SALES = """
scenarios:
  - name: caller picks sales
    flow: Main IVR
    inputs: ["1"]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      ended: transferred_to_queue
"""

TIMEOUTS = """
scenarios:
  - name: nothing pressed, twice
    flow: Main IVR
    inputs: [~, ~]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      ended: disconnected
  - name: the lookup fails and the queue is full
    flow: Main IVR
    inputs: ["1"]
    mocks:
      lambdas:
        lookupCustomer: {error: true}
      queues:
        q-sales: {at_capacity: true}
    expect:
      ended: disconnected
"""

PYTHON_TESTS = """
import pytest
from pytest_connectflow import MissingMockError


def test_wrong_key(connectflow):
    result = connectflow.run("Main IVR", inputs=["7", "1"], lambdas={"lookupCustomer": {"tier": "gold"}})
    assert result.branches("Menu") == ["NoMatchingCondition", "1"]


def test_a_run_that_fails_on_a_missing_mock_still_counts_what_ran(connectflow):
    with pytest.raises(MissingMockError):
        connectflow.run("Main IVR", inputs=["1"])
"""

SUMMARY = [
    "*= connectflow coverage =*",
    "",
    "flow      file                     blocks     branches",
    "Endless   flows/endless.json   0/2   0.0%   0/2   0.0%",
    "Main IVR  flows/main.json      7/9  77.8%  7/20  35.0%",
    "TOTAL                         7/11  63.6%  7/22  31.8%",
    "",
    "missed branches (block → branch):",
    "Endless (flows/endless.json):",
    "  - Ping (not run) → Success",
    "  - Pong (not run) → Success",
    "Main IVR (flows/main.json):",
    "  - Start streaming → NoMatchingError",
    "  - Lookup → NoMatchingError",
    "  - Save tier → NoMatchingError",
    "  - Menu → InputTimeLimitExceeded, NoMatchingCondition, NoMatchingError",
    "  - Retry (not run) → ContinueLooping, DoneLooping",
    "  - Set sales queue → NoMatchingError",
    "  - Stop streaming → NoMatchingError",
    "  - To sales → QueueAtCapacity, NoMatchingError",
    "  - Bye (not run) → Success",
]


def test_summary_gives_hits_and_totals_per_flow_and_names_the_missed_branches(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest("--connectflow-cov")

    result.assert_outcomes(passed=1)
    # Menu's exported NextAction and To sales' are not branches: a menu branches on its
    # Conditions, and a transfer's Success is the transfer itself.
    result.stdout.fnmatch_lines(SUMMARY, consecutive=True)
    assert result.ret == pytest.ExitCode.OK


def test_without_the_option_nothing_is_recorded_nor_reported(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)
    ivr_project.makepyfile(test_plain="""
from pytest_connectflow import Simulator

def test_the_fixture_is_a_plain_simulator(connectflow):
    assert type(connectflow) is Simulator
""")

    result = ivr_project.runpytest()

    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*connectflow coverage*")
    assert not list(ivr_project.path.glob("connectflow-coverage*"))


def test_python_tests_with_the_fixture_are_counted(ivr_project: pytest.Pytester) -> None:
    ivr_project.makepyfile(test_ivr=PYTHON_TESTS)

    result = ivr_project.runpytest("--connectflow-cov")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["Main IVR  flows/main.json      8/9  88.9%  9/20  45.0%"])
    result.stdout.fnmatch_lines([
        "Main IVR (flows/main.json):",
        "  - Start streaming → NoMatchingError",
        "  - Lookup → NoMatchingError",
        "  - Save tier → NoMatchingError",
        "  - Menu → InputTimeLimitExceeded, NoMatchingError",
        "  - Retry → DoneLooping",
    ], consecutive=True)


def test_scenarios_and_python_tests_add_up(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES, test_timeouts=TIMEOUTS)
    ivr_project.makepyfile(test_ivr=PYTHON_TESTS)

    result = ivr_project.runpytest("--connectflow-cov", "--connectflow-cov-report=json:cov.json")

    result.assert_outcomes(passed=5)
    document = json.loads((ivr_project.path / "cov.json").read_text("utf-8"))
    [main] = [f for f in document["flows"] if f["name"] == "Main IVR"]
    hits = {a["identifier"]: {b["name"]: b["hits"] for b in a["branches"]} for a in main["actions"]}
    # Start streaming runs in all five runs (the missing-mock run stops at Lookup).
    assert hits["Start streaming"] == {"Success": 5, "NoMatchingError": 0}
    assert hits["Lookup"] == {"Success": 3, "NoMatchingError": 1}
    assert hits["Menu"] == {"1": 3, "InputTimeLimitExceeded": 2, "NoMatchingCondition": 1, "NoMatchingError": 0}
    assert hits["Retry"] == {"ContinueLooping": 2, "DoneLooping": 1}
    assert hits["To sales"] == {"Success": 2, "QueueAtCapacity": 1, "NoMatchingError": 0}
    assert hits["Bye"] == {"Success": 2}
    assert main["blocks"] == {"hit": 9, "total": 9, "percent": 100.0}
    assert main["branches"] == {"hit": 14, "total": 20, "percent": 70.0}


def test_json_report_describes_every_flow_block_and_branch(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest("--connectflow-cov", "--connectflow-cov-report=json:reports/cov.json")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["coverage json report written to reports/cov.json"])
    document = json.loads((ivr_project.path / "reports" / "cov.json").read_text("utf-8"))
    assert document["format"] == "connectflow-coverage"
    assert document["version"] == 1
    assert document["totals"] == {
        "flows": 2,
        "blocks": {"hit": 7, "total": 11, "percent": 63.64},
        "branches": {"hit": 7, "total": 22, "percent": 31.82},
    }
    endless, main = document["flows"]
    assert endless == {
        "name": "Endless",
        "file": "flows/endless.json",
        "module": False,
        "blocks": {"hit": 0, "total": 2, "percent": 0.0},
        "branches": {"hit": 0, "total": 2, "percent": 0.0},
        "actions": [
            {"identifier": "Ping", "type": "MessageParticipant", "name": "Ping", "hits": 0,
             "branches": [{"name": "Success", "hits": 0, "to": "Pong", "ending": None}]},
            {"identifier": "Pong", "type": "MessageParticipant", "name": "Pong", "hits": 0,
             "branches": [{"name": "Success", "hits": 0, "to": "Ping", "ending": None}]},
        ],
    }
    actions = {a["identifier"]: a for a in main["actions"]}
    assert list(actions) == ["Start streaming", "Lookup", "Save tier", "Menu", "Retry", "Set sales queue",
                             "Stop streaming", "To sales", "Bye"]
    assert actions["Menu"]["hits"] == 1
    assert actions["Menu"]["branches"] == [
        {"name": "1", "hits": 1, "to": "Set sales queue", "ending": None},
        {"name": "InputTimeLimitExceeded", "hits": 0, "to": "Retry", "ending": None},
        {"name": "NoMatchingCondition", "hits": 0, "to": "Retry", "ending": None},
        {"name": "NoMatchingError", "hits": 0, "to": "Bye", "ending": None},
    ]
    assert actions["To sales"]["branches"][0] == {"name": "Success", "hits": 1, "to": None,
                                                  "ending": "transfer to queue"}
    assert actions["Bye"]["branches"] == [{"name": "Success", "hits": 0, "to": None, "ending": "disconnect"}]


def test_html_report_has_an_index_and_a_coloured_picture_per_flow(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest(
        "--connectflow-cov-report=html:htmlcov", "--connectflow-cov-report=json:cov.json"
    )

    result.assert_outcomes(passed=1)
    assert (ivr_project.path / "cov.json").is_file()  # the option is repeatable
    folder = ivr_project.path / "htmlcov"
    assert sorted(p.name for p in folder.iterdir()) == [
        "flow-001-endless.html", "flow-002-main-ivr.html", "index.html",
    ]
    index = (folder / "index.html").read_text("utf-8")
    assert '<a href="flow-002-main-ivr.html">Main IVR</a>' in index
    assert ('<td>flows/main.json</td><td class="num">7/9</td><td class="num">77.8%</td>'
            '<td class="num">7/20</td><td class="num">35.0%</td>') in index
    page = (folder / "flow-002-main-ivr.html").read_text("utf-8")
    assert '<script type="module">' in page and "mermaid" in page
    assert '<pre class="mermaid">\nflowchart LR\n' in page
    assert '  b3[&quot;Menu&lt;br/&gt;GetParticipantInput&quot;]' in page
    # Hit blocks green, the blocks that never ran red; edges likewise, by position.
    assert "  class b0,b1,b2,b3,b5,b6,b7 hit\n" in page
    assert "  class b4,b8 missed\n" in page
    assert "  linkStyle 0,1,3,5,7,13,15,17 stroke:#2e7d32,stroke-width:2px\n" in page
    assert "  linkStyle 2,4,6,8,9,10,11,12,14,16,18,19,20 stroke:#c62828,stroke-width:2px,stroke-dasharray:4\n" in page
    assert "  b7_x0([&quot;transfer to queue&quot;])\n" in page
    assert "  b7 --&gt;|&quot;Success&quot;| b7_x0\n" in page
    assert ('<td rowspan="4" class="hit">Menu</td><td rowspan="4">GetParticipantInput</td>'
            '<td rowspan="4" class="num">1</td><td class="hit">1</td><td class="num">1</td>'
            "<td>Set sales queue</td>") in page


def test_fail_under_passes_at_or_above_the_figure(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest("--connectflow-cov-fail-under=31.8")

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["connectflow branch coverage 31.8% (7 of 22 branches) reaches the required 31.8%"])


def test_fail_under_fails_the_run_with_a_clear_message(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest("--connectflow-cov-fail-under=50")

    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "FAIL: connectflow branch coverage 31.8% (7 of 22 branches) is under the required 50% "
        "(--connectflow-cov-fail-under)",
    ])


def test_ini_options_and_the_command_line_wins(ivr_project: pytest.Pytester) -> None:
    ivr_project.makeini(
        "[pytest]\nconnectflow_flows = flows\nconnectflow_cov = true\n"
        "connectflow_cov_report =\n    json:ini.json\n    html:ini-html\nconnectflow_cov_fail_under = 50\n"
    )
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    from_ini = ivr_project.runpytest()
    assert from_ini.ret == pytest.ExitCode.TESTS_FAILED
    from_ini.stdout.fnmatch_lines(["Main IVR  flows/main.json      7/9  77.8%  7/20  35.0%", "FAIL: *under*50%*"])
    assert (ivr_project.path / "ini.json").is_file() and (ivr_project.path / "ini-html" / "index.html").is_file()
    (ivr_project.path / "ini.json").unlink()

    from_cli = ivr_project.runpytest("--connectflow-cov-fail-under=30", "--connectflow-cov-report=json:cli.json")
    assert from_cli.ret == pytest.ExitCode.OK
    assert (ivr_project.path / "cli.json").is_file() and not (ivr_project.path / "ini.json").exists()

    switched_off = ivr_project.runpytest("--no-connectflow-cov")
    assert switched_off.ret == pytest.ExitCode.OK
    switched_off.stdout.no_fnmatch_line("*connectflow coverage*")


def test_a_report_of_an_unknown_type_is_a_usage_error(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)

    result = ivr_project.runpytest("--connectflow-cov-report=xml:cov.xml")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--connectflow-cov-report 'xml:cov.xml': the report type must be json or html*"])


def test_a_fail_under_that_is_not_a_percentage_is_a_usage_error(ivr_project: pytest.Pytester) -> None:
    result = ivr_project.runpytest("--connectflow-cov-fail-under=most")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'most': give a percentage from 0 to 100*"])


def test_flows_of_every_scenario_file_count_modules_included(pytester: pytest.Pytester) -> None:
    """Without the ini option: each file's `flows:` loads its own library, and all of them count."""
    module = {
        "Version": "2019-10-30",
        "StartAction": "Back",
        "Settings": {"InputParameters": [], "OutputParameters": [], "Transitions": []},
        "Actions": [action("Back", "EndFlowModuleExecution", {})],
    }
    one = pytester.mkdir("one")
    (one / "main.json").write_text(json.dumps(main_ivr()))
    two = pytester.mkdir("two")
    (two / "module.json").write_text(json.dumps(module))
    pytester.makefile(".connectflow.yaml", test_one="flows: one\n" + SALES)
    pytester.makefile(".connectflow.yaml", test_two="""flows: two
scenarios:
  - name: the module alone
    flow: module
    expect: {ended: flow_ended}
""")

    result = pytester.runpytest("--connectflow-cov")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "Main IVR         one/main.json     7/9  77.8%  7/20  35.0%",
        "module (module)  two/module.json   1/1 100.0%   1/1 100.0%",
        "TOTAL                             8/10  80.0%  8/21  38.1%",
    ], consecutive=True)


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {f["name"]: (f["blocks"], f["branches"], [(a["identifier"], a["hits"], [(b["name"], b["hits"])
                                                                                    for b in a["branches"]])
                                                     for a in f["actions"]])
            for f in document["flows"]}


@pytest.fixture
def spread_project(ivr_project: pytest.Pytester) -> pytest.Pytester:
    """Enough test files for two xdist workers to share."""
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES, test_timeouts=TIMEOUTS)
    ivr_project.makefile(".connectflow.yaml", test_more_sales=SALES.replace("caller picks", "again, caller picks"))
    ivr_project.makepyfile(test_ivr=PYTHON_TESTS)
    return ivr_project


def test_xdist_merges_the_workers_data_into_the_same_figures_as_a_serial_run(
    spread_project: pytest.Pytester,
) -> None:
    pytest.importorskip("xdist")
    serial = spread_project.runpytest("--connectflow-cov", "--connectflow-cov-report=json:serial.json")
    serial.assert_outcomes(passed=6)
    parallel = spread_project.runpytest("-p", "xdist", "-n", "2", "--connectflow-cov",
                                        "--connectflow-cov-report=json:parallel.json")
    parallel.assert_outcomes(passed=6)

    serial_doc = json.loads((spread_project.path / "serial.json").read_text("utf-8"))
    parallel_doc = json.loads((spread_project.path / "parallel.json").read_text("utf-8"))
    assert parallel_doc == serial_doc
    assert serial_doc["totals"]["branches"] == {"hit": 14, "total": 22, "percent": 63.64}
    summary = [line for line in serial.outlines if "/" in line and "%" in line]
    parallel.stdout.fnmatch_lines(summary, consecutive=True)


def test_xdist_adds_up_hits_of_every_worker(spread_project: pytest.Pytester) -> None:
    """With --dist each, both workers run every test: each hit count is twice the serial one,
    which only a merge of both workers' data gives."""
    pytest.importorskip("xdist")
    spread_project.runpytest("--connectflow-cov", "--connectflow-cov-report=json:serial.json")
    result = spread_project.runpytest("-p", "xdist", "-n", "2", "--dist", "each", "--connectflow-cov",
                                      "--connectflow-cov-report=json:each.json")
    result.assert_outcomes(passed=12)

    serial = _figures(json.loads((spread_project.path / "serial.json").read_text("utf-8")))
    each = _figures(json.loads((spread_project.path / "each.json").read_text("utf-8")))
    assert each.keys() == serial.keys()
    for name, (blocks, branches, actions) in serial.items():
        assert each[name][:2] == (blocks, branches)
        assert each[name][2] == [(ident, 2 * hits, [(b, 2 * n) for b, n in brs]) for ident, hits, brs in actions]


def test_xdist_fail_under_is_decided_on_the_merged_figures(spread_project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    result = spread_project.runpytest("-p", "xdist", "-n", "2", "--connectflow-cov-fail-under=70")

    result.assert_outcomes(passed=6)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL: connectflow branch coverage 63.6% (14 of 22 branches) is under the "
                                 "required 70% (--connectflow-cov-fail-under)"])


# --- what counts, on the recorder directly -------------------------------------------------------

def _report(tmp_path: Path, flow: dict[str, Any], runs: list[dict[str, Any]]) -> Any:
    (tmp_path / "flow.json").write_text(json.dumps(flow))
    library = load_library(tmp_path)
    simulator = Simulator(library)
    recorder = CoverageRecorder()
    for run in runs:
        recorder.record(library, [tmp_path], simulator.run(flow["Metadata"]["name"], **run).trace)
    return recorder.report(lambda key: library, root=tmp_path)


def _flow(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": actions[0]["Identifier"], "Metadata": {"name": "F"},
            "Actions": list(actions)}


def test_an_error_that_falls_back_to_no_matching_error_counts_that_branch(tmp_path: Path) -> None:
    flow = _flow(
        # A menu with no timeout entry: no input falls back to its NoMatchingError branch.
        action("Menu", "GetParticipantInput", {"Text": "Press 1", "StoreInput": "False"}, "Bye",
               conditions={"1": "Bye"}, errors={"NoMatchingError": "Bye"}),
        action("Bye", "DisconnectParticipant", {}),
    )
    report = _report(tmp_path, flow, [{"inputs": [None]}])

    menu = report.flows[0].blocks[0]
    assert [(b.name, b.hits) for b in menu.branches] == [("1", 0), ("NoMatchingError", 1)]


def test_conditions_that_share_an_operand_are_named_as_the_engine_names_them(tmp_path: Path) -> None:
    compare = action("Check", "Compare", {"ComparisonValue": "$.Attributes.n"}, "Bye",
                     errors={"NoMatchingCondition": "Bye"})
    compare["Transitions"]["Conditions"] = [
        {"NextAction": "Bye", "Condition": {"Operator": "NumberGreaterThan", "Operands": ["0"]}},
        {"NextAction": "Bye", "Condition": {"Operator": "NumberLessThan", "Operands": ["0"]}},
        {"NextAction": "Bye", "Condition": {"Operator": "Equals", "Operands": ["zero"]}},
    ]
    flow = _flow(compare, action("Bye", "DisconnectParticipant", {}))
    runs = [{"contact": SimulatedContact(attributes={"n": n})} for n in ("5", "-1", "x")]

    report = _report(tmp_path, flow, runs)

    check = report.flows[0].blocks[0]
    # The exported NextAction of a Compare is never taken: not a branch.
    assert [(b.name, b.hits) for b in check.branches] == [
        ("NumberGreaterThan:0", 1), ("NumberLessThan:0", 1), ("zero", 0), ("NoMatchingCondition", 1),
    ]
    assert summary_lines(report)[-1] == "  - Check → zero"


def test_uuid_blocks_are_named_with_a_short_label_in_the_summary(tmp_path: Path) -> None:
    ident = "8c2f1e3a-1b2c-4d5e-8f90-0123456789ab"
    flow = _flow(
        action("Hello", "MessageParticipant", {"Text": "Hi"}, ident, errors={"NoMatchingError": ident}),
        action(ident, "MessageParticipant", {"Text": "Thank you for calling Example Corp, goodbye."}, "Bye"),
        action("Bye", "DisconnectParticipant", {}),
    )
    report = _report(tmp_path, flow, [{}])

    assert summary_lines(report)[-1] == "  - Hello → NoMatchingError"
    # The label is engine/labels.py's: the prompt text, cut at 40 characters.
    label = "Play prompt: Thank you for calling Example Corp, goo…"
    assert json_document(report)["flows"][0]["actions"][1]["name"] == label
    assert report.flows[0].blocks[1].shown == f"{ident} [{label}]"


def test_a_flow_with_nothing_missed_lists_no_missed_branches(tmp_path: Path) -> None:
    flow = _flow(action("Hello", "MessageParticipant", {"Text": "Hi"}, "Bye"),
                 action("Bye", "DisconnectParticipant", {}))
    report = _report(tmp_path, flow, [{}])

    assert summary_lines(report) == [
        "flow   file           blocks    branches",
        "F      flow.json  2/2 100.0%  2/2 100.0%",
        "TOTAL             2/2 100.0%  2/2 100.0%",
    ]


def test_a_run_stopped_by_exitfirst_still_reports_what_ran(ivr_project: pytest.Pytester) -> None:
    failing = SALES.replace("caller picks sales", "expects the wrong end").replace(
        "ended: transferred_to_queue", "ended: disconnected")
    ivr_project.makefile(".connectflow.yaml", test_a=failing, test_b=TIMEOUTS)

    result = ivr_project.runpytest("-x", "--connectflow-cov")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Main IVR  flows/main.json      7/9  77.8%  7/20  35.0%"])


def test_a_report_that_cannot_be_written_fails_the_run_and_says_why(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_sales=SALES)
    (ivr_project.path / "taken").write_text("a file, not a folder")

    result = ivr_project.runpytest("--connectflow-cov-report=html:taken", "--connectflow-cov-report=json:cov.json")

    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["coverage json report written to cov.json",
                                 "FAIL: the coverage html report cannot be written to taken: File exists"])


@pytest.mark.parametrize("channel", ["VOICE", "CHAT"])
def test_every_branch_the_engine_takes_in_the_real_flows_is_a_branch_coverage_counts(channel: str) -> None:
    """The branches coverage counts are named as the engine records them: over every real flow,
    each branch a run took is one of its block's counted branches (except the last one of a run
    that ended in error for want of an Errors entry)."""
    from test_corpus import PATHS, SETUP, _stand_ins

    from pytest_connectflow.graph import branches_of
    from pytest_connectflow.mocks.generate import run_with_generated_mocks

    library = load_library(PATHS, _stand_ins())
    checked = 0
    for flow in library.flows:
        if not flow.start_action:
            continue
        setup = SETUP.get(flow.name, {})
        result, _ = run_with_generated_mocks(
            Simulator(library, instance=setup.get("instance")), flow.name, contact=SimulatedContact(channel=channel),
            mocks=setup.get("mocks"), inputs=setup.get("inputs", ["1", "1", None, None, None]),
        )
        for i, step in enumerate(result.steps):
            if step.branch is None or (i == len(result.steps) - 1 and result.ended == "error"):
                continue
            ran = library.find(step.flow)
            names = [b.name for b in branches_of(ran.actions[step.identifier], ran)]
            assert step.branch in names, f"{flow.name}: {step.identifier} took {step.branch}, not one of {names}"
            checked += 1
    assert checked > 500
