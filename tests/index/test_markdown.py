"""Markdown as structure: passages follow sections, blocks stay whole, quotes are whole units, markup isn't searched."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.markdown import (
    BLOCK_PARSER,
    block_openings,
    markdown_blocks,
    parse_blocks,
    quote_units,
    searchable_text,
    searchable_texts,
)
from index.passage_index import Analyzer, PassageIndex, build_index
from index.passages import Passage, split_markdown_passages
from index.sections import markdown_sections
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    """The data-free sentence splitter."""
    return SentenceSplitter("builtin")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The data-free analyzer."""
    return Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))


def passages_of(text: str, splitter: SentenceSplitter, max_chars: int = 1600) -> list[Passage]:
    passages = split_markdown_passages("doc.md", text, splitter, max_chars=max_chars)
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip()
    return passages


def units_of(text: str, analyzer: Analyzer) -> list[tuple[str, str]]:
    """The kind and text of each quote unit of `text`, in order."""
    return [(unit.kind, text[unit.start : unit.end]) for unit in quote_units(text, analyzer.splitter.spans)]


def index_of(tmp_path: Path, text: str, analyzer: Analyzer) -> PassageIndex:
    (tmp_path / "doc.md").write_text(text, encoding="utf-8")
    return build_index(tmp_path, analyzer=analyzer)


def test_front_matter_is_never_passage_text(splitter: SentenceSplitter) -> None:
    """YAML front matter is in no passage, and its keys aren't searchable."""
    text = "---\ntitle: Setup guide\nsidebar_position: 3\n---\n\n# Setup\n\nRun the installer once.\n"
    passages = passages_of(text, splitter)
    assert [passage.text for passage in passages] == ["# Setup\n\nRun the installer once."]


DOCUSAURUS_PAGE = (
    "---\ntitle: Installing Widgetron\nsidebar_position: 2\n---\n\nWidgetron runs on Linux and macOS.\n\n"
    "## Requirements\n\nYou need Node 18 or newer and 200 MB of disk space.\n"
)


