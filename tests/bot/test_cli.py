"""The `quotebot` command line: the --json contract, batch mode, the index commands and every bad input."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import index.store
from bot.cli import main
from index.answers import MAX_QUESTION_CHARS
from index.documents import DEFAULT_MAX_FILE_MB

TOP_KEYS = {"question", "found", "verdict", "confidence", "corrected", "passages"}
PASSAGE_KEYS = {"doc", "title", "passage", "start", "end", "text", "quote", "score", "bm25", "section"}
ERROR_KEYS = {"question", "found", "verdict", "error", "passages"}
BLINKEN = "Who did Blinken meet in Saudi Arabia?"
UNKNOWN_WORDS = "zebra saxophone quantum origami"


@dataclass
class Run:
    """What one command printed, and its exit status."""

    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `quotebot` in this process, from a tmp folder (so no .env is read), with optional stdin."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    def run(*argv: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def build_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every index build done by open_index."""
    calls: list[Path] = []
    real_build = index.store.build_index

    def counting_build(corpus: Path, **options: Any):
        calls.append(corpus)
        return real_build(corpus, **options)

    monkeypatch.setattr(index.store, "build_index", counting_build)
    return calls


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def check_contract(answer: dict[str, Any], corpus: Path) -> None:
    """The public --json contract: exact keys, types, spans into the document as read, quote inside text."""
    assert set(answer) == TOP_KEYS
    assert isinstance(answer["question"], str)
    assert isinstance(answer["found"], bool)
    assert isinstance(answer["confidence"], float | int) and not isinstance(answer["confidence"], bool)
    assert 0 <= answer["confidence"] <= 1
    assert isinstance(answer["passages"], list)
    if not answer["found"]:
        assert answer["passages"] == []
    for passage in answer["passages"]:
        assert set(passage) == PASSAGE_KEYS
        for key in ("doc", "title", "text", "quote"):
            assert isinstance(passage[key], str), key
        for key in ("passage", "start", "end"):
            assert isinstance(passage[key], int) and not isinstance(passage[key], bool), key
        assert isinstance(passage["score"], float | int) and passage["score"] > 0
        assert passage["passage"] >= 1
        document_path = corpus / passage["doc"] if corpus.is_dir() else corpus
        document = read_text(document_path)
        assert document[passage["start"] : passage["end"]] == passage["text"]
        assert passage["quote"]
        assert passage["quote"] in passage["text"]
    scores = [passage["score"] for passage in answer["passages"]]
    assert scores == sorted(scores, reverse=True)


def only_error_line(run: Run) -> str:
    """The single `quotebot: error:` line of stderr; there is no traceback."""
    assert "Traceback" not in run.err
    errors = [line for line in run.err.splitlines() if line.startswith("quotebot: error:")]
    assert len(errors) == 1, run.err
    return errors[0]


# --- the JSON contract ---------------------------------------------------------------------------


def test_json_answer_on_bundled_article(cli, repo_root: Path) -> None:
    """The default corpus answers the README's question, following the contract, passage 1-based."""
    run = cli("ask", "--json", BLINKEN)
    assert run.code == 0, run.err
    (answer,) = run.json_lines()
    check_contract(answer, repo_root / "corpus")
    assert answer["question"] == BLINKEN
    assert answer["found"] is True
    assert answer["passages"][0]["doc"] == "article.txt"
    assert "Saudi Arabia" in answer["passages"][0]["quote"]


def test_json_spans_in_crlf_and_nested_documents(cli, make_corpus) -> None:
    """Offsets are into the document as read with universal newlines, also for CRLF files in subfolders."""
    corpus = make_corpus(
        {
            "news/crlf.txt": "# Talks\r\n\r\nMediators in Doha met on Oct. 1 to discuss the hostage deal.\r\n"
            "Read more\r\n\r\nThe U.S. envoy said the cease-fire talks would resume next week.\r\n",
            "notes.md": "# Notes\n\nQatar and Egypt host the ceasefire negotiations.\n",
        }
    )
    run = cli("ask", "--json", "--corpus", str(corpus), "--top-k", "5", "ceasefire talks Doha hostage deal")
    assert run.code == 0, run.err
    (answer,) = run.json_lines()
    check_contract(answer, corpus)
    assert answer["found"]
    assert {passage["doc"] for passage in answer["passages"]} <= {"news/crlf.txt", "notes.md"}
    assert all("Read more" not in passage["text"] for passage in answer["passages"])


