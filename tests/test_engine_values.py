"""References, rendering and the condition operators."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_connectflow.engine import compare, values

DATA: dict[str, Any] = {
    "Attributes": {"first-name": "Ana", "my key": "v", "n": "5"},
    "External": {"Name": {"First": "Bo"}, "list": ["a", "b"]},
    "k": "top",
}


def lookup(parts: list[str]) -> Any:
    return values.walk(DATA, parts)


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("Hi $.Attributes.first-name.", "Hi Ana."),
        ("Hi $.Attributes['my key']!", "Hi v!"),
        ("$.['k'] and $.k", "top and top"),
        ("Dear $.External.Name.First, bye", "Dear Bo, bye"),
        ("missing: [$.Attributes.nope]", "missing: []"),
        ("costs $5.00", "costs $5.00"),
        ("$.External.list[1]", "b"),
    ],
)
def test_render_substitutes_references(text: str, rendered: str) -> None:
    assert values.render(text, lookup) == rendered


def test_whole_reference_resolves_to_value_or_none() -> None:
    assert values.resolve("$.Attributes.n", lookup) == "5"
    assert values.resolve("$.Attributes.unset", lookup) is None
    assert values.resolve("$.External.Name", lookup) == '{"First":"Bo"}'
    assert values.resolve(True, lookup) == "true"
    assert values.resolve(3, lookup) == "3"


@pytest.mark.parametrize(
    ("operator", "left", "operand", "expected"),
    [
        ("Equals", "1", "1", True),
        ("Equals", "Gold", "gold", False),
        ("Equals", " 1", "1", False),
        ("TextStartsWith", "+44123", "+44", True),
        ("TextEndsWith", "file.wav", ".wav", True),
        ("TextContains", "hello world", "lo w", True),
        ("TextContains", "hello", "x", False),
        ("NumberGreaterThan", "10", "9", True),
        ("NumberGreaterThan", "10.0", "10", False),
        ("NumberLessThan", "-1", "0", True),
        ("NumberGreaterOrEqualTo", "5", "5.00", True),
        ("NumberLessOrEqualTo", "5.01", "5", False),
        ("NumberGreaterThan", "abc", "1", False),
        ("NumberGreaterThan", "NaN", "1", False),
        ("NumberLessThan", "Infinity", "1e999", False),
        ("Equals", None, "", False),
        ("TextContains", None, "", False),
    ],
)
def test_condition_operators(operator: str, left: str | None, operand: str, expected: bool) -> None:
    assert compare.matches(operator, left, operand) is expected


def test_unknown_operator_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        compare.matches("Exists", "x", "")
