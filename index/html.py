"""The main text of an HTML page, as Markdown, with trafilatura; shared by corpus folders and the knowledge bases.

The text is Markdown so that a page keeps its structure: its headings open sections with heading paths, and its
lists, tables and code are read as blocks, as in a Markdown file.
"""

from __future__ import annotations

import multiprocessing
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

HTML_SUFFIXES = (".html", ".htm")
# Documentation generators put a permalink after each heading (Python-Markdown's toc, MkDocs, Sphinx: "¶").
_PERMALINK_SYMBOLS = "¶🔗"
# trafilatura escapes every "_" of the text; inside a word ("site\_url") no Markdown reads one as emphasis.
_INTRAWORD_ESCAPED_UNDERSCORE = re.compile(r"(?<=[^\W_])\\_(?=[^\W_])")
# A code span: backslashes in it are literal, never escapes.
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# trafilatura holds the GIL for long stretches on a big page (lxml's XPath over the whole tree: 100 to 170 ms
# at a time on 1 MB, benchmarks/hostile.py), which would freeze the bot's event loop while a moderator adds a
# page or the corpus is reindexed. A page this long (about 30 ms of that) is extracted in a worker process.
WORKER_PROCESS_CHARS = 200_000
# The worker (about 120 MB with trafilatura loaded, after a 1 MB page) ends after this long without a page;
# the next big page starts another (about a second).
WORKER_IDLE_SECONDS = 120.0
_worker: ProcessPoolExecutor | None = None
_worker_pages = 0
"""Pages the worker is extracting now: an idle worker is one with none."""
_idle_timer: threading.Timer | None = None
_worker_lock = threading.Lock()
# Text with a code fence glued to its end. The text ends in a non-space that isn't a backtick, and a backtick
# can't follow it (a possessive run), so matching stays linear on a line of backticks or spaces.
_GLUED_FENCE = re.compile(r"^(?P<text>.*[^\s`])[ \t]*+(?P<fence>```|~~~)[ \t]*$")


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What trafilatura found in a page: its main text and the metadata answers can use."""

    text: str
    """The main text as Markdown, without navigation, footers or comments; "" when the page has none."""
    title: str | None
    """From `<title>`, `<h1>` or the page's metadata; None when the page names none."""
    published: str | None
    canonical_url: str | None


def is_html(doc_id: str) -> bool:
    """Whether a document id names an HTML page by its suffix."""
    return doc_id.lower().endswith(HTML_SUFFIXES)


def without_permalink(title: str) -> str:
    """A heading's text without the permalink symbol a documentation page puts after it: "Install ¶" -> "Install"."""
    return title.rstrip().rstrip(_PERMALINK_SYMBOLS).rstrip()


def _readable_markdown(markdown: str) -> str:
    """trafilatura's Markdown, mended for reading: fences on lines of their own, no heading permalinks, and
    identifiers as written ("site_url", not "site\\_url"; code, where a backslash is literal, is left alone)."""
    lines: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        glued = None if in_fence or _FENCE.match(line) else _GLUED_FENCE.match(line)
        if glued:
            # trafilatura ends a list item's last paragraph with the fence of the code block after it
            # ("then do: ```"): left there, the fence never opens, and the block's closing one opens a block
            # that swallows the headings below.
            lines.append(_readable_line(glued.group("text")))
            line = glued.group("fence")
        if _FENCE.match(line):
            in_fence = not in_fence
            lines.append(line)
        else:
            lines.append(line if in_fence else _readable_line(line))
    return "\n".join(lines)


def _readable_line(line: str) -> str:
    """A line of text (not code): a heading without its permalink, and "\\_" inside words as "_" outside code spans."""
    if line.startswith("#"):
        line = without_permalink(line)
    text_start = 0
    pieces: list[str] = []
    for span in _CODE_SPAN.finditer(line):
        pieces += [_INTRAWORD_ESCAPED_UNDERSCORE.sub("_", line[text_start : span.start()]), span.group()]
        text_start = span.end()
    pieces.append(_INTRAWORD_ESCAPED_UNDERSCORE.sub("_", line[text_start:]))
    return "".join(pieces)


