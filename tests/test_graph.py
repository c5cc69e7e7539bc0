"""Pictures of flows: Mermaid and Graphviz text for small flows (asserted exactly) and for every
real flow (structurally), `connectflow graph`, and the path taken in a failing scenario's output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flowdefs import SHARED_FLOWS, action, main_ivr

from pytest_connectflow import SimulatedContact, Simulator, load_library
from pytest_connectflow.cli import main
from pytest_connectflow.coverage import CoverageRecorder
from pytest_connectflow.flow.loaders import parse_json_flow
from pytest_connectflow.flow.model import Action, Flow
from pytest_connectflow.graph import branches_of, dot, mermaid, readable_name

UUID = "0f4b7b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def small() -> dict[str, Any]:
    """Quotes and brackets in an Identifier, a Compare whose exported NextAction is unused, an
    unconnected branch, a `$end` one, a transfer, a UUID block and special characters in a prompt."""
    return {
        "Version": "2019-10-30",
        "StartAction": 'Say "hi" [1]',
        "Metadata": {"name": "Small"},
        "Actions": [
            action('Say "hi" [1]', "MessageParticipant", {"Text": "Hi"}, "Check", errors={"NoMatchingError": ""}),
            action("Check", "Compare", {"ComparisonValue": "$.Attributes.tier"}, "Bye",
                   conditions={"gold": "To flow", "silver": "$end"}, errors={"NoMatchingCondition": UUID}),
            action("To flow", "TransferToFlow",
                   {"ContactFlowId": "arn:aws:connect:us-east-1:1:instance/i/contact-flow/f"},
                   "Bye", errors={"NoMatchingError": UUID}),
            action(UUID, "MessageParticipant", {"Text": "Goodbye <and> thanks & #1"}, "Bye"),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


@pytest.fixture
def small_flow(tmp_path: Path) -> Flow:
    (tmp_path / "small.json").write_text(json.dumps(small()))
    return load_library(tmp_path).find("Small")


SMALL_NODES_AND_EDGES = """\
flowchart LR
  start(("Start"))
  b0["Say #quot;hi#quot; [1]<br/>MessageParticipant"]
  b1["Check<br/>Compare"]
  b2["To flow<br/>TransferToFlow"]
  b3["Play prompt: Goodbye #lt;and#gt; thanks #amp; #35;1<br/>MessageParticipant"]
  b4["Bye<br/>DisconnectParticipant"]
  b0_x1{{"not connected"}}
  b1_x1{{"not connected"}}
  b2_x0(["transfer to flow"])
  b4_x0(["disconnect"])
  start --> b0
  b0 -->|"Success"| b1
  b0 -->|"NoMatchingError"| b0_x1
  b1 -->|"gold"| b2
  b1 -->|"silver"| b1_x1
  b1 -->|"NoMatchingCondition"| b3
  b2 -->|"Success"| b2_x0
  b2 -->|"NoMatchingError"| b3
  b3 -->|"Success"| b4
  b4 -->|"Success"| b4_x0
"""


def test_mermaid_of_a_small_flow(small_flow: Flow) -> None:
    assert mermaid(small_flow) == SMALL_NODES_AND_EDGES


def test_dot_of_a_small_flow(small_flow: Flow) -> None:
    assert dot(small_flow) == """\
