"""Vietnamese numbers with their units, qualifiers and model designations."""

import pytest

from mapapp.geoparse.quantities import find_quantities


def _read(text):
    return [(q.surface, q.value, q.unit, q.qualifier, q.detail) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.960 người và", [("1.960 người", 1960, "people", None, None)]),
        ("hơn 4.000 người đã", [("hơn 4.000 người", 4000, "people", "more_than", None)]),
        ("gần 600 người", [("gần 600 người", 600, "people", "nearly", None)]),
        ("khoảng 100 km", [("khoảng 100 km", 100, "km", "about", None)]),
        ("ít nhất 5 năm tới", [("ít nhất 5 năm", 5, "years", "at_least", None)]),
        ("2,5 km", [("2,5 km", 2.5, "km", None, None)]),
        ("dài 28 km", [("28 km", 28, "km", None, None)]),
        ("250 chuyến bay", [("250 chuyến bay", 250, "flights", None, None)]),
        ("552 thiết bị", [("552 thiết bị", 552, "equipment", None, None)]),
        ("23 trạm quan sát", [("23 trạm quan sát", 23, "observation_posts", None, None)]),
        ("90 xe bọc thép", [("90 xe bọc thép", 90, "armoured_vehicles", None, None)]),
        ("380 xe cơ giới", [("380 xe cơ giới", 380, "vehicles", None, None)]),
        ("20 máy bay vận tải", [("20 máy bay vận tải", 20, "aircraft", None, None)]),
        ("hàng nghìn người", [("hàng nghìn người", 1000, "people", "thousands", None)]),
        ("hàng trăm binh sĩ", [("hàng trăm binh sĩ", 100, "personnel", "hundreds", None)]),
        ("cuộc chiến 6 năm giữa", [("6 năm", 6, "years", None, None)]),
        ("5 năm", [("5 năm", 5, "years", None, None)]),
        ("một tháng rưỡi", [("một tháng rưỡi", 1.5, "months", None, None)]),
        ("gần 1,5 triệu USD", [("gần 1,5 triệu USD", 1_500_000, "usd", "nearly", None)]),
        ("hai người", [("hai người", 2, "people", None, None)]),
        ("hơn 10 giờ đàm phán", [("hơn 10 giờ", 10, "hours", "more_than", None)]),
        ("tối đa 6 người", [("tối đa 6 người", 6, "people", "at_most", None)]),
        ("50% dân số", [("50%", 50, "percent", None, None)]),
        ("380 phương tiện cơ giới", [("380 phương tiện cơ giới", 380, "vehicles", None, None)]),
        (
            "hơn 10 triệu liều vaccine",
            [("hơn 10 triệu liều", 10_000_000, "doses", "more_than", None)],
        ),
        (
            "lần lượt hơn 1,3 triệu và gần 580.000 ca.",
            [
                ("hơn 1,3 triệu", 1_300_000, "cases", "more_than", None),
                ("gần 580.000 ca", 580_000, "cases", "nearly", None),
            ],
        ),
        (
            "2, 3 và 4 người",
            [
                ("2", 2, "people", None, None),
                ("3", 3, "people", None, None),
                ("4 người", 4, "people", None, None),
            ],
        ),
    ],
)
def test_quantities(text, expected):
    assert _read(text) == expected


def test_model_designations_are_details_not_quantities():
    assert _read("trong đó có 2 máy bay An-124 và 18 máy bay IL-76.") == [
        ("2 máy bay An-124", 2, "aircraft", None, "An-124"),
        ("18 máy bay IL-76", 18, "aircraft", None, "IL-76"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ngày 24/11",
        "ngày 3 tháng 12 năm 2020",
        "máy bay An-124",
        "máy bay IL-76",
        "đại dịch Covid-19",
        "đạt được năm 1994",
        "1994",
        "có 250",
        "hai nhà lãnh đạo",
        "Hai bên",
        "một năm",
        "từ 12 giờ trưa",
        "lúc 9 giờ",
        "lần thứ 2",
        "3 ca sĩ",
        "ngày 23 và 24/11",
        "Đến 0 giờ 15 ngày 2-3, phòng không hoạt động.",
        "lúc 7 giờ 30 sáng",
    ],
)
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_spans_index_the_text():
    text = "Trong một tháng rưỡi xung đột, hơn 4.000 người đã thiệt mạng, hơn 8.000 người"
    quantities = find_quantities(text)
    assert [q.value for q in quantities] == [1.5, 4000, 8000]
    for quantity in quantities:
        assert text[quantity.start : quantity.end] == quantity.surface


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 xe tăng Leopard 2 trong", [("14 xe tăng Leopard 2", 14, "tanks", None, "Leopard 2")]),
        (
            "50 xe chiến đấu bộ binh Bradley và",
            [("50 xe chiến đấu bộ binh Bradley", 50, "armoured_vehicles", None, "Bradley")],
        ),
        (
            "mang theo tới 16 tên lửa hành trình Kalibr",
            [("tới 16 tên lửa hành trình Kalibr", 16, "missiles", "up_to", "Kalibr")],
        ),
        # "Nga" is a Vietnamese syllable (Russia), not a model
        ("2 tàu chiến Nga", [("2 tàu chiến", 2, "ships", None, None)]),
        (
            "hàng trăm nghìn hộ gia đình",
            [("hàng trăm nghìn hộ gia đình", 100_000, "households", "hundreds_of_thousands", None)],
        ),
        ("gần 4.000 hộ dân", [("gần 4.000 hộ dân", 4000, "households", "nearly", None)]),
        ("120 xuồng cứu hộ", [("120 xuồng cứu hộ", 120, "boats", None, None)]),
        ("lên tới 620 mm", [("lên tới 620 mm", 620, "mm", "up_to", None)]),
        ("500 triệu baht", [("500 triệu baht", 500_000_000, "thb", None, None)]),
        # "tới" between two figures joins them
        (
            "từ 100 tới 200 mm",
            [("100", 100, "mm", None, None), ("200 mm", 200, "mm", None, None)],
        ),
    ],
)
def test_second_held_out_round_units_models_and_qualifiers(text, expected):
    assert _read(text) == expected


