"""What quotebot says, as a neutral reply model and as text. Pure: no discord import.

Every reply is first built as a `Reply` (title, description, fields,
footer, buttons) that already fits Discord's embed limits. The bot turns
it into an embed (`bot.embeds`); `quotebot chat` prints it with
`render_reply_text`, so the terminal shows exactly what Discord would.

Document text is escaped so that Markdown in a document can't break the
reply's layout, and mentions are neutralized (on top of every message
being sent with no allowed mentions). Text that has to be shortened is cut
at a sentence boundary, else between words, and ends with a visible mark.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.wording import counted, moment
from index.answers import Answer, RankedPassage
from index.markdown_display import hidden_markup, shown
from index.passage_index import DocumentInfo, PassageIndex
from index.passages import Passage
from index.sections import PATH_SEPARATOR as SECTION_SEPARATOR

if TYPE_CHECKING:
    # Only named here: the index service brings the knowledge base, and SQLAlchemy with it, into `quotebot ask`.
    from bot.index_service import ReindexReport
    from insights.answer_log import GapsReport

# Discord's embed limits, in characters.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
MAX_FIELDS = 25
MESSAGE_LIMIT = 2000

CUT_MARK = " [… cut]"
QUESTION_FOOTER = "Question: "
"""How an answer's footer starts; the buttons read the question back from it."""
MORE_PASSAGES = "More passages"

NOT_FOUND = "I couldn't find an answer to that in the documents."
NO_TERMS = "That question has no words I can search for. Try asking with a few keywords."

# Markdown that Discord only reads at the start of a line: lists, quotes, headings, subtext.
_LINE_START_MARKUP = re.compile(r"^(\s*)([-+*>#]|\d+\.)", re.MULTILINE)
_ZERO_WIDTH_SPACE = "\u200b"
_MENTION = re.compile(r"@(everyone|here|[!&]?\d)")
# Where a sentence ends: after . ! ? … (and closing quotes or brackets), before white space.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")
_WORD_END = re.compile(r"\S(?=\s)")

Tone = Literal["answer", "not-found", "info", "success", "error"]


@dataclass(frozen=True, slots=True)
class ReplyField:
    """A named block under the description, such as the source of a quote."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """One message of quotebot's, independent of how it is shown."""

    title: str
    description: str
    fields: tuple[ReplyField, ...] = ()
    footer: str = ""
    tone: Tone = "info"
    buttons: tuple[str, ...] = ()
    """Labels of the buttons under the message, e.g. "More passages"."""

    @property
    def size(self) -> int:
        """Characters that count towards Discord's 6000 per embed."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(field.name) + len(field.value) for field in self.fields)
        )


# --- cutting text to size -------------------------------------------------------------------------


def clip(text: str, limit: int, mark: str = CUT_MARK) -> str:
    """`text` if it fits in `limit` characters, else cut at a sentence end (else a word end) plus `mark`."""
    if len(text) <= limit:
        return text
    budget = limit - len(mark)
    if budget <= 0:
        return mark.strip()[:limit]
    return text[: _cut_point(text, budget)].rstrip() + mark


def _cut_point(text: str, budget: int) -> int:
    """The longest prefix of at most `budget` characters that ends a sentence, else a word.

    A sentence end is used only when it keeps at least half the budget, so a
    long sentence isn't thrown away for the sake of a neat cut.
    """
    window = text[: budget + 1]
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(window) if match.end() <= budget]
    if sentence_ends and sentence_ends[-1] >= budget // 2:
        return sentence_ends[-1]
    word_ends = [match.end() for match in _WORD_END.finditer(window) if match.end() <= budget]
    if word_ends:
        return word_ends[-1]
    # One word longer than the whole budget: nothing better than a hard cut.
    return budget


def clip_escaped(raw: str, limit: int) -> str:
    """`raw` escaped as Markdown within `limit` characters, cut before escaping so no escape is split."""
    escaped = escape_markdown(raw)
    budget = limit
    while len(escaped) > limit and budget > 0:
        # Escaping can only lengthen the text: shrink the raw budget until the escaped form fits.
        budget = min(budget, len(raw)) - max(1, (len(escaped) - limit) // 2)
        escaped = escape_markdown(clip(raw, max(budget, 0)))
    return escaped


def clip_lines(lines: Sequence[str], limit: int, more: str = "… and {count} more") -> str:
    """Whole lines joined by newlines within `limit`, ending with "… and N more" when some don't fit."""
    kept: list[str] = []
    for number, line in enumerate(lines):
        rest = len(lines) - number - 1
        tail = "\n" + more.format(count=rest) if rest else ""
        candidate = "\n".join([*kept, line])
        if len(candidate) + len(tail) > limit:
            note = more.format(count=len(lines) - len(kept))
            return "\n".join([*kept, note]) if kept or len(note) <= limit else clip(note, limit)
        kept.append(line)
    return "\n".join(kept)