digraph "Small" {
  rankdir=LR;
  node [shape=box, fontname="Helvetica"];
  edge [fontname="Helvetica"];
  start [label="Start", shape=circle];
  b0 [label="Say \\"hi\\" [1]\\nMessageParticipant"];
  b1 [label="Check\\nCompare"];
  b2 [label="To flow\\nTransferToFlow"];
  b3 [label="Play prompt: Goodbye <and> thanks & #1\\nMessageParticipant"];
  b4 [label="Bye\\nDisconnectParticipant"];
  b0_x1 [label="not connected", shape=hexagon, style=dashed];
  b1_x1 [label="not connected", shape=hexagon, style=dashed];
  b2_x0 [label="transfer to flow", shape=oval, style=dashed];
  b4_x0 [label="disconnect", shape=oval, style=dashed];
  start -> b0;
  b0 -> b1 [label="Success"];
  b0 -> b0_x1 [label="NoMatchingError"];
  b1 -> b2 [label="gold"];
  b1 -> b1_x1 [label="silver"];
  b1 -> b3 [label="NoMatchingCondition"];
  b2 -> b2_x0 [label="Success"];
  b2 -> b3 [label="NoMatchingError"];
  b3 -> b4 [label="Success"];
  b4 -> b4_x0 [label="Success"];
}
"""


def test_the_path_a_run_took_is_blue(small_flow: Flow, tmp_path: Path) -> None:
    result = Simulator(load_library(tmp_path)).run("Small", contact=SimulatedContact(attributes={"tier": "bronze"}))
    assert result.path == ['Say "hi" [1]', "Check", UUID, "Bye"]

    assert mermaid(small_flow, path=result.steps) == SMALL_NODES_AND_EDGES + """\
  classDef taken fill:#bbdefb,stroke:#1565c0,stroke-width:3px,color:#0d47a1
  class b0,b1,b3,b4 taken
  linkStyle 0,1,5,8,9 stroke:#1565c0,stroke-width:3px
"""
    picture = dot(small_flow, path=result.steps)
    assert '  b1 [label="Check\\nCompare", style=filled, fillcolor="#bbdefb", color="#1565c0"];\n' in picture
    assert '  b1 -> b3 [label="NoMatchingCondition", color="#1565c0", penwidth=2];\n' in picture
    assert '  b1 -> b2 [label="gold"];\n' in picture


def test_coverage_colours_hit_green_and_missed_red(small_flow: Flow, tmp_path: Path) -> None:
    library = load_library(tmp_path)
    simulator = Simulator(library)
    recorder = CoverageRecorder()
    for tier in ("bronze", "gold"):  # gold: the transfer names no loaded flow and takes Error
        run = simulator.run("Small", contact=SimulatedContact(attributes={"tier": tier}))
        recorder.record(library, [tmp_path], run.trace)
    [coverage] = recorder.report(lambda key: library).flows

    assert mermaid(small_flow, coverage=coverage) == SMALL_NODES_AND_EDGES + """\
  classDef hit fill:#c8e6c9,stroke:#2e7d32,color:#1b5e20
  classDef missed fill:#ffcdd2,stroke:#c62828,color:#b71c1c
  class b0,b1,b2,b3,b4 hit
  linkStyle 0,1,3,5,7,8,9 stroke:#2e7d32,stroke-width:2px
  linkStyle 2,4,6 stroke:#c62828,stroke-width:2px,stroke-dasharray:4
