"""Tests for ingest.extract: text, Markdown, HTML and PDF bytes become document text."""

from __future__ import annotations

import pytest
from pdf_files import pdf_with_text

from index.errors import QuotebotError
from ingest.extract import ExtractionError, extract_document

NEWS_PAGE = """<!doctype html>
<html><head>
<title>Harbour bridge reopens after repairs | Coastal Times</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<link rel="canonical" href="https://news.example.com/2024/05/harbour-bridge">
<meta property="article:published_time" content="2024-05-14T08:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs
to its corroded steel cables, the city council said in a statement.</p>
<p>Engineers replaced forty-two cables and repainted the main span, which carries
about sixty thousand vehicles a day between the old town and the port district.</p>
<p>Also Read: <a href="/other">Ferry timetable changes this summer</a></p>
<p>The council said the work came in under budget, at 31 million euros, and that
the footpath on the eastern side would reopen next week once the railings are fixed.</p>
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/a">Tram line extension approved</a></li>
<li><a href="/b">New cycle lanes in the port district</a></li></ul></aside>
<footer><p>Copyright 2024 Coastal Times. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_plain_text_loses_control_characters() -> None:
    """Control characters go; tabs and newlines stay."""
    doc = extract_document(b"one\x00two\x1b\tthree\r\nfour", filename="notes.txt")
    assert doc.kind == "text"
    assert doc.text == "onetwo\tthree\nfour"
    assert doc.encoding == "utf-8"


def test_line_breaking_controls_become_newlines() -> None:
    """Form feed, vertical tab, NEL and the Unicode line separators end a line instead of joining words."""
    doc = extract_document("one\x0ctwo\x0bthree\x85four\u2028five\u2029six".encode(), filename="notes.txt")
    assert doc.text.split("\n") == ["one", "two", "three", "four", "five", "six"]


def test_bidi_overrides_go_and_plain_marks_stay() -> None:
    """An embedding, override or isolate can't reverse the message; the right-to-left mark stays."""
    data = "Price \u202e0021\u202c euros, \u2067isolated\u2069, and \u05e9\u05dc\u05d5\u05dd\u200f ok".encode()
    doc = extract_document(data, filename="notes.txt")
    assert doc.text == "Price 0021 euros, isolated, and \u05e9\u05dc\u05d5\u05dd\u200f ok"


def test_html_text_loses_control_characters() -> None:
    """Control characters inside an HTML paragraph are gone from the extracted text."""
    page = NEWS_PAGE.replace("corroded steel", "corroded\x07 steel\x1b[31m").encode()
    doc = extract_document(page, content_type="text/html", url="https://x.test/p")
    assert "corroded steel\\[31m cables" in doc.text  # Markdown: the bracket left is escaped
    assert not any(ord(char) < 32 and char not in "\n\t" for char in doc.text)


def test_markdown_drops_also_read_lines() -> None:
    """An "Also Read:" line is furniture and is dropped."""
    data = b"# Title\n\nThe body paragraph.\n\nAlso Read: Something else\n\nMore body."
    doc = extract_document(data, filename="notes.md", title="Given")
    assert doc.kind == "markdown"
    assert "Also Read" not in doc.text
    assert "More body." in doc.text
    assert doc.title == "Given"


def test_non_utf8_text_is_detected() -> None:
    """A Latin-1 file is decoded by detection, not refused."""
    data = (
        "Le café de la place était fermé à cause de la grève générale. "
        "Les élèves ont déjeuné à la cantine, où l'on a servi des crêpes "
        "et du pâté. Après la réunion, le maire a déclaré que la sécurité "
        "des piétons resterait sa priorité pendant l'été."
    ).encode("cp1252")
    doc = extract_document(data, filename="cafe.txt")
    assert "café" in doc.text
    assert doc.encoding != "utf-8"


def test_news_page_main_text_without_furniture() -> None:
    """The article text, title, date and canonical URL come out; nav, footer and links go."""
    doc = extract_document(NEWS_PAGE.encode(), content_type="text/html; charset=utf-8", url="https://x.test/p")
    assert doc.kind == "html"
    assert "forty-two cables" in doc.text
    assert "under budget" in doc.text
    assert "\n\n" in doc.text or "\n" in doc.text
    for furniture in (
        "Also Read",
        "Ferry timetable",
        "Related articles",
        "Tram line",
        "Copyright",
        "Privacy policy",
        "Sport",
    ):
        assert furniture not in doc.text, furniture
    assert doc.title == "Harbour bridge reopens after repairs"
    assert doc.published == "2024-05-14"
    assert doc.canonical_url == "https://news.example.com/2024/05/harbour-bridge"


def test_pdf_text_is_extracted() -> None:
    """A real PDF's page text is read with pypdf."""
    doc = extract_document(pdf_with_text("Tides follow the moon"), filename="tides.pdf")
    assert doc.kind == "pdf"
    assert "Tides follow the moon" in doc.text
    assert doc.title == "Tides follow the moon"  # what its first page prints first
    assert extract_document(pdf_with_text("Tides follow the moon"), filename="tides.pdf", title="Tides").title == (
        "Tides"  # a title given wins
    )


def test_broken_pdf_is_a_clear_error() -> None:
    """Garbage that claims to be a PDF gives an ExtractionError, a QuotebotError."""
    with pytest.raises(ExtractionError, match="PDF") as raised:
        extract_document(b"%PDF-1.4 not really", content_type="application/pdf")
    assert isinstance(raised.value, QuotebotError)


@pytest.mark.parametrize(
    ("data", "kwargs", "reason"),
    [
        (b"x", {"filename": "photo.png"}, "unsupported"),
        (b"\n\x00\x01  \n", {"filename": "empty.txt"}, "nothing extractable"),
        (b"x" * 11, {"filename": "big.txt", "max_bytes": 10}, "too big"),
        (b"<html><body><script>x()</script></body></html>", {"filename": "a.html"}, "nothing extractable"),
    ],
)
def test_refusals_have_reasons(data: bytes, kwargs: dict[str, object], reason: str) -> None:
    """Each refusal names its reason."""
    with pytest.raises(ExtractionError, match=reason):
        extract_document(data, **kwargs)  # type: ignore[arg-type]
