"""The question-likeness check on specific chat lines (its measured numbers are in benchmarks/question_likeness.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insights.question_likeness import looks_like_question, prose_of, question_likeness

SAMPLE = Path(__file__).resolve().parent / "chat_lines.json"


@pytest.mark.parametrize(
    "text",
    [
        "how do i reset my password",
        "Is there any way to bulk delete old messages?",
        "anyone know how to change the default language",
        "help with config.yml pls",
        "cant get the bot to start, any ideas",
        "hi all! is there a way to mute the bot in one channel?",
        "Quick q: how do I set a custom timeout for requests? Thanks in advance",
        "how do you enable shaders in this pack??",
        "Could you tell me how to set up SSO?",
        "¿cómo instalo el mod en la versión de steam?",
    ],
)
def test_questions_are_recognized(text: str) -> None:
    """Questions with and without a question mark, after greetings, and put to 'you' for information, are questions."""
    assert looks_like_question(text), question_likeness(text)


@pytest.mark.parametrize(
    "text",
    [
        "lol?",
        "thanks that worked!",
        "hello everyone",
        "https://docs.example.com/faq",
        "```py\nprint('how do i fix this?')\n```",
        "<@123456789012345678> <@&987654321098765432>",
        "<:kekw:812345678901234567>",
        "how are you all doing?",
        "who even uses windows anymore lol",
        "isn't that the whole point?",
        "are you on the latest version?",
        "can someone help me pls",
        "why is this so hard lol",
    ],
)
def test_chatter_is_not_a_question(text: str) -> None:
    """Greetings, thanks, links, code, mentions, small talk, rhetorical and helpers' questions are not."""
    assert not looks_like_question(text), question_likeness(text)


def test_prose_drops_code_links_and_mentions() -> None:
    """Only what the person typed is scored: code, URLs, mentions and custom emoji go."""
    prose = prose_of("See `x = 1` at https://a.example/b?c=d <@12345> <:e:678> Why?")
    assert "https" not in prose and "12345" not in prose and "x = 1" not in prose
    assert prose.strip().endswith("why?")


def test_sample_is_labelled_and_split() -> None:
    """The labelled sample has at least 300 lines, each labelled and in a known split, with no repeats."""
    lines = json.loads(SAMPLE.read_text(encoding="utf-8"))["lines"]
    assert len(lines) >= 300
    assert {line["split"] for line in lines} == {"dev", "held-out", "fresh"}
    assert all(isinstance(line["question"], bool) for line in lines)
    assert len({line["text"] for line in lines}) == len(lines)
