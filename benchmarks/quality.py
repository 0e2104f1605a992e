"""Answer quality on three corpora, through the real command line.

Corpora (`--corpus`, default all):

- squad: SQuAD 2.0 dev, scored on answer spans as described below;
- article: the bundled article (corpus/article.txt) with
  seed-questions-public.json;
- mkdocs: MkDocs' documentation with mkdocs-questions.json;
- mkdocs-web: the same documentation built into a web site (benchmarks/web_site.py:
  each page rendered to HTML with a navigation bar, a table of contents, permalinks
  and a footer), with the same questions. quotebot reads the `.html` pages; a second
  quotebot row reads their plain text, one paragraph per line, as quotebot read web
  pages before it kept their structure; the peers rank that plain text.

For the two question sets, `quotebot ask --json --top-k 3` answers every
question, and a passage or quote "holds the answer" when it contains the
question's `answer` text, case, whitespace and curly quotes folded. Reported:
top-1 (the top passage holds it; a refusal is a miss), quote@1 (the bold
quote holds it), top-3 (one of the first three passages does) and refused
(the share of unanswerable questions refused), with the median length of
quotebot's top quotes, since a longer quote holds an answer more often. The peers rank the same files
cut at blank lines, and never refuse: naive rank-bm25 (BM25Okapi over
`lower().split()` tokens) and bm25s with Snowball stems and English
stopwords.

SQuAD:

Each Wikipedia article of the file is its own corpus: a .txt document with
its paragraphs separated by blank lines. Its answerable questions, and the
answerable questions of every other article, are asked in one batch through
`quotebot ask --json` reading stdin. Reported, per article and overall:

- passage@1: the top passage's [start, end) span holds a gold answer's span
  (a refused question is a miss); "ranked" is the same without refusals, as a
  second run at confidence 0 shows it, comparable with peers that never refuse;
- quote@1: the top passage's quote holds a gold answer's span; quote chars is
  the mean length of those quotes;
- passage chars: the mean length of the corpus's passages, next to the mean
  length of the gold paragraphs (and the mean length of the top passages);
- found: the share of the article's own questions that are answered;
- refused: the share of the other articles' questions that are refused, at
  the same confidence threshold.

The same run reports naive rank-bm25 as a peer: BM25Okapi over the gold
paragraphs with `lower().split()` tokens, as rank-bm25's README shows; its
passage@1 is the share of questions whose top paragraph is the gold one.

Your own documentation: `--docs FOLDER --questions FILE` measures that folder
instead, as the mkdocs set is measured. The question file has mkdocs-questions.json's
shape: `{"answerable": [{"q": ..., "answer": ...}, ...], "unanswerable": [...]}`.
benchmarks/questions/npm-docs.json is one, for the documentation npm installs with
itself (see benchmarks/questions/README.md).

    python benchmarks/quality.py [--corpus squad|article|mkdocs|mkdocs-web|all] [--squad SQUAD_JSON]
                                 [--docs FOLDER --questions FILE] [--min-confidence X] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi
from web_site import build_site

from index.sections import MARKDOWN_SUFFIXES

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
DEFAULT_SQUAD = EVAL_DIR / "squad-dev-v2.0-public.json"
QUESTION_SETS = {
    "article": (REPO_ROOT / "corpus", EVAL_DIR / "seed-questions-public.json"),
    "mkdocs": (EVAL_DIR / "mkdocs-docs", EVAL_DIR / "mkdocs-questions.json"),
    "mkdocs-web": (EVAL_DIR / "mkdocs-docs", EVAL_DIR / "mkdocs-questions.json"),
}
"""Corpus folder and question file of each question-set corpus."""
WEB_SETS = frozenset({"mkdocs-web"})
"""Question sets asked of their folder built into a web site."""
PEER_SUFFIXES = (".txt", *MARKDOWN_SUFFIXES)
"""The documents the peers read: quotebot's, but for HTML pages, which they can't extract."""
PARAGRAPH_SEPARATOR = "\n\n"

TARGET_PASSAGE_AT_1 = 0.80
TARGET_QUOTE_AT_1 = 0.69
TARGET_FOUND = 0.95
TARGET_REFUSED = 0.85


@dataclass(frozen=True, slots=True)
class Question:
    """An answerable SQuAD question with its gold answer spans in the article's document."""

    text: str
    paragraph: int
    """Index of the gold paragraph in the article."""
    answers: tuple[tuple[int, int], ...]
    """`[start, end)` of each gold answer in the document's text."""


