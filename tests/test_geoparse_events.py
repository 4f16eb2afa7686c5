"""Event proposals from the seed articles: type, date, actors, figures and place."""

import json
from pathlib import Path

import pytest

from mapapp.geoparse import parse_article, propose_events
from mapapp.sources.articles import parse_article as read_text
from mapapp.sources.articles import read_article

SEEDS = Path(__file__).resolve().parents[1] / "geodata" / "articles"
CALL = "2020-11-25-putin-erdogan-call"
CENTRE = "2020-11-17-russia-humanitarian-centre"


@pytest.fixture(scope="module")
def gaz(lexicons):
    return lexicons


@pytest.fixture(scope="module")
def events(gaz):
    """Event proposals of both seeds, by article id and sentence number."""
    found = {}
    for article_id in (CALL, CENTRE):
        article = read_article(SEEDS / f"{article_id}.md")
        found[article_id] = {e.sentence: e for e in propose_events(article, gaz)}
    return found


def test_one_proposal_per_dated_or_continuing_sentence(events):
    assert sorted(events[CALL]) == [1, 2, 10, 11, 14, 15, 16, 17]
    assert sorted(events[CENTRE]) == [1, 4, 11, 15, 16, 17]


def test_the_24_11_phone_call(events):
    call = events[CALL][1]
    assert (call.event_type, call.date, call.date_end, call.date_precision) == (
        "phone_call",
        "2020-11-24",
        None,
        "day",
    )
    assert {"Vladimir Putin", "Recep Tayyip Erdoğan"} <= set(call.actors)
    assert call.places == ("kremlin", "russia", "turkey", "nagorno-karabakh")
    # "Theo thông tin từ Điện Kremlin," is the source, not where the call took place
    assert (call.location, call.geo_precision) == ("nagorno-karabakh", "region")


def test_the_23_and_24_11_phone_calls(events):
    calls = events[CALL][10]
    assert (calls.event_type, calls.date, calls.date_end) == (
        "phone_call",
        "2020-11-23",
        "2020-11-24",
    )
    assert calls.actors == ("Kremlin", "Vladimir Putin", "Nikol Pashinyan", "Ilham Aliyev")


def test_the_9_11_statement_and_the_21_11_trip(events):
    statement = events[CALL][2]
    assert (statement.event_type, statement.date) == ("statement", "2020-11-09")
    trip = events[CALL][11]
    assert (trip.event_type, trip.date, trip.other_dates) == (
        "diplomacy",
        "2020-11-21",
        ("2020-11-09",),
    )
    assert (trip.location, trip.geo_precision) == ("yerevan", "exact")


def test_the_21_11_deployment_report(events):
    report = events[CALL][14]
    assert (report.event_type, report.date, report.actors) == (
        "deployment",
        "2020-11-21",
        ("Sergei Shoigu",),
    )
    figures = events[CALL][15]
    assert (figures.event_type, figures.date, figures.date_basis, figures.inherited_from) == (
        "deployment",
        "2020-11-21",
        "inherited",
        14,
    )
    assert figures.quantities == {
        "flights": 250,
        "people": 1960,
        "equipment": 552,
        "observation_posts": 23,
    }


def test_the_demining_and_the_return_of_refugees_carry_on_the_report(events):
    demining = events[CALL][16]
    assert (demining.event_type, demining.date, demining.quantities) == (
        "demining",
        "2020-11-21",
        {"km": 28},
    )
    assert (demining.location, demining.geo_precision) == ("stepanakert", "exact")
    assert demining.places == ("lachin-corridor", "stepanakert")
    refugees = events[CALL][17]
    assert (refugees.event_type, refugees.date_basis) == ("refugees", "inherited")


def test_the_16_11_airlift(events):
    airlift = events[CENTRE][11]
    assert (airlift.event_type, airlift.date) == ("airlift", "2020-11-16")
    assert airlift.quantities == {"aircraft": 20, "aircraft:An-124": 2, "aircraft:IL-76": 18}
    assert airlift.location == "nagorno-karabakh"


def test_the_1988_1994_war_and_the_1994_ceasefire(events):
    war = events[CENTRE][15]
    assert (war.event_type, war.date, war.date_end, war.date_precision) == (
        "combat",
        "1988-02",
        "1994-05",
        "month",
    )
    assert war.quantities == {"years": 6}
    ceasefire = events[CENTRE][16]
    assert (ceasefire.event_type, ceasefire.date, ceasefire.date_precision) == (
        "ceasefire",
        "1994",
        "year",
    )


def test_the_27_9_outbreak(events):
    outbreak = events[CENTRE][17]
    assert (outbreak.event_type, outbreak.date) == ("combat", "2020-09-27")
    assert outbreak.places == ("armenia", "azerbaijan", "nagorno-karabakh")