"""
    picture = dot(small_flow, coverage=coverage)
    assert '  b1 -> b1_x1 [label="silver", color="#c62828", penwidth=2, style=dashed];\n' in picture
    assert '  b1 -> b2 [label="gold", color="#2e7d32", penwidth=2];\n' in picture


# --- which branches a block has -----------------------------------------------------------------

def _action(data: dict[str, Any]) -> Action:
    doc = {"Version": "2019-10-30", "StartAction": data["Identifier"], "Actions": [data]}
    [flow] = parse_json_flow(doc, json.dumps(doc), Path("f.json"))
    return flow.actions[data["Identifier"]]


def _names(data: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(b.name, b.target, b.ending) for b in branches_of(_action(data))]


def test_branches_follow_the_rules_of_coverage() -> None:
    # A block that branches on Conditions: its exported NextAction is never taken.
    assert _names(action("Hours", "CheckHoursOfOperation", {}, "X",
                         conditions={"True": "A", "False": "B"}, errors={"NoMatchingError": "C"})) == [
        ("True", "A", ""), ("False", "B", ""), ("NoMatchingError", "C", ""),
    ]
    # A menu branches on Conditions even without any; a Store customer input block succeeds.
    assert _names(action("Menu", "GetParticipantInput", {"Text": "x", "StoreInput": "False"}, "X",
                         errors={"InputTimeLimitExceeded": "T"})) == [("InputTimeLimitExceeded", "T", "")]
    assert _names(action("Store", "GetParticipantInput", {"Text": "x", "StoreInput": "True"}, "X")) == [
        ("Success", "X", ""),
    ]
    # Success that ends the run or leaves the flow is the ending, whatever NextAction says.
    assert _names(action("Bye", "DisconnectParticipant", {})) == [("Success", None, "disconnect")]
    assert _names(action("Go", "TransferToFlow", {"ContactFlowId": "f"}, "X", errors={"NoMatchingError": "E"})) == [
        ("Success", None, "transfer to flow"), ("NoMatchingError", "E", ""),
    ]
    assert _names(action("Q", "TransferContactToQueue", {}, "X", errors={"QueueAtCapacity": "F"})) == [
        ("Success", None, "transfer to queue"), ("QueueAtCapacity", "F", ""),
    ]
    assert _names(action("Back", "EndFlowModuleExecution", {})) == [("Success", None, "return to the caller")]
    assert _names(action("Call", "TransferParticipantToThirdParty",
                         {"ThirdPartyPhoneNumber": "+15550100", "ContinueFlowExecution": "False"})) == [
        ("Success", None, "transfer to phone number"),
    ]
    assert _names(action("Call", "TransferParticipantToThirdParty",
                         {"ThirdPartyPhoneNumber": "+15550100", "ContinueFlowExecution": "True"}, "Next")) == [
        ("Success", "Next", ""),
    ]
    assert _names(action("Music", "MessageParticipantIteratively", {"Messages": [{"Text": "x"}]})) == [
        ("Success", None, "plays until an agent answers"),
    ]
    # Unconnected: an empty or `$end` NextAction.
    assert _names(action("Say", "MessageParticipant", {"Text": "x"}, "$end", errors={"NoMatchingError": ""})) == [
        ("Success", None, ""), ("NoMatchingError", None, ""),
    ]


def test_readable_name_is_the_identifier_or_the_console_name_and_label() -> None:
    assert readable_name(_action(action("Welcome", "MessageParticipant", {"Text": "Hello"}, "X"))) == "Welcome"
    assert readable_name(_action(action(UUID, "MessageParticipant", {"Text": "Hello there"}, "X"))) == (
        "Play prompt: Hello there"
    )
    assert readable_name(_action(action(UUID, "UpdateContactAttributes",
                                        {"Attributes": {"tier": "x", "lang": "y"}}, "X"))) == (
        "Set contact attributes: tier, lang"
    )
    lambda_block = action(UUID, "InvokeLambdaFunction",
                          {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:lookupCustomer"}, "X")
    assert readable_name(_action(lambda_block)) == "AWS Lambda function: lookupCustomer"
    store = action(UUID, "GetParticipantInput", {"Text": "Your number", "StoreInput": "True"}, "X")
    assert readable_name(_action(store)) == "Store customer input: Your number"


# --- every real flow ------------------------------------------------------------------------------

REAL_FLOWS = sorted((SHARED_FLOWS / "corpus").glob("*.json")) + sorted((SHARED_FLOWS / "legacy").glob("*.json"))
MERMAID_NODE = re.compile(r'^  (\w+)(\["|\(\("|\(\["|\{\{")(.*)("\]|"\)\)|"\]\)|"\}\})$')
MERMAID_EDGE = re.compile(r'^  (\w+) -->(?:\|"([^"|]*)"\|)? (\w+)$')
DOT_NODE = re.compile(r'^  (\w+) \[label="((?:[^"\\]|\\.)*)"(?:, .*)?\];$')
DOT_EDGE = re.compile(r'^  (\w+) -> (\w+)(?: \[label="((?:[^"\\]|\\.)*)"\])?;$')
ENTITIES = {"#quot;": '"', "#lt;": "<", "#gt;": ">", "#amp;": "&", "#124;": "|", "#96;": "`", "#37;": "%"}


def _unmermaid(text: str) -> str:
    text = re.sub(r"#(quot|lt|gt|amp|124|96|37);", lambda m: ENTITIES[m.group(0)], text)
    return text.replace("#35;", "#")


@pytest.fixture(scope="module")
def real_flows() -> list[Flow]:
    library = load_library(REAL_FLOWS)
    assert len(library.flows) == 86
    return list(library.flows)


def _expected_edges(flow: Flow, ids: dict[str, str]) -> dict[str, set[str]]:
    """From the flow model: each block's Conditions (by operand, Operator:operand when operands
    repeat) and declared ErrorTypes are drawn, and Success unless it branches on Conditions."""
    expected: dict[str, set[str]] = {}
    for a in flow.actions.values():
        operands = [c.operand for c in a.conditions]
        names = {f"{c.operator}:{c.operand}" if operands.count(c.operand) > 1 else c.operand for c in a.conditions}
        names |= {e.error_type for e in a.errors}
        # Labels are on one line: whitespace inside a branch name is collapsed.
        expected[ids[a.identifier]] = {" ".join(n.split()) or "(empty)" for n in names}
    return expected


def test_every_real_flow_renders_as_mermaid_with_a_node_per_block_and_an_edge_per_branch(
    real_flows: list[Flow],
) -> None:
    for flow in real_flows:
        lines = mermaid(flow).splitlines()
        assert lines[0] == "flowchart LR", flow.name
        nodes: dict[str, str] = {}
        edges: list[tuple[str, str, str]] = []
        for line in lines[1:]:
            node, edge = MERMAID_NODE.match(line), MERMAID_EDGE.match(line)
            assert node or edge, f"{flow.name}: not a node nor an edge: {line!r}"
            if node:
                assert node.group(1) not in nodes, f"{flow.name}: {node.group(1)} twice"
                assert '"' not in node.group(3), f"{flow.name}: raw quote in {line!r}"
                nodes[node.group(1)] = node.group(3)
            else:
                assert edge is not None
                edges.append((edge.group(1), edge.group(3), edge.group(2) or ""))
        ids = {ident: f"b{i}" for i, ident in enumerate(flow.actions)}
        assert len([n for n in nodes if re.fullmatch(r"b\d+", n)]) == len(flow.actions), flow.name
        for a in flow.actions.values():
            name, action_type = nodes[ids[a.identifier]].rsplit("<br/>", 1)
            assert action_type == a.type
            assert _unmermaid(name) == " ".join(readable_name(a).split()), flow.name
        assert all(s in nodes and t in nodes for s, t, _ in edges), flow.name
        branch_edges = [e for e in edges if e[0] != "start"]
        assert len(branch_edges) == sum(len(branches_of(a, flow)) for a in flow.actions.values()), flow.name
        drawn: dict[str, set[str]] = {}
        for source, _, text in branch_edges:
            drawn.setdefault(source, set()).add(_unmermaid(text))
        for node_id, names in _expected_edges(flow, ids).items():
            assert names <= drawn.get(node_id, set()), f"{flow.name}: {node_id} misses {names - drawn[node_id]}"
            assert drawn.get(node_id, set()) - names <= {"Success"}, flow.name


def test_every_real_flow_renders_as_dot_with_the_same_nodes_and_edges(real_flows: list[Flow]) -> None:
    for flow in real_flows:
        lines = dot(flow).splitlines()
        assert lines[0].startswith("digraph ") and lines[-1] == "}", flow.name
        body = lines[4:-1]
        nodes = [m for m in map(DOT_NODE.match, body) if m]
        edges = [m for m in map(DOT_EDGE.match, body) if m]
        assert len(nodes) + len(edges) == len(body), flow.name
        mermaid_lines = mermaid(flow).splitlines()[1:]
        assert len(nodes) == sum(1 for line in mermaid_lines if MERMAID_NODE.match(line)), flow.name
        assert len(edges) == sum(1 for line in mermaid_lines if MERMAID_EDGE.match(line)), flow.name
        for a, node in zip(flow.actions.values(), nodes[1:], strict=False):
            text = node.group(2).replace('\\"', '"').replace("\\\\", "\\")
            assert text == " ".join(readable_name(a).split()) + "\\n" + a.type, flow.name


# --- connectflow graph --------------------------------------------------------------------------

def test_graph_command_prints_a_flow_found_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "small.json").write_text(json.dumps(small()))

    assert main(["graph", "Small", "--flows", str(tmp_path)]) == 0

    assert capsys.readouterr().out == SMALL_NODES_AND_EDGES


def test_graph_command_reads_the_ini_flows_and_prints_dot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "main.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "pytest.ini").write_text("[pytest]\nconnectflow_flows = flows\n")
    monkeypatch.chdir(tmp_path)

    assert main(["graph", "Main IVR", "--format", "dot"]) == 0

    out = capsys.readouterr().out
    assert out.startswith('digraph "Main IVR" {\n')
    assert '  b3 -> b5 [label="1"];\n' in out  # Menu → Set sales queue
    assert '  b7 -> b7_x0 [label="Success"];\n' in out  # To sales: the transfer


def test_graph_command_draws_the_flow_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "small.json").write_text(json.dumps(small()))

    assert main(["graph", str(tmp_path / "small.json")]) == 0

    assert capsys.readouterr().out == SMALL_NODES_AND_EDGES


def test_graph_command_asks_for_a_name_when_a_file_holds_several_flows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = {
        name: {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": name, "Content": json.dumps(small())}}
        for name in ("First", "Second")
    }
    template = tmp_path / "stack.json"
    template.write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}))

    assert main(["graph", str(template)]) == 1
    assert capsys.readouterr().err == (
        f"connectflow graph: {template} holds 2 flows; name one with --flows {template} NAME:\n"
        "  - First\n  - Second\n"
    )

    assert main(["graph", "Second", "--flows", str(template)]) == 0
    assert capsys.readouterr().out == SMALL_NODES_AND_EDGES


def test_graph_command_names_what_is_loaded_when_the_flow_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "small.json").write_text(json.dumps(small()))

    assert main(["graph", "Smal", "--flows", str(tmp_path)]) == 1

    err = capsys.readouterr().err
    assert "connectflow graph: no loaded flow is named 'Smal' (did you mean 'Small'?); loaded flows:" in err
    assert "  - Small" in err


def test_graph_command_without_flows_says_where_to_give_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert main(["graph", "Main IVR"]) == 2

    assert "give --flows PATH or set the ini option connectflow_flows" in capsys.readouterr().err


# --- the path taken, in a failing scenario's output ------------------------------------------------

FAILING = """
scenarios:
  - name: expects the wrong queue
    flow: Main IVR
    inputs: ["1"]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      queue: Support
