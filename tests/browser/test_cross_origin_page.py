"""A web page on another site reads the OGC API from a real browser (CORS), and cannot read
the map's own pages."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from liveserver import HOST

pytestmark = pytest.mark.browser

PAGE = b"<!doctype html><title>another site</title><p>a newsroom's own page</p>"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server interface)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site():
    httpd = ThreadingHTTPServer((HOST, 0), _Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


READ = """async (url) => {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.text();
    return { ok: response.ok, etag: response.headers.get("ETag"), length: body.length };
  } catch (error) {
    return { error: String(error) };
  }
}"""


def test_another_site_reads_the_api_but_not_the_pages(browser, server, other_site) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(other_site + "/")
        assert server.url != other_site
        collections = page.evaluate(READ, f"{server.url}/ogc/collections?f=json")
        assert collections.get("ok") is True and collections["length"] > 100, collections
        assert collections["etag"]  # an exposed header
        items = page.evaluate(READ, f"{server.url}/ogc/collections/events/items?limit=2")
        assert items.get("ok") is True, items
        # The map page is not part of the public API: the browser withholds it.
        blocked = page.evaluate(READ, f"{server.url}/")
        assert "error" in blocked and "Failed to fetch" in blocked["error"], blocked
    finally:
        context.close()
