"""What kind of answer a question wants, and whether a sentence holds one.

"When" wants a date or time, "how many" and "how much" a number, "who" a person or
an organisation, "where" a place. The tests are lexical and deliberately coarse: they
only tip the balance between sentences that match the question's words about as well.
"""

from __future__ import annotations

import re
from typing import Literal

AnswerType = Literal["time", "number", "person", "place", "decision"]

_QUESTION_TYPES: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"\b(?:when|what (?:year|date|time|day|month)|which (?:year|date|day|month))\b", re.I), "time"),
    (re.compile(r"\bhow (?:many|much|long|far|old|often)\b", re.I), "number"),
    (re.compile(r"\b(?:who|whom|whose)\b", re.I), "person"),
    (re.compile(r"\bwhere\b", re.I), "place"),
)
# A yes/no question: a clause opening with an auxiliary verb ("Can it...", "..., does case matter?").
_YES_NO = re.compile(
    r"(?:^|[.?!,;:]\s+|\b(?:and|but|or|so)\s+)(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|may"
    r"|might|must|has|have|had|isn't|aren't|doesn't|don't|didn't|can't|won't)\b",
    re.I,
)
# What decides a yes/no question: a negation, a restriction or an obligation.
_DECISION = re.compile(r"\b(?:not|no|never|cannot|only|must|none|nothing|neither|nor|without)\b|n't\b|n’t\b", re.I)
_MONTHS = (
    r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?"
    r"|sep(?:t(?:ember)?|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?"
)
_TIME = re.compile(
    rf"\b(?:(?:{_MONTHS})\s+\d{{1,2}}\b|\d{{1,2}}\s+(?:{_MONTHS})\b|1[0-9]{{3}}s?\b|20[0-9]{{2}}s?\b"
    r"|\d{1,2}:\d{2}|\d{1,2}\s*[ap]\.?m\.?(?![a-z])|\d{4}-\d{2}-\d{2}"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tomorrow|tonight"
    r"|(?:last|next|this)\s+(?:week|month|year)|century|centuries)",
    re.I,
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundred|thousand|million|billion|dozen|half|percent)\b",
    re.I,
)
# A capitalized word that doesn't open the sentence: a name of someone or something.
_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][\w'’.-]*[a-z]")
_PLACE = re.compile(r"\b(?:in|at|from|near|to|into|across|outside|inside)\s+(?:the\s+)?[A-Z][a-z]")


def answer_type(question: str) -> AnswerType | None:
    """The kind of answer `question` wants, or None when its words don't say."""
    for pattern, kind in _QUESTION_TYPES:
        if pattern.search(question):
            return kind
    if _YES_NO.search(question):
        return "decision"
    return None


def answer_types_in(text: str) -> frozenset[AnswerType]:
    """The kinds of answer a sentence holds: a date or time, a number, a name, a place."""
    found: set[AnswerType] = set()
    if _TIME.search(text):
        found.add("time")
    if _NUMBER.search(text):
        found.add("number")
    if _NAME.search(text):
        found.add("person")
    if _PLACE.search(text):
        found.add("place")
    if _DECISION.search(text):
        found.add("decision")
    return frozenset(found)
