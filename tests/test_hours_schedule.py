"""Weekly hours of operation with a time zone and overrides, against a clock."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_connectflow import ConfigurationError
from pytest_connectflow.mocks.schedule import parse_clock, parse_schedule

OFFICE: dict[str, Any] = {
    "time_zone": "America/New_York",
    "schedule": {
        "monday": ["09:00-17:00"],
        "tuesday": [{"start": "09:00", "end": "12:00"}, "13:00-17:00"],
        "friday": ["22:00-02:00"],
        "sunday": ["00:00-00:00"],
    },
    "overrides": [
        {"name": "Thanksgiving", "from": "2026-11-26", "closed": True},
        {"name": "Black Friday", "from": "2026-11-27", "till": "2026-11-27", "hours": ["08:00-20:00"]},
    ],
}


@pytest.mark.parametrize(
    ("clock", "is_open"),
    [
        ("2026-11-23T09:00:00-05:00", True),  # Monday opening minute
        ("2026-11-23T08:59:59-05:00", False),
        ("2026-11-23T17:00:00-05:00", False),  # the end is exclusive
        ("2026-11-23T14:30:00+00:00", True),  # 09:30 in New York
        ("2026-11-24T12:30:00-05:00", False),  # Tuesday lunch
        ("2026-11-24T13:00:00-05:00", True),
        ("2026-11-26T10:00:00-05:00", False),  # Thanksgiving override: closed
        ("2026-11-27T19:00:00-05:00", True),  # Black Friday override hours
        ("2026-11-27T07:00:00-05:00", False),
        ("2026-11-21T01:30:00-05:00", True),  # Friday's 22:00-02:00 runs into Saturday
        ("2026-11-21T02:00:00-05:00", False),
        ("2026-11-28T01:30:00-05:00", False),  # that Friday was overridden (Black Friday hours)
        ("2026-11-29T23:59:00-05:00", True),  # Sunday 00:00-00:00 is the whole day
        ("2026-11-25T10:00:00-05:00", False),  # Wednesday: no hours
        ("2026-07-06T09:30:00-04:00", True),  # daylight saving time
        ("2026-07-06T12:45:00+00:00", False),  # 08:45 EDT
    ],
)
def test_is_open(clock: str, is_open: bool) -> None:
    schedule = parse_schedule("Office hours", OFFICE)
    assert schedule is not None
    assert schedule.is_open(parse_clock(clock)) is is_open


def test_api_config_shape_is_accepted() -> None:
    schedule = parse_schedule("Support", {
        "time_zone": "Europe/London",
        "config": [{"Day": "MONDAY", "StartTime": {"Hours": 8, "Minutes": 30}, "EndTime": {"Hours": 18, "Minutes": 0}}],
    })
    assert schedule is not None
    assert schedule.is_open(parse_clock("2026-11-23T08:30:00+00:00"))
    assert not schedule.is_open(parse_clock("2026-11-23T18:00:00+00:00"))


def test_no_schedule_gives_none() -> None:
    assert parse_schedule("Plain", {"arn": "arn:aws:connect:::hours"}) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"time_zone": "Mars/Olympus", "schedule": {}}, "unknown time zone 'Mars/Olympus'"),
        ({"schedule": {"funday": ["09:00-17:00"]}}, "'funday' is not a day of the week"),
        ({"schedule": {"monday": ["9 to 5"]}}, "'9 to 5' is not a range like '09:00-17:00'"),
        ({"schedule": {}, "overrides": [{"name": "x", "from": "someday"}]}, "'someday' is not a date"),
    ],
)
def test_bad_schedules_are_clear_errors(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_schedule("Office hours", spec)


def test_clock_needs_an_offset() -> None:
    with pytest.raises(ConfigurationError, match="needs a UTC offset"):
        parse_clock("2026-11-24T09:30:00")
    with pytest.raises(ConfigurationError, match="is not an ISO 8601"):
        parse_clock("tuesday morning")
    assert parse_clock("2026-11-24T14:30:00Z").utcoffset() is not None
