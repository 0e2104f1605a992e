"""The `quotebot` command line: ask, chat, index, docs, gaps, run and sync.

`ask`, `chat` and `index` never import discord, so answering from a
terminal starts as fast as NLTK allows and needs no token.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.gaps_cli import add_gaps_command
from bot.knowledge_cli import add_docs_commands, open_server_index, server_id
from bot.settings import Settings, SettingsError, load_dotenv_file, load_settings
from bot.wording import counted, moment
from index.answers import Answer, checked_question
from index.errors import QuotebotError
from index.passage_index import PassageIndex
from index.progress import BuildProgress, no_progress
from index.ranking import ENGINE_CHOICES
from index.store import OpenedIndex, index_path, load_index, open_index, stale_reason

PROGRAM = "quotebot"
# The commands that talk to Discord, and so the only ones that read the bot's own settings.
_BOT_COMMANDS = frozenset({"run", "sync"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _tolerant_streams()
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        load_dotenv_file()
        settings = load_settings(for_bot=arguments.command in _BOT_COMMANDS)
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


def _tolerant_streams() -> None:
    """Undecodable input and unencodable output become U+FFFD or '?', never a UnicodeError."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _from_argv(text: str) -> str:
    """Bytes of argv that aren't UTF-8 arrive as surrogate escapes: make them U+FFFD, so output stays UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Answer questions about documents by quoting the passages that answer them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer questions from the command line")
    ask.add_argument(
        "question",
        nargs="*",
        help="the question, quoted or not (its words are joined); '-' or nothing reads one question per line "
        "from stdin; put '--' before a question that starts with '-'",
    )
    _add_corpus_options(ask)
    _add_answer_options(ask)
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--server",
        type=server_id,
        help="answer as the bot does in this Discord server: from its documents (see `docs`) and the shared corpus",
    )
    _add_as_discord_option(ask)
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="talk to quotebot in the terminal, without Discord")
    _add_corpus_options(chat)
    _add_answer_options(chat)
    _add_as_discord_option(chat)
    chat.set_defaults(handler=_chat)

    index = commands.add_parser("index", help="build or inspect the persisted index")
    index_commands = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = index_commands.add_parser("build", help="(re)build the index of the corpus and save it")
    _add_corpus_options(build)
    build.set_defaults(handler=_index_build)
    info = index_commands.add_parser("info", help="describe the persisted index of the corpus")
    _add_corpus_options(info)
    info.set_defaults(handler=_index_info)
    listing = index_commands.add_parser("list", help="list the saved indexes, their corpora and sizes")
    listing.add_argument("--index-dir", type=_user_path, help="the index folder (default: QUOTEBOT_INDEX_DIR)")
    listing.set_defaults(handler=_index_list)
    prune = index_commands.add_parser(
        "prune", help="remove saved indexes whose corpus no longer exists (or every one, with --all)"
    )
    prune.add_argument("--index-dir", type=_user_path, help="the index folder (default: QUOTEBOT_INDEX_DIR)")
    prune.add_argument("--all", action="store_true", help="remove every saved index; they are rebuilt when needed")
    prune.add_argument("--dry-run", action="store_true", help="say what would be removed, remove nothing")
    prune.set_defaults(handler=_index_prune)

    add_docs_commands(commands)
    add_gaps_command(commands)

    run = commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)
    sync = commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    sync.set_defaults(handler=_sync)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("quotebot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _user_path(value: str) -> Path:
    """A path as typed, with `~` expanded: `--corpus=~/docs` reaches no shell that would expand it."""
    return Path(value).expanduser()


def _add_as_discord_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-discord",
        action="store_true",
        help="print the exact Discord message (Markdown, escapes and all) instead of plain text",
    )


def _for_terminal(markdown: str, arguments: argparse.Namespace) -> str:
    """A reply's Discord Markdown as plain text (bold as ANSI on a terminal), unless --as-discord."""
    from bot.terminal import ansi_enabled, to_terminal

    if arguments.as_discord:
        return markdown
    return to_terminal(markdown, ansi=ansi_enabled(sys.stdout))


def _add_answer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--top-k", type=_top_k, help="how many passages to show (default: QUOTEBOT_TOP_K or 3)")
    parser.add_argument(
        "--min-confidence",
        type=_confidence,
        help="answer only above this confidence, 0 to 1 (default: QUOTEBOT_MIN_CONFIDENCE or 0.35)",
    )


