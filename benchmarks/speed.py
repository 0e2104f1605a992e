"""Speed of quotebot at 1k to 1M passages, against naive rank-bm25 and bm25s, and under load.

For each size of a deterministic synthetic corpus (`benchmarks/synthetic.py`:
seeded, a Zipfian vocabulary of 50k made-up words, passages of ~60 words)
it measures, each step in a fresh process:

- quotebot (engine "auto", plus the other engine at 1k and 10k to show the
  crossover): build time (read, split, tokenize, index), persisted size,
  load time of the persisted index, query latency p50/p99 end to end
  (`PassageIndex.ask`: tokenize, score, top-k, re-rank, quote) for questions
  of 3 to 8 words, and peak RSS (build, with its worker processes, and serve);
- naive rank-bm25: `BM25Okapi` over `lower().split()` tokens, `get_top_n`;
- bm25s with its own tokenizer (`bm25s.tokenize`, English stopwords) and
  `retrieve` on the numpy backend, saved and loaded (mmap) with its own
  `save`/`load`.

Peers are capped in time and memory, and reported "not measured (why)"
rather than hanging the run. It also measures the single article (cold
start of `quotebot ask` in a new process against `python -c "import nltk,
rank_bm25"`, and the in-process answer time), and the bot under load: the
worst event-loop stall while the bot's `IndexService` reindexes the largest
corpus and 50 questions at a time are asked. Last, the "hostile documents"
table (`benchmarks/hostile.py`): build time of 1 MB of base64, 1 MB without
sentence ends and 1 MB of prose, and the event-loop stalls while each builds
in a thread.

    python benchmarks/speed.py [--sizes 1k,10k,100k,1m] [--skip-1m] [--output benchmarks/speed.md]
    python benchmarks/speed.py --only hostile [--hostile-mb 1] [--hostile-repeat 5]

The table is printed and written to `benchmarks/speed.md` (`--only` prints only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.synthetic import SyntheticSpec, questions, write_corpus  # noqa: E402

ARTICLE = REPO_ROOT / "corpus" / "article.txt"
ARTICLE_QUESTIONS = (
    "Who did Blinken meet in Saudi Arabia?",
    "What did Blinken say about a cease-fire in Gaza?",
    "Where did the Secretary of State travel?",
    "Were hostages released?",
    "What is Iran's role?",
    "What did Netanyahu say?",
    "Is humanitarian aid reaching Gaza?",
    "Which countries will Blinken visit next?",
)
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DEFAULT_QUERIES = 300
WARMUP_QUERIES = 5
PEER_QUERY_SECONDS = 60.0
LOAD_WAVE = 50
LOAD_PROBE_INTERVAL = 0.005
MB = 1024 * 1024

TARGETS_100K = {"p50_ms": 15.0, "p99_ms": 50.0, "speedup": 8.0, "load_s": 1.0, "rss_mb": 1536.0}
TARGETS_1M = {"build_s": 600.0, "p50_ms": 100.0, "rss_mb": 8192.0}
TARGET_COLD_START_RATIO = 1.5
TARGET_ANSWER_MS = 2.0
TARGET_STALL_MS = 100.0


# ---------------------------------------------------------------- child side


def _peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def _latencies(run: Any, items: Sequence[str], budget_seconds: float | None = None) -> dict[str, float]:
    """p50/p99/mean in ms of `run(item)` over `items` (after a few warm-up calls), within an optional budget."""
    for item in items[:WARMUP_QUERIES]:
        run(item)
    samples: list[float] = []
    started = time.perf_counter()
    for item in items:
        begin = time.perf_counter()
        run(item)
        samples.append((time.perf_counter() - begin) * 1000)
        if budget_seconds is not None and time.perf_counter() - started > budget_seconds:
            break
    array = np.array(samples)
    return {
        "p50_ms": float(np.percentile(array, 50)),
        "p99_ms": float(np.percentile(array, 99)),
        "mean_ms": float(array.mean()),
        "queries": len(samples),
    }


def _folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def _paragraphs(corpus: Path) -> list[str]:
    """The corpus's paragraphs, as a peer without quotebot's splitter sees them."""
    texts: list[str] = []
    for path in sorted(corpus.rglob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if paragraph.strip() and not paragraph.startswith("#"):
                texts.append(paragraph.strip())
    return texts


def child_quotebot_build(corpus: Path, index_dir: Path, engine: str) -> dict[str, Any]:
    from index.passage_index import build_index
    from index.store import index_path, save_index

    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    index = build_index(corpus, engine=engine)  # type: ignore[arg-type]
    build_seconds = time.perf_counter() - started
    path = index_path(index_dir, corpus)
    started = time.perf_counter()
    save_index(index, path)
    save_seconds = time.perf_counter() - started
    persisted = sum(_folder_bytes(item) for item in index_dir.iterdir())
    return {
        "engine": index.engine.name,
        "passages": len(index.passages),
        "vocabulary": index.vocabulary_size,
        "build_s": build_seconds,
        "save_s": save_seconds,
        "persisted_mb": persisted / MB,
        "rss_build_mb": max(_peak_rss_mb(), _peak_rss_mb(children=True)),
    }


def child_quotebot_query(corpus: Path, index_dir: Path, size: int, count: int) -> dict[str, Any]:
    from index.passage_index import Analyzer
    from index.store import index_path, load_index

    analyzer = Analyzer()
    started = time.perf_counter()
    index = load_index(index_path(index_dir, corpus), analyzer)
    load_seconds = time.perf_counter() - started
    asked = questions(SyntheticSpec(size), count)
    found = sum(index.ask(question).found for question in asked[:50])
    result = _latencies(index.ask, asked)
    return result | {
        "engine": index.engine.name,
        "load_s": load_seconds,
        "found_of_50": found,
        "rss_serve_mb": _peak_rss_mb(),
    }


def child_rank_bm25(corpus: Path, size: int, count: int) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    texts = _paragraphs(corpus)
    bm25 = BM25Okapi([text.lower().split() for text in texts])
    build_seconds = time.perf_counter() - started
    asked = questions(SyntheticSpec(size), count)
    result = _latencies(
        lambda question: bm25.get_top_n(question.lower().split(), texts, n=3), asked, PEER_QUERY_SECONDS
    )
    return result | {"build_s": build_seconds, "rss_build_mb": _peak_rss_mb(), "rss_serve_mb": _peak_rss_mb()}


def child_bm25s_build(corpus: Path, index_dir: Path) -> dict[str, Any]:
    import bm25s

    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    texts = _paragraphs(corpus)
    retriever = bm25s.BM25(backend="numpy")
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    build_seconds = time.perf_counter() - started
    retriever.save(str(index_dir), corpus=texts, show_progress=False)
    return {
        "build_s": build_seconds,
        "persisted_mb": _folder_bytes(index_dir) / MB,
        "rss_build_mb": _peak_rss_mb(),
    }


def child_bm25s_query(index_dir: Path, size: int, count: int) -> dict[str, Any]:
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25.load(str(index_dir), mmap=True, load_corpus=True, show_progress=False)
    load_seconds = time.perf_counter() - started

    def ask(question: str) -> Any:
        tokens = bm25s.tokenize(question, stopwords="en", show_progress=False, return_ids=False)
        return retriever.retrieve(tokens, corpus=retriever.corpus, k=3, show_progress=False)

    result = _latencies(ask, questions(SyntheticSpec(size), count))
    return result | {"load_s": load_seconds, "rss_serve_mb": _peak_rss_mb()}


def child_article() -> dict[str, Any]:
    """In-process answer time on the bundled article: first asks (cold caches) and repeated ones."""
    from index.passage_index import build_index

    index = build_index(ARTICLE)
    first = []
    for question in ARTICLE_QUESTIONS:
        begin = time.perf_counter()
        index.ask(question)
        first.append((time.perf_counter() - begin) * 1000)
    repeated = _latencies(index.ask, list(ARTICLE_QUESTIONS) * 50)
    return {"first_p50_ms": statistics.median(first), "first_max_ms": max(first)} | repeated


def child_load(corpus: Path, index_dir: Path, size: int) -> dict[str, Any]:
    """The bot's index service: reindex `corpus` while waves of 50 questions run; the worst loop stall."""
    from bot.index_service import IndexService, corpus_rebuild
    from index.passage_index import Analyzer
    from index.store import index_path, load_index

    index = load_index(index_path(index_dir, corpus), Analyzer())
    rebuild_dir = index_dir.parent / (index_dir.name + "-reindex")
    shutil.rmtree(rebuild_dir, ignore_errors=True)
    service = IndexService(index, corpus_rebuild(corpus, rebuild_dir))
    asked = questions(SyntheticSpec(size), 2000, seed=11)

    async def run() -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        stalls: list[float] = []
        latencies: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            while not stop.is_set():
                expected = loop.time() + LOAD_PROBE_INTERVAL
                await asyncio.sleep(LOAD_PROBE_INTERVAL)
                stalls.append(max(0.0, loop.time() - expected) * 1000)

        async def timed_ask(question: str) -> None:
            begin = time.perf_counter()
            await service.ask(question)
            latencies.append((time.perf_counter() - begin) * 1000)

        async def waves() -> int:
            count = 0
            while not stop.is_set():
                wave = [asked[(count + offset) % len(asked)] for offset in range(LOAD_WAVE)]
                await asyncio.gather(*(timed_ask(question) for question in wave))
                count += LOAD_WAVE
                await asyncio.sleep(0.5)
            return count

        probe_task = asyncio.create_task(probe())
        await asyncio.sleep(0.2)
        waves_task = asyncio.create_task(waves())
        started = time.perf_counter()
        report = await service.reindex("benchmark")
        reindex_seconds = time.perf_counter() - started
        stop.set()
        asks = await waves_task
        await probe_task
        stall = np.array(stalls)
        latency = np.array(latencies)
        return {
            "reindex_s": reindex_seconds,
            "passages": report.passage_count,
            "asks": asks,
            "stall_max_ms": float(stall.max()),
            "stall_p99_ms": float(np.percentile(stall, 99)),
            "ask_p50_ms": float(np.percentile(latency, 50)),
            "ask_p99_ms": float(np.percentile(latency, 99)),
            "rss_mb": max(_peak_rss_mb(), _peak_rss_mb(children=True)),
        }

    try:
        return asyncio.run(run())
    finally:
        shutil.rmtree(rebuild_dir, ignore_errors=True)


