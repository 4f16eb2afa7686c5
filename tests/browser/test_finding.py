"""Finding things on the bundled data: other spellings, hyphenated transliterations and article
titles in the search box."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

OPTIONS = "#search-results [role=option]"


@pytest.mark.parametrize(
    ("query", "feature_id"),
    [
        ("Moskva", "place-moscow"),  # a spelling only the gazetteer knows
        ("Mát-xcơ-va", "place-moscow"),  # hyphenated; the data writes "Mátxcơva"
        ("mat-xco-va", "place-moscow"),
        ("Khankendi", "place-stepanakert"),  # the Azerbaijani name
        ("Xtê-pa-na-kéc", "place-stepanakert"),
        ("Shoigu", "ev-2020-11-21-demining"),  # an actor
    ],
)
def test_search_finds_a_place_under_its_other_spellings(
    open_page, repo_server, query, feature_id
) -> None:
    watched = open_page(repo_server)
    watched.open_explorer()
    page = watched.page
    page.fill("#search-input", query)
    page.locator(OPTIONS).first.wait_for()
    found = page.locator(OPTIONS).evaluate_all("els => els.map(e => e.dataset.featureId)")
    assert feature_id in found[:3], found
    page.locator(f'{OPTIONS}[data-feature-id="{feature_id}"]').click()
    page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]').wait_for()


def test_search_lists_an_article_by_its_title_and_opens_the_map_on_it(
    open_page, repo_server
) -> None:
    watched = open_page(repo_server)
    watched.open_explorer()
    page = watched.page
    page.fill("#search-input", "dien dam Erdogan")  # no diacritics, words of the title
    option = page.locator(f"{OPTIONS}[data-article-id]").first
    option.wait_for()
    assert option.get_attribute("data-article-id") == "2020-11-25-putin-erdogan-call"
    assert "Tổng thống Nga V.Putin điện đàm" in option.inner_text()
    option.click()
    page.wait_for_url("**article=2020-11-25-putin-erdogan-call**")
    page.wait_for_selector("body[data-explore=ready]")
    assert page.locator("#filter-article").input_value() == "2020-11-25-putin-erdogan-call"


def test_a_sentence_is_framed_on_its_places_not_on_a_countrys_label_point(
    open_page, repo_server
) -> None:
    """Sentence 17 names Stepanakert and Russia: the view frames Stepanakert, not the point in
    Siberia that stands for Russia."""
    watched = open_page(repo_server)
    watched.open_explorer("/?sentence=2020-11-25-putin-erdogan-call:17")
    page = watched.page
    page.wait_for_function("() => mapappRegistry.map.getZoom() >= 8")
    contains = "([lat, lng]) => mapappRegistry.map.getBounds().contains([lat, lng])"
    assert page.evaluate(contains, [39.81528, 46.75194])  # Stepanakert
    assert not page.evaluate(contains, [59.4646, 88.3875])  # Russia's label point
