"""Reading a corpus: which files are documents, their ids, titles and text, and what gets skipped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from index.documents import DEFAULT_MAX_FILE_MB, document_title, load_corpus, title_from_filename
from index.errors import CorpusError


def test_folder_is_searched_recursively_for_txt_and_md(make_corpus) -> None:
    """Nested .txt and .md files are documents, with ids relative to the corpus; other files and hidden ones aren't."""
    corpus = make_corpus(
        {
            "a.txt": "Alpha text.",
            "sub/b.md": "Beta text.",
            "sub/deeper/c.TXT": "Gamma text.",
            "notes.pdf": "not a document",
            ".hidden.txt": "hidden",
            ".git/d.txt": "hidden folder",
        }
    )
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt", "sub/b.md", "sub/deeper/c.TXT"]
    assert [item.doc_id for item in load.skipped] == ["notes.pdf"]


def test_markdown_suffix_is_read_like_md(make_corpus) -> None:
    """A .markdown file is a document, titled by its first heading as a .md file is."""
    corpus = make_corpus({"guide.markdown": "# Install guide\n\nRun the installer.", "notes.rst": "Not read."})
    load = load_corpus(corpus)
    assert [(document.doc_id, document.title) for document in load.documents] == [("guide.markdown", "Install guide")]


def test_single_file_is_a_corpus(make_corpus) -> None:
    """A file given directly is the whole corpus, its id is its name."""
    corpus = make_corpus({"only.txt": "Just this."})
    load = load_corpus(corpus / "only.txt")
    assert [document.doc_id for document in load.documents] == ["only.txt"]


def test_text_matches_open_with_universal_newlines(make_corpus) -> None:
    """Document.text is exactly what open(path, encoding="utf-8").read() returns, CRLF and lone CR included."""
    raw = "\ufeffTitle line\r\nSecond “line” — Iran’s\r\n\r\nThird\rFourth\n"
    corpus = make_corpus({"crlf.txt": raw})
    document = load_corpus(corpus).documents[0]
    with open(corpus / "crlf.txt", encoding="utf-8") as file:
        assert document.text == file.read()
    assert "\r" not in document.text
    assert document.sha256 == hashlib.sha256(raw.encode("utf-8")).hexdigest()
    assert document.size == len(raw.encode("utf-8"))


def test_title_is_first_markdown_heading() -> None:
    """ATX and setext headings give the title; the first one wins."""
    assert document_title("intro\n\n## Second level  ##\n# First\n", "x.md") == "Second level"
    assert document_title("My Setext Title\n===\n\ntext", "x.md") == "My Setext Title"
    assert document_title("\ufeff# With BOM\n", "x.md") == "With BOM"


def test_title_falls_back_to_file_name() -> None:
    """Without a heading, the title comes from the file name."""
    assert document_title("plain text, no heading", "guides/getting_started.md") == "Getting started"
    assert title_from_filename("ceasefire-talks_2024.txt") == "Ceasefire talks 2024"
    # A list under a line isn't a setext heading.
    assert document_title("- item\n---\n", "some-notes.txt") == "Some notes"


def test_missing_corpus_raises_corpus_error(tmp_path: Path) -> None:
    """A path that doesn't exist is a CorpusError naming it."""
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusError, match="not found") as raised:
        load_corpus(missing)
    assert str(missing) in str(raised.value)


def test_empty_folder_raises_corpus_error(make_corpus) -> None:
    """A folder without documents is a CorpusError."""
    corpus = make_corpus({"image.png": b"\x89PNG"})
    with pytest.raises(CorpusError, match=r"no \.txt, \.md, \.html or \.pdf documents"):
        load_corpus(corpus)


def test_folder_of_empty_files_raises_corpus_error(make_corpus) -> None:
    """Only empty or blank documents: a CorpusError that names them."""
    corpus = make_corpus({"a.txt": "", "b.md": "  \n\n\t\n"})
    with pytest.raises(CorpusError, match="no usable documents") as raised:
        load_corpus(corpus)
    assert "a.txt" in str(raised.value)
    assert "b.md" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_short_non_utf8_file_is_read_as_windows_1252(make_corpus) -> None:
    """A short Latin-1 file is read as Windows-1252 (too short to detect), and says so."""
    corpus = make_corpus({"good.txt": "Fine text.", "latin1.txt": "Caf\xe9 cr\xe8me".encode("latin-1")})
    load = load_corpus(corpus)
    assert [(document.doc_id, document.encoding) for document in load.documents] == [
        ("good.txt", "utf-8"),
        ("latin1.txt", "cp1252"),
    ]
    assert load.documents[1].text == "Caf\xe9 cr\xe8me"
    assert load.skipped == []


