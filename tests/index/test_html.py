"""Web pages as Markdown: a page's headings, lists, tables and code keep their structure, as in a Markdown file."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from index import html
from index.documents import holds_any, load_corpus
from index.html import extract_html, without_permalink
from index.passage_index import build_index
from index.sections import markdown_sections

FIXTURES = Path(__file__).parent / "fixtures"
GUIDE = (FIXTURES / "guide.html").read_text(encoding="utf-8")


def page(body: str, title: str = "Page") -> str:
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><nav><a href='/'>Home</a></nav><main>{body}</main></body></html>"


def page_text(body: str) -> str:
    """The Markdown trafilatura and quotebot make of a page with this body."""
    return extract_html(page(body)).text


def test_a_page_is_extracted_as_markdown_with_its_headings_lists_and_tables() -> None:
    extracted = extract_html(GUIDE)
    assert extracted.title == "Configuration"
    text = extracted.text
    assert text.startswith("# Configuration\n\nWidgetron reads its settings")
    assert "\n## site_url\n" in text and "\n## theme\n" in text
    assert "- **plain**: one column" in text
    assert "| theme_dir | themes |" in text
    for chrome in ("Edit on GitHub", "Previous", "Copyright", "¶"):
        assert chrome not in text, chrome


def test_permalink_signs_leave_headings_and_titles() -> None:
    extracted = extract_html(page("<h1>Widgets<a href='#w'>¶</a></h1><p>Widgets are small and round, they roll.</p>"))
    assert extracted.title == "Widgets"
    assert extracted.text.startswith("# Widgets\n")
    assert without_permalink("Install ¶ ") == "Install"
    assert without_permalink("C#") == "C#"


def test_a_headings_link_to_itself_leaves_it_whatever_it_shows() -> None:
    """Node.js's "#", glued to the heading, and an empty icon link go; a heading's own words stay, links or not."""
    text = page_text(
        "<h2><code>fs.readFile(path)</code><span><a class='mark' href='#fs_readfile'>#</a></span></h2>"
        "<p>Asynchronously reads the entire contents of a file, all of it.</p>"
        "<h2>C#<a href='#c' aria-hidden='true'></a></h2><p>The language is compiled ahead of time, mostly.</p>"
        "<h2>Install <a href='#install-steps'>steps</a></h2><p>Run the installer and wait for it to finish.</p>"
        "<h2 id='slices'><a class='header' href='#slices'>The Slice Type</a></h2><p>A slice borrows a part of it.</p>"
    )
    headings = [line for line in text.split("\n") if line.startswith("#")]
    # mdBook's heading is a link to itself as a whole: its words are the heading's.
    assert headings == ["## `fs.readFile(path)`", "## C#", "## Install steps", "## The Slice Type"]


def test_identifiers_keep_their_underscores_but_code_keeps_its_backslashes() -> None:
    """trafilatura writes "site\\_url": inside a word no Markdown reads "_" as emphasis, so it is written plainly."""
    text = page_text(
        "<p>Set DISCORD_TOKEN and edit_uri_template before _starting_ it.</p>"
        "<p>The pattern <code>a\\_b</code> stays as typed.</p>"
        "<pre><code>match = r'x\\_y'\n</code></pre>"
    )
    assert "Set DISCORD_TOKEN and edit_uri_template before" in text
    assert "`a\\_b`" in text
    assert "match = r'x\\_y'" in text


def test_a_page_in_a_corpus_is_read_as_markdown_and_answered_from_its_section(make_corpus, builtin_analyzer) -> None:
    corpus = make_corpus({"configuration.html": GUIDE, "notes.txt": "Plain notes about nothing in particular."})
    documents = {document.doc_id: document for document in load_corpus(corpus).documents}
    assert documents["configuration.html"].markdown and not documents["notes.txt"].markdown
    index = build_index(corpus, analyzer=builtin_analyzer)
    answer = index.ask("must site_url end with a slash?")
    assert answer.found
    top = answer.passages[0]
    assert top.section == "Configuration › site_url"
    assert top.quote.startswith("The site_url must end with a slash")
    themes = index.ask("which themes ship with widgetron?").passages[0]
    assert themes.section == "Configuration › theme"


def test_a_token_written_with_markdown_escapes_is_still_found() -> None:
    """Markdown shows "abc.\\_def" as "abc._def": the bot's token can't hide behind an escape."""
    token = "MTIz.Gh._secret-part"
    assert holds_any("token: MTIz.Gh.\\_secret-part", (token,))
    assert holds_any(f"token: {token}", (token,))
    assert not holds_any("token: MTIz.Gh.\\_other", (token,))
    assert not holds_any("anything", ("",))


def test_a_page_holding_the_token_behind_an_escape_is_kept_out(make_corpus) -> None:
    token = "MTIz.Gh._secret-part"
    corpus = make_corpus({"a.txt": "Alpha.", "leak.html": page(f"<p>The bot logs in with {token} on start.</p>")})
    load = load_corpus(corpus, forbidden_texts=(token,))
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    assert load.warnings == ["skipped leak.html: it holds a secret (the bot's token), so it is never indexed"]


def test_a_code_block_closing_a_list_item_leaves_the_headings_after_it_alone() -> None:
    """trafilatura glues the fence of a list item's last code block to the text before it ("then do: ```")."""
    text = page_text(
        "<h1>Options</h1><ul><li><p><strong>separator</strong></p><p>If you prefer underscores, then do:</p>"
        "<pre><code>separator: '_'\n</code></pre></li></ul>"
        "<h2>Images<a class='headerlink' href='#images'>¶</a></h2><p>Images live beside the page that shows them.</p>"
    )
    assert "then do:\n```\nseparator: '_'\n```" in text
    assert "\n## Images\n" in text
    assert markdown_sections(text).paths == ("Options", "Options › Images")


