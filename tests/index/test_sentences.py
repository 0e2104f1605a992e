"""Sentence splitting: no break at abbreviations, real breaks kept, and the optional NLTK data path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from index import sentences as sentences_module
from index.sentences import MAX_SENTENCE_CHARS, SentenceSplitter


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    """The data-free splitter, the one every machine has."""
    return SentenceSplitter("builtin")


def sentences(splitter: SentenceSplitter, text: str) -> list[str]:
    return [text[start:end] for start, end in splitter.spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The escalation came after Iran’s Oct. 1 missile attack against Israel.",
        "The U.S. official said he was encouraged by signs of progress.",
        "Mr. Blinken met Gen. Brown in Riyadh on Wednesday.",
        "Talks at 5 p.m. in Washington, D.C. were cancelled by Dr. Smith.",
        "U.S. officials met Sen. Jones, Gov. Lee and Prof. Chan on Jan. 5 in the U.K. capital.",
        "Mr. He Yafei spoke for the delegation.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(splitter: SentenceSplitter, text: str) -> None:
    """A sentence full of abbreviations stays one sentence."""
    assert sentences(splitter, text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fighting stopped. Then it resumed.", ["Fighting stopped.", "Then it resumed."]),
        ("Mr. Smith left. Gen. Jones came.", ["Mr. Smith left.", "Gen. Jones came."]),
        ("He moved to the U.S. The move was hard.", ["He moved to the U.S.", "The move was hard."]),
        ("It happened in Oct. The next month was calm.", ["It happened in Oct.", "The next month was calm."]),
        ("Talks ended at 5 p.m. They resume today.", ["Talks ended at 5 p.m.", "They resume today."]),
        ("Is it over? “No,” he said! Really.", ["Is it over?", "“No,” he said!", "Really."]),
    ],
)
def test_real_sentence_breaks_are_kept(splitter: SentenceSplitter, text: str, expected: list[str]) -> None:
    """A real break is found, also right after an abbreviation when the next word starts a sentence."""
    assert sentences(splitter, text) == expected


def test_spans_are_shifted_by_offset_and_trimmed(splitter: SentenceSplitter) -> None:
    """Spans are offsets into the enclosing text, without outer spaces."""
    document = "XXXX  First one.   Second one.  "
    offset = 4
    spans = splitter.spans(document[offset:], offset=offset)
    assert [document[start:end] for start, end in spans] == ["First one.", "Second one."]


def test_unpunctuated_run_is_cut_at_spaces(splitter: SentenceSplitter) -> None:
    """A text with no punctuation still yields pieces no longer than MAX_SENTENCE_CHARS, cut between words."""
    text = " ".join(["word"] * (MAX_SENTENCE_CHARS // 2))
    spans = splitter.spans(text)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    pieces = [text[start:end] for start, end in spans]
    assert all(piece == piece.strip() and piece.startswith("word") for piece in pieces)
    assert " ".join(text[start:end] for start, end in spans) == text


def test_long_text_is_split_in_chunks_with_the_same_sentences(
    splitter: SentenceSplitter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paragraph longer than a Punkt chunk gets the sentences it gets in one piece, abbreviations included."""
    words = ["Talks", "resumed", "Mr.", "Smith", "said", "U.S.", "envoys", "Gen.", "Lee", "agreed", "today"]
    text = " ".join(f"{' '.join(words[i % 7 : i % 7 + 4])} number {i}." for i in range(400))
    whole = splitter.spans(text)
    chunk_size = 1000
    monkeypatch.setattr(sentences_module, "PUNKT_CHUNK_CHARS", chunk_size)
    chunks = sentences_module._chunks(text)
    assert len(chunks) > len(text) // chunk_size
    assert all(end - start <= chunk_size for start, end in chunks)
    assert splitter.spans(text) == whole


def test_text_without_sentence_ends_is_chunked_at_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no punctuation to cut at, chunks end between words, and cover the text."""
    monkeypatch.setattr(sentences_module, "PUNKT_CHUNK_CHARS", 100)
    text = " ".join(["word"] * 200)
    chunks = sentences_module._chunks(text)
    assert "".join(text[start:end] for start, end in chunks) == text
    assert all(text[end - 1] == " " for _, end in chunks[:-1])


def test_builtin_model_fingerprint_differs_from_data_model() -> None:
    """The built-in model says it is built-in, so an index made with the data model isn't reused with it."""
    assert "builtin" in SentenceSplitter("builtin").fingerprint


_DATA_PATH_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import nltk

    def forbidden(*args, **kwargs):
        raise AssertionError("nltk.download was called")

    nltk.download = forbidden
    import nltk.downloader
    nltk.downloader.download = forbidden

    from index.sentences import SentenceSplitter
    splitter = SentenceSplitter("auto")
    texts = {texts!r}
    print(json.dumps({{
        "fingerprint": splitter.fingerprint,
        "starters": len(splitter._punkt._params.sent_starters),
        "sentences": {{text: [text[s:e] for s, e in splitter.spans(text)] for text in texts}},
    }}))
    """
)


def test_nltk_data_punkt_tab_is_used_and_keeps_abbreviations(run_python, shared_nltk_data: Path) -> None:
    """With NLTK_DATA set, the pre-trained punkt_tab model is used, still respecting the abbreviations, no download."""
    texts = [
        "The escalation came after Iran’s Oct. 1 missile attack against Israel.",
        "The U.S. official met Mr. Blinken and Gen. Brown.",
        "He moved to the U.S. The move was hard.",
    ]
    result = run_python(_DATA_PATH_SCRIPT.format(texts=texts), env={"NLTK_DATA": str(shared_nltk_data)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "punkt_tab" in report["fingerprint"]
    assert report["fingerprint"] != SentenceSplitter("builtin").fingerprint
    assert report["starters"] > 0
    assert report["sentences"][texts[0]] == [texts[0]]
    assert report["sentences"][texts[1]] == [texts[1]]
    assert report["sentences"][texts[2]] == ["He moved to the U.S.", "The move was hard."]


def test_without_nltk_data_the_builtin_model_is_used_and_nothing_downloads(run_python) -> None:
    """With NLTK's search path empty, "auto" falls back to the built-in model and never downloads."""
    code = textwrap.dedent(
        """
        import nltk
        nltk.data.path.clear()
        def forbidden(*args, **kwargs):
            raise AssertionError("nltk.download was called")
        nltk.download = forbidden
        from index.sentences import SentenceSplitter
        splitter = SentenceSplitter("auto")
        text = "Mr. Blinken met Gen. Brown on Oct. 1 in the U.S. capital. Then he left."
        print(splitter.fingerprint)
        print(len(splitter.spans(text)))
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    fingerprint, count = result.stdout.split()
    assert fingerprint == SentenceSplitter("builtin").fingerprint
    assert count == "2"


def test_base64_and_data_uri_text_is_split_into_bounded_sentences() -> None:
    """300 kB without spaces (a data-URI image in Markdown): every piece is short, and together they cover it."""
    import base64
    import itertools
    import random

    from index.sentences import MAX_SENTENCE_CHARS

    payload = base64.b64encode(random.Random(7).randbytes(225_000)).decode()
    text = f"# Logo\n\nOur logo: ![logo](data:image/png;base64,{payload}). It is blue."
    spans = SentenceSplitter("builtin").spans(text)
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))
    assert "".join("".join(text[start:end].split()) for start, end in spans) == "".join(text.split())
    assert text[spans[-1][0] : spans[-1][1]] == "It is blue."
