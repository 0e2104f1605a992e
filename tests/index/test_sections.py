"""Markdown sections: heading paths, and passages found by their section's title."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from index import markdown
from index.passage_index import Analyzer, build_index
from index.sections import FrontMatter, markdown_sections, read_front_matter
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer

NESTED = """---
title: Configuration
sidebar_position: 3
---

# Configuration

Intro text.

## search

```sh
# not a heading: a shell comment
mkdocs build
```

### min_search_length

Lower it for short words.

Build options
-------------

Setext heading above.
"""


def test_heading_paths_nest_and_reset_by_level() -> None:
    """Each heading opens a section whose path holds the headings above it, at a lower level."""
    sections = markdown_sections(NESTED)
    assert sections.paths == (
        "Configuration",
        "Configuration › search",
        "Configuration › search › min_search_length",
        "Configuration › Build options",
    )
    assert sections.path_at(NESTED.index("Intro text")) == "Configuration"
    assert sections.path_at(NESTED.index("mkdocs build")) == "Configuration › search"
    assert sections.path_at(NESTED.index("Lower it")) == "Configuration › search › min_search_length"
    assert sections.path_at(NESTED.index("Setext heading")) == "Configuration › Build options"


def test_front_matter_and_code_comments_are_not_headings() -> None:
    """Front matter opens no section, and neither does a "#" line inside a fenced code block."""
    sections = markdown_sections(NESTED)
    assert sections.path_at(NESTED.index("sidebar_position")) == ""
    assert not any("shell comment" in path for path in sections.paths)


def test_document_without_headings_has_no_sections() -> None:
    """Text before any heading, or in a document without one, has the empty path."""
    sections = markdown_sections("Just a paragraph.\n\nAnd another one.\n")
    assert sections.paths == ()
    assert sections.path_at(5) == ""


BODY_A = (
    "Install the package with pip inside a virtual environment, then run the command once to create the "
    "default settings file next to your documents. The first build takes a little longer than later ones."
)
BODY_B = (
    "When the server refuses to write the output folder, check who owns it and whether the build runs as "
    "that user. Running the whole build as root hides the problem and leaves files nobody else can change."
)
OTHER = "A short note on output folders and the users who own them, kept for the maintainers."


@pytest.mark.parametrize("engine", ["rank-bm25", "bm25s"])
def test_section_title_is_searchable(tmp_path: Path, engine: str) -> None:
    """A question's word found only in a section's heading path finds the passage under that heading."""
    (tmp_path / "guide.md").write_text(
        f"# Setup\n\n{BODY_A}\n\n## Troubleshooting\n\nA few known problems.\n\n### Permissions\n\n{BODY_B}\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(f"{OTHER}\n", encoding="utf-8")
    analyzer = Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))
    index = build_index(tmp_path, analyzer=analyzer, engine=engine)
    body_b = next(passage for passage in index.passages if "When the server" in passage.text)
    assert body_b.text.startswith("### Permissions"), "the heading opens its section's passage"
    assert "troubleshooting" not in body_b.text.lower()
    answer = index.ask("troubleshooting permissions for the output folder owner", min_confidence=0.0)
    top = answer.passages[0].passage
    assert (top.doc_id, top.start) == (body_b.doc_id, body_b.start)


def test_plain_text_headings_are_not_sections(tmp_path: Path) -> None:
    """A .txt document is not Markdown: a "#" line in it adds no heading path to the passages after it."""
    (tmp_path / "guide.txt").write_text(f"# Setup\n\n{BODY_A}\n\n## Troubleshooting permissions\n\n{BODY_B}\n")
    analyzer = Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))
    index = build_index(tmp_path, analyzer=analyzer, engine="rank-bm25")
    position = next(number for number, passage in enumerate(index.passages) if passage.text.startswith("When"))
    assert not any(term.startswith("troubleshoot") for term in index.engine.term_counts(position))


def test_a_markdown_document_is_parsed_once_for_its_passages_and_sections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks and sections come from one parse: on a page of many short sections, each parse was seconds."""
    body = NESTED.split("---\n", 2)[2]  # front matter would be read by its own parse, for the title
    (tmp_path / "config.md").write_text(body + "\n[docs]: https://example.org/docs\n", encoding="utf-8")
    parses: list[int] = []
    parse = MarkdownIt.parse

    def counted(parser: MarkdownIt, text: str, env: dict[str, Any] | None = None) -> list[Token]:
        parses.append(len(text))
        return parse(parser, text, env)

    monkeypatch.setattr(MarkdownIt, "parse", counted)  # whichever parser: all of them, passages' too
    index = build_index(tmp_path, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))
    assert parses == [len(body) + len("\n[docs]: https://example.org/docs\n")]
    assert index.documents["config.md"].sections.paths == markdown_sections(body).paths
    assert [p.text for p in index.passages][-1].startswith("Build options")
    parsed = markdown.parse_blocks(NESTED)
    assert markdown_sections(NESTED, parsed) == markdown_sections(NESTED)
    assert markdown.markdown_blocks(NESTED, parsed=parsed) == markdown.markdown_blocks(NESTED)


def test_no_garbage_collection_while_a_markdown_document_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection during the parse walked every token made so far, holding the GIL up to 100 ms."""
    (tmp_path / "config.md").write_text(NESTED, encoding="utf-8")
    collector_during_parse: list[bool] = []
    parse = MarkdownIt.parse

    def watched(parser: MarkdownIt, text: str, env: dict[str, Any] | None = None) -> list[Token]:
        if len(text) == len(NESTED):
            collector_during_parse.append(gc.isenabled())
        return parse(parser, text, env)

    monkeypatch.setattr(MarkdownIt, "parse", watched)
    assert gc.isenabled()
    build_index(tmp_path, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))
    assert collector_during_parse[-1] is False  # the build's parse; the front matter's own parse may come first
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # what the build froze is given back to the collector


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Ferries\n---\n\n# Body\n\nText.\n",
        "---\ntitle: Ferries\n...\n\nText.\n",  # YAML's document end closes it too
        "-----\ntitle: Ferries\n---\nstill front matter\n-----\n\nText.\n",  # a shorter line doesn't close it
        "---\ntitle: Ferries\n\nnever closed\n",
        "---\ntitle: Ferries\n    ---\n---\n\nText.\n",  # an indented line doesn't close it
        "---\n---\n\nText.\n",
        "---\n",
    ],
)
def test_front_matter_read_from_its_own_lines_is_what_the_whole_parse_finds(text: str) -> None:
    """Only the lines up to the closing one are parsed for the title, and they give the same front matter."""
    tokens = markdown.BLOCK_PARSER.parse(text)
    assert read_front_matter(text) == read_front_matter(text, tokens)


def test_reading_the_title_parses_only_the_front_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a long page, reading its title no longer parses the whole page before the build does."""
    text = "---\ntitle: Ferries\n---\n\n" + "## Crossing\n\nThe boat leaves at noon.\n\n" * 2000
    parses: list[int] = []
    parse = MarkdownIt.parse

    def counted(parser: MarkdownIt, source: str, env: dict[str, Any] | None = None) -> list[Token]:
        parses.append(len(source))
        return parse(parser, source, env)

    monkeypatch.setattr(MarkdownIt, "parse", counted)
    assert read_front_matter(text) == FrontMatter("Ferries", len("---\ntitle: Ferries\n---\n"))
    assert parses == [len("---\ntitle: Ferries\n---\n")]
