"""The statistics' periods of Thông tư 02/2021/TT-TTCP: quarters, six months, nine months and the year.

Figures are cut off on a day of each period's closing month (March, June, September, December; the
plan's `[statistics] cutoff_day`, 14 by default as TT02 sets it) and a period starts the day after the
previous one's cut-off. The year Y therefore runs from the day after the cut-off in December of Y-1 to
the cut-off in December of Y (15/12/Y-1 to 14/12/Y by default), and the four quarters tile it: every
day belongs to exactly one quarter, and the six-month, nine-month and annual periods are unions of
consecutive quarters that all start where the first quarter does. Pure date arithmetic, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..usecases.errors import Invalid

KINDS = ("q1", "q2", "q3", "q4", "h1", "m9", "year")
"""Quarter I-IV, the first six months, nine months, the whole year."""
QUARTERS_OF = {"q1": (1, 1), "q2": (2, 2), "q3": (3, 3), "q4": (4, 4), "h1": (1, 2), "m9": (1, 3), "year": (1, 4)}
"""The first and last quarter each kind of period spans."""
DEFAULT_CUTOFF = 14


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind, the year it reports on, and its first and last day (both counted)."""

    kind: str
    year: int
    start: date
    end: date

    def contains(self, day: date) -> bool:
        """Whether `day` is one of the period's days."""
        return self.start <= day <= self.end

    @property
    def previous_end(self) -> date:
        """The last day of the period just before this one (whose open petitions this one carries over)."""
        return self.start - timedelta(days=1)


def _cutoff(year: int, quarter: int, cutoff_day: int) -> date:
    return date(year, 3 * quarter, cutoff_day)


def _check(cutoff_day: int) -> None:
    if not 1 <= cutoff_day <= 28:
        raise Invalid("the cut-off day must be between 1 and 28", ["cutoff_day: 1-28"])


def period(kind: str, year: int, cutoff_day: int = DEFAULT_CUTOFF) -> Period:
    """The period `kind` of `year` under the cut-off day."""
    _check(cutoff_day)
    if kind not in QUARTERS_OF:
        raise Invalid(f"unknown period '{kind}'", [f"period: one of {', '.join(KINDS)}"])
    first, last = QUARTERS_OF[kind]
    before = _cutoff(year - 1, 4, cutoff_day) if first == 1 else _cutoff(year, first - 1, cutoff_day)
    return Period(kind, year, before + timedelta(days=1), _cutoff(year, last, cutoff_day))


def quarter_of(day: date, cutoff_day: int = DEFAULT_CUTOFF) -> Period:
    """The one quarter `day` belongs to (a day after December's cut-off opens the next year's first quarter)."""
    _check(cutoff_day)
    if day > _cutoff(day.year, 4, cutoff_day):
        return period("q1", day.year + 1, cutoff_day)
    quarter = next(q for q in (1, 2, 3, 4) if day <= _cutoff(day.year, q, cutoff_day))
    return period(f"q{quarter}", day.year, cutoff_day)