# --- escaping -------------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Escape Discord Markdown so document text shows literally, and neutralize mentions."""
    escaped = re.sub(r"([\\*_`~|\[\]<>])", r"\\\1", text)
    escaped = _LINE_START_MARKUP.sub(lambda match: match.group(1) + "\\" + match.group(2), escaped)
    return neutralize_mentions(escaped)


def neutralize_mentions(text: str) -> str:
    """Break `@everyone`, `@here` and `<@id>`-style mentions with a zero-width space."""
    return _MENTION.sub(lambda match: "@" + _ZERO_WIDTH_SPACE + match.group(1), text)


def plain(text: str) -> str:
    """Text for places Discord shows without Markdown (titles of buttons, footers): mentions only."""
    return neutralize_mentions(" ".join(text.split()))


# --- answers --------------------------------------------------------------------------------------


def source_line(ranked: RankedPassage) -> str:
    """ "Title › Section (doc.md), passage n of m", the section being the passage's Markdown heading path."""
    passage = ranked.passage
    where = ranked.title
    section = ranked.section
    # A page's first heading is usually its title: "Title › Title › Install" says it twice.
    head, _, rest = section.partition(SECTION_SEPARATOR)
    if head.strip().casefold() == ranked.title.strip().casefold():
        section = rest
    if section.strip():
        where += SECTION_SEPARATOR + section.strip()
    return f"{where} ({passage.doc_id}), passage {passage.ordinal} of {ranked.passage_total}"


def source_field(ranked: RankedPassage) -> ReplyField:
    """The "Source" field: the source line, and the web page it came from as a link."""
    value = clip_escaped(source_line(ranked), FIELD_VALUE_LIMIT)
    link = linkable_url(ranked.source_url)
    if link is not None and len(value) + 1 + len(link) <= FIELD_VALUE_LIMIT:
        value += "\n" + link
    return ReplyField("Source", value)


def linkable_url(url: str | None) -> str | None:
    """An http(s) URL Discord shows as a link and never as Markdown, or None for anything else."""
    if not url or not url.lower().startswith(("http://", "https://")) or len(url) > 1000:
        return None
    # What Markdown or Discord's link parser would read as markup is percent-encoded: still the same page.
    quoted = urllib.parse.quote(url, safe=_LINK_SAFE)
    return quoted.replace("_", "%5F").replace("~", "%7E")


_LINK_SAFE = ":/?#@!$&+,;=%"


def passage_with_bold_quote(ranked: RankedPassage, limit: int | None = None) -> str:
    """The passage, escaped, with its quote sentences in bold, as a block quote within `limit`.

    Bold is applied line by line and never wraps white space, so the markup
    holds whatever the document contains. When the passage is too long, its
    end is cut at a sentence boundary (keeping the quote when it can).
    """
    text, quote_start, quote_end = shown_passage(
        ranked.passage.text, ranked.markdown, ranked.quote_start, ranked.quote_end, ranked.opening
    )
    rendered = _quote_block(text, quote_start, quote_end)
    end = len(text)
    while limit is not None and len(rendered) > limit:
        if end <= 1:
            return clip(CUT_MARK.strip(), limit)
        overflow = len(rendered) - limit
        end = _cut_point(text, max(1, min(end - 1, end - overflow)))
        kept = text[:end].rstrip()
        rendered = _quote_block(kept, quote_start, min(quote_end, len(kept))) + CUT_MARK
    return rendered


def shown_passage(
    text: str, markdown: bool, quote_start: int = 0, quote_end: int = 0, opening: str = ""
) -> tuple[str, int, int]:
    """A passage's text as a reader should see it, and where its quote went: Markdown without its inline markup.

    `opening` is `RankedPassage.opening`: a passage cut from a table or code block is read as part of it.
    """
    if not markdown:
        return text, quote_start, quote_end
    return shown(text, hidden_markup(text, opening), quote_start, quote_end)