def test_long_non_utf8_file_is_read_in_its_detected_encoding(make_corpus) -> None:
    """A KOI8-R file long enough to detect is read as KOI8-R, not as Windows-1252."""
    russian = "Привет, как дела? Это проверка кодировки старого файла. " * 40
    corpus = make_corpus({"old.txt": russian.encode("koi8_r")})
    (document,) = load_corpus(corpus).documents
    assert document.encoding == "koi8_r"
    assert document.text == russian


def test_only_undecodable_file_raises_corpus_error_naming_it(make_corpus) -> None:
    """When the only document is in no encoding quotebot recognises, the error names it."""
    corpus = make_corpus({"noise.txt": bytes(range(128, 256)) * 4})
    with pytest.raises(CorpusError, match=r"noise\.txt is text in no encoding quotebot recognises"):
        load_corpus(corpus)


def test_binary_file_is_skipped(make_corpus) -> None:
    """A file with NUL bytes is called binary and skipped."""
    corpus = make_corpus({"good.md": "Fine.", "blob.txt": b"\x00\x01\x02binary\x00" * 10})
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["good.md"]
    assert "blob.txt is a binary file" in load.skipped[0].reason


def test_file_over_size_limit_is_skipped_without_reading(make_corpus) -> None:
    """A sparse 50 MB file is over the default limit: skipped with a message naming the limit and its setting."""
    corpus = make_corpus({"good.txt": "Fine."})
    big = corpus / "big.txt"
    with open(big, "wb") as file:
        file.truncate(50 * 1_000_000)  # sparse: instant to create, no disk used
    assert DEFAULT_MAX_FILE_MB < 50
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["good.txt"]
    (reason,) = [item.reason for item in load.skipped]
    assert "big.txt" in reason
    assert "QUOTEBOT_MAX_FILE_MB" in reason
    assert f"{DEFAULT_MAX_FILE_MB:.0f} MB" in reason


def test_size_limit_is_configurable(make_corpus) -> None:
    """A smaller max_file_mb skips a file a larger one accepts."""
    corpus = make_corpus({"a.txt": "x" * 3000, "b.txt": "small"})
    assert [d.doc_id for d in load_corpus(corpus, max_file_mb=0.002).documents] == ["b.txt"]
    assert [d.doc_id for d in load_corpus(corpus, max_file_mb=1).documents] == ["a.txt", "b.txt"]


def test_symlink_loop_lists_each_document_once(make_corpus) -> None:
    """A link back to an enclosing folder doesn't repeat its documents."""
    corpus = make_corpus({"a.txt": "Alpha.", "sub/b.txt": "Beta."})
    try:
        os.symlink(corpus, corpus / "sub" / "loop")
    except OSError as error:  # pragma: no cover - platforms without symlinks
        pytest.fail(f"can't create a symlink here: {error}")
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt", "sub/b.txt"]