def test_the_casualty_toll_is_dated_by_its_report(events):
    toll = events[CENTRE][1]
    assert (toll.event_type, toll.date, toll.date_basis) == (
        "casualties",
        "2020-11-17",
        "published",
    )
    assert toll.quantities == {"months": 1.5, "killed": 4000, "injured": 8000, "refugees": 1000}
    assert toll.qualifiers == {
        "killed": "more_than",
        "injured": "more_than",
        "refugees": "thousands",
    }


def test_a_proposal_becomes_a_geojson_feature(events):
    feature = events[CALL][16].to_feature()
    assert json.loads(json.dumps(feature, ensure_ascii=False)) == feature
    assert feature["id"] == "event-2020-11-25-putin-erdogan-call-s16"
    assert feature["geometry"] == {"type": "Point", "coordinates": [46.75194, 39.81528]}
    properties = feature["properties"]
    assert properties["layer"] == "events"
    assert (properties["kind"], properties["event_type"]) == ("demining", "demining")
    assert (properties["date"], properties["geo_precision"]) == ("2020-11-21", "exact")
    assert "date_end" not in properties
    assert properties["quantities"] == {"km": 28}
    # Named by its type and place (Stepanakert, the most specific place the sentence names).
    assert (properties["name"], properties["name_vi"]) == (
        "Demining – Stepanakert",
        "Rà phá bom mìn – Stepanakert",
    )
    (source,) = properties["sources"]
    assert source["url"] == "/articles/2020-11-25-putin-erdogan-call#s16"
    assert source["quote"].startswith("Ngoài ra, khu vực hành lang Lachin")
    ranged = events[CALL][10].to_properties()
    assert (ranged["date"], ranged["date_end"]) == ("2020-11-23", "2020-11-24")
    assert ranged["actors"][1] == "Vladimir Putin"


def _article(tmp_path, body, published="2021-01-03"):
    text = f"---\nid: test\ntitle: Test\npublished: {published}\nlanguage: vi\n---\n{body}\n"
    path = tmp_path / "test.md"
    path.write_text(text, encoding="utf-8")
    return read_article(path)


def test_dates_roll_back_across_new_year_in_events(tmp_path, gaz):
    article = _article(tmp_path, "Ngày 28/12, Nga điều động 10 xe tải tới Stepanakert.")
    (event,) = propose_events(article, gaz)
    assert (event.event_type, event.date, event.location) == (
        "deployment",
        "2020-12-28",
        "stepanakert",
    )
    assert event.quantities == {"trucks": 10}


def test_a_new_time_or_a_new_paragraph_ends_the_inherited_date(tmp_path, gaz):
    body = (
        "Ngày 2/1, Bộ trưởng Sergei Shoigu cho biết 40 xe tải đã tới Goris. "
        "Ngoài ra, 12 km đường đã được rà phá. "
        "Trước đó, 5 xe bọc thép đã được triển khai ở Lachin.\n\n"
        "Theo Bộ trưởng, 300 người tị nạn đã trở về."
    )
    events = propose_events(_article(tmp_path, body), gaz)
    assert [(e.sentence, e.date, e.date_basis) for e in events] == [
        (1, "2021-01-02", "text"),
        (2, "2021-01-02", "inherited"),
    ]


def test_people_found_by_title_and_country(tmp_path, gaz):
    body = "Hôm 9/10, Ngoại trưởng Armenia Zohrab Mnatsakanyan điện đàm với Ngoại trưởng Nga."
    (event,) = propose_events(_article(tmp_path, body, "2020-10-11"), gaz)
    assert event.actors == ("Zohrab Mnatsakanyan",)
    assert event.event_type == "phone_call"


def test_parse_result_groups_mentions_by_sentence(gaz):
    article = read_article(SEEDS / f"{CALL}.md")
    result = parse_article(article, gaz)
    by_sentence = result.mentions_by_sentence
    assert [m.surface for m in by_sentence[11]] == ["Yerevan", "Baku", "Nga"]
    assert 7 not in by_sentence  # "Covid-19" is no place
    for mention in result.mentions:
        assert article.body[mention.start : mention.end] == mention.surface
    assert [d.date for d in result.dates][:2] == ["2020-11-24", "2020-11-09"]


def test_an_article_without_dates_has_no_events(gaz):
    article = read_text(
        "---\ntitle: T\npublished: 2020-11-25\n---\nNga và Armenia hợp tác.\n", "t.md", "t"
    )
    assert propose_events(article, gaz) == []


def test_a_date_measured_against_does_not_date_the_event(tmp_path, gaz):
    body = (
        "Ngày 9/9, nước sông Thao ở Yên Bái vượt mức lũ lịch sử năm 1968. "
        "Tại Hà Nội, mực nước cao nhất kể từ năm 2008 khiến hàng nghìn hộ dân phải sơ tán."
    )
    events = propose_events(_article(tmp_path, body, "2024-09-10"), gaz)
    assert [(e.sentence, e.date, e.other_dates) for e in events] == [(1, "2024-09-09", ("1968",))]


