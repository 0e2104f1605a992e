"""Tests for ingest.fetch: pages from a loopback server, and the URLs that must be refused, all without the network.

The refusal tests run without allow_private. A redirect test needs a first hop that is allowed
and a second that is refused, without leaving the machine: the "public" server listens on
127.0.0.2 and the test lets exactly that address through with allowed_networks (an operator
setting of its own: named intranet ranges), while 127.0.0.1 keeps the default rules. The
conftest's no_network guard fails any test that looks up a real name or connects off loopback.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence

import pytest
from conftest import STAND_IN_PUBLIC_HOST
from web_server import BIG_BYTES, BOMB_BYTES, StaticResolver, WebServer

from index.errors import QuotebotError
from ingest.extract import extract_document
from ingest.fetch import (
    DEFAULT_MAX_BYTES,
    FetchError,
    IPAddress,
    SystemResolver,
    address_refusal,
    describe_size,
    fetch_document,
    fetch_url,
)

STAND_IN_PUBLIC = [ipaddress.ip_network(f"{STAND_IN_PUBLIC_HOST}/32")]


class RebindingResolver:
    """Answers the stand-in public address the first time, then loopback: a DNS rebinding attack."""

    def __init__(self) -> None:
        self.lookups = 0

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        self.lookups += 1
        address = STAND_IN_PUBLIC_HOST if self.lookups == 1 else "127.0.0.1"
        return [ipaddress.ip_address(address)]


# --- pages from the loopback server (allow_private, as for intranet docs) ---


@pytest.mark.asyncio
async def test_news_page_is_fetched_and_loses_its_furniture(web_server: WebServer) -> None:
    """A news page comes back as HTML; its extracted text keeps the article and drops nav, footer and links."""
    page = await fetch_url(web_server.url("/news"), allow_private=True)
    assert page.media_type == "text/html"
    assert page.url == web_server.url("/news")
    assert page.redirects == ()
    doc = extract_document(page.body, content_type=page.content_type, url=page.url)
    assert "resident keepers again" in doc.text
    assert "log the weather every three hours" in doc.text
    assert "repainting the tower" in doc.text
    for furniture in (
        "Also Read",
        "Harbour dues",
        "Read more",
        "paraffin lamps",
        "Related articles",
        "Seal pups",
        "All rights reserved",
        "Privacy policy",
        "Opinion",
    ):
        assert furniture not in doc.text, furniture
    assert doc.title == "Lighthouse keepers return to Skerry Point"
    assert doc.published == "2024-09-03"


@pytest.mark.asyncio
async def test_fetch_document_links_to_the_canonical_url(web_server: WebServer) -> None:
    """fetch_document extracts the page and links answers to its canonical URL on the same host."""
    fetched = await fetch_document(web_server.url("/news"), allow_private=True)
    assert fetched.document.kind == "html"
    assert "resident keepers again" in fetched.document.text
    assert fetched.source_url == web_server.url("/news/lighthouse-keepers")


@pytest.mark.asyncio
async def test_pdf_is_fetched_and_read_as_pdf(web_server: WebServer) -> None:
    """A PDF URL is served as application/pdf and read with pypdf."""
    fetched = await fetch_document(web_server.url("/tides.pdf"), allow_private=True)
    assert fetched.page.media_type == "application/pdf"
    assert fetched.page.body.startswith(b"%PDF-")
    assert fetched.document.kind == "pdf"
    assert "Spring tides follow the full moon" in fetched.document.text
    assert fetched.source_url == web_server.url("/tides.pdf")


@pytest.mark.asyncio
async def test_undeclared_pdf_is_recognised_by_its_magic(web_server: WebServer) -> None:
    """application/octet-stream that starts with %PDF- is taken as a PDF."""
    page = await fetch_url(web_server.url("/download"), allow_private=True)
    assert page.content_type == "application/pdf"


@pytest.mark.asyncio
async def test_undeclared_bytes_that_are_not_pdf_are_refused(web_server: WebServer) -> None:
    """application/octet-stream without the PDF magic is refused with the type named."""
    with pytest.raises(FetchError, match="unsupported content type application/octet-stream"):
        await fetch_url(web_server.url("/blob"), allow_private=True)


@pytest.mark.asyncio
async def test_markdown_content_type_is_accepted(web_server: WebServer) -> None:
    """text/markdown is one of the accepted types."""
    page = await fetch_url(web_server.url("/notes.md"), allow_private=True)
    assert page.media_type == "text/markdown"
    assert page.body == b"# Notes\n\nThe ferry leaves at nine.\n"


@pytest.mark.asyncio
@pytest.mark.parametrize("hops", [1, 3, 5])
async def test_redirect_chain_is_followed(web_server: WebServer, hops: int) -> None:
    """Up to five redirects (301, 302, 303, 307, 308, relative or absolute) lead to the page."""
    page = await fetch_url(web_server.url(f"/hop/{hops}"), allow_private=True)
    assert page.url == web_server.url("/hop/0")
    assert page.body == b"You have arrived at the harbour office."
    assert page.redirects == tuple(web_server.url(f"/hop/{count}") for count in range(hops, 0, -1))


@pytest.mark.asyncio
async def test_six_redirects_are_too_many(web_server: WebServer) -> None:
    """The sixth redirect is refused, and its target is never requested."""
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        await fetch_url(web_server.url("/hop/6"), allow_private=True)
    assert [request.path for request in web_server.requests] == [f"/hop/{count}" for count in range(6, 0, -1)]


@pytest.mark.asyncio
async def test_max_redirects_is_a_parameter(web_server: WebServer) -> None:
    """max_redirects=0 refuses the first redirect."""
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch_url(web_server.url("/hop/1"), allow_private=True, max_redirects=0)


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/slow", "/slow-body"])
async def test_slow_page_times_out(web_server: WebServer, path: str) -> None:
    """A page that answers late, or dribbles its body, stops at the time limit with a clear reason."""
    with pytest.raises(FetchError, match=r"the page took longer than 0\.5 s"):
        await fetch_url(web_server.url(path), allow_private=True, timeout=0.5)


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/big", "/big-streamed"])
async def test_oversized_page_is_refused(web_server: WebServer, path: str) -> None:
    """A body over max_bytes is refused, whether or not it declared its length."""
    with pytest.raises(FetchError, match="the page is larger than 1 KB"):
        await fetch_url(web_server.url(path), allow_private=True, max_bytes=1024)


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/big", "/big-streamed"])
async def test_page_of_exactly_max_bytes_is_accepted(web_server: WebServer, path: str) -> None:
    """The limit is inclusive: a body of exactly max_bytes comes back whole."""
    page = await fetch_url(web_server.url(path), allow_private=True, max_bytes=BIG_BYTES)
    assert len(page.body) == BIG_BYTES


def test_sizes_read_as_a_person_would_say_them() -> None:
    """The 20 MB default is named as such; odd limits in bytes."""
    assert describe_size(DEFAULT_MAX_BYTES) == "20 MB"
    assert describe_size(1024) == "1 KB"
    assert describe_size(1000) == "1000 bytes"


@pytest.mark.asyncio
async def test_compressed_body_is_measured_after_decompression(web_server: WebServer) -> None:
    """A small gzip body that inflates past max_bytes is refused; with room enough it comes back inflated."""
    with pytest.raises(FetchError, match="the page is larger than 64 KB"):
        await fetch_url(web_server.url("/bomb"), allow_private=True, max_bytes=64 * 1024)
    page = await fetch_url(web_server.url("/bomb"), allow_private=True, max_bytes=BOMB_BYTES)
    assert page.body == b"0" * BOMB_BYTES


@pytest.mark.asyncio
async def test_wrong_content_type_is_refused(web_server: WebServer) -> None:
    """An image is refused before its body is read, with the accepted types named."""
    with pytest.raises(FetchError) as raised:
        await fetch_url(web_server.url("/photo.png"), allow_private=True)
    assert str(raised.value) == "unsupported content type image/png: quotebot reads HTML, text, Markdown and PDF"
    assert isinstance(raised.value, QuotebotError)


@pytest.mark.asyncio
async def test_http_error_status_is_named(web_server: WebServer) -> None:
    """A 404 reads as "HTTP 404 Not Found", not the server's own text."""
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$"):
        await fetch_url(web_server.url("/gone"), allow_private=True)