def test_mtime_and_size_recorded(make_corpus) -> None:
    """Each document records its file's size and modification time, for staleness checks."""
    corpus = make_corpus({"a.txt": "Some words here."})
    stat = (corpus / "a.txt").stat()
    document = load_corpus(corpus).documents[0]
    assert (document.size, document.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _link(target: Path, link: Path) -> None:
    try:
        os.symlink(target, link)
    except OSError as error:  # pragma: no cover - platforms without symlinks
        pytest.fail(f"can't create a symlink here: {error}")


def test_links_out_of_the_corpus_are_refused(make_corpus, tmp_path: Path) -> None:
    """A link to a file or folder outside the corpus is never read, and the warning names it."""
    outside = tmp_path / "outside"
    (outside / "botdir").mkdir(parents=True)
    (outside / "botdir" / ".env").write_text("DISCORD_TOKEN=secret-token-value\n", encoding="utf-8")
    (outside / "notes.txt").write_text("Private notes outside the corpus.", encoding="utf-8")
    corpus = make_corpus({"a.txt": "Alpha."})
    _link(outside / "botdir" / ".env", corpus / "env.txt")
    _link(outside / "notes.txt", corpus / "notes.txt")
    _link(corpus / "..", corpus / "parent")
    _link(Path("/etc"), corpus / "etc")
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    assert all("secret-token-value" not in document.text for document in load.documents)
    warnings = " | ".join(load.warnings)
    for name in ("env.txt", "notes.txt", "parent", "etc"):
        assert f"{name}: a link to outside the corpus folder" in warnings


def test_links_inside_the_corpus_are_followed(make_corpus) -> None:
    """A link that resolves inside the corpus is read, under the link's own id."""
    corpus = make_corpus({"docs/a.txt": "Alpha.", "b.txt": "Beta."})
    _link(corpus / "docs", corpus / "linked")
    _link(corpus / "b.txt", corpus / "also-b.txt")
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["also-b.txt", "b.txt", "docs/a.txt", "linked/a.txt"]
    assert load.skipped == []


def test_env_files_are_never_indexed(make_corpus) -> None:
    """A `.env` file, at the top or nested, is never a document, whatever its suffix rules would say."""
    corpus = make_corpus({"a.txt": "Alpha.", ".env": "DISCORD_TOKEN=x", "sub/.env.txt": "DISCORD_TOKEN=y"})
    assert [document.doc_id for document in load_corpus(corpus).documents] == ["a.txt"]


def test_links_inside_the_corpus_to_hidden_files_are_refused(make_corpus) -> None:
    """A link inside the corpus can't bring in what a hidden name keeps out: `env.txt -> .env` is refused, named."""
    corpus = make_corpus({"a.txt": "Alpha.", ".env": "DISCORD_TOKEN=x", ".git/notes.txt": "Hidden notes."})
    _link(corpus / ".env", corpus / "env.txt")
    _link(corpus / ".git", corpus / "git")
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    warnings = " | ".join(load.warnings)
    for name in ("env.txt", "git"):
        assert f"{name}: a link to a hidden file or folder" in warnings


def test_fifo_is_not_read(make_corpus) -> None:
    """A FIFO named like a document is not a regular file: it is left alone, and the build doesn't block on it."""
    corpus = make_corpus({"a.txt": "Alpha."})
    os.mkfifo(corpus / "pipe.txt")
    assert [document.doc_id for document in load_corpus(corpus).documents] == ["a.txt"]


def test_very_deep_folders_are_walked(make_corpus) -> None:
    """Folders nested 1,200 deep (deeper than Python's recursion limit) are walked, their document found."""
    corpus = make_corpus({"a.txt": "Alpha."})
    folder = corpus
    for _ in range(1200):
        folder = folder / "d"
        try:
            os.mkdir(folder)
        except OSError as error:  # the path grew past what the file system takes: stop there
            assert error.errno == 36, error  # ENAMETOOLONG
            folder = folder.parent
            break
    # Paths near PATH_MAX can't be opened whole; go there relative to the folder itself.
    fd = os.open(folder, os.O_RDONLY)
    try:
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as deep:
            deep.write("Found at the bottom.")
    finally:
        os.close(fd)
    try:
        depth = folder.relative_to(corpus).as_posix().count("/") + 1
        assert depth > 1000
        load = load_corpus(corpus)
        assert any(document.doc_id.endswith("/d/deep.txt") for document in load.documents), load.warnings
    finally:
        # shutil.rmtree recurses, so pytest's own clean-up of old temporary folders would hit the recursion limit.
        (folder / "deep.txt").unlink()
        while folder != corpus:
            folder.rmdir()
            folder = folder.parent


def test_file_name_that_is_not_utf8_is_skipped_with_a_warning(make_corpus) -> None:
    """A name with bytes that aren't UTF-8 is skipped, and the warning shows it with U+FFFD, not a crash."""
    corpus = make_corpus({"a.txt": "Alpha."})
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "w", encoding="utf-8") as odd:
        odd.write("Beta.")
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    assert load.warnings == ["skipped caf\ufffd.txt: its name isn't UTF-8"]


def test_a_folder_that_vanishes_during_the_walk_is_skipped(make_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder removed while the corpus is walked is skipped with a warning; the rest still loads."""
    corpus = make_corpus({"a.txt": "Alpha.", "gone/b.txt": "Beta."})
    real_scandir = os.scandir

    def vanishing(path: os.PathLike[str] | str):  # the folder is deleted between listing its parent and opening it
        if Path(path).name == "gone":
            raise FileNotFoundError(2, "No such file or directory")
        return real_scandir(path)

    monkeypatch.setattr("index.documents.os.scandir", vanishing)
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    assert load.warnings == ["skipped gone: can't list the folder: No such file or directory"]


def test_front_matter_title_is_the_title() -> None:
    """A Markdown document's YAML front-matter title wins over its heading; other fields never become the title."""
    assert document_title("---\ntitle: Deploying\nweight: 3\n---\n\n# Deploy\n", "deploy.md") == "Deploying"
    assert document_title("---\nsidebar_position: 3\n---\n\n# Deploy\n", "deploy.md") == "Deploy"
    assert document_title("---\nsidebar_position: 3\n---\ntext\n", "how_to.markdown") == "How to"
    assert document_title("---\ntitle: [unclosed\n---\n# Heading\n", "x.md") == "Heading"
    # A .txt document has no front matter: the lines are a setext heading there, as before.
    assert document_title("---\ntitle: Plain\n---\n", "x.txt") == "title: Plain"


def test_a_document_holding_a_forbidden_text_is_skipped(make_corpus) -> None:
    """The bot's token in a document keeps the document out, and the warning doesn't repeat the token."""
    secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-part"
    corpus = make_corpus({"a.txt": "Alpha.", "notes.txt": f"DISCORD_TOKEN={secret}\nother notes"})
    load = load_corpus(corpus, forbidden_texts=(secret,))
    assert [document.doc_id for document in load.documents] == ["a.txt"]
    assert load.warnings == ["skipped notes.txt: it holds a secret (the bot's token), so it is never indexed"]
    assert [document.doc_id for document in load_corpus(corpus).documents] == ["a.txt", "notes.txt"]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("faq.txt", "FAQ"),
        ("api_reference.md", "API reference"),
        ("iOS-setup.md", "iOS setup"),
        ("README.md", "README"),
        ("getting_started.md", "Getting started"),
        ("guides/deploy-with-ssh.md", "Deploy with SSH"),
    ],
)
def test_title_from_filename_keeps_acronyms(name: str, title: str) -> None:
    """A file name's own case is kept, and lower-case acronyms get theirs back."""
    assert title_from_filename(name) == title


