"""Date terms of the query language: parsing `date:` / `listed:` values and resolving them to
half-open ranges of ISO dates when a query runs (relative dates depend on "today").

Two kinds of value:

* **periods** - `2026-11-20`, `2026-11`, `2026`, `today`, `yesterday`, `this-week` (Monday to
  Sunday), `this-month`, and ranges `A..B` of those. `=` (or nothing) means within the period,
  `>=` from its start on, `>` after it, `<` before it, `<=` up to its end.
* **ages** - `Nd`, `Nw`, `Nm`, `Ny` (days, weeks, calendar months, years ago). Comparisons are
  about the paper's *age*: `date:<7d` is "less than 7 days old" (today and the 6 days before),
  `date:>30d` "older than 30 days", and a bare `date:7d` means `<=7d` ("within the last 7 days").

A paper's date is compared on its first ten characters, so `2026-08-10T00:00:00Z` counts as
`2026-08-10`. Papers without the date never match a date term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

OPERATORS: tuple[str, ...] = (">=", "<=", ">", "<", "=")
_AGE = re.compile(r"^(\d{1,5})([dwmy])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


class DateSpecError(ValueError):
    """A date value the language does not understand (the parser adds the position)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """A half-open range of ISO dates: low <= d < high (None = unbounded)."""

    low: str | None
    high: str | None

    def contains(self, value: str | None) -> bool:
        """True when an ISO date (or datetime) string falls inside."""
        if not value:
            return False
        day = value[:10]
        return (self.low is None or day >= self.low) and (self.high is None or day < self.high)


def validate(op: str, spec: str) -> None:
    """Raise DateSpecError if `spec` (with comparison `op`) cannot be resolved."""
    resolve(op, spec, date(2000, 1, 1))


def resolve(op: str, spec: str, today: date) -> Bounds:
    """The dates `op spec` selects, relative dates counted back from `today`."""
    try:
        return _resolve(op, spec, today)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateSpecError):
            raise
        raise DateSpecError(f"date out of range '{spec}'") from None


def _resolve(op: str, spec: str, today: date) -> Bounds:
    age = _AGE.match(spec)
    if age:
        cutoff_day = _ago(today, int(age.group(1)), age.group(2))
        cutoff = cutoff_day.isoformat()
        after_cutoff = (cutoff_day + timedelta(days=1)).isoformat()
        if op == "<":
            return Bounds(after_cutoff, None)
        if op in ("", "=", "<="):
            return Bounds(cutoff, None)
        if op == ">":
            return Bounds(None, cutoff)
        return Bounds(None, after_cutoff)  # ">="
    if ".." in spec:
        if op not in ("", "="):
            raise DateSpecError(f"a date range cannot take '{op}'")
        first, _, last = spec.partition("..")
        low = _period(first, today)[0] if first else None
        high = _period(last, today)[1] if last else None
        if low is None and high is None:
            raise DateSpecError("empty date range")
        return Bounds(low.isoformat() if low else None, high.isoformat() if high else None)
    start, end = _period(spec, today)
    if op in ("", "="):
        return Bounds(start.isoformat(), end.isoformat())
    if op == ">=":
        return Bounds(start.isoformat(), None)
    if op == ">":
        return Bounds(end.isoformat(), None)
    if op == "<":
        return Bounds(None, start.isoformat())
    return Bounds(None, end.isoformat())  # "<="


def _period(spec: str, today: date) -> tuple[date, date]:
    """[start, end) of an absolute or named period."""
    try:
        if _DAY.match(spec):
            day = date.fromisoformat(spec)
            return day, day + timedelta(days=1)
        if _MONTH.match(spec):
            first = date(int(spec[:4]), int(spec[5:7]), 1)
            return first, _add_months(first, 1)
        if _YEAR.match(spec):
            year = int(spec)
            return date(year, 1, 1), date(year + 1, 1, 1)
    except ValueError:
        raise DateSpecError(f"bad date '{spec}'") from None
    if spec == "today":
        return today, today + timedelta(days=1)
    if spec == "yesterday":
        return today - timedelta(days=1), today
    if spec == "this-week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=7)
    if spec == "this-month":
        first = today.replace(day=1)
        return first, _add_months(first, 1)
    if spec == "this-year":
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    raise DateSpecError(
        f"bad date '{spec}' (use YYYY-MM-DD, YYYY-MM, YYYY, Nd/Nw/Nm/Ny, "
        "today, yesterday, this-week, this-month)"
    )


def _ago(today: date, count: int, unit: str) -> date:
    if unit == "d":
        return today - timedelta(days=count)
    if unit == "w":
        return today - timedelta(weeks=count)
    if unit == "m":
        return _add_months(today, -count)
    return _add_months(today, -12 * count)


def _add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the end of shorter months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)