def test_front_matter_title_heads_the_paths_of_a_page_without_a_level_1_heading(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    """A Docusaurus page's title is its H1: it heads every heading path, so its words find every section."""
    (tmp_path / "install.md").write_text(DOCUSAURUS_PAGE, encoding="utf-8")
    (tmp_path / "plugins.md").write_text(
        "---\ntitle: Configuring plugins\n---\n\n## Requirements\n\nEach plugin declares its API version.\n",
        encoding="utf-8",
    )
    index = build_index(tmp_path, analyzer=analyzer)
    answer = index.ask("what are the requirements for installing widgetron?")
    assert answer.found
    assert answer.passages[0].section == "Installing Widgetron › Requirements"
    assert answer.passages[0].quote == "You need Node 18 or newer and 200 MB of disk space."
    assert index.ask("which platforms does widgetron run on?").passages[0].section == "Installing Widgetron"


def test_front_matter_title_is_no_extra_heading_over_a_level_1_heading() -> None:
    """A page with its own `#` heading keeps it as the root of its paths: the title isn't added twice."""
    text = "---\ntitle: Setup\n---\n\n# Setup guide\n\n## Requirements\n\nNode 18.\n"
    sections = markdown_sections(text)
    assert sections.path_at(text.index("Node")) == "Setup guide › Requirements"
    assert sections.path_at(text.index("---", 3) + 4) == ""


def test_heading_at_the_end_of_a_block_opens_the_next_passage(splitter: SentenceSplitter) -> None:
    """A heading right under a paragraph line opens its own section's passage instead of closing the previous one."""
    text = "# Install\n\nUse pip to install it.\n## Permission denied errors\nRun the build as the folder's owner.\n"
    passages = passages_of(text, splitter)
    assert [passage.text for passage in passages] == [
        "# Install\n\nUse pip to install it.",
        "## Permission denied errors\nRun the build as the folder's owner.",
    ]


def test_hard_wrapped_sentence_is_one_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """A sentence wrapped over lines is quoted whole: the paragraph, not the line, is where sentences are found."""
    text = (
        "# Storage\n\nIndexes are saved outside the source tree, in the index folder or\n"
        "in the user's cache folder. Nothing else is written anywhere.\n"
    )
    answer = index_of(tmp_path, text, analyzer).ask("Where are indexes saved?")
    assert answer.found
    assert answer.passages[0].quote == (
        "Indexes are saved outside the source tree, in the index folder or\nin the user's cache folder."
    )


def test_one_sentence_per_line_paragraph_quotes_one_sentence(tmp_path: Path, analyzer: Analyzer) -> None:
    """In a paragraph written one sentence per line, the quote is the matching sentence alone."""
    text = (
        "# Notes\n\nThe server starts on port 8000.\nThe theme is chosen in the settings file.\n"
        "Plugins are loaded in the order they are listed.\n"
    )
    answer = index_of(tmp_path, text, analyzer).ask("Which order are plugins loaded in?")
    assert answer.passages[0].quote == "Plugins are loaded in the order they are listed."


CODE = "```python\ndef first():\n    return 1\n\n\ndef second():\n    return 2\n```"


def test_fenced_code_with_blank_lines_is_never_cut(splitter: SentenceSplitter) -> None:
    """A fenced code block with blank lines inside stays in one passage, even when its section is cut."""
    prose = "This paragraph explains the example below in some detail, so that the section is long. " * 3
    text = f"# Example\n\n{prose.strip()}\n\n{CODE}\n\n{prose.strip()}\n"
    passages = passages_of(text, splitter, max_chars=300)
    assert len(passages) > 1
    assert sum(CODE in passage.text for passage in passages) == 1
    assert not any("def first" in passage.text and CODE not in passage.text for passage in passages)


def test_overlong_code_block_is_cut_between_lines(splitter: SentenceSplitter) -> None:
    """A code block too long for any passage is cut at line boundaries, never inside a line."""
    lines = [f"value_{number} = compute({number})" for number in range(40)]
    text = "# Data\n\n```python\n" + "\n".join(lines) + "\n```\n"
    passages = passages_of(text, splitter, max_chars=200)
    assert len(passages) > 2
    for passage in passages:
        for line in passage.text.split("\n"):
            assert line in ("# Data", "", "```python", "```") or line in lines


TABLE = "| option | default |\n|---|---|\n| `dev_addr` | `127.0.0.1:8000` |\n| `strict` | `false` |"


def test_table_stays_whole_and_a_row_is_a_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """A table is never cut, and the quote for a question about one option is its row."""
    text = f"# Options\n\nThe server options.\n\n{TABLE}\n"
    index = index_of(tmp_path, text, analyzer)
    assert any(TABLE in passage.text for passage in index.passages)
    answer = index.ask("What is the default dev_addr?")
    assert answer.passages[0].quote == "| `dev_addr` | `127.0.0.1:8000` |"


NESTED_LIST = (
    "- Themes\n  - The built-in theme supports dark mode.\n  - Custom themes live in custom_dir.\n"
    "- Plugins\n  - Search is enabled by default.\n"
)


def test_nested_list_item_is_a_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """A nested list item is quoted on its own, without its marker, its parent or its siblings."""
    index = index_of(tmp_path, f"# Features\n\n{NESTED_LIST}", analyzer)
    answer = index.ask("Is search enabled by default?")
    assert answer.passages[0].quote == "Search is enabled by default."
    units = quote_units(NESTED_LIST, analyzer.splitter.spans)
    assert [NESTED_LIST[unit.start : unit.end] for unit in units] == [
        "Themes",
        "The built-in theme supports dark mode.",
        "Custom themes live in custom_dir.",
        "Plugins",
        "Search is enabled by default.",
    ]


LOOSE_ITEMS = (
    "# Offline\n\n- site_url:\n\n    The site_url must be set to an empty string for offline browsing.\n\n"
    '    ```yaml\n    site_url: ""\n    ```\n\n- Search is a plugin.\n'
)


def test_item_of_several_blocks_is_quoted_by_its_sentences_never_its_code(tmp_path: Path, analyzer: Analyzer) -> None:
    """A list item holding paragraphs and code is no single quote: its sentences are, and its code is code."""
    assert units_of(LOOSE_ITEMS, analyzer) == [
        ("heading", "# Offline"),
        ("sentence", "site_url:"),
        ("sentence", "The site_url must be set to an empty string for offline browsing."),
        ("code", '```yaml\n    site_url: ""\n    ```'),
        ("item", "Search is a plugin."),
    ]
    answer = index_of(tmp_path, LOOSE_ITEMS, analyzer).ask("what should site_url be for offline browsing?")
    assert answer.passages[0].quote == "The site_url must be set to an empty string for offline browsing."


def test_long_list_is_cut_between_items(splitter: SentenceSplitter) -> None:
    """A list longer than a passage is cut between its items, never inside one."""
    items = [f"- Item number {number} says something about option {number} and its effect." for number in range(20)]
    text = "# Options\n\n" + "\n".join(items) + "\n"
    passages = passages_of(text, splitter, max_chars=300)
    assert len(passages) > 2
    for passage in passages:
        assert all(line in items or line in ("# Options", "") for line in passage.text.split("\n"))


def test_links_and_images_keep_their_text_not_their_targets(tmp_path: Path, analyzer: Analyzer) -> None:
    """Link text and image alt text are searchable; link targets and image URLs are not."""
    text = (
        "# Deploy\n\nSee the [hosting guide](https://zorblat.example/quuxhost.html) and "
        "![architecture diagram](images/frobnicator.png) for details.\n"
    )
    searchable = searchable_text(text)
    assert "hosting guide" in searchable
    assert "architecture diagram" in searchable
    assert "zorblat" not in searchable and "frobnicator" not in searchable
    index = index_of(tmp_path, text, analyzer)
    assert index.ask("hosting guide diagram").found
    assert not index.ask("zorblat quuxhost frobnicator").found


def test_html_comments_and_emphasis_markers_are_not_terms(tmp_path: Path, analyzer: Analyzer) -> None:
    """An HTML comment is neither searchable nor a passage of its own; emphasis markers leave plain words."""
    text = "<!-- wibblewobble note for editors -->\n\n# Build\n\nRun **mkdocs build** <!-- zumzum --> to _render_.\n"
    searchable = searchable_text(text)
    assert "wibblewobble" not in searchable and "zumzum" not in searchable
    assert "mkdocs build" in searchable and "render" in searchable and "*" not in searchable
    index = index_of(tmp_path, text, analyzer)
    assert not any(passage.text.startswith("<!--") for passage in index.passages)
    assert not index.ask("wibblewobble zumzum").found


def test_an_html_block_is_searched_but_never_quoted(tmp_path: Path, analyzer: Analyzer) -> None:
    """A raw HTML block's words find its passage, without its tags; the quote is the Markdown text beside it."""
    text = (
        "# Events\n\nThere are three kinds of events.\n\n"
        '<details class="card">\n<summary>\nSee a diagram of the events\n</summary>\n</details>\n'
    )
    units = quote_units(text, SentenceSplitter("builtin").spans)
    assert [unit.kind for unit in units] == ["heading", "sentence", "html"]
    index = index_of(tmp_path, text, analyzer)
    answer = index.ask("diagram of the events")
    assert answer.found
    assert answer.passages[0].quote == "There are three kinds of events."
    assert not index.ask("details summary card").found


def test_document_without_headings_is_split_by_blocks(splitter: SentenceSplitter) -> None:
    """With no heading at all, the document is one section: small enough, it is one passage."""
    text = "First paragraph of notes.\n\nSecond paragraph of notes.\n"
    assert [passage.text for passage in passages_of(text, splitter)] == [
        "First paragraph of notes.\n\nSecond paragraph of notes."
    ]


def test_section_path_is_in_json_and_a_lone_heading_opens_its_subsection(tmp_path: Path, analyzer: Analyzer) -> None:
    """A heading with nothing under it opens its subsection's passage, whose section is the deeper path."""
    text = "# Configuration\n\n## search\n\nLower min_search_length for short words.\n"
    index = index_of(tmp_path, text, analyzer)
    assert [passage.text for passage in index.passages] == [text.strip()]
    answer = index.ask("min_search_length")
    assert answer.passages[0].to_json()["section"] == "Configuration › search"
    assert answer.passages[0].quote == "Lower min_search_length for short words."


def test_heading_attribute_lists_are_not_in_titles_paths_or_terms(tmp_path: Path, analyzer: Analyzer) -> None:
    """`{#custom-id}`, `{ #id .class }` or `{: #id }` after a heading is its anchor: in no title, path or term."""
    text = (
        "# Proxy setup {#zorbx-proxy}\n\nSet the proxy first.\n\n"
        "## Certificates { #qwibble .advanced }\n\nTrust the proxy's certificate.\n\n"
        "## Timeouts {: #frumple }\n\nRaise the timeout for slow proxies.\n"
    )
    index = index_of(tmp_path, text, analyzer)
    answer = index.ask("proxy certificate")
    assert answer.passages[0].title == "Proxy setup"
    assert answer.passages[0].section == "Proxy setup › Certificates"
    assert index.ask("timeout slow proxies").passages[0].section == "Proxy setup › Timeouts"
    assert "zorbx" not in searchable_text(text) and "qwibble" not in searchable_text(text)
    assert not index.ask("zorbx qwibble frumple advanced").found


def test_a_heading_is_never_the_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """Even when the question repeats a heading word for word, the quote is text under it."""
    text = "# Permission denied errors\n\nRun the build as the user who owns the output folder.\n"
    answer = index_of(tmp_path, text, analyzer).ask("permission denied errors")
    assert answer.found
    assert answer.passages[0].quote == "Run the build as the user who owns the output folder."


def test_a_synopsis_of_code_ranks_after_the_text_that_says_what_a_command_does(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    """The synopsis matches the command's name best, but only the description has a sentence to quote."""
    text = (
        "# ferry-prune\n\n## Synopsis\n\n```bash\nferry prune [<pkg>...]\nferry prune --dry-run\n```\n\n"
        "## Description\n\nThis command removes timetables that no route uses any more.\n"
        "It keeps the ones a route still lists, and the harbour master's own notes, so run it after every "
        "season ends and before the printed leaflets go out to the harbour offices and the ticket desks.\n"
    )
    answer = index_of(tmp_path, text, analyzer).ask("what does ferry prune do?")
    assert answer.found
    assert answer.passages[0].section == "ferry-prune › Description"
    assert answer.passages[0].quote.startswith("This command removes timetables")
    assert answer.passages[1].section == "ferry-prune › Synopsis"


def test_a_list_item_that_is_only_a_link_is_searched_but_never_quoted(tmp_path: Path, analyzer: Analyzer) -> None:
    """A "See also" list points to answers and is none; an item with words besides its link is still a quote."""
    text = (
        "# ferry-prune\n\n## Description\n\nThis command removes the timetables of ferry routes that are closed.\n\n"
        "## See also\n\n* [ferry prune](/commands/ferry-prune)\n* [ferry list](/commands/ferry-list)\n"
        "* [ferry routes](/routes): every route, open or closed\n"
    )
    assert units_of(text, analyzer)[-3:] == [
        ("link", "[ferry prune](/commands/ferry-prune)"),
        ("link", "[ferry list](/commands/ferry-list)"),
        ("item", "[ferry routes](/routes): every route, open or closed"),
    ]
    links_only = text.split("* [ferry routes]")[0]
    answer = index_of(tmp_path, links_only, analyzer).ask("ferry prune")
    assert answer.passages[0].section == "ferry-prune › Description"
    assert answer.passages[0].quote.startswith("This command removes")


def test_blocks_skip_front_matter_rules_and_comments() -> None:
    """Top-level blocks are the content: no front matter, thematic break or lone comment among them."""
    text = "---\ntitle: T\n---\n\n# A\n\n<!-- note -->\n\n---\n\nText.\n"
    assert [(block.kind, text[block.start : block.end]) for block in markdown_blocks(text)] == [
        ("heading", "# A"),
        ("paragraph", "Text."),
    ]


ADMONITION = (
    "# Plugins\n\nPlugins add events to the build.\n\n"
    '!!! warning "Order matters"\n\n'
    "    Plugins run in the order the config file lists them. A plugin listed\n"
    "    first sees every page before the others do.\n"
)


def test_admonition_body_is_markdown_and_its_title_is_never_the_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """An indented `!!!` body is prose, not code: its sentences are quotes; its title counts but is never one."""
    assert units_of(ADMONITION, analyzer) == [
        ("heading", "# Plugins"),
        ("sentence", "Plugins add events to the build."),
        ("heading", '!!! warning "Order matters"'),
        ("sentence", "Plugins run in the order the config file lists them."),
        ("sentence", "A plugin listed\n    first sees every page before the others do."),
    ]
    index = index_of(tmp_path, ADMONITION, analyzer)
    assert index.ask("In what order do plugins run?").passages[0].quote == (
        "Plugins run in the order the config file lists them."
    )
    answer = index.ask("order matters warning")
    assert answer.found
    assert "Order matters" not in answer.passages[0].quote


def test_collapsible_admonition_body_is_quoted(tmp_path: Path, analyzer: Analyzer) -> None:
    """A collapsible `???+` block's body is prose too."""
    text = '# FAQ\n\n???+ question "Offline use"\n\n    Set site_url to an empty string to browse the files offline.\n'
    answer = index_of(tmp_path, text, analyzer).ask("how do I browse the site offline?")
    assert answer.passages[0].quote == "Set site_url to an empty string to browse the files offline."


CONTENT_TABS = (
    '# Install\n\n=== "pip"\n\n    Install the package with pip. It needs Python 3.9.\n\n'
    '    ```sh\n    pip install widget\n    ```\n\n=== "conda"\n    Conda users install it from conda-forge.\n\n'
    "After the tabs.\n\n    real indented code\n"
)


def test_content_tab_bodies_are_markdown_and_their_titles_never_quotes(tmp_path: Path, analyzer: Analyzer) -> None:
    """Material's `=== "Tab"` bodies are prose and code, not one code block; after them, indented code is code."""
    assert units_of(CONTENT_TABS, analyzer) == [
        ("heading", "# Install"),
        ("heading", '=== "pip"'),
        ("sentence", "Install the package with pip."),
        ("sentence", "It needs Python 3.9."),
        ("code", "```sh\n    pip install widget\n    ```"),
        ("heading", '=== "conda"'),
        ("sentence", "Conda users install it from conda-forge."),
        ("sentence", "After the tabs."),
        ("code", "real indented code"),
    ]
    index = index_of(tmp_path, CONTENT_TABS, analyzer)
    assert index.ask("where do conda users install it from?").passages[0].quote == (
        "Conda users install it from conda-forge."
    )


COLON_ADMONITION = (
    "# Builds\n\nBuilds write the site folder.\n\n"
    ":::tip[Faster rebuilds]\n\nPass the dirty flag to rebuild only the pages that changed.\n\n:::\n\n"
    "Builds end with a summary.\n"
)


NOTE_BLOCK = (
    "# Install\n\nA quick fix for slow builds is the dirty flag.\n\n"
    "> NOTE:\n> If you are using Windows, some commands may fail.\n>\n"
    "> A quick fix is to run each command with python -m.\n"
)


def test_a_notes_paragraphs_are_one_context(tmp_path: Path, analyzer: Analyzer) -> None:
    """In a block quote, the paragraph before sets the scene for the next, as a sentence does within a paragraph."""
    units = quote_units(NOTE_BLOCK, analyzer.splitter.spans)
    note = [unit for unit in units if unit.kind == "sentence" and unit.start > NOTE_BLOCK.index("> NOTE")]
    assert [NOTE_BLOCK[unit.start : unit.end] for unit in note] == [
        "NOTE:\n> If you are using Windows, some commands may fail.",
        "A quick fix is to run each command with python -m.",
    ]
    assert len({unit.group for unit in note}) == 1
    quote = index_of(tmp_path, NOTE_BLOCK, analyzer).ask("quick fix on windows?").passages[0].quote
    assert quote.endswith("A quick fix is to run each command with python -m.")


def test_github_alert_marker_is_searched_but_never_part_of_a_quote(tmp_path: Path, analyzer: Analyzer) -> None:
    """`> [!WARNING]` opens a GitHub alert: its marker line is a title, and the quote is the sentence after it."""
    text = "# Upgrade\n\n> [!WARNING]\n> Back up the database before you upgrade.\n"
    assert units_of(text, analyzer) == [
        ("heading", "# Upgrade"),
        ("heading", "[!WARNING]"),
        ("sentence", "Back up the database before you upgrade."),
    ]
    answer = index_of(tmp_path, text, analyzer).ask("warning before upgrade database")
    assert answer.passages[0].quote == "Back up the database before you upgrade."


def test_colon_admonition_title_is_searched_and_its_body_quoted(tmp_path: Path, analyzer: Analyzer) -> None:
    """A Docusaurus `:::tip[Title]` block: its title line is searched, never quoted; its body is quoted."""
    blocks = markdown_blocks(COLON_ADMONITION)
    assert [block.kind for block in blocks] == ["heading", "paragraph", "callout", "paragraph"]
    assert COLON_ADMONITION[blocks[2].start : blocks[2].end].endswith(":::")
    assert "Faster rebuilds" in searchable_text(COLON_ADMONITION)
    index = index_of(tmp_path, COLON_ADMONITION, analyzer)
    answer = index.ask("faster rebuilds")
    assert answer.found
    assert answer.passages[0].quote == "Pass the dirty flag to rebuild only the pages that changed."


MYST = """# Authentication

```{note}
:class: tip
Only ASCII characters are allowed in `.netrc` files.

Whitespace is not allowed in passwords.
```

````{versionadded} 22.2
Keyring support arrived.

```python
keyring.set_password("pip", "user", "secret")
```
````

```{code-block} python
print("a code block stays code")
```

:::{warning}
Tokens in URLs end up in logs.
:::
"""


def test_myst_admonitions_are_markdown_and_other_directives_code(analyzer: Analyzer) -> None:
    """MyST's fenced `{note}` and `{versionadded}` and its `:::{warning}` read as admonitions: the body's
    sentences are quotes, the opening line is a title and the options are neither; `{code-block}` is code."""
    assert units_of(MYST, analyzer) == [
        ("heading", "# Authentication"),
        ("heading", "```{note}"),
        ("sentence", "Only ASCII characters are allowed in `.netrc` files."),
        ("sentence", "Whitespace is not allowed in passwords."),
        ("heading", "````{versionadded} 22.2"),
        ("sentence", "Keyring support arrived."),
        ("code", '```python\nkeyring.set_password("pip", "user", "secret")\n```'),
        ("code", '```{code-block} python\nprint("a code block stays code")\n```'),
        ("heading", ":::{warning}"),
        ("sentence", "Tokens in URLs end up in logs."),
    ]
    assert [block.kind for block in markdown_blocks(MYST)] == ["heading", "callout", "callout", "code", "callout"]
    assert ":class:" not in searchable_text(MYST)


def test_a_myst_note_answers(tmp_path: Path, analyzer: Analyzer) -> None:
    index = index_of(tmp_path, MYST, analyzer)
    answer = index.ask("are non-ascii characters allowed in .netrc files?")
    assert answer.passages[0].quote == "Only ASCII characters are allowed in `.netrc` files."


def test_a_myst_role_is_searched_by_the_text_it_shows() -> None:
    """{ref}`Requirements files <requirements-files>` is searched as "Requirements files": not "ref", not the target."""
    text = "Pin them in {ref}`Requirements files <requirements-files>`, or use {file}`setup.cfg`."
    assert searchable_text(text) == "Pin them in Requirements files, or use setup.cfg."


def test_an_unclosed_myst_directive_runs_to_the_end_as_a_fence_does(analyzer: Analyzer) -> None:
    text = "Intro.\n\n```{tip}\nKeep it short.\n\n## Not a heading of the page\n"
    assert units_of(text, analyzer) == [
        ("sentence", "Intro."),
        ("heading", "```{tip}"),
        ("sentence", "Keep it short."),
        ("heading", "## Not a heading of the page"),
    ]
    assert [block.kind for block in markdown_blocks(text)] == ["paragraph", "callout"]


def test_mkdocstrings_reference_line_is_no_admonition() -> None:
    """`::: package.module` (an API reference, never closed) is a paragraph, and the page after it stays itself."""
    text = "# API\n\n::: mkdocs.plugins.BasePlugin.on_startup\n\n## Events\n\nEvents run in order.\n"
    assert [block.kind for block in markdown_blocks(text)] == ["heading", "paragraph", "heading", "paragraph"]


def test_long_admonition_is_cut_between_its_blocks(splitter: SentenceSplitter) -> None:
    """An admonition longer than a passage is cut between the paragraphs of its body, its opening line kept."""
    paragraphs = [
        f"    Paragraph {number} explains{' one more' * (number % 3)} detail\n"
        "    of the plugin events\n    in a sentence."
        for number in range(8)
    ]
    text = "# Notes\n\n!!! note\n\n" + "\n\n".join(paragraphs) + "\n"
    passages = passages_of(text, splitter, max_chars=300)
    assert len(passages) > 2
    assert passages[0].text.startswith("# Notes\n\n!!! note")
    for paragraph in paragraphs:
        assert sum(paragraph.strip() in passage.text for passage in passages) == 1, f"{paragraph!r} is cut"


MDX = (
    "---\ntitle: Tabs\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
    "export const toc = [];\n\n{/* TODO: screenshots */}\n\n# Tabs\n\nTabs group examples by language.\n"
)


def test_mdx_imports_exports_and_comments_are_in_no_passage(splitter: SentenceSplitter) -> None:
    """In `.mdx`, ESM statements and JSX comments are code, not text; in `.md` the same lines are prose."""
    mdx = split_markdown_passages("tabs.mdx", MDX, splitter)
    assert [passage.text for passage in mdx] == ["# Tabs\n\nTabs group examples by language."]
    plain = split_markdown_passages("tabs.md", MDX, splitter)
    assert any("import Tabs" in passage.text for passage in plain)


def test_mdx_files_are_read_from_a_corpus_folder(tmp_path: Path, analyzer: Analyzer) -> None:
    """A Docusaurus docs folder of `.mdx` files is indexed, with their sections and titles, and nothing is skipped."""
    (tmp_path / "tabs.mdx").write_text(MDX, encoding="utf-8")
    index = build_index(tmp_path, analyzer=analyzer)
    assert index.warnings == []
    answer = index.ask("how are examples grouped by language?")
    assert answer.found
    assert answer.passages[0].title == "Tabs"
    assert answer.passages[0].section == "Tabs"
    assert not index.ask("import TabItem theme").found


# ---------------------------------------------------------------------------
# Property-based: generated Markdown of headings, wrapped paragraphs, code blocks, lists and admonitions.

MARKDOWN_WORDS = "site theme plugin build page search config deploy nav docs folder server option block".split()


@dataclass
class GeneratedMarkdown:
    """Markdown text and the spans that must never be cut: sentences, list items and code blocks."""

    text: str = ""
    whole: list[tuple[int, int]] = field(default_factory=list)

    def add(self, piece: str, *, keep_whole: bool = False) -> None:
        if keep_whole:
            self.whole.append((len(self.text), len(self.text) + len(piece)))
        self.text += piece


@st.composite
def markdown_sentence(draw: st.DrawFn) -> str:
    """A capitalized sentence of plain words, sometimes hard-wrapped once, ending with a full stop."""
    words = draw(st.lists(st.sampled_from(MARKDOWN_WORDS), min_size=3, max_size=14))
    words[0] = words[0].capitalize()
    if len(words) > 4 and draw(st.booleans()):
        words[2] = words[2] + "\n"  # a hard wrap inside the sentence
        return " ".join(words).replace("\n ", "\n") + "."
    return " ".join(words) + "."


block = st.one_of(
    st.tuples(st.just("heading"), st.integers(1, 3), st.lists(st.sampled_from(MARKDOWN_WORDS), min_size=1, max_size=3)),
    st.tuples(st.just("paragraph"), st.lists(markdown_sentence(), min_size=1, max_size=30)),
    st.tuples(st.just("code"), st.lists(st.sampled_from(["x = 1", "", "print(x)", "# not a heading"]), max_size=6)),
    st.tuples(st.just("list"), st.lists(markdown_sentence(), min_size=1, max_size=5)),
    st.tuples(st.just("admonition"), st.lists(markdown_sentence(), min_size=1, max_size=12)),
)


@st.composite
def markdown_document(draw: st.DrawFn) -> GeneratedMarkdown:
    """Blocks separated by one blank line; each sentence, list item and code block recorded as uncuttable."""
    generated = GeneratedMarkdown()
    for kind, *content in draw(st.lists(block, min_size=1, max_size=12)):
        if kind == "heading":
            level, words = content
            generated.add("#" * level + " " + " ".join(words).capitalize())
        elif kind == "paragraph":
            for number, sentence in enumerate(content[0]):
                if number:
                    generated.add(" ")
                generated.add(sentence, keep_whole=True)
        elif kind == "code":
            generated.add("```python\n" + "".join(line + "\n" for line in content[0]) + "```", keep_whole=True)
        elif kind == "admonition":
            generated.add("!!! note\n\n    ")
            for number, sentence in enumerate(content[0]):
                if number:
                    generated.add(" ")
                generated.add(sentence.replace("\n", "\n    "), keep_whole=True)
        else:
            for number, item in enumerate(content[0]):
                if number:
                    generated.add("\n")
                generated.add("- ")
                generated.add(item.replace("\n", "\n  "), keep_whole=True)
        generated.add("\n\n")
    return generated


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=markdown_document())
def test_generated_markdown_passages_cover_content_in_order_and_never_cut_a_unit(
    document: GeneratedMarkdown, splitter: SentenceSplitter
) -> None:
    """Passages are in order and disjoint, hold every sentence, item and code block, and cut none of them."""
    passages = passages_of(document.text, splitter)
    for before, after in pairwise(passages):
        assert before.end <= after.start
    assert [passage.ordinal for passage in passages] == list(range(1, len(passages) + 1))
    for start, end in document.whole:
        holders = [passage for passage in passages if passage.start < end and start < passage.end]
        assert len(holders) == 1, f"{document.text[start:end]!r} is in {len(holders)} passages"
        assert holders[0].start <= start and end <= holders[0].end, f"{document.text[start:end]!r} is cut"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=markdown_document())
