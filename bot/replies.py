"""Answers rendered as text, the way the bot shows them. Pure: no discord import.

Document text is escaped so that Markdown in a document can't break the
reply's layout; the quote is then set in bold.
"""

from __future__ import annotations

import re

from index.answers import Answer, RankedPassage

# Markdown that Discord only reads at the start of a line.
_LINE_START_MARKUP = re.compile(r"^(\s*)([-+*>#]|\d+\.)", re.MULTILINE)
_ZERO_WIDTH_SPACE = "\u200b"
_MENTION = re.compile(r"@(everyone|here|[!&]?\d)")

NOT_FOUND = "I couldn't find an answer to that in the documents."
NO_TERMS = "That question has no words I can search for. Try asking with a few keywords."


def escape_markdown(text: str) -> str:
    """Escape Discord Markdown so document text shows literally."""
    escaped = re.sub(r"([\\*_`~|])", r"\\\1", text)
    escaped = _LINE_START_MARKUP.sub(lambda match: match.group(1) + "\\" + match.group(2), escaped)
    return _MENTION.sub(lambda match: "@" + _ZERO_WIDTH_SPACE + match.group(1), escaped)


def source_line(ranked: RankedPassage) -> str:
    """"Title (doc.md), passage n of m"."""
    passage = ranked.passage
    return f"{ranked.title} ({passage.doc_id}), passage {passage.ordinal} of {ranked.passage_total}"


def passage_with_bold_quote(ranked: RankedPassage) -> str:
    """The passage, escaped, with its quote sentences in bold."""
    text = ranked.passage.text
    before = escape_markdown(text[: ranked.quote_start])
    quote = escape_markdown(ranked.quote)
    after = escape_markdown(text[ranked.quote_end :])
    return f"{before}**{quote}**{after}" if quote.strip() else before + after


def render_answer_text(answer: Answer) -> str:
    """The whole answer as one block of Discord-flavoured text."""
    if not answer.found:
        lines = [NO_TERMS if answer.verdict == "no-terms" else NOT_FOUND]
        if answer.hint is not None:
            lines += ["", "The closest passage I have:", "", _quote_block(answer.hint), f"— {source_line(answer.hint)}"]
        return "\n".join(lines)
    blocks = []
    for number, ranked in enumerate(answer.passages, start=1):
        heading = "Best answer" if number == 1 else f"Also relevant ({number})"
        blocks.append(f"{heading}: {source_line(ranked)}\n{_quote_block(ranked)}")
    return "\n\n".join(blocks)


def _quote_block(ranked: RankedPassage) -> str:
    return "\n".join(f"> {line}" for line in passage_with_bold_quote(ranked).split("\n"))