@pytest.mark.asyncio
async def test_closed_port_is_a_connection_error(web_server: WebServer) -> None:
    """Nothing listening gives "couldn't connect to" the host."""
    port = web_server.port
    await web_server.close()
    with pytest.raises(FetchError, match=r"couldn't connect to 127\.0\.0\.1"):
        await fetch_url(f"http://127.0.0.1:{port}/news", allow_private=True)


# --- refusals: no network, no allow_private ---


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://[::1]/", "refused: ::1 is a loopback address"),
        ("http://10.0.0.1/", "refused: 10.0.0.1 is a private address"),
        ("http://192.168.1.20:8080/", "refused: 192.168.1.20 is a private address"),
        ("http://172.16.5.4/", "refused: 172.16.5.4 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
        ("http://100.64.0.1/", "refused: 100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "refused: 240.0.0.1 is a reserved address"),
        ("http://[fd00::1]/", "refused: fd00::1 is a private address"),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        ("http://[ff02::1]/", "refused: ff02::1 is a multicast address"),
        ("http://[::]/", "refused: :: is an unspecified address"),
        ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped form of 127.0.0.1, a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "an IPv4-mapped form of 10.0.0.1, a private address"),
        ("http://[::ffff:0:7f00:1]/", "an IPv4-translated form of 127.0.0.1, a loopback address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "a NAT64 form of 169.254.169.254, a link-local address"),
        ("http://[2002:7f00:1::1]/", "a 6to4 form of 127.0.0.1, a loopback address"),
        ("http://[::7f00:1]/", "is a reserved address"),
        ("http://2130706433/", "refused: 2130706433 is an unusual spelling of the IP address 127.0.0.1"),
        ("http://0x7f.1/", "refused: 0x7f.1 is an unusual spelling of the IP address 127.0.0.1"),
        ("http://0177.0.0.1/", "refused: 0177.0.0.1 is an unusual spelling of the IP address 127.0.0.1"),
        ("http://127.1/", "refused: 127.1 is an unusual spelling of the IP address 127.0.0.1"),
        ("http://0x0a000001/", "unusual spelling of the IP address 10.0.0.1"),
        ("http://1.2.3.4.5/", "refused: 1.2.3.4.5 is not a valid IP address"),
        ("ftp://x/", "refused: ftp:// URLs aren't fetched, only http:// and https://"),
        ("file:///etc/passwd", "refused: file:// URLs aren't fetched"),
        ("gopher://example.org/", "refused: gopher:// URLs aren't fetched"),
        ("http://admin:secret@example.org/", "refused: the URL contains a user name or password"),
        ("example.org/page", "not a web address: give a URL that starts with https:// or http://"),
        ("", "no URL given"),
    ],
)
async def test_refused_urls(url: str, reason: str) -> None:
    """Each refused URL names its reason, and no name is looked up for it."""
    resolver = StaticResolver({})
    with pytest.raises(FetchError) as raised:
        await fetch_url(url, resolver=resolver)
    assert reason in str(raised.value)
    assert resolver.lookups == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "url", ["ftp://x/", "file:///etc/passwd", "http://2130706433/", "http://0x7f.1/", "http://u:p@127.0.0.1/"]
)
async def test_allow_private_never_lifts_the_scheme_or_spelling_checks(url: str) -> None:
    """allow_private lets private addresses through, never other schemes, odd spellings or credentials."""
    with pytest.raises(FetchError, match="refused"):
        await fetch_url(url, allow_private=True, resolver=StaticResolver({}))


