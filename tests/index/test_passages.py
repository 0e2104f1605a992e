"""Splitting documents into passages: spans, sizes, fragments, page furniture, and properties checked by hypothesis."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.documents import load_corpus
from index.passage_index import build_index
from index.passages import (
    MAX_PASSAGE_CHARS,
    MIN_PASSAGE_CHARS,
    Passage,
    furniture_lines,
    is_furniture,
    split_markdown_passages,
    split_passages,
)
from index.sentences import MAX_SENTENCE_CHARS, SentenceSplitter

FURNITURE_LINES = [
    "- Also Read: Zanzibar Quokka Festival Opens In Style",
    "Also Read: Quokka Parade Draws Record Crowds",
    "Read more",
    "Read more…",
    "READ MORE",
    "Subscribe…",
    "Subscribe to our newsletter",
    "Share this article",
    "Share on Facebook",
    "Facebook Twitter WhatsApp",
    "Facebook, Twitter, Email",
    "Advertisement",
    "Follow us on Twitter",
    "Click here to subscribe",
    "Related: Quokka talks stall again",
    "Copy link | Print",
]


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    """The data-free sentence splitter."""
    return SentenceSplitter("builtin")


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def check_spans(text: str, passages: list[Passage]) -> None:
    """Every passage is its span of the text, ordinals count from 1, spans are in order and disjoint."""
    assert [passage.ordinal for passage in passages] == list(range(1, len(passages) + 1))
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.text.strip() == passage.text
        assert passage.text
    for before, after in pairwise(passages):
        assert before.end <= after.start


@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_furniture_lines_are_recognized(line: str) -> None:
    """ "Also Read: …", "Read more", "Subscribe…" and share buttons are page furniture."""
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share prices rose sharply after the talks.",
        "Print media covered the visit widely.",
        "Subscribers to the service grew by ten percent.",
        "He said the talks would continue. Read more in the statement he released on Wednesday.",
        "Subscribe " + "to the idea that talks matter, the minister said, adding many more words " * 4,
        "",
        "   ",
    ],
)
def test_prose_is_not_furniture(line: str) -> None:
    """Sentences that merely start with a furniture word, and long lines, stay content."""
    assert not is_furniture(line)


def test_bundled_article_spans_and_furniture(article_path: Path, splitter: SentenceSplitter) -> None:
    """On the bundled article, document[start:end] == passage.text and the "Also Read" line is in no passage."""
    text = read_text(article_path)
    passages = split_passages("article.txt", text, splitter)
    check_spans(text, passages)
    furniture = [line for line in text.split("\n") if is_furniture(line)]
    assert furniture, "the bundled article has an 'Also Read' line"
    for line in furniture:
        assert all(line.strip() not in passage.text for passage in passages)
    assert all(len(passage.text) <= MAX_PASSAGE_CHARS for passage in passages)


def test_crlf_document_spans_match_file_as_read(make_corpus, builtin_analyzer) -> None:
    """A CRLF file: spans are offsets into open(path, encoding="utf-8").read(), through the whole index."""
    body = "# Talks\r\n\r\nBlinken met Netanyahu on Oct. 1 in Jerusalem.\r\nThe U.S. official then flew on.\r\n"
    body += "\r\nRead more\r\n\r\n" + "Mr. Smith said the talks would go on. " * 40 + "\r\n"
    corpus = make_corpus({"crlf.txt": body})
    text = read_text(corpus / "crlf.txt")
    index = build_index(corpus, analyzer=builtin_analyzer)
    check_spans(text, list(index.passages))
    assert all("Read more" not in passage.text for passage in index.passages)


def test_long_paragraph_becomes_windows_of_whole_sentences(splitter: SentenceSplitter) -> None:
    """A paragraph over the limit is cut only between sentences, each window within the limit."""
    sentence = "Negotiators in Doha met again on Wednesday to discuss the hostage deal."
    text = " ".join([sentence] * (3 * MAX_PASSAGE_CHARS // len(sentence)))
    passages = split_passages("long.txt", text, splitter)
    check_spans(text, passages)
    assert len(passages) >= 3
    for passage in passages:
        assert len(passage.text) <= MAX_PASSAGE_CHARS
        assert passage.text.startswith("Negotiators") and passage.text.endswith("deal.")


def test_windows_are_about_equal_in_size(splitter: SentenceSplitter) -> None:
    """A paragraph a little over the limit splits in two similar halves, not one full window and a scrap."""
    sentence = "Negotiators in Doha met again on Wednesday to discuss the hostage deal."
    count = MAX_PASSAGE_CHARS // len(sentence) + 2
    text = " ".join([sentence] * count)
    passages = split_passages("long.txt", text, splitter)
    assert len(passages) == 2
    half = len(text) / 2
    for passage in passages:
        assert abs(len(passage.text) - half) <= len(sentence) + 2  # greedy: at most one sentence off


def test_single_overlong_sentence_is_kept_whole(splitter: SentenceSplitter) -> None:
    """A sentence longer than the limit (but not pathological) is one passage, not cut."""
    words = "and the talks went on "
    sentence = "Then " + words * ((MAX_PASSAGE_CHARS + 100) // len(words)) + "until dawn."
    assert MAX_PASSAGE_CHARS < len(sentence) < MAX_SENTENCE_CHARS
    text = f"Short opener here. {sentence} Short closer here."
    text = text + " " + "Another ordinary sentence follows it. " * 30
    passages = split_passages("doc.txt", text, splitter)
    check_spans(text, passages)
    assert any(passage.text == sentence for passage in passages)


def test_heading_joins_the_paragraph_after_it(splitter: SentenceSplitter) -> None:
    """A heading is a fragment: it joins its neighbour instead of being a passage alone."""
    paragraph = "Blinken landed in the Middle East on a trip aimed at reviving diplomatic efforts. " * 3
    text = f"# Blinken's trip\n\n{paragraph.strip()}\n"
    passages = split_passages("doc.md", text, splitter)
    assert len(passages) == 1
    assert passages[0].text.startswith("# Blinken's trip")


def test_tiny_paragraphs_join_up_to_the_limit(splitter: SentenceSplitter) -> None:
    """One-line paragraphs shorter than MIN_PASSAGE_CHARS are grouped, never beyond MAX_PASSAGE_CHARS."""
    line = "Short line of news."
    assert len(line) < MIN_PASSAGE_CHARS
    text = "\n".join([line] * 200)
    passages = split_passages("doc.txt", text, splitter)
    check_spans(text, passages)
    assert 1 < len(passages) < 200
    assert all(len(passage.text) <= MAX_PASSAGE_CHARS for passage in passages)


def test_fragments_never_join_across_furniture(splitter: SentenceSplitter) -> None:
    """Two tiny paragraphs separated by a furniture line stay in separate passages."""
    text = "First tiny paragraph.\n- Also Read: Something else entirely\nSecond tiny paragraph.\n"
    passages = split_passages("doc.txt", text, splitter)
    assert [passage.text for passage in passages] == ["First tiny paragraph.", "Second tiny paragraph."]


def test_hard_wrapped_prose_stays_one_paragraph(splitter: SentenceSplitter) -> None:
    """Lines broken mid-sentence belong to one passage; a line ending a sentence starts the next paragraph."""
    text = "The talks went on\nuntil late at night and\nended without a deal.\n" + "Next paragraph. " * 20
    passages = split_passages("doc.txt", text, splitter)
    check_spans(text, passages)
    assert passages[0].text.startswith("The talks went on\nuntil late at night and\nended without a deal.")


@pytest.mark.parametrize("wrap", ["the U.S.\ngovernment", "on Oct.\n1 in", "met Mr.\nSmith and", "met Gen.\nBrown in"])
def test_line_wrapped_after_an_abbreviation_keeps_the_sentence(splitter: SentenceSplitter, wrap: str) -> None:
    """A hard wrap right after "U.S.", "Oct.", "Mr." or "Gen." doesn't end the paragraph or cut the sentence."""
    sentence = f"Officials from {wrap} Riyadh discussed the hostage talks at length."
    # Enough text on both sides that two paragraphs would not be merged back into one passage.
    filler = "Mediators met again in Doha to discuss the terms. " * (MAX_PASSAGE_CHARS // 2 // 50 + 1)
    text = filler + sentence + " " + filler.strip() + "\n"
    passages = split_passages("doc.txt", text, splitter)
    check_spans(text, passages)
    assert any(sentence in passage.text for passage in passages)


def test_furniture_is_never_an_answer(make_corpus, builtin_analyzer) -> None:
    """A question made of the words of a furniture line finds nothing: furniture isn't indexed."""
    article = (
        "Blinken met the Saudi foreign minister in Riyadh on Wednesday to discuss the war.\n"
        "- Also Read: Zanzibar Quokka Festival Opens In Style\n"
        "Subscribe to our quokka newsletter\n"
        "Share on Facebook\n"
        "He then flew to Cairo for more talks with Egyptian officials.\n"
    )
    corpus = make_corpus({"news.txt": article})
    index = build_index(corpus, analyzer=builtin_analyzer)
    for passage in index.passages:
        assert not any(is_furniture(line) for line in passage.text.split("\n"))
    answer = index.ask("Zanzibar quokka festival newsletter")
    assert not answer.found
    assert answer.hint is None
    assert index.ask("Who did Blinken meet in Riyadh?").found


def test_a_run_of_share_buttons_around_an_article_is_dropped(splitter: SentenceSplitter) -> None:
    """Share-button words on lines of their own, together or beside "Also Read", are page chrome."""
    text = (
        "Share\n\nEmail\nPrint\n\n"
        "Blinken met the Saudi foreign minister in Riyadh on Wednesday to discuss the war in Gaza.\n"
        "Telegram\n- Also Read: Something else entirely\n"
        "He then flew to Cairo for more talks with Egyptian officials about the hostages.\n"
    )
    passages = split_passages("news.txt", text, splitter)
    joined = "\n".join(passage.text for passage in passages)
    for chrome in ("Share", "Email", "Print", "Telegram", "Also Read"):
        assert chrome not in joined, chrome
    assert "Blinken met" in joined and "Cairo" in joined


@pytest.mark.parametrize(
    "listing",
    [
        "Notifications can go to:\n\n- Slack\n- Email\n- Telegram\n- Matrix\n",
        "Notifications can go to one channel at a time, chosen in the settings.\n\nTelegram\n\nThe bot posts there.\n",
        "Supported channels:\n\n1. Telegram\n2. Discord\n",
    ],
    ids=["list", "lone line", "numbered list"],
)
def test_share_words_in_documentation_stay_content(splitter: SentenceSplitter, listing: str) -> None:
    """A share-button word that is a docs list item, or alone between paragraphs, is kept, in text and Markdown."""
    for doc_id, passages in (
        ("notes.txt", split_passages("notes.txt", listing, splitter)),
        ("notes.md", split_markdown_passages("notes.md", listing, splitter)),
    ):
        assert any("Telegram" in passage.text for passage in passages), doc_id


def test_ingested_text_keeps_list_items_and_drops_share_runs() -> None:
    """`furniture_lines` judges each line with its neighbours: a list item stays, a run of buttons goes."""
    lines = ["Share", "Email", "Print", "", "Channels:", "- Slack", "- Email", "- Telegram", "Print"]
    assert furniture_lines(lines) == [True, True, True, False, False, False, False, False, False]


def test_document_of_only_furniture_has_no_passages(splitter: SentenceSplitter) -> None:
    """Furniture alone gives no passage at all."""
    text = "\n".join(FURNITURE_LINES) + "\n"
    assert split_passages("doc.txt", text, splitter) == []


# ---------------------------------------------------------------------------
# Property-based: generated documents of paragraphs, headings, furniture and blank lines.

WORDS = (
    "gaza war talks hostage deal minister envoy border strike missile city port smoke "
    "region leaders peace summit ceasefire cabinet army rocket village crowd press aid "
    "convoy river bridge night morning statement pressure plan allies weapons shelter "
    "embassy capital island harbor market school clinic farmers workers trucks fuel "
    "water grain winter spring report officials sources delegates"
).split()
# Inside a sentence only: abbreviations that must not end it.
MID_SENTENCE = ["U.S.", "Mr. Smith", "Gen. Brown", "Oct. 1", "p.m.", "Dr. Chan", "U.N."]
END_MARKS = [".", ".", ".", "?", "!"]


@dataclass
class GeneratedDocument:
    """Text (with "\\n" newlines) and where its sentences, headings and furniture lines are."""

    text: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    """Spans of sentences and headings: units that must never be cut."""
    furniture: list[tuple[int, int]] = field(default_factory=list)

    def add(self, piece: str) -> tuple[int, int]:
        start = len(self.text)
        self.text += piece
        return start, len(self.text)


word = st.sampled_from(WORDS)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    """A sentence Punkt can't misread: capitalized, words, abbreviations only inside, an end mark."""
    middle = draw(st.lists(st.one_of(word, word, word, st.sampled_from(MID_SENTENCE)), min_size=0, max_size=18))
    words = [draw(word).capitalize(), *middle, draw(word)]
    text = " ".join(words) + draw(st.sampled_from(END_MARKS))
    if draw(st.integers(0, 24)) == 0:
        # An overlong sentence, longer than a passage but not so long that it is cut.
        filler = " ".join(middle or ["talks"])
        # Room for the first and last words: past MAX_SENTENCE_CHARS the splitter cuts the sentence.
        limit = MAX_SENTENCE_CHARS - 100
        target = min(int(MAX_PASSAGE_CHARS * 1.3), limit)
        repeated = [filler]
        while len(" ".join(repeated)) < target and len(" ".join([*repeated, filler])) <= limit:
            repeated.append(filler)
        text = words[0] + " " + " ".join(repeated) + " " + words[-1] + "."
    return text


paragraph = st.lists(sentence(), min_size=1, max_size=20)
heading = st.lists(word, min_size=1, max_size=6).map(lambda words: "# " + " ".join(words).capitalize())
element = st.one_of(
    st.tuples(st.just("paragraph"), paragraph, st.booleans()),
    st.tuples(st.just("heading"), heading, st.just(False)),
    st.tuples(st.just("furniture"), st.sampled_from(FURNITURE_LINES), st.just(False)),
)


@st.composite
def document(draw: st.DrawFn) -> GeneratedDocument:
    """Paragraphs (some hard-wrapped), headings and furniture, separated by 0 to 2 blank lines."""
    generated = GeneratedDocument()
    for kind, content, wrapped in draw(st.lists(element, min_size=1, max_size=8)):
        indent = draw(st.sampled_from(["", "", " ", "  "]))
        trailing = draw(st.sampled_from(["", "", " ", "\t"]))
        if kind == "furniture":
            generated.add(indent)
            generated.furniture.append(generated.add(content))
        elif kind == "heading":
            generated.sentences.append(generated.add(content))
        else:
            generated.add(indent)
            for number, text in enumerate(content):
                if number:
                    generated.add(" ")
                if wrapped and " " in text:
                    # Hard-wrap the sentence: a line break between two of its words.
                    words = text.split(" ")
                    cut = draw(st.integers(1, len(words) - 1))
                    text = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
                generated.sentences.append(generated.add(text))
        generated.add(trailing + "\n" * draw(st.integers(1, 3)))
    return generated


def write_and_read(generated: GeneratedDocument, newline: str) -> tuple[str, list[Passage]]:
    """Write the document with `newline` line ends, then load and split it as the index does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(generated.text.replace("\n", newline).encode("utf-8"))
        text = read_text(path)
        (document_read,) = load_corpus(path).documents
    assert document_read.text == text == generated.text
    return text, split_passages("doc.txt", text, SentenceSplitter("builtin"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=document(), newline=st.sampled_from(["\n", "\r\n"]))
def test_passages_cover_content_in_order_without_cutting_sentences(generated: GeneratedDocument, newline: str) -> None:
    """Every content character is in exactly one passage, furniture in none; no passage cuts a sentence."""
    text, passages = write_and_read(generated, newline)
    check_spans(text, passages)

    owner = [0] * len(text)  # how many passages hold each character
    for passage in passages:
        for position in range(passage.start, passage.end):
            owner[position] += 1
    furniture = {position for start, end in generated.furniture for position in range(start, end)}
    for position, character in enumerate(text):
        if position in furniture:
            assert owner[position] == 0, f"furniture in a passage at {position}"
        elif not character.isspace():
            assert owner[position] == 1, f"content at {position} ({character!r}) is in {owner[position]} passages"

    boundaries = {passage.start for passage in passages} | {passage.end for passage in passages}
    for start, end in generated.sentences:
        cut = [boundary for boundary in boundaries if start < boundary < end]
        assert not cut, f"a passage boundary cuts {text[start:end]!r}"

    whole_units = set(generated.sentences)
    for passage in passages:
        assert len(passage.text) <= MAX_PASSAGE_CHARS or (passage.start, passage.end) in whole_units, (
            f"passage {passage.ordinal} has {len(passage.text)} characters and isn't a single sentence"
        )


@settings(max_examples=40, deadline=None)
@given(generated=document())
def test_concatenated_passages_are_the_content_in_order(generated: GeneratedDocument) -> None:
    """Joining the passages' words gives the document's non-furniture words, in order."""
    splitter = SentenceSplitter("builtin")
    passages = split_passages("doc.txt", generated.text, splitter)
    content = list(generated.text)
    for start, end in generated.furniture:
        content[start:end] = [" "] * (end - start)
    assert " ".join(passage.text for passage in passages).split() == "".join(content).split()


def test_byte_order_mark_is_not_part_of_a_passage(splitter: SentenceSplitter) -> None:
    """A UTF-8 byte-order mark at the start of a file stays out of the first passage, spans still match."""
    text = "\ufeffBlinken landed in the Middle East on a trip aimed at reviving diplomatic efforts.\nHe met leaders."
    passages = split_passages("doc.txt", text, splitter)
    check_spans(text, passages)
    assert passages[0].start == 1
    assert passages[0].text.startswith("Blinken")
