"""Every piece of HTML the map builds from feature data, escaped once: by Jinja's autoescape
in our own templates, or by ``escape_html``."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote as url_quote

import jinja2
from markupsafe import Markup, escape

from mapapp.core.model import date_precision, sentence_url
from mapapp.core.text import css_token
from mapapp.i18n import Translator
from mapapp.i18n.wording import format_date, format_quantity
from mapapp.mapview.style import Symbol, badge, date_chip, event_label, kind_label

__all__ = [
    "escape_html",
    "date_precision_of",
    "format_date",
    "format_quantity",
    "popup_html",
    "tooltip_html",
    "marker_html",
    "area_label_html",
    "overlay_label_html",
]

_ENGLISH = Translator("en")


def escape_html(value: object) -> str:
    """Return ``value`` as text safe in HTML content and quoted attributes."""
    return str(escape(value))


def _finalize(value: object) -> object:
    return "" if value is None else value


# Autoescape escapes every {{ value }} exactly once; Markup (our own markup) passes as it is.
# The HTML built here reaches the page inside JSON and never passes another template engine.
_ENV = jinja2.Environment(
    autoescape=True, finalize=_finalize, undefined=jinja2.StrictUndefined, trim_blocks=True
)
_POPUP = _ENV.from_string(
    """<article class="fp" data-feature-id="{{ id }}">
