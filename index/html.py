"""The main text of an HTML page, with trafilatura; shared by corpus folders and the knowledge bases' ingest."""

from __future__ import annotations

from dataclasses import dataclass

HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What trafilatura found in a page: its main text and the metadata answers can use."""

    text: str
    """The main text, without navigation, footers or comments; "" when the page has none."""
    title: str | None
    """From `<title>`, `<h1>` or the page's metadata; None when the page names none."""
    published: str | None
    canonical_url: str | None


def is_html(doc_id: str) -> bool:
    """Whether a document id names an HTML page by its suffix."""
    return doc_id.lower().endswith(HTML_SUFFIXES)


def extract_html(html: str, url: str | None = None) -> HtmlText:
    """The main text and title of a decoded HTML page (tables kept, comments left out)."""
    import trafilatura  # imported late: it takes a moment and most corpora have no HTML

    result = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
    )
    if result is None:
        return HtmlText("", None, None, None)
    as_dict = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return HtmlText(
        text=as_dict.get("text") or "",
        title=as_dict.get("title") or None,
        published=as_dict.get("date"),
        canonical_url=as_dict.get("url"),
    )
