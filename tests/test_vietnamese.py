"""Day-first Vietnamese dates in +07:00, NFC and search folding."""

import unicodedata

import pytest

from scraper.vietnamese import fold, nfc, parse_vn_datetime


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thứ hai - 17/07/2023 05:44", "2023-07-17T05:44:00+07:00"),
        ("Thứ Bảy, 03/06/2023 558 lượt xem", "2023-06-03T00:00:00+07:00"),
        ("(07/06/2023 4:27 CH)", "2023-06-07T16:27:00+07:00"),
        ("(07/06/2023 8:10 SA)", "2023-06-07T08:10:00+07:00"),
        ("Ngày đăng: 01/08/2023 12:05 SA", "2023-08-01T00:05:00+07:00"),
        ("15:55 | 10/07/2026", "2026-07-10T15:55:00+07:00"),
        ("Đăng ngày 21 - 03 - 2023", "2023-03-21T00:00:00+07:00"),
        ("ngày 26 tháng 6 năm 2023", "2023-06-26T00:00:00+07:00"),
        ("Thứ sáu, ngày 4/3/2022", "2022-03-04T00:00:00+07:00"),
        ("05/03/24", "2024-03-05T00:00:00+07:00"),
        ("2023-07-17T05:44:00+07:00", "2023-07-17T05:44:00+07:00"),
        ("2023-07-16T22:44:00Z", "2023-07-17T05:44:00+07:00"),
        ("2023-07-16T22:44:00.000+0000", "2023-07-17T05:44:00+07:00"),
        ("2023-07-17+0705:44:00", "2023-07-17T00:00:00+07:00"),
    ],
    ids=["nukeviet", "weekday-views", "sharepoint-ch", "sharepoint-sa", "midnight-sa", "liferay",
         "dang-ngay", "worded", "day-first-ambiguous", "two-digit-year", "iso", "iso-utc", "iso-utc-millis",
         "nukeviet-malformed-og"],
)
def test_parse_vn_datetime(raw, expected):
    assert parse_vn_datetime(raw).isoformat() == expected


@pytest.mark.parametrize(("raw", "precision"), [("17/07/2023 05:44", "minute"), ("17/07/2023", "day"),
                                                ("Số tháng 3/2024", "month"), ("tháng 11 năm 2024", "month")])
def test_precision(raw, precision):
    assert parse_vn_datetime(raw).precision == precision


@pytest.mark.parametrize("raw", ["© 2019", "Bản quyền 2019", "31/02/2023", "", "173 0"],
                         ids=["copyright", "year-only", "impossible-day", "empty", "counts"])
def test_no_date_is_invented(raw):
    assert parse_vn_datetime(raw) is None


def test_month_only_date_is_the_first_of_the_month():
    assert parse_vn_datetime("Bản tin tháng 3/2024").isoformat() == "2024-03-01T00:00:00+07:00"


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Định Quán")
    assert nfc(decomposed) == "Định Quán"


def test_nfc_removes_zero_width_and_soft_hyphen():
    assert nfc("Ủy\u200b ban\u00ad nhân\ufeff dân") == "Ủy ban nhân dân"


def test_fold_treats_d_stroke_as_d():
    assert fold("ĐỊNH Quán, Điền") == "dinh quan, dien"