@pytest.mark.parametrize(
    ("body", "event_type"),
    [
        ("Ngày 7/9, bão số 3 đổ bộ vào Quảng Ninh.", "disaster"),
        ("Sáng 10/9, lũ quét kèm sạt lở đất tràn qua một thôn ở Lào Cai.", "disaster"),
        ("Ngày 10/9, lũ trẻ ở Hà Nội tới trường.", "other"),
        ("Năm 2023, kim ngạch thương mại hai chiều đạt 170 tỷ USD.", "economy"),
        ("Thứ Bảy (13/1), tàu khu trục Mỹ phóng tên lửa vào Yemen.", "combat"),
    ],
)
def test_disasters_trade_and_strikes_have_their_type(tmp_path, gaz, body, event_type):
    (event,) = propose_events(_article(tmp_path, body, "2024-09-10"), gaz)
    assert event.event_type == event_type


def test_a_time_zone_or_an_actors_side_is_not_where_it_happened(tmp_path, gaz):
    body = (
        "Ngày 3/2, lúc 20 giờ (giờ Hà Nội), hai bên hội đàm tại Mátxcơva.\n\n"
        "Ngày 5/2, quân đội Nga pháo kích Ukraine.\n\n"
        "Ngày 6/2, Tổng thống Armenia đã tới Nga."
    )
    events = propose_events(_article(tmp_path, body, "2021-02-10"), gaz)
    assert [(e.date, e.event_type, e.location) for e in events] == [
        ("2021-02-03", "meeting", "moscow"),
        ("2021-02-05", "combat", "ukraine"),
        ("2021-02-06", "other", "russia"),
    ]


def test_a_place_after_a_preposition_of_place_is_where_it_happened(tmp_path, gaz):
    body = "Ngày 7/2, đoàn công tác từ Stepanakert hội đàm với chính quyền tại Goris."
    (event,) = propose_events(_article(tmp_path, body, "2021-02-10"), gaz)
    assert event.location == "goris"  # a town, though a city ranks as more specific


@pytest.mark.parametrize(
    ("body", "event_type"),
    [
        ("Ngày 8/9, Thủ tướng đã tới Quảng Ninh kiểm tra công tác khắc phục hậu quả bão.", "visit"),
        ("Ngày 8/9, Tổng thống Armenia có chuyến thăm chính thức tới Nga.", "visit"),
        ("Ngày 8/9, 300 chiến sĩ được điều động tới Quảng Ninh để tìm kiếm cứu nạn.", "relief"),
        ("Ngày 8/9, Thủ tướng Nhật Bản thăm Hà Nội.", "visit"),  # "thăm" and a name
        ("Ngày 8/9, Chủ tịch nước tiếp đoàn đại biểu Nhật Bản tại Hà Nội.", "meeting"),
    ],
)
def test_visits_and_rescue_have_their_own_types(tmp_path, gaz, body, event_type):
    (event,) = propose_events(_article(tmp_path, body, "2024-09-10"), gaz)
    assert event.event_type == event_type


def test_an_evacuation_is_part_of_the_disaster_the_article_reports(tmp_path, gaz):
    flood = (
        "Ngày 12/11, mưa lớn gây ngập sâu và lũ quét ở Quảng Trị. "
        "Ngày 13/11, chính quyền sơ tán 1.850 hộ dân ở Quảng Trị."
    )
    war = (
        "Ngày 12/11, giao tranh ác liệt nổ ra ở Stepanakert. "
        "Ngày 13/11, chính quyền sơ tán 1.850 người khỏi Stepanakert."
    )
    types = {
        name: [e.event_type for e in propose_events(_article(tmp_path, body, "2023-11-14"), gaz)]
        for name, body in (("flood", flood), ("war", war))
    }
    assert types == {"flood": ["disaster", "disaster"], "war": ["combat", "refugees"]}


def test_this_morning_is_the_day_of_publication(tmp_path, gaz):
    body = "Sáng nay, huyện đã sơ tán khẩn cấp 1.850 hộ dân ở Quảng Trị do lũ lớn."
    (event,) = propose_events(_article(tmp_path, body, "2023-11-14"), gaz)
    assert (event.date, event.date_precision, event.year_inferred) == ("2023-11-14", "day", False)
    body = "Hiện nay, huyện có 1.850 hộ dân ở Quảng Trị."  # "hiện nay" is not a day
    assert propose_events(_article(tmp_path, body, "2023-11-14"), gaz) == []


