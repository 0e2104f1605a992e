"""`quotebot docs add|list|remove --server` and `quotebot ask --server`, on a real SQLite database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main

FERRIES = "# Ferries\n\nThe harbour ferry leaves the north pier every twenty minutes.\n"
QUESTION = "When does the harbour ferry leave the pier?"


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_corpus) -> Path:
    """A data folder, an index folder and a shared corpus that knows nothing of ferries."""
    monkeypatch.setenv("QUOTEBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUOTEBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(make_corpus({"bakery.txt": "The baker sold sourdough loaves at dawn."})))
    monkeypatch.delenv("QUOTEBOT_DATABASE_URL", raising=False)
    document = tmp_path / "ferries.md"
    document.write_text(FERRIES, encoding="utf-8")
    return document


def _json_answer(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["ask", "--json", *arguments, QUESTION]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_servers_documents_answer_there_only_until_removed(shell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "add", str(shell), "--server", "42"]) == 0
    assert "added ferries.md (Ferries): 1 passage" in capsys.readouterr().out

    in_server = _json_answer(capsys, "--server", "42")
    assert in_server["found"] and in_server["passages"][0]["doc"] == "ferries.md"
    elsewhere = _json_answer(capsys, "--server", "7")
    assert all(passage["doc"] != "ferries.md" for passage in elsewhere["passages"])
    assert all(passage["doc"] != "ferries.md" for passage in _json_answer(capsys)["passages"])

    assert main(["docs", "list", "--server", "42", "--json"]) == 0
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (listed["name"], listed["title"], listed["passages"], listed["size"]) == (
        "ferries.md",
        "Ferries",
        1,
        len(FERRIES),
    )
    assert main(["docs", "list", "--server", "7"]) == 0
    assert "no documents of its own" in capsys.readouterr().out

    assert main(["docs", "remove", "ferries.md", "--server", "42"]) == 0
    assert "removed ferries.md" in capsys.readouterr().out
    after = _json_answer(capsys, "--server", "42")
    assert all(passage["doc"] != "ferries.md" for passage in after["passages"])


def test_adding_the_same_file_again_says_it_is_unchanged(shell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "add", str(shell), "--server", "42"]) == 0
    assert main(["docs", "add", str(shell), "--server", "42", "--title", "Boats"]) == 0
    assert "unchanged: ferries.md (Boats)" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize(
    ("arguments", "message", "code"),
    [
        (["docs", "add", "/no/such/file.md", "--server", "42"], "no such file", 1),
        (["docs", "add", "http://127.0.0.1/", "--server", "42"], "loopback", 1),
        (["docs", "add", "http://169.254.169.254/latest/meta-data", "--server", "42"], "refused", 1),
        (["docs", "remove", "nothing.md", "--server", "42"], "no document named 'nothing.md'", 1),
        (["docs", "list", "--server", "my-server"], "digits only", 2),
    ],
)
def test_bad_requests_get_one_line_and_change_nothing(
    shell: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str, code: int
) -> None:
    if code == 2:
        with pytest.raises(SystemExit) as exited:
            main(arguments)
        assert exited.value.code == 2
    else:
        assert main(arguments) == code
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert main(["docs", "list", "--server", "42", "--json"]) == 0
    assert capsys.readouterr().out == ""


def test_an_unsupported_file_is_refused(shell: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ\x90\x00")
    assert main(["docs", "add", str(tool), "--server", "42"]) == 1
    assert "unsupported type" in capsys.readouterr().err


def test_leaving_the_shared_corpus_out_answers_from_the_servers_documents_only(
    shell: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`docs shared off` drops the shared corpus beside the server's documents; with none, the shared one answers."""
    assert main(["docs", "shared", "--server", "9"]) == 0
    assert "the shared corpus answers in this server" in capsys.readouterr().out
    assert main(["docs", "shared", "off", "--server", "9"]) == 0
    assert "has no documents of its own yet" in capsys.readouterr().out
    bakery = "What did the baker sell at dawn?"
    capsys.readouterr()
    assert main(["ask", "--json", "--server", "9", bakery]) == 0
    assert json.loads(capsys.readouterr().out)["passages"][0]["doc"] == "bakery.txt"

    assert main(["docs", "add", str(shell), "--server", "9"]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "--server", "9", bakery]) == 0
    docs = {passage["doc"] for passage in json.loads(capsys.readouterr().out)["passages"]}
    assert docs <= {"ferries.md"}
    assert main(["docs", "shared", "--server", "9"]) == 0
    assert "from its own documents only" in capsys.readouterr().out

    assert main(["docs", "shared", "on", "--server", "9"]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "--server", "9", bakery]) == 0
    assert json.loads(capsys.readouterr().out)["passages"][0]["doc"] == "bakery.txt"


