"""Markdown read as structure with markdown-it-py: blocks, quotable units and searchable text.

Offsets always point into the exact text given, so a passage stays a slice
of its document. What a reader sees and what is searched differ: the
searchable text of a piece of Markdown drops link targets, image URLs, HTML
comments and tags and emphasis markers, and keeps link and image text.

Besides CommonMark, tables and YAML front matter, the parser reads the
callouts documentation sites write: MkDocs and Python-Markdown admonitions
(`!!! note "Title"` with an indented body, and the collapsible `???` and
`???+`), Material for MkDocs content tabs (`=== "Python"` with an indented
body), Docusaurus and VitePress admonitions (`:::tip[Title]` ... `:::`), and
MyST's (Sphinx's Markdown) admonitions in a code fence ("```{note}" ...
"```") or a colon fence (":::{note}"). Their bodies are Markdown, not code.
A MyST role ({ref}`Requirements files <requirements-files>`) reads as the
text it shows. GitHub's alerts (`> [!NOTE]`) are block quotes whose first
line names them. In MDX (`.mdx`), the `import` and
`export` statements and `{/* comments */}` are no text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

# The admonition types of Docusaurus and VitePress. Only these open a ":::" callout: mkdocstrings writes
# "::: package.module" for an API reference, which has no closing ":::" and would swallow the page.
COLON_ADMONITIONS = frozenset(
    {"note", "tip", "info", "warning", "danger", "caution", "important", "success", "secondary", "details"}
)
_COLON_ADMONITION = re.compile(r"\s*(?P<kind>[A-Za-z]+)(?=[\s\[{]|$)")
# The directives of MyST (Sphinx's Markdown) whose body is Markdown to read: its admonitions, version notes and
# collapsible blocks. Other directives ("{toctree}", "{code-block}", "{eval-rst}") keep their body as code.
MYST_ADMONITIONS = frozenset(
    """
    admonition attention caution danger error hint important note seealso tip warning
    versionadded versionchanged versionremoved deprecated dropdown topic sidebar margin
    """.split()
)
_MYST_COLON_DIRECTIVE = re.compile(r"\s*\{(?P<kind>[A-Za-z]+)\}")


def _is_colon_admonition(params: str, *_: object) -> bool:
    """Whether the rest of a ":::" line opens an admonition: ":::tip", ":::note[Title]", "::: warning Title", and
    MyST's ":::{note}"."""
    myst = _MYST_COLON_DIRECTIVE.match(params)
    if myst is not None:
        return myst.group("kind").lower() in MYST_ADMONITIONS
    match = _COLON_ADMONITION.match(params)
    return match is not None and match.group("kind").lower() in COLON_ADMONITIONS