def test_passage_number_is_one_based_within_its_document(cli, make_corpus) -> None:
    """`passage` counts from 1 in each document: the first paragraph of a document is passage 1."""
    paragraph = "Filler paragraph about weather and rain in the hills, long enough to stand alone. " * 3
    corpus = make_corpus(
        {
            "a.txt": f"{paragraph}\n\n{paragraph}\n\nThe quokka summit opened in Perth on Monday. {paragraph}\n",
            "b.txt": "The walrus treaty was signed in Oslo. " + paragraph + "\n",
        }
    )
    (quokka,) = cli("ask", "--json", "--corpus", str(corpus), "quokka summit Perth").json_lines()
    (walrus,) = cli("ask", "--json", "--corpus", str(corpus), "walrus treaty Oslo").json_lines()
    assert (quokka["passages"][0]["doc"], quokka["passages"][0]["passage"]) == ("a.txt", 3)
    assert (walrus["passages"][0]["doc"], walrus["passages"][0]["passage"]) == ("b.txt", 1)
    check_contract(quokka, corpus)
    check_contract(walrus, corpus)


def test_corpus_setting_is_the_default_corpus(cli, make_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """QUOTEBOT_CORPUS is what `--corpus` defaults to; the option still wins over it."""
    setting = make_corpus({"walrus.txt": "The walrus treaty was signed in Oslo on a cold morning in May. " * 3})
    option = make_corpus({"quokka.txt": "The quokka summit opened in Perth on a hot Monday in March. " * 3})
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(setting))
    (from_setting,) = cli("ask", "--json", "Where was the walrus treaty signed?").json_lines()
    assert from_setting["found"] and from_setting["passages"][0]["doc"] == "walrus.txt"
    (from_option,) = cli("ask", "--json", "--corpus", str(option), "Where did the quokka summit open?").json_lines()
    assert from_option["found"] and from_option["passages"][0]["doc"] == "quokka.txt"


@pytest.mark.parametrize("question", [UNKNOWN_WORDS, "the of and ???", "🙂🎉"])
def test_json_not_found(cli, question: str, repo_root: Path) -> None:
    """Questions with nothing to match say found: false with no passages, exit 0."""
    run = cli("ask", "--json", question)
    assert run.code == 0, run.err
    (answer,) = run.json_lines()
    check_contract(answer, repo_root / "corpus")
    assert answer["found"] is False
    assert answer["passages"] == []


def test_top_k_limits_passages(cli) -> None:
    """--top-k 1 gives one passage at most."""
    (answer,) = cli("ask", "--json", "--top-k", "1", BLINKEN).json_lines()
    assert len(answer["passages"]) == 1


def test_min_confidence_one_refuses_partial_matches(cli) -> None:
    """--min-confidence 1 refuses a question half made of words the corpus lacks."""
    (answer,) = cli("ask", "--json", "--min-confidence", "1", f"Blinken {UNKNOWN_WORDS}").json_lines()
    assert answer["found"] is False


def test_text_output_shows_quote_source_and_passage_number(cli) -> None:
    """Without --json: the quote in bold, the passage, its source and "passage n of m"."""
    run = cli("ask", BLINKEN)
    assert run.code == 0, run.err
    assert "**" in run.out
    assert "(article.txt), passage " in run.out
    assert " of " in run.out
    assert "Saudi Arabia" in run.out


# --- batch mode ----------------------------------------------------------------------------------


def test_batch_answers_every_line_building_once(cli, build_calls: list[Path], repo_root: Path) -> None:
    """Questions from stdin (blank lines ignored) each get one JSON line, in order; the index is built once."""
    questions = [BLINKEN, "Where is Tyre?", UNKNOWN_WORDS, "What did Blinken say about Iran?"]
    run = cli("ask", "--json", stdin="\n".join([questions[0], "", *questions[1:], "   "]) + "\n")
    assert run.code == 0, run.err
    answers = run.json_lines()
    assert [answer["question"] for answer in answers] == questions
    for answer in answers:
        check_contract(answer, repo_root / "corpus")
    assert len(build_calls) == 1


def test_second_batch_run_loads_the_saved_index(cli, build_calls: list[Path], index_dir: Path) -> None:
    """A second run finds the saved index current and loads it instead of rebuilding."""
    first = cli("ask", "--json", "-", stdin=f"{BLINKEN}\n")
    assert len(build_calls) == 1
    saved = list(index_dir.glob("*.json"))
    assert len(saved) == 1
    second = cli("ask", "--json", "-", stdin=f"{BLINKEN}\n")
    assert len(build_calls) == 1
    assert second.json_lines() == first.json_lines()
    assert "warning" not in second.err