def test_a_big_page_is_extracted_in_a_worker_process_with_the_same_result(monkeypatch) -> None:
    """trafilatura holds the GIL for long on a big page: such a page is extracted in another process."""
    big = page("".join(f"<p>Paragraph {number} says when the ferry leaves the harbour.</p>" for number in range(4000)))
    assert len(big) >= html.WORKER_PROCESS_CHARS
    monkeypatch.setattr(html, "_worker", None)
    extracted = extract_html(big)
    assert html._worker is not None  # the worker process did it
    assert extracted == html._extract_here(big, None)
    assert extracted.text.startswith("Paragraph 0 says when the ferry leaves the harbour.\n\nParagraph 1")


def test_a_big_page_is_extracted_here_when_no_worker_process_can_run(monkeypatch) -> None:
    class DeadWorker:
        def __init__(self, **_: object) -> None:
            self.shut_down = False

        def submit(self, *_: object) -> None:
            raise BrokenProcessPool("the worker died")

        def shutdown(self, **_: object) -> None:
            self.shut_down = True

    big = page("<p>The ferry leaves at noon.</p>" * 8000)
    monkeypatch.setattr(html, "_worker", None)
    monkeypatch.setattr(html, "ProcessPoolExecutor", DeadWorker)
    assert extract_html(big) == html._extract_here(big, None)
    assert html._worker is None  # the next big page tries a new worker


def test_the_worker_process_ends_when_idle_and_a_new_one_starts_for_the_next_big_page(monkeypatch) -> None:
    import time

    big = page("<p>The ferry leaves at noon, and the last one at midnight.</p>" * 4000)
    monkeypatch.setattr(html, "_worker", None)
    monkeypatch.setattr(html, "WORKER_IDLE_SECONDS", 0.2)
    first = extract_html(big)
    worker = html._worker
    assert worker is not None
    deadline = time.monotonic() + 10
    while html._worker is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert html._worker is None  # ended after 0.2 s without a page
    assert extract_html(big) == first
    assert html._worker is not None and html._worker is not worker
