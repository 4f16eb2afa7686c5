"""The gazetteer finds places in Vietnamese text, and not people, words or outlets."""

import unicodedata

import pytest

from mapapp.core.errors import InvalidData, NotFound
from mapapp.geoparse.gazetteer import Gazetteer, spelling_variants
from mapapp.store import DataDir, bundled_data_dir
from mapapp.store.cache import FileCache


@pytest.fixture(scope="module")
def gaz(gazetteer):
    return gazetteer


def _found(gaz, text):
    mentions = gaz.find(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
    return [(m.surface, m.entity_id) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("khu vực hành lang Lachin", [("hành lang Lachin", "lachin-corridor")]),
        ("con đường đèo Lachin dài 6 km", [("con đường đèo Lachin", "lachin-corridor")]),
        ("dọc đèo Lachin", [("đèo Lachin", "lachin-corridor")]),
        ("tiếp quản quận Lachin", [("quận Lachin", "lachin-district")]),
        ("tiếp quản huyện Lachin", [("huyện Lachin", "lachin-district")]),
        ("thị trấn Lachin vẫn", [("Lachin", "lachin")]),
        ("Lachin", [("Lachin", "lachin")]),
    ],
)
def test_longest_name_decides_between_corridor_district_and_town(gaz, text, expected):
    assert _found(gaz, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quan hệ Nga-Thổ Nhĩ kỳ", [("Nga", "russia"), ("Thổ Nhĩ kỳ", "turkey")]),
        ("Ngày 24/11, Nga", [("Nga", "russia")]),
        ("Ngày Ngà Ngẫu", []),
        ("Nagorno-karabakh", [("Nagorno-karabakh", "nagorno-karabakh")]),
        ("NAGORNO-KARABAKH", [("NAGORNO-KARABAKH", "nagorno-karabakh")]),
        ("Nagorno Karabakh", [("Nagorno Karabakh", "nagorno-karabakh")]),
        ("Tổng thống Thổ Nhĩ kỳ", [("Thổ Nhĩ kỳ", "turkey")]),
        ("thiên nga trắng", []),
        ("Đoàn xe tới Xankandi.", [("Xankandi", "stepanakert")]),
        ("thành phố Khankendi", [("Khankendi", "stepanakert")]),
        ("Nagorny-Karabakh", [("Nagorny-Karabakh", "nagorno-karabakh")]),
        ("vùng Thượng Karabakh", [("Thượng Karabakh", "nagorno-karabakh")]),
        ("người Armenia gọi là Artsakh", [("Armenia", "armenia"), ("Artsakh", "nagorno-karabakh")]),
        ("thành phố Shushi", [("Shushi", "shusha")]),
        ("thành phố Susa", [("Susa", "shusha")]),
        ("Naka", [("Naka", "nagorno-karabakh")]),
    ],
)
def test_whole_words_any_case_any_punctuation(gaz, text, expected):
    assert _found(gaz, text) == expected


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        ("tại Mát-xcơ-va", "moscow"),
        ("tại Mátxcơva", "moscow"),
        ("từ Moskva", "moscow"),
        ("tới Moscow", "moscow"),
        ("theo Điện Kremlin", "kremlin"),
        ("Liên bang Nga", "russia"),
        ("Hoa Kỳ", "united-states"),
        ("quân đội Mỹ", "united-states"),
        ("Trung Quốc", "china"),
        ("nước Pháp", "france"),
        ("tại Đức", "germany"),
        ("Vương quốc Anh", "united-kingdom"),
        ("gia đình ở Anh", "united-kingdom"),
        ("Gruzia", "georgia"),
        ("Iran", "iran"),
        ("Bắc Kinh", "beijing"),
        ("Luân Đôn", "london"),
        ("Washington", "washington"),
        ("Paris", "paris"),
        ("Tbilisi", "tbilisi"),
        ("Tehran", "tehran"),
        ("Yerevan", "yerevan"),
        ("Baku", "baku"),
        ("Ankara", "ankara"),
        ("thị trấn Goris", "goris"),
        ("Hà Nội", "hanoi"),
        ("Thái Bình Dương", "pacific-ocean"),
    ],
)
def test_vietnamese_and_english_names(gaz, text, entity_id):
    assert [m.entity_id for m in gaz.find(text)] == [entity_id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thủ tướng Armenia N.Pashinyan", [("Armenia", "armenia")]),
        (
            "Tổng thống Nga V.Putin và Tổng thống Thổ Nhĩ Kỳ T.Erdogan",
            [("Nga", "russia"), ("Thổ Nhĩ Kỳ", "turkey")],
        ),
        ("Bộ trưởng Quốc phòng Nga Sergei Shoigu", [("Nga", "russia")]),
        ("Tổng thống Azerbaijan I.Aliev", [("Azerbaijan", "azerbaijan")]),
        ("Ông Putin và ông Erdogan", []),
        ("Tổng thống Putin", []),
        ("chị Nga nói", []),
        ("phóng viên Nguyễn Thúy Nga", []),
        ("Minh Đức cho biết", []),
        ("Anh Tuấn là sinh viên", []),
        ("học tiếng Anh và tiếng Nga", []),
        ("ngành pháp luật", []),
        ("Đức Phật", []),
        ("Chủ Nhật", []),
        ("Nguồn: Sina.", []),
        ("đại dịch Covid-19", []),
        ("tờ Washington Post", []),
        ("cựu Tổng thống Bill Clinton", []),
        ("câu lạc bộ Paris Saint-Germain", []),
        ("Nhóm Minsk của OSCE", []),
        ("Ông Adam nói", []),
        ("chị Xuân Mai", []),
        ("gìn giữ hòa bình", []),
        ("Ông Đức Anh, chuyên gia", []),
        ("Liên minh châu Âu (EU)", []),
    ],
)
def test_people_words_and_outlets_are_not_places(gaz, text, expected):
    assert _found(gaz, text) == expected