def test_batch_too_long_question_is_an_error_line(cli) -> None:
    """In a batch, a too-long question gets an error object and exit 1, the others are still answered."""
    long_question = "war " * MAX_QUESTION_CHARS
    run = cli("ask", "--json", stdin=f"{BLINKEN}\n{long_question}\nWhere is Tyre?\n")
    assert run.code == 1
    first, error, third = run.json_lines()
    assert first["found"] and third["found"]
    assert set(error) == ERROR_KEYS
    assert error["found"] is False and error["passages"] == []
    assert "too long" in error["error"]
    assert "question 2" in only_error_line(run)


def test_batch_text_output(cli) -> None:
    """Batch without --json prints each question followed by its answer."""
    run = cli("ask", stdin=f"{BLINKEN}\n{UNKNOWN_WORDS}\n")
    assert run.code == 0
    assert f"Q: {BLINKEN}" in run.out
    assert f"Q: {UNKNOWN_WORDS}" in run.out
    assert run.out.index(BLINKEN) < run.out.index(UNKNOWN_WORDS)


# --- index commands ------------------------------------------------------------------------------


def test_index_build_then_info_then_ask_loads(cli, make_corpus, build_calls: list[Path], index_dir: Path) -> None:
    """`index build` saves, `index info` describes it as current, and `ask` then loads it."""
    corpus = make_corpus({"a.txt": "Blinken met the prince in Riyadh.\n", "b.md": "# Tyre\n\nStrikes hit the port.\n"})
    built = cli("index", "build", "--corpus", str(corpus))
    assert built.code == 0, built.err
    assert "indexed 2 documents, 2 passages" in built.out
    assert len(build_calls) == 1
    info = cli("index", "info", "--corpus", str(corpus))
    assert info.code == 0, info.err
    assert "current" in info.out
    assert "documents:   2" in info.out
    assert "a.txt" in info.out and "b.md" in info.out
    assert "vocabulary:" in info.out and "built:" in info.out
    assert str(index_dir) in info.out
    asked = cli("ask", "--json", "--corpus", str(corpus), "Who met the prince?")
    assert asked.code == 0
    assert len(build_calls) == 1


def test_index_build_that_cannot_save_fails(cli, make_corpus, tmp_path: Path) -> None:
    """`index build` into a folder that can't be written says why and exits 1; `ask` there still answers, warning."""
    corpus = make_corpus({"a.txt": "Blinken met the prince in Riyadh.\n"})
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the index folder should be")
    built = cli("index", "build", "--corpus", str(corpus), "--index-dir", str(blocked))
    assert built.code == 1
    assert "couldn't save the index" in only_error_line(built)
    assert built.out == ""
    asked = cli("ask", "--json", "--corpus", str(corpus), "--index-dir", str(blocked), "Who met the prince?")
    assert asked.code == 0
    assert asked.json_lines()[0]["found"] is True
    assert asked.err.count("couldn't save the index") == 1
    assert asked.err.startswith("quotebot: warning:")


def test_index_info_reports_stale(cli, make_corpus) -> None:
    """After an added document, `index info` says the saved index is stale."""
    corpus = make_corpus({"a.txt": "Blinken met the prince in Riyadh.\n"})
    cli("index", "build", "--corpus", str(corpus))
    (corpus / "new.txt").write_text("A new document.", encoding="utf-8")
    info = cli("index", "info", "--corpus", str(corpus))
    assert info.code == 0
    assert "stale" in info.out


def test_index_info_sums_up_and_lists_unread_files(cli, make_corpus) -> None:
    """`index info` gives the one summary of unread file types, then names the files, and the index stays current."""
    corpus = make_corpus({"a.txt": "Blinken met the prince in Riyadh.\n", "api.rst": "x", "b.docx": "y"})
    cli("index", "build", "--corpus", str(corpus))
    info = cli("index", "info", "--corpus", str(corpus))
    assert info.code == 0
    assert "status:      current" in info.out
    assert "(skipped 2 files of types quotebot doesn't read: .docx (1), .rst (1))" in info.out
    assert "(not read: api.rst, b.docx)" in info.out


def test_index_info_without_index(cli, make_corpus) -> None:
    """`index info` before any build says so, exit 1."""
    corpus = make_corpus({"a.txt": "Text."})
    run = cli("index", "info", "--corpus", str(corpus))
    assert run.code == 1
    assert "index build" in only_error_line(run)


