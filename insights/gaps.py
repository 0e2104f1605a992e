"""Grouping the questions nobody could answer, so the same gap asked five ways counts as one gap asked five times.

The rule, on plain strings and nothing else:

1. A question's key is the set of its content stems, made by the index's own tokenizer (its stopwords,
   irregular forms and Snowball stems): "How do I deploy to GitHub Pages?" and "deploying on github
   pages??" both become {deploy, github, page}. Word order, punctuation, case and plurals don't matter.
2. Questions with the same key form one group. A question with no content stems at all ("how?") is keyed
   by its case-folded text instead, so such questions only group with their exact repeats.
3. Groups are then merged, the most frequent first: a group joins the first bigger group whose key overlaps
   its own by a Jaccard index of at least 0.5 (shared stems / all stems), so "deploy github pages" takes in
   "deploy github pages custom domain" (3 of 5) but not "github actions cache" (1 of 5). The comparison is
   always with the bigger group's own key, never a union of what it has absorbed, so a group can't drift
   from topic to topic one overlapping question at a time.

A half overlap is the loosest bound that still keeps two questions sharing a single stem of three apart
("deploy github pages" and "github login error": 1 of 5 = 0.2), and strict enough that a question needs
most of its subject in common to join; two extra details ("... with a custom domain", 3 of 5) still join.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from index.tokens import Tokenizer

MERGE_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Questions that ask the same thing: how often, one of them to show, and the stems they share."""

    count: int
    example: str
    """The group's most often asked wording (the first asked, on a tie)."""
    stems: frozenset[str]
    """The key of the group's most frequent wording; empty for questions without content words."""


def content_stems(question: str, tokenizer: Tokenizer) -> frozenset[str]:
    """The question's index terms as a set: what it is about, without its stopwords and grammar."""
    return frozenset(tokenizer.tokenize(question))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


@dataclass(slots=True)
class _Bucket:
    key: frozenset[str]
    wordings: Counter[str]
    first_seen: int


def group_questions(
    questions: Iterable[str], tokenizer: Tokenizer, *, merge_jaccard: float = MERGE_JACCARD
) -> list[QuestionGroup]:
    """The questions grouped by the rule in this module's docstring, most frequent first (then by example)."""
    buckets: dict[object, _Bucket] = {}
    for position, question in enumerate(questions):
        wording = " ".join(question.split())
        if not wording:
            continue
        stems = content_stems(wording, tokenizer)
        # Stem sets and texts are different types, so a text key can never collide with a stem-set key.
        key: object = stems if stems else wording.casefold()
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = _Bucket(stems, Counter(), position)
        bucket.wordings[wording] += 1
    ordered = sorted(buckets.values(), key=lambda bucket: (-bucket.wordings.total(), bucket.first_seen))
    merged: list[_Bucket] = []
    for bucket in ordered:
        home = next(
            (
                bigger
                for bigger in merged
                if bucket.key and bigger.key and jaccard(bigger.key, bucket.key) >= merge_jaccard
            ),
            None,
        )
        if home is None:
            merged.append(_Bucket(bucket.key, Counter(bucket.wordings), bucket.first_seen))
        else:
            home.wordings.update(bucket.wordings)
    groups = [QuestionGroup(bucket.wordings.total(), _most_asked(bucket.wordings), bucket.key) for bucket in merged]
    return sorted(groups, key=lambda group: (-group.count, group.example.casefold()))


def _most_asked(wordings: Counter[str]) -> str:
    # Counter keeps insertion order, and most_common is stable: the first asked wins a tie.
    return wordings.most_common(1)[0][0]


def answered_share(answered: int, total: int) -> float | None:
    """The share of questions answered, 0 to 1; None when there were none."""
    return answered / total if total else None
