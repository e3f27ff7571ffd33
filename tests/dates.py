"""Today as the service sees it: in the deployment's zone (Vietnam), by the service clock.

Dates a step records are checked against that day (nothing after it, nothing before the petition
was received), so a test that took the machine's UTC date would fail every evening from 17:00 UTC.
"""

from __future__ import annotations

from datetime import date

from service.config import Settings
from service.usecases import facts


def service_today() -> date:
    """The deployment's today (`PETITIONFLOW_TIMEZONE`'s default zone)."""
    return facts.today(Settings().timezone)