def test_the_pronoun_anh_is_not_england_in_a_text_that_uses_it(gaz):
    text = "Anh Tuấn nói anh nhớ nhà. Anh đã học tiếng Anh. Gia đình ở Anh vẫn chờ."
    assert _found(gaz, text) == [("Anh", "united-kingdom")]
    assert text.rindex("Anh") == gaz.find(text)[0].start


def test_the_fsb_is_not_the_russian_federation_but_names_russia(gaz):
    text = "Cơ quan An ninh Liên bang Nga và các cơ quan khác của Liên bang Nga"
    assert _found(gaz, text) == [("Nga", "russia"), ("Liên bang Nga", "russia")]


def test_small_towns_need_a_locative_word(gaz):
    assert _found(gaz, "Ông Adam và bà Anna") == []
    found = _found(gaz, "ở thành phố Barda và Tartar của Azerbaijan")
    assert [surface for surface, _ in found] == ["Barda", "Tartar", "Azerbaijan"]
    assert found[0][1].startswith("gn-")


def test_geonames_cities_are_found_and_described(gaz):
    (mention,) = gaz.find("tại Toronto")
    city = gaz.entity(mention.entity_id)
    assert (city.kind, city.country, city.precision) == ("city", "CA", "exact")
    assert city.geonames_id == int(mention.entity_id.removeprefix("gn-"))
    assert 43 < city.lat < 44 and -80 < city.lon < -79
    assert "GeoNames" in city.source


def test_vietnamese_spellings_of_foreign_cities_come_from_geonames(gaz):
    (mention,) = gaz.find("tại Vũ Hán")
    assert gaz.entity(mention.entity_id).name == "Wuhan"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_any_normal_form_gives_the_same_places_with_spans_into_the_input(gaz, form):
    text = unicodedata.normalize(form, "Tổng thống Thổ Nhĩ Kỳ điện đàm về Thượng Karabakh.")
    mentions = gaz.find(text)
    assert [m.entity_id for m in mentions] == ["turkey", "nagorno-karabakh"]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
    assert unicodedata.normalize("NFC", mentions[0].surface) == "Thổ Nhĩ Kỳ"


def test_entities_carry_the_reference_coordinates(gaz):
    stepanakert = gaz.entity("stepanakert")
    assert (stepanakert.lat, stepanakert.lon) == (39.81528, 46.75194)
    assert stepanakert.coordinates == (46.75194, 39.81528)
    assert stepanakert.geonames_id == 146970 and "Wikipedia" in stepanakert.source
    corridor = gaz.entity("lachin-corridor")
    assert (corridor.kind, corridor.precision, corridor.name_vi) == (
        "corridor",
        "approximate",
        "hành lang Lachin",
    )
    russia = gaz.entity("russia")
    assert (russia.kind, russia.country, russia.geonames_id) == ("country", "RU", 2017370)
    assert (russia.lat, russia.lon) == (59.4646, 88.3875)
    assert gaz.entity("moscow").kind == "capital"
    assert gaz.entity("nagorno-karabakh").precision == "region"


