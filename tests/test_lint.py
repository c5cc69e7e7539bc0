"""`connectflow lint`: each rule on its documented example, settings, output and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lintdefs import (
    LAMBDA,
    LINT_EXAMPLES,
    QUEUE,
    act,
    end_flow,
    hang_up,
    lambda_call,
    message,
    set_queue,
    stream,
    to_queue,
    write_flow,
)

from pytest_connectflow.cli import main
from pytest_connectflow.errors import ConfigurationError
from pytest_connectflow.lint import RULES, LintSettings, lint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "example_project"
EXAMPLES = sorted(LINT_EXAMPLES.glob("*.json"))


def codes(paths: list[Path], settings: LintSettings | None = None) -> list[str]:
    return [f.code for f in lint(paths, settings).findings]


def test_every_rule_has_one_example_file() -> None:
    assert [p.name[:5].upper() for p in EXAMPLES] == [rule.code for rule in RULES]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_rule_finds_its_example_and_nothing_else(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = example.name[:5].upper()
    rule = next(r for r in RULES if r.code == code)
    assert example.stem == f"{code.lower()}-{rule.name}"
    monkeypatch.chdir(ROOT)
    assert main(["lint", str(example.relative_to(ROOT)), "--format", "json"]) == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert finding["code"] == code and finding["rule"] == rule.name
    assert finding["file"] == str(example.relative_to(ROOT))
    text = example.read_text("utf-8")
    # The line is the block's "Identifier" line in the file.
    assert f'"Identifier": "{finding["block"]}"' in text.splitlines()[finding["line"] - 1]
    assert finding["flow"] == json.loads(text)["Metadata"]["name"]


def test_text_output_names_file_line_rule_flow_and_block(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["lint", "tests/lint_examples/cf005-partial-stop.json"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "tests/lint_examples/cf005-partial-stop.json:20: CF005 [partial-stop] flow 'CF005 partial stop', "
        "block 'Stop caller audio': this Stop media streaming lists MediaDirections [From], but a Stop ends the "
        "whole stream, both directions; list From and To so the flow says what it does",
        "Found 1 problem (CF005 partial-stop: 1).",
    ]


def test_all_examples_together_find_one_problem_per_rule() -> None:
    assert sorted(codes([LINT_EXAMPLES])) == [rule.code for rule in RULES]


def test_the_example_project_passes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Its pyproject.toml names the instance resources file and switches CF004 off for the flow
    # that streams into the agent conversation on purpose; settings come from the linted folder.
    monkeypatch.chdir(ROOT)
    assert main(["lint", "example_project/flows"]) == 0
    assert re.fullmatch(r"No problems found in \d+ flows\.\n", capsys.readouterr().out)
    monkeypatch.chdir(EXAMPLE)
    assert main(["lint", "flows", "--select", "CF007"]) == 0  # every queue and Lambda is in its instance file
    monkeypatch.chdir(ROOT)
    assert main(["lint", "example_project/flows", "--instance", "example_project/connect-instance.yaml"]) == 0


def test_every_shared_flow_lints_without_crashing(shared_flows: Path) -> None:
    report = lint([shared_flows / "corpus", shared_flows / "legacy"])
    assert report.flows == 86
    assert {f.code for f in report.findings} <= {rule.code for rule in RULES}
    # Exported unconnected (empty StartAction): nothing to explore, no crash.
    assert all(f.file and f.message for f in report.findings)


# Settings ---------------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose flows break CF002 (Main) and CF008 (Menu)."""
    write_flow(tmp_path / "flows", "Main", [
        message("Welcome", "Hello.", "Bye"), message("Old", "Unused.", "Bye"), hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    write_flow(tmp_path / "flows", "Menu", [
        act("Menu", "GetParticipantInput", {"Text": "Press 1.", "StoreInput": "False"}, conditions={"1": "Bye"},
            errors={"NoMatchingError": "Bye"}),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pyproject(folder: Path, tool: str) -> None:
    (folder / "pyproject.toml").write_text("[tool.pytest.ini_options]\n\n[tool.connectflow]\n" + tool, "utf-8")


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str]]]:
    code = main(["lint", *args, "--format", "json"])
    return code, [(f["code"], f["flow"]) for f in json.loads(capsys.readouterr().out)]


def test_rules_are_selected_and_ignored_in_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(["flows"], capsys) == (1, [("CF002", "Main"), ("CF008", "Menu")])
    pyproject(project, 'ignore = ["CF002"]\n')
    assert run_json(["flows"], capsys) == (1, [("CF008", "Menu")])
    pyproject(project, 'select = ["unreachable-block"]\n')
    assert run_json(["flows"], capsys) == (1, [("CF002", "Main")])
    pyproject(project, 'select = ["CF00"]\nignore = ["CF002", "CF008"]\n')
    assert run_json(["flows"], capsys) == (0, [])


def test_the_command_line_wins_over_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject(project, 'select = ["CF002"]\nignore = ["CF008"]\n')
    assert run_json(["flows", "--select", "CF008"], capsys) == (1, [("CF008", "Menu")])
    # --ignore alone: every rule but CF002, whatever the file selects or ignores.
    assert run_json(["flows", "--ignore", "CF002"], capsys) == (1, [("CF008", "Menu")])
    assert run_json(["flows", "--select", "CF002,CF008", "--ignore", "CF002"], capsys) == (1, [("CF008", "Menu")])
    everything_but_menus = ["flows", "--select", "ALL", "--ignore", "menu-without-timeout"]
    assert run_json(everything_but_menus, capsys) == (1, [("CF002", "Main")])


def test_per_flow_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject(project, '[tool.connectflow.per-flow-ignores]\n"Main" = ["CF002"]\nmenu = ["ALL"]\n')
    assert run_json(["flows"], capsys) == (0, [])  # `menu` is the Menu flow's file stem
    pyproject(project, '[tool.connectflow.per-flow-ignores]\n"Menu" = ["CF002"]\n')
    assert run_json(["flows"], capsys) == (1, [("CF002", "Main"), ("CF008", "Menu")])


@pytest.mark.parametrize(
    ("tool", "args", "message"),
    [
        ('select = ["CF099"]\n', [], "[tool.connectflow] select: 'CF099' names no lint rule; the rules are: CF000"),
        ('ignore = "CF002"\n', [], "[tool.connectflow] ignore must be a list of strings, not 'CF002'"),
        ('[tool.connectflow.per-flow-ignores]\nMain = ["stream-on"]\n', [],
         "[tool.connectflow.per-flow-ignores] 'Main': 'stream-on' names no lint rule"),
        ("", ["--select", "CF4"], "--select: 'CF4' names no lint rule"),
    ],
)
def test_bad_settings_exit_2_naming_the_setting(
    project: Path, capsys: pytest.CaptureFixture[str], tool: str, args: list[str], message: str
) -> None:
    pyproject(project, tool)
    assert main(["lint", "flows", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_path_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "flows", "nowhere"]) == 2
    assert "connectflow lint: no such file or folder: nowhere" in capsys.readouterr().err


def test_an_unreadable_file_is_a_finding_and_the_others_are_still_linted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "flows" / "broken.json").write_text('{"Version": "2019-10-30", "Actions": [', "utf-8")
    code, found = run_json(["flows"], capsys)
    assert code == 1 and found == [("CF000", ""), ("CF002", "Main"), ("CF008", "Menu")]


