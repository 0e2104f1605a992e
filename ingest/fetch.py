"""Fetching a moderator-given URL without letting it reach into the host's network.

A URL is untrusted input. Before each request (the first and every redirect) the host is
resolved here, every address it resolves to is checked, and the connection is then made to
exactly those checked addresses: aiohttp gets a resolver that knows only them, so a DNS answer
that changes between the check and the connection (DNS rebinding) can't send it elsewhere.
The Host header and TLS SNI still carry the URL's own name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from index.errors import QuotebotError
from ingest.extract import ExtractedDocument, extract_document

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
MAX_URL_CHARS = 2048

ACCEPTED_MEDIA_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown", "application/pdf"}
)
# Servers that don't know what a file is call it this; only a PDF's magic bytes are trusted then.
_UNDECLARED_MEDIA_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_PDF_MAGIC = b"%PDF-"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_USER_AGENT = "quotebot/0.1 (document fetcher)"
_ACCEPT = "text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,application/pdf;q=0.9"

# A host whose last label is a number is an IPv4 address to browsers and to inet_aton
# (WHATWG URL "ends in a number"), however it is spelt: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)

# IANA special-purpose ranges, listed here rather than taken from ipaddress.is_private alone:
# what that covers differs between Python patch releases, and the guard must not.
_IPV4_BLOCKED: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(network), label)
    for network, label in (
        ("0.0.0.0/8", "an unspecified address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "a reserved address"),
        ("192.0.2.0/24", "a reserved address"),
        ("192.88.99.0/24", "a reserved address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a reserved address"),
        ("198.51.100.0/24", "a reserved address"),
        ("203.0.113.0/24", "a reserved address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
    )
)
_IPV6_BLOCKED: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(network), label)
    for network, label in (
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("::/96", "a reserved address"),  # IPv4-compatible, deprecated
        ("64:ff9b:1::/48", "a private address"),  # local-use NAT64
        ("100::/64", "a reserved address"),
        ("2001::/23", "a reserved address"),  # protocol assignments, Teredo tunnels among them
        ("2001:db8::/32", "a reserved address"),
        ("fc00::/7", "a private address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a private address"),
        ("ff00::/8", "a multicast address"),
    )
)
# IPv6 forms that carry an IPv4 address to be judged as that address.
_IPV6_EMBEDDING_IPV4 = (
    (ipaddress.IPv6Network("::ffff:0:0/96"), "an IPv4-mapped"),
    (ipaddress.IPv6Network("::ffff:0:0:0/96"), "an IPv4-translated"),
    (ipaddress.IPv6Network("64:ff9b::/96"), "a NAT64"),
)
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


class FetchError(QuotebotError):
    """A URL can't be fetched: refused by the safety rules, unreachable, too slow, too big, or not a document."""


@dataclass(frozen=True)
class FetchedPage:
    """What a URL served, after its redirects."""

    url: str
    """The final URL, after redirects."""
    content_type: str
    """The declared Content-Type header (or "application/pdf" for an undeclared PDF)."""
    body: bytes
    redirects: tuple[str, ...] = ()
    """The URLs that redirected, in order, starting with the one asked for."""

    @property
    def media_type(self) -> str:
        """The content type without its parameters, lower case: "text/html"."""
        return self.content_type.split(";", 1)[0].strip().lower()


class Resolver(Protocol):
    """Turns a host name into the addresses it would be reached at."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        """Every address of the host; raise FetchError when it has none."""
        ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), IPv4 and IPv6 together."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        """Every address getaddrinfo gives for the host."""
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, family=socket.AF_UNSPEC, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"couldn't find the host {host}") from error
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


def address_refusal(address: IPAddress) -> str | None:
    """Why an address must not be fetched from ("a loopback address"), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        for network, form in _IPV6_EMBEDDING_IPV4:
            if address in network:
                embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
                reason = address_refusal(embedded)
                return f"{form} form of {embedded}, {reason}" if reason else None
        if address.sixtofour is not None:
            reason = address_refusal(address.sixtofour)
            return f"a 6to4 form of {address.sixtofour}, {reason}" if reason else None
        blocked = _IPV6_BLOCKED
    else:
        blocked = _IPV4_BLOCKED
    for network, label in blocked:
        if address in network:
            return label
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST:
        return "a reserved address"
    if not address.is_global:
        return "not a public address"
    return None


