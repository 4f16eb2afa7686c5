"""OGC API – Features, framework-neutral: operations take an OgcRequest and return an OgcResponse
of headers, status and content (bytes, or an HtmlPage for the web layer to render)."""

from mapapp.ogc.api import FeaturesApi
from mapapp.ogc.http import HtmlPage, OgcRequest, OgcResponse

__all__ = ["FeaturesApi", "HtmlPage", "OgcRequest", "OgcResponse"]
