"""Precision and recall of the question-likeness check on the labelled chat lines.

    python benchmarks/question_likeness.py [--split dev|held-out|fresh|all] [--errors]

Reads tests/insights/chat_lines.json and prints, for each split of the
sample, precision, recall and F1 of `insights.question_likeness.looks_like_question`
against the labels, with its confusion table. The check is tuned on "dev"
only; "held-out" is the other half of the same sample, and "fresh" holds lines
written after the check was frozen. `--errors` lists the lines it gets wrong,
with the signals that scored them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from insights.question_likeness import question_likeness

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "insights" / "chat_lines.json"


@dataclass
class Confusion:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0

    def add(self, *, labelled: bool, predicted: bool) -> None:
        if labelled and predicted:
            self.true_positives += 1
        elif predicted:
            self.false_positives += 1
        elif labelled:
            self.false_negatives += 1
        else:
            self.true_negatives += 1

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def total(self) -> int:
        return self.true_positives + self.false_positives + self.false_negatives + self.true_negatives


def report(name: str, confusion: Confusion) -> str:
    return "\n".join(
        [
            f"{name}: {confusion.total} lines, precision {confusion.precision:.3f}, "
            f"recall {confusion.recall:.3f}, F1 {confusion.f1:.3f}",
            f"{'':>22}{'said question':>15}{'said not':>10}",
            f"{'labelled question':>22}{confusion.true_positives:>15}{confusion.false_negatives:>10}",
            f"{'labelled not':>22}{confusion.false_positives:>15}{confusion.true_negatives:>10}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="all", help="dev, held-out, fresh, or all (each split apart; default)")
    parser.add_argument("--errors", action="store_true", help="list the lines the check gets wrong")
    arguments = parser.parse_args()

    lines = json.loads(SAMPLE.read_text(encoding="utf-8"))["lines"]
    splits = sorted({line["split"] for line in lines}, key=["dev", "held-out", "fresh"].index)
    if arguments.split != "all":
        if arguments.split not in splits:
            parser.error(f"no split {arguments.split!r}; the sample has {', '.join(splits)}")
        splits = [arguments.split]
    for split in splits:
        confusion = Confusion()
        errors: list[str] = []
        for line in lines:
            if line["split"] != split:
                continue
            likeness = question_likeness(line["text"])
            confusion.add(labelled=line["question"], predicted=likeness.is_question)
            if likeness.is_question != line["question"]:
                kind = "missed" if line["question"] else "false alarm"
                errors.append(f"  {kind:<12}{likeness.score:>5.1f}  {line['text']!r}  ({', '.join(likeness.reasons)})")
        print(report(split, confusion))
        if arguments.errors and errors:
            print("\n".join(errors))
        print()


if __name__ == "__main__":
    main()
