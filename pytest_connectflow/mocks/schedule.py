"""Hours of operation as Amazon Connect keeps them: a weekly schedule in a time zone, with
overrides for dates, evaluated against the simulated clock.

Two spellings are accepted for a day's ranges: the friendly `schedule: {monday: ["09:00-17:00"]}`
and the DescribeHoursOfOperation `config: [{Day: MONDAY, StartTime: {Hours: 9, Minutes: 0},
EndTime: {Hours: 17, Minutes: 0}}]`. A range whose end is not after its start runs past midnight
into the next day (00:00-00:00 is the whole day), as the console's 24-hour setting does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigurationError

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_RANGE_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Range:
    """Open from `start` for `minutes` minutes (may run past midnight)."""

    start: time
    minutes: int


@dataclass(frozen=True)
class Override:
    name: str
    first: date
    last: date
    closed: bool
    ranges: tuple[Range, ...]


@dataclass(frozen=True)
class Schedule:
    name: str
    zone: ZoneInfo
    week: Mapping[str, tuple[Range, ...]]
    overrides: tuple[Override, ...] = ()

    def is_open(self, when: datetime) -> bool:
        """Whether the hours are open at `when` (an aware datetime)."""
        local = when.astimezone(self.zone)
        # A range that started yesterday may still be running.
        for day_offset in (0, -1):
            day = local.date() + timedelta(days=day_offset)
            for rng in self._ranges_on(day):
                start = datetime.combine(day, rng.start, tzinfo=self.zone)
                if start <= local < start + timedelta(minutes=rng.minutes):
                    return True
        return False

    def _ranges_on(self, day: date) -> tuple[Range, ...]:
        for override in self.overrides:
            if override.first <= day <= override.last:
                return () if override.closed else override.ranges
        return self.week.get(DAYS[day.weekday()], ())


def _minutes(start: time, end: time) -> int:
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return span if span > 0 else span + 24 * 60


def _time(hours: Any, minutes: Any, where: str) -> time:
    try:
        h, m = int(hours), int(minutes)
        if h == 24 and m == 0:
            return time(0, 0)
        return time(h, m)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{where}: {hours}:{minutes} is not a time of day") from None


def _parse_range(value: Any, where: str) -> Range:
    if isinstance(value, str):
        match = _RANGE_RE.match(value)
        if not match:
            raise ConfigurationError(f"{where}: {value!r} is not a range like '09:00-17:00'")
        start = _time(match.group(1), match.group(2), where)
        end = _time(match.group(3), match.group(4), where)
        return Range(start, _minutes(start, end))
    if isinstance(value, Mapping) and "start" in value and "end" in value:
        return _parse_range(f"{value['start']}-{value['end']}", where)
    raise ConfigurationError(f"{where}: a range is '09:00-17:00' or {{start: '09:00', end: '17:00'}}, not {value!r}")


def _ranges(values: Any, where: str) -> tuple[Range, ...]:
    if values in (None, "closed", []):
        return ()
    items = values if isinstance(values, Sequence) and not isinstance(values, str) else [values]
    return tuple(_parse_range(v, where) for v in items)


def _date(value: Any, where: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ConfigurationError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_schedule(name: str, spec: Mapping[str, Any]) -> Schedule | None:
    """The schedule of an hours resource of the instance file; None when it has none."""
    where = f"instance hours {name!r}"
    if "schedule" not in spec and "config" not in spec:
        return None
    zone_name = str(spec.get("time_zone") or "UTC")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"{where}: unknown time zone {zone_name!r}") from None
    week: dict[str, list[Range]] = {day: [] for day in DAYS}
    for day, values in (spec.get("schedule") or {}).items():
        key = str(day).upper()
        if key not in DAYS:
            raise ConfigurationError(f"{where}: {day!r} is not a day of the week")
        week[key].extend(_ranges(values, f"{where} {day}"))
    for entry in spec.get("config") or []:
        key = str(entry.get("Day", "")).upper()
        if key not in DAYS:
            raise ConfigurationError(f"{where}: config Day {entry.get('Day')!r} is not a day of the week")
        start_raw, end_raw = entry.get("StartTime") or {}, entry.get("EndTime") or {}
        start = _time(start_raw.get("Hours", 0), start_raw.get("Minutes", 0), where)
        end = _time(end_raw.get("Hours", 0), end_raw.get("Minutes", 0), where)
        week[key].append(Range(start, _minutes(start, end)))
    overrides = []
    for index, raw in enumerate(spec.get("overrides") or []):
        label = f"{where} override {raw.get('name', index + 1)!r}"
        first = _date(raw.get("from"), label)
        last = _date(raw.get("till", raw.get("from")), label)
        ranges = _ranges(raw.get("hours"), label)
        closed = bool(raw.get("closed", not ranges))
        overrides.append(Override(str(raw.get("name", f"override {index + 1}")), first, last, closed, ranges))
    return Schedule(name, zone, {d: tuple(r) for d, r in week.items()}, tuple(overrides))


def parse_clock(value: str | datetime) -> datetime:
    """A scenario's `clock`: ISO 8601 with an offset (e.g. 2026-11-24T09:30:00-05:00)."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ConfigurationError(f"clock {value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise ConfigurationError(f"clock {value!s} needs a UTC offset (e.g. 2026-11-24T09:30:00-05:00)")
    return moment
