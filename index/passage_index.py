"""The searchable index of a corpus: documents, passages and a BM25 engine."""

from __future__ import annotations

import bisect
import gc
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.answer_types import answer_type, answer_types_in
from index.answers import (
    CORRECTION_WEIGHT,
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_TOP_K,
    RERANK_DEPTH,
    Answer,
    Correction,
    RankedPassage,
    SentenceTerms,
    average_length_bm25,
    best_quote,
    checked_question,
    confidence,
    evidence_windows,
    rerank,
    with_its_list,
)
from index.definitions import (
    KIND_WORDS,
    NamedQuestion,
    heading_name,
    is_lead_heading,
    name_terms,
    name_text,
    named_question,
    searched_text,
    subject_names,
)
from index.documents import DEFAULT_MAX_FILE_MB, Document, Skipped, load_corpus, skip_warnings
from index.errors import CorpusError
from index.markdown import (
    QUOTABLE,
    Unit,
    block_openings,
    markdown_blocks,
    parse_blocks,
    quote_units,
    searchable_texts,
    unit_searchable_text,
)
from index.passages import Passage, paragraph_spans, split_markdown_passages, split_passages
from index.progress import SPLITTING, TOKENIZING, BuildProgress, no_progress
from index.ranking import Engine, EngineChoice, RankBM25Engine, choose_engine, top_k
from index.sections import NO_SECTIONS, PATH_SEPARATOR, Sections, is_mdx, markdown_sections
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer
from index.typos import TypoCorrector

# Sentence terms of recently quoted passages, so a repeated question doesn't re-tokenize them. Few: each
# passage's are dozens of objects that every garbage collection walks, and with 4,096 passages the collections
# during a 1M reindex took 40 to 163 ms of CPU each, stalling the bot (64: none over 20 ms).
_SENTENCE_CACHE_SIZE = 64
# Sections a question's subject names that are read for the unit answering it: a few, best first.
_NAMED_SECTIONS_READ = 5
# BM25 candidates looked at for each one re-ranked, so that passages repeating an earlier one's text leave room.
DUPLICATE_REACH = 3


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the index remembers of a document."""

    doc_id: str
    title: str
    sha256: str
    size: int
    mtime_ns: int
    first_passage: int
    """Position of the document's first passage in `PassageIndex.passages`."""
    passage_count: int
    encoding: str = "utf-8"
    """How the file was decoded (see `index.documents.Document.encoding`)."""
    source_url: str | None = None
    """The web page the document was fetched from, if it was."""
    sections: Sections = NO_SECTIONS
    """Where the Markdown document's sections open, with their heading paths."""
    markdown: bool = False
    """Whether the document's text is Markdown (see `index.documents.Document.markdown`)."""
    openings: tuple[tuple[int, str], ...] = ()
    """`(start, opening)` of its passages that start inside a table, code block or callout (`block_openings`)."""

    def opening_of(self, passage: Passage) -> str:
        """The lines that open the block a passage of this document starts inside, "" when it opens its own."""
        # In passage order: a page cut from one huge table has thousands.
        found = bisect.bisect_left(self.openings, passage.start, key=lambda item: item[0])
        if found < len(self.openings) and self.openings[found][0] == passage.start:
            return self.openings[found][1]
        return ""

    def section_of(self, passage: Passage) -> str:
        """The heading path of a passage of this document ("" outside any section)."""
        # A passage lies in one section, and a childless heading above it may open it: its last character decides.
        return self.sections.path_at(passage.end - 1)


@dataclass(frozen=True, slots=True)
class _Corrected:
    """A question word's term missing from the vocabulary, and the close term searched for instead."""

    word: str
    term: str
    replacement: str


# A word of letters in a passage, to find how it spells a corrected term (letters only: no Markdown in it).
_WORD = re.compile(r"[^\W\d_]+")


class Analyzer:
    """The sentence splitter and tokenizer an index was built with."""

    def __init__(self, tokenizer: Tokenizer | None = None, splitter: SentenceSplitter | None = None) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.splitter = splitter or SentenceSplitter()

    @property
    def fingerprint(self) -> str:
        return f"{self.tokenizer.fingerprint}/{self.splitter.fingerprint}"