def test_a_place_after_a_unit_is_not_a_model():
    text = "20 máy bay Israel"
    start = text.index("Israel")
    (quantity,) = find_quantities(text, places=[(start, start + len("Israel"))])
    assert (quantity.surface, quantity.detail) == ("20 máy bay", None)


@pytest.mark.parametrize("text", ["cấp 2 hộ chiếu", "3 hộ tống"])
def test_not_households(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "dân số" (population) and "tổng số" (total) are counts; "số 5" is a number.
        ("dân số khoảng 120.000 người của vùng", [("khoảng 120.000 người", 120000, "people")]),
        ("tổng số 500 người", [("500 người", 500, "people")]),
        ("số 5 người", []),
        # "điều" sends ("Anh điều bốn máy bay"); "Điều 5" is an article.
        (
            "Anh điều bốn máy bay chiến đấu Typhoon",
            [("bốn máy bay chiến đấu Typhoon", 4, "aircraft")],
        ),
        ("theo Điều 5 người", []),
        # A time of day before a date is not a duration.
        ("có hiệu lực từ 13 giờ hôm 20-9", []),
        # A dash between two figures: both take the unit.
        ("lượng mưa 150-300 mm", [("150", 150, "mm"), ("300 mm", 300, "mm")]),
        ("bình quân 6,5-7%/năm", [("6,5", 6.5, "percent"), ("7%", 7, "percent")]),
        ("Covid-19 người", []),
        # "một" (one, a) counts after a listed figure of the same list.
        (
            "hai tên lửa hành trình chống hạm và một tên lửa đạn đạo chống hạm",
            [
                ("hai tên lửa hành trình chống hạm", 2, "missiles"),
                ("một tên lửa đạn đạo chống hạm", 1, "missiles"),
            ],
        ),
        ("một người dân cho biết", []),
        ("lên tới hàng nghìn tỷ đồng.", [("lên tới hàng nghìn tỷ đồng", 10**12, "vnd")]),
        ("Hàng nghìn cán bộ, chiến sĩ", [("Hàng nghìn cán bộ, chiến sĩ", 1000, "personnel")]),
        ("hàng trăm tàu thuyền bị chìm", [("hàng trăm tàu thuyền", 100, "boats")]),
        (
            "hơn 60 mục tiêu tại 16 địa điểm",
            [("hơn 60 mục tiêu", 60, "targets"), ("16 địa điểm", 16, "sites")],
        ),
        ("gần 30 vụ tấn công", [("gần 30 vụ tấn công", 30, "attacks")]),
        ("hơn 100 quả đạn dẫn đường", [("hơn 100 quả đạn dẫn đường", 100, "munitions")]),
    ],
)
def test_counts_after_population_dispatch_lists_and_ranges(text, expected):
    assert [(q.surface, q.value, q.unit) for q in find_quantities(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hơn 120 cây xanh bị đổ", [("hơn 120 cây xanh", 120, "trees")]),
        ("37 cột điện gãy", [("37 cột điện", 37, "power_poles")]),
        ("khoảng 5.000 m3 đất đá", [("khoảng 5.000 m3", 5000, "m3")]),
        ("với 14 phiếu thuận", [("14 phiếu thuận", 14, "votes")]),
        ("giải cứu 4 con tin", [("4 con tin", 4, "hostages")]),
        (
            "2 xe bồn và một xe cứu thương",
            [("2 xe bồn", 2, "tankers"), ("một xe cứu thương", 1, "ambulances")],
        ),
        ("bắn hạ 24 UAV", [("24 UAV", 24, "drones")]),
        ("15 khu dân cư", [("15 khu dân cư", 15, "settlements")]),
        ("hơn 3,2 triệu lượt khách", [("hơn 3,2 triệu lượt khách", 3_200_000, "visitors")]),
        ("trong 72 giờ lên tới 620 mm", [("72 giờ", 72, "hours"), ("lên tới 620 mm", 620, "mm")]),
    ],
)
def test_unit_words_of_other_outlets(text, expected):
    found = [(q.surface, q.value, q.unit) for q in find_quantities(text)]
    assert found == expected