def child_hostile(size: int, repeat: int) -> dict[str, Any]:
    from benchmarks.hostile import measure_builds, measure_stalls
    from index.passage_index import Analyzer

    analyzer = Analyzer()
    return {"builds": measure_builds(size, repeat, analyzer), "stalls": measure_stalls(size, analyzer)}


def run_child(arguments: argparse.Namespace) -> int:
    corpus = Path(arguments.corpus) if arguments.corpus else Path()
    index_dir = Path(arguments.index_dir) if arguments.index_dir else Path()
    mode = arguments.child
    if mode == "quotebot-build":
        result = child_quotebot_build(corpus, index_dir, arguments.engine)
    elif mode == "quotebot-query":
        result = child_quotebot_query(corpus, index_dir, arguments.size, arguments.queries)
    elif mode == "rank-bm25":
        result = child_rank_bm25(corpus, arguments.size, arguments.queries)
    elif mode == "bm25s-build":
        result = child_bm25s_build(corpus, index_dir)
    elif mode == "bm25s-query":
        result = child_bm25s_query(index_dir, arguments.size, arguments.queries)
    elif mode == "article":
        result = child_article()
    elif mode == "load":
        result = child_load(corpus, index_dir, arguments.size)
    elif mode == "hostile":
        result = child_hostile(arguments.size, arguments.hostile_repeat)
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print("RESULT " + json.dumps(result))
    return 0