def parse_url(url: str) -> URL:
    """A checked http(s) URL: no credentials, a host, and no odd spelling of an IP address."""
    text = url.strip()
    if text.startswith("<") and text.endswith(">"):  # Discord's "don't embed" brackets
        text = text[1:-1].strip()
    if not text:
        raise FetchError("no URL given")
    if len(text) > MAX_URL_CHARS:
        raise FetchError(f"the URL is longer than {MAX_URL_CHARS} characters")
    try:
        parsed = URL(text)
    except (ValueError, TypeError) as error:
        raise FetchError("not a valid URL") from error
    scheme = parsed.scheme.lower()
    if not scheme:
        raise FetchError("not a web address: give a URL that starts with https:// or http://")
    if scheme not in ("http", "https"):
        raise FetchError(f"refused: {scheme}:// URLs aren't fetched, only http:// and https://")
    if parsed.raw_user is not None or parsed.raw_password is not None:
        raise FetchError("refused: the URL contains a user name or password")
    host = parsed.raw_host
    if not host:
        raise FetchError("not a valid URL: it names no host")
    _check_ip_spelling(host)
    return parsed


def _check_ip_spelling(host: str) -> None:
    """Refuse IPv4 addresses written any way but dotted decimal (2130706433, 0x7f.1, 0177.0.0.1, 127.1)."""
    if ":" in host:
        return  # an IPv6 literal: yarl has already parsed and normalised it
    labels = host.rstrip(".").split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return
    try:
        ipaddress.IPv4Address(host)
        return
    except ValueError:
        pass
    try:
        meant = socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
    except OSError:
        raise FetchError(f"refused: {host} is not a valid IP address") from None
    raise FetchError(f"refused: {host} is an unusual spelling of the IP address {meant}; write it as {meant}")


async def check_host(
    host: str,
    port: int,
    *,
    allow_private: bool,
    resolver: Resolver,
    allowed_networks: Sequence[IPNetwork] = (),
) -> list[IPAddress]:
    """The addresses to connect to for a host, every one of them checked; FetchError if any is refused."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        literal = None
    addresses = [literal] if literal is not None else list(await resolver.resolve(host, port))
    if not addresses:
        raise FetchError(f"couldn't find the host {host}")
    if allow_private:
        return addresses
    for address in addresses:
        if any(address in network for network in allowed_networks):
            continue
        reason = address_refusal(address)
        if reason is None:
            continue
        if literal is not None:
            raise FetchError(f"refused: {host} is {reason}")
        raise FetchError(f"refused: {host} resolves to {address}, {reason}")
    return addresses


class _PinnedResolver(AbstractResolver):
    """aiohttp's resolver for one fetch: it knows only the hosts and addresses checked for it."""

    def __init__(self) -> None:
        self._addresses: dict[str, list[IPAddress]] = {}

    def pin(self, host: str, addresses: Sequence[IPAddress]) -> None:
        self._addresses[host] = list(addresses)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = self._addresses.get(host)
        if addresses is None:
            # Never fall back to DNS: an unchecked address must not be reached.
            raise OSError(f"{host} was not checked before connecting")
        results: list[ResolveResult] = []
        for address in addresses:
            address_family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            if family not in (socket.AF_UNSPEC, address_family):
                continue
            results.append(
                ResolveResult(
                    hostname=host,  # aiohttp's TLS SNI and certificate check use this name
                    host=str(address),
                    port=port,
                    family=address_family,
                    proto=socket.IPPROTO_TCP,
                    flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                )
            )
        return results

    async def close(self) -> None:
        self._addresses.clear()