def test_a_date_to_come_is_the_next_one_from_publication(tmp_path, gaz):
    body = "Kỳ họp dự kiến diễn ra tại Mátxcơva vào ngày 22-1 tới."
    (event,) = propose_events(_article(tmp_path, body, "2023-12-12"), gaz)
    assert (event.date, event.year_inferred) == ("2024-01-22", True)


def test_vietnamese_officials_are_recorded_by_their_title(tmp_path, gaz):
    body = (
        "Ngày 23/3, Phó Thủ tướng Trần Hồng Hà và Bộ trưởng Ngoại giao Bùi Thanh Sơn đã tới "
        "Quảng Ninh kiểm tra dự án. Ngày 24/3, Thủ tướng Phạm Minh Chính hội đàm tại Hà Nội."
    )
    events = propose_events(_article(tmp_path, body, "2024-03-25"), gaz)
    assert [e.actors for e in events] == [("Trần Hồng Hà", "Bùi Thanh Sơn"), ("Phạm Minh Chính",)]
    # A name needs its title and a family name: "Hà Nội" and "Quảng Ninh" are no one.
    assert all("Hà Nội" not in e.actors for e in events)


def test_an_event_without_a_place_takes_the_one_before_it_in_its_paragraph(tmp_path, gaz):
    body = (
        "Đoàn công tác đã làm việc tại Goris. Ngày 3/2, hai bên ký thỏa thuận hợp tác.\n\n"
        "Ngày 4/2, hai bên ký thêm một thỏa thuận."
    )
    first, second = propose_events(_article(tmp_path, body, "2021-02-10"), gaz)
    assert (first.location, first.place_basis) == ("goris", "context")
    assert first.to_properties()["place_basis"] == "context"
    # A new paragraph starts afresh: no place is made up for it.
    assert (second.location, second.place_basis) == (None, "text")


def test_a_survey_or_asking_after_is_no_visit(tmp_path, gaz):
    body = "Ngày 8/9, cơ quan này thăm dò ý kiến và thăm hỏi các gia đình ở Hà Nội."
    (event,) = propose_events(_article(tmp_path, body, "2024-09-10"), gaz)
    assert event.event_type != "visit"


def test_a_sentence_with_two_dated_happenings_gives_two_events(tmp_path, gaz):
    body = (
        "Ngày 3/6, quân đội Azerbaijan tấn công thị trấn Shusha, và ngày 5/6, hai bên ký thỏa "
        "thuận ngừng bắn tại Moskva.\n\n"
        "Sáng 2/6, lũ quét làm 3 người chết ở tỉnh Lào Cai; chiều 4/6, lực lượng cứu hộ đã sơ "
        "tán 200 hộ dân tại Yên Bái."
    )
    found = propose_events(_article(tmp_path, body, "2024-06-10"), gaz)
    got = [(e.id, e.sentence, e.date, e.event_type, e.location) for e in found]
    assert got == [
        ("event-test-s1", 1, "2024-06-03", "combat", "shusha"),
        ("event-test-s1-2", 1, "2024-06-05", "ceasefire", "moscow"),
        ("event-test-s2", 2, "2024-06-02", "casualties", "lao-cai-province"),
        ("event-test-s2-2", 2, "2024-06-04", "relief", "yen-bai-province"),
    ]
    # Each keeps the whole sentence as its quote, and only its own clause's figures.
    assert found[0].quote == found[1].quote
    assert found[2].quantities == {"killed": 3} and found[3].quantities == {"households": 200}
    # The second clause names its own place; the first clause's is not among it.
    assert found[1].places == ("moscow",)


def test_a_clause_without_a_place_or_an_actor_takes_the_clauses_before_it(tmp_path, gaz):
    body = (
        "Ngày 3/6, Tổng thống Azerbaijan Ilham Aliyev tới thăm thị trấn Shusha, rồi ngày 5/6 "
        "chủ trì cuộc họp an ninh."
    )
    first, second = propose_events(_article(tmp_path, body, "2024-06-10"), gaz)
    assert (first.event_type, second.event_type) == ("visit", "meeting")
    assert second.location == first.location == "shusha"
    assert "Ilham Aliyev" in first.actors and second.actors == first.actors


@pytest.mark.parametrize(
    "body",
    [
        # One happening dated twice: the second clause reports nothing of its own.
        "Ngày 3/6, hai bên ký thỏa thuận ngừng bắn, có hiệu lực từ ngày 5/6.",
        # Two days of one month: one date span, one event.
        "Hội nghị diễn ra tại Hà Nội trong hai ngày 7 và 8-6.",
        # A range.
        "Từ ngày 3/6 đến ngày 5/6, giao tranh diễn ra ở Shusha.",
    ],
)
def test_one_happening_with_two_dates_stays_one_event(tmp_path, gaz, body):
    (event,) = propose_events(_article(tmp_path, body, "2024-06-10"), gaz)
    assert event.id == "event-test-s1"
