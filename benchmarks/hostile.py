"""Build time of hostile documents against ordinary prose of the same size.

    python benchmarks/hostile.py [--mb 1] [--repeat 3]

Each corpus is one Markdown file: base64 (a data-URI image, no spaces), text
without sentence ends, and ordinary prose. It prints the median build time of
`quotebot`'s index for each, and each hostile one's ratio to the prose.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import tempfile
import time
from pathlib import Path

from index.passage_index import Analyzer, build_index

WORDS = "the council met in the old hall to discuss roads budget harbour ships keeper town".split()


def corpora(size: int) -> dict[str, str]:
    rng = random.Random(1)
    payload = base64.b64encode(rng.randbytes(size * 3 // 4)).decode()
    no_ends = " ".join(rng.choice(WORDS) for _ in range(size // 5))[:size]
    prose_sentences = []
    while sum(map(len, prose_sentences)) < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        prose_sentences.append(" ".join(words).capitalize() + ". ")
    return {
        "base64 (data URI)": f"![logo](data:image/png;base64,{payload})",
        "no sentence ends": no_ends,
        "prose": "".join(prose_sentences)[:size],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    size = int(arguments.mb * 1_000_000)
    analyzer = Analyzer()
    medians: dict[str, float] = {}
    for name, text in corpora(size).items():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "doc.md"
            path.write_text(text, encoding="utf-8")
            times = []
            for _ in range(arguments.repeat):
                started = time.perf_counter()
                build_index(path, analyzer=analyzer)
                times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    print(f"| {arguments.mb:g} MB document | build, median of {arguments.repeat} | against prose |")
    print("|---|--:|--:|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.2f} s | {seconds / medians['prose']:.2f}× |")


if __name__ == "__main__":
    main()
