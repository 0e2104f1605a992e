"""The Markdown sections of a document: where each heading opens one, and its heading path.

The document is parsed with markdown-it-py (CommonMark, tables, YAML front
matter, admonitions), so a "# comment" line in a fenced code block or a front-matter line
is never taken for a heading. A section's path is its heading and those above
it: "Configuration › search › min_search_length".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml
from markdown_it.token import Token

from index.markdown import BLOCK_PARSER, LineOffsets, ParsedBlocks, heading_title, parse_blocks

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
PATH_SEPARATOR = " › "


@dataclass(frozen=True, slots=True)
class Sections:
    """Heading paths of one document, by the character offset where each section opens."""

    starts: tuple[int, ...]
    paths: tuple[str, ...]

    def path_at(self, offset: int) -> str:
        """The heading path of the section holding `offset`; "" before the first heading."""
        position = bisect.bisect_right(self.starts, offset) - 1
        return self.paths[position] if position >= 0 else ""


NO_SECTIONS = Sections((), ())


def is_markdown(doc_id: str) -> bool:
    return doc_id.lower().endswith(MARKDOWN_SUFFIXES)


def is_mdx(doc_id: str) -> bool:
    """Whether a document is MDX, Markdown with JSX and `import` statements (Docusaurus)."""
    return doc_id.lower().endswith(".mdx")


def markdown_sections(text: str, parsed: ParsedBlocks | None = None) -> Sections:
    """Where each heading of `text` opens a section, with its heading path.

    A front-matter `title` over a body without a level-1 heading is the page's heading, as Docusaurus shows it:
    it opens the body and heads every path ("Installing › Requirements"). `parsed` is `parse_blocks(text)`,
    when the caller has it.
    """
    lines = LineOffsets(text)
    parsed = parsed or parse_blocks(text)
    tokens = parsed.tokens
    headings: list[tuple[int, int, str]] = []  # (offset, level, title) of the document's own headings
    for number, token in enumerate(tokens):
        # Only a document's own headings open sections, not one quoted in a block quote or a list.
        if token.type != "heading_open" or token.map is None or token.level != 0:
            continue
        title = " ".join(heading_title(parsed.inline_words(number + 1)).split())
        headings.append((lines.start(token.map[0]), int(token.tag[1:]), title))
    front_matter = read_front_matter(text, tokens)
    if front_matter.title and all(level > 1 for _, level, _ in headings):
        headings.insert(0, (front_matter.body_start, 1, front_matter.title))
    starts: list[int] = []
    paths: list[str] = []
    open_headings: list[tuple[int, str]] = []  # (level, title) of the headings above
    for offset, level, title in headings:
        open_headings = [(above, name) for above, name in open_headings if above < level]
        open_headings.append((level, title))
        starts.append(offset)
        paths.append(PATH_SEPARATOR.join(name for _, name in open_headings if name))
    return Sections(tuple(starts), tuple(paths))


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the YAML front matter opening a document says, and where the document's body starts."""

    title: str | None
    body_start: int
    """Offset of the first line after the front matter; 0 when there is none."""


# A line that may close front matter: dashes (at least as many as open it, markdown-it checks) or YAML's "...".
_FRONT_MATTER_CLOSE = re.compile(r"^(?:-{3,}|\.\.\.)[ \t]*$", re.MULTILINE)


def _front_matter_tokens(text: str) -> list[Token]:
    """`BLOCK_PARSER`'s tokens of `text`, or of its lines up to the first that may close its front matter.

    Reading a page's title parsed the whole page, a second time before the build's own parse. When the front
    matter closes on that line, markdown-it, reading line by line, finds the same front matter in the whole text;
    when it doesn't (a shorter closing line, say), the whole text is parsed.
    """
    opening_end = text.find("\n")
    closing = _FRONT_MATTER_CLOSE.search(text, opening_end + 1) if opening_end >= 0 else None
    if closing is not None:
        closing_end = text.find("\n", closing.end())
        tokens = BLOCK_PARSER.parse(text if closing_end < 0 else text[: closing_end + 1])
        if tokens and tokens[0].type == "front_matter":
            return tokens
    return BLOCK_PARSER.parse(text)


def read_front_matter(text: str, tokens: Sequence[Token] | None = None) -> FrontMatter:
    """The front matter at the start of `text` (after a byte-order mark), read as YAML.

    `tokens`, when the caller has them, are `BLOCK_PARSER`'s tokens of `text`: the document isn't parsed again.
    """
    skipped = len(text) - len(text.lstrip("\ufeff"))
    if not text.startswith("---", skipped):
        return FrontMatter(None, 0)  # no front matter: skip parsing the whole document
    if tokens is None or skipped:
        tokens = _front_matter_tokens(text[skipped:])  # markdown-it finds no front matter behind a byte-order mark
    if not tokens or tokens[0].type != "front_matter" or tokens[0].map is None:
        return FrontMatter(None, 0)
    lines = text[skipped:].split("\n")
    body_start = skipped + sum(len(line) + 1 for line in lines[: tokens[0].map[1]])
    try:
        fields = yaml.safe_load(tokens[0].content)
    except yaml.YAMLError:
        return FrontMatter(None, body_start)  # malformed: the title comes from elsewhere
    title = fields.get("title") if isinstance(fields, dict) else None
    return FrontMatter(" ".join(title.split()) or None if isinstance(title, str) else None, body_start)