def test_searchable_texts_read_off_the_documents_parse_are_each_passages_own(
    document: GeneratedMarkdown, splitter: SentenceSplitter
) -> None:
    """Without link references, the words a build reads off the whole parse are those of each passage parsed alone."""
    parsed = parse_blocks(document.text)
    blocks = markdown_blocks(document.text, parsed=parsed)
    passages = split_markdown_passages("doc.md", document.text, splitter, blocks=blocks)
    spans = [(passage.start, passage.end) for passage in passages]
    assert searchable_texts(document.text, parsed, blocks, spans) == [searchable_text(p.text) for p in passages]


def test_searchable_texts_read_reference_links_as_links(splitter: SentenceSplitter) -> None:
    """A reference link's label, defined elsewhere in the document, is no term; its text is, as a section title's."""
    long_paragraph = "A sentence runs on. " * 120
    text = f"# Setup\n\nThe [ferry timetable][rota] lists every crossing.\n\n## Notes\n\n{long_paragraph}\n\n[rota]: https://example.org/rota\n"
    parsed = parse_blocks(text)
    blocks = markdown_blocks(text, parsed=parsed)
    passages = split_markdown_passages("doc.md", text, splitter, max_chars=300, blocks=blocks)
    words = searchable_texts(text, parsed, blocks, [(passage.start, passage.end) for passage in passages])
    assert words[0] == "Setup\nThe ferry timetable lists every crossing."
    assert "rota" not in " ".join(words)
    assert len(passages) > 2  # the long paragraph is cut between sentences: those pieces are parsed alone
    assert words[1:] == [searchable_text(passage.text) for passage in passages[1:]]


