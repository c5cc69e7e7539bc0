"""AWS Lambda function (InvokeLambdaFunction): results come from mocks."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
from ..mocks import lambdas
from . import checks
from .registry import BlockSpec


def run_lambda(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    ref = ctx.resolve(params.get("LambdaFunctionARN"))
    # Parameters may pass on the previous result ($.External.x): resolve them before
    # $.External, which holds the last result only, is cleared for this call.
    parameters = ctx.resolve_map(params.get("LambdaInvocationAttributes"))
    ctx.contact.external = {}
    if not ref:
        return error(note=f"LambdaFunctionARN {params.get('LambdaFunctionARN')!r} is unset")
    validation = params.get("ResponseValidation")
    response_type = str(validation.get("ResponseType", "STRING_MAP")) if isinstance(validation, dict) else "STRING_MAP"
    try:
        timeout = float(str(params.get("InvocationTimeLimitSeconds", "3")))
    except ValueError:
        timeout = 3.0
    raw = params.get("LambdaFunctionARN")
    response, failure = lambdas.invoke(
        ctx, action, ref, parameters, response_type, timeout, raw if isinstance(raw, str) else ""
    )
    name = ctx.resource_name(ref, action, "LambdaFunctionARN", "lambda")
    if response is None:
        return error(note=f"{name}: {failure}")
    if str(params.get("InvocationType", "SYNCHRONOUS")).upper() == "ASYNCHRONOUS":
        return success(f"{name} invoked asynchronously")
    ctx.contact.external = response
    return success(f"{name} returned {len(response)} key(s)")


def check(action: Action) -> list[checks.Finding]:
    problems = checks.required(action, "LambdaFunctionARN")
    asynchronous = str(action.parameters.get("InvocationType", "SYNCHRONOUS")).upper() == "ASYNCHRONOUS"
    problems += checks.whole_number(
        action, "InvocationTimeLimitSeconds", 1, 60 if asynchronous else 8, optional=True
    )
    problems += checks.enum(action, "InvocationType", ("SYNCHRONOUS", "ASYNCHRONOUS"), optional=True)
    problems += checks.object_param(action, "LambdaInvocationAttributes", optional=True)
    validation = action.parameters.get("ResponseValidation")
    if validation is not None and (
        not isinstance(validation, dict) or validation.get("ResponseType") not in ("STRING_MAP", "JSON")
    ):
        problems += checks.errors(
            f"ResponseValidation must be {{ResponseType: STRING_MAP or JSON}}, not {validation!r}"
        )
    return problems


SPECS = (
    BlockSpec(
        action_type="InvokeLambdaFunction",
        run=run_lambda,
        console_name="AWS Lambda function",
        branches=("Success", "NoMatchingError"),
        model="Builds the ContactFlowEvent Amazon Connect sends, answers it from the mock, validates "
        "the response (STRING_MAP: flat strings, nested → Error; JSON: nested kept; 32 KB) and "
        "replaces $.External with it. A failing mock or invalid response takes Error.",
        mocks="mocks.lambdas by function name or ARN (map, list per call, {error: true}, callable)",
        family="lambda functions",
        check=check,
    ),
)