def test_countries_without_a_curated_point_get_a_natural_earth_label_point(gaz):
    norway = gaz.entity("norway")
    assert 58 < norway.lat < 71 and 4 < norway.lon < 31  # the mainland, not Svalbard
    assert "Natural Earth" in norway.source
    mention = gaz.find("tại Burkina Faso")[0]
    assert gaz.entity(mention.entity_id).kind == "country"


def test_unknown_entity_is_not_found(gaz):
    with pytest.raises(NotFound, match="no-such-place"):
        gaz.entity("no-such-place")


CURATED = """
not_places: [Gotham]
entities:
  - id: test-town
    name: Test Town
    name_vi: Thị trấn Thử
    kind: town
    lat: 10.5
    lon: 106.25
    source: "made up for a test"
    names: [Thị trấn Thử, {name: Thử Nghiệm, ambiguous: true}]
"""


def test_a_curated_file_adds_places(tmp_path):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(CURATED, encoding="utf-8")
    points = DataDir(bundled_data_dir()).country_points
    gaz = Gazetteer.load(path, min_city_population=None, country_points=points)
    assert [m.entity_id for m in gaz.find("Đến Thị trấn Thử hôm qua.")] == ["test-town"]
    assert gaz.find("anh Thử Nghiệm") == []
    town = gaz.entity("test-town")
    assert (town.lat, town.lon, town.precision) == (10.5, 106.25, "exact")
    assert gaz.lookup("Gotham") is None
    assert gaz.lookup("Armenia").kind == "country"  # from GeoNames, placed by country_points
    assert gaz.lookup("Toronto") is None  # no GeoNames cities asked for


def test_countries_with_no_point_are_left_out(tmp_path):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(CURATED, encoding="utf-8")
    gaz = Gazetteer.load(path, min_city_population=None, country_points=tmp_path / "none.csv")
    assert gaz.lookup("Armenia") is None
    assert [e.id for e in gaz] == ["test-town"]


def test_a_built_gazetteer_is_kept_and_read_back_until_its_inputs_change(tmp_path, monkeypatch):
    from mapapp.geoparse import gazetteer as module

    path = tmp_path / "gazetteer.yaml"
    path.write_text(CURATED, encoding="utf-8")
    points = DataDir(bundled_data_dir()).country_points
    folder = tmp_path / "cache"
    cache = FileCache(folder, "gazetteer")
    built = Gazetteer.load(path, min_city_population=None, country_points=points, cache=cache)
    assert len(list(folder.glob("gazetteer-*.bin"))) == 1

    def no_building(*args, **kwargs):
        raise AssertionError("the gazetteer was built again")

    monkeypatch.setattr(module, "assemble", no_building)
    again = Gazetteer.load(path, min_city_population=None, country_points=points, cache=cache)
    text = "Đến Thị trấn Thử hôm qua, rồi sang Armenia."
    assert again.find(text) == built.find(text)
    assert [m.entity_id for m in again.find(text)] == ["test-town", "armenia"]
    assert again.entity("test-town") == built.entity("test-town")
    assert len(again) == len(built) and again.name_count == built.name_count
    assert sorted(e.id for e in again) == sorted(e.id for e in built)
    assert again.lookup("Thử Nghiệm") == built.lookup("Thử Nghiệm")

    # A changed curated file is built afresh (and replaces the old cache).
    path.write_text(CURATED.replace("[Thị trấn Thử,", "[Thị trấn Thử, Phố Thử,"), encoding="utf-8")
    with pytest.raises(AssertionError, match="built again"):
        Gazetteer.load(path, min_city_population=None, country_points=points, cache=cache)
    monkeypatch.undo()
    changed = Gazetteer.load(path, min_city_population=None, country_points=points, cache=cache)
    assert [m.entity_id for m in changed.find("Tới Phố Thử.")] == ["test-town"]
    assert len(list(folder.glob("gazetteer-*.bin"))) == 1

    # A damaged cache file is ignored, and rebuilt.
    (damaged,) = folder.glob("gazetteer-*.bin")
    damaged.write_bytes(b"not marshal data")
    rebuilt = Gazetteer.load(path, min_city_population=None, country_points=points, cache=cache)
    assert [m.entity_id for m in rebuilt.find("Tới Phố Thử.")] == ["test-town"]
    assert damaged.read_bytes() != b"not marshal data"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("entities: [{id: x, name: X, kind: planet, names: [X]}]", "kind 'planet'"),
        ("entities: [{id: x, name: X, kind: town, names: [X]}]", "no coordinate"),
        ("entities: [{id: x, name: X, kind: town, lat: 1, lon: 2, names: [X]}]", "source"),
        ("entities: [{id: x, name: X, kind: town, lat: 1, source: s, names: [X]}]", "both"),
        ("entities: [{id: x, name: X, kind: town, lat: 1, lon: 2, source: s}]", "names"),
        ("entities: [{name: X, kind: town}]", "'id' is required"),
        ("entities: [{id: x, name: X, kind: town, colour: red, names: [X]}]", "unknown keys"),
        ("entities: [oops", "not valid YAML"),
    ],
)
def test_a_broken_curated_file_is_refused_with_its_reason(tmp_path, yaml_text, message):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InvalidData, match=message):
        Gazetteer.load(path, min_city_population=None)