<h3 class="fp-name">{{ name }}</h3>
{% if other_name %}<p class="fp-name-other" lang="{{ other_lang }}">{{ other_name }}</p>{% endif %}
<p class="fp-kind"><span class="fp-swatch" style="--c:{{ colour }}"></span>
{{- layer_title }} · {{ kind }}</p>
{% if summary.text %}<p class="fp-summary" lang="{{ summary.lang }}">
{{- summary.text }}</p>{% endif %}
<dl class="fp-facts">
{% if date %}<dt>{{ t("popup.date") }}</dt><dd class="fp-date">{{ date }}
<span class="fp-note">({{ date_precision }})</span>
{% if date_note.text %}<br><span class="fp-note" lang="{{ date_note.lang }}">
{{- date_note.text }}</span>
{%- endif %}</dd>{% endif %}
{% if actors %}<dt>{{ t("popup.actors") }}</dt><dd class="fp-actors">{{ actors }}</dd>{% endif %}
{% if figures %}<dt>{{ t("popup.figures") }}</dt><dd class="fp-figures"><ul>
{% for f in figures %}<li>{{ f }}</li>{% endfor %}</ul></dd>{% endif %}
{% if article_figures %}<dt>{{ t("popup.article_says") }}</dt><dd class="fp-figures"><ul>
{% for f in article_figures %}<li>{{ f.text }}
{%- if f.what.text %}: <span lang="{{ f.what.lang }}">{{ f.what.text }}</span>{% endif %}
{% if f.href %} <a href="{{ f.href }}">({{ t("popup.sentence", n=f.sentence) }})</a>{% endif %}</li>
{% endfor %}</ul></dd>{% endif %}
{% for label, value in facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
<dt>{{ t("popup.position") }}</dt><dd class="fp-geo">
<span class="fp-precision fp-precision-{{ precision_token }}">{{ precision }}</span>
{% if geometry_source.text %} · <span lang="{{ geometry_source.lang }}">
{{- geometry_source.text }}</span>
{%- endif %}
{% if geo_note.text %}<br><span class="fp-note" lang="{{ geo_note.lang }}">
{{- geo_note.text }}</span>
{%- endif %}</dd>
</dl>
{% if sources %}<ol class="fp-sources">
{% for s in sources %}<li><blockquote lang="vi">{{ s.quote }}</blockquote>
{% if s.href %}<a class="fp-source-link" href="{{ s.href }}">
{{- t("popup.source", article=s.title, n=s.sentence) }}</a>{% endif %}</li>
{% endfor %}</ol>{% endif %}
</article>"""
)


def _source_href(article_id: object, sentence: object) -> str | None:
    """Build the sentence link ourselves: a ``url`` in the data could point anywhere."""
    if not isinstance(sentence, int) or isinstance(sentence, bool):
        return None
    return sentence_url(url_quote(str(article_id), safe=""), sentence)


def _quote_markup(quote: str, spans: list) -> Markup:
    """Escape a quote, marking the place mentions (``spans``) in it."""
    out, cursor = [], 0
    for span in sorted(s for s in spans if isinstance(s, (list, tuple)) and len(s) == 2):
        start, end = span
        if not (isinstance(start, int) and isinstance(end, int)) or start < cursor:
            continue
        if end > len(quote):
            break
        out += [escape_html(quote[cursor:start]), "<mark>", escape_html(quote[start:end])]
        out.append("</mark>")
        cursor = end
    out.append(escape_html(quote[cursor:]))
    return Markup("".join(out))


def date_precision_of(props: dict) -> str | None:
    """Return the precision of a feature's date (``day``, ``month``, ``year``), if it has one."""
    date = props.get("date")
    try:
        return props.get("date_precision") or date_precision(str(date)) if date else None
    except ValueError:
        return None


def _date_context(props: dict, t: Translator) -> dict:
    date = props.get("date")
    if not date:
        return {"date": None, "date_precision": None, "date_note": _text(props, "date_note", t)}
    end = props.get("date_end")
    precision = date_precision_of(props)
    return {
        "date": date_chip(t.date(str(date), str(end) if end else None), precision),
        "date_precision": t.get(f"date.{precision}") or precision or "?",
        "date_note": _text(props, "date_note", t),
    }


def _text(props: dict, key: str, t: Translator) -> dict:
    """A free-text property in the page's language if the data has it, with its language."""
    text, lang = t.text(props, key)
    return {"text": text, "lang": lang}


def popup_html(
    feature: dict,
    layer_title: str,
    symbol: Symbol,
    t: Translator = _ENGLISH,
    titles: Mapping[str, str] | None = None,
) -> str:
    """Return the popup of a feature: names, date, type, actors, figures, position, sources
    (each linked by its article's title, from ``titles``, else its id)."""
    titles = titles or {}
    props = feature.get("properties") or {}
    qualifiers = props.get("quantity_qualifiers") or {}
    event_type = props.get("event_type")
    kind = event_label(event_type, t) if event_type else kind_label(props.get("kind"), t)
    facts = []
    if props.get("length_km") is not None:
        facts.append((t("popup.length"), t.quantity("km", props["length_km"])))
    if props.get("post_count") is not None:
        facts.append((t("popup.posts"), props["post_count"]))
    article_figures = [
        {
            "text": t.quantity(f.get("unit", ""), f.get("value")),
            "what": _text(f, "what", t),
            "href": _source_href(f.get("article_id"), f.get("sentence")),
            "sentence": f.get("sentence"),
        }
        for f in props.get("article_figures") or []
        if isinstance(f, dict)
    ]
    sources = [
        {
            "quote": _quote_markup(str(s.get("quote", "")), s.get("spans") or []),
            "href": _source_href(s.get("article_id"), s.get("sentence")),
            "title": titles.get(str(s.get("article_id"))) or s.get("article_id"),
            "sentence": s.get("sentence"),
        }
        for s in props.get("sources") or []
        if isinstance(s, dict)
    ]
    precision = props.get("geo_precision", "")
    return _POPUP.render(
        t=t,
        id=feature.get("id"),
        name=t.name(props) or feature.get("id"),
        other_name=t.other_name(props),
        other_lang="en" if t.lang == "vi" else "vi",
        colour=symbol.colour,
        layer_title=layer_title,
        kind=kind,
        summary=_text(props, "summary", t),
        actors=", ".join(str(a) for a in props.get("actors") or []),
        figures=[
            t.quantity(unit, value, qualifiers.get(unit))
            for unit, value in (props.get("quantities") or {}).items()
        ],
        article_figures=article_figures,
        facts=facts,
        precision=t.get(f"precision.{precision}") or precision,
        precision_token=css_token(precision),
        geometry_source=_text(props, "geometry_source", t),
        geo_note=_text(props, "geo_note", t),
        sources=sources,
        **_date_context(props, t),
    )


_TOOLTIP = _ENV.from_string(
    '{{ name }}{% if when %} <span class="tt-date">{{ when }}</span>{% endif %}'
)
_LABEL = _ENV.from_string(
    '{{ body }}{% if row is not none %}<span class="mk-label" style="--row:{{ row }}">'
    "{{ name }}</span>{% endif %}"
)
_AREA_LABEL = _ENV.from_string('<span class="mk-area-label">{{ label }}</span>')
_OVERLAY_LABEL = _ENV.from_string(
    '<span class="ov" data-overlay="{{ id }}">{{ sample }}<span class="ov-title">{{ title }}'
    '</span><span class="ov-count">{{ count }}</span></span>'
)


def tooltip_html(feature: dict, t: Translator = _ENGLISH) -> str:
    """Return the tooltip of a feature: its name, and for dated features the date."""
    props = feature.get("properties") or {}
    when = None
    if props.get("date"):
        end = props.get("date_end")
        when = t.date(str(props["date"]), str(end) if end else None, short=True)
    return _TOOLTIP.render(name=t.name(props) or feature.get("id"), when=when)


def marker_html(
    symbol: Symbol, shape: str, precision: str, name: str, label_row: int | None = None
) -> str:
    """Return a point marker's HTML: its body, and unless ``label_row`` is None a visible
    name (on that row, for places sharing a position).

    The marker's accessible name is its visible name; a marker without one (a badge) has its
    body named for screen readers instead, so that the name is never read twice.
    """
    if label_row is None:
        return str(badge(symbol, shape, precision, name))
    row = int(label_row)
    return _LABEL.render(body=badge(symbol, shape, precision), row=row, name=name)


def area_label_html(label: str) -> str:
    """Return the label of an area known only as a region (no pin: just lettering)."""
    return _AREA_LABEL.render(label=label)


def overlay_label_html(overlay_id: str, title: str, count: int, sample: Markup) -> str:
    """Return an overlay's entry in the layer control (Leaflet inserts it as HTML)."""
    return _OVERLAY_LABEL.render(id=overlay_id, sample=sample, title=title, count=count)