class PassageIndex:
    """Answers questions from a fixed set of passages. Safe to share between threads."""

    def __init__(
        self,
        *,
        corpus: str,
        documents: Sequence[DocumentInfo],
        passages: Sequence[Passage],
        engine: Engine,
        analyzer: Analyzer,
        built_at: float,
        build_seconds: float,
        skipped: Sequence[Skipped] = (),
        max_file_mb: float = DEFAULT_MAX_FILE_MB,
    ) -> None:
        self.corpus = corpus
        self.documents = {document.doc_id: document for document in documents}
        self.passages = passages
        self.engine = engine
        self.analyzer = analyzer
        self.built_at = built_at
        self.build_seconds = build_seconds
        self.skipped = tuple(skipped)
        self.max_file_mb = max_file_mb
        self._document_of = [document for document in documents for _ in range(document.passage_count)]
        self._sentence_cache: OrderedDict[int, list[SentenceTerms]] = OrderedDict()
        self._typos = TypoCorrector(engine.terms, engine.document_frequency)
        self._sections_by_name: dict[frozenset[str], list[tuple[DocumentInfo, tuple[str, ...]]]] | None = None
        self._sections_lock = threading.Lock()

    @property
    def vocabulary_size(self) -> int:
        return self.engine.vocabulary_size

    @property
    def warnings(self) -> list[str]:
        return skip_warnings(self.skipped)

    def passage(self, doc_id: str, ordinal: int) -> Passage | None:
        """Passage `ordinal` (1-based) of a document, or None."""
        document = self.documents.get(doc_id)
        if document is None or not 1 <= ordinal <= document.passage_count:
            return None
        return self.passages[document.first_passage + ordinal - 1]

    def ask(
        self,
        question: str,
        top_k_passages: int = DEFAULT_TOP_K,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> Answer:
        """Answer `question`, or say honestly that nothing answers it.

        Raises `QuestionError` for an empty or absurdly long question.
        """
        question = checked_question(question)
        asked = named_question(question)
        terms, corrections_made, words = self._question_terms(searched_text(question))
        if not terms:
            return Answer(question, found=False, verdict="no-terms", confidence=0.0, passages=())
        corrected = {item.replacement for item in corrections_made}
        weights = {term: self.engine.idf(term) * (CORRECTION_WEIGHT if term in corrected else 1.0) for term in terms}
        scores = self.engine.scores([term for term in terms if term not in corrected])
        if corrected:
            scores = scores + CORRECTION_WEIGHT * self.engine.scores(sorted(corrected))
        depth = max(top_k_passages, RERANK_DEPTH, 1)
        candidates = self._distinct(top_k(scores, DUPLICATE_REACH * depth), depth)
        if not candidates:
            return Answer(question, found=False, verdict="not-covered", confidence=0.0, passages=())
        wanted = answer_type(question)
        reranked = rerank(candidates, terms, weights, self._sentences, wanted, words)
        best = reranked[: max(top_k_passages, 1)]
        bm25_of = dict(candidates)
        introduction = self._introduction_of(asked, [position for position, _ in reranked]) if asked else None
        if introduction is not None:
            # What the documents say of X where they introduce it comes first, quoted by the unit that answers.
            bm25_of.setdefault(introduction, float(scores[introduction]))
            score = dict(reranked).get(introduction, bm25_of[introduction])
            best = [(introduction, score), *(item for item in best if item[0] != introduction)][: len(best)]
        ranked = [
            self._ranked(
                position, score, bm25_of[position], weights, wanted, words, asked if position == introduction else None
            )
            for position, score in best
        ]
        top = best[0][0]
        section_terms = (
            frozenset(self.analyzer.tokenizer.tokenize(ranked[0].section)) if ranked[0].section else frozenset()
        )
        weights_of_terms = {term: self.engine.idf(term) for term in terms}
        term_counts = Counter(section_terms)
        for sentence in self._sentences(top):
            term_counts.update(sentence.terms)
        # The same for every window: the question's names (a word tokenizer pass) and the BM25 share.
        names = self._name_terms(question, corrections_made)
        bm25 = min(bm25_of[top], average_length_bm25(weights_of_terms, term_counts, self.engine.k1))
        credit = dict.fromkeys(corrected, CORRECTION_WEIGHT)
        certainty = max(
            confidence(weights_of_terms, window, name_terms=names, bm25=bm25, k1=self.engine.k1, credit=credit)
            for window in evidence_windows(self._sentences(top), section_terms)
        )
        corrections = tuple(
            Correction(item.word, self._spelling(item.replacement, [found.passage.text for found in ranked]))
            for item in corrections_made
        )
        if certainty < min_confidence:
            return Answer(
                question,
                found=False,
                verdict="not-covered",
                confidence=certainty,
                passages=(),
                hint=ranked[0],
                corrections=corrections,
            )
        return Answer(
            question,
            found=True,
            verdict="answered",
            confidence=certainty,
            passages=tuple(ranked[:top_k_passages]),
            corrections=corrections,
        )

    def _distinct(self, candidates: list[tuple[int, float]], count: int) -> list[tuple[int, float]]:
        """The first `count` candidates that don't repeat an earlier one's text, white space aside.

        Documentation repeats itself: npm's docs hold the same `ignore-scripts`
        block on 19 pages, and the answer would show it three times over.
        """
        seen: set[str] = set()
        distinct = []
        for position, score in candidates:
            text = " ".join(self.passages[position].text.split())
            if text not in seen:
                seen.add(text)
                distinct.append((position, score))
                if len(distinct) == count:
                    break  # a passage's text is read from its store: no more than needed
        return distinct

    def _question_terms(self, question: str) -> tuple[list[str], list[_Corrected], list[tuple[str, ...]]]:
        """The question's distinct terms, misspelt ones replaced; the replacements made; and its words of
        several terms ("setup.py", "gh-deploy"), as their terms, with those replacements.

        A term the vocabulary lacks becomes its closest vocabulary term (see
        `index.typos`). A replacement the question also holds as typed is an
        exact term, not a correction.
        """
        question_words = self.analyzer.tokenizer.word_terms(question)
        terms: list[str] = []
        corrected: list[_Corrected] = []
        for word, word_terms in question_words:
            for term in word_terms:
                replacement = None
                if self.engine.document_frequency(term) == 0:
                    replacement = self._typos.correct(word, term)
                if replacement is not None and replacement != term:
                    corrected.append(_Corrected(word, term, replacement))
                terms.append(replacement or term)
        exact = {term for _, word_terms in question_words for term in word_terms}
        corrections = [item for item in corrected if item.replacement not in exact]
        replaced = {item.term: item.replacement for item in corrections}
        words = [tuple(replaced.get(term, term) for term in word_terms) for _, word_terms in question_words]
        return list(dict.fromkeys(terms)), corrections, [word for word in words if len(word) > 1]

    def _introduction_of(self, asked: NamedQuestion, ranked: Sequence[int]) -> int | None:
        """The passage that answers a question about a named thing, on the page of one of the `ranked` candidates
        or the page named for it: under the heading that names it, the shallowest, then the best ranked (see
        `index.definitions`)."""
        tokenize = self.analyzer.tokenizer.tokenize
        subject_terms = name_terms(asked.subject, tokenize)
        if not subject_terms:
            return None
        kinds = name_terms(" ".join(sorted(KIND_WORDS)), tokenize)
        # Every section a heading names, in corpus order, from the headings' name terms read once.
        sections = self._sections_named()
        named_sections: dict[tuple[str, tuple[str, ...]], DocumentInfo] = {}
        for names in subject_names(subject_terms, kinds):
            for document, path in sections.get(names, []):
                named_sections.setdefault((document.doc_id, path), document)
        if not named_sections:
            return None
        # By (depth, spelling, rank): a page's own heading first; a heading spelt as the subject is before one
        # that only stems alike ("subprocess.kill()" before "subprocess.killed"); then the section of the best
        # ranked candidate, then the sections none of whose passages ranked ("what are workspaces?").
        subject_words = set(name_text(asked.subject).casefold().split())

        def spelt_otherwise(path: tuple[str, ...]) -> bool:
            return not set(heading_name(path[-1]).casefold().split()) <= subject_words

        named: dict[tuple[str, tuple[str, ...]], tuple[int, bool, int, DocumentInfo]] = {}
        for rank, position in enumerate(ranked):
            document = self._document_of[position]
            path = self._heading_path(document, position)
            for depth in range(len(path)):
                key = (document.doc_id, path[: depth + 1])
                if key in named_sections:
                    named.setdefault(key, (depth, spelt_otherwise(key[1]), rank, document))
                    break
        for (doc_id, path), document in named_sections.items():
            named.setdefault((doc_id, path), (len(path) - 1, spelt_otherwise(path), len(ranked), document))
        by_priority = sorted(named.items(), key=lambda item: item[1][:3])
        for (_, path), (_, _, _, document) in by_priority[:_NAMED_SECTIONS_READ]:
            introduction = self._introduction(document, path, asked)
            if introduction is not None:
                return introduction
        return None

    def _sections_named(self) -> dict[frozenset[str], list[tuple[DocumentInfo, tuple[str, ...]]]]:
        """Every section's heading path, by the name terms of its heading, in corpus order; read once."""
        with self._sections_lock:
            if self._sections_by_name is None:
                sections = [
                    (document, tuple(path.split(PATH_SEPARATOR)))
                    for document in self.documents.values()
                    for path in dict.fromkeys(document.sections.paths)
                    if path
                ]
                headings = self.analyzer.tokenizer.tokenize_all(heading_name(path[-1]) for _, path in sections)
                by_name: dict[frozenset[str], list[tuple[DocumentInfo, tuple[str, ...]]]] = {}
                for section, terms in zip(sections, headings, strict=True):
                    if terms:
                        by_name.setdefault(frozenset(terms), []).append(section)
                self._sections_by_name = by_name
            return self._sections_by_name

    def _introduction(self, document: DocumentInfo, heading_path: tuple[str, ...], asked: NamedQuestion) -> int | None:
        """The first passage of the section at `heading_path` with a unit that answers `asked`: of its own text,
        else of its introduction ("Description", "Overview"), else of any subsection. None if none has one."""
        lead = anywhere = None
        positions = range(document.first_passage, document.first_passage + document.passage_count)
        paths = document.sections.paths
        joined = PATH_SEPARATOR.join(heading_path)
        opening = document.sections.starts[paths.index(joined)] if joined in paths else 0
        # The first passage ending past the section's heading: a page may have thousands before it.
        first = bisect.bisect_right(positions, opening, key=lambda position: self.passages[position].end)
        inside = False
        for position in positions[first:]:
            path = self._heading_path(document, position)
            if path[: len(heading_path)] != heading_path:
                if inside:
                    break  # a section's passages are consecutive: it is over
                continue
            inside = True
            if self._answering_unit(asked, self.passages[position].text, self._sentences(position)) is None:
                continue
            if path == heading_path:
                return position  # a section's own text comes before its subsections
            if lead is None and len(path) == len(heading_path) + 1 and is_lead_heading(path[-1]):
                lead = position
            if anywhere is None:
                anywhere = position
        return lead if lead is not None else anywhere

    @staticmethod
    def _answering_unit(asked: NamedQuestion, text: str, units: Sequence[SentenceTerms]) -> SentenceTerms | None:
        """The first unit of a passage (its `text` and `units`) with words in it that answers `asked`, if any."""
        return next(
            (unit for unit in units if unit.terms and asked.answered_by(text[unit.start : unit.end], unit.kind)),
            None,
        )

    def _heading_path(self, document: DocumentInfo, position: int) -> tuple[str, ...]:
        """The headings above the passage at `position`, outermost first; () outside any section."""
        section = document.section_of(self.passages[position])
        return tuple(section.split(PATH_SEPARATOR)) if section else ()

    def _name_terms(self, question: str, corrections: list[_Corrected]) -> frozenset[str]:
        """The question's name terms (see `Tokenizer.name_terms`), a misspelt name as corrected."""
        replaced = {item.term: item.replacement for item in corrections}
        return frozenset(replaced.get(term, term) for term in self.analyzer.tokenizer.name_terms(question))

    def _spelling(self, term: str, texts: Sequence[str]) -> str:
        """How the first of `texts` to hold it spells a word whose term is `term` ("Blinken"), else `term`."""
        for text in texts:
            for match in _WORD.finditer(text):
                if term in self.analyzer.tokenizer.tokenize(match.group()):
                    return match.group()
        return term

    def _ranked(
        self,
        position: int,
        score: float,
        bm25: float,
        weights: dict[str, float],
        wanted: str | None = None,
        words: Sequence[tuple[str, ...]] = (),
        asked: NamedQuestion | None = None,
    ) -> RankedPassage:
        """The passage at `position`, quoted by its best sentence, or by the unit that answers `asked` when it is
        the passage a question about a named thing is answered by."""
        passage = self.passages[position]
        document = self._document_of[position]
        sentences = self._sentences(position)
        first = self._answering_unit(asked, passage.text, sentences) if asked else None
        if first is not None:
            quote_start = first.start
            quote_end = with_its_list(sentences, sentences.index(first), first.start)
        else:
            quote_start, quote_end = best_quote(weights, sentences, wanted, words)
        return RankedPassage(
            passage=passage,
            title=document.title,
            passage_total=document.passage_count,
            score=score,
            quote_start=quote_start,
            quote_end=quote_end,
            bm25=bm25,
            source_url=document.source_url,
            section=document.section_of(passage),
            markdown=document.markdown,
            opening=document.opening_of(passage),
        )

    def _sentences(self, position: int) -> list[SentenceTerms]:
        """The sentences of a passage with their terms, offsets in its text."""
        cache = self._sentence_cache
        sentences = cache.get(position)
        if sentences is not None:
            cache.move_to_end(position)
            return sentences
        passage = self.passages[position]
        text = passage.text
        document = self._document_of[position]
        if document.markdown:
            units = quote_units(text, self.analyzer.splitter.spans, document.opening_of(passage))
            searched = [unit_searchable_text(text[unit.start : unit.end], unit.kind) for unit in units]
        else:
            units = [
                Unit("sentence", start, end, group)
                for group, (paragraph_start, paragraph_end) in enumerate(paragraph_spans(text))
                for start, end in self.analyzer.splitter.spans(text[paragraph_start:paragraph_end], paragraph_start)
            ]
            searched = [text[unit.start : unit.end] for unit in units]
        terms = self.analyzer.tokenizer.tokenize_many(searched)
        sentences = [
            SentenceTerms.of(
                unit.start,
                unit.end,
                unit_terms,
                quotable=unit.kind in QUOTABLE,
                group=unit.group,
                answer_types=answer_types_in(text[unit.start : unit.end]),
                kind=unit.kind,
                lead_in=unit.kind == "sentence" and text[unit.start : unit.end].rstrip().endswith(":"),
            )
            for unit, unit_terms in zip(units, terms, strict=True)
        ]
        cache[position] = sentences
        if len(cache) > _SENTENCE_CACHE_SIZE:
            cache.popitem(last=False)
        return sentences


def build_index(
    corpus: Path,
    *,
    analyzer: Analyzer | None = None,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    engine: EngineChoice = "auto",
    workers: int | None = None,
    forbidden_texts: Sequence[str] = (),
    progress: BuildProgress = no_progress,
) -> PassageIndex:
    """Read, split, tokenize and index a corpus, telling `progress` how far it has got.

    Documents holding any of `forbidden_texts` are skipped (see `load_corpus`).

    `engine` picks the BM25 engine ("auto": by passage count, see
    `index.ranking.choose_engine`); `workers` caps the tokenizing processes
    of a large build (default: the available CPUs).

    Raises `CorpusError` when the corpus is missing or has no usable document;
    unusable files are skipped and listed in `PassageIndex.warnings`.
    """
    with _older_objects_frozen():
        started = time.perf_counter()
        load = load_corpus(corpus, max_file_mb, forbidden_texts, progress)
        return _build_index(
            load.documents,
            load.skipped,
            label=str(corpus.resolve()),
            empty=f"no text to index in {corpus}: every document is empty or page furniture",
            analyzer=analyzer or Analyzer(),
            max_file_mb=max_file_mb,
            engine=engine,
            workers=workers,
            progress=progress,
            started=started,
        )


def build_index_from_documents(
    documents: Sequence[Document],
    *,
    label: str,
    analyzer: Analyzer | None = None,
    engine: EngineChoice = "auto",
    workers: int | None = None,
    progress: BuildProgress = no_progress,
) -> PassageIndex:
    """Split, tokenize and index documents already in memory (a knowledge base's, say).

    `label` names the index where a corpus index has its folder (`PassageIndex.corpus`).
    Raises `CorpusError` when the documents hold no text to index.
    """
    with _older_objects_frozen():
        return _build_index(
            list(documents),
            [],
            label=label,
            empty=f"no text to index in {label}: every document is empty or page furniture",
            analyzer=analyzer or Analyzer(),
            max_file_mb=DEFAULT_MAX_FILE_MB,
            engine=engine,
            workers=workers,
            progress=progress,
            started=time.perf_counter(),
        )


_paused_parses = 0
_collector_was_enabled = True
_paused_parses_lock = threading.Lock()


@contextmanager
def _collections_paused() -> Iterator[None]:
    """No garbage collection while a document is parsed; what the parse made is frozen after it.

    markdown-it makes several objects per token, all alive until the parse
    ends: on a page of 30,000 short sections, each full collection the parse
    triggered walked them all, up to 100 ms at a time with the GIL held.
    Frozen, they are still freed by reference counting once the passages are cut.
    """
    global _paused_parses, _collector_was_enabled
    with _paused_parses_lock:
        if _paused_parses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _paused_parses += 1
    try:
        yield
    finally:
        with _paused_parses_lock:
            _paused_parses -= 1
            if _paused_parses == 0:
                gc.freeze()
                if _collector_was_enabled:
                    gc.enable()


_frozen_builds = 0
# Passages between two freezes of a build's own objects, and per slice when freeing them.
_FREEZE_EVERY = 20_000
_frozen_builds_lock = threading.Lock()


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before a build out of the garbage collections during it.

    A large build allocates enough to trigger a full collection every few
    hundred milliseconds, and each one walks every object of the process (the
    bot's too) while holding the GIL: 40 to 90 ms each, stalling the event
    loop. Frozen objects are still freed by reference counting; only cycles
    among them wait for the end of the build to be collected.
    """
    global _frozen_builds
    with _frozen_builds_lock:
        if _frozen_builds == 0:
            gc.freeze()
        _frozen_builds += 1
    try:
        yield
    finally:
        with _frozen_builds_lock:
            _frozen_builds -= 1
            if _frozen_builds == 0:
                gc.unfreeze()


def _build_index(
    loaded: list[Document],
    skipped: list[Skipped],
    *,
    label: str,
    empty: str,
    analyzer: Analyzer,
    max_file_mb: float,
    engine: EngineChoice,
    workers: int | None,
    progress: BuildProgress,
    started: float,
) -> PassageIndex:
    documents: list[DocumentInfo] = []
    # Texts and spans rather than a Passage object per passage: a million small
    # objects would make each full garbage collection hold the GIL for half a
    # second, stalling the bot's event loop while it reindexes.
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    frozen_at = 0
    # What is tokenized: a Markdown passage's heading path joins its text, so a
    # question can match a section's title as well as its words.
    searchable: list[str] = []
    for number, document in enumerate(loaded):
        progress(SPLITTING, number, len(loaded))
        if document.markdown:
            cut, sections, openings, words = _split_markdown(document, analyzer.splitter)
            searchable.extend(words)
        else:
            cut = split_passages(document.doc_id, document.text, analyzer.splitter)
            sections, openings = NO_SECTIONS, ()
            searchable.extend(passage.text for passage in cut)
        documents.append(_info(document, len(texts), len(cut), sections, openings))
        texts.extend(passage.text for passage in cut)
        spans.extend((passage.start, passage.end) for passage in cut)
        if len(texts) - frozen_at >= _FREEZE_EVERY:
            # The lists grown so far leave the collections too: each one would visit their items.
            gc.freeze()
            frozen_at = len(texts)
    progress(SPLITTING, len(loaded), len(loaded))
    loaded.clear()  # the documents' texts: the passages' texts are what is needed
    if not texts:
        raise CorpusError(empty)
    stored_passages: Sequence[Passage]
    built_engine: Engine
    if choose_engine(engine, len(texts)) == "bm25s":
        stored_passages, built_engine = _large_index(texts, searchable, spans, documents, analyzer, workers, progress)
    else:
        stored_passages = [
            Passage(document.doc_id, ordinal, *spans[position], texts[position])
            for document in documents
            for ordinal, position in enumerate(
                range(document.first_passage, document.first_passage + document.passage_count), start=1
            )
        ]
        passage_terms = []
        for position, terms in enumerate(analyzer.tokenizer.tokenize_all(searchable)):
            if position % 1000 == 0:
                progress(TOKENIZING, position, len(searchable))
            passage_terms.append(terms)
        progress(TOKENIZING, len(searchable), len(searchable))
        built_engine = RankBM25Engine(passage_terms)
    _release(texts)
    _release(searchable)
    _release(spans)
    return PassageIndex(
        corpus=label,
        documents=documents,
        passages=stored_passages,
        engine=built_engine,
        analyzer=analyzer,
        built_at=time.time(),
        build_seconds=time.perf_counter() - started,
        skipped=skipped,
        max_file_mb=max_file_mb,
    )


def _split_markdown(
    document: Document, splitter: SentenceSplitter
) -> tuple[list[Passage], Sections, tuple[tuple[int, str], ...], list[str]]:
    """A Markdown document's passages, its sections, its passages' block openings and what each passage is
    found by, from one parse of it."""
    text = document.text
    with _collections_paused():
        parsed = parse_blocks(text)
    blocks = markdown_blocks(text, mdx=is_mdx(document.doc_id), parsed=parsed)
    cut = split_markdown_passages(document.doc_id, text, splitter, blocks=blocks)
    sections = markdown_sections(text, parsed)
    openings = block_openings(text, blocks, [passage.start for passage in cut])
    words = searchable_texts(text, parsed, blocks, [(passage.start, passage.end) for passage in cut])
    searchable = [_searchable(sections.path_at(p.end - 1), w) for p, w in zip(cut, words, strict=True)]
    # A page of 30,000 short sections has some 250,000 tokens: freed at once, they held the GIL for 40 ms.
    _release(parsed.tokens)
    _release(blocks)
    return cut, sections, openings, searchable


def _release(items: list[Any]) -> None:
    """Empty a big list a slice at a time: freeing a million items at once holds the GIL for 100 ms or more."""
    while items:
        del items[-_FREEZE_EVERY:]


def _searchable(section: str, text: str) -> str:
    """The words a passage is found by: its heading path, if any, and its text."""
    return f"{section}\n{text}" if section else text


def _large_index(
    texts: list[str],
    searchable: list[str],
    spans: list[tuple[int, int]],
    documents: list[DocumentInfo],
    analyzer: Analyzer,
    workers: int | None,
    progress: BuildProgress,
) -> tuple[Sequence[Passage], Engine]:
    """bm25s over passages tokenized in worker processes, and the passages packed into arrays."""
    from index.bm25s_engine import Bm25sEngine
    from index.bulk import tokenize_passages
    from index.passage_store import PassageStore

    counts = tokenize_passages(searchable, analyzer.tokenizer, workers, progress)
    engine = Bm25sEngine.from_counts(counts)
    del counts
    store = PassageStore.from_texts(
        texts,
        spans,
        [document.doc_id for document in documents],
        [document.first_passage for document in documents],
    )
    return store, engine


def _info(
    document: Document,
    first_passage: int,
    passage_count: int,
    sections: Sections,
    openings: tuple[tuple[int, str], ...],
) -> DocumentInfo:
    return DocumentInfo(
        doc_id=document.doc_id,
        title=document.title,
        sha256=document.sha256,
        size=document.size,
        mtime_ns=document.mtime_ns,
        first_passage=first_passage,
        passage_count=passage_count,
        encoding=document.encoding,
        source_url=document.source_url,
        sections=sections,
        markdown=document.markdown,
        openings=openings,
    )