"""


def test_graph_failures_appends_the_path_as_a_mermaid_picture(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=FAILING)

    result = ivr_project.runpytest("--connectflow-graph-failures")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "Path taken (Main IVR; ended: transferred_to_queue):",
        "*",
        "7 * To sales *TransferContactToQueue *Success*",
        "",
        "Path taken in Main IVR, as a Mermaid flowchart (blue: the blocks and branches taken; paste into "
        "https://mermaid.live to see it):",
        "flowchart LR",
        '  start(("Start"))',
        '  b0["Start streaming<br/>UpdateContactMediaStreamingBehavior"]',
    ])
    result.stdout.fnmatch_lines([
        '  b7 -->|"Success"| b7_x0',
        "  classDef taken *",
        "  class b0,b1,b2,b3,b5,b6,b7 taken",
        "  linkStyle 0,1,3,5,7,13,15,17 *",
    ])


def test_failure_output_has_no_picture_unless_asked(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=FAILING)

    result = ivr_project.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Path taken (Main IVR; ended: transferred_to_queue):"])
    result.stdout.no_fnmatch_line("*flowchart LR*")


def test_graph_failures_from_the_ini(ivr_project: pytest.Pytester) -> None:
    ivr_project.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_graph_failures = true\n")
    ivr_project.makefile(".connectflow.yaml", test_ivr=FAILING)

    result = ivr_project.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Path taken in Main IVR, as a Mermaid flowchart*", "flowchart LR"])


def test_a_path_through_a_module_draws_each_flow(example_flows: Path, tmp_path: Path) -> None:
    from pytest_connectflow.graph import path_pictures

    library = load_library(example_flows)
    result = Simulator(library, instance={"live_media_streaming": True}).run(
        "Main IVR", inputs=["3", "2"], lambdas={"lookupCustomer": {"tier": "gold"}},
        hours={"Office hours": "open"},
    )
    text = path_pictures(result.steps, library)

    headings = [line for line in text.splitlines() if line.startswith("Path taken in ")]
    assert [h.split(",")[0] for h in headings] == ["Path taken in Main IVR", "Path taken in Capture call reason"]
    assert text.count("flowchart LR") == 2
    assert "  class b0,b1,b3 taken" in text  # Ask call reason, Save call reason, Return


@pytest.fixture
def example_flows() -> Path:
    return Path(__file__).resolve().parents[1] / "example_project" / "flows"
