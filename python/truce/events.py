"""truce.events: event files (UCDP GED, ACLED) to counts by period and group."""
from ._evidence import EventTable, TruceWarning, aggregate

__all__ = ["aggregate", "EventTable", "TruceWarning"]