def test_parse_blocks_normalizes_only_a_text_that_needs_it() -> None:
    """A text without "\\r" or NUL parses as markdown-it would parse it; one with them is still normalized."""
    text = "# Title\n\nA paragraph with `code`.\n\n- an item\n- another\n"
    assert [(t.type, t.map, t.content) for t in parse_blocks(text).tokens] == [
        (t.type, t.map, t.content) for t in BLOCK_PARSER.parse(text)
    ]
    odd = "# Title\r\n\r\nA NUL \0 here.\r\n"
    paragraph = [t for t in parse_blocks(odd).tokens if t.type == "inline"][1]
    assert paragraph.content == "A NUL \ufffd here."


def long_table(rows: int = 40) -> str:
    body = "".join(
        f"| `option_{number}` | Sets the {word} limit. It defaults to {number}. |\n"
        for number, word in zip(range(rows), ["tide", "harbour", "ferry", "quay", "buoy"] * rows, strict=False)
    )
    return "# Options\n\n| Option | What it does |\n|---|---|\n" + body


def long_code(lines: int = 80) -> str:
    body = "".join(f"def handler_{number}(*args, **kwargs):  # see [the docs](x)\n" for number in range(lines))
    return "# Code\n\nThe example below registers every handler.\n\n```python\n" + body + "```\n\nThat is all.\n"