@pytest.mark.asyncio
async def test_public_looking_name_resolving_to_loopback_is_refused(web_server: WebServer) -> None:
    """A name that resolves to 127.0.0.1 is refused before any connection, even with a server listening there."""
    resolver = StaticResolver({"docs.example.com": ["127.0.0.1"]})
    with pytest.raises(FetchError, match=r"^refused: docs\.example\.com resolves to 127\.0\.0\.1, a loopback address$"):
        await fetch_url(web_server.url("/news", host="docs.example.com"), resolver=resolver)
    assert resolver.lookups == ["docs.example.com"]
    assert web_server.requests == []


@pytest.mark.asyncio
async def test_name_with_one_private_address_among_public_ones_is_refused() -> None:
    """Every resolved address is checked, IPv4 and IPv6: one private address refuses the host."""
    resolver = StaticResolver(
        {"mixed.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "10.1.2.3"]}
    )
    with pytest.raises(FetchError, match=r"mixed\.example\.com resolves to 10\.1\.2\.3, a private address"):
        await fetch_url("https://mixed.example.com/", resolver=resolver)


@pytest.mark.asyncio
async def test_name_with_private_ipv6_address_is_refused() -> None:
    """An IPv6 answer is checked as strictly as an IPv4 one."""
    resolver = StaticResolver({"v6.example.com": ["93.184.215.14", "fd12:3456::1"]})
    with pytest.raises(FetchError, match="resolves to fd12:3456::1, a private address"):
        await fetch_url("https://v6.example.com/", resolver=resolver)


@pytest.mark.asyncio
async def test_system_resolver_refuses_localhost() -> None:
    """The default resolver (getaddrinfo, IPv4 and IPv6) finds localhost on loopback, which is refused."""
    with pytest.raises(FetchError, match=r"^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$"):
        await fetch_url("http://localhost/")
    addresses = await SystemResolver().resolve("localhost", 80)
    assert addresses
    assert all(address.is_loopback for address in addresses)


@pytest.mark.asyncio
async def test_redirect_to_loopback_is_refused(public_server: WebServer, web_server: WebServer) -> None:
    """An allowed first hop that redirects to 127.0.0.1 is refused, and the loopback server is never asked."""
    public_server.redirect_target = web_server.url("/news")
    with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a loopback address \(redirected from"):
        await fetch_url(public_server.url("/elsewhere"), allowed_networks=STAND_IN_PUBLIC)
    assert [request.path for request in public_server.requests] == ["/elsewhere"]
    assert web_server.requests == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("file:///etc/passwd", "refused: file:// URLs aren't fetched"),
        ("http://2130706433/", "refused: 2130706433 is an unusual spelling"),
        ("http://[::ffff:7f00:1]/", "IPv4-mapped form of 127.0.0.1"),
    ],
)
async def test_redirect_to_a_refused_url_is_refused(public_server: WebServer, target: str, reason: str) -> None:
    """Each redirect passes the same URL checks as the first request."""
    public_server.redirect_target = target
    with pytest.raises(FetchError, match=re.escape(reason)):
        await fetch_url(public_server.url("/elsewhere"), allowed_networks=STAND_IN_PUBLIC)