def test_lint_settings_check_their_selectors() -> None:
    with pytest.raises(ConfigurationError, match="'CF9' names no lint rule"):
        LintSettings(select=("CF9",))
    settings = LintSettings(select=("ALL",), ignore=("stream-left-on",))
    assert settings.enabled("CF001") and not settings.enabled("CF004")


def test_a_start_action_that_names_no_block(tmp_path: Path) -> None:
    path = write_flow(tmp_path, "Renamed", [hang_up("Bye")], start="Welcome")
    [finding] = lint([tmp_path]).findings  # CF002 does not guess where the flow starts
    assert (finding.code, finding.block, finding.line) == ("CF001", None, None)
    assert finding.render() == (f"{path}: CF001 [transition-to-nothing] flow 'Renamed': "
                                "its StartAction 'Welcome' names no block")


# CF003 block-not-allowed -------------------------------------------------------------------------

def test_a_block_on_no_channel_the_flow_type_receives(tmp_path: Path) -> None:
    write_flow(tmp_path, "Hold", [
        act("Resume", "ResumeContact", {}, "End", errors={"NoMatchingError": "End"}), end_flow(),
    ], flow_type="CUSTOMER_HOLD")
    [finding] = lint([tmp_path]).findings
    assert finding.code == "CF003"
    assert finding.message == ("Resume contact (ResumeContact) works on TASK only, and a CUSTOMER_HOLD flow receives "
                               "VOICE contacts (on them it takes its Error branch)")


