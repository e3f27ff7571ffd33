"""The place-and-date line of an official document (Nghị định 30/2020/NĐ-CP art. 8)."""

from __future__ import annotations

from datetime import date

from service.documents import layout


def test_place_and_date_with_the_leading_zeros_the_decree_asks_for() -> None:
    assert layout.place_date("Sơn La", date(2026, 2, 5)) == "Sơn La, ngày 05 tháng 02 năm 2026"
    assert layout.place_date("Quảng Trị", date(2026, 11, 30)) == "Quảng Trị, ngày 30 tháng 11 năm 2026"


def test_an_agency_whose_place_is_unknown_gets_dots_for_the_clerk_not_a_leading_comma() -> None:
    line = layout.place_date("", date(2026, 11, 30))
    assert line == "……, ngày 30 tháng 11 năm 2026" and not line.startswith(",")