def long_note(sentences: int = 40) -> str:
    body = "\n".join(f"    Sentence number {number} of the note tells a detail.\n" for number in range(sentences))
    return '# Notes\n\n!!! note "Careful"\n' + body


def cut_passages(text: str, splitter: SentenceSplitter) -> tuple[list[Passage], dict[int, str]]:
    """A document's passages, and the opening of each that starts inside a block, by its start."""
    passages = passages_of(text, splitter)
    return passages, dict(block_openings(text, markdown_blocks(text), [passage.start for passage in passages]))


@pytest.mark.parametrize(
    ("text", "kind", "opening_start"),
    [
        (long_table(), "table", "| Option | What it does |\n|---|---|\n"),
        (long_code(), "code", "```python\n"),
        (long_note(), "callout", '!!! note "Careful"\n    '),
    ],
)
def test_a_passage_cut_from_a_block_gets_its_opening(
    text: str, kind: str, opening_start: str, splitter: SentenceSplitter
) -> None:
    """Every passage that starts inside a long table, fence or note gets the lines that open it; no other does."""
    passages, openings = cut_passages(text, splitter)
    block = next(block for block in markdown_blocks(text) if block.kind == kind)
    inside = [passage for passage in passages if block.start < passage.start < block.end]
    assert len(inside) >= 1
    assert set(openings) == {passage.start for passage in inside}
    assert all(opening.startswith(opening_start) for opening in openings.values())


