"""Feeds: the sources file, formats, item identity, conditional GET and classified failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import Source
from bot.sources import (
    ErrorKind,
    FetchStatus,
    SourcesError,
    canonical_link,
    fetch_feed,
    item_identity,
    load_sources,
    new_http_client,
    parse_feed,
)
from tests.conftest import Feed, FeedServer

RSS2 = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Clash in the north</title><link>https://news.example/a?utm_source=x&amp;id=7</link>
<guid>g-1</guid><pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Fighters &lt;b&gt;clashed&lt;/b&gt; near the river.&lt;/p&gt;
</description></item>
<item><title>No guid here</title><link>https://news.example/b?fbclid=zzz</link></item>
</channel></rss>"""

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<item><title>Old style item</title><link>https://old.example/1</link>
<description>Plain text body.</description></item></channel></rss>"""

RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF</title></channel>
<item rdf:about="https://rdf.example/1"><title>RDF item</title><link>https://rdf.example/1</link>
<description>Body one.</description><dc:date>2024-03-05T08:00:00Z</dc:date></item></rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>A</title><id>urn:a</id><updated>2024-03-05T08:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:a:1</id><link href="https://atom.example/1"/>
<updated>2024-03-05T08:00:00Z</updated>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
</feed>"""

JSONFEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J",
 "items": [{"id": "j1", "url": "https://json.example/1", "title": "Json item",
 "content_html": "<p>Json body</p>", "date_published": "2024-03-05T08:00:00Z"}]}"""


@pytest.mark.parametrize(
    ("body", "title", "text"),
    [
        (RSS2, "Clash in the north", "Fighters clashed near the river."),
        (RSS091, "Old style item", "Plain text body."),
        (RDF, "RDF item", "Body one."),
        (ATOM, "Atom entry", "Body"),
        (JSONFEED, "Json item", "Json body"),
    ],
)
def test_every_feed_format_parses_to_items(body: bytes, title: str, text: str) -> None:
    result = parse_feed(body)
    assert result.status is FetchStatus.OK
    assert result.items[0].title == title
    assert result.items[0].text == text


def test_published_time_is_read_as_utc() -> None:
    item = parse_feed(RSS2).items[0]
    assert item.published is not None
    assert item.published.isoformat() == "2024-03-05T08:00:00+00:00"


def test_item_identity_prefers_guid_then_canonical_link_then_text() -> None:
    items = parse_feed(RSS2).items
    assert items[0].id == item_identity("g-1", "https://other.example/", "x", "y")
    # Without a guid, the link minus tracking parameters identifies the item.
    assert items[1].id == item_identity(None, "https://news.example/b", "", "")
    assert item_identity(None, None, "Title", "Body") == item_identity(None, None, "Title", "Body")
    assert item_identity(None, None, "Title", "Body") != item_identity(None, None, "Title", "B")


def test_canonical_link_drops_tracking_parameters_and_fragment() -> None:
    link = "HTTPS://News.Example/a?utm_source=rss&id=7&fbclid=abc#top"
    assert canonical_link(link) == "https://news.example/a?id=7"


@pytest.mark.parametrize(
    "body", [b"<html><body>Not a feed</body></html>", b"garbage \x00\x01", b'{"a": 1}', b"{oops"]
)
def test_what_is_not_a_feed_is_a_parse_error(body: bytes) -> None:
    result = parse_feed(body)
    assert result.status is FetchStatus.ERROR
    assert result.error_kind is ErrorKind.PARSE


async def test_conditional_get_gets_304_on_the_second_fetch(feed_server: FeedServer) -> None:
    feed_server.feeds["/rss"] = feed = Feed(RSS2)
    source = Source("S", feed_server.url("/rss"))
    async with new_http_client(timeout=5, user_agent="test") as client:
        first = await fetch_feed(client, source, etag=None, last_modified=None, max_bytes=10**6)
        assert first.status is FetchStatus.OK and first.etag == feed.etag
        second = await fetch_feed(
            client, source, etag=first.etag, last_modified=None, max_bytes=10**6
        )
    assert second.status is FetchStatus.NOT_MODIFIED
    assert feed.conditional_hits == 1


async def test_failures_are_classified(feed_server: FeedServer) -> None:
    feed_server.feeds["/down"] = Feed(b"", status=503)
    feed_server.feeds["/html"] = Feed(b"<html>hi</html>", content_type="text/html")
    feed_server.feeds["/big"] = Feed(RSS2 * 10)
    async with new_http_client(timeout=5, user_agent="test") as client:

        async def fetch(url: str, cap: int = 10**6):  # type: ignore[no-untyped-def]
            return await fetch_feed(
                client, Source("S", url), etag=None, last_modified=None, max_bytes=cap
            )

        down = await fetch(feed_server.url("/down"))
        html = await fetch(feed_server.url("/html"))
        big = await fetch(feed_server.url("/big"), cap=1000)
        refused = await fetch("http://127.0.0.1:9/feed")
    assert (down.error_kind, down.detail) == (ErrorKind.HTTP, "HTTP 503")
    assert html.error_kind is ErrorKind.PARSE
    assert big.error_kind is ErrorKind.TOO_LARGE
    assert refused.error_kind is ErrorKind.NETWORK


async def test_a_local_file_is_a_source(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(ATOM)
    async with new_http_client(timeout=5, user_agent="test") as client:
        result = await fetch_feed(
            client, Source("F", str(path)), etag=None, last_modified=None, max_bytes=10**6
        )
        missing = await fetch_feed(
            client, Source("F", str(tmp_path / "nope.xml")), etag=None, last_modified=None,
            max_bytes=10**6,
        )
    assert [i.title for i in result.items] == ["Atom entry"]
    assert missing.error_kind is ErrorKind.NETWORK


def test_sources_file_is_validated_with_a_clear_message(tmp_path: Path) -> None:
    good = tmp_path / "sources.yaml"
    good.write_text("sources:\n  - {name: Local, url: feed.xml, interval: 60, tags: [x]}\n")
    [source] = load_sources(good)
    assert source.url == str(tmp_path / "feed.xml") and source.interval == 60
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: X, url: http://x.example/, interval: 5}\n")
    with pytest.raises(SourcesError, match=r"sources\.0\.interval"):
        load_sources(bad)
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")


def test_bundled_sources_are_real_feeds() -> None:
    sources = load_sources(None)
    assert len(sources) >= 8
    assert all(s.url.startswith("https://") for s in sources)
    assert len({s.url for s in sources}) == len(sources)
