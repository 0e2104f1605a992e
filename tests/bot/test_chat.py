"""`quotebot chat` shows exactly what the bot shows, as text; and the embed carries the same parts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.embeds import to_embed
from bot.replies import answer_reply, notice_reply, render_reply_text
from bot.terminal import to_terminal
from index.passage_index import Analyzer, build_index
from index.store import open_index

FILLER = " The town council met in the old hall that evening to discuss the budget and the roads."
DOCUMENTS = {
    "harbour.md": "# The harbour\n\nSeven **ships** entered the harbour at dawn, said the `keeper_of_lights`."
    + FILLER * 3
    + "\n\n## Fishing\n\nBy noon the fishermen had landed a record catch in the harbour."
    + FILLER * 3,
}


def feed(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    typed: Iterator[str] = iter(lines)

    def fake_input(prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)


def test_chat_prints_the_bots_replies(
    make_corpus, index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --as-discord, each chat answer is the very reply the bot would send, including paging with 'more'."""
    corpus = make_corpus(DOCUMENTS)
    question = "how many ships entered the harbour?"
    feed(monkeypatch, [question, "more", "x" * 1001])
    assert main(["chat", "--as-discord", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    index = open_index(corpus, index_dir).index
    answer = index.ask(question)
    assert len(answer.passages) == 2
    expected = [
        render_reply_text(answer_reply(answer, 0)),
        render_reply_text(answer_reply(answer, 1)),
        render_reply_text(notice_reply("Sorry", "That question is too long (1001 characters; the limit is 1000).")),
    ]
    for block in expected:
        assert "quotebot>\n" + block + "\n" in out
    assert out.index(expected[0]) < out.index(expected[1]) < out.index(expected[2])


def test_embed_carries_the_reply_verbatim(make_corpus, builtin_analyzer: Analyzer) -> None:
    """The embed has the reply's title, description, fields and footer unchanged, so chat text and Discord agree."""
    index = build_index(make_corpus(DOCUMENTS), analyzer=builtin_analyzer)
    reply = answer_reply(index.ask("how many ships entered the harbour?"))
    embed = to_embed(reply)
    assert (embed.title, embed.description, embed.footer.text) == (reply.title, reply.description, reply.footer)
    assert [(field.name, field.value, field.inline) for field in embed.fields] == [
        (field.name, field.value, field.inline) for field in reply.fields
    ]
    description = embed.description or ""
    assert "**Seven ships entered the harbour" in description  # emphasis markers are the page's, not shown
    assert "\\`keeper\\_of\\_lights\\`" in description  # and what is shown is escaped


def test_more_without_a_next_passage_says_so(
    make_corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """'more' before any question, or after the last passage, says there is none instead of asking "more"."""
    corpus = make_corpus(DOCUMENTS)
    feed(monkeypatch, ["more", "how many ships entered the harbour?", "more", "more"])
    assert main(["chat", "--corpus", str(corpus)]) == 0
    replies = capsys.readouterr().out.split("quotebot>\n")[1:]
    titles = [reply.split("\n", 1)[0] for reply in replies]
    assert titles == ["**No more passages**", "**Best answer**", "**Also relevant (2 of 2)**", "**No more passages**"]
    assert "Question: more" not in "".join(replies)


def test_chat_commands_and_blank_lines(
    make_corpus, index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank line doesn't quit; 'help' is help, not a question; 'exit' quits before later lines are asked."""
    corpus = make_corpus(DOCUMENTS)
    feed(monkeypatch, ["", "help", "exit", "How many ships entered the harbour?"])
    assert main(["chat", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "exit, quit" in out  # the help text
    assert "harbour.md" not in out  # the question after 'exit' was never asked


def test_chat_takes_top_k(
    make_corpus, index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`chat --top-k 1` offers no next passage."""
    corpus = make_corpus(DOCUMENTS)
    feed(monkeypatch, ["How many ships entered the harbour?", "more"])
    assert main(["chat", "--corpus", str(corpus), "--top-k", "1"]) == 0
    assert "There is no next passage" in capsys.readouterr().out


def test_chat_prints_plain_text_by_default(
    make_corpus, index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --as-discord: the same reply with Discord's escapes and markers gone, the page's text as it reads."""
    corpus = make_corpus(DOCUMENTS)
    question = "how many ships entered the harbour?"
    feed(monkeypatch, [question])
    assert main(["chat", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    answer = open_index(corpus, index_dir).index.ask(question)
    assert to_terminal(render_reply_text(answer_reply(answer, 0)), ansi=False) in out
    assert "\\" not in out and "-# " not in out
    assert "Seven ships entered the harbour at dawn, said the `keeper_of_lights`." in out


def test_line_editing_is_turned_on_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """At a terminal, chat imports readline (which gives input() editing and history); piped, it doesn't."""
    import sys

    from bot.cli import _enable_line_editing

    monkeypatch.delitem(sys.modules, "readline", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    _enable_line_editing()
    assert "readline" not in sys.modules
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    _enable_line_editing()
    assert "readline" in sys.modules