def test_rows_of_a_cut_table_are_rows(analyzer: Analyzer) -> None:
    """A passage cut from a table, read after its opening, is rows: no unit runs from one row into the next."""
    text = long_table()
    passages, openings = cut_passages(text, analyzer.splitter)
    continued = next(passage for passage in passages if passage.start in openings)
    units = quote_units(continued.text, analyzer.splitter.spans, openings[continued.start])
    rows = [line for line in continued.text.split("\n") if line]
    assert [(unit.kind, continued.text[unit.start : unit.end]) for unit in units] == [("row", row) for row in rows]
    # Read alone, without its header, the same rows are one paragraph's sentences, and they run across rows.
    alone = quote_units(continued.text, analyzer.splitter.spans)
    assert any("\n" in continued.text[unit.start : unit.end] for unit in alone)


def test_code_cut_from_a_fence_stays_code(analyzer: Analyzer) -> None:
    """The lines of a cut code block are code, never a quote, and the text after its fence is text again."""
    text = long_code()
    passages, openings = cut_passages(text, analyzer.splitter)
    last = passages[-1]
    assert last.start in openings and last.text.endswith("That is all.")
    units = quote_units(last.text, analyzer.splitter.spans, openings[last.start])
    assert {unit.kind for unit in units if "handler_" in last.text[unit.start : unit.end]} == {"code"}
    assert ("sentence", "That is all.") in [(unit.kind, last.text[unit.start : unit.end]) for unit in units]


def test_a_cut_note_is_still_sentences(analyzer: Analyzer) -> None:
    """The indented body of a cut admonition reads as the note's paragraphs, not as an indented code block."""
    text = long_note()
    passages, openings = cut_passages(text, analyzer.splitter)
    last = passages[-1]
    units = quote_units(last.text, analyzer.splitter.spans, openings[last.start])
    assert units and {unit.kind for unit in units} == {"sentence"}
    assert last.text[units[0].start : units[0].end].startswith("Sentence number")
    assert {unit.kind for unit in quote_units(last.text, analyzer.splitter.spans)} != {"sentence"}


def test_answers_from_a_cut_table_quote_one_row(tmp_path: Path, analyzer: Analyzer) -> None:
    """End to end: a question about a row deep in a long table quotes that row, whole, and nothing else."""
    index = index_of(tmp_path, long_table(), analyzer)
    answer = index.ask("which option sets the buoy limit and defaults to 39?")
    best = answer.passages[0]
    assert best.opening.startswith("| Option | What it does |")
    assert best.quote == "| `option_39` | Sets the buoy limit. It defaults to 39. |"