# A MyST directive in a code fence: "```{note}", "````{versionadded} 22.2" (a longer fence holds a shorter one).
_MYST_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})\{(?P<kind>[A-Za-z]+)\}[ \t]*(?P<arguments>[^`\n]*?)[ \t]*$")
# A directive's options before its body: ":class: tip", or a YAML block between "---" lines.
_MYST_OPTION = re.compile(r"[ \t]*:[\w-]+:")


def _myst_directive(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Parse a MyST admonition written as a code fence ("```{note}" ... "```") as an admonition: its body is
    Markdown, not code. It makes the tokens mdit-py-plugins' `admon` makes, so it is read as any admonition."""
    if state.is_code_block(start_line):
        return False
    line_start = state.bMarks[start_line] + state.tShift[start_line]
    match = _MYST_FENCE.match(state.src, line_start, state.eMarks[start_line])
    if match is None or match.group("kind").lower() not in MYST_ADMONITIONS:
        return False
    if silent:
        return True
    fence = match.group("fence")

    def text_of(line: int) -> str:
        return state.src[state.bMarks[line] : state.eMarks[line]].strip()

    closing = end_line  # an unclosed directive runs to the end, as an unclosed fence does
    for line in range(start_line + 1, end_line):
        text = text_of(line)
        if state.sCount[line] - state.blkIndent < 4 and len(text) >= len(fence) and text == fence[0] * len(text):
            closing = line
            break
    body_start = start_line + 1
    if body_start < closing and text_of(body_start) == "---":
        for line in range(body_start + 1, closing):
            if text_of(line) == "---":
                body_start = line + 1
                break
    while body_start < closing and _MYST_OPTION.match(text_of(body_start)):
        body_start += 1
    kind = match.group("kind").lower()
    title_text = " ".join(part for part in (kind, match.group("arguments")) if part)
    end = min(closing + 1, end_line)
    opening = state.push("admonition_open", "div", 1)
    opening.block, opening.map, opening.info, opening.markup = True, [start_line, end], kind, fence
    state.push("admonition_title_open", "p", 1).map = [start_line, start_line + 1]
    title = state.push("inline", "", 0)
    title.content, title.map, title.children = title_text, [start_line, start_line + 1], []
    state.push("admonition_title_close", "p", -1)
    saved = state.parentType, state.lineMax
    state.parentType, state.lineMax = "admonition", closing
    state.md.block.tokenize(state, body_start, closing)
    state.parentType, state.lineMax = saved
    state.push("admonition_close", "div", -1).block = True
    state.line = end
    return True


def _myst_directives_plugin(parser: MarkdownIt) -> None:
    parser.block.ruler.before(
        "fence", "myst_directive", _myst_directive, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


# A Material for MkDocs content tab (pymdownx.tabbed): '=== "Python"', its body indented four spaces.
_CONTENT_TAB = re.compile(r'===[!+]{0,2}[ \t]+"(?P<title>[^"\n]*)"[ \t]*$')
_TAB_INDENT = 4


def _content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Parse a content tab: its title like an admonition's, its indented body as Markdown, not code.

    No markdown-it-py plugin reads pymdownx.tabbed (mdit-py-plugins' `admon` reads only `!!!` and `???`).
    """
    if state.is_code_block(start_line):
        return False
    match = _CONTENT_TAB.match(state.src, state.bMarks[start_line] + state.tShift[start_line], state.eMarks[start_line])
    if match is None:
        return False
    if silent:
        return True
    body_indent = state.blkIndent + _TAB_INDENT
    body_end = start_line + 1  # the line after the last line of the body
    for line in range(start_line + 1, end_line):
        if state.isEmpty(line):
            continue
        if state.sCount[line] < body_indent:
            break
        body_end = line + 1
    saved = state.parentType, state.lineMax, state.blkIndent
    state.parentType, state.lineMax, state.blkIndent = "content_tab", body_end, body_indent
    opening = state.push("content_tab_open", "div", 1)
    opening.block, opening.map, opening.info = True, [start_line, body_end], match.group("title")
    state.push("content_tab_title_open", "p", 1).map = [start_line, start_line + 1]
    title = state.push("inline", "", 0)
    title.content, title.map, title.children = match.group("title"), [start_line, start_line + 1], []
    state.push("content_tab_title_close", "p", -1)
    state.md.block.tokenize(state, start_line + 1, body_end)
    state.push("content_tab_close", "div", -1).block = True
    state.parentType, state.lineMax, state.blkIndent = saved
    state.line = body_end
    return True


def _content_tabs_plugin(parser: MarkdownIt) -> None:
    parser.block.ruler.before(
        "fence", "content_tab", _content_tab, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


def _parser() -> MarkdownIt:
    """CommonMark with tables, YAML front matter, admonitions (MyST's too) and content tabs. Parsing keeps no state
    between calls."""
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(admon_plugin)
        .use(container_plugin, name="admonition", validate=_is_colon_admonition)
        .use(_content_tabs_plugin)
        .use(_myst_directives_plugin)
        .use(myst_role_plugin)
    )


PARSER = _parser()
# The same parser without the inline pass, for where blocks are (blocks, sections, quote units): parsing
# the inline markup is most of the time, several times over on a page full of "a_b" or backticks.
BLOCK_PARSER = _parser().disable("inline")
# And without markdown-it's normalizing, for a text with no "\r" or NUL to normalize: its two regular
# expressions held the GIL for 25 ms or more on a 1 MB page, stalling the bot's event loop.
_NORMALIZED_BLOCK_PARSER = _parser().disable(["inline", "normalize"])
# For showing a passage (`index.markdown_display`): escapes and entities stay tokens of their own, so every
# text token's content is found in the source as written.
DISPLAY_PARSER = _parser().disable("text_join")

BlockKind = Literal["heading", "paragraph", "list", "table", "code", "quote", "html", "callout"]
UnitKind = Literal["heading", "sentence", "item", "row", "code", "html", "link"]
QUOTABLE: frozenset[UnitKind] = frozenset({"sentence", "item", "row"})
"""What a quote may be: a sentence, a list item or a table row. Headings, code and list items that are only a link
("See also", a table of contents) count only in ranking."""
SentenceSpans = Callable[[str, int], list[tuple[int, int]]]
"""`SentenceSplitter.spans`: the sentence spans of a text, shifted by an offset."""

_BLOCK_KINDS: dict[str, BlockKind] = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "fence": "code",
    "code_block": "code",
    "blockquote_open": "quote",
    "html_block": "html",
    "admonition_open": "callout",
    "container_admonition_open": "callout",
    "content_tab_open": "callout",
}
_LISTS = ("bullet_list_open", "ordered_list_open")
_GITHUB_ALERT = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?=\n|$)", re.IGNORECASE)
_CALLOUT_OPENS = frozenset({"blockquote_open", "admonition_open", "container_admonition_open", "content_tab_open"})
_CALLOUT_CLOSES = frozenset({"blockquote_close", "admonition_close", "container_admonition_close", "content_tab_close"})


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level block of a Markdown document: `text[start:end]`, without outer white space."""

    kind: BlockKind
    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]
    """Where a block too long for one passage may be cut: list items, table rows, code lines, else itself."""
    level: int = 0
    """A heading's level, 1 to 6."""
    tokens: tuple[int, int] = (0, 0)
    """`[first, end)` of its tokens in the document's `ParsedBlocks.tokens`."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A span of Markdown a quote may be made of (a heading never is one)."""

    kind: UnitKind
    start: int
    end: int
    group: int
    """Units of one paragraph, or of the paragraphs of one block quote or admonition, share a group: a quote
    runs on, and takes the sentence before as context, only within it."""


class LineOffsets:
    """Character offsets of the lines of a text, for markdown-it's line maps."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for line in text.split("\n"):
            self.starts.append(self.starts[-1] + len(line) + 1)

    @property
    def count(self) -> int:
        """How many lines the text has."""
        return len(self.starts) - 1

    def start(self, number: int) -> int:
        """Where line `number` starts (the text's end past its last line)."""
        return min(self.starts[min(number, len(self.starts) - 1)], len(self.text))

    def line(self, number: int) -> str:
        """Line `number` without its newline ("" past the end)."""
        if number + 1 >= len(self.starts):
            return ""
        return self.text[self.starts[number] : self.starts[number + 1] - 1]

    def span(self, first_line: int, end_line: int) -> tuple[int, int]:
        """`[start, end)` of lines `first_line` to `end_line` (exclusive), white space trimmed."""
        return trimmed(self.text, self.start(first_line), self.start(end_line))


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without the white space at either end (a byte-order mark counts as space)."""
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _closing(tokens: list[Token], opening: int) -> int:
    """Position of the token closing the one opened at `opening` (itself when it closes nothing)."""
    if tokens[opening].nesting != 1:
        return opening
    depth = 0
    for position in range(opening, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _child_blocks(tokens: list[Token], level: int) -> list[Token]:
    """The blocks directly inside a container opened at `level` (a list item, an admonition), by their openings."""
    return [token for token in tokens if token.level == level + 1 and token.nesting >= 0 and token.map]


def is_html_comment(html: str) -> bool:
    """Whether an HTML block is one comment and nothing else ("<!-- YAML added: v19.9.0 -->")."""
    stripped = html.strip()
    return stripped.startswith("<!--") and stripped.endswith("-->") and stripped.count("<!--") == 1


# MDX's ESM statements ("import Tabs from '@theme/Tabs';") and JSX comments, which MDX allows only as whole blocks.
_MDX_STATEMENT = re.compile(r"(?:import|export)[\s{*]")
_JSX_COMMENT = re.compile(r"\{\s*/\*.*\*/\s*\}", re.DOTALL)


def _is_mdx_code(paragraph: Token) -> bool:
    """Whether a top-level paragraph of an MDX document is an import or export statement, or a comment."""
    content = paragraph.content.strip()
    return _MDX_STATEMENT.match(content) is not None or _JSX_COMMENT.fullmatch(content) is not None


@dataclass(frozen=True, slots=True)
class ParsedBlocks:
    """`BLOCK_PARSER`'s tokens of a whole document, and the env the parse filled (its link references).

    Blocks and sections are both found from one parse: on a page of many short
    sections, parsing was most of the build, once for each.
    """

    tokens: list[Token]
    env: dict[str, Any]
    _inline_words: dict[int, str] = field(default_factory=dict, init=False, repr=False)

    def inline_words(self, position: int) -> str:
        """`inline_searchable_text` of the inline token at `position`, with the document's link references.

        Parsed once, for a heading's title and for its passage's words alike.
        """
        words = self._inline_words.get(position)
        if words is None:
            words = self._inline_words[position] = inline_searchable_text(self.tokens[position].content, self.env)
        return words


def parse_blocks(text: str) -> ParsedBlocks:
    env: dict[str, Any] = {}
    parser = BLOCK_PARSER if "\r" in text or "\0" in text else _NORMALIZED_BLOCK_PARSER
    return ParsedBlocks(parser.parse(text, env), env)


def markdown_blocks(text: str, *, mdx: bool = False, parsed: ParsedBlocks | None = None) -> list[Block]:
    """The top-level blocks of `text`, in order; front matter, rules and lone HTML comments are left out.

    In an MDX document (`mdx`), so are the `import` and `export` statements and `{/* comments */}`.
    `parsed` is `parse_blocks(text)`, when the caller has it.
    """
    lines = LineOffsets(text)
    tokens = (parsed or parse_blocks(text)).tokens
    blocks: list[Block] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        closing = _closing(tokens, position)
        kind = _BLOCK_KINDS.get(token.type)
        if (
            kind is None
            or token.map is None
            or (kind == "html" and is_html_comment(token.content))
            or (mdx and kind == "paragraph" and _is_mdx_code(tokens[position + 1]))
        ):
            position = closing + 1
            continue
        first_line, end_line = token.map
        if token.type == "container_admonition_open" and lines.line(end_line).lstrip().startswith(":::"):
            end_line += 1  # the closing ":::", which markdown-it leaves out of the block's lines
        start, end = lines.span(first_line, end_line)
        if start < end:
            pieces = _pieces(kind, tokens[position : closing + 1], lines, start, end)
            level = int(token.tag[1:]) if kind == "heading" else 0
            blocks.append(Block(kind, start, end, pieces, level, (position, closing + 1)))
        position = closing + 1
    return blocks


def _pieces(
    kind: BlockKind, tokens: list[Token], lines: LineOffsets, start: int, end: int
) -> tuple[tuple[int, int], ...]:
    """The spans a long block may be cut between (see `Block.pieces`)."""
    level = tokens[0].level
    if kind == "list":
        spans = [lines.span(*t.map) for t in tokens if t.type == "list_item_open" and t.level == level + 1 and t.map]
    elif kind == "table":
        rows = [t.map for t in tokens if t.type == "tr_open" and t.map]
        # The header row and the delimiter row under it go together.
        spans = [lines.span(rows[0][0], rows[1][0] if len(rows) > 1 else rows[0][1])] if rows else []
        spans += [lines.span(*row) for row in rows[1:]]
    elif kind == "callout":
        # Between the blocks of its body; the first takes the opening line, the last the closing ":::".
        spans = [lines.span(*t.map) for t in _child_blocks(tokens, level)]
        if spans:
            spans[0] = (start, spans[0][1])
            spans[-1] = (spans[-1][0], end)
    elif kind in ("code", "html", "quote"):
        spans = []
        for line_start, line_end in zip(lines.starts, lines.starts[1:], strict=False):
            if line_start >= end:
                break
            if line_end > start:
                spans.append(trimmed(lines.text, max(line_start, start), min(line_end - 1, end)))
    else:
        spans = [(start, end)]
    return tuple(span for span in spans if span[0] < span[1]) or ((start, end),)


# A list item or code block up to this long is one quote; a longer one is quoted by its sentences or lines.
MAX_UNIT_CHARS = 500


# The blocks whose lines mean nothing without their first ones: a table's rows without its header and delimiter
# rows read as a paragraph, code without its fence as text, a callout's indented body as code.
_OPENED_KINDS: dict[BlockKind, int] = {"table": 2, "code": 1, "callout": 1}


def block_openings(text: str, blocks: Sequence[Block], starts: Sequence[int]) -> tuple[tuple[int, str], ...]:
    """`(start, opening)` for each of `starts` (passages' starts in `text`) that lies inside a block it can't open.

    A passage cut from a long table, fenced code block or callout is parsed on its own when it is asked about.
    Parsed after its `opening` (the block's header and delimiter rows, its fence or its title line, and the
    white space before the passage on its first line), it reads as the part of the block it is.
    """
    block_starts = [block.start for block in blocks]
    openings: list[tuple[int, str]] = []
    for start in starts:
        found = bisect_right(block_starts, start) - 1
        if found < 0:
            continue
        block = blocks[found]
        lines = _OPENED_KINDS.get(block.kind, 0)
        if not block.start < start < block.end or lines == 0:
            continue
        if block.kind == "code" and text[block.start] not in "`~":
            continue  # indented code: its lines are code without an opening
        end = block.start
        for _ in range(lines):
            end = text.find("\n", end) + 1
        line_start = text.rfind("\n", 0, start) + 1
        indent = text[line_start:start] if line_start >= end and not text[line_start:start].strip() else ""
        if end > block.start:
            openings.append((start, text[block.start : end] + indent))
    return tuple(openings)


def quote_units(text: str, sentence_spans: SentenceSpans, opening: str = "") -> list[Unit]:
    """The units of `text` (Markdown) a passage's sentences are, in order.

    `opening` is what `block_openings` gives a passage that starts inside a block: `text` is read after it, and
    its own units are left out.

    Sentences of paragraphs (found across hard-wrapped lines), list items
    (an item's own text, without its nested lists; an item of several
    paragraphs, or with code, is its blocks' units instead), table rows and code
    blocks. Headings, admonition titles and table header rows are units of kind "heading": their
    words count when ranking, but they are never quoted, and neither is code
    (see `QUOTABLE`). Lone HTML comments are no unit.
    """
    if opening:
        shift = len(opening)
        return [
            Unit(unit.kind, max(unit.start - shift, 0), unit.end - shift, unit.group)
            for unit in quote_units(opening + text, sentence_spans)
            if unit.end > shift
        ]
    lines = LineOffsets(text)
    tokens = BLOCK_PARSER.parse(text)
    units: list[Unit] = []
    group = 0
    # For each list item around the token: where its first line starts, and whether the item is one unit.
    items: list[tuple[int, bool]] = []
    # For each block quote or admonition around the token: its level, and the group its paragraphs share.
    callouts: list[tuple[int, int]] = []
    in_head = False
    for position, token in enumerate(tokens):
        if token.type == "list_item_close":
            items.pop()
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type in _CALLOUT_CLOSES:
            callouts.pop()
        if token.map is None:
            continue
        group += 1
        if token.type in _CALLOUT_OPENS:
            callouts.append((token.level, group))
        if token.type in ("heading_open", "admonition_title_open", "content_tab_title_open"):
            units.append(Unit("heading", *lines.span(*token.map), group))
        elif token.type == "container_admonition_open":
            # Its opening line (":::tip[Title]") titles the body, as a heading does.
            units.append(Unit("heading", *lines.span(token.map[0], token.map[0] + 1), group))
        elif token.type == "list_item_open":
            closing = _closing(tokens, position)
            inside = tokens[position + 1 : closing]
            own = [t for t in _child_blocks(inside, token.level) if t.type not in _LISTS]
            nested = next((t.map[0] for t in inside if t.type in _LISTS and t.map), None)
            line_start, end = lines.span(token.map[0], nested if nested is not None else token.map[1])
            whole = len(own) <= 1 and all(t.type == "paragraph_open" for t in own)
            items.append((line_start, whole))
            if whole:
                start = _after_marker(text, line_start, end)
                # The item's own paragraph's inline token: a nested list's paragraphs lie deeper.
                words = next((t for t in inside if t.type == "inline" and t.level == token.level + 2), None)
                if words is not None and _is_only_a_link(words.content):
                    # "- [npm prune](/commands/npm-prune)" under "See also" points to an answer; it is none.
                    units.append(Unit("link", start, end, group))
                else:
                    units.extend(_long_unit("item", text, start, end, sentence_spans, group))
            # An item of several paragraphs, or with code: each of its blocks makes its own units, as outside a list.
        elif token.type == "tr_open":
            # A table's header row names its columns, as a heading names a section: it is no quote.
            units.append(Unit("heading" if in_head else "row", *lines.span(*token.map), group))
        elif token.type in ("fence", "code_block"):
            start, end = lines.span(*token.map)
            if end - start <= MAX_UNIT_CHARS:
                units.append(Unit("code", start, end, group))
            else:
                units.extend(Unit("code", *span, group) for span in _line_spans(text, start, end))
        elif token.type == "paragraph_open" and not (items and items[-1][1]):
            start, end = lines.span(*token.map)
            if items and start == items[-1][0]:
                start = _after_marker(text, start, end)  # the first paragraph of an item of several blocks
            # A note's paragraphs are one thought: "> If you use Windows, ... may not work." then
            # "> A quick solution is ...". The first one is context for the next, as within a paragraph.
            shared = callouts[-1][1] if callouts and token.level == callouts[-1][0] + 1 else group
            while callouts and start < end and text[start] in "> \t":
                start += 1  # a block quote's "> " markers before the paragraph's first word
            alert = _GITHUB_ALERT.match(text, start, end) if callouts else None
            if alert is not None:
                # GitHub's "> [!NOTE]" line names the alert, as an admonition's title does: searched, never quoted.
                units.append(Unit("heading", start, alert.end(), group))
                start = alert.end()
                while start < end and text[start] in "> \t\n":
                    start += 1
            units.extend(Unit("sentence", *span, shared) for span in sentence_spans(text[start:end], start))
        elif token.type == "html_block" and not is_html_comment(token.content):
            # Its words are searched, but raw HTML (a widget, a <details> list) is never the quote.
            units.append(Unit("html", *lines.span(*token.map), group))
    return [unit for unit in units if unit.start < unit.end]


def _is_only_a_link(markdown: str) -> bool:
    """Whether inline `markdown` is one link and nothing else, white space aside."""
    children = [
        child
        for child in (PARSER.parseInline(markdown)[0].children or [])
        if not (child.type == "text" and not child.content.strip()) and child.type not in ("softbreak", "hardbreak")
    ]
    return (
        len(children) >= 2
        and children[0].type == "link_open"
        and children[-1].type == "link_close"
        and sum(child.type == "link_open" for child in children) == 1
    )


def _after_marker(text: str, start: int, end: int) -> int:
    """Where a list item's text starts: after its "-", "*", "+" or "1." marker and the spaces after it."""
    position = start
    while position < end and not text[position].isspace():
        position += 1
    while position < end and text[position].isspace():
        position += 1
    return position if position < end else start


def _long_unit(
    kind: UnitKind, text: str, start: int, end: int, sentence_spans: SentenceSpans, group: int
) -> list[Unit]:
    """A unit, or its sentences when it is longer than MAX_UNIT_CHARS."""
    if end - start <= MAX_UNIT_CHARS:
        return [Unit(kind, start, end, group)]
    return [Unit("sentence", *span, group) for span in sentence_spans(text[start:end], start)]


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    for line in text[start:end].split("\n"):
        spans.append(trimmed(text, position, position + len(line)))
        position += len(line) + 1
    return [span for span in spans if span[0] < span[1]]


# A heading's attribute list, which Docusaurus ("{#custom-id}"), MkDocs' attr_list ("{ #id .class }", "{: #id }")
# and Pandoc ("{.unnumbered}") read as its anchor and classes: it is no part of the title.
# No leading "\s*": before a brace that isn't there, it would make the search quadratic in a line of spaces.
_HEADING_ATTRIBUTES = re.compile(r"\{:?\s*[#.][^{}]*\}\s*$")


def heading_attributes(line: str) -> tuple[int, int] | None:
    """Where a heading line's attribute list is ("## Install {#setup}" -> the span of "{#setup}"), if it has one."""
    attributes = _HEADING_ATTRIBUTES.search(line)
    return None if attributes is None else (attributes.start(), attributes.end())


def heading_title(text: str) -> str:
    """A heading's text without its attribute list: "Install {#setup}" -> "Install"."""
    attributes = heading_attributes(text)
    return text if attributes is None else text[: attributes[0]].rstrip()


def searchable_text(markdown: str) -> str:
    """The words of `markdown` a question may match: its text without link targets, URLs, comments or markup."""
    tokens = PARSER.parse(markdown)
    return "\n".join(
        _searchable_parts(tokens, range(len(tokens)), lambda position: inline_text(tokens[position].children or []))
    )


def searchable_texts(
    text: str, parsed: ParsedBlocks, blocks: Sequence[Block], spans: Sequence[tuple[int, int]]
) -> list[str]:
    """`searchable_text` of each `text[start:end]` of `spans`, read off the document's own parse where it can be.

    `blocks` are `markdown_blocks(text, parsed=parsed)`. A span of whole blocks, as nearly every passage is,
    takes the words of their tokens, and their inline markup is parsed once for the document (on a page of
    30,000 short sections, parsing each passage again was a third of the build). Link references then read as
    links wherever they are defined. A span that cuts a block (a paragraph cut between sentences) is parsed alone.
    """
    starts = [block.start for block in blocks]
    texts: list[str] = []
    for start, end in spans:
        first = bisect_left(starts, start)
        last = bisect_left(starts, end) - 1
        if first <= last and blocks[first].start == start and blocks[last].end == end:
            positions = range(blocks[first].tokens[0], blocks[last].tokens[1])
            texts.append("\n".join(_searchable_parts(parsed.tokens, positions, parsed.inline_words)))
        else:
            texts.append(searchable_text(text[start:end]))
    return texts


def _searchable_parts(tokens: Sequence[Token], positions: range, inline_words: Callable[[int], str]) -> Iterator[str]:
    """The searchable words of `tokens[positions]`, a part per block; `inline_words(position)` reads inline markup."""
    in_heading = False
    for position in positions:
        token = tokens[position]
        part = ""
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline":
            words = inline_words(position)
            part = heading_title(words) if in_heading else words
        elif token.type in ("fence", "code_block"):
            part = token.content
        elif token.type == "html_block":
            part = html_text(token.content)
        elif token.type == "container_admonition_open":
            part = token.info  # "tip[Title]": the kind and title
        if part:
            yield part


def inline_searchable_text(markdown: str, env: dict[str, Any] | None = None) -> str:
    """`searchable_text` of a span inside a block (a sentence, a list item, a table row, a heading's text).

    `env` is the document's, as `BLOCK_PARSER.parse` filled it: reference links then read as links.
    """
    tokens = PARSER.parseInline(markdown, env)
    return inline_text(tokens[0].children or []) if tokens else ""


def unit_searchable_text(markdown: str, kind: UnitKind) -> str:
    """The words of a unit (see `quote_units`) a question may match: code as it is, HTML without its tags."""
    if kind == "code":
        return markdown
    if kind == "html":
        return html_text(markdown)
    if kind == "heading":
        return heading_title(inline_searchable_text(markdown))
    return inline_searchable_text(markdown)


def inline_text(children: list[Token]) -> str:
    """The text of inline tokens: link and image text kept, targets, HTML and markers dropped."""
    parts: list[str] = []
    in_autolink = 0
    for child in children:
        if child.type == "link_open" and child.markup == "autolink":
            in_autolink += 1
        elif child.type == "link_close" and child.markup == "autolink":
            in_autolink -= 1
        elif in_autolink:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(inline_text(child.children or []))
        elif child.type == "myst_role":
            parts.append(role_text(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


# A MyST role's "text <target>": the text is what a reader sees.
_ROLE_TARGET = re.compile(r"^(?P<text>.*?\S)\s*<[^<>]*>$", re.DOTALL)


def role_text(content: str) -> str:
    """The words a MyST role shows: {ref}`Requirements files <requirements-files>` shows "Requirements files",
    {file}`setup.py` "setup.py"."""
    target = _ROLE_TARGET.match(content)
    return target.group("text") if target else content


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """The text of an HTML fragment, without its tags and comments."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
