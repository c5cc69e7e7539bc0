"""Running Amazon Connect test cases offline: pytest items, per-observation results, the
documented semantics of events, actions and overrides, and `connectflow run-native`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from flowdefs import action
from nativedefs import (
    BOT_ARN,
    DESK_ID,
    DESK_INSTANCE,
    HOURS_ARN,
    INSTANCE_ARN,
    LOOKUP_ARN,
    SALES_ARN,
    SCORE_ARN,
    check,
    completed,
    content,
    create_request,
    desk_project,
    dtmf,
    end_test,
    hang_up,
    happy_path,
    initiated,
    log_data,
    message,
    mock_hours,
    mock_lambda,
    observation,
    override,
    started,
    substitute,
    utterance,
    write_case,
)

from pytest_connectflow.cli import main
from pytest_connectflow.flow.library import FlowLibrary
from pytest_connectflow.flow.loaders import parse_json_flow
from pytest_connectflow.native import read_test_case_text, run_test_case

DOCS_EXAMPLE = Path(__file__).parent / "native_examples" / "docs_example"


@pytest.fixture
def docs_example(pytester: pytest.Pytester) -> pytest.Pytester:
    """The example of the Testing language documentation, as a project of its own."""
    for item in DOCS_EXAMPLE.iterdir():
        target = pytester.path / item.name
        shutil.copytree(item, target) if item.is_dir() else shutil.copy(item, target)
    pytester.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = connect-instance.yaml\n")
    return pytester


@pytest.fixture
def desk(pytester: pytest.Pytester) -> pytest.Pytester:
    return desk_project(pytester)


# The documentation's example -----------------------------------------------------------------------

def test_the_documentation_example_runs_offline_and_passes(docs_example: pytest.Pytester) -> None:
    result = docs_example.runpytest("-rP", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*3 observations: 3 passed, 0 failed",
        "*PASSED*TriggerHoursCheck*TestInitiated — at the start",
        "*PASSED*Welcome Message*MessageReceived Text 'Press 1 to be connected to an agent' (Similarity)*"
        "block 'Welcome' (Basic IVR)",
        # The announcement comes from the queue's customer queue flow, after the transfer.
        "*PASSED*Trigger Queue Announcement*block 'Queue announcement' (Default customer queue)",
    ])


def test_the_documentation_example_fails_when_the_caller_presses_another_key(docs_example: pytest.Pytester) -> None:
    path = docs_example.path / "docs-example.testcase.json"
    request = json.loads(path.read_text())
    body = json.loads(request["Content"])
    body["Observations"][1]["Actions"][0]["Parameters"]["Instruction"]["Properties"]["Value"] = "2"
    request["Content"] = json.dumps(body)
    path.write_text(json.dumps(request))
    result = docs_example.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "docs-example.testcase.json: test case 'Docs example' failed",
        "observation 'Trigger Queue Announcement' (MessageReceived Text 'Thank you for calling.*' (Similarity)) "
        "failed at docs-example.testcase.json#/Content » /Observations/2: still waiting for its event when the "
        "contact's flow ended (disconnected) (Amazon Connect would wait 5 minutes for it, then fail)",
        "*FAILED*Trigger Queue Announcement*",
        "*Welcome*GetParticipantInput*NoMatchingCondition  (customer pressed 2)",
    ])
    assert "Traceback" not in result.stdout.str()


def test_the_documentation_example_needs_its_hours_substituted(docs_example: pytest.Pytester) -> None:
    """Without the override, the flow checks BasicHours, whose schedule depends on the time."""
    path = docs_example.path / "docs-example.testcase.json"
    request = json.loads(path.read_text())
    body = json.loads(request["Content"])
    body["Observations"][0]["Actions"] = []
    request["Content"] = json.dumps(body)
    path.write_text(json.dumps(request))
    result = docs_example.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*block 'Check basic hours' (CheckHoursOfOperation)*checks hours 'arn:*/flow/BasicHours': the test case has "
        "no OverrideSystemBehavior for it*add a MockResponse with Value InHours or OutOfHours",
    ])


# Events, actions and overrides ---------------------------------------------------------------------

def run_case(desk: pytest.Pytester, body: dict, *args: str, **request: object) -> pytest.RunResult:
    write_case(desk, "desk", create_request(body, **request))  # type: ignore[arg-type]
    return desk.runpytest("-p", "no:cacheprovider", *args)


def test_a_test_case_passes_and_reports_each_observation(desk: pytest.Pytester) -> None:
    result = run_case(desk, happy_path(check("$.Queue.Name", "Equals", "Sales", ident="queue")), "-rP")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*3 observations: 3 passed, 0 failed",
        "*PASSED*start*TestInitiated — at the start",
        "*PASSED*menu*step 5, block 'Menu' (Help desk)",
        "*PASSED*queued*FlowActionStarted TransferContactToQueue (QueueId *q-sales)*block 'To sales'*",
    ])


def test_a_failing_assert_fails_its_observation_with_the_actual_value(desk: pytest.Pytester) -> None:
    result = run_case(desk, happy_path(check("$.Queue.Name", "Equals", "Support", ident="queue is support")))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "observation 'queued' (FlowActionStarted TransferContactToQueue*) failed at "
        "desk.testcase.json#/Content » /Observations/2: Assert 'queue is support': $.Queue.Name Equals 'Support' "
        "failed: the value is 'Sales'",
    ])


def test_overrides_are_consumed_once_each_in_order_per_resource(desk: pytest.Pytester) -> None:
    """Two MockResponses for one function: the first call takes the first, the next the second."""
    body = content(
        observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                    mock_lambda(LOOKUP_ARN, {"tier": "silver"}, ident="second"), then=("menu",)),
        observation("menu", message("Press 1 for sales, 2 to talk to our assistant."),
                    check("$.Attributes.tier", "Equals", "gold"), dtmf("1"), then=("scored",)),
        observation("scored", started("InvokeLambdaFunction", LambdaFunctionARN=SCORE_ARN),
                    mock_lambda(SCORE_ARN, {"score": "7"}), then=("queued",)),
        observation("queued", started("TransferContactToQueue"), check("$.Attributes.score", "Equals", "7"),
                    end_test()),
    )
    result = run_case(desk, body)
    result.assert_outcomes(passed=1)


def test_a_lambda_without_an_override_left_fails_naming_it(desk: pytest.Pytester) -> None:
    body = content(observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                               dtmf("1")))
    result = run_case(desk, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*block 'Score' (InvokeLambdaFunction)*invokes Lambda function 'scoreCaller' (*:function:scoreCaller): the "
        "test case has no OverrideSystemBehavior MockResponse left for it, and offline the real function cannot be "
        "called*",
    ])


@pytest.mark.parametrize(("mock", "tier"), [
    (mock_lambda(LOOKUP_ARN, error="NoMatchingError"), "unknown"),
    (mock_lambda(LOOKUP_ARN, error="TimeLimitExceeded"), "unknown"),
    # An answer later than the block waits (InvocationTimeLimitSeconds 3) is a timeout.
    (mock_lambda(LOOKUP_ARN, {"tier": "gold"}, delay=5), "unknown"),
    (mock_lambda(LOOKUP_ARN, {"tier": "gold"}, delay=2), "gold"),
])
def test_lambda_mock_responses(desk: pytest.Pytester, mock: dict, tier: str) -> None:
    body = content(observation("start", initiated(), mock, mock_hours("InHours"), then=("menu",)),
                   observation("menu", message("Press 1 for sales, 2 to talk to our assistant."),
                               check("$.Attributes.tier", "Equals", tier), end_test()))
    run_case(desk, body).assert_outcomes(passed=1)


@pytest.mark.parametrize(("hours", "heard"), [
    (mock_hours("OutOfHours"), "We are closed."),
    (mock_hours("InHours"), "Press 1 for sales, 2 to talk to our assistant."),
    (override("CheckHoursOfOperation", {"HoursOfOperationId": HOURS_ARN},
              {"Type": "MockResponse", "Response": {"Type": "Error", "Error": {"Value": "NoMatchingError"}}}),
     "We are closed."),
    # A substitute whose schedule is open at every time of the week answers without a clock.
    (substitute("CheckHoursOfOperation", {"HoursOfOperationId": HOURS_ARN},
                f"{INSTANCE_ARN}/operating-hours/h-always"), "Press 1 for sales, 2 to talk to our assistant."),
])
def test_hours_overrides(desk: pytest.Pytester, hours: dict, heard: str) -> None:
    body = content(observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), hours,
                               then=("heard",)),
                   observation("heard", message(heard), end_test()))
    run_case(desk, body).assert_outcomes(passed=1)


def test_queue_overrides_substitute_the_queue_or_fill_it(desk: pytest.Pytester) -> None:
    full = override("TransferContactToQueue", {"QueueId": SALES_ARN},
                    {"Type": "MockResponse", "Response": {"Type": "Error", "Error": {"Value": "QueueAtCapacity"}}})
    body = happy_path()
    body["Observations"][0]["Actions"].append(full)
    body["Observations"][2] = observation("queued", started("TransferContactToQueue"), then=("busy",))
    body["Observations"].append(observation("busy", message("All our agents are busy."), end_test()))
    run_case(desk, body).assert_outcomes(passed=1)

    moved = happy_path()
    moved["Observations"][0]["Actions"].append(
        substitute("TransferContactToQueue", {"QueueId": SALES_ARN}, f"{INSTANCE_ARN}/queue/q-overflow"))
    moved["Observations"][2] = observation("queued", started("TransferContactToQueue", QueueId=SALES_ARN),
                                           then=("done",))
    moved["Observations"].append(observation("done", completed(), check("$.Queue.Name", "Equals", "Overflow")))
    run_case(desk, moved).assert_outcomes(passed=1)


def test_the_lex_block_hears_an_utterance_and_takes_the_mocked_intent(desk: pytest.Pytester) -> None:
    answer = {"sessionState": {"intent": {"name": "Billing", "slots": {}}},
              "messages": [{"content": "Let me find you someone for billing."}]}
    body = content(
        observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                    then=("menu",)),
        observation("menu", message("Press 1 for sales, 2 to talk to our assistant."), dtmf("2"), then=("bot",)),
        observation("bot", started("ConnectParticipantWithLexBot", LexV2Bot={"AliasArn": BOT_ARN}),
                    override("ConnectParticipantWithLexBot", {"LexV2Bot": {"AliasArn": BOT_ARN}},
                             {"Type": "MockResponse", "Response": {"Type": "ExecutionResult", "ExecutionResult": {
                                 "LoadedData": json.dumps(answer)}}}),
                    then=("asked",)),
        observation("asked", message("How can I help?"), utterance("I have a question about my bill"),
                    then=("reply",)),
        observation("reply", message("someone for billing", "Inclusion"),
                    check("$.Lex.IntentName", "Equals", "Billing"), then=("scored",)),
        observation("scored", started("InvokeLambdaFunction", LambdaFunctionARN=SCORE_ARN), end_test()),
    )
    run_case(desk, body).assert_outcomes(passed=1)


def test_a_lex_block_without_a_mock_response_fails_naming_the_bot(desk: pytest.Pytester) -> None:
    body = content(observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                               dtmf("2"), utterance("billing")))
    result = run_case(desk, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*talks to the Amazon Lex bot *bot-alias/BOT1/ALIAS1: the test case has no "
                                 "OverrideSystemBehavior MockResponse left for it, and offline the bot cannot be "
                                 "asked*"])


@pytest.mark.parametrize(("namespace", "operator", "operand", "passes"), [
    ("$.Attributes.tier", "Equals", "gold", True),
    ("$.Attributes.tier", "TextStartsWith", "go", True),
    ("$.Attributes.tier", "TextEndsWith", "ld", True),
    ("$.Attributes.tier", "TextContains", "ol", True),
    ("$.Attributes.tier", "Equals", "Gold", False),
    ("$.Attributes.calls", "NumberGreaterThan", "2", True),
    ("$.Attributes.calls", "NumberLessOrEqualTo", "2", False),
    ("$.Attributes.calls", "NumberGreaterOrEqualTo", "3", True),
    ("$.Attributes.calls", "NumberLessThan", "10", True),
    ("$.Attributes.tier", "Exists", None, True),
    ("$.Attributes.missing", "Exists", None, False),
    ("$.Channel", "Equals", "VOICE", True),
])
def test_assert_operators(desk: pytest.Pytester, namespace: str, operator: str, operand: str | None,
                          passes: bool) -> None:
    body = happy_path(check(namespace, operator, operand, ident="the check"))
    result = run_case(desk, body, attributes={"calls": "3"})
    result.assert_outcomes(**({"passed": 1} if passes else {"failed": 1}))
    if not passes:
        result.stdout.fnmatch_lines(["*Assert 'the check': $.Attributes.* failed*"])


def test_initialization_data_gives_the_contact_its_attributes_and_asserts_see_them_at_the_start(
    desk: pytest.Pytester,
) -> None:
    body = happy_path()
    body["Observations"][0]["Actions"].insert(0, check("$.Attributes.campaign", "Equals", "spring"))
    run_case(desk, body, attributes={"campaign": "spring"}).assert_outcomes(passed=1)
    run_case(desk, body, attributes={"campaign": "autumn"}).assert_outcomes(failed=1)


def test_end_test_stops_the_flow_before_the_next_block(desk: pytest.Pytester) -> None:
    """No override for the lookup: EndTest at the welcome message stops before it is needed."""
    body = content(observation("start", initiated(), then=("welcome",)),
                   observation("welcome", message("Welcome to the help desk."), end_test()))
    result = run_case(desk, body, "-rP")
    result.assert_outcomes(passed=1)
    assert "Lookup" not in result.stdout.str()


def test_observations_nothing_links_to_are_active_from_the_start_in_any_order(desk: pytest.Pytester) -> None:
    body = happy_path()
    # Two unconnected observations, written in the opposite order of their events.
    body["Observations"] += [observation("menu heard", message("Press 1 for sales, 2 to talk to our assistant.")),
                             observation("welcome heard", message("Welcome to the help desk."))]
    run_case(desk, body).assert_outcomes(passed=1)


def test_a_waiting_observation_fails_at_once_naming_what_it_waited_for(desk: pytest.Pytester) -> None:
    body = happy_path()
    body["Observations"].append(observation("goodbye", message("Thank you, goodbye.")))
    result = run_case(desk, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "observation 'goodbye' (MessageReceived Text 'Thank you, goodbye.' (Similarity)) failed at "
        "desk.testcase.json#/Content » /Observations/3: still waiting for its event when EndTest 'end' of "
        "observation 'queued' ended the test; messages that did not match:",
        "*messages that did not match:*",
        "*'Welcome to the help desk.'*similarity 0.* < 0.80",
    ])


def test_observations_after_a_failed_one_are_not_reached(desk: pytest.Pytester) -> None:
    body = happy_path()
    body["Observations"][1]["Actions"].insert(0, check("$.Attributes.tier", "Equals", "silver"))
    result = run_case(desk, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*3 observations: 1 passed, 1 failed, 1 not reached*",
        "*NOT REACHED*queued*",
        "*never active: no observation leading to it ('menu') succeeded",
    ])


def test_similarity_is_approximated_by_words(desk: pytest.Pytester) -> None:
    """Case, punctuation and number words do not matter; a different sentence does."""
    body = happy_path()
    body["Observations"][1]["Event"] = message("press ONE for sales, two to talk to our assistant")
    run_case(desk, body).assert_outcomes(passed=1)
    body["Observations"][1]["Event"] = message("Press 3 for billing")
    run_case(desk, body).assert_outcomes(failed=1)
    body["Observations"][1]["Event"] = message("2 to talk to our", "Inclusion")
    run_case(desk, body).assert_outcomes(passed=1)


def test_usage_counts_matches(desk: pytest.Pytester) -> None:
    """The menu is heard twice (a wrong key, then 1): Exactly 2 needs both."""
    twice = content(
        observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                    mock_lambda(SCORE_ARN, {"score": "1"}, ident="mock score"), then=("menu",)),
        observation("menu", message("Press 1 for sales, 2 to talk to our assistant."),
                    usage={"Type": "Exactly", "Times": 2}, then=("queued",)),
        observation("wrong key first", message("Press 1 for sales, 2 to talk to our assistant."), dtmf("9"),
                    then=("then one",)),
        observation("then one", message("Press 1 for sales, 2 to talk to our assistant."), dtmf("1")),
        observation("queued", started("TransferContactToQueue"), end_test()),
    )
    run_case(desk, twice).assert_outcomes(passed=1)
    twice["Observations"][1]["Usage"] = {"Type": "Exactly", "Times": 3}
    result = run_case(desk, twice)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*'menu'*still waiting for its event (matched 2 of 3 times)*"])
    twice["Observations"][1]["Usage"] = {"Type": "Always"}
    twice["Observations"][1]["Transitions"] = {}
    twice["Observations"][-1]["Event"] = started("TransferContactToQueue")
    run_case(desk, twice).assert_outcomes(passed=1)


def test_the_customer_hangs_up(desk: pytest.Pytester) -> None:
    body = content(
        observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                    then=("menu",)),
        observation("menu", message("Press 1 for sales, 2 to talk to our assistant."), hang_up(), then=("queued",)),
        observation("queued", started("TransferContactToQueue")),
        observation("done", completed(), log_data(tier="$.Attributes.tier")),
    )
    result = run_case(desk, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "observation 'queued' (FlowActionStarted TransferContactToQueue) failed at *: still waiting for its event "
        "when the customer disconnected ('hang up' of observation 'menu'): the contact ended (Amazon Connect would "
        "wait 5 minutes for it, then fail)",
        "*4 observations: 3 passed, 1 failed*",
        "*PASSED*menu*",
        "*FAILED*queued*",
        "*PASSED*done*TestCompleted — when the test completed",
        "*LogData tier = 'gold'",
    ])


def test_log_data_shows_in_the_report(desk: pytest.Pytester) -> None:
    result = run_case(desk, happy_path(log_data(queue="$.Queue.Name", missing="$.Attributes.nothing")), "-rP")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LogData queue = 'Sales'", "*LogData missing = '(unset)'"])


def test_a_chat_entry_point_runs_the_flow_on_chat(desk: pytest.Pytester) -> None:
    """On chat the menu (Get customer input) takes its Error branch: the caller hears nothing more."""
    body = content(observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                               check("$.Channel", "Equals", "CHAT"), then=("done",)),
                   observation("done", completed()))
    run_case(desk, body, channel="CHAT").assert_outcomes(passed=1)


def test_flow_id_by_arn_and_an_unknown_flow(desk: pytest.Pytester) -> None:
    run_case(desk, happy_path(), flow_id=f"{INSTANCE_ARN}/contact-flow/{DESK_ID}").assert_outcomes(passed=1)
    result = run_case(desk, happy_path(), flow_id="0000-not-loaded")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["desk.testcase.json#/EntryPoint: EntryPoint FlowId: no loaded flow is named "
                                 "'0000-not-loaded'*"])


def test_bare_content_needs_the_flow(desk: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_case(desk, "bare", happy_path())
    result = desk.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the test case names no flow: bare Content has no EntryPoint; name the flow "
                                 "(connectflow run-native --flow NAME)*"])
    monkeypatch.chdir(desk.path)
    assert main(["run-native", "bare.testcase.json", "--flow", "Help desk"]) == 0
    out = capsys.readouterr().out
    assert "PASSED bare.testcase.json::bare (3 observations: 3 passed, 0 failed)" in out
    assert "1 passed, 0 failed" in out


def test_run_native_prints_each_observation_and_fails_with_exit_code_1(
    desk: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    write_case(desk, "good", create_request(happy_path(), name="good"))
    write_case(desk, "bad", create_request(happy_path(check("$.Queue.Name", "Equals", "Nope")), name="bad"))
    monkeypatch.chdir(desk.path)
    assert main(["run-native", "good.testcase.json", "bad.testcase.json"]) == 1
    out = capsys.readouterr().out
    assert "PASSED good.testcase.json::good (3 observations: 3 passed, 0 failed)" in out
    assert "FAILED bad.testcase.json::bad" in out
    assert "Assert 'check': $.Queue.Name Equals 'Nope' failed: the value is 'Sales'" in out
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_the_native_files_glob_is_configurable(desk: pytest.Pytester) -> None:
    (desk.path / "desk.connect-test.json").write_text(json.dumps(create_request(happy_path())))
    desk.runpytest("-p", "no:cacheprovider").assert_outcomes()
    result = desk.runpytest("-p", "no:cacheprovider", "--connectflow-native-files", "*.connect-test.json")
    result.assert_outcomes(passed=1)
    desk.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = connect-instance.yaml\n"
                 "connectflow_native_files = *.connect-test.json\n")
    desk.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_hours_of_the_queue_are_matched_when_the_block_names_none() -> None:
    """A Check hours block without HoursOfOperationId checks the queue's hours: an override naming
    those hours answers it."""
    flow = {"Version": "2019-10-30", "StartAction": "Queue", "Metadata": {"name": "Queue hours"}, "Actions": [
        action("Queue", "UpdateContactTargetQueue", {"QueueId": SALES_ARN}, "Hours", errors={"NoMatchingError": "Bye"}),
        action("Hours", "CheckHoursOfOperation", {}, None, conditions={"True": "Open", "False": "Bye"},
               errors={"NoMatchingError": "Bye"}),
        action("Open", "MessageParticipant", {"Text": "We are open."}, "Bye", errors={"NoMatchingError": "Bye"}),
        action("Bye", "DisconnectParticipant", {}),
    ]}
    library = FlowLibrary(parse_json_flow(flow, json.dumps(flow), Path("queue-hours.json")))
    body = content(observation("start", initiated(), mock_hours("InHours", hours="Office hours"), then=("open",)),
                   observation("open", message("We are open.")))
    case = read_test_case_text(json.dumps(create_request(body, flow_id="Queue hours")))
    outcome = run_test_case(case, library, instance=yaml.safe_load(DESK_INSTANCE))
    assert outcome.passed, outcome.render()
    assert [r.status for r in outcome.results] == ["PASSED", "PASSED"]


def test_a_scenario_file_runs_bare_content_on_its_flow(desk: pytest.Pytester) -> None:
    """`native: FILE` in a scenario gives bare Content (no EntryPoint) the flow to start in."""
    checks = desk.mkdir("checks")
    (checks / "sales.json").write_text(json.dumps(happy_path()))
    (checks / "wrong.json").write_text(json.dumps(happy_path(check("$.Queue.Name", "Equals", "Nope", ident="q"))))
    desk.makefile(".connectflow.yaml", test_native="""