@pytest.mark.asyncio
async def test_redirect_to_a_name_on_loopback_is_refused(public_server: WebServer, web_server: WebServer) -> None:
    """A redirect to a name that resolves to loopback is checked again, and refused."""
    resolver = StaticResolver({"docs.example.com": [STAND_IN_PUBLIC_HOST], "intranet.example.com": ["127.0.0.1"]})
    public_server.redirect_target = web_server.url("/news", host="intranet.example.com")
    with pytest.raises(FetchError, match=r"intranet\.example\.com resolves to 127\.0\.0\.1, a loopback address"):
        await fetch_url(
            public_server.url("/elsewhere", host="docs.example.com"),
            resolver=resolver,
            allowed_networks=STAND_IN_PUBLIC,
        )
    assert resolver.lookups == ["docs.example.com", "intranet.example.com"]
    assert web_server.requests == []


@pytest.mark.asyncio
async def test_redirect_to_an_allowed_host_is_followed(public_server: WebServer) -> None:
    """The same set-up without a loopback target succeeds: the refusal above is the address check's doing."""
    public_server.redirect_target = public_server.url("/notes.md")
    page = await fetch_url(public_server.url("/elsewhere"), allowed_networks=STAND_IN_PUBLIC)
    assert page.url == public_server.url("/notes.md")
    assert [request.path for request in public_server.requests] == ["/elsewhere", "/notes.md"]


