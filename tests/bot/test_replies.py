"""Replies: Discord's embed limits, cuts at sentence boundaries, Markdown and mentions made harmless."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.index_service import DocumentChanges, ReindexReport
from bot.replies import (
    CUT_MARK,
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    MORE_PASSAGES,
    NO_TERMS,
    NOT_FOUND,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    Reply,
    ReplyField,
    answer_reply,
    clip,
    clip_lines,
    escape_markdown,
    fit,
    passage_reply,
    passage_with_bold_quote,
    reindex_reply,
    render_answer_text,
    render_reply_text,
)
from index.answers import Answer, Correction, RankedPassage
from index.passage_index import DocumentInfo
from index.passages import Passage


def ranked(
    text: str, quote: str, *, doc_id: str = "doc.md", title: str = "A document", ordinal: int = 1
) -> RankedPassage:
    start = text.index(quote)
    return RankedPassage(Passage(doc_id, ordinal, 0, len(text), text), title, 4, 2.5, start, start + len(quote))


def answer(*passages: RankedPassage, question: str = "who won?") -> Answer:
    return Answer(question, found=True, verdict="answered", confidence=0.8, passages=passages)


def within_limits(reply: Reply) -> bool:
    return (
        len(reply.title) <= TITLE_LIMIT
        and len(reply.description) <= DESCRIPTION_LIMIT
        and len(reply.footer) <= FOOTER_LIMIT
        and all(len(field.value) <= FIELD_VALUE_LIMIT for field in reply.fields)
        and reply.size <= TOTAL_LIMIT
    )


def test_clip_keeps_short_text() -> None:
    """Text within the limit comes back unchanged, without a cut mark."""
    assert clip("Short. Text.", 50) == "Short. Text."


def test_clip_cuts_at_a_sentence_end_with_a_mark() -> None:
    """A long text ends at its last whole sentence that fits, followed by the cut mark."""
    text = "The first sentence is here. The second one is a little longer. The third never fits at all."
    clipped = clip(text, 75)
    assert clipped == "The first sentence is here. The second one is a little longer." + CUT_MARK
    assert len(clipped) <= 75


def test_clip_falls_back_to_a_word_end() -> None:
    """With no sentence end in reach, the cut falls between words, never inside one."""
    text = "one two three four five six seven eight nine ten eleven twelve"
    clipped = clip(text, 30)
    kept = clipped.removesuffix(CUT_MARK)
    assert clipped.endswith(CUT_MARK) and len(clipped) <= 30
    assert text.startswith(kept) and text[len(kept)] == " "


@given(st.text(alphabet=st.sampled_from("ab .!?\n"), max_size=400), st.integers(min_value=10, max_value=300))
def test_clip_never_exceeds_the_limit_nor_cuts_a_word(text: str, limit: int) -> None:
    """Any text clipped fits its limit, and what's kept ends at a word boundary of the original."""
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    if clipped != text:
        kept = clipped.removesuffix(CUT_MARK).rstrip()
        assert text.startswith(kept)
        if kept and all(len(word) < limit - len(CUT_MARK) for word in text.split()):
            assert text[len(kept)].isspace()


def test_clip_lines_says_how_many_were_left_out() -> None:
    """Whole lines only, then "… and N more" counting the ones that didn't fit."""
    lines = [f"document number {n}" for n in range(100)]
    joined = clip_lines(lines, 200)
    kept = joined.split("\n")
    assert len(joined) <= 200
    assert kept[-1] == f"… and {100 - (len(kept) - 1)} more"
    assert kept[:-1] == lines[: len(kept) - 1]


def test_markdown_is_escaped() -> None:
    """Bold, italics, code, spoilers, links, headings, lists and quotes in a document show literally."""
    escaped = escape_markdown("**bold** _it_ `code` ||spoiler|| [link](http://x) <t:1:R>\n# Heading\n- item\n> quote")
    for raw in ("**bold**", "_it_", "`code`", "||spoiler||", "[link]", "<t:1:R>"):
        assert raw not in escaped
    assert not re.search(r"^(#|-|>)", escaped, re.MULTILINE)


def test_mentions_are_neutralized() -> None:
    """@everyone, @here, user and role mentions no longer parse as mentions."""
    escaped = escape_markdown("@everyone @here <@123> <@!456> <@&789>")
    assert "@everyone" not in escaped and "@here" not in escaped
    assert not re.search(r"<@[!&]?\d+>", escaped)


