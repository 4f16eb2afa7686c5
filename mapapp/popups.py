"""Every piece of HTML the map builds from feature data, escaped by one helper."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote as url_quote

import jinja2
from markupsafe import Markup

from mapapp.mapstyle import EVENT_TYPES, Symbol, badge, css_token, kind_label
from mapapp.model import date_precision, sentence_url

__all__ = [
    "escape_html",
    "format_date",
    "format_quantity",
    "popup_html",
    "tooltip_html",
    "marker_html",
    "area_label_html",
    "overlay_label_html",
]

# Besides the five HTML specials, folium puts text inside JavaScript template literals
# (`...${...}...`), where a backtick, "${" or a backslash would end or alter the string.
_ENTITIES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",
    }
)


def escape_html(value: object) -> str:
    """Return ``value`` as text safe in HTML content, attributes and JS template literals."""
    return str(value).translate(_ENTITIES)


def _finalize(value: object) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, Markup) else escape_html(value)


# autoescape is off because finalize already passes every {{ value }} through escape_html.
_ENV = jinja2.Environment(
    autoescape=False, finalize=_finalize, undefined=jinja2.StrictUndefined, trim_blocks=True
)
_POPUP = _ENV.from_string(
    """<article class="fp" data-feature-id="{{ id }}">