def extract_html(html: str, url: str | None = None) -> HtmlText:
    """The main text of a decoded HTML page as Markdown, and its title (tables kept, comments left out).

    A page of `WORKER_PROCESS_CHARS` or more is extracted in a worker process, when one can run.
    """
    if len(html) >= WORKER_PROCESS_CHARS:
        extracted = _extracted_in_worker(html, url)
        if extracted is not None:
            return extracted
    return _extract_here(html, url)


def _extracted_in_worker(html: str, url: str | None) -> HtmlText | None:
    """The page extracted by the worker process (started if none runs), or None when it can't run."""
    global _worker, _worker_pages
    worker: ProcessPoolExecutor | None = None
    try:
        with _worker_lock:
            if _worker is None:
                _worker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            worker = _worker
            _worker_pages += 1
        try:
            return worker.submit(_extract_here, html, url).result()
        finally:
            with _worker_lock:
                _worker_pages -= 1
                _stop_when_idle(worker)
    except (BrokenProcessPool, OSError, RuntimeError):
        # The worker died, couldn't start, or the interpreter is exiting: extract here rather than fail.
        with _worker_lock:
            if _worker is worker:
                _worker = None
        if worker is not None:
            worker.shutdown(wait=False, cancel_futures=True)
        return None


def _stop_when_idle(worker: ProcessPoolExecutor) -> None:
    """(Re)start the timer that ends `worker` once it has had no page for `WORKER_IDLE_SECONDS`. Hold the lock."""
    global _idle_timer
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(WORKER_IDLE_SECONDS, _stop_if_idle, args=(worker,))
    _idle_timer.daemon = True
    _idle_timer.start()


def _stop_if_idle(worker: ProcessPoolExecutor) -> None:
    global _worker
    with _worker_lock:
        if _worker is not worker or _worker_pages:
            return
        _worker = None
    worker.shutdown(wait=False)


# What a heading's link to itself shows: Node.js's "#", Sphinx's and MkDocs' "¶", GitHub's empty icon link.
_PERMALINK_TEXTS = frozenset({"", "#", "§", "∞", *_PERMALINK_SYMBOLS})
_HEADING_LINKS = "|".join(f"//h{level}//a[starts-with(@href, '#')]" for level in range(1, 7))


def _without_heading_permalinks(html: str) -> Any:
    """The page parsed, without the links headings carry to themselves, else the page as it was.

    Glued to the heading's text ("fs.readFile(path[, options], callback)#"), a permalink becomes part of every
    heading path and hides the name the heading gives its section.
    """
    from trafilatura.utils import load_html

    tree = load_html(html)  # parsed as trafilatura parses a page: its repairs, its fallbacks
    if tree is None:
        return html
    for anchor in tree.xpath(_HEADING_LINKS):
        if anchor.text_content().strip() in _PERMALINK_TEXTS:
            anchor.drop_tree()  # its tail text stays
        else:
            # mdBook writes the whole heading as a link to itself, and trafilatura drops a heading that is a link.
            anchor.drop_tag()
    return tree


def _extract_here(html: str, url: str | None) -> HtmlText:
    import trafilatura  # imported late: it takes a moment and most corpora have no HTML

    result = trafilatura.bare_extraction(
        _without_heading_permalinks(html),
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        # Markdown rather than plain text: headings, lists, tables and code keep their marks.
        include_formatting=True,
        with_metadata=True,
    )
    if result is None:
        return HtmlText("", None, None, None)
    as_dict = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    title = without_permalink(as_dict.get("title") or "")
    return HtmlText(
        text=_readable_markdown(as_dict.get("text") or ""),
        title=title or None,
        published=as_dict.get("date"),
        canonical_url=as_dict.get("url"),
    )
