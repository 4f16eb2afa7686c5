"""Vietnamese date expressions become ISO 8601 dates with a precision."""

import datetime as dt

import pytest

from mapapp.geoparse.dates import find_dates

PUBLISHED = dt.date(2020, 11, 25)


def _read(text, published=PUBLISHED):
    return [(d.surface, d.date, d.date_end, d.precision) for d in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Theo Điện Kremlin, ngày 24/11, ông Putin", [("ngày 24/11", "2020-11-24", None, "day")]),
        (
            "Cũng theo Điện Kremlin, trong các ngày 23 và 24/11, Tổng thống",
            [("ngày 23 và 24/11", "2020-11-23", "2020-11-24", "day")],
        ),
        ("nổ ra từ hôm 27/9 là", [("hôm 27/9", "2020-09-27", None, "day")]),
        ("từ tháng 2/1988.", [("tháng 2/1988", "1988-02", None, "month")]),
        ("đạt được năm 1994 và", [("năm 1994", "1994", None, "year")]),
        (
            "cuộc chiến từ tháng 2/1988 tới tháng 5/1994.",
            [("tháng 2/1988 tới tháng 5/1994", "1988-02", "1994-05", "month")],
        ),
        ("Tuyên bố ngày 9/11 về Nagorno-Karabakh", [("ngày 9/11", "2020-11-09", None, "day")]),
        ("Hôm 24/11/2020, hai bên", [("Hôm 24/11/2020", "2020-11-24", None, "day")]),
        ("vào 24/11/2020.", [("24/11/2020", "2020-11-24", None, "day")]),
        (
            "ngày 3 tháng 12 năm 2020, Bộ",
            [("ngày 3 tháng 12 năm 2020", "2020-12-03", None, "day")],
        ),
        ("trong các ngày 1 đến 3/11", [("ngày 1 đến 3/11", "2020-11-01", "2020-11-03", "day")]),
        ("từ 27/9 đến 3/10", [("27/9 đến 3/10", "2020-09-27", "2020-10-03", "day")]),
        ("cuộc chiến năm 1988-1994.", [("năm 1988-1994", "1988", "1994", "year")]),
        ("tháng 5 năm 2019", [("tháng 5 năm 2019", "2019-05", None, "month")]),
        ("Hôm nay (24/11), Nga", [("24/11", "2020-11-24", None, "day")]),
        ("rạng sáng 10/10, Ngoại trưởng", [("10/10", "2020-10-10", None, "day")]),
        # Other outlets' styles: day and month joined by a dot; two days sharing one month
        # written with a dash or a dot.
        ("Hôm 14.8, đoàn công tác", [("Hôm 14.8", "2020-08-14", None, "day")]),
        ("ký kết ngày 3.2.", [("ngày 3.2", "2020-02-03", None, "day")]),
        ("họp ngày 7 và 8-6 tại", [("ngày 7 và 8-6", "2020-06-07", "2020-06-08", "day")]),
        ("các ngày 7 và 8.6, hai", [("ngày 7 và 8.6", "2020-06-07", "2020-06-08", "day")]),
    ],
)
def test_date_expressions(text, expected):
    assert _read(text) == expected


def test_two_days_joined_by_and_that_are_not_consecutive_are_two_dates():
    assert _read("ngày 3 và 10/11") == [
        ("ngày 3", "2020-11-03", None, "day"),
        ("10/11", "2020-11-10", None, "day"),
    ]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("ngày 28/12", dt.date(2021, 1, 3), "2020-12-28"),
        ("ngày 2/1", dt.date(2021, 1, 3), "2021-01-02"),
        ("ngày 3/1", dt.date(2021, 1, 3), "2021-01-03"),
        ("ngày 20/3", dt.date(2021, 1, 3), "2020-03-20"),
        ("trước ngày 15/11", dt.date(2020, 11, 10), "2019-11-15"),
        ("phải trao trả huyện Kalbajar trước ngày 15/11", dt.date(2020, 11, 10), "2020-11-15"),
        ("ngày 4/1", dt.date(2021, 1, 3), "2020-01-04"),
        ("tuần cuối tháng 12", dt.date(2021, 1, 3), "2020-12"),
        ("trong tháng 1", dt.date(2021, 1, 3), "2021-01"),
        ("ngày 24/11", dt.date(2020, 11, 25), "2020-11-24"),
    ],
)
def test_a_date_without_year_takes_the_publication_year_or_the_year_before(
    text, published, expected
):
    # the year before whenever the date would fall after publication
    (date,) = find_dates(text, published)
    assert date.date == expected


def test_a_range_across_new_year_takes_the_year_before_for_its_start():
    (date,) = find_dates("từ ngày 30/12 đến 2/1,", dt.date(2021, 1, 3))
    assert (date.date, date.date_end) == ("2020-12-30", "2021-01-02")


def test_a_coming_date_is_not_rolled_back():
    published = dt.date(2020, 9, 1)
    assert _read("vào ngày 30/11 tới, hai bên", published) == [
        ("ngày 30/11", "2020-11-30", None, "day")
    ]
    # "tới Yerevan" is a destination, not "the coming 21/11"
    assert _read("chuyến đi ngày 21/11 tới Yerevan", published)[0][1] == "2019-11-21"