@dataclass(frozen=True, slots=True)
class Article:
    """One SQuAD article as a one-document corpus."""

    title: str
    paragraphs: tuple[str, ...]
    questions: tuple[Question, ...]

    @property
    def document(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


@dataclass(slots=True)
class Scores:
    """Counts for one article (or all of them); the rates are derived."""

    article: str
    questions: int = 0
    passage_hits: int = 0
    ranked_passage_hits: int = 0
    quote_hits: int = 0
    found: int = 0
    foreign_questions: int = 0
    refused: int = 0
    naive_bm25_hits: int = 0
    passage_count: int = 0
    passage_chars: int = 0
    top_passage_count: int = 0
    top_passage_chars: int = 0
    quote_chars: int = 0
    gold_paragraphs: int = 0
    gold_paragraph_chars: int = 0
    seconds: float = 0.0
    rates: dict[str, float] = field(default_factory=dict)

    def add(self, other: Scores) -> None:
        for name in (
            "questions",
            "passage_hits",
            "ranked_passage_hits",
            "quote_hits",
            "found",
            "foreign_questions",
            "refused",
            "naive_bm25_hits",
            "passage_count",
            "passage_chars",
            "top_passage_count",
            "top_passage_chars",
            "quote_chars",
            "gold_paragraphs",
            "gold_paragraph_chars",
            "seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> Scores:
        self.rates = {
            "passage_at_1": _share(self.passage_hits, self.questions),
            "ranked_passage_at_1": _share(self.ranked_passage_hits, self.questions),
            "quote_at_1": _share(self.quote_hits, self.questions),
            "found": _share(self.found, self.questions),
            "refused": _share(self.refused, self.foreign_questions),
            "naive_bm25_passage_at_1": _share(self.naive_bm25_hits, self.questions),
            "mean_passage_chars": _share(self.passage_chars, self.passage_count),
            "mean_top_passage_chars": _share(self.top_passage_chars, self.top_passage_count),
            "mean_quote_chars": _share(self.quote_chars, self.top_passage_count),
            "mean_gold_paragraph_chars": _share(self.gold_paragraph_chars, self.gold_paragraphs),
        }
        return self


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def load_articles(path: Path) -> list[Article]:
    """The articles of a SQuAD 2.0 file, keeping answerable questions only."""
    data = json.loads(path.read_text(encoding="utf-8"))
    articles = []
    for article in data["data"]:
        paragraphs: list[str] = []
        questions: list[Question] = []
        offset = 0
        for number, paragraph in enumerate(article["paragraphs"]):
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or not qa["answers"] or not qa["question"].strip():
                    continue
                spans = {
                    (offset + answer["answer_start"], offset + answer["answer_start"] + len(answer["text"]))
                    for answer in qa["answers"]
                }
                questions.append(Question(" ".join(qa["question"].split()), number, tuple(sorted(spans))))
            paragraphs.append(context)
            offset += len(context) + len(PARAGRAPH_SEPARATOR)
        articles.append(Article(article["title"], tuple(paragraphs), tuple(questions)))
    return articles


def ask_cli(
    corpus: Path, index_dir: Path, questions: Sequence[str], min_confidence: float | None, top_k: int = 1
) -> list[dict[str, Any]]:
    """Answers from `quotebot ask --json` in batch mode, one per question."""
    command = [sys.executable, "-m", "bot", "ask", "--json", "--top-k", str(top_k)]
    command += ["--corpus", str(corpus), "--index-dir", str(index_dir)]
    if min_confidence is not None:
        command += ["--min-confidence", str(min_confidence)]
    # The benchmark measures the defaults: no .env (cwd is a temp dir) and no QUOTEBOT_* overrides.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("QUOTEBOT_")}
    # This checkout's quotebot, whichever one the interpreter has installed: the benchmark measures the code beside it.
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
    completed = subprocess.run(
        command,
        input="".join(question + "\n" for question in questions),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=index_dir,
        env=environment,
        check=False,
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    if completed.returncode != 0 or len(answers) != len(questions):
        raise RuntimeError(
            f"quotebot ask exited with {completed.returncode} and {len(answers)} answers "
            f"for {len(questions)} questions:\n{completed.stderr.strip()}"
        )
    return answers


def passage_spans(corpus: Path, index_dir: Path) -> list[tuple[int, int]]:
    """`[start, end)` of every passage of the one-document corpus, from the persisted index's owner."""
    from index.store import open_index

    index = open_index(corpus, index_dir).index
    return [(passage.start, passage.end) for passage in index.passages]


def _holds(span: tuple[int, int], answers: Sequence[tuple[int, int]]) -> bool:
    start, end = span
    return any(start <= answer_start and answer_end <= end for answer_start, answer_end in answers)


def _quote_span(passage: dict[str, Any]) -> tuple[int, int] | None:
    """The quote's span in the document; the quote is a substring of the passage text."""
    offset = passage["text"].find(passage["quote"]) if passage["quote"] else -1
    if offset < 0:
        return None
    start = passage["start"] + offset
    return start, start + len(passage["quote"])


def naive_bm25_hits(article: Article) -> int:
    """How many questions naive rank-bm25 puts the gold paragraph first for."""
    bm25 = BM25Okapi([paragraph.lower().split() for paragraph in article.paragraphs])
    hits = 0
    for question in article.questions:
        scores = bm25.get_scores(question.text.lower().split())
        hits += int(int(np.argmax(scores)) == question.paragraph)
    return hits


def evaluate(article: Article, others: Sequence[Article], workdir: Path, min_confidence: float | None) -> Scores:
    """Score one article's corpus on its own questions and the other articles' questions."""
    corpus = workdir / article.title / f"{article.title}.txt"
    corpus.parent.mkdir(parents=True)
    corpus.write_text(article.document, encoding="utf-8", newline="\n")
    index_dir = workdir / article.title / "index"
    index_dir.mkdir()
    own = [question.text for question in article.questions]
    foreign = [question.text for other in others for question in other.questions]

    started = time.perf_counter()
    answers = ask_cli(corpus.parent, index_dir, own + foreign, min_confidence)
    scores = Scores(article.title, seconds=time.perf_counter() - started)
    unrefused = ask_cli(corpus.parent, index_dir, own, 0.0)
    scores.ranked_passage_hits = sum(
        bool(answer["passages"]) and _holds((answer["passages"][0]["start"], answer["passages"][0]["end"]), q.answers)
        for q, answer in zip(article.questions, unrefused, strict=True)
    )

    spans = passage_spans(corpus.parent, index_dir)
    scores.passage_count = len(spans)
    scores.passage_chars = sum(end - start for start, end in spans)
    scores.gold_paragraphs = len(article.paragraphs)
    scores.gold_paragraph_chars = sum(len(paragraph) for paragraph in article.paragraphs)

    for question, answer in zip(article.questions, answers[: len(own)], strict=True):
        scores.questions += 1
        if not answer["found"]:  # a refusal is a miss
            continue
        scores.found += 1
        top = answer["passages"][0]
        scores.top_passage_count += 1
        scores.top_passage_chars += top["end"] - top["start"]
        scores.quote_chars += len(top["quote"] or "")
        scores.passage_hits += _holds((top["start"], top["end"]), question.answers)
        quote = _quote_span(top)
        scores.quote_hits += quote is not None and _holds(quote, question.answers)
    scores.foreign_questions = len(foreign)
    scores.refused = sum(not answer["found"] for answer in answers[len(own) :])
    scores.naive_bm25_hits = naive_bm25_hits(article)
    return scores.finish()


def run(squad: Path, min_confidence: float | None) -> tuple[list[Scores], Scores]:
    articles = load_articles(squad)
    rows = []
    total = Scores("**all**")
    with tempfile.TemporaryDirectory(prefix="quotebot-quality-") as workdir:
        for article in articles:
            others = [other for other in articles if other is not article]
            row = evaluate(article, others, Path(workdir), min_confidence)
            rows.append(row)
            total.add(row)
    return rows, total.finish()


@dataclass(slots=True)
class SetScores:
    """One system's counts on a question set; the rates are derived."""

    system: str
    answerable: int = 0
    top_1: int = 0
    quote_1: int | None = 0
    """None for the peers, which have no quotes."""
    top_3: int = 0
    quote_chars: list[int] = field(default_factory=list)
    """The length of each answered question's top quote."""
    unanswerable: int = 0
    refused: int | None = 0
    """None for the peers, which never refuse."""
    misses: list[str] = field(default_factory=list)
    """Answerable questions whose top passage doesn't hold the answer."""

    def rates(self) -> dict[str, float | None]:
        return {
            "top_1": _share(self.top_1, self.answerable),
            "quote_at_1": None if self.quote_1 is None else _share(self.quote_1, self.answerable),
            "top_3": _share(self.top_3, self.answerable),
            # No unanswerable questions, nothing to refuse: no rate rather than 0.
            "refused": (
                None if self.refused is None or not self.unanswerable else _share(self.refused, self.unanswerable)
            ),
        }


def fold(text: str) -> str:
    """Case, whitespace and curly quotes folded, as the question files compare."""
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return " ".join(text.lower().split())


def blank_line_paragraphs(corpus: Path) -> list[str]:
    """The corpus's files cut at blank lines, as the peers index them."""
    paragraphs = []
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix.lower() in PEER_SUFFIXES:
            text = path.read_text(encoding="utf-8")
            paragraphs += [chunk for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    return paragraphs


def naive_rank_bm25_ranking(paragraphs: Sequence[str], questions: Sequence[str], k: int) -> list[list[int]]:
    bm25 = BM25Okapi([paragraph.lower().split() for paragraph in paragraphs])
    return [list(np.argsort(-bm25.get_scores(question.lower().split()), kind="stable")[:k]) for question in questions]


def bm25s_ranking(paragraphs: Sequence[str], questions: Sequence[str], k: int) -> list[list[int]]:
    import bm25s
    from nltk.stem.snowball import SnowballStemmer

    snowball = SnowballStemmer("english")

    def stem_words(words: list[str]) -> list[str]:
        return [snowball.stem(word) for word in words]

    def tokens(texts: Sequence[str]) -> list[list[str]]:
        return bm25s.tokenize(list(texts), stopwords="en", stemmer=stem_words, return_ids=False, show_progress=False)

    retriever = bm25s.BM25()
    retriever.index(tokens(paragraphs), show_progress=False)
    rankings = []
    for question_tokens in tokens(questions):
        if not question_tokens:  # every word a stopword
            rankings.append([])
            continue
        ids, _ = retriever.retrieve([question_tokens], k=min(k, len(paragraphs)), show_progress=False)
        rankings.append([int(index) for index in ids[0]])
    return rankings


def quotebot_row(
    system: str,
    corpus: Path,
    index_dir: Path,
    answerable: Sequence[tuple[str, str]],
    unanswerable: Sequence[str],
    min_confidence: float | None,
) -> SetScores:
    """quotebot's scores on one corpus, asked through the command line with `--top-k 3`."""
    index_dir.mkdir()
    answers = ask_cli(corpus, index_dir, [q for q, _ in answerable] + list(unanswerable), min_confidence, 3)
    row = SetScores(system, len(answerable), unanswerable=len(unanswerable))
    for (question, answer), reply in zip(answerable, answers, strict=False):
        passages = reply["passages"] if reply["found"] else []
        holds = [answer in fold(passage["text"]) for passage in passages]
        row.top_1 += bool(holds) and holds[0]
        row.quote_1 += bool(passages) and answer in fold(passages[0]["quote"] or "")
        row.quote_chars += [len(passages[0]["quote"] or "")] if passages else []
        row.top_3 += any(holds[:3])
        if not (holds and holds[0]):
            row.misses.append(question)
    row.refused = sum(not reply["found"] for reply in answers[len(answerable) :])
    return row


def write_plain_text(site: Path, target: Path) -> None:
    """Each page's main text as trafilatura's plain text, each line a paragraph: how quotebot read pages before."""
    import trafilatura

    for page in sorted(site.rglob("*.html")):
        text = trafilatura.extract(
            page.read_text(encoding="utf-8"), favor_precision=True, include_comments=False, include_tables=True
        )
        lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
        destination = target / page.relative_to(site).with_suffix(".txt")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(PARAGRAPH_SEPARATOR.join(lines) + "\n", encoding="utf-8")


def read_question_file(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The answerable questions (with their folded answers) and the unanswerable ones of a question file.

    Raises `RuntimeError` when the file can't be read or hasn't mkdocs-questions.json's shape.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        answerable = [(str(item["q"]), fold(str(item["answer"]))) for item in data["answerable"]]
        unanswerable = [str(question) for question in data["unanswerable"]]
    except (OSError, UnicodeDecodeError) as error:
        raise RuntimeError(f"can't read the question file {path}: {error}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise RuntimeError(
            f'{path} is not a question file: it needs "answerable" ([{{"q": ..., "answer": ...}}]) '
            f'and "unanswerable" ([questions]) ({type(error).__name__}: {error})'
        ) from None
    if not answerable:
        raise RuntimeError(f"{path} has no answerable questions")
    return answerable, unanswerable


def evaluate_question_set(
    name: str, min_confidence: float | None, sources: tuple[Path, Path] | None = None
) -> list[SetScores]:
    """quotebot and its peers on one question-set corpus: a named one, or the (folder, question file) `sources`.

    For a web set, the Markdown folder is first built into a web site (see `web_site.build_site`): quotebot reads
    the pages, and again their plain text; the peers read the plain text.
    """
    corpus, question_file = sources or QUESTION_SETS[name]
    answerable, unanswerable = read_question_file(question_file)
    with tempfile.TemporaryDirectory(prefix="quotebot-quality-") as workdir:
        work = Path(workdir)
        if sources is None and name in WEB_SETS:
            site, plain = work / "site", work / "plain"
            build_site(corpus, site)
            write_plain_text(site, plain)
            systems = [("quotebot", site), ("quotebot, the pages' plain text", plain)]
            corpus = plain
        else:
            systems = [("quotebot", corpus)]
        rows = [
            quotebot_row(system, folder, work / f"index-{number}", answerable, unanswerable, min_confidence)
            for number, (system, folder) in enumerate(systems)
        ]
        paragraphs = blank_line_paragraphs(corpus)
    folded = [fold(paragraph) for paragraph in paragraphs]
    for system, rank in (("naive rank-bm25", naive_rank_bm25_ranking), ("bm25s, stems + stopwords", bm25s_ranking)):
        peer = SetScores(system, len(answerable), quote_1=None, unanswerable=len(unanswerable), refused=None)
        for (_, answer), ranking in zip(answerable, rank(paragraphs, [q for q, _ in answerable], 3), strict=True):
            holds = [answer in folded[index] for index in ranking]
            peer.top_1 += bool(holds) and holds[0]
            peer.top_3 += any(holds)
        rows.append(peer)
    return rows


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def question_set_markdown(name: str, rows: Sequence[SetScores]) -> str:
    first = rows[0]
    lines = [
        f"{name}: {first.answerable} answerable questions, {first.unanswerable} unanswerable",
        "",
        "| system | top-1 | quote@1 | top-3 | refused | median quote chars |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        rates = row.rates()
        lines.append(
            f"| {row.system} | {_rate(rates['top_1'])} | {_rate(rates['quote_at_1'])} "
            f"| {_rate(rates['top_3'])} | {_rate(rates['refused'])} "
            f"| {round(statistics.median(row.quote_chars)) if row.quote_chars else '–'} |"
        )
    if first.misses:
        lines += ["", "quotebot's top-1 misses:", *(f"- {question}" for question in first.misses)]
    return "\n".join(lines)


def targets(total: Scores) -> list[tuple[str, str, bool]]:
    """`(target, measured, met)` for each of the issue's targets."""
    rates = total.rates
    return [
        (
            f"passage@1 ≥ {TARGET_PASSAGE_AT_1:.2f}",
            f"{rates['passage_at_1']:.3f}",
            rates["passage_at_1"] >= TARGET_PASSAGE_AT_1,
        ),
        (
            "mean passage chars ≤ gold paragraphs'",
            f"{rates['mean_passage_chars']:.0f} ≤ {rates['mean_gold_paragraph_chars']:.0f}",
            rates["mean_passage_chars"] <= rates["mean_gold_paragraph_chars"],
        ),
        (f"quote@1 ≥ {TARGET_QUOTE_AT_1:.2f}", f"{rates['quote_at_1']:.3f}", rates["quote_at_1"] >= TARGET_QUOTE_AT_1),
        (f"found ≥ {TARGET_FOUND:.2f}", f"{rates['found']:.3f}", rates["found"] >= TARGET_FOUND),
        (f"refused ≥ {TARGET_REFUSED:.2f}", f"{rates['refused']:.3f}", rates["refused"] >= TARGET_REFUSED),
    ]


def markdown(rows: Sequence[Scores], total: Scores, min_confidence: float, analyzer: str) -> str:
    lines = [
        f"quotebot answer quality on SQuAD 2.0 dev (answerable questions; min confidence {min_confidence}; "
        f"analyzer {analyzer})",
        "",
        "| article | questions | passage@1 | passage@1 ranked | quote@1 | found | refused | passages | mean chars "
        "| top-1 chars | quote chars | gold chars | naive rank-bm25 passage@1 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in [*rows, total]:
        rates = row.rates
        lines.append(
            f"| {row.article} | {row.questions} | {rates['passage_at_1']:.3f} | {rates['ranked_passage_at_1']:.3f} "
            f"| {rates['quote_at_1']:.3f} "
            f"| {rates['found']:.3f} | {rates['refused']:.3f} | {row.passage_count} "
            f"| {rates['mean_passage_chars']:.0f} | {rates['mean_top_passage_chars']:.0f} "
            f"| {rates['mean_quote_chars']:.0f} "
            f"| {rates['mean_gold_paragraph_chars']:.0f} | {rates['naive_bm25_passage_at_1']:.3f} |"
        )
    lines += ["", "| target | measured | result |", "|---|--:|---|"]
    lines += [f"| {target} | {measured} | {'PASS' if met else 'FAIL'} |" for target, measured, met in targets(total)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from index.answers import DEFAULT_MIN_CONFIDENCE
    from index.passage_index import Analyzer

    parser = argparse.ArgumentParser(description="Measure quotebot's answer quality on SQuAD, the article and MkDocs.")
    parser.add_argument(
        "--corpus",
        choices=("all", "squad", *QUESTION_SETS),
        default="all",
        help="which corpus to measure (default: all three)",
    )
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD, help="SQuAD 2.0 JSON file")
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        help=f"confidence threshold passed to quotebot (default: quotebot's own, {DEFAULT_MIN_CONFIDENCE})",
    )
    parser.add_argument("--docs", type=Path, help="measure this documentation folder instead (with --questions)")
    parser.add_argument("--questions", type=Path, help="the question file for --docs, shaped as mkdocs-questions.json")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    arguments = parser.parse_args(argv)
    own: tuple[Path, Path] | None = None
    if (arguments.docs is None) != (arguments.questions is None):
        parser.error("--docs and --questions go together")
    if arguments.docs is not None:
        if not arguments.docs.is_dir():
            parser.error(f"--docs: no folder at {arguments.docs}")
        if not arguments.questions.is_file():
            parser.error(f"--questions: no file at {arguments.questions}")
        own = (arguments.docs, arguments.questions)
        names = [arguments.questions.stem]
    else:
        names = ["squad", *QUESTION_SETS] if arguments.corpus == "all" else [arguments.corpus]
    if own is None and "squad" in names and not arguments.squad.is_file():
        print(f"quality: error: no SQuAD file at {arguments.squad}", file=sys.stderr)
        return 2
    threshold = DEFAULT_MIN_CONFIDENCE if arguments.min_confidence is None else arguments.min_confidence
    analyzer = Analyzer().fingerprint
    report: dict[str, Any] = {"min_confidence": threshold, "analyzer": analyzer}
    sections = []
    met = True
    try:
        for name in names:
            if own is None and name == "squad":
                rows, total = run(arguments.squad, arguments.min_confidence)
                met = all(ok for _, _, ok in targets(total))
                report["squad"] = {
                    "file": str(arguments.squad),
                    "articles": [asdict(row) for row in rows],
                    "overall": asdict(total),
                    "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(total)],
                    "pass": met,
                }
                sections.append(markdown(rows, total, threshold, analyzer))
            else:
                set_rows = evaluate_question_set(name, arguments.min_confidence, own)
                report[name] = [{**asdict(row), "rates": row.rates()} for row in set_rows]
                sections.append(question_set_markdown(name, set_rows))
    except RuntimeError as error:
        print(f"quality: error: {error}", file=sys.stderr)
        return 1
    if arguments.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(sections))
    # Only SQuAD has pass/fail targets of its own here; the question sets are reported.
    return 0 if met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    raise SystemExit(main())
