"""Checking a question before it is asked, the same way in Discord and in `quotebot chat`. Pure."""

from __future__ import annotations

from index.answers import MAX_QUESTION_CHARS
from index.errors import QuestionError


def validate_question(question: str) -> str:
    """The question, stripped; raises `QuestionError` (shown to the user) when it is empty or too long."""
    question = question.strip()
    if not question:
        raise QuestionError("The question is empty: ask me something about the documents.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"That question is too long ({len(question)} characters; the limit is {MAX_QUESTION_CHARS})."
        )
    return question