# ---------------------------------------------------------------- parent side


@dataclass(slots=True)
class Outcome:
    """A child's result, or why there is none."""

    result: dict[str, Any] | None
    reason: str = ""


def spawn(mode: str, *, timeout: float, memory_gb: float | None = None, nice: bool = False, **options: Any) -> Outcome:
    """Run one measurement in a fresh interpreter, capped in time (and memory, for peers)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]

    def limits() -> None:
        if nice:
            os.nice(5)
        if memory_gb is not None:
            limit = int(memory_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    print(f"  [{time.strftime('%H:%M:%S')}] {mode} {options.get('size', '')}", file=sys.stderr, flush=True)
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, preexec_fn=limits, check=False, cwd=REPO_ROOT
        )
    except subprocess.TimeoutExpired:
        return Outcome(None, f"not measured (over {timeout / 60:.0f} min)")
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return Outcome(json.loads(line[len("RESULT ") :]))
    tail = completed.stderr.strip().splitlines()[-1:] or [f"exit status {completed.returncode}"]
    if "MemoryError" in completed.stderr or completed.returncode in (-9, 137):
        return Outcome(None, f"not measured (over {memory_gb:g} GB)" if memory_gb else "not measured (out of memory)")
    return Outcome(None, f"not measured ({tail[0][:80]})")


def _median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env, cwd=REPO_ROOT)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure_cold_start(work: Path, runs: int = 7) -> dict[str, float]:
    """`quotebot ask` in a new process (persisted index current) against importing NLTK and rank-bm25."""
    script = Path(sys.executable).parent / "quotebot"
    quotebot = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    index_dir = work / "article-index"
    env = dict(os.environ, QUOTEBOT_INDEX_DIR=str(index_dir), QUOTEBOT_CORPUS=str(ARTICLE))
    ask = [*quotebot, "ask", ARTICLE_QUESTIONS[0]]
    subprocess.run(ask, capture_output=True, check=True, env=env, cwd=REPO_ROOT)  # persist the index first
    baseline = _median_seconds([sys.executable, "-c", "import nltk, rank_bm25"], runs, env)
    cold = _median_seconds(ask, runs, env)
    return {"ask_s": cold, "baseline_s": baseline, "ratio": cold / baseline}


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


@dataclass(slots=True)
class Row:
    """One line of the table."""

    size: int
    system: str
    build_s: float | None = None
    persisted_mb: float | None = None
    load_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    rss_build_mb: float | None = None
    rss_serve_mb: float | None = None
    note: str = ""


def measure_size(label: str, size: int, work: Path, arguments: argparse.Namespace) -> list[Row]:
    corpus = write_corpus(SyntheticSpec(size), work / f"corpus-{label}")
    rows: list[Row] = []
    timeout = arguments.timeout_minutes * 60
    engines = ["auto"] + (["rank-bm25", "bm25s"] if size <= 10_000 else [])
    auto_engine = ""
    for engine in engines:
        if engine == auto_engine:
            continue  # the engine "auto" picked: already measured
        index_dir = work / f"index-{label}-{engine}"
        built = spawn("quotebot-build", timeout=timeout, nice=True, corpus=corpus, index_dir=index_dir, engine=engine)
        if built.result is None:
            rows.append(Row(size, f"quotebot ({engine})", note=built.reason))
            continue
        if engine == "auto":
            auto_engine = built.result["engine"]
        queried = spawn(
            "quotebot-query",
            timeout=timeout,
            nice=True,
            corpus=corpus,
            index_dir=index_dir,
            size=size,
            queries=arguments.queries,
        )
        name = f"quotebot (auto → {built.result['engine']})" if engine == "auto" else f"quotebot ({engine})"
        row = Row(
            size,
            name,
            build_s=built.result["build_s"],
            persisted_mb=built.result["persisted_mb"],
            rss_build_mb=built.result["rss_build_mb"],
        )
        if queried.result is None:
            row.note = queried.reason
        else:
            row.load_s, row.p50_ms, row.p99_ms = (queried.result[key] for key in ("load_s", "p50_ms", "p99_ms"))
            row.rss_serve_mb = queried.result["rss_serve_mb"]
            row.note = f"{queried.result['queries']} queries, {queried.result['found_of_50']}/50 answered"
        rows.append(row)
        if engine != "auto":
            shutil.rmtree(index_dir, ignore_errors=True)
    naive = spawn(
        "rank-bm25",
        timeout=timeout,
        memory_gb=arguments.peer_memory_gb,
        nice=True,
        corpus=corpus,
        size=size,
        queries=arguments.queries,
    )
    if naive.result is None:
        rows.append(Row(size, "naive rank-bm25", note=naive.reason))
    else:
        rows.append(
            Row(
                size,
                "naive rank-bm25",
                build_s=naive.result["build_s"],
                p50_ms=naive.result["p50_ms"],
                p99_ms=naive.result["p99_ms"],
                rss_build_mb=naive.result["rss_build_mb"],
                rss_serve_mb=naive.result["rss_serve_mb"],
                note=f"{naive.result['queries']} queries; no persistence",
            )
        )
    bm25s_dir = work / f"bm25s-{label}"
    bm25s_built = spawn(
        "bm25s-build",
        timeout=timeout,
        memory_gb=arguments.peer_memory_gb,
        nice=True,
        corpus=corpus,
        index_dir=bm25s_dir,
    )
    if bm25s_built.result is None:
        rows.append(Row(size, "bm25s (own tokenizer)", note=bm25s_built.reason))
    else:
        bm25s_queried = spawn(
            "bm25s-query",
            timeout=timeout,
            memory_gb=arguments.peer_memory_gb,
            nice=True,
            index_dir=bm25s_dir,
            size=size,
            queries=arguments.queries,
        )
        row = Row(
            size,
            "bm25s (own tokenizer)",
            build_s=bm25s_built.result["build_s"],
            persisted_mb=bm25s_built.result["persisted_mb"],
            rss_build_mb=bm25s_built.result["rss_build_mb"],
        )
        if bm25s_queried.result is None:
            row.note = bm25s_queried.reason
        else:
            row.load_s, row.p50_ms, row.p99_ms = (bm25s_queried.result[key] for key in ("load_s", "p50_ms", "p99_ms"))
            row.rss_serve_mb = bm25s_queried.result["rss_serve_mb"]
            row.note = f"{bm25s_queried.result['queries']} queries; no stems, no quotes"
        rows.append(row)
    shutil.rmtree(bm25s_dir, ignore_errors=True)
    return rows


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| passages | system | build (s) | persisted (MB) | load (s) | p50 (ms) | p99 (ms) "
        "| peak RSS build / serve (MB) | notes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        rss = f"{_cell(row.rss_build_mb, 0)} / {_cell(row.rss_serve_mb, 0)}"
        lines.append(
            f"| {row.size:,} | {row.system} | {_cell(row.build_s)} | {_cell(row.persisted_mb)} | "
            f"{_cell(row.load_s, 3)} | {_cell(row.p50_ms, 2)} | {_cell(row.p99_ms, 2)} | {rss} | {row.note} |"
        )
    return lines


def _ratios(rows: list[Row]) -> list[str]:
    lines = ["| passages | naive rank-bm25 p50 ÷ quotebot p50 | bm25s p50 ÷ quotebot p50 |", "|---:|---:|---:|"]
    for size in sorted({row.size for row in rows}):
        ours = next((row for row in rows if row.size == size and row.system.startswith("quotebot (auto")), None)
        naive = next((row for row in rows if row.size == size and row.system == "naive rank-bm25"), None)
        peer = next((row for row in rows if row.size == size and row.system.startswith("bm25s")), None)

        def ratio(other: Row | None, ours: Row | None = ours) -> str:
            if ours is None or other is None or ours.p50_ms is None or other.p50_ms is None:
                return "–"
            return f"{other.p50_ms / ours.p50_ms:.2f}×"

        lines.append(f"| {size:,} | {ratio(naive)} | {ratio(peer)} |")
    return lines


def _targets(rows: list[Row], article: dict[str, Any] | None, load: Outcome | None) -> list[str]:
    def find(size: int, prefix: str) -> Row | None:
        return next((row for row in rows if row.size == size and row.system.startswith(prefix)), None)

    checks: list[tuple[str, str, float | None, float, bool]] = []  # (what, unit, measured, target, lower is better)
    ours, naive = find(100_000, "quotebot (auto"), find(100_000, "naive")
    if ours is not None:
        rss = max(value for value in (ours.rss_build_mb, ours.rss_serve_mb) if value is not None)
        speedup = naive.p50_ms / ours.p50_ms if naive and naive.p50_ms and ours.p50_ms else None
        checks += [
            ("100k: query p50", "ms", ours.p50_ms, TARGETS_100K["p50_ms"], True),
            ("100k: query p99", "ms", ours.p99_ms, TARGETS_100K["p99_ms"], True),
            ("100k: speed-up over naive rank-bm25", "×", speedup, TARGETS_100K["speedup"], False),
            ("100k: load", "s", ours.load_s, TARGETS_100K["load_s"], True),
            ("100k: peak RSS (build and serve)", "MB", rss, TARGETS_100K["rss_mb"], True),
        ]
    ours = find(1_000_000, "quotebot (auto")
    if ours is not None:
        rss_values = [value for value in (ours.rss_build_mb, ours.rss_serve_mb) if value is not None]
        checks += [
            ("1M: build", "s", ours.build_s, TARGETS_1M["build_s"], True),
            ("1M: query p50", "ms", ours.p50_ms, TARGETS_1M["p50_ms"], True),
            (
                "1M: peak RSS (build and serve)",
                "MB",
                max(rss_values) if rss_values else None,
                TARGETS_1M["rss_mb"],
                True,
            ),
        ]
    if article is not None:
        checks += [
            ("article: cold start ÷ import baseline", "×", article.get("ratio"), TARGET_COLD_START_RATIO, True),
            ("article: in-process answer p50", "ms", article.get("p50_ms"), TARGET_ANSWER_MS, True),
        ]
    if load is not None and load.result is not None:
        checks.append(("under load: worst event-loop stall", "ms", load.result["stall_max_ms"], TARGET_STALL_MS, True))
    lines = ["| target | measured | limit | met |", "|---|---:|---:|:---:|"]
    for what, unit, measured, limit, lower in checks:
        if measured is None:
            lines.append(f"| {what} | not measured | {limit:g} {unit} | – |")
            continue
        met = measured <= limit if lower else measured >= limit
        lines.append(
            f"| {what} | {measured:,.2f} {unit} | {'≤' if lower else '≥'} {limit:g} {unit} | {'yes' if met else 'NO'} |"
        )
    return lines


def measure_hostile(arguments: argparse.Namespace) -> tuple[Outcome, list[str]]:
    """The hostile-documents tables (`benchmarks/hostile.py`), measured in a fresh process."""
    from benchmarks.hostile import build_table, stall_table

    outcome = spawn(
        "hostile",
        timeout=arguments.timeout_minutes * 60,
        size=int(arguments.hostile_mb * 1_000_000),
        hostile_repeat=arguments.hostile_repeat,
    )
    if outcome.result is None:
        return outcome, [f"Hostile documents: {outcome.reason}.", ""]
    lines = [
        "Hostile documents (`benchmarks/hostile.py`): one Markdown file or web page each; build is read, split, "
        "tokenize, index.",
        "",
        *build_table(outcome.result["builds"], arguments.hostile_mb, arguments.hostile_repeat),
        "",
        "Event-loop stalls while each builds in a thread (`asyncio.to_thread`), a ticker sleeping "
        "1 ms at a time; a stall is how late a tick woke:",
        "",
        *stall_table(outcome.result["stalls"], arguments.hostile_mb),
        "",
    ]
    return outcome, lines


def run_parent(arguments: argparse.Namespace) -> int:
    if arguments.only == "hostile":
        _, lines = measure_hostile(arguments)
        print("\n".join(lines))
        return 0
    labels = [label.strip().lower() for label in arguments.sizes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        print(f"speed.py: unknown size {unknown[0]!r}; use {', '.join(SIZES)}", file=sys.stderr)
        return 2
    if arguments.skip_1m:
        labels = [label for label in labels if label != "1m"]
    work = Path(arguments.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    rows: list[Row] = []
    for label in labels:
        rows += measure_size(label, SIZES[label], work, arguments)
    article: dict[str, Any] | None = None
    if not arguments.skip_article:
        print("  single article", file=sys.stderr, flush=True)
        inprocess = spawn("article", timeout=300)
        article = measure_cold_start(work) | (inprocess.result or {})
    load: Outcome | None = None
    if not arguments.skip_load:
        largest = labels[-1] if labels else None
        if largest is not None:
            size = SIZES[largest]
            corpus = work / f"corpus-{largest}"
            load = spawn(
                "load",
                timeout=arguments.timeout_minutes * 60,
                nice=True,
                corpus=corpus,
                index_dir=work / f"index-{largest}-auto",
                size=size,
            )
    for label in labels:
        shutil.rmtree(work / f"index-{label}-auto", ignore_errors=True)
    hostile = [] if arguments.skip_hostile else measure_hostile(arguments)[1]
    lines = _report(arguments, rows, article, load, time.time() - started)
    lines += ["", *hostile]
    text = "\n".join(lines) + "\n"
    print(text)
    if arguments.output:
        Path(arguments.output).write_text(text, encoding="utf-8")
    return 0


def _report(
    arguments: argparse.Namespace, rows: list[Row], article: dict[str, Any] | None, load: Outcome | None, seconds: float
) -> list[str]:
    try:
        import numba  # noqa: F401

        numba_state = "installed"
    except ImportError:
        numba_state = "not installed"
    command = "python benchmarks/speed.py " + " ".join(arguments.argv)
    lines = [
        "# quotebot speed",
        "",
        f"`{command.strip()}` — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}, numba {numba_state}; "
        f"run took {seconds / 60:.0f} min.",
        "",
        "Synthetic corpus: seeded, Zipfian vocabulary of 50k made-up words, passages of 45–75 words (one per "
        "paragraph, 1,000 per document). Questions: 3–8 words from the same distribution. Latency is end to end "
        "(tokenize, score, top-k, re-rank, quote); each step runs in a fresh process. The peers only rank: "
        "no re-ranking of the top passages and no quote, which is most of quotebot's time per question.",
        "",
        *_table(rows),
        "",
        "Speed-up (query p50):",
        "",
        *_ratios(rows),
        "",
    ]
    if article is not None:
        nan = float("nan")
        lines += [
            "Single article (the bundled one):",
            "",
            f"- `quotebot ask` cold start in a new process (persisted index current): "
            f"{article['ask_s'] * 1000:.0f} ms, against {article['baseline_s'] * 1000:.0f} ms for "
            f'`python -c "import nltk, rank_bm25"` ({article["ratio"]:.2f}×);',
            f"- in-process answer: p50 {article.get('p50_ms', nan):.2f} ms, p99 {article.get('p99_ms', nan):.2f} ms "
            f"(repeated questions); first ask of each question p50 {article.get('first_p50_ms', nan):.2f} ms.",
            "",
        ]
    if load is not None:
        if load.result is None:
            lines += [f"Bot under load: {load.reason}.", ""]
        else:
            result = load.result
            lines += [
                f"Bot under load (`bot.index_service.IndexService`, {result['passages']:,} passages): reindex took "
                f"{result['reindex_s']:.0f} s while {result['asks']} questions were asked in waves of {LOAD_WAVE}; "
                f"worst event-loop stall {result['stall_max_ms']:.1f} ms (p99 {result['stall_p99_ms']:.1f} ms, "
                f"probe every {LOAD_PROBE_INTERVAL * 1000:.0f} ms); question latency "
                f"p50 {result['ask_p50_ms']:.0f} ms, p99 {result['ask_p99_ms']:.0f} ms; "
                f"peak RSS {result['rss_mb']:,.0f} MB.",
                "",
            ]
    lines += ["Targets:", "", *_targets(rows, article, load)]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k,1m", help="comma-separated: 1k, 10k, 100k, 1m")
    parser.add_argument("--skip-1m", action="store_true", help="leave out the 1M configuration")
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES, help="questions per configuration")
    parser.add_argument("--work-dir", default="/tmp/quotebot-speed", help="corpora and indexes (kept between runs)")
    parser.add_argument("--output", default=str(REPO_ROOT / "benchmarks" / "speed.md"), help="Markdown report")
    parser.add_argument("--timeout-minutes", type=float, default=30.0, help="cap per step")
    parser.add_argument("--peer-memory-gb", type=float, default=12.0, help="address-space cap of peer processes")
    parser.add_argument("--skip-article", action="store_true", help="leave out the single-article measurements")
    parser.add_argument("--skip-load", action="store_true", help="leave out the bot-under-load probe")
    parser.add_argument("--skip-hostile", action="store_true", help="leave out the hostile-documents tables")
    parser.add_argument("--only", choices=["hostile"], help="run only this table and print it (speed.md is kept)")
    parser.add_argument("--hostile-mb", type=float, default=1.0, help="size of each hostile document")
    parser.add_argument("--hostile-repeat", type=int, default=5, help="builds per hostile document (median)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--index-dir", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    arguments.argv = list(sys.argv[1:] if argv is None else argv)
    if arguments.child:
        return run_child(arguments)
    return run_parent(arguments)


if __name__ == "__main__":
    sys.exit(main())