def describe_size(size: int) -> str:
    """A byte count as a person would say it: "20 MB", "512 KB", "1000 bytes"."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _status_text(status: int) -> str:
    # The standard phrase, not the server's own reason text, which is untrusted.
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _connection_failure(host: str, error: aiohttp.ClientError) -> FetchError:
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        return FetchError(f"couldn't connect to {host}: its TLS certificate isn't valid")
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror or type(error.os_error).__name__
        return FetchError(f"couldn't connect to {host}: {reason}")
    if isinstance(error, aiohttp.ClientSSLError):
        return FetchError(f"couldn't connect to {host}: the TLS handshake failed")
    if isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return FetchError(f"the connection to {host} broke off")
    if isinstance(error, aiohttp.ClientResponseError):
        return FetchError(f"{host} sent a malformed response")
    return FetchError(f"couldn't fetch from {host} ({type(error).__name__})")


async def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    resolver: Resolver | None = None,
    allowed_networks: Sequence[IPNetwork] = (),
) -> FetchedPage:
    """Fetch a web page or file by URL within the safety rules; FetchError says why not.

    Only http and https. Every host (the first and each redirect's) must resolve only to public
    addresses, unless `allow_private` (QUOTEBOT_ALLOW_PRIVATE_URLS) or the address is in
    `allowed_networks`. The whole fetch, redirects included, takes at most `timeout` seconds
    and `max_bytes` of body, and only HTML, text, Markdown or PDF is accepted.
    """
    current = parse_url(url)
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(
                current,
                allow_private=allow_private,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                resolver=resolver or SystemResolver(),
                allowed_networks=allowed_networks,
            )
    except TimeoutError:
        raise FetchError(f"the page took longer than {timeout:g} s") from None


async def _fetch(
    current: URL,
    *,
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
    resolver: Resolver,
    allowed_networks: Sequence[IPNetwork],
) -> FetchedPage:
    pinned = _PinnedResolver()
    # No DNS cache (every hop is checked here), no proxies from the environment, cookies for this fetch only.
    connector = aiohttp.TCPConnector(resolver=pinned, use_dns_cache=False, force_close=True)
    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT}
    redirects: list[str] = []
    async with aiohttp.ClientSession(connector=connector, trust_env=False, headers=headers) as session:
        while True:
            host = current.raw_host or ""
            port = current.port or (443 if current.scheme == "https" else 80)
            try:
                addresses = await check_host(
                    host, port, allow_private=allow_private, resolver=resolver, allowed_networks=allowed_networks
                )
            except FetchError as error:
                if redirects:
                    raise FetchError(f"{error} (redirected from {URL(redirects[-1]).raw_host})") from None
                raise
            pinned.pin(host, addresses)
            try:
                async with session.get(current, allow_redirects=False) as response:
                    if response.status in _REDIRECT_STATUSES:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"{_status_text(response.status)} without a Location to go to")
                        redirects.append(str(current))
                        if len(redirects) > max_redirects:
                            raise FetchError(f"too many redirects (more than {max_redirects})")
                        try:
                            current = parse_url(str(current.join(URL(location))))
                        except ValueError as error:
                            raise FetchError("the page redirects to an invalid URL") from error
                        continue
                    if not 200 <= response.status < 300:
                        raise FetchError(_status_text(response.status))
                    content_type = response.headers.get("Content-Type", "")
                    media_type = content_type.split(";", 1)[0].strip().lower()
                    if media_type not in ACCEPTED_MEDIA_TYPES and media_type not in _UNDECLARED_MEDIA_TYPES:
                        raise FetchError(
                            f"unsupported content type {media_type}: quotebot reads HTML, text, Markdown and PDF"
                        )
                    body = await _read_body(response, max_bytes)
            except aiohttp.ClientError as error:
                raise _connection_failure(host, error) from None
            if media_type in _UNDECLARED_MEDIA_TYPES:
                if not body.startswith(_PDF_MAGIC):
                    declared = media_type or "none"
                    raise FetchError(
                        f"unsupported content type {declared}: quotebot reads HTML, text, Markdown and PDF"
                    )
                content_type = "application/pdf"
            return FetchedPage(
                url=str(current),
                content_type=content_type,
                body=body,
                redirects=tuple(redirects),
            )


async def _read_body(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, stopped as soon as it passes max_bytes (the declared length is checked first)."""
    too_big = FetchError(f"the page is larger than {describe_size(max_bytes)}")
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise too_big
    body = bytearray()
    # Counted after decompression, so a small compressed body can't inflate past the limit.
    async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    return bytes(body)


@dataclass(frozen=True)
class FetchedDocument:
    """A fetched page and the document text extracted from it."""

    page: FetchedPage
    document: ExtractedDocument

    @property
    def source_url(self) -> str:
        """The URL to link answers to: the page's canonical URL when it is on the same host, else the final URL."""
        canonical = self.document.canonical_url
        if canonical:
            try:
                parsed = URL(canonical)
            except (ValueError, TypeError):
                return self.page.url
            # A page may not claim to live on another site: answers would link there.
            same_host = (parsed.raw_host or "").lower() == (URL(self.page.url).raw_host or "").lower()
            if parsed.scheme in ("http", "https") and same_host:
                return str(parsed)
        return self.page.url


async def fetch_document(
    url: str,
    *,
    allow_private: bool = False,
    title: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    resolver: Resolver | None = None,
    allowed_networks: Sequence[IPNetwork] = (),
) -> FetchedDocument:
    """Fetch a URL (see fetch_url) and extract its text off the event loop; FetchError or ExtractionError."""
    page = await fetch_url(
        url,
        allow_private=allow_private,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        resolver=resolver,
        allowed_networks=allowed_networks,
    )
    # A PDF is read as one even when the server calls it something else.
    content_type = "application/pdf" if page.body.startswith(_PDF_MAGIC) else page.content_type
    document = await asyncio.to_thread(
        extract_document, page.body, content_type=content_type, url=page.url, title=title, max_bytes=max_bytes
    )
    return FetchedDocument(page=page, document=document)