def test_corrupt_saved_index_is_rebuilt_with_a_warning(cli, index_dir: Path) -> None:
    """A garbage index file makes `ask` warn and rebuild, not crash."""
    cli("ask", "--json", BLINKEN)
    (saved,) = index_dir.glob("*.json")
    saved.write_bytes(b"\x00garbage")
    run = cli("ask", "--json", BLINKEN)
    assert run.code == 0
    assert "quotebot: warning: rebuilding the index" in run.err
    assert run.json_lines()[0]["found"]


# --- bad input -----------------------------------------------------------------------------------


def test_missing_corpus(cli, tmp_path: Path) -> None:
    """A corpus path that doesn't exist: one clear line naming it, exit 1."""
    missing = tmp_path / "no-such-folder"
    run = cli("ask", "--corpus", str(missing), BLINKEN)
    assert run.code == 1
    line = only_error_line(run)
    assert "not found" in line and str(missing) in line
    assert run.out == ""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "no .txt, .md, .html or .pdf documents"),
        ({"a.txt": "", "b.md": "\n\n   \n"}, "no usable documents"),
        ({"only.txt": "Read more\nSubscribe to our newsletter\nShare this article\n"}, "no text to index"),
    ],
    ids=["empty folder", "empty files", "only furniture"],
)
def test_empty_corpus(cli, make_corpus, files: dict[str, str], expected: str) -> None:
    """An empty corpus: one clear line, exit 1."""
    corpus = make_corpus(files)
    run = cli("ask", "--corpus", str(corpus), BLINKEN)
    assert run.code == 1
    assert expected in only_error_line(run)


def test_non_utf8_only_document_is_read_and_answers(cli, make_corpus) -> None:
    """A corpus whose only file is Latin-1: it is decoded, answers, and the build says how it was read."""
    corpus = make_corpus({"latin.txt": "Caf\xe9 cr\xe8me is served in Doha.".encode("latin-1")})
    run = cli("ask", "--json", "--corpus", str(corpus), "Where is café crème served?")
    assert run.code == 0, run.err
    assert "read latin.txt as cp1252: it isn't UTF-8" in run.err
    (answer,) = run.json_lines()
    assert answer["found"] and "Café crème" in answer["passages"][0]["text"]


def test_non_utf8_file_is_read_with_a_warning(cli, make_corpus) -> None:
    """A non-UTF-8 file beside good ones is read, with a warning naming its encoding; answers still come."""
    corpus = make_corpus(
        {"good.txt": "Blinken met the prince in Riyadh.\n", "latin.txt": "Caf\xe9 in Doha".encode("latin-1")}
    )
    run = cli("ask", "--json", "--corpus", str(corpus), "Who met the prince in Riyadh?")
    assert run.code == 0
    assert "Traceback" not in run.err
    warnings = [line for line in run.err.splitlines() if line.startswith("quotebot: warning:")]
    assert any("latin.txt as cp1252" in line and "UTF-8" in line for line in warnings)
    (answer,) = run.json_lines()
    assert answer["found"]
    check_contract(answer, corpus)


def test_binary_file(cli, make_corpus) -> None:
    """A binary file is named as binary: an error when alone, a warning beside good documents."""
    alone = make_corpus({"blob.txt": bytes(range(256)) * 4})
    run = cli("ask", "--corpus", str(alone), "anything")
    assert run.code == 1
    assert "blob.txt is a binary file" in only_error_line(run)
    mixed = make_corpus({"blob.txt": bytes(range(256)) * 4, "good.md": "Blinken met the prince.\n"})
    run = cli("ask", "--corpus", str(mixed), "Who met the prince in Riyadh?")
    assert run.code == 0
    assert "blob.txt is a binary file" in run.err


def _sparse_file(path: Path, megabytes: int) -> None:
    with open(path, "wb") as file:
        file.truncate(megabytes * 1_000_000)


