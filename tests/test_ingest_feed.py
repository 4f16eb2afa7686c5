"""RSS and Atom feeds: each entry's page fetched over HTTP (here a server on loopback), once;
pages that cannot be read are warnings, not the end of the feed."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from test_ingest_html import META, _page

from mapapp.sources.feeds import USER_AGENT, FetchError, fetch, read_feed

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Báo Thử</title><id>urn:x</id>
<updated>2020-11-26T09:00:00Z</updated>
<entry><title>Tin một</title><id>urn:1</id><link href="{base}/a.html"/>
<updated>2020-11-26T08:00:00Z</updated></entry></feed>"""


def _rss(base: str) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{base}/{path}</link>"
        f"<pubDate>Thu, 26 Nov 2020 08:30:00 +0700</pubDate></item>"
        for title, path in (
            ("Nga điều thêm quân", "a.html"),
            ("Tin thứ hai về Stepanakert", "b.html"),
            ("Trang quá lớn", "big.html"),
            ("Trang đã mất", "gone.html"),
        )
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo Thử'
        f"</title><link>{base}/</link><description>Tin</description>{items}</channel></rss>"
    )


class _Site(BaseHTTPRequestHandler):
    hits: Counter = Counter()
    agents: set = set()

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        _Site.hits[self.path] += 1
        _Site.agents.add(self.headers.get("User-Agent"))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages = {
            "/feed.xml": (_rss(base), "application/rss+xml"),
            "/atom.xml": (ATOM.format(base=base), "application/atom+xml"),
            "/a.html": (_page(META), "text/html"),
            "/b.html": (_page(META.replace("nga-dieu-them-quan-123", "b")).replace(
                "Nga điều thêm quân gìn giữ hòa bình tới Nagorno-Karabakh",
                "Tin thứ hai về Stepanakert"), "text/html"),
            "/big.html": ("<p>" + "x" * 1_100_000 + "</p>", "text/html"),
            "/redirect": ("", "text/plain"),
        }  # fmt: skip
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/etc/passwd")
            self.end_headers()
            return
        if self.path not in pages:
            self.send_error(404)
            return
        body, kind = pages[self.path]
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.hits.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_feed_brings_each_new_page_once(site: str, data_dir: Path, run_cli) -> None:
    first = run_cli("ingest", f"{site}/feed.xml", "--data-dir", str(data_dir))
    assert first.returncode == 0, first.stderr
    assert "2 article file(s) new or changed" in first.stdout
    assert "big.html: larger than the 1,000,000 byte limit" in first.stderr
    assert "gone.html: HTTP 404" in first.stderr and "Traceback" not in first.stderr
    stored = {
        yaml.safe_load(p.read_text("utf-8").split("---\n", 2)[1])["url"]: p
        for p in (data_dir / "articles").glob("2020-11-26-*.md")
    }
    assert set(stored) == {f"{site}/a.html", f"{site}/b.html"}, "the feed's link is recorded"
    a = stored[f"{site}/a.html"].read_text("utf-8")
    assert "title: Nga điều thêm quân" in a or 'title: "Nga điều thêm quân"' in a
    assert "published: 2020-11-26" in a
    assert _Site.agents == {USER_AGENT}
    # Again: the stored pages are not fetched again; the unread ones are tried again.
    before = Counter(_Site.hits)
    again = run_cli("ingest", f"{site}/feed.xml", "--data-dir", str(data_dir))
    assert again.returncode == 0, again.stderr
    fetched = _Site.hits - before
    assert fetched == Counter({"/feed.xml": 1, "/big.html": 1, "/gone.html": 1})


def test_a_feed_from_a_file_and_an_atom_feed(site: str, data_dir: Path, run_cli, tmp_path) -> None:
    atom = tmp_path / "news.atom"
    atom.write_text(ATOM.format(base=site), encoding="utf-8")
    result = run_cli("ingest", str(atom), "--data-dir", str(data_dir), "--source", "Báo Thử")
    assert result.returncode == 0, result.stderr
    assert "1 article file(s) new or changed" in result.stdout
    one_text = run_cli("ingest", str(atom), "--data-dir", str(data_dir), "--title", "x")
    assert one_text.returncode == 2 and "describes one text" in one_text.stderr


def test_fetching_is_bounded_and_http_only(site: str) -> None:
    assert fetch(f"{site}/a.html").startswith(b"<!doctype html>")
    with pytest.raises(FetchError, match="not an http"):
        fetch("file:///etc/passwd")
    with pytest.raises(FetchError, match="redirected to 'ftp://127.0.0.1/etc/passwd'"):
        fetch(f"{site}/redirect")
    with pytest.raises(FetchError, match="larger than"):
        fetch(f"{site}/big.html")
    with pytest.raises(FetchError, match="could not be read"):
        fetch("http://127.0.0.1:9/nothing", timeout=2)


def test_a_file_that_is_no_feed_is_refused() -> None:
    from mapapp.core.errors import InvalidArticle

    with pytest.raises(InvalidArticle, match="not an RSS or Atom feed"):
        read_feed(b"<html><body>not a feed</body></html>", "page.xml")
    entries = read_feed(_rss("http://example.test").encode("utf-8"), "feed.xml")
    assert [e.link.rsplit("/", 1)[1] for e in entries] == ["a.html", "b.html", "big.html",
                                                           "gone.html"]  # fmt: skip
    assert entries[0].title == "Nga điều thêm quân" and str(entries[0].published) == "2020-11-26"