def _quote_block(text: str, quote_start: int, quote_end: int) -> str:
    """`text` escaped as "> " lines, with [quote_start, quote_end) in bold."""
    lines = []
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        bold_start = max(quote_start, line_start) - line_start
        bold_end = min(quote_end, line_end) - line_start
        if bold_start < bold_end and line[bold_start:bold_end].strip():
            inner = line[bold_start:bold_end]
            # "** text**" doesn't render as bold: keep the spaces outside the markers.
            lead = len(inner) - len(inner.lstrip())
            trail = len(inner) - len(inner.rstrip())
            bold_start, bold_end = bold_start + lead, bold_end - trail
            rendered = (
                escape_markdown(line[:bold_start])
                + "**"
                + escape_markdown(line[bold_start:bold_end])
                + "**"
                + escape_markdown(line[bold_end:])
            )
        else:
            rendered = escape_markdown(line)
        lines.append("> " + rendered if rendered.strip() else ">")
    return "\n".join(lines)


def answer_reply(answer: Answer, page: int = 0) -> Reply:
    """Page `page` (0 = best) of an answer, or the honest "not found" with the closest passage as a hint."""
    footer = QUESTION_FOOTER + plain(answer.question)
    if not answer.found:
        title = "No answer in the documents"
        message = NO_TERMS if answer.verdict == "no-terms" else NOT_FOUND
        fields: tuple[ReplyField, ...] = ()
        if answer.hint is not None:
            fields = (source_field(answer.hint),)
            message += "\n\nThe closest passage I have:\n"
            room = description_room(title, fields, footer) - len(message)
            message += passage_with_bold_quote(answer.hint, room)
        return fit(Reply(title, message, fields, footer, tone="not-found"))
    page = max(0, min(page, len(answer.passages) - 1))
    ranked = answer.passages[page]
    total = len(answer.passages)
    title = "Best answer" if page == 0 else f"Also relevant ({page + 1} of {total})"
    footer += f" · confidence {answer.confidence:.0%}"
    fields = (source_field(ranked),)
    buttons = (MORE_PASSAGES,) if page + 1 < total else ()
    searched = f"{answer.searched_for}\n\n" if answer.searched_for else ""  # "Searched for **Blinken**"
    description = searched + passage_with_bold_quote(ranked, description_room(title, fields, footer) - len(searched))
    return fit(Reply(title, description, fields, footer, tone="answer", buttons=buttons))


def description_room(title: str, fields: Sequence[ReplyField], footer: str) -> int:
    """How long a description may be beside these parts: 4096, or less when they leave less of the 6000.

    A description built to this size is never cut again by `fit`, so its bold markers stay paired.
    """
    return min(DESCRIPTION_LIMIT, TOTAL_LIMIT - fit(Reply(title, "", tuple(fields), footer)).size)


def passage_reply(document: DocumentInfo, passage: Passage) -> Reply:
    """One passage in full, with where it comes from."""
    return fit(
        Reply(
            clip_escaped(" ".join(document.title.split()), TITLE_LIMIT),
            _quote_block(shown_passage(passage.text, document.markdown, opening=document.opening_of(passage))[0], 0, 0),
            (
                ReplyField(
                    "Source", clip_escaped(f"{document.doc_id}, {ordinal_of(passage, document)}", FIELD_VALUE_LIMIT)
                ),
            ),
            tone="info",
        )
    )


def ordinal_of(passage: Passage, document: DocumentInfo) -> str:
    """ "passage n of m"."""
    return f"passage {passage.ordinal} of {document.passage_count}"


def sources_reply(index: PassageIndex, own_doc_ids: Collection[str] | None = None) -> Reply:
    """The indexed documents, their passage counts and the time of the last refresh.

    With `own_doc_ids` (in a server with documents of its own), the server's documents and the shared corpus
    are listed apart.
    """

    def line(document: DocumentInfo) -> str:
        return (
            f"• **{clip_escaped(document.title, 200)}** ({clip_escaped(document.doc_id, 200)}): "
            f"{counted(document.passage_count, 'passage')}"
        )

    documents = list(index.documents.values())
    if own_doc_ids is None:
        description = clip_lines([line(d) for d in documents], DESCRIPTION_LIMIT, "… and {count} more documents")
    else:
        own = [line(d) for d in documents if d.doc_id in own_doc_ids]
        shared = [line(d) for d in documents if d.doc_id not in own_doc_ids]
        room = DESCRIPTION_LIMIT // 2 - 40
        description = (
            "**This server's documents**\n"
            + (clip_lines(own, room, "… and {count} more documents") if own else "none yet (`/docs add`)")
            + "\n\n**Shared corpus**\n"
            + (clip_lines(shared, room, "… and {count} more documents") if shared else "not used in this server")
        )
    refreshed = moment(index.built_at)
    when = "unknown" if refreshed is None else f"<t:{int(index.built_at)}:f> ({refreshed:%Y-%m-%d %H:%M} UTC)"
    return fit(
        Reply(
            f"{counted(len(index.documents), 'document')}, {counted(len(index.passages), 'passage')}",
            description,
            (ReplyField("Last refresh", when),),
            tone="info",
        )
    )