def test_files_of_unread_types_are_named_in_one_summary_warning(make_corpus) -> None:
    """Unread file types are counted per type in a single warning, most common first; hidden files aren't counted."""
    corpus = make_corpus(
        {
            "guide.md": "Read me.",
            "api.rst": "Not read.",
            "sub/usage.RST": "Not read either.",
            "report.docx": b"PK\x03\x04",
            ".hidden.rst": "never seen",
        }
    )
    load = load_corpus(corpus)
    assert load.warnings == ["skipped 3 files of types quotebot doesn't read: .rst (2), .docx (1)"]
    assert sorted(item.doc_id for item in load.skipped) == ["api.rst", "report.docx", "sub/usage.RST"]


def test_unread_types_summary_sits_beside_other_warnings(make_corpus) -> None:
    """A binary document keeps its own warning; one unread file is "1 file"."""
    corpus = make_corpus({"good.md": "Fine.", "blob.txt": b"\x00binary\x00" * 10, "Makefile": "all:"})
    load = load_corpus(corpus)
    assert len(load.warnings) == 2
    assert "blob.txt is a binary file" in load.warnings[0]
    assert load.warnings[1] == "skipped 1 file of types quotebot doesn't read: no extension (1)"


def test_a_folder_of_only_unread_types_says_so_in_one_line(make_corpus) -> None:
    """With no document at all, the error sums up the unread files instead of naming each."""
    corpus = make_corpus({"a.rst": "x", "b.rst": "y"})
    with pytest.raises(CorpusError, match=r"skipped 2 files of types quotebot doesn't read: \.rst \(2\)$"):
        load_corpus(corpus)


FIXTURES = Path(__file__).parent / "fixtures"


def test_html_pages_are_read_for_their_main_text(make_corpus) -> None:
    """`.html` and `.htm` pages are documents: main text in paragraphs, no navigation or footer, titled by the page."""
    corpus = make_corpus(
        {
            "install.html": (FIXTURES / "install.html").read_bytes(),
            "guides/deploy.HTM": (FIXTURES / "deploy.htm").read_bytes(),
        }
    )
    load = load_corpus(corpus)
    assert load.skipped == []
    by_id = {document.doc_id: document for document in load.documents}
    assert by_id["install.html"].title == "Install guide"  # from <title>
    assert by_id["guides/deploy.HTM"].title == "Deploying the bot"  # from <h1>, the page having no <title>
    install = by_id["install.html"].text
    assert install.startswith("Run pip install quotebot to install it.")
    assert "\n\nThen run quotebot ask" in install
    for chrome in ("Home", "Blog", "Copyright", "<p>"):
        assert chrome not in install, chrome


def test_html_page_without_main_text_is_skipped_saying_so(make_corpus) -> None:
    """A page that is only a script has no main text: skipped with a reason, not indexed empty."""
    corpus = make_corpus({"good.md": "Fine.", "app.html": "<html><body><script>start()</script></body></html>"})
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["good.md"]
    assert load.warnings == ["skipped app.html: no main text found in the page"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Setup ##\n", "Setup"),
        ("# C#\n", "C#"),
        ("#   \n# Real title\n", "Real title"),
        ("## Install {#setup}\n", "Install"),
        ("# Two   spaced\twords #\n", "Two spaced words"),
    ],
)
def test_atx_heading_title_loses_its_closing_hashes_and_attributes(text: str, title: str) -> None:
    """A closing "#" sequence and an attribute list are not the title; "C#" keeps its "#"; an empty heading is none."""
    assert document_title(text, "page.md") == title