scenarios:
  - name: the sales check
    flow: Help desk
    native: checks/sales.json
  - name: a wrong queue
    flow: Help desk
    native: checks/wrong.json
  - name: with inputs too
    flow: Help desk
    native: checks/sales.json
    inputs: ["1"]
""")
    result = desk.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines_random([
        "*test_native.connectflow.yaml::the sales check PASSED*",
        "test_native.connectflow.yaml:5: scenario 'a wrong queue' failed",
        "checks/wrong.json: test case 'wrong' failed",
        "*Assert 'q': $.Queue.Name Equals 'Nope' failed: the value is 'Sales'",
        "test_native.connectflow.yaml:8: a scenario with native: takes its inputs, mocks and checks from the test "
        "case; remove inputs",
    ])


def test_the_entry_point_numbers_and_a_cloudformation_test_case(desk: pytest.Pytester) -> None:
    body = happy_path(check("$.CustomerEndpoint.Address", "Equals", "+12065550142", ident="caller"),
                      check("$.SystemEndpoint.Address", "Equals", "+18005550100", ident="dialled"))
    template = {"Resources": {
        "Desk": {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": "Help desk", "Content": "{}"}},
        "DeskTest": {"Type": "AWS::Connect::TestCase", "Properties": {
            "Name": "from the stack", "Content": json.dumps(body),
            "EntryPoint": {"Type": "VOICE_CALL", "VoiceCallEntryPointParameters": {
                "FlowId": {"Fn::GetAtt": ["Desk", "ContactFlowArn"]}, "SourcePhoneNumber": "+12065550142",
                "DestinationPhoneNumber": "+18005550100"}}}},
    }}
    write_case(desk, "stack", template)
    result = desk.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*stack.testcase.json::from the stack PASSED*"])