def test_quote_is_bold_line_by_line_without_inner_spaces() -> None:
    """A quote spanning two lines gets bold markers on each line, with white space kept outside."""
    text = "Intro line here.\nThe race was won by Ada. She led from the start.\nOutro."
    rendered = passage_with_bold_quote(ranked(text, "won by Ada. She led from the start.\nOutro."))
    lines = rendered.split("\n")
    assert lines[1] == "> The race was **won by Ada. She led from the start.**"
    assert lines[2] == "> **Outro.**"
    assert all(line.startswith(">") for line in lines)


def test_a_markdown_passage_is_shown_without_its_inline_markup() -> None:
    """A Markdown page's emphasis and link targets aren't shown, so they can't nest in the quote's bold."""
    text = "## strict\n\nDetermines how [warnings](#warnings) are handled.\n\n**default**: `false`"
    best = ranked(text, "**default**: `false`")
    rendered = passage_with_bold_quote(dataclasses.replace(best, markdown=True))
    assert rendered.split("\n")[-1] == "> **default: \\`false\\`**"
    assert "> Determines how warnings are handled." in rendered
    # A plain-text document's asterisks are its text: shown, escaped.
    assert passage_with_bold_quote(best).split("\n")[-1] == "> **\\*\\*default\\*\\*: \\`false\\`**"


def test_answer_reply_shows_the_best_passage_and_source() -> None:
    """Page 0: title "Best answer", the quote in bold, the source with passage n of m, a More button."""
    best = ranked("Ada won the race in 1843. It rained.", "Ada won the race in 1843.", title="Races")
    second = ranked("Bob came second. It was close.", "Bob came second.", ordinal=2)
    reply = answer_reply(answer(best, second))
    assert reply.title == "Best answer"
    assert "**Ada won the race in 1843.**" in reply.description
    assert reply.fields == (ReplyField("Source", "Races (doc.md), passage 1 of 4"),)
    assert reply.buttons == (MORE_PASSAGES,)
    last = answer_reply(answer(best, second), page=1)
    assert "**Bob came second.**" in last.description and last.buttons == ()


def test_corrected_words_are_named_above_the_passage() -> None:
    """An answer found through a corrected word says what was searched for, in the reply and the text."""
    best = ranked("Blinken met the minister. It rained.", "Blinken met the minister.")
    correction = Correction("blinkin", "Blinken")
    corrected = Answer("who is blinkin?", True, "answered", 0.8, (best,), corrections=(correction,))
    assert answer_reply(corrected).description.startswith("Searched for **Blinken**\n\n> **Blinken met")
    assert render_answer_text(corrected).startswith("Searched for **Blinken**\n\nBest answer")
    assert not answer_reply(answer(best)).description.startswith("Searched")


def test_not_found_says_so_with_a_hint() -> None:
    """No answer: the honest message, plus the closest passage when there is one."""
    hint = ranked("Something vaguely related. Not really.", "Something vaguely related.")
    reply = answer_reply(Answer("why?", False, "not-covered", 0.1, (), hint))
    assert reply.description.startswith(NOT_FOUND)
    assert "**Something vaguely related.**" in reply.description
    assert reply.buttons == ()
    no_terms = answer_reply(Answer("the", False, "no-terms", 0.0, ()))
    assert no_terms.description == NO_TERMS and no_terms.fields == ()


def test_huge_parts_fit_every_limit() -> None:
    """A giant title, question and passage still give a reply within each limit and 6000 in total."""
    sentence = "This sentence about **markdown** and <@123> repeats. "
    text = sentence * 150
    best = ranked(text, sentence * 3, title="T" * 500, doc_id="d" * 300 + ".md")
    reply = answer_reply(answer(best, question="why " * 250))
    assert within_limits(reply)
    assert reply.description.endswith(CUT_MARK)
    # The cut passage still has balanced bold markers, so the layout holds.
    assert reply.description.count("**") % 2 == 0


