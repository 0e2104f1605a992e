"""Markdown shown as a reader sees it: inline markup found by the parser and hidden, quotes mapped along."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.markdown_display import hidden_markup, shown


def as_read(markdown: str) -> str:
    return shown(markdown, hidden_markup(markdown), 0, len(markdown))[0]


@pytest.mark.parametrize(
    ("markdown", "reads"),
    [
        ("**default**: `false`", "default: `false`"),
        ("an *optional* and __strong__ _word_", "an optional and strong word"),
        ("the [edit_uri](#edit_uri) option", "the edit_uri option"),
        ("a [link](<a b.html> \"Title\") and [another](u 't')", "a link and another"),
        ("set [docs_dir][] or [the theme][theme] or [nav]", "set docs_dir or the theme or nav"),
        ("![a diagram](img/flow.png) below", "a diagram below"),
        ("see <https://example.com> now", "see https://example.com now"),
        ("one <!-- hidden --> two <br> three", "one  two  three"),
        (r"a literal \*star\* and 2 \_ 3", "a literal *star* and 2 _ 3"),
        ("&amp; stays as written", "&amp; stays as written"),
        ("## Install {#setup}\n\nText.", "## Install\n\nText."),
        ("see {ref}`Requirements files <req-files>` and {file}`setup.py`", "see Requirements files and setup.py"),
        ("`encoding` {string|null} stays", "`encoding` {string|null} stays"),
        ("### `fs.stat`\n\n<!-- YAML\nadded: v0.1.29\n-->\n\n* `path` {string}", "### `fs.stat`\n\n* `path` {string}"),
        ("Text.\n\n<!-- a note -->", "Text.\n\n"),
        ("<div>kept</div>\n\nText.", "<div>kept</div>\n\nText."),
        ("# The *options* { #options .wide }", "# The options"),
    ],
)
def test_inline_markup_is_hidden_and_text_kept(markdown: str, reads: str) -> None:
    assert as_read(markdown) == reads


@pytest.mark.parametrize(
    "markdown",
    [
        "snake_case_names and a_b_ stay",
        "a lone * star and a lone _ underscore",
        "`**kwargs** and [not](a link)` in code",
        "```python\n**not bold** [nor](a link)\n```",
        "    indented **code** block",
        "## A heading\n\n- a list item\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_code_structure_and_plain_characters_are_left_as_written(markdown: str) -> None:
    assert as_read(markdown) == markdown


def test_container_prefixes_stay_and_markup_inside_them_goes() -> None:
    """A block quote's "> " and a list item's indentation are structure; the emphasis on its lines is markup."""
    markdown = "> a **bold**\n> continued *line*\n\n- item with [a link](u)\n  and **more**"
    assert as_read(markdown) == "> a bold\n> continued line\n\n- item with a link\n  and more"


def test_table_cells_lose_their_markup() -> None:
    markdown = "| option | default |\n|---|---|\n| **strict** | [false](#false) |"
    assert as_read(markdown) == "| option | default |\n|---|---|\n| strict | false |"


def test_a_quote_is_mapped_into_the_shown_text() -> None:
    """A quote that opens on a marker opens at its text; the text it covers is the same, markers aside."""
    markdown = "Determines how warnings are handled.\n\n**default**: `false`"
    start = markdown.index("**default**")
    text, quote_start, quote_end = shown(markdown, hidden_markup(markdown), start, len(markdown))
    assert text[quote_start:quote_end] == "default: `false`"
    inner = markdown.index("default**")  # inside the bold, past its opening marker
    text, quote_start, quote_end = shown(markdown, hidden_markup(markdown), inner, inner + len("default**"))
    assert text[quote_start:quote_end] == "default"


def test_a_plain_passage_has_nothing_hidden() -> None:
    text = "Nothing to hide here. Not even one marker."
    assert hidden_markup(text) == []
    assert shown(text, [], 5, 12) == (text, 5, 12)


markdownish = st.text(alphabet="ab *_`[]()<>!\\#-|\n&;:", max_size=80)


@given(markdownish)
def test_hidden_spans_are_ordered_and_disjoint(markdown: str) -> None:
    """Any text: the hidden spans lie in order inside it, and the shown text is the rest of it."""
    hidden = hidden_markup(markdown)
    position = 0
    for start, end in hidden:
        assert position <= start < end <= len(markdown)
        position = end
    text, start, end = shown(markdown, hidden, 0, len(markdown))
    assert (start, end) == (0, len(text))
    assert len(text) == len(markdown) - sum(end - start for start, end in hidden)


def test_a_passage_cut_from_a_code_block_shows_its_code_as_written() -> None:
    """Read after its fence, the rest of a cut code block is code: its asterisks and brackets stay."""
    text = "def f(*args, **kwargs):  # [the docs](x)\n```\n\nAfter the **code**."
    assert shown(text, hidden_markup(text, "```python\n"), 0, len(text))[0] == (
        "def f(*args, **kwargs):  # [the docs](x)\n```\n\nAfter the code."
    )
    # Read alone, the code is text and the text after the fence is code.
    assert as_read(text) == "def f(*args, **kwargs):  # the docs\n```\n\nAfter the **code**."
