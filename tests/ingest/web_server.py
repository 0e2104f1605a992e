"""A loopback web server for fetching tests, the pages it serves, and a resolver the tests control."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from collections.abc import Mapping, Sequence

from aiohttp import web
from pdf_files import pdf_with_text

from ingest.fetch import FetchError, IPAddress

NEWS_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Lighthouse keepers return to Skerry Point | The Coastal Herald</title>
<meta property="og:title" content="Lighthouse keepers return to Skerry Point">
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="2024-09-03T07:30:00Z">
</head><body>
<header><a href="/">The Coastal Herald</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article>
<h1>Lighthouse keepers return to Skerry Point</h1>
<p>For the first time in forty years the lighthouse at Skerry Point has resident keepers again, after the
maritime trust decided that the automated lamp needed someone on the rock through the winter storms.</p>
<p>Also Read: <a href="/local/harbour-dues">Harbour dues to rise in the spring</a></p>
<p>The two keepers, a retired ferry engineer and a marine biologist, will live in the restored cottages
and log the weather every three hours, as keepers did until the station was automated in 1984.</p>
<p>Read more: <a href="/local/lamps">How the old paraffin lamps were lit</a></p>
<p>The trust said the keepers would also run guided visits on calm summer days, when the causeway can be
crossed at low tide, and that the visitor fees would pay for repainting the tower.</p>
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/local/seals">Seal pups counted on the north beach</a></li>
<li><a href="/local/ferry">Winter ferry timetable published</a></li></ul></aside></main>
<footer><p>© 2024 The Coastal Herald. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/contact">Contact us</a></footer>
</body></html>
"""


TIDES_PDF = pdf_with_text("Spring tides follow the full moon")
BIG_BYTES = 4096
"""The oversized responses are this long; tests fetch them with a smaller max_bytes."""
SLOW_SECONDS = 5.0
BOMB_BYTES = 1024 * 1024


class StaticResolver:
    """A resolver with fixed answers, so tests never ask real DNS; it counts its lookups."""

    def __init__(self, answers: Mapping[str, Sequence[str]]) -> None:
        self.answers = {
            host: [ipaddress.ip_address(address) for address in addresses] for host, addresses in answers.items()
        }
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        """The fixed addresses of a host; FetchError for a host it doesn't know."""
        self.lookups.append(host)
        if host not in self.answers:
            raise FetchError(f"couldn't find the host {host}")
        return self.answers[host]


class WebServer:
    """An aiohttp server on one loopback address and a free port, serving the test pages."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[web.Request] = []
        self.redirect_target = ""
        """Where /elsewhere redirects to; a test sets it."""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    def url(self, path: str, host: str | None = None) -> str:
        """The URL of a path on this server, optionally under another host name."""
        return f"http://{host or self.host}:{self.port}{path}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/news", self._news)
        app.router.add_get("/tides.pdf", self._pdf)
        app.router.add_get("/download", self._undeclared_pdf)
        app.router.add_get("/blob", self._undeclared_text)
        app.router.add_get("/notes.md", self._markdown)
        app.router.add_get("/hop/{count}", self._hop)
        app.router.add_get("/elsewhere", self._elsewhere)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/slow-body", self._slow_body)
        app.router.add_get("/big", self._big)
        app.router.add_get("/big-streamed", self._big_streamed)
        app.router.add_get("/bomb", self._bomb)
        app.router.add_get("/photo.png", self._image)
        app.router.add_get("/host", self._host)
        app.router.add_get("/gone", self._gone)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._closing.set()  # slow handlers give up, so closing doesn't wait for them
        if self._runner is not None:
            await self._runner.cleanup()

    async def _pause(self, seconds: float) -> bool:
        """Wait, unless the server is closing; whether it is."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _record(self, request: web.Request) -> None:
        self.requests.append(request)

    async def _news(self, request: web.Request) -> web.Response:
        self._record(request)
        page = NEWS_PAGE.format(canonical=self.url("/news/lighthouse-keepers"))
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def _pdf(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(body=TIDES_PDF, content_type="application/pdf")

    async def _undeclared_pdf(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(body=TIDES_PDF, content_type="application/octet-stream")

    async def _undeclared_text(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(body=b"just some bytes", content_type="application/octet-stream")

    async def _markdown(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(text="# Notes\n\nThe ferry leaves at nine.\n", content_type="text/markdown")

    async def _hop(self, request: web.Request) -> web.Response:
        """/hop/3 redirects to /hop/2, then /hop/1, then /hop/0, which is a page."""
        self._record(request)
        count = int(request.match_info["count"])
        if count <= 0:
            return web.Response(text="You have arrived at the harbour office.", content_type="text/plain")
        status = (301, 302, 303, 307, 308)[count % 5]
        # Relative and absolute Locations both occur on the web.
        location = f"/hop/{count - 1}" if count % 2 else f"http://{request.host}/hop/{count - 1}"
        raise _redirect(status, location)

    async def _elsewhere(self, request: web.Request) -> web.Response:
        self._record(request)
        raise _redirect(302, self.redirect_target)

    async def _slow(self, request: web.Request) -> web.Response:
        self._record(request)
        await self._pause(SLOW_SECONDS)
        return web.Response(text="too late", content_type="text/plain")

    async def _slow_body(self, request: web.Request) -> web.StreamResponse:
        """Answers at once, then sends a byte every 0.1 s: only a limit on the whole fetch stops it."""
        self._record(request)
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        for _ in range(int(SLOW_SECONDS * 10)):
            await response.write(b"x")
            if await self._pause(0.1):
                break
        await response.write_eof()
        return response

    async def _big(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(body=b"a" * BIG_BYTES, content_type="text/plain")

    async def _big_streamed(self, request: web.Request) -> web.StreamResponse:
        """No Content-Length: the body is chunked, and only counting it finds it too big."""
        self._record(request)
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(BIG_BYTES // 256):
            await response.write(b"b" * 256)
        await response.write_eof()
        return response

    async def _bomb(self, request: web.Request) -> web.Response:
        """A megabyte of text that travels as about a kilobyte of gzip."""
        self._record(request)
        body = gzip.compress(b"0" * BOMB_BYTES)
        return web.Response(body=body, headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"})

    async def _image(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")

    async def _host(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.Response(text=f"Host: {request.host}", content_type="text/plain")

    async def _gone(self, request: web.Request) -> web.Response:
        self._record(request)
        raise web.HTTPNotFound(text="no such page")


def _redirect(status: int, location: str) -> web.HTTPException:
    classes: dict[int, type[web.HTTPMove]] = {
        301: web.HTTPMovedPermanently,
        302: web.HTTPFound,
        303: web.HTTPSeeOther,
        307: web.HTTPTemporaryRedirect,
        308: web.HTTPPermanentRedirect,
    }
    return classes[status](location=location)