def test_fifty_megabyte_file(cli, make_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 MB file is over the documented limit: named with the limit and its setting, without reading it."""
    assert DEFAULT_MAX_FILE_MB < 50
    corpus = make_corpus({})
    _sparse_file(corpus / "huge.txt", 50)
    run = cli("ask", "--corpus", str(corpus), "anything")
    assert run.code == 1
    line = only_error_line(run)
    assert "huge.txt" in line and "QUOTEBOT_MAX_FILE_MB" in line

    (corpus / "good.txt").write_text("Blinken met the prince in Riyadh.\n", encoding="utf-8")
    run = cli("ask", "--json", "--corpus", str(corpus), "Who met the prince in Riyadh?")
    assert run.code == 0
    assert "huge.txt" in run.err and "QUOTEBOT_MAX_FILE_MB" in run.err
    assert run.json_lines()[0]["found"]

    monkeypatch.setenv("QUOTEBOT_MAX_FILE_MB", "60")
    run = cli("ask", "--json", "--corpus", str(corpus), "Who met the prince in Riyadh?")
    assert run.code == 0
    assert "QUOTEBOT_MAX_FILE_MB" not in run.err
    assert "huge.txt is a binary file" in run.err  # read now: a sparse file is all NUL bytes


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_empty_question(cli, question: str, build_calls: list[Path]) -> None:
    """An empty or blank question: one clear line, exit 1 (as in batch mode), and no index is built for it."""
    run = cli("ask", question)
    assert run.code == 1
    assert "the question is empty" in only_error_line(run)
    assert build_calls == []


def test_absurdly_long_question(cli, build_calls: list[Path]) -> None:
    """A question over the limit: one clear line giving the limit, exit 1."""
    run = cli("ask", "Blinken " * MAX_QUESTION_CHARS)
    assert run.code == 1
    line = only_error_line(run)
    assert "too long" in line and str(MAX_QUESTION_CHARS) in line
    assert build_calls == []


def test_bad_setting(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unusable setting names the variable in one line, exit 2."""
    monkeypatch.setenv("QUOTEBOT_TOP_K", "lots")
    run = cli("ask", BLINKEN)
    assert run.code == 2
    assert "QUOTEBOT_TOP_K" in only_error_line(run)


@pytest.mark.parametrize("option", [["--top-k", "0"], ["--top-k", "x"], ["--min-confidence", "2"]])
def test_bad_option_value(cli, option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """argparse rejects bad option values with its usage message and exit 2."""
    with pytest.raises(SystemExit) as raised:
        cli("ask", *option, BLINKEN)
    assert raised.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_no_command_prints_help(cli) -> None:
    """`quotebot` alone prints help on stderr and exits 2."""
    run = cli()
    assert run.code == 2
    assert "usage:" in run.err


# --- real processes ------------------------------------------------------------------------------


def _run(command: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    environment.pop("NLTK_DATA", None)
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, cwd=cwd, env=environment, timeout=120, check=False
    )


def _quotebot_script() -> str:
    script = shutil.which("quotebot") or str(Path(sys.executable).with_name("quotebot"))
    assert Path(script).exists(), "the quotebot console script isn't installed: pip install -e '.[test]'"
    return script


def test_python_m_bot_batch_answers_every_line(tmp_path: Path, repo_root: Path) -> None:
    """`python -m bot ask --json` with questions on stdin: one JSON line each, exit 0."""
    result = _run([sys.executable, "-m", "bot", "ask", "--json"], tmp_path, stdin=f"{BLINKEN}\nWhere is Tyre?\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [answer["question"] for answer in answers] == [BLINKEN, "Where is Tyre?"]
    for answer in answers:
        check_contract(answer, repo_root / "corpus")


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["ask", "--corpus", "does/not/exist", BLINKEN], 1, "corpus not found"),
        (["ask", "   "], 1, "the question is empty"),
        (["ask", "x" * (MAX_QUESTION_CHARS + 1)], 1, "too long"),
    ],
)
def test_console_script_bad_input_has_no_traceback(
    tmp_path: Path, arguments: list[str], code: int, message: str
) -> None:
    """The installed `quotebot` script: one error line, the documented exit status, no traceback."""
    result = _run([_quotebot_script(), *arguments], tmp_path)
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [line for line in result.stderr.strip().splitlines() if line]
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_python_m_bot_undecodable_corpus(tmp_path: Path, make_corpus) -> None:
    """`python -m bot` on a corpus with only a file in no known encoding: exit 1, the file named, no traceback."""
    corpus = make_corpus({"noise.txt": bytes(range(128, 256)) * 4})
    result = _run([sys.executable, "-m", "bot", "ask", "--corpus", str(corpus), "cafe"], tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "noise.txt is text in no encoding quotebot recognises" in result.stderr


def test_batch_stdin_that_is_not_utf8_is_answered(tmp_path: Path) -> None:
    """A stray non-UTF-8 byte on stdin (strict decoding, as under most locales) doesn't stop the batch."""
    environment = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    environment.pop("NLTK_DATA", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input=f"Who \xff met?\r\n{BLINKEN}\n".encode("latin-1"),
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [answer["question"] for answer in answers] == ["Who \ufffd met?", BLINKEN]


def test_ask_never_imports_discord(run_python, tmp_path: Path) -> None:
    """Answering from the terminal (and the index commands) doesn't import discord."""
    code = textwrap.dedent(
        f"""
        import sys
        from bot.cli import main
        codes = [main(["ask", "--json", {BLINKEN!r}]), main(["index", "build"]), main(["index", "info"])]
        assert codes == [0, 0, 0], codes
        loaded = sorted(name for name in sys.modules if name == "discord" or name.startswith("discord."))
        print("discord modules:", loaded)
        """
    )
    result = run_python(code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "discord modules: []" in result.stdout


def test_ask_never_imports_the_database(run_python, tmp_path: Path) -> None:
    """SQLAlchemy takes a quarter of a second to import: `quotebot ask` on a corpus needs none of it."""
    code = textwrap.dedent(
        f"""
        import sys
        from bot.cli import main
        assert main(["ask", "--json", {BLINKEN!r}]) == 0
        assert main(["ask", "--as-discord", {BLINKEN!r}]) == 0
        database = ("sqlalchemy", "aiosqlite", "asyncpg", "knowledge.base", "knowledge.database")
        loaded = sorted(name for name in sys.modules if name in database or name.split(".")[0] == "sqlalchemy")
        print("database modules:", loaded)
        """
    )
    result = run_python(code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database modules: []" in result.stdout


# --- arguments as people type them -----------------------------------------------------------------


def test_version(cli, capsys: pytest.CaptureFixture[str]) -> None:
    """`quotebot --version` names the installed version and exits 0."""
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"quotebot {version('quotebot')}"


def test_unquoted_question_words_are_joined(cli) -> None:
    """`quotebot ask who did Blinken meet` asks the whole question, not just its first word."""
    run = cli("ask", "--json", *BLINKEN.split())
    assert run.code == 0, run.err
    [answer] = run.json_lines()
    assert answer["question"] == BLINKEN
    assert answer["found"] is True


def test_double_dash_before_a_question_starting_with_a_dash(cli) -> None:
    """`--` ends the options, so a question may start with '-'."""
    run = cli("ask", "--json", "--", "-", "who", "did", "Blinken", "meet?")
    assert run.code == 0, run.err
    [answer] = run.json_lines()
    assert answer["question"] == "- who did Blinken meet?"


def test_tilde_in_corpus_option_is_expanded(cli, make_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--corpus=~/docs` reaches no shell that would expand it: quotebot expands `~` itself."""
    corpus = make_corpus({"harbour.txt": "Seven ships entered the harbour at dawn, said the keeper."})
    monkeypatch.setenv("HOME", str(corpus.parent))
    run = cli("ask", "--json", f"--corpus=~/{corpus.name}", "How many ships entered the harbour?")
    assert run.code == 0, run.err
    [answer] = run.json_lines()
    assert answer["passages"][0]["doc"] == "harbour.txt"


def test_index_info_of_a_missing_corpus(cli, tmp_path: Path) -> None:
    """`index info` on a corpus that doesn't exist says so, not "no index yet"."""
    run = cli("index", "info", "--corpus", str(tmp_path / "nowhere"))
    assert run.code == 1
    assert "corpus not found" in only_error_line(run)


def test_index_info_advice_repeats_the_corpus(cli, make_corpus) -> None:
    """The advice to build names the same corpus, so pasting it builds the right index."""
    corpus = make_corpus({"a.txt": "Seven ships entered the harbour at dawn."})
    run = cli("index", "info", "--corpus", str(corpus))
    assert run.code == 1
    assert f"quotebot index build --corpus {corpus}" in only_error_line(run)


def test_single_bad_question_with_json_prints_json_like_batch(cli) -> None:
    """With --json, a question that can't be asked prints its JSON error object and exits 1, as in batch mode."""
    single = cli("ask", "--json", "   ")
    batch = cli("ask", "--json", "-", stdin="x" * (MAX_QUESTION_CHARS + 1) + "\n")
    assert single.code == batch.code == 1
    for run in (single, batch):
        [error] = run.json_lines()
        assert set(error) == ERROR_KEYS and error["found"] is False


def test_json_escapes_unicode_line_separators(cli) -> None:
    """U+2028, U+2029 and U+0085 are escaped, so a line-based reader sees one line per answer."""
    question = "Who did\u2028Blinken\u2029meet\u0085in Saudi Arabia?"
    run = cli("ask", "--json", question)
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == 1
    assert json.loads(run.out)["question"] == question


def test_argv_bytes_that_are_not_utf8_give_utf8_json(tmp_path: Path) -> None:
    """A question with a 0xFF byte in argv: the JSON printed is valid UTF-8, the byte shown as U+FFFD."""
    result = subprocess.run(
        [_quotebot_script().encode(), b"ask", b"--json", b"Who did Blinken meet \xff?"],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.decode("utf-8"))
    assert answer["question"] == "Who did Blinken meet \ufffd?"


def test_strict_ascii_stdout_does_not_crash(tmp_path: Path) -> None:
    """With a strict ASCII stdout, an answer full of curly quotes prints (with '?') instead of a UnicodeEncodeError."""
    environment = {**os.environ, "PYTHONIOENCODING": "ascii:strict"}
    result = subprocess.run(
        [_quotebot_script(), "ask", "What did Blinken say about Iran?"],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stdout


def test_json_verdict_tells_refusals_apart(cli) -> None:
    """A question of stopwords only and one the article doesn't cover are both refused, with different verdicts."""
    run = cli("ask", "--json", "-", stdin=f"what is the?\n{UNKNOWN_WORDS}\n{BLINKEN}\n")
    assert [answer["verdict"] for answer in run.json_lines()] == ["no-terms", "not-covered", "answered"]


def test_json_gives_raw_bm25_beside_the_reranked_score(cli) -> None:
    """`bm25` is the passage's raw BM25 score; `score` is the re-ranked one that orders the passages."""
    from index.passage_index import build_index
    from index.tokens import Tokenizer

    run = cli("ask", "--json", "--top-k", "3", BLINKEN)
    [answer] = run.json_lines()
    index = build_index(Path(__file__).resolve().parents[2] / "corpus")
    terms = list(dict.fromkeys(Tokenizer().tokenize(BLINKEN)))
    raw = index.engine.scores(terms)
    for passage in answer["passages"]:
        position = index.documents[passage["doc"]].first_passage + passage["passage"] - 1
        assert passage["bm25"] == pytest.approx(float(raw[position]), abs=1e-5)
    assert any(passage["score"] != passage["bm25"] for passage in answer["passages"])


def test_ask_prints_the_confidence(cli) -> None:
    """The text answer ends with its confidence, as chat shows it."""
    run = cli("ask", BLINKEN)
    assert run.code == 0
    assert "(confidence " in run.out.splitlines()[-1]


@pytest.mark.parametrize("command", [("ask", BLINKEN), ("index", "build")])
def test_bad_bot_only_setting_does_not_stop_offline_commands(
    cli, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    """`QUOTEBOT_DEV_GUILD_ID=my-server` concerns the bot: `ask` and `index build` still work."""
    monkeypatch.setenv("QUOTEBOT_DEV_GUILD_ID", "my-server")
    monkeypatch.setenv("QUOTEBOT_COOLDOWN_SECONDS", "soon")
    run = cli(*command)
    assert run.code == 0, run.err
    assert "QUOTEBOT_DEV_GUILD_ID" not in run.err


def test_bad_bot_only_setting_still_stops_the_bot(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`quotebot run` does check the bot's settings: one line naming the setting, exit 2."""
    monkeypatch.setenv("QUOTEBOT_DEV_GUILD_ID", "my-server")
    run = cli("run")
    assert run.code == 2
    assert "QUOTEBOT_DEV_GUILD_ID" in only_error_line(run)


def test_skip_warnings_are_given_once_and_listed_by_index_info(cli, make_corpus) -> None:
    """A skipped file is warned about when the index is built, not on every question; `index info` lists it."""
    corpus = make_corpus({"good.txt": "Blinken met the prince in Riyadh.\n", "blob.txt": b"\x00\x01binary"})
    first = cli("ask", "--corpus", str(corpus), "Who met the prince?")
    assert "blob.txt is a binary file" in first.err
    second = cli("ask", "--corpus", str(corpus), "Who met the prince?")
    assert second.code == 0 and second.err == ""
    info = cli("index", "info", "--corpus", str(corpus))
    assert "blob.txt is a binary file" in info.out


def test_quiet_prints_no_warnings(cli, make_corpus) -> None:
    """`--quiet` builds and answers without a word on stderr."""
    corpus = make_corpus({"good.txt": "Blinken met the prince in Riyadh.\n", "blob.txt": b"\x00\x01binary"})
    run = cli("ask", "--quiet", "--corpus", str(corpus), "Who met the prince?")
    assert run.code == 0 and run.err == ""
    assert "Riyadh" in run.out


def test_index_list_and_prune(cli, make_corpus, index_dir: Path) -> None:
    """`index list` shows each saved index and its corpus; `prune` removes those whose corpus is gone, only them."""
    kept = make_corpus({"a.txt": "Alpha is the first letter."})
    gone = make_corpus({"b.txt": "Beta is the second letter."})
    for corpus in (kept, gone):
        assert cli("index", "build", "--corpus", str(corpus)).code == 0
    shutil.rmtree(gone)
    listed = cli("index", "list")
    assert listed.code == 0
    assert str(kept.resolve()) in listed.out and f"{gone.resolve()}  (corpus gone)" in listed.out
    assert "2 indexes in" in listed.out
    dry = cli("index", "prune", "--dry-run")
    assert "would remove" in dry.out and len(list(index_dir.glob("*.json"))) == 2
    pruned = cli("index", "prune")
    assert pruned.code == 0 and "removed" in pruned.out
    remaining = cli("index", "list").out
    assert str(kept.resolve()) in remaining and str(gone.resolve()) not in remaining
    assert cli("index", "prune", "--all").code == 0
    assert "no saved indexes" in cli("index", "list").out


def test_ask_prints_plain_text_with_ansi_bold_on_a_terminal(cli, make_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a terminal: no Discord escapes, the quote in ANSI bold; NO_COLOR keeps it plain; --as-discord is exact."""
    from bot.terminal import BOLD

    corpus = make_corpus({"build.md": "# Building\n\nThe x86_64 build uses `make` and the *fast* profile.\n"})
    question = ["--corpus", str(corpus), "Which profile does the x86_64 build use?"]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    on_terminal = cli("ask", *question).out
    assert "x86_64 build uses `make`" in on_terminal and "\\" not in on_terminal
    assert BOLD in on_terminal and "**" not in on_terminal
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = cli("ask", *question).out
    assert BOLD not in no_color and "**" in no_color and "\\" not in no_color
    exact = cli("ask", "--as-discord", *question).out
    assert "x86\\_64" in exact


def test_index_build_keeps_stderr_clean_off_a_terminal(cli, make_corpus) -> None:
    """Piped or logged, `index build` writes no progress to stderr: only its one result line to stdout."""
    corpus = make_corpus({"a.txt": "Alpha is the first letter.", "b.txt": "Beta is the second letter."})
    run = cli("index", "build", "--corpus", str(corpus))
    assert run.code == 0 and run.err == ""
    assert run.out.startswith("indexed 2 documents")


def test_ctrl_c_during_a_large_build_leaves_the_old_index(tmp_path: Path, make_corpus) -> None:
    """SIGINT while a build runs (tokenizing in worker processes): exit 130, no traceback, the old index untouched."""
    import random
    import signal
    import time

    rng = random.Random(4)
    words = "harbour ship keeper council budget road town hall market baker ferry storm tide anchor sail".split()
    paragraph = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(20, 50))).capitalize() + "."  # noqa: E731
    corpus = make_corpus({"first.txt": "The keeper counted seven ships."})
    index_dir = tmp_path / "index"
    command = [_quotebot_script(), "index", "build", "--corpus", str(corpus), "--index-dir", str(index_dir)]
    assert subprocess.run(command, capture_output=True, check=False, timeout=120).returncode == 0
    (saved,) = index_dir.glob("*.json")
    before = saved.read_bytes()
    for number in range(100):  # about 29,000 passages: tokenized by worker processes
        (corpus / f"doc{number:02d}.txt").write_text("\n\n".join(paragraph() for _ in range(500)), encoding="utf-8")
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Interrupt once the tokenizing workers run, not after a fixed delay: on a busy machine a delay can land
    # before the build starts, and on an idle one after it ends.
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children")
    deadline = time.monotonic() + 60
    while build.poll() is None and not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert build.poll() is None, "the build ended before its workers could be seen"
    time.sleep(0.3)
    build.send_signal(signal.SIGINT)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert "Traceback" not in err and out == ""
    assert saved.read_bytes() == before
