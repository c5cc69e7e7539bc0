"""lookupCustomer: the Lambda function the Main IVR calls to recognise the caller.

Amazon Connect invokes it with a ContactFlowEvent: the block's "Function input parameters" under
Details.Parameters and the contact under Details.ContactData. The block validates the response as
STRING_MAP, so the function returns a flat map of strings, which the flow reads as $.External.*.

A real function would query a CRM or DynamoDB; this one keeps a small table in code.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

CUSTOMERS = {
    "+12065550142": {"tier": "gold", "firstName": "Ana"},
    "+12065550187": {"tier": "silver", "firstName": "Bo"},
}


def caller_number(event: dict[str, Any]) -> str | None:
    """The number the flow passed as `callerNumber`, else the contact's customer endpoint."""
    details = event.get("Details") or {}
    number = (details.get("Parameters") or {}).get("callerNumber")
    if number:
        return str(number)
    endpoint = (details.get("ContactData") or {}).get("CustomerEndpoint") or {}
    address = endpoint.get("Address")
    return str(address) if address else None


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    number = caller_number(event)
    contact_id = (event.get("Details") or {}).get("ContactData", {}).get("ContactId")
    customer = CUSTOMERS.get(number or "")
    logger.info("contact %s: caller %s %s", contact_id, number, "known" if customer else "unknown")
    if customer is None:
        return {"tier": "standard"}
    return dict(customer)