@pytest.mark.asyncio
async def test_allowed_networks_do_not_open_other_private_addresses(web_server: WebServer) -> None:
    """Allowing 127.0.0.2 leaves 127.0.0.1 refused."""
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is a loopback address"):
        await fetch_url(web_server.url("/news"), allowed_networks=STAND_IN_PUBLIC)
    assert web_server.requests == []


@pytest.mark.asyncio
async def test_connection_goes_to_the_checked_address_with_the_name_kept(public_server: WebServer) -> None:
    """The request reaches the checked address, once resolved, while the Host header keeps the URL's name."""
    resolver = StaticResolver({"docs.example.com": [STAND_IN_PUBLIC_HOST]})
    page = await fetch_url(
        public_server.url("/host", host="docs.example.com"), resolver=resolver, allowed_networks=STAND_IN_PUBLIC
    )
    assert page.body.decode() == f"Host: docs.example.com:{public_server.port}"
    # Only the server on 127.0.0.2 could have answered: nothing else listens on that address.
    assert [request.path for request in public_server.requests] == ["/host"]
    # aiohttp asked no DNS of its own (the no_network guard would have failed it): only the checked lookup.
    assert resolver.lookups == ["docs.example.com"]


@pytest.mark.asyncio
async def test_dns_rebinding_between_hops_is_caught(public_server: WebServer) -> None:
    """A name that turns into 127.0.0.1 after its first check is refused at the next hop."""
    resolver = RebindingResolver()
    with pytest.raises(FetchError, match=r"rebind\.example\.com resolves to 127\.0\.0\.1, a loopback address"):
        await fetch_url(
            public_server.url("/hop/2", host="rebind.example.com"), resolver=resolver, allowed_networks=STAND_IN_PUBLIC
        )
    assert resolver.lookups == 2
    assert [request.path for request in public_server.requests] == ["/hop/2"]


@pytest.mark.asyncio
async def test_dns_rebinding_within_a_hop_cannot_redirect_the_connection(public_server: WebServer) -> None:
    """The connection uses the address that was checked, not a second answer from DNS."""
    resolver = RebindingResolver()
    page = await fetch_url(
        public_server.url("/host", host="rebind.example.com"), resolver=resolver, allowed_networks=STAND_IN_PUBLIC
    )
    # Had it connected to the second answer, 127.0.0.1, nothing would have been listening on that port.
    assert page.body.decode() == f"Host: rebind.example.com:{public_server.port}"
    assert resolver.lookups == 1


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"],
)
def test_public_addresses_are_allowed(address: str) -> None:
    """Public addresses, and IPv6 forms that embed one, pass the address check."""
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_network_guard_catches_a_real_lookup_and_connection(no_network: list[str]) -> None:
    """The conftest guard really refuses a public lookup and connection, so the tests above can't go online."""
    with pytest.raises(AssertionError, match="real DNS"):
        socket.getaddrinfo("example.org", 80)
    with socket.socket() as sock, pytest.raises(AssertionError, match="off this machine"):
        sock.connect(("93.184.215.14", 80))
    assert len(no_network) == 2
    no_network.clear()  # the attempts were this test's point
