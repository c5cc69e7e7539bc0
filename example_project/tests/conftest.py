"""Make the Lambda functions under lambdas/ importable from the tests (`import lookup_customer`)."""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDAS = Path(__file__).resolve().parent.parent / "lambdas"

if str(LAMBDAS) not in sys.path:
    sys.path.insert(0, str(LAMBDAS))