def test_long_question_and_source_keep_the_bold_paired() -> None:
    """With a 1000-character question and a long title, the passage is cut to what the 6000 total leaves.

    Cutting it later, to fit the total, could drop a closing `**` and show the markers literally.
    """
    text = "word " * 1000 + "end."
    best = ranked(text, text, title="Tt " * 400)
    for reply in (
        answer_reply(answer(best, question="why " * 250)),
        answer_reply(Answer("why " * 250, False, "not-covered", 0.1, (), best)),
    ):
        assert within_limits(reply)
        assert TOTAL_LIMIT - reply.size < 50  # the room was used, not thrown away
        assert reply.description.endswith("**" + CUT_MARK)
        assert reply.description.count("**") == 2


def test_fit_cuts_fields_that_alone_exceed_the_total() -> None:
    """25 fields of 1,020 characters are over 25,000: after the description, the last fields are cut, then dropped."""
    fields = tuple(ReplyField(f"Field {n}", "value " * 170) for n in range(25))
    reply = fit(Reply("Title", "A description. " * 20, fields))
    assert within_limits(reply)
    assert reply.description == CUT_MARK.strip()
    assert [field.name for field in reply.fields] == [f"Field {n}" for n in range(len(reply.fields))]
    assert reply.fields[-1].value.endswith(CUT_MARK) and all(
        field.value == "value " * 170 for field in reply.fields[:-1]
    )


def test_passage_title_is_escaped() -> None:
    """A document title with Markdown shows literally in the /passage title."""
    document = DocumentInfo("notes.md", "**Loud** _notes_ @everyone", "0" * 64, 11, 0, 0, 1)
    reply = passage_reply(document, Passage("notes.md", 1, 0, 12, "Some notes."))
    assert "**Loud**" not in reply.title and "_notes_" not in reply.title and "@everyone" not in reply.title
    assert reply.title.replace("\\", "").replace("\u200b", "") == "**Loud** _notes_ @everyone"


def test_reindex_reply_lists_changes_passages_and_time() -> None:
    """The reindex reply names the added, removed and changed documents, the passage counts and the time taken."""
    report = ReindexReport(
        DocumentChanges(added=("new.md",), removed=("old_*notes*.md",), changed=()),
        document_count=2,
        passage_count=17,
        previous_passage_count=12,
        seconds=1.234,
    )
    reply = reindex_reply(report)
    assert reply.title == "Index refreshed"
    assert reply.description == "2 documents, 17 passages (before: 12), in 1.23 s."
    fields = {field.name: field.value for field in reply.fields}
    assert fields == {"Added (1)": "new.md", "Removed (1)": "old\\_\\*notes\\*.md", "Changed (0)": "none"}
    shared = reindex_reply(ReindexReport(DocumentChanges(), 2, 17, 17, 0.5, shared=True))
    assert shared.description.startswith("A reindex was already running; this is its result.\n")
    assert shared.description.endswith("No document changed.")


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.text(max_size=400), st.text(max_size=2000)),
        max_size=30,
    ),
    st.text(max_size=5000),
    st.text(max_size=3000),
)
def test_fit_enforces_the_limits(fields: list[tuple[str, str]], description: str, footer: str) -> None:
    """Whatever goes in, `fit` gives a reply within Discord's per-part limits and 6000 in total."""
    reply = fit(Reply("title " * 100, description, tuple(ReplyField(n, v) for n, v in fields), footer))
    assert within_limits(reply)
    assert len(reply.fields) <= 25


def test_text_rendering_matches_the_embed_parts() -> None:
    """`render_reply_text` shows the title, description, fields, footer and buttons of the reply."""
    best = ranked("Ada won the race. It rained.", "Ada won the race.")
    second = ranked("Bob came second. It was close.", "Bob came second.", ordinal=2)
    reply = answer_reply(answer(best, second))
    text = render_reply_text(reply)
    assert text.startswith("**Best answer**\n" + reply.description)
    assert "**Source:** " + reply.fields[0].value in text
    assert reply.footer in text and f"[{MORE_PASSAGES}]" in text


def test_answer_text_lists_every_passage() -> None:
    """`quotebot ask` text shows every passage with its source, the best first."""
    best = ranked("Ada won the race. It rained.", "Ada won the race.")
    second = ranked("Bob came second. It was close.", "Bob came second.", ordinal=2)
    text = render_answer_text(answer(best, second))
    assert text.index("Best answer: A document (doc.md), passage 1 of 4") < text.index("Also relevant (2)")
    assert "> **Bob came second.**" in text