FERRY_PAGE = (
    "<html><head><title>Ferries</title></head><body><nav><a href='/'>Home</a></nav><article>"
    "<h1>Ferries</h1><p>The harbour has two ferry lines, both leaving from the north pier.</p>"
    "<h2>Night service</h2><p>The last ferry leaves the north pier at midnight, every day of the year.</p>"
    "</article></body></html>"
)
NIGHT_QUESTION = "when does the last ferry leave at night?"


def _as_before_web_pages_kept_their_structure(data_dir: Path, name: str) -> None:
    """Make a stored page what an older quotebot stored: its plain text, one paragraph per line, not Markdown."""
    from sqlalchemy import text

    from knowledge.base import text_sha256
    from knowledge.database import open_database
    from knowledge.locations import default_database_url

    plain = (
        "Ferries\n\nThe harbour has two ferry lines, both leaving from the north pier.\n\nNight service\n\n"
        "The last ferry leaves the north pier at midnight, every day of the year."
    )

    async def downgrade() -> None:
        database = await open_database(default_database_url(data_dir))
        try:
            async with database.engine.begin() as connection:
                await connection.execute(
                    text("UPDATE documents SET text = :plain, sha256 = :sha, markdown = :no WHERE name = :name"),
                    {"plain": plain, "sha": text_sha256(plain), "no": False, "name": name},
                )
        finally:
            await database.close()

    asyncio.run(downgrade())


def _night_answer(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["ask", "--json", "--server", "42", NIGHT_QUESTION]) == 0
    return json.loads(capsys.readouterr().out)


def test_reread_gives_a_page_stored_as_plain_text_its_sections(
    shell: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "ferries.html"
    page.write_text(FERRY_PAGE, encoding="utf-8")
    assert main(["docs", "add", str(page), "--server", "42"]) == 0
    assert main(["docs", "add", str(shell), "--server", "42"]) == 0
    _as_before_web_pages_kept_their_structure(tmp_path / "data", "ferries.html")
    before = _night_answer(capsys)
    assert before["found"] and before["passages"][0]["section"] == ""

    capsys.readouterr()
    assert main(["docs", "reread", "--server", "42"]) == 0
    said = capsys.readouterr().out
    assert "read again ferries.html (Ferries): 2 passages" in said
    assert "server 42: 1 document changed, 1 unchanged" in said
    after = _night_answer(capsys)
    assert after["passages"][0]["section"] == "Ferries › Night service"
    assert after["passages"][0]["doc"] == "ferries.html"

    assert main(["docs", "reread", "--every-server"]) == 0
    assert "server 42: 0 documents changed, 2 unchanged" in capsys.readouterr().out


def test_reread_refuses_what_it_cant_do_and_says_so(shell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "reread", "--every-server"]) == 0
    assert "no server has documents of its own yet" in capsys.readouterr().out
    assert main(["docs", "add", str(shell), "--server", "42"]) == 0
    capsys.readouterr()
    assert main(["docs", "reread", "--server", "42", "ferries.md", "missing.md"]) == 1
    out, err = capsys.readouterr()
    assert "server 42: 0 documents changed, 1 unchanged" in out
    assert err.strip() == "quotebot: error: server 42 has no document named 'missing.md' (see `quotebot docs list`)"
    assert main(["docs", "reread", "--every-server", "ferries.md"]) == 2
    assert "only with --server" in capsys.readouterr().err
