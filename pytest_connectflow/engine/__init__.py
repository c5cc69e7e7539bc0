"""Running flows: contact state, values, comparisons, the step loop and its trace.

Nothing here imports pytest; the plugin and the CLI are thin shells over this package.
"""

from .contact import Contact, MediaStream, MediaStreamEvent, QueueRef
from .instance import Instance
from .outcome import Outcome
from .runner import RunSettings, run_flow
from .trace import Step, Trace

__all__ = [
    "Contact",
    "Instance",
    "MediaStream",
    "MediaStreamEvent",
    "Outcome",
    "QueueRef",
    "RunSettings",
    "Step",
    "Trace",
    "run_flow",
]