def help_reply(cooldown_seconds: float = 0.0) -> Reply:
    """What quotebot does and how to ask it."""
    cooldown = f"\nYou can ask one question every {cooldown_seconds:g} s." if cooldown_seconds > 0 else ""
    return Reply(
        "quotebot",
        "I answer questions about a set of documents by quoting the passage that answers them, "
        "with the key sentence in **bold** and its source. When the documents don't hold the answer, "
        "I say so.\n\n"
        "**Ask me**\n"
        "• `/ask question:` (add `private: True` to see the answer alone)\n"
        "• mention me: `@quotebot who won the race?`\n"
        "• send me a direct message, or reply to one of my answers with a follow-up question\n"
        "• right-click a message → Apps → **Ask quotebot**\n\n"
        "**Look around**\n"
        "• `/sources`: the documents I know, and when they were last read\n"
        "• `/passage document: number:`: one passage in full\n"
        "• **More passages** under an answer shows the next best ones (only for whoever asked)\n\n"
        "**Moderators**\n"
        "• `/reindex`: re-read the documents without restarting me\n"
        "• `/docs add`, `/docs remove`, `/docs list`: this server's own documents (a file or a web page)\n"
        "• `/autoanswer set`, `/autoanswer list`: answer questions in a channel or forum without a mention\n"
        "• `/gaps`: the questions nobody could answer, and the answers marked 👎" + cooldown,
        tone="info",
    )


def notice_reply(title: str, message: str, tone: Tone = "error") -> Reply:
    """A short message, e.g. an error or a refusal."""
    return fit(Reply(clip(plain(title), TITLE_LIMIT), clip(message, DESCRIPTION_LIMIT), tone=tone))


def fit(reply: Reply) -> Reply:
    """`reply` within every embed limit: each part on its own, then 6000 in total.

    The description gives way first; if the other parts alone are over 6000, the last fields are cut, then dropped.
    """
    fields = [
        ReplyField(clip(field.name, FIELD_NAME_LIMIT), clip(field.value, FIELD_VALUE_LIMIT), field.inline)
        for field in reply.fields[:MAX_FIELDS]
    ]
    title = clip(reply.title, TITLE_LIMIT)
    footer = clip(reply.footer, FOOTER_LIMIT)
    description = clip(reply.description, DESCRIPTION_LIMIT)

    def shaped() -> Reply:
        return Reply(title, description, tuple(fields), footer, reply.tone, reply.buttons)

    excess = shaped().size - TOTAL_LIMIT
    if excess > 0:
        description = clip(description, max(len(description) - excess, len(CUT_MARK)))
    while fields and shaped().size > TOTAL_LIMIT:
        last = fields.pop()
        room = TOTAL_LIMIT - shaped().size - len(last.name)
        if room > len(CUT_MARK):
            fields.append(ReplyField(last.name, clip(last.value, room), last.inline))
    return shaped()


# --- text rendering -------------------------------------------------------------------------------


def render_reply_text(reply: Reply) -> str:
    """A reply as the text of a Discord message (Markdown), the way `quotebot chat` shows it."""
    parts = [f"**{reply.title}**" if reply.title else "", reply.description]
    parts += [f"**{field.name}:** {field.value}" for field in reply.fields]
    if reply.footer:
        parts.append(f"-# {reply.footer}")
    if reply.buttons:
        parts.append(" ".join(f"[{label}]" for label in reply.buttons))
    return "\n".join(part for part in parts if part)


def render_answer_text(answer: Answer) -> str:
    """The whole answer as one block of Discord-flavoured text (every passage, for `quotebot ask`)."""
    if not answer.found:
        lines = [NO_TERMS if answer.verdict == "no-terms" else NOT_FOUND]
        if answer.hint is not None:
            lines += [
                "",
                "The closest passage I have:",
                "",
                passage_with_bold_quote(answer.hint),
                f"— {source_line(answer.hint)}",
            ]
        return "\n".join(lines)
    blocks = [answer.searched_for] if answer.searched_for else []
    for number, ranked in enumerate(answer.passages, start=1):
        heading = "Best answer" if number == 1 else f"Also relevant ({number})"
        blocks.append(f"{heading}: {source_line(ranked)}\n{passage_with_bold_quote(ranked)}")
    return "\n\n".join(blocks)