def test_two_places_with_one_id_are_refused(tmp_path):
    place = "{id: x, name: X, kind: town, lat: 1, lon: 2, source: s, names: [X]}"
    path = tmp_path / "gazetteer.yaml"
    path.write_text(f"entities: [{place}, {place}]", encoding="utf-8")
    with pytest.raises(InvalidData, match="used twice"):
        Gazetteer.load(path, min_city_population=None)


# --- second held-out round ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare province name is the province; "TP"/"thành phố" names its capital
        (
            "Mưa lớn ở Quảng Ngãi và TP Bắc Ninh, tỉnh Bắc Ninh.",
            [
                ("Quảng Ngãi", "quang-ngai-province"),
                ("TP Bắc Ninh", "gn-1591449"),
                ("Bắc Ninh", "bac-ninh-province"),
            ],
        ),
        # "hòa bình" is peace; "Hòa Bình" the province
        ("gìn giữ hòa bình ở Hòa Bình", [("Hòa Bình", "hoa-binh-province")]),
        # "tỉnh Donetsk" is the oblast, "Donetsk" the city
        (
            "tại tỉnh Donetsk và thành phố Donetsk",
            [("tỉnh Donetsk", "donetsk-oblast"), ("Donetsk", "gn-709717")],
        ),
        ("tấn công Kharkov và Odessa", [("Kharkov", "gn-706483"), ("Odessa", "gn-698740")]),
        (
            "nối Phnôm Pênh với vịnh Thái Lan",
            [("Phnôm Pênh", "phnom-penh"), ("vịnh Thái Lan", "gulf-of-thailand")],
        ),
        ("Đông Timor và Brunei", [("Đông Timor", "timor-leste"), ("Brunei", "brunei")]),
    ],
)
def test_provinces_oblasts_exonyms_and_gulfs(gaz, text, expected):
    assert _found(gaz, text) == expected


def test_geonames_names_are_also_found_without_their_marks(gaz):
    # GeoNames writes "Khān Yūnis", "Kraków", "Ðà Lạt" (with an eth)
    found = _found(gaz, "ở Khan Yunis, ở Krakow và ở Đà Lạt")
    assert [surface for surface, _ in found] == ["Khan Yunis", "Krakow", "Đà Lạt"]
    assert found[2][1] == "gn-1584071"


@pytest.mark.parametrize(
    "text",
    [
        "Theo Viện Kinh tế Thế giới Kiel, viện trợ đã tăng",
        "sinh viên Đại học Quốc gia Hà Nội cho biết",
    ],
)
def test_a_city_that_ends_an_institution_name_is_not_a_place(gaz, text):
    assert _found(gaz, text) == []


def test_a_city_after_an_institution_and_a_preposition_is_a_place(gaz):
    assert _found(gaz, "Đại học Harvard ở Boston") == [("Boston", "gn-4930956")]