<h3 class="fp-name">{{ name }}</h3>
{% if name_vi %}<p class="fp-name-vi" lang="vi">{{ name_vi }}</p>{% endif %}
<p class="fp-kind"><span class="fp-swatch" style="--c:{{ colour }}"></span>
{{- layer_title }} · {{ kind }}</p>
{% if summary %}<p class="fp-summary">{{ summary }}</p>{% endif %}
<dl class="fp-facts">
{% if date %}<dt>Date</dt><dd class="fp-date">{{ date }}
<span class="fp-note">({{ date_precision }})</span>
{% if date_note %}<br><span class="fp-note">{{ date_note }}</span>{% endif %}</dd>{% endif %}
{% if actors %}<dt>Actors</dt><dd class="fp-actors">{{ actors }}</dd>{% endif %}
{% if figures %}<dt>Figures</dt><dd class="fp-figures"><ul>
{% for f in figures %}<li>{{ f }}</li>{% endfor %}</ul></dd>{% endif %}
{% if article_figures %}<dt>The article says</dt><dd class="fp-figures"><ul>
{% for f in article_figures %}<li>{{ f.text }}{% if f.what %}: {{ f.what }}{% endif %}
{% if f.href %} <a href="{{ f.href }}">(sentence {{ f.sentence }})</a>{% endif %}</li>
{% endfor %}</ul></dd>{% endif %}
{% for label, value in facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
<dt>Position</dt><dd class="fp-geo">
<span class="fp-precision fp-precision-{{ precision_token }}">{{ precision }}</span>
{% if geometry_source %} · {{ geometry_source }}{% endif %}
{% if geo_note %}<br><span class="fp-note">{{ geo_note }}</span>{% endif %}</dd>
</dl>
{% if sources %}<ol class="fp-sources">
{% for s in sources %}<li><blockquote lang="vi">{{ s.quote }}</blockquote>
{% if s.href %}<a class="fp-source-link" href="{{ s.href }}">
{{- "Article %s, sentence %s →"|format(s.article_id, s.sentence) }}</a>{% endif %}</li>
{% endfor %}</ol>{% endif %}
</article>"""
)

_PRECISION_LABELS = {
    "exact": "exact",
    "approximate": "approximate: the position is estimated",
    "region": "only the region is known",
}
_DATE_PRECISION_LABELS = {"day": "exact day", "month": "month only", "year": "year only"}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Qualifiers that replace the number: "hàng nghìn người" is "thousands of people".
_MAGNITUDES = {"tens", "hundreds", "thousands", "millions", "billions"}


def format_date(value: str) -> str:
    """Return an ISO date of day, month or year precision in words ("24 November 2020")."""
    try:
        precision = date_precision(value)
        parsed = dt.date.fromisoformat(value if precision == "day" else value[:7] + "-01")
    except ValueError:
        return str(value)
    month = _MONTHS[parsed.month - 1]
    return {"day": f"{parsed.day} {month} {parsed.year}", "month": f"{month} {parsed.year}"}.get(
        precision, str(parsed.year)
    )


def format_quantity(unit: str, value: object, qualifier: str | None = None) -> str:
    """Return a figure as words: ``("killed", 4000, "more_than")`` → "more than 4,000 killed".

    A vague magnitude stays vague (``("refugees", 1000, "thousands")`` → "thousands of
    refugees"), and a unit's detail is bracketed ("aircraft:An-124" → "aircraft (An-124)").
    """
    unit, _, detail = str(unit).replace("_", " ").partition(":")
    unit = f"{unit} ({detail})" if detail else unit
    qualifier = (qualifier or "").replace("_", " ")
    if qualifier.split(" ")[-1] in _MAGNITUDES:
        return f"{qualifier} of {unit}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        number = str(value)
    else:
        number = f"{value:,}" if isinstance(value, int) else f"{value:,g}"
    return " ".join(w for w in (qualifier, number, unit) if w)


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


def _date_context(props: dict) -> dict:
    date = props.get("date")
    if not date:
        return {"date": None, "date_precision": None, "date_note": None}
    text = format_date(str(date))
    if props.get("date_end"):
        text = f"{text} – {format_date(str(props['date_end']))}"
    try:
        precision = props.get("date_precision") or date_precision(str(date))
    except ValueError:
        precision = "unknown precision"
    return {
        "date": text,
        "date_precision": _DATE_PRECISION_LABELS.get(precision, precision),
        "date_note": props.get("date_note"),
    }


def popup_html(feature: dict, layer_title: str, symbol: Symbol) -> str:
    """Return the popup of a feature: names, date, type, actors, figures, position, sources."""
    props = feature.get("properties") or {}
    qualifiers = props.get("quantity_qualifiers") or {}
    event_type = props.get("event_type")
    if event_type in EVENT_TYPES:
        kind = EVENT_TYPES[event_type].label
    else:
        kind = kind_label(event_type or props.get("kind"))
    facts = []
    if props.get("length_km") is not None:
        facts.append(("Length drawn", format_quantity("km", props["length_km"])))
    if props.get("post_count") is not None:
        facts.append(("Posts", props["post_count"]))
    article_figures = [
        {
            "text": format_quantity(f.get("unit", ""), f.get("value")),
            "what": f.get("what"),
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
            "article_id": s.get("article_id"),
            "sentence": s.get("sentence"),
        }
        for s in props.get("sources") or []
        if isinstance(s, dict)
    ]
    precision = props.get("geo_precision", "")
    return _POPUP.render(
        id=feature.get("id"),
        name=props.get("name") or feature.get("id"),
        name_vi=props.get("name_vi"),
        colour=symbol.colour,
        layer_title=layer_title,
        kind=kind,
        summary=props.get("summary"),
        actors=", ".join(str(a) for a in props.get("actors") or []),
        figures=[
            format_quantity(unit, value, qualifiers.get(unit))
            for unit, value in (props.get("quantities") or {}).items()
        ],
        article_figures=article_figures,
        facts=facts,
        precision=_PRECISION_LABELS.get(precision, precision),
        precision_token=css_token(precision),
        geometry_source=props.get("geometry_source"),
        geo_note=props.get("geo_note"),
        sources=sources,
        **_date_context(props),
    )


def tooltip_html(feature: dict) -> str:
    """Return the tooltip of a feature: its name, and for events the date."""
    props = feature.get("properties") or {}
    text = escape_html(props.get("name") or feature.get("id"))
    if props.get("date"):
        text += f' <span class="tt-date">{escape_html(format_date(str(props["date"])))}</span>'
    return text


def marker_html(
    symbol: Symbol, shape: str, precision: str, name: str, label_row: int | None = None
) -> str:
    """Return a point marker's HTML: its body, named for screen readers, and unless
    ``label_row`` is None a visible name (on that row, for places sharing a position)."""
    html = str(badge(symbol, shape, precision, Markup(escape_html(name))))
    if label_row is not None:
        html += f'<span class="mk-label" style="--row:{int(label_row)}">{escape_html(name)}</span>'
    return html


def area_label_html(label: str) -> str:
    """Return the label of an area known only as a region (no pin: just lettering)."""
    return f'<span class="mk-area-label">{escape_html(label)}</span>'


def overlay_label_html(overlay_id: str, title: str, count: int, sample: Markup) -> str:
    """Return an overlay's entry in the layer control (Leaflet inserts it as HTML)."""
    return (
        f'<span class="ov" data-overlay="{escape_html(overlay_id)}">{sample}'
        f'<span class="ov-title">{escape_html(title)}</span>'
        f'<span class="ov-count">{escape_html(count)}</span></span>'
    )