def _add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        type=_user_path,
        help="a folder of .txt/.md documents or one file (default: QUOTEBOT_CORPUS or the bundled article)",
    )
    parser.add_argument(
        "--index-dir",
        type=_user_path,
        help="where persisted indexes live (default: QUOTEBOT_INDEX_DIR or ~/.cache/quotebot)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print no warnings (skipped files are still listed by `quotebot index info`)",
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
    """The persisted index of the corpus, or a fresh build.

    Warnings (skipped files, why it was rebuilt) go to stderr once, when the index is built,
    not on every question that reuses it: `index info` lists them. `--quiet` drops them.
    A failed save is left to the caller.
    """
    with _build_progress(arguments) as progress:
        opened = open_index(
            arguments.corpus or settings.corpus,
            arguments.index_dir or settings.index_dir,
            max_file_mb=settings.max_file_mb,
            force_rebuild=force_rebuild,
            engine=arguments.engine or settings.engine,
            progress=progress,
        )
    if opened.rebuilt and not arguments.quiet:
        for warning in opened.warnings:
            if warning != opened.save_error:
                _warn(warning)
    return opened


def _build_progress(arguments: argparse.Namespace) -> contextlib.AbstractContextManager[BuildProgress]:
    """Progress bars on stderr when it is a terminal (and not --quiet); nothing otherwise, so logs stay clean."""
    if arguments.quiet or not sys.stderr.isatty():
        return contextlib.nullcontext(no_progress)
    from bot.build_progress import TerminalBuildProgress

    return TerminalBuildProgress(sys.stderr)


def _ask(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.replies import render_answer_text

    given = _from_argv(" ".join(arguments.question))
    batch = arguments.question in ([], ["-"])
    if not batch:
        try:
            checked_question(given)  # before the index is opened: a bad question fails fast
        except QuotebotError as error:
            _error(str(error))
            if arguments.json:
                print(_json_line(_error_json(given, error)))
            return 1
    elif sys.stdin.isatty():
        print(
            f"{PROGRAM}: reading questions from the terminal, one per line; Ctrl-D ends "
            f"(`{PROGRAM} chat` is the conversational way)",
            file=sys.stderr,
        )
    if arguments.server is None:
        index = _open(arguments, settings)
    else:
        index = open_server_index(
            arguments.server,
            settings,
            arguments.corpus or settings.corpus,
            arguments.index_dir or settings.index_dir,
        )
    top_k, min_confidence = _answer_options(arguments, settings)
    questions: Iterable[str] = _stdin_questions(sys.stdin) if batch else [given]
    failures = 0
    for number, question in enumerate(questions):
        try:
            answer = index.ask(question, top_k, min_confidence)
        except QuotebotError as error:
            failures += 1
            _error(f"question {number + 1}: {error}" if batch else str(error))
            if arguments.json:
                print(_json_line(_error_json(question, error)))
            continue
        if arguments.json:
            print(_json_line(answer.to_json()), flush=batch)
        else:
            if batch:
                print(f"Q: {question.strip()}")
            print(_for_terminal(render_answer_text(answer), arguments), flush=batch)
            print(f"(confidence {answer.confidence:.2f})" + ("\n" if batch else ""), flush=batch)
    return 1 if failures else 0


def _answer_options(arguments: argparse.Namespace, settings: Settings) -> tuple[int, float]:
    """`--top-k` and `--min-confidence`, else the settings."""
    top_k = arguments.top_k or settings.top_k
    min_confidence = settings.min_confidence if arguments.min_confidence is None else arguments.min_confidence
    return top_k, min_confidence


# Line and paragraph separators that line-based readers (str.splitlines) split on, inside one JSON object.
_JSON_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_line(payload: dict[str, object]) -> str:
    """One JSON object on one line, whatever line separators its text holds."""
    return json.dumps(payload, ensure_ascii=False).translate(_JSON_LINE_BREAKS)


def _error_json(question: str, error: Exception) -> dict[str, object]:
    return {"question": question, "found": False, "verdict": "error", "error": str(error), "passages": []}


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
    top_k, min_confidence = _answer_options(arguments, settings)
    _enable_line_editing()
    print(
        f"quotebot: ask about {counted(len(index.documents), 'document')}, {counted(len(index.passages), 'passage')}. "
        f"Type 'more' for [{MORE_PASSAGES}], 'help' for help; 'exit', 'quit' or Ctrl-D quits."
    )
    last: Answer | None = None
    page = 0
    while True:
        try:
            line = input("you> ")
        except EOFError:
            print()
            return 0
        command = line.strip().casefold()
        if not command:
            continue
        if command in _CHAT_EXITS:
            return 0
        if command == "help":
            print(_CHAT_HELP.format(more=MORE_PASSAGES))
            continue
        if command == "more":
            # The button only exists while there is a next passage; without one, say so instead of asking "more".
            if last is not None and page + 1 < len(last.passages):
                page += 1
                print("quotebot>\n" + _for_terminal(render_reply_text(answer_reply(last, page)), arguments) + "\n")
            else:
                print("quotebot>\n" + _for_terminal(render_reply_text(no_next_page), arguments) + "\n")
            continue
        try:
            answer = index.ask(validate_question(line), top_k, min_confidence)
        except QuotebotError as error:
            print("quotebot>\n" + _for_terminal(render_reply_text(notice_reply("Sorry", str(error))), arguments) + "\n")
            continue
        last, page = answer, 0
        print("quotebot>\n" + _for_terminal(render_reply_text(answer_reply(answer)), arguments) + "\n")


_CHAT_EXITS = frozenset({"exit", "quit", "/exit", "/quit"})
_CHAT_HELP = """quotebot> Ask a question about the documents, in your own words, one per line.
  more         the next passage of the last answer [{more}]
  help         this help
  exit, quit   leave (so does Ctrl-D)
"""


def _enable_line_editing() -> None:
    """Line editing and history for `chat`, where the platform's readline exists."""
    if not sys.stdin.isatty():
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what turns editing on for input())


def _index_build(arguments: argparse.Namespace, settings: Settings) -> int:
    opened = _open_index(arguments, settings, force_rebuild=True)
    if opened.save_error:
        # Saving is the point of this command: an index that only lived in memory is a failure.
        _error(opened.save_error)
        return 1
    index, path = opened.index, opened.path
    print(
        f"indexed {counted(len(index.documents), 'document')}, {counted(len(index.passages), 'passage')}, "
        f"{index.vocabulary_size} terms with {index.engine.name} in {index.build_seconds:.2f} s -> {path}"
    )
    return 0


def _index_info(arguments: argparse.Namespace, settings: Settings) -> int:

    from index.documents import is_unread_type
    from index.passage_index import Analyzer

    corpus = arguments.corpus or settings.corpus
    if not corpus.exists():
        _error(f"corpus not found: {corpus}")
        return 1
    path = index_path(arguments.index_dir or settings.index_dir, corpus)
    if not path.exists():
        build = " ".join([f"{PROGRAM} index build", *_corpus_arguments(arguments)])
        _error(f"no index of {corpus} yet: run `{build}` (or just ask a question)")
        return 1
    index = load_index(path, Analyzer())
    built_at = moment(index.built_at)
    built = "unknown" if built_at is None else built_at.astimezone().isoformat(timespec="seconds")
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
        encoding = "" if document.encoding == "utf-8" else f"  (read as {document.encoding})"
        print(f"  {document.doc_id}  {counted(document.passage_count, 'passage')}  {document.title}{encoding}")
    for warning in index.warnings:
        print(f"  ({warning})")
    unread = [item.doc_id for item in index.skipped if is_unread_type(item)]
    if unread:
        print(f"  (not read: {', '.join(unread)})")
    return 0


def _index_list(arguments: argparse.Namespace, settings: Settings) -> int:
    from index.store import saved_indexes

    index_dir = arguments.index_dir or settings.index_dir
    saved = saved_indexes(index_dir)
    if not saved:
        print(f"no saved indexes in {index_dir}")
        return 0
    for item in saved:
        if item.corpus is None:
            print(f"{item.path.name}  {_size(item.bytes_on_disk)}  (not a readable quotebot index)")
            continue
        state = "" if item.corpus_exists else "  (corpus gone)"
        documents = counted(item.documents, "document")
        print(f"{item.path.name}  {_size(item.bytes_on_disk)}  {documents}  {item.corpus}{state}")
    total = sum(item.bytes_on_disk for item in saved)
    print(f"{counted(len(saved), 'index', 'indexes')} in {index_dir}, {_size(total)} in all")
    return 0


def _index_prune(arguments: argparse.Namespace, settings: Settings) -> int:
    from index.store import remove_saved_index, saved_indexes

    index_dir = arguments.index_dir or settings.index_dir
    doomed = [item for item in saved_indexes(index_dir) if arguments.all or not item.corpus_exists]
    failures = 0
    for item in doomed:
        if arguments.dry_run:
            print(f"would remove {item.path.name} ({item.corpus or 'unreadable'})")
            continue
        try:
            remove_saved_index(item.path)
        except OSError as error:
            failures += 1
            _error(f"couldn't remove {item.path}: {error.strerror or error}")
            continue
        print(f"removed {item.path.name} ({item.corpus or 'unreadable'})")
    freed = sum(item.bytes_on_disk for item in doomed)
    verb = "would free" if arguments.dry_run else "freed"
    print(f"{counted(len(doomed), 'index', 'indexes')}, {verb} {_size(freed)}")
    return 1 if failures else 0


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    scaled = float(size)
    for unit in ("kB", "MB", "GB"):
        scaled /= 1000
        if scaled < 1000 or unit == "GB":
            break
    return f"{scaled:.1f} {unit}"


def _corpus_arguments(arguments: argparse.Namespace) -> list[str]:
    """The corpus options the user gave, to repeat them in advice."""
    import shlex

    given = [("--corpus", arguments.corpus), ("--index-dir", arguments.index_dir), ("--engine", arguments.engine)]
    return [f"{option} {shlex.quote(str(value))}" for option, value in given if value is not None]


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
