"""The `quotebot` command line: ask, chat, index, run and sync.

`ask`, `chat` and `index` never import discord, so answering from a
terminal starts as fast as NLTK allows and needs no token.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.settings import Settings, SettingsError, load_dotenv_file, load_settings
from index.answers import Answer, checked_question
from index.errors import QuotebotError
from index.passage_index import PassageIndex
from index.ranking import ENGINE_CHOICES
from index.store import OpenedIndex, index_path, load_index, open_index, stale_reason

PROGRAM = "quotebot"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        load_dotenv_file()
        settings = load_settings()
        return int(arguments.handler(arguments, settings))
    except SettingsError as error:
        _error(str(error))
        return 2
    except QuotebotError as error:
        _error(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `quotebot ask ... | head` closed our stdout: not an error worth a traceback.
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Answer questions about documents by quoting the passages that answer them.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer questions from the command line")
    ask.add_argument(
        "question",
        nargs="?",
        default="-",
        help="the question; '-' or nothing reads one question per line from stdin",
    )
    _add_corpus_options(ask)
    ask.add_argument("--top-k", type=_top_k, help="how many passages to show (default: QUOTEBOT_TOP_K or 3)")
    ask.add_argument(
        "--min-confidence",
        type=_confidence,
        help="answer only above this confidence, 0 to 1 (default: QUOTEBOT_MIN_CONFIDENCE or 0.35)",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="talk to quotebot in the terminal, without Discord")
    _add_corpus_options(chat)
    chat.set_defaults(handler=_chat)

    index = commands.add_parser("index", help="build or inspect the persisted index")
    index_commands = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = index_commands.add_parser("build", help="(re)build the index of the corpus and save it")
    _add_corpus_options(build)
    build.set_defaults(handler=_index_build)
    info = index_commands.add_parser("info", help="describe the persisted index of the corpus")
    _add_corpus_options(info)
    info.set_defaults(handler=_index_info)

    run = commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)
    sync = commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    sync.set_defaults(handler=_sync)
    return parser


def _add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a folder of .txt/.md documents or one file (default: QUOTEBOT_CORPUS or the bundled article)",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="where persisted indexes live (default: QUOTEBOT_INDEX_DIR or ~/.cache/quotebot)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        help="BM25 engine: rank-bm25 (small corpora), bm25s (large) or auto by size (default: QUOTEBOT_ENGINE or auto)",
    )


def _top_k(value: str) -> int:
    from bot.settings import MAX_TOP_K

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {value!r}") from None
    if not 1 <= number <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_TOP_K}, not {number}")
    return number


def _confidence(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, not {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, not {value!r}")
    return number


def _open(arguments: argparse.Namespace, settings: Settings) -> PassageIndex:
    opened = _open_index(arguments, settings)
    if opened.save_error:
        _warn(opened.save_error)  # answering doesn't need the file: the next run rebuilds
    return opened.index


def _open_index(arguments: argparse.Namespace, settings: Settings, force_rebuild: bool = False) -> OpenedIndex:
    """The persisted index of the corpus, or a fresh build; its warnings but a failed save go to stderr."""
    opened = open_index(
        arguments.corpus or settings.corpus,
        arguments.index_dir or settings.index_dir,
        max_file_mb=settings.max_file_mb,
        force_rebuild=force_rebuild,
        engine=arguments.engine or settings.engine,
    )
    for warning in opened.warnings:
        if warning != opened.save_error:
            _warn(warning)
    return opened


def _ask(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.replies import render_answer_text

    batch = arguments.question == "-"
    if not batch:
        try:
            checked_question(arguments.question)  # before the index is opened: a bad question fails fast
        except QuotebotError as error:
            _error(str(error))
            return 2
    index = _open(arguments, settings)
    top_k = arguments.top_k or settings.top_k
    min_confidence = settings.min_confidence if arguments.min_confidence is None else arguments.min_confidence
    questions: Iterable[str] = _stdin_questions(sys.stdin) if batch else [arguments.question]
    failures = 0
    for number, question in enumerate(questions):
        try:
            answer = index.ask(question, top_k, min_confidence)
        except QuotebotError as error:
            failures += 1
            _error(f"question {number + 1}: {error}" if batch else str(error))
            if arguments.json:
                print(json.dumps({"question": question, "found": False, "error": str(error), "passages": []}))
            continue
        if arguments.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=batch)
        else:
            if batch:
                print(f"Q: {question.strip()}")
            print(render_answer_text(answer) + ("\n" if batch else ""), flush=batch)
    return 1 if failures else 0


def _stdin_questions(stream: TextIO) -> Iterable[str]:
    """One question per non-blank line.

    Bytes that aren't UTF-8 become U+FFFD instead of stopping the batch with a
    UnicodeDecodeError (stdin decodes strictly under most UTF-8 locales).
    """
    raw = getattr(stream, "buffer", None)
    lines: Iterable[str] = (line.decode("utf-8", errors="replace") for line in raw) if raw is not None else stream
    for line in lines:
        if line.strip():
            yield line.strip()


def _chat(arguments: argparse.Namespace, settings: Settings) -> int:
    # The same reply model the bot turns into embeds, printed as text: what you see is what Discord shows.
    from bot.questions import validate_question
    from bot.replies import MORE_PASSAGES, answer_reply, notice_reply, render_reply_text

    no_next_page = notice_reply(
        "No more passages",
        f"There is no next passage: type 'more' while an answer shows [{MORE_PASSAGES}], or ask another question.",
        "info",
    )

    index = _open(arguments, settings)
    print(
        f"quotebot: ask about {len(index.documents)} document(s), {len(index.passages)} passages. "
        f"Type 'more' for [{MORE_PASSAGES}]; an empty line or Ctrl-D quits."
    )
    last: Answer | None = None
    page = 0
    while True:
        try:
            line = input("you> ")
        except EOFError:
            print()
            return 0
        if not line.strip():
            return 0
        if line.strip().casefold() == "more":
            # The button only exists while there is a next passage; without one, say so instead of asking "more".
            if last is not None and page + 1 < len(last.passages):
                page += 1
                print("quotebot>\n" + render_reply_text(answer_reply(last, page)) + "\n")
            else:
                print("quotebot>\n" + render_reply_text(no_next_page) + "\n")
            continue
        try:
            answer = index.ask(validate_question(line), settings.top_k, settings.min_confidence)
        except QuotebotError as error:
            print("quotebot>\n" + render_reply_text(notice_reply("Sorry", str(error))) + "\n")
            continue
        last, page = answer, 0
        print("quotebot>\n" + render_reply_text(answer_reply(answer)) + "\n")


def _index_build(arguments: argparse.Namespace, settings: Settings) -> int:
    opened = _open_index(arguments, settings, force_rebuild=True)
    if opened.save_error:
        # Saving is the point of this command: an index that only lived in memory is a failure.
        _error(opened.save_error)
        return 1
    index, path = opened.index, opened.path
    print(
        f"indexed {len(index.documents)} document(s), {len(index.passages)} passages, "
        f"{index.vocabulary_size} terms with {index.engine.name} in {index.build_seconds:.2f} s -> {path}"
    )
    return 0


def _index_info(arguments: argparse.Namespace, settings: Settings) -> int:
    import datetime

    from index.passage_index import Analyzer

    corpus = arguments.corpus or settings.corpus
    path = index_path(arguments.index_dir or settings.index_dir, corpus)
    if not path.exists():
        _error(f"no index of {corpus} yet: run `{PROGRAM} index build` (or just ask a question)")
        return 1
    index = load_index(path, Analyzer())
    built = datetime.datetime.fromtimestamp(index.built_at).astimezone().isoformat(timespec="seconds")
    try:
        stale = stale_reason(index, corpus, settings.max_file_mb, arguments.engine or settings.engine)
    except (OSError, QuotebotError) as error:
        stale = str(error)
    print(f"index:       {path}")
    print(f"corpus:      {index.corpus}")
    print(f"built:       {built} in {index.build_seconds:.2f} s")
    print(f"status:      {'current' if stale is None else 'stale: ' + stale}")
    print(f"engine:      {index.engine.name}")
    print(f"documents:   {len(index.documents)}")
    print(f"passages:    {len(index.passages)}")
    print(f"vocabulary:  {index.vocabulary_size} terms")
    for document in index.documents.values():
        print(f"  {document.doc_id}  {document.passage_count} passages  {document.title}")
    for warning in index.warnings:
        print(f"  ({warning})")
    return 0


def _run(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.client import run_bot

    return run_bot(settings)


def _sync(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.client import run_bot

    return run_bot(settings, force_sync=True, exit_after_sync=True)


def _warn(message: str) -> None:
    print(f"{PROGRAM}: warning: {message}", file=sys.stderr)


def _error(message: str) -> None:
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)
