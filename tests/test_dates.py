"""The date rule a ``paper`` directive's ``:added:`` and ``:updated:`` follow."""

from __future__ import annotations

import pytest
from paperrefs.dates import ADDED_MISSING, date_problems, is_iso_date


@pytest.mark.parametrize("value", ["2024-07-04", "2024-02-29", "1999-12-31"])
def test_iso_dates_of_real_days_are_dates(value: str) -> None:
    assert is_iso_date(value)


@pytest.mark.parametrize(
    "value",
    ["", "2024-7-4", "2024-13-01", "2023-02-29", "20240704", "2024-07-04T10:00", "'2024-07-04'"],
)
def test_anything_else_is_not(value: str) -> None:
    assert not is_iso_date(value)


def test_good_dates_have_no_problem() -> None:
    assert date_problems("2024-07-04", None) == []
    assert date_problems("2024-07-04", "2024-08-01, 2024-07-04") == []


def test_each_problem_in_the_build_s_words_and_order() -> None:
    assert date_problems(None, None) == [ADDED_MISSING]
    assert date_problems("", None) == [":added: '' is not a date of the form YYYY-MM-DD"]
    assert date_problems("2024-07-04", "2024-08-01, nope, 2024-07-01") == [
        ":updated: 'nope' is not a date of the form YYYY-MM-DD",
        ":updated: 2024-07-01 is before :added: 2024-07-04; swapped by mistake?",
    ]
    # An :added: that is not a date cannot be out of order.
    assert date_problems("July 4", "2020-01-01") == [
        ":added: 'July 4' is not a date of the form YYYY-MM-DD"
    ]