def test_one_consonant_syllables_match_with_i_or_y(gaz):
    """Vietnamese writes "Mỹ"/"Mĩ", "Kỳ"/"Kì", "Hy Lạp"/"Hi Lạp": both spellings match."""
    assert spelling_variants("tô ki ô") == {"tô ky ô"}
    assert spelling_variants("thổ nhĩ kỳ") == {"thổ nhĩ kì"}, "only a one-consonant syllable"
    assert spelling_variants("baku") == set()
    found = _found(gaz, "Ông tới Tô-ky-ô, rồi sang Thổ Nhĩ Kì, Hi Lạp và Mĩ.")
    assert [entity for _, entity in found] == ["tokyo", "turkey", "greece", "united-states"]


def test_an_abbreviated_town_word_does_not_make_a_name(gaz):
    assert _found(gaz, "Ở TP Hạ Long, cây xanh đổ") == [("Hạ Long", "gn-1580410")]
    assert _found(gaz, "ông Lê Hạ Long cho biết") == []


def test_a_vietnamese_reading_of_a_foreign_city_needs_its_country(gaz):
    """ "Kinh Môn" is a town in Hải Dương and the Vietnamese reading of Jingmen (China)."""
    # With its kind word it is the town of the administrative units list, not Jingmen.
    assert _found(gaz, "Lũ quét ở thị xã Kinh Môn, tỉnh Hải Dương.") == [
        ("Kinh Môn", "vn-292"),
        ("Hải Dương", "hai-duong-province"),
    ]
    assert _found(gaz, "Lũ quét ở Kinh Môn, tỉnh Hải Dương.") == [
        ("Hải Dương", "hai-duong-province")
    ]
    assert _found(gaz, "Tại Côn Sơn và Hoàng Sơn.") == [], "they do not vouch for each other"
    assert _found(gaz, "Nhà máy ở Côn Sơn, Giang Tô.") == [
        ("Côn Sơn", "gn-1785623"),
        ("Giang Tô", "jiangsu-province"),
    ]
    assert ("Côn Minh", "gn-1804651") in _found(gaz, "Đoàn tới Côn Minh."), "a metropolis"


def test_cached_records_are_read_chunk_by_chunk_and_agree_with_the_built_ones(
    tmp_path, monkeypatch
):
    from mapapp.geoparse import compiled

    monkeypatch.setattr(compiled, "CHUNK", 16)  # the test's gazetteer is small

    path = tmp_path / "gazetteer.yaml"
    path.write_text(CURATED, encoding="utf-8")
    points = DataDir(bundled_data_dir()).country_points
    built = Gazetteer.load(path, min_city_population=None, country_points=points)
    entities, keys, forms = built._entities, built._matcher.keys(), built._matcher.payloads()
    assert len(forms) > 2 * compiled.CHUNK, "records over several chunks"
    loaded = compiled.loads(compiled.dumps(entities, keys, forms))
    assert loaded is not None
    cached_entities, cached_keys, cached_forms = loaded
    assert list(cached_keys) == list(keys) and len(cached_forms) == len(forms)
    for i in (0, compiled.CHUNK - 1, compiled.CHUNK, len(forms) - 1, -1):
        assert cached_forms[i] == forms[i]
    with pytest.raises(IndexError):
        cached_forms[len(forms)]
    assert list(cached_entities) == list(entities)
    for entity_id in list(entities)[:: max(1, len(entities) // 50)]:
        assert cached_entities[entity_id] == entities[entity_id]
    # Only the chunks asked for were read.
    assert sum(rows is not None for rows in cached_forms._rows) <= 4


def test_a_province_named_after_a_foreign_city_is_a_region_not_the_city(gaz):
    text = "UAV bay vào vùng Belgorod và tỉnh Kursk, rồi tới thành phố Kursk."
    found = [(m.surface, m.entity_id) for m in gaz.find(text)]
    assert found == [
        ("vùng Belgorod", "gn-578072-region"),
        ("tỉnh Kursk", "gn-538560-region"),
        ("Kursk", "gn-538560"),
    ]
    region, city = gaz.entity("gn-538560-region"), gaz.entity("gn-538560")
    assert (region.kind, region.precision, region.coordinates) == (
        "region",
        "region",
        city.coordinates,
    )
    assert "shown at that city" in region.source and "GeoNames 538560" in region.source
    # Vietnam's provinces and the curated oblasts keep their own entries.
    assert [m.entity_id for m in gaz.find("tỉnh Quảng Ninh và tỉnh Donetsk")] == [
        "quang-ninh-province",
        "donetsk-oblast",
    ]
    with pytest.raises(NotFound):
        gaz.entity("russia-region")  # a country names no region of itself