def test_a_flow_of_unknown_type_is_not_judged_but_a_hook_gives_it_a_type(tmp_path: Path) -> None:
    write_flow(tmp_path, "Music", [
        act("Loop prompts", "MessageParticipantIteratively", {"Messages": [{"Text": "Please hold."}]},
            errors={"NoMatchingError": "End"}),
        stream("Start", "Enabled", "End"),
        end_flow(),
    ], start="Loop prompts")
    assert "CF003" not in codes([tmp_path])  # no type: lint does not guess
    write_flow(tmp_path, "Hold setter", [
        act("Set hold flow", "UpdateContactEventHooks", {"EventHooks": {"CustomerHold": "Music"}}, "Bye",
            errors={"NoMatchingError": "Bye"}),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    found = lint([tmp_path]).findings
    assert [(f.code, f.flow, f.block) for f in found if f.code == "CF003"] == [("CF003", "Music", "Start")]


# CF004 stream-left-on ----------------------------------------------------------------------------

def inbound(folder: Path, before_transfer: list[dict[str, object]] | None = None, *, first: str = "Set queue",
            transfer: dict[str, object] | None = None) -> None:
    """Start streaming, then what the test adds, then a queue and a transfer."""
    write_flow(folder, "Inbound", [
        stream("Start", "Enabled", first),
        *(before_transfer or []),
        set_queue("Set queue", "To queue", "Bye"),
        transfer or to_queue("To queue", "Bye"),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")


def queue_flow(folder: Path, name: str, *, stops: bool) -> None:
    first = "Stop" if stops else "Music"
    write_flow(folder, name, [
        *([stream("Stop", "Disabled", "Music")] if stops else []),
        act("Music", "MessageParticipantIteratively", {"Messages": [{"Text": "Please hold."}]},
            errors={"NoMatchingError": "End"}),
        end_flow(),
    ], flow_type="CUSTOMER_QUEUE", start=first)


def cf004(paths: list[Path], settings: LintSettings | None = None) -> list[tuple[str | None, str]]:
    return [(f.block, f.flow) for f in lint(paths, settings).findings if f.code == "CF004"]


def test_a_transfer_to_a_queue_with_the_stream_on_is_found_once_however_many_paths_reach_it(tmp_path: Path) -> None:
    inbound(tmp_path, [lambda_call("Lookup", "Set queue", "Set queue")], first="Lookup")
    [finding] = lint([tmp_path]).findings
    assert (finding.code, finding.block, finding.flow) == ("CF004", "To queue", "Inbound")
    assert finding.message.startswith(
        "Transfer to queue (TransferContactToQueue) transfers the contact to a queue with media streaming still on "
        "(From, To), started by 'Start' in flow 'Inbound'; no Stop media streaming runs on that path, and no queue "
        "or whisper flow set by a hook or default_flows stops it. The path from 'Inbound' takes Lookup → Success, "
        "To queue → Success."
    )


def test_a_stop_on_the_path_or_a_disconnect_is_not_flagged(tmp_path: Path) -> None:
    inbound(tmp_path, [stream("Stop", "Disabled", "Set queue")], first="Stop")
    assert cf004([tmp_path]) == []
    write_flow(tmp_path / "other", "Hang up on the stream", [stream("Start", "Enabled", "Bye"), hang_up("Bye")])
    assert cf004([tmp_path / "other"]) == []


def test_a_queue_flow_set_by_a_hook_that_always_stops_is_enough(tmp_path: Path) -> None:
    hook = act("Queue flow", "UpdateContactEventHooks", {"EventHooks": {"CustomerQueue": "Stopping queue"}},
               "Set queue", errors={"NoMatchingError": "Set queue"})
    inbound(tmp_path, [hook], first="Queue flow")
    queue_flow(tmp_path, "Stopping queue", stops=True)
    assert cf004([tmp_path]) == []
    queue_flow(tmp_path, "Stopping queue", stops=False)
    assert cf004([tmp_path]) == [("To queue", "Inbound")]


def test_the_instance_default_queue_flow_counts_unless_the_hook_is_disabled(tmp_path: Path) -> None:
    inbound(tmp_path)
    queue_flow(tmp_path, "Default queue", stops=True)
    defaults = {"default_flows": {"customer_queue": "Default queue"}}
    assert cf004([tmp_path]) == [("To queue", "Inbound")]
    assert cf004([tmp_path], LintSettings(instance=defaults)) == []
    disable = act("No queue flow", "UpdateContactEventHooks",
                  {"EventHooks": {"CustomerQueue": "Default queue"},
                   "EventHooksConfiguration": {"CustomerQueue": {"DisableExecution": "true"}}},
                  "Set queue", errors={"NoMatchingError": "Set queue"})
    inbound(tmp_path, [disable], first="No queue flow")
    assert cf004([tmp_path], LintSettings(instance=defaults)) == [("To queue", "Inbound")]


def test_the_queues_own_customer_queue_flow_counts(tmp_path: Path) -> None:
    inbound(tmp_path)
    queue_flow(tmp_path, "Sales queue flow", stops=True)
    instance = {"queues": {"Sales": {"arn": QUEUE, "customer_queue_flow": "Sales queue flow"}}}
    assert cf004([tmp_path], LintSettings(instance=instance)) == []


def test_a_whisper_flow_that_stops_is_enough_for_a_queue_transfer(tmp_path: Path) -> None:
    inbound(tmp_path)
    write_flow(tmp_path, "Whisper", [stream("Stop", "Disabled", "End"), end_flow()], flow_type="AGENT_WHISPER")
    assert cf004([tmp_path], LintSettings(instance={"default_flows": {"agent_whisper": "Whisper"}})) == []


def test_a_transfer_to_flow_carries_the_stream_into_the_next_flow(tmp_path: Path) -> None:
    write_flow(tmp_path, "Entry", [
        stream("Start", "Enabled", "Next"),
        act("Next", "TransferToFlow", {"ContactFlowId": "Routing"}, "Bye", errors={"NoMatchingError": "Bye"}),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    write_flow(tmp_path, "Routing", [set_queue("Set queue", "To queue", "Bye"), to_queue("To queue", "Bye"),
                                     hang_up("Bye")], flow_type="CONTACT_FLOW")
    # The transfer to a flow is fine; the queue transfer in the next flow is where the stream is left on.
    [finding] = lint([tmp_path]).findings
    assert (finding.code, finding.flow, finding.block) == ("CF004", "Routing", "To queue")
    assert finding.related_flows == ("Entry", "Entry")
    pyproject_ignores = LintSettings(per_flow_ignores={"Entry": ("CF004",)})
    assert cf004([tmp_path], pyproject_ignores) == []


def test_a_transfer_to_a_phone_number_with_the_stream_on(tmp_path: Path) -> None:
    inbound(tmp_path, transfer=act("To queue", "TransferParticipantToThirdParty",
                                   {"ThirdPartyPhoneNumber": "+15555550123", "ContinueFlowExecution": "False"},
                                   "Bye", errors={"CallFailed": "Bye", "NoMatchingError": "Bye"}))
    [finding] = lint([tmp_path]).findings
    assert ("Transfer to phone number (TransferParticipantToThirdParty) transfers the contact to a phone number "
            "with media streaming still on (From, To), started by 'Start' in flow 'Inbound'; no Stop media "
            "streaming runs on that path. The path from 'Inbound' takes To queue → Success.") in finding.message


def test_streaming_into_the_agent_conversation_on_purpose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbound(tmp_path / "flows")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "flows"]) == 1
    assert "CF004 [stream-left-on] flow 'Inbound', block 'To queue'" in capsys.readouterr().out
    pyproject(tmp_path, '[tool.connectflow.per-flow-ignores]\n"Inbound" = ["CF004"]\n')
    assert main(["lint", "flows"]) == 0


# The other rules' variants -----------------------------------------------------------------------

def test_a_loop_whose_done_branch_leads_back_has_no_exit(tmp_path: Path) -> None:
    write_flow(tmp_path, "Round", [
        act("Retry", "Loop", {"LoopCount": "2"}, conditions={"ContinueLooping": "Again", "DoneLooping": "Sorry"}),
        message("Again", "Once more.", "Retry"),
        message("Sorry", "Let us start over.", "Retry"),
    ], flow_type="CONTACT_FLOW")
    [finding] = lint([tmp_path]).findings
    assert finding.code == "CF006" and "leads back to this Loop" in finding.message
    write_flow(tmp_path, "Round", [
        act("Retry", "Loop", {"LoopCount": "2"}, conditions={"ContinueLooping": "Again", "DoneLooping": "Sorry"}),
        message("Again", "Once more.", "Retry"),
        message("Sorry", "Let us start over.", "Retry"),
    ], flow_type="CUSTOMER_QUEUE")
    assert lint([tmp_path]).findings == []  # queue flows loop until an agent answers


def test_queues_and_lambdas_not_in_the_instance_file(tmp_path: Path) -> None:
    write_flow(tmp_path, "Main", [
        lambda_call("Lookup", "Set queue", "Set queue"),
        set_queue("Set queue", "Bye", "Bye"),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    assert codes([tmp_path]) == []  # nothing declares queues or functions: not checked
    instance = {"queues": {"Support": {"arn": QUEUE.replace("sales", "support")}},
                "lambdas": {"other": {"arn": LAMBDA.replace("lookupCustomer", "other")}}}
    found = lint([tmp_path], LintSettings(instance=instance)).findings
    assert [(f.code, f.block) for f in found] == [("CF007", "Lookup"), ("CF007", "Set queue")]
    assert "QueueId names the queue " + QUEUE in found[1].message
    declared = LintSettings(instance=instance, external_queues=("sales",), external_lambdas=("lookupCustomer",))
    assert codes([tmp_path], declared) == []


def test_flows_declared_external(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    example = "tests/lint_examples/cf007-unknown-reference.json"
    assert main(["lint", example, "--external", "billing-ivr"]) == 0
    capsys.readouterr()
    pyproject(tmp_path, 'external_flows = ["billing-ivr"]\n')
    (tmp_path / "f.json").write_text((ROOT / example).read_text("utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "f.json"]) == 0


# Docs --------------------------------------------------------------------------------------------

def test_every_rule_is_documented_with_its_example() -> None:
    page = (ROOT / "docs" / "lint.md").read_text("utf-8")
    for rule, example in zip(RULES, EXAMPLES, strict=True):
        assert re.search(rf"^## {rule.code} `{rule.name}`", page, re.MULTILINE), rule.code
        section = page.split(f"## {rule.code} ")[1].split("\n## ")[0]
        for heading in ("What it catches", "Why", "How to fix"):
            assert f"**{heading}.**" in section, (rule.code, heading)
        assert example.read_text("utf-8").strip() in section, f"{example.name} is not shown under {rule.code}"