# --- moderators -----------------------------------------------------------------------------------


def reindex_reply(report: ReindexReport) -> Reply:
    """What a reindex changed, the passage count and the time taken."""
    changes = report.changes

    def listing(doc_ids: tuple[str, ...]) -> str:
        return clip_lines([clip_escaped(doc_id, 200) for doc_id in doc_ids], FIELD_VALUE_LIMIT) or "none"

    fields = (
        ReplyField(f"Added ({len(changes.added)})", listing(changes.added), inline=True),
        ReplyField(f"Removed ({len(changes.removed)})", listing(changes.removed), inline=True),
        ReplyField(f"Changed ({len(changes.changed)})", listing(changes.changed), inline=True),
    )
    if report.warnings:
        fields += (ReplyField("Warnings", clip_lines([clip_escaped(w, 300) for w in report.warnings], 1024)),)
    summary = (
        f"{counted(report.document_count, 'document')}, {counted(report.passage_count, 'passage')} "
        f"(before: {report.previous_passage_count}), "
        f"in {report.seconds:.2f} s."
    )
    if not changes.any:
        summary += " No document changed."
    if report.shared:
        summary = "A reindex was already running; this is its result.\n" + summary
    return fit(Reply("Index refreshed", summary, fields, tone="success"))


def reindex_failed_reply(reason: str) -> Reply:
    """A reindex that failed: the old index keeps serving."""
    return notice_reply(
        "Reindex failed",
        f"The old index is still answering questions. Why: {escape_markdown(reason)}",
        tone="error",
    )


GAPS_BAR_WIDTH = 16
GAPS_DAYS_SHOWN = 14


def gaps_reply(report: GapsReport) -> Reply:
    """/gaps: the questions nobody could answer, the answers people marked 👎, and the share answered."""
    period = f"the last {counted(report.days, 'day')}"
    if report.total == 0:
        return notice_reply("No questions yet", f"Nobody asked me anything here in {period}.", tone="info")
    share = report.answered_share or 0.0
    unanswered = report.total - report.answered
    description = (
        f"{counted(report.total, 'question')} in {period}: **{report.answered} answered ({share:.0%})**, "
        f"{unanswered} not answered."
    )
    fields = [
        ReplyField(
            "Most asked, not answered",
            clip_lines(
                [f"• {group.count}× {clip_escaped(group.example, 300)}" for group in report.unanswered_groups],
                FIELD_VALUE_LIMIT,
                "… and {count} more",
            )
            if report.unanswered_groups
            else "Every question was answered.",
        ),
        ReplyField(
            "Most 👎 answers",
            clip_lines(
                [
                    f"• 👎 {item.down} · 👍 {item.up}: {clip_escaped(item.question, 200)}"
                    + (f" ({clip_escaped(item.doc_id, 80)})" if item.doc_id else "")
                    for item in report.most_downvoted
                ],
                FIELD_VALUE_LIMIT,
                "… and {count} more",
            )
            if report.most_downvoted
            else "No answer got a 👎.",
        ),
        ReplyField("Per day (UTC): answered █, not answered ░", _per_day_chart(report)),
    ]
    return fit(Reply("Questions nobody could answer", description, tuple(fields), tone="info"))


def _per_day_chart(report: GapsReport) -> str:
    """A bar per day in a code block: what a chart shows, with no plotting library and in any client."""
    days = report.per_day[-GAPS_DAYS_SHOWN:]
    busiest = max((day.answered + day.unanswered for day in days), default=0) or 1
    lines = []
    for day in days:
        total = day.answered + day.unanswered
        answered_width = round(GAPS_BAR_WIDTH * day.answered / busiest)
        unanswered_width = round(GAPS_BAR_WIDTH * total / busiest) - answered_width
        bar = ("█" * answered_width + "░" * unanswered_width).ljust(GAPS_BAR_WIDTH)
        lines.append(f"{day.day:%m-%d} {bar} {day.answered:>3} {day.unanswered:>3}")
    earlier = len(report.per_day) - len(days)
    note = f"\n(the {counted(earlier, 'earlier day')} are in `quotebot gaps`)" if earlier else ""
    return "```\n" + "\n".join(lines) + "\n```" + note
