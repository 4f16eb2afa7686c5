"""The shared sentence segmenter."""

from pathlib import Path

import pytest

from mapapp.sources.articles import read_article
from mapapp.sources.segment import segment

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Tổng thống Nga V.Putin đã điện đàm. Hai bên đồng ý.", 2),
        ("Có 1.960 người và 552 thiết bị. Xong.", 2),
        ("Tuyên bố ngày 9/11 về Nagorno-Karabakh. Tiếp theo.", 2),
        ("Chống đại dịch Covid-19. Phối hợp các nỗ lực.", 2),
        ("Một câu cuối./.", 1),
        ("Ông V. Putin nói. Xong.", 2),
        ("Đoạn một.\n\nĐoạn hai không có dấu chấm", 2),
        ('Ông nói:\n\n"Tôi hy vọng."', 2),
    ],
)
def test_sentence_counts(body: str, expected: int) -> None:
    assert len(segment(body)) == expected


def test_spans_index_the_body_and_numbers_start_at_one() -> None:
    body = "Câu một. Câu hai!\n\nCâu ba?"
    sentences = segment(body)
    assert [s.number for s in sentences] == [1, 2, 3]
    assert [s.paragraph for s in sentences] == [1, 1, 2]
    for s in sentences:
        assert body[s.start : s.end] == s.text


def test_closing_mark_is_not_a_sentence_and_keeps_the_full_stop() -> None:
    sentences = segment("Đảm bảo an toàn./.")
    assert [s.text for s in sentences] == ["Đảm bảo an toàn."]


def test_same_text_same_numbers() -> None:
    path = GEODATA / "articles" / "2020-11-25-putin-erdogan-call.md"
    first = [(s.number, s.text) for s in read_article(path).sentences]
    second = [(s.number, s.text) for s in read_article(path).sentences]
    assert first == second


@pytest.mark.parametrize(
    ("article", "count", "number", "starts"),
    [
        ("2020-11-25-putin-erdogan-call", 17, 15, "Theo Bộ trưởng, 250 chuyến bay"),
        ("2020-11-25-putin-erdogan-call", 17, 10, "Cũng theo Điện Kremlin"),
        ("2020-11-17-russia-humanitarian-centre", 18, 5, "Nguồn: Sina."),
        ("2020-11-17-russia-humanitarian-centre", 18, 11, "Mới đây nhất, ngày 16/11"),
    ],
)
def test_seed_articles(article: str, count: int, number: int, starts: str) -> None:
    art = read_article(GEODATA / "articles" / f"{article}.md")
    assert len(art.sentences) == count
    assert art.sentence(number).text.startswith(starts)