@pytest.mark.parametrize(
    "text",
    [
        "đại dịch Covid-19 lan rộng",
        "2 máy bay An-124 và 18 máy bay IL-76",
        "tổng cộng 1.960 quân nhân",
        "250 chuyến bay đã được thực hiện",
        "thắng 2/3 số phiếu",
        "5 năm tới",
        "ngày 31/2",
        "Trong một tháng rưỡi xung đột",
        "năm nay",
        "mỗi ngày 3.2 triệu lượt khách",
        "hôm 14.8,5 người",
        "ngày 2 và 3-4 người",
        "doanh thu đạt 3.2 triệu USD",
    ],
)
def test_not_dates(text):
    assert find_dates(text, PUBLISHED) == []


def test_spans_index_the_text():
    text = "Theo Điện Kremlin, ngày 24/11, và trong các ngày 23 và 24/11, từ tháng 2/1988."
    dates = find_dates(text, PUBLISHED)
    assert len(dates) == 3
    for date in dates:
        assert text[date.start : date.end] == date.surface


def test_a_range_is_placed_by_its_first_date():
    # published during the summit: under way, not a year old
    (date,) = find_dates("diễn ra từ ngày 8 đến 11/10.", dt.date(2024, 10, 10))
    assert (date.date, date.date_end) == ("2024-10-08", "2024-10-11")
    (date,) = find_dates("từ ngày 30/12 đến 2/1,", dt.date(2025, 1, 4))
    assert (date.date, date.date_end) == ("2024-12-30", "2025-01-02")


def test_two_years_joined_by_and_are_two_dates_unless_consecutive():
    assert _read("sau các năm 2004 và 2016.") == [
        ("năm 2004", "2004", None, "year"),
        ("2016", "2016", None, "year"),
    ]
    assert _read("trong năm 2019 và 2020,") == [("năm 2019 và 2020", "2019", "2020", "year")]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("từ nay đến ngày 6/1, mưa", dt.date(2025, 1, 4), "2025-01-06"),
        ("hội nghị sẽ họp tại Berlin vào ngày 20/1.", dt.date(2023, 1, 12), "2023-01-20"),
        ("dự kiến khởi công từ ngày 15/2", dt.date(2023, 1, 12), "2023-02-15"),
        # without a plan or a "from now", a later day is still last year's
        ("hội nghị họp tại Berlin ngày 20/1.", dt.date(2023, 1, 12), "2022-01-20"),
    ],
)
def test_a_planned_date_or_the_end_of_a_stretch_from_now_is_to_come(text, published, expected):
    (date,) = find_dates(text, published)
    assert date.date == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A dash between day and month after a day word or a time of day (Tuổi Trẻ's style).
        ("từ 13 giờ hôm 20-9 theo giờ", [("hôm 20-9", "2020-09-20", None, "day")]),
        ("Đến chiều 8-9, nhiều tuyến", [("8-9", "2020-09-08", None, "day")]),
        ("ngày 20-9-2023", [("ngày 20-9-2023", "2023-09-20", None, "day")]),
        # ... but a dash between counts is not a date.
        ("trong 2-3 ngày", []),
        ("sáng 2-3 giờ", []),
        ("thắng 3-1", []),
        # A month of last, this or next year.
        ("từ tháng 12 năm ngoái, khi", [("tháng 12 năm ngoái", "2019-12", None, "month")]),
        ("vào tháng 3 năm tới.", [("tháng 3 năm tới", "2021-03", None, "month")]),
        # A quarter is its three months.
        ("trong quý III/2024, khi", [("quý III/2024", "2024-07", "2024-09", "month")]),
        ("quý 1 năm 2023", [("quý 1 năm 2023", "2023-01", "2023-03", "month")]),
        # Two years joined by a dash, without "năm".
        ("trong giai đoạn 2021-2025.", [("2021-2025", "2021", "2025", "year")]),
        ("cuộc chiến 1988–1994 khiến", [("1988–1994", "1988", "1994", "year")]),
        ("mã số 2020-2016", []),
    ],
)
def test_dashes_quarters_and_relative_years(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mátxcơva, 2/3 (TTXVN) - Bộ Quốc phòng Nga cho biết", [("2/3", "2025-03-02")]),
        ("Thành phố Hồ Chí Minh, 28.2 (VNA) – Sáng nay", [("28.2", "2025-02-28")]),
        # Not a dateline: no agency in brackets and a dash after it, or not at a line's start.
        ("Kết quả, 2/3 số phiếu ủng hộ.", []),
        ("Phóng viên đưa tin. Mátxcơva, 2/3 (TTXVN) - x", []),
    ],
)
def test_a_wire_dateline_dates_the_report(text, expected):
    found = find_dates(text, dt.date(2025, 3, 2))
    assert [(d.surface, d.date) for d in found] == expected


def test_a_date_to_come_is_the_next_one_from_publication():
    published = dt.date(2023, 12, 12)
    assert [d.date for d in find_dates("họp vào ngày 22-1 tới.", published)] == ["2024-01-22"]
    assert [d.date for d in find_dates("vào tháng 2 tới,", published)] == ["2024-02"]
    assert [d.date for d in find_dates("ngày 30/12 tới,", published)] == ["2023-12-30"]
