"""Condition operators of the Flow language with Connect's string and number rules.

Equals and the Text* operators compare strings exactly (no trimming, no case folding); Number*
operators are false when either side is not a finite number. An unset value matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache


@lru_cache(maxsize=8192)
def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _numeric(test: Callable[[Decimal, Decimal], bool]) -> Callable[[str, str], bool]:
    def compare(left: str, right: str) -> bool:
        a, b = _number(left), _number(right)
        return a is not None and b is not None and test(a, b)

    return compare


OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "Equals": lambda left, right: left == right,
    "TextStartsWith": lambda left, right: left.startswith(right),
    "TextEndsWith": lambda left, right: left.endswith(right),
    "TextContains": lambda left, right: right in left,
    "NumberGreaterThan": _numeric(lambda a, b: a > b),
    "NumberLessThan": _numeric(lambda a, b: a < b),
    "NumberGreaterOrEqualTo": _numeric(lambda a, b: a >= b),
    "NumberLessOrEqualTo": _numeric(lambda a, b: a <= b),
}


def matches(operator: str, left: str | None, operand: str) -> bool:
    """Whether `left <operator> operand` holds; raises KeyError for an unknown operator."""
    test = OPERATORS[operator]
    return left is not None and test(left, operand)
