"""Vietnam's districts and communes (the administrative units list of vietnamadminunits): named
with their kind word, told from their namesakes by the province or district the text names,
and listed after one plural kind word."""

from __future__ import annotations

import pytest
from test_geoparse_gazetteer import _found

from mapapp.geoparse import vnadmin


@pytest.fixture(scope="module")
def gaz(gazetteer):
    """The bundled data's gazetteer, GeoNames cities and administrative units included."""
    return gazetteer


def test_a_district_is_named_with_its_kind_word(gaz) -> None:
    assert _found(gaz, "Mưa lớn ở huyện Hải Lăng gây ngập.") == [("Hải Lăng", "vn-470")]
    # Units change kind: the district-level words all name it.
    assert _found(gaz, "Nước lên ở Thị xã Hải Lăng.") == [("Hải Lăng", "vn-470")]
    # Without a kind word the name is not taken (communes' names are often common phrases).
    assert _found(gaz, "Ông Hải Lăng cho biết.") == []


def test_a_unit_is_a_sourced_approximate_point(gaz) -> None:
    district = gaz.entity("vn-470")
    assert (district.kind, district.precision) == ("district", "approximate")
    assert district.country == "VN"
    assert district.name_vi == "huyện Hải Lăng" and district.name == "Hải Lăng District"
    assert "vietnamadminunits" in district.source and "Google Geocoding API" in district.source
    assert "Tổng cục Thống kê" in district.source_vi
    assert 16.5 < district.lat < 16.9 and 107.1 < district.lon < 107.4  # in Quảng Trị
    commune = gaz.entity("vn-19738")
    assert commune.kind == "village" and commune.parents[:2] == ("vn-470", "quang-tri-province")


def test_namesakes_are_told_apart_by_the_places_around(gaz) -> None:
    # Two communes are called Phong Bình: in Gio Linh (Quảng Trị) and in Phong Điền (Huế).
    assert _found(gaz, "Lũ cuốn trôi nhà ở xã Phong Bình.") == []
    assert ("Phong Bình", "vn-19507") in _found(gaz, "Tại xã Phong Bình, tỉnh Quảng Trị.")
    assert ("Phong Bình", "vn-19831") in _found(
        gaz, "Tại xã Phong Bình, huyện Phong Điền, nước lên nhanh."
    )


def test_units_listed_after_one_plural_kind_word(gaz) -> None:
    text = "Sơ tán dân ở các xã Phong Chương, Điền Hương và Phong Bình ra khỏi vùng ngập."
    # Điền Hương is not in the list (merged before 2025): passed over, the list goes on.
    assert _found(gaz, text) == [("Phong Chương", "vn-19837"), ("Phong Bình", "vn-19831")]
    # "District, Province" is no list, and a unit without a plural heads none.
    assert _found(gaz, "Tại huyện Hải Lăng, Quảng Trị, mưa lớn.") == [
        ("Hải Lăng", "vn-470"),
        ("Quảng Trị", "quang-tri-province"),
    ]
    assert _found(gaz, "Ở xã Phong Chương, Phong Bình có mưa.") == [("Phong Chương", "vn-19837")]


def test_a_city_the_gazetteer_has_stays_that_city(gaz) -> None:
    found = _found(gaz, "Ngập sâu ở thành phố Đông Hà.")
    assert len(found) == 1 and not found[0][1].startswith(vnadmin.PREFIX)


def test_the_kind_word_is_left_out_of_the_name(gaz) -> None:
    text = "huyện A Lưới và thị trấn Diên Sanh"
    assert [m.surface for m in gaz.find(text)] == ["A Lưới", "Diên Sanh"]
