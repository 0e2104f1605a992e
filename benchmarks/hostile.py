"""Build time and event-loop stalls of hostile documents against ordinary prose of the same size.

    python benchmarks/hostile.py [--mb 1] [--repeat 3] [--skip-stalls]

Each corpus is one Markdown file: base64 (a data-URI image, no spaces), text
without sentence ends, a heading that is one long run of spaces, some 30,000 sections of a heading and one
sentence each, and ordinary prose; or one web page, read as
Markdown after trafilatura extracts it: a paragraph of code fences glued to words ("a ```" repeated), one of
identifiers ("a_b", which trafilatura writes "a\\_b"), and prose in paragraphs. It prints the median build time of
`quotebot`'s index for each, and each hostile one's ratio to the prose of its kind (target:
within 3x). Then, for each, the event-loop stalls while `build_index` runs in a
thread (`asyncio.to_thread`, as the bot reindexes) and a ticker sleeps 1 ms at
a time: p50/p99/max of how late each tick woke (target: max under 50 ms).
`benchmarks/speed.py --only hostile` prints the same tables.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from index.passage_index import Analyzer, build_index

WORDS = "the council met in the old hall to discuss roads budget harbour ships keeper town".split()
PROSE = "prose"
WEB_PAGE = "web page: "
"""The names of the web-page corpora start so; they are compared with `WEB_PROSE`."""
WEB_PROSE = WEB_PAGE + "prose"
TARGET_RATIO = 3.0
TICK_SECONDS = 0.001
TARGET_STALL_MS = 50.0


def corpora(size: int) -> dict[str, str]:
    rng = random.Random(1)
    payload = base64.b64encode(rng.randbytes(size * 3 // 4)).decode()
    no_ends = " ".join(rng.choice(WORDS) for _ in range(size // 5))[:size]
    prose_sentences = []
    while sum(map(len, prose_sentences)) < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        prose_sentences.append(" ".join(words).capitalize() + ". ")
    paragraphs = "".join(f"<p>{sentence}</p>\n" for sentence in prose_sentences)
    short_sections = []
    while sum(map(len, short_sections)) < size:
        title = " ".join(rng.choice(WORDS) for _ in range(2))
        sentence = " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
        short_sections.append(f"## {title}\n\n{sentence}.\n\n")
    return {
        "base64 (data URI)": f"![logo](data:image/png;base64,{payload})",
        "no sentence ends": no_ends,
        "a heading of spaces": f"# a{' ' * (size - 5)}b",
        "many short sections": "".join(short_sections)[:size],
        PROSE: "".join(prose_sentences)[:size],
        WEB_PAGE + "code fences glued to words": _page("<p>" + "a ```" * (size // 5) + "</p>"),
        WEB_PAGE + "identifiers (a_b)": _page("<p>" + "a_b " * (size // 4) + "</p>"),
        WEB_PROSE: _page(paragraphs),
    }


def _page(body: str) -> str:
    navigation = "<nav><a href='/'>Home</a></nav>"
    return f"<html><head><title>Page</title></head><body>{navigation}<article>{body}</article></body></html>"


def reference(name: str) -> str:
    """The prose a corpus is compared with: prose of its own kind."""
    return WEB_PROSE if name.startswith(WEB_PAGE) else PROSE


def _written(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / ("doc.html" if name.startswith(WEB_PAGE) else "doc.md")
    path.write_text(text, encoding="utf-8")
    return path


def measure_builds(size: int, repeat: int, analyzer: Analyzer | None = None) -> dict[str, float]:
    """Median build seconds of each corpus of `size` characters, over `repeat` builds."""
    analyzer = analyzer or Analyzer()
    medians: dict[str, float] = {}
    for name, text in corpora(size).items():
        with tempfile.TemporaryDirectory() as folder:
            path = _written(folder, name, text)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                build_index(path, analyzer=analyzer)
                times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    return medians


def build_table(medians: dict[str, float], mb: float, repeat: int) -> list[str]:
    """The Markdown table of `measure_builds`, with each ratio to prose against the target."""
    lines = [
        f"| {mb:g} MB document | build, median of {repeat} | against prose of its kind (target ≤ {TARGET_RATIO:g}×) |",
        "|---|--:|--:|",
    ]
    for name, seconds in medians.items():
        ratio = seconds / medians[reference(name)]
        verdict = "" if name in (PROSE, WEB_PROSE) else (" met" if ratio <= TARGET_RATIO else " **missed**")
        lines.append(f"| {name} | {seconds:.2f} s | {ratio:.2f}×{verdict} |")
    return lines


async def _stalls_during(path: Path, analyzer: Analyzer) -> tuple[list[float], float]:
    """How late (ms) each 1 ms tick woke while `build_index(path)` ran in a thread, and the build's seconds."""
    loop = asyncio.get_running_loop()
    build = asyncio.ensure_future(asyncio.to_thread(build_index, path, analyzer=analyzer))
    started = time.perf_counter()
    lateness: list[float] = []
    while not build.done():
        before = loop.time()
        await asyncio.sleep(TICK_SECONDS)
        lateness.append(max(0.0, (loop.time() - before - TICK_SECONDS) * 1000))
    await build
    return lateness, time.perf_counter() - started


def measure_stalls(size: int, analyzer: Analyzer | None = None) -> dict[str, dict[str, float]]:
    """p50/p99/max tick lateness (ms) and build seconds for each corpus, the build in a thread."""
    analyzer = analyzer or Analyzer()
    results: dict[str, dict[str, float]] = {}
    for name, text in corpora(size).items():
        with tempfile.TemporaryDirectory() as folder:
            path = _written(folder, name, text)
            build_index(path, analyzer=analyzer)  # warm: imports and caches aren't the document's fault
            lateness, seconds = asyncio.run(_stalls_during(path, analyzer))
        array = np.array(lateness or [0.0])
        results[name] = {
            "p50_ms": float(np.percentile(array, 50)),
            "p99_ms": float(np.percentile(array, 99)),
            "max_ms": float(array.max()),
            "ticks": len(lateness),
            "build_s": seconds,
        }
    return results


def stall_table(results: dict[str, dict[str, float]], mb: float) -> list[str]:
    """The Markdown table of `measure_stalls`."""
    lines = [
        f"| {mb:g} MB document, build in a thread | ticks | stall p50 | p99 | max (target < {TARGET_STALL_MS:g} ms) "
        "| build |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, result in results.items():
        verdict = "met" if result["max_ms"] < TARGET_STALL_MS else "**missed**"
        lines.append(
            f"| {name} | {result['ticks']:,} | {result['p50_ms']:.2f} ms | {result['p99_ms']:.2f} ms "
            f"| {result['max_ms']:.1f} ms {verdict} | {result['build_s']:.2f} s |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-stalls", action="store_true", help="leave out the event-loop stall table")
    arguments = parser.parse_args()
    size = int(arguments.mb * 1_000_000)
    analyzer = Analyzer()
    print("\n".join(build_table(measure_builds(size, arguments.repeat, analyzer), arguments.mb, arguments.repeat)))
    if not arguments.skip_stalls:
        print()
        print("\n".join(stall_table(measure_stalls(size, analyzer), arguments.mb)))


if __name__ == "__main__":
    main()
