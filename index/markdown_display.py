"""Markdown as a reader sees it: where a passage's inline markup is, so it can be shown without it.

A passage stays a slice of its document, markup and all, and its quote is a
span of that slice. To show it, the markers a rendered page hides are taken
out: emphasis markers (`**default**` reads "default"), a link's brackets and
target (`[edit_uri](#edit_uri)` reads "edit_uri"), an image's markup around
its text, the angle brackets of an autolink, the backslash of an escape,
inline HTML, comments (and a block that is only a comment, as API docs put
"<!-- YAML added: v0.1.29 -->" under each heading), and a heading's attribute
list (`{#setup}`); a MyST role reads as its text ({ref}`Files <files>` reads "Files"). Code spans keep their
backticks, and code blocks,
headings' `#`, list markers and table pipes are left as they are: they tell a
reader what the text is.

The markup is found by markdown-it-py, not by patterns: its inline tokens are
aligned with the source in order, and only what the parser calls markup is
hidden. What can't be aligned is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

from index.markdown import DISPLAY_PARSER, LineOffsets, heading_attributes, is_html_comment, role_text

_SPACE = " \t\n"


class _EveryLabel(dict[str, Any]):
    """Link references in which every label is defined: a passage is parsed without its document's definitions.

    `[docs_dir][]` and `[docs_dir]` then read as the links they are on the page.
    """

    def get(self, key: object, default: object = None) -> dict[str, str]:
        return {"href": "", "title": ""}


def hidden_markup(markdown: str, opening: str = "") -> list[tuple[int, int]]:
    """The spans of `markdown` that are inline markup a rendered page doesn't show, in order, never overlapping.

    `opening` is what `index.markdown.block_openings` gives a passage that starts inside a block (a table's
    header, a code fence): the passage is read after it, as part of that block.
    """
    if opening:
        shift = len(opening)
        return [(max(start - shift, 0), end - shift) for start, end in hidden_markup(opening + markdown) if end > shift]
    lines = LineOffsets(markdown)
    aligner = _Aligner(markdown)
    in_heading = False
    for token in DISPLAY_PARSER.parse(markdown, {"references": _EveryLabel()}):
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        if token.type == "html_block" and token.map is not None and is_html_comment(token.content):
            aligner.hide_lines(lines, token.map[0], token.map[1])
        if token.type != "inline" or not token.children:
            continue
        if token.map is not None and token.map[0] < lines.count:
            aligner.cursor = max(aligner.cursor, lines.start(token.map[0]))
        aligner.align(token.children)
        if in_heading and token.map is not None and token.map[0] < lines.count:
            aligner.hide_attributes(lines, token.map[0])
    return aligner.hidden


def shown(text: str, hidden: Sequence[tuple[int, int]], start: int, end: int) -> tuple[str, int, int]:
    """`text` without its `hidden` spans, and where `text[start:end]` went in it."""
    parts: list[str] = []
    kept = 0
    shown_start = shown_end = None
    position = 0
    for hidden_start, hidden_end in [*hidden, (len(text), len(text))]:
        if shown_start is None and start <= hidden_start:
            shown_start = kept + max(start - position, 0)
        if shown_end is None and end <= hidden_start:
            shown_end = kept + max(end - position, 0)
        parts.append(text[position:hidden_start])
        kept += hidden_start - position
        position = hidden_end
    return "".join(parts), shown_start or 0, shown_end if shown_end is not None else kept


class _Aligner:
    """Walks inline tokens along the source, recording the markup they stand for."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor = 0
        self.hidden: list[tuple[int, int]] = []

    def align(self, children: Sequence[Token]) -> bool:
        """Align `children` from the cursor; False (and the rest shown as written) where they can't be."""
        return all(self._align_one(child) for child in children)

    def _align_one(self, token: Token) -> bool:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            return True
        if kind == "text":
            return self._skip(token.content)
        if kind == "text_special":
            found = self._find(token.markup)
            if found is None:
                return False
            if token.info == "escape":
                self._hide(found, found + 1)  # the backslash; the character it escapes is text
            self.cursor = found + len(token.markup)
            return True
        if kind == "code_inline":
            return self._skip_code_span(token.markup)
        if kind == "myst_role":
            return self._hide_role(token)
        if kind == "html_inline":
            return self._hide_next(token.content)
        if kind == "image":
            return self._hide_next("![") and self.align(token.children or []) and self._hide_link_end()
        if kind == "link_open":
            return self._hide_next("<" if token.markup == "autolink" else "[")
        if kind == "link_close":
            return self._hide_next(">") if token.markup == "autolink" else self._hide_link_end()
        if kind.endswith(("_open", "_close")) and token.markup:
            return self._hide_next(token.markup)  # emphasis: "**", "*", "__", "_", "~~"
        return False

    def hide_lines(self, lines: LineOffsets, first: int, end: int) -> None:
        """Hide lines `[first, end)` of the source, and the blank line after them if there is one."""
        if lines.start(first) < self.cursor:
            return
        if end < lines.count and not lines.line(end).strip():
            end += 1
        self._hide(lines.start(first), lines.start(end))

    def hide_attributes(self, lines: LineOffsets, number: int) -> None:
        """Hide the attribute list of the heading on line `number` ("{#setup}"), if it has one."""
        line_start = lines.start(number)
        found = heading_attributes(lines.line(number))
        if found is None:
            return
        start, end = line_start + found[0], line_start + found[1]
        while start > line_start and self.source[start - 1] in " \t":
            start -= 1
        # The parser read it as the heading's text: any markup found in it is part of it.
        while self.hidden and self.hidden[-1][1] > start:
            self.hidden.pop()
        self.hidden.append((start, end))
        self.cursor = max(self.cursor, end)

    def _find(self, text: str) -> int | None:
        found = self.source.find(text, self.cursor)
        return None if found < 0 else found

    def _skip(self, text: str) -> bool:
        found = self._find(text)
        if found is None:
            return False
        self.cursor = found + len(text)
        return True

    def _hide(self, start: int, end: int) -> None:
        if start < end:
            self.hidden.append((start, end))
        self.cursor = end

    def _hide_next(self, markup: str) -> bool:
        found = self._find(markup)
        if found is None:
            return False
        self._hide(found, found + len(markup))
        return True

    def _skip_code_span(self, backticks: str) -> bool:
        """Past a code span, backticks and all: it closes at the next run of exactly as many backticks."""
        opening = self._find(backticks)
        if opening is None:
            return False
        closing = re.compile(rf"(?<!`){re.escape(backticks)}(?!`)").search(self.source, opening + len(backticks))
        if closing is None:
            return False
        self.cursor = closing.end()
        return True

    def _hide_role(self, token: Token) -> bool:
        """Show a MyST role as its text: {ref}`Files <files>` reads "Files", {file}`setup.py` "setup.py"."""
        opening = self._find("{" + str(token.meta.get("name", "")) + "}")
        if opening is None:
            return False
        ticks = re.compile(r"`+").match(self.source, self.source.find("}", opening) + 1)
        if ticks is None:
            return False
        content_start = ticks.end()
        content_end = self.source.find(ticks.group(), content_start)
        if content_end < 0:
            return False
        shown_end = content_start + len(role_text(self.source[content_start:content_end]))
        self._hide(opening, content_start)
        self._hide(shown_end, content_end + len(ticks.group()))
        return True

    def _hide_link_end(self) -> bool:
        """Hide a link's "]" and what follows it: "(target "title")", a "[label]", or nothing."""
        bracket = self._find("]")
        if bracket is None:
            return False
        end = self._inline_target_end(bracket + 1) or self._label_end(bracket + 1) or bracket + 1
        self._hide(bracket, end)
        return True

    def _inline_target_end(self, position: int) -> int | None:
        """The end of "(destination "title")" at `position`, if one is there."""
        source, limit = self.source, len(self.source)
        if not source.startswith("(", position):
            return None
        position = self._past_space(position + 1)
        if source.startswith(")", position):
            return position + 1
        destination = parseLinkDestination(source, position, limit)
        if not destination.ok:
            return None
        position = self._past_space(destination.pos)
        title = parseLinkTitle(source, position, limit)
        if title.ok:
            position = self._past_space(title.pos)
        return position + 1 if source.startswith(")", position) else None

    def _label_end(self, position: int) -> int | None:
        """The end of a reference's "[label]" (or "[]") at `position`, if one is there."""
        if not self.source.startswith("[", position):
            return None
        closing = self.source.find("]", position + 1)
        return None if closing < 0 else closing + 1

    def _past_space(self, position: int) -> int:
        while position < len(self.source) and self.source[position] in _SPACE:
            position += 1
        return position
