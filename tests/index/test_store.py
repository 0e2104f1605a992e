"""Persisted indexes: round-trip, corruption, atomic writes, staleness, and no pickle anywhere."""

from __future__ import annotations

import ast
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import index.store
from index.errors import CorpusError
from index.passage_index import Analyzer, PassageIndex
from index.sentences import SentenceSplitter
from index.store import (
    FORMAT_VERSION,
    default_index_dir,
    index_path,
    load_index,
    open_index,
    save_index,
    write_atomically,
)
from index.tokens import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]

ARTICLE = (
    "# Blinken in the Middle East\n\n"
    "Blinken landed in the Middle East on a trip aimed at reviving diplomatic efforts to end the Gaza war.\n"
    "After meeting Netanyahu, Blinken traveled to Saudi Arabia, where he met Foreign Minister Prince Faisal.\n"
    "- Also Read: Something Else Entirely\n"
    "Heavy Israeli air strikes hit the port of Tyre in south Lebanon as smoke billowed above buildings.\n"
)
NOTES = "Hezbollah and Israel exchanged fire across the border.\n\nThe cease-fire talks stalled in Doha.\n"
QUESTIONS = [
    "Who did Blinken meet in Saudi Arabia?",
    "Where did air strikes hit?",
    "What happened to the ceasefire talks?",
    "What is the capital of France?",
    "the of and",
]


@pytest.fixture
def corpus(make_corpus) -> Path:
    """A two-document corpus, one in a subfolder."""
    return make_corpus({"article.txt": ARTICLE, "more/notes.md": NOTES})


def passages_of(index: PassageIndex) -> list[tuple[str, int, int, int, str]]:
    return [(p.doc_id, p.ordinal, p.start, p.end, p.text) for p in index.passages]


def answers_of(index: PassageIndex) -> list[dict[str, Any]]:
    return [index.ask(question).to_json() for question in QUESTIONS]


def open_current(corpus: Path, index_dir: Path, analyzer: Analyzer, **options: Any):
    return open_index(corpus, index_dir, analyzer=analyzer, **options)


@pytest.mark.parametrize("engine", ["rank-bm25", "bm25s"])
def test_round_trip_gives_identical_passages_and_answers(
    corpus: Path, index_dir: Path, builtin_analyzer, engine
) -> None:
    """Loading the saved index gives the same documents, passages and answers as the fresh build."""
    built = open_current(corpus, index_dir, builtin_analyzer, engine=engine)
    assert built.rebuilt
    assert built.path.is_file()
    assert built.index.engine.name == engine
    loaded = open_current(corpus, index_dir, builtin_analyzer, engine=engine)
    assert not loaded.rebuilt
    assert loaded.warnings == []
    assert loaded.index.engine.name == engine
    assert passages_of(loaded.index) == passages_of(built.index)
    assert loaded.index.documents == built.index.documents
    assert loaded.index.vocabulary_size == built.index.vocabulary_size
    assert answers_of(loaded.index) == answers_of(built.index)
    assert any(answer["found"] for answer in answers_of(loaded.index))
    assert loaded.index.passage("more/notes.md", 1) == built.index.passage("more/notes.md", 1)


def test_saved_file_is_json_not_pickle(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """The index file is plain UTF-8 JSON with a format name and version."""
    opened = open_current(corpus, index_dir, builtin_analyzer)
    raw = opened.path.read_bytes()
    assert raw.startswith(b"{")
    payload = json.loads(raw.decode("utf-8"))
    assert payload["format"] == "quotebot-index"
    assert payload["version"] == FORMAT_VERSION
    assert opened.path.parent == index_dir


def test_no_pickle_in_the_source() -> None:
    """No module of the project imports pickle or its kin, and numpy never loads with allow_pickle=True."""
    forbidden = {"pickle", "cPickle", "_pickle", "dill", "joblib", "shelve", "marshal", "cloudpickle"}
    for folder in ("index", "bot"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    names = {(node.module or "").split(".")[0]}
                else:
                    continue
                assert not names & forbidden, f"{path} imports {names & forbidden}"
            assert "allow_pickle=True" not in source, path


class _Explodes:
    """Unpickling this creates a marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return (Path.touch, (self.marker,))


def test_pickle_file_is_never_executed(corpus: Path, index_dir: Path, builtin_analyzer, tmp_path: Path) -> None:
    """A pickle planted where the index goes is rebuilt with a warning, and its code never runs."""
    path = index_path(index_dir, corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = tmp_path / "pwned"
    path.write_bytes(pickle.dumps(_Explodes(marker)))
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any("rebuilding the index" in warning for warning in opened.warnings)
    assert not marker.exists()
    assert json.loads(path.read_bytes())["format"] == "quotebot-index"


def _mutate(change: Callable[[dict[str, Any]], Any]) -> Callable[[bytes], bytes]:
    def corrupt(raw: bytes) -> bytes:
        payload = json.loads(raw)
        change(payload)
        return json.dumps(payload).encode()

    return corrupt


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "empty file": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage bytes": lambda raw: b"\x80\x81\xfe\x00garbage\xff" * 50,
    "deeply nested": lambda raw: b"[" * 200_000,
    "a JSON list": lambda raw: b"[1, 2, 3]",
    "a JSON string": lambda raw: b'"quotebot-index"',
    "another format": _mutate(lambda p: p.update(format="something-else")),
    "wrong version": _mutate(lambda p: p.update(version=FORMAT_VERSION + 1)),
    "no version": _mutate(lambda p: p.pop("version")),
    "other tokenizer": _mutate(lambda p: p.update(analyzer="another-tokenizer/another-splitter")),
    "documents not a list": _mutate(lambda p: p.update(documents={"a": 1})),
    "document missing a key": _mutate(lambda p: p["documents"][0].pop("sha256")),
    "huge number": _mutate(lambda p: p["documents"][0].update(size=1e400)),
    "passage count mismatch": _mutate(lambda p: p["passages"].pop()),
    "no passages": _mutate(lambda p: p.update(passages=[])),
    "span not matching text": _mutate(lambda p: p["passages"][0].update(text="short")),
    "start not a number": _mutate(lambda p: p["passages"][0].update(start="zero")),
    "terms not a mapping": _mutate(lambda p: p["passages"][0].update(terms=[1, 2, 3])),
    "passage of unknown document": _mutate(lambda p: p["passages"][0].update(doc=99)),
    "k1 missing": _mutate(lambda p: p.pop("k1")),
    "skipped not a list": _mutate(lambda p: p.update(skipped=7)),
    "openings not pairs": _mutate(lambda p: p["documents"][0].update(openings=[[0]])),
    "opening not text": _mutate(lambda p: p["documents"][0].update(openings=[[0, 7]])),
    "openings out of order": _mutate(lambda p: p["documents"][0].update(openings=[[9, "| a |"], [3, "| b |"]])),
    "null everywhere": _mutate(lambda p: p.update(documents=None, passages=None)),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_file_is_rebuilt_with_a_warning(corpus: Path, index_dir: Path, builtin_analyzer, kind: str) -> None:
    """Each kind of broken file gives a warning and a fresh, working index: never a crash."""
    first = open_current(corpus, index_dir, builtin_analyzer)
    expected = answers_of(first.index)
    first.path.write_bytes(CORRUPTIONS[kind](first.path.read_bytes()))
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any(warning.startswith("rebuilding the index") for warning in opened.warnings), opened.warnings
    assert all("\n" not in warning for warning in opened.warnings)
    assert answers_of(opened.index) == expected
    again = open_current(corpus, index_dir, builtin_analyzer)
    assert not again.rebuilt


def test_index_from_another_analyzer_is_rebuilt(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """An index built by another tokenizer setup is not reused: rebuilt with a warning naming the reason."""
    open_current(corpus, index_dir, builtin_analyzer)

    class OtherTokenizer(Tokenizer):
        def __init__(self) -> None:
            super().__init__("builtin")
            self.fingerprint = "other-tokenizer"

    other = Analyzer(OtherTokenizer(), SentenceSplitter("builtin"))
    opened = open_current(corpus, index_dir, other)
    assert opened.rebuilt
    assert any("another tokenizer" in warning for warning in opened.warnings)


def test_failed_write_leaves_the_old_file(corpus: Path, index_dir: Path, builtin_analyzer, monkeypatch) -> None:
    """When the rename fails, the old index is intact and no temporary file is left behind."""
    opened = open_current(corpus, index_dir, builtin_analyzer)
    before = opened.path.read_bytes()

    def failing_replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(opened.path, b'{"half": ')
    with pytest.raises(OSError):
        save_index(opened.index, opened.path)
    assert opened.path.read_bytes() == before
    assert sorted(path.name for path in index_dir.iterdir()) == [opened.path.name]


def test_failed_write_during_fsync_leaves_the_old_file(
    corpus: Path, index_dir: Path, builtin_analyzer, monkeypatch
) -> None:
    """A failure while writing the temporary file doesn't touch the old index either."""
    opened = open_current(corpus, index_dir, builtin_analyzer)
    before = opened.path.read_bytes()

    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_atomically(opened.path, b"{}")
    assert opened.path.read_bytes() == before
    assert sorted(path.name for path in index_dir.iterdir()) == [opened.path.name]


def test_index_split_with_other_passage_sizes_is_rebuilt(
    corpus: Path, index_dir: Path, builtin_analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index whose passages were cut with other size limits is rebuilt, with a warning naming the reason."""
    open_current(corpus, index_dir, builtin_analyzer)
    assert not open_current(corpus, index_dir, builtin_analyzer).rebuilt
    monkeypatch.setattr(index.store, "MAX_PASSAGE_CHARS", index.store.MAX_PASSAGE_CHARS + 1)
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any("other passage sizes" in warning for warning in opened.warnings), opened.warnings


def test_unsavable_index_still_answers(corpus: Path, tmp_path: Path, builtin_analyzer) -> None:
    """If the index folder can't be written, the index is built, used, and a warning says it wasn't saved."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the index folder should be")
    opened = open_current(corpus, blocked, builtin_analyzer)
    assert opened.rebuilt
    assert any("couldn't save" in warning for warning in opened.warnings)
    assert opened.index.ask(QUESTIONS[0]).found


def _edit(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime on, so a coarse clock can't hide the edit."""
    old = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(old + 5_000_000_000, old + 5_000_000_000))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda corpus: _edit(corpus / "article.txt", ARTICLE.replace("Tyre", "Sidon")), "article.txt changed"),
        (lambda corpus: _edit(corpus / "article.txt", ARTICLE + "One more line.\n"), "article.txt changed"),
        (lambda corpus: (corpus / "new.txt").write_text("A new document about Qatar.", encoding="utf-8"), "added"),
        (lambda corpus: (corpus / "more" / "notes.md").unlink(), "removed"),
    ],
    ids=["edited same size", "edited longer", "document added", "document removed"],
)
def test_stale_index_is_rebuilt(corpus: Path, index_dir: Path, builtin_analyzer, change, reason: str) -> None:
    """Editing, adding or removing a document makes the saved index stale: rebuilt with a warning saying why."""
    open_current(corpus, index_dir, builtin_analyzer)
    change(corpus)
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any(reason in warning for warning in opened.warnings), opened.warnings
    assert not open_current(corpus, index_dir, builtin_analyzer).rebuilt


def test_edit_is_seen_in_answers(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """After an edit, answers come from the new text."""
    open_current(corpus, index_dir, builtin_analyzer)
    _edit(corpus / "article.txt", ARTICLE.replace("Tyre", "Sidon"))
    index = open_current(corpus, index_dir, builtin_analyzer).index
    assert index.ask("Sidon port strikes").found
    assert not any("Tyre" in passage.text for passage in index.passages)


def test_touching_a_file_does_not_force_a_rebuild(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """A new mtime with the same content is checked by hash and the saved index is kept."""
    first = open_current(corpus, index_dir, builtin_analyzer)
    path = corpus / "article.txt"
    later = path.stat().st_mtime_ns + 60_000_000_000
    os.utime(path, ns=(later, later))
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert not opened.rebuilt
    assert opened.index.built_at == first.index.built_at


def test_fixing_a_skipped_file_triggers_a_rebuild(make_corpus, index_dir: Path, builtin_analyzer) -> None:
    """A skipped (empty) file that gets text makes the index stale, and its text becomes searchable."""
    corpus = make_corpus({"good.txt": ARTICLE, "latin.txt": ""})
    first = open_current(corpus, index_dir, builtin_analyzer)
    assert any("latin.txt" in warning for warning in first.warnings)
    loaded = open_current(corpus, index_dir, builtin_analyzer)
    assert not loaded.rebuilt
    assert any("latin.txt" in warning for warning in loaded.warnings)
    _edit(corpus / "latin.txt", "Café in Doha where the Qatari mediators met.")
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert "latin.txt" in opened.index.documents


def test_size_limit_change_triggers_a_rebuild(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """Changing the per-file size limit rebuilds, since it changes which files are documents."""
    open_current(corpus, index_dir, builtin_analyzer)
    opened = open_current(corpus, index_dir, builtin_analyzer, max_file_mb=5)
    assert opened.rebuilt
    assert any("size limit" in warning for warning in opened.warnings)


def test_force_rebuild(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """force_rebuild builds even when the saved index is current."""
    open_current(corpus, index_dir, builtin_analyzer)
    assert open_current(corpus, index_dir, builtin_analyzer, force_rebuild=True).rebuilt


def test_unindexable_corpus_leaves_old_file(corpus: Path, index_dir: Path, builtin_analyzer) -> None:
    """If the corpus became empty, open_index raises CorpusError and the saved index is left as it was."""
    opened = open_current(corpus, index_dir, builtin_analyzer)
    before = opened.path.read_bytes()
    for path in [corpus / "article.txt", corpus / "more" / "notes.md"]:
        path.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError):
        open_current(corpus, index_dir, builtin_analyzer)
    assert opened.path.read_bytes() == before


def test_load_index_reads_what_save_index_wrote(corpus: Path, tmp_path: Path, builtin_analyzer) -> None:
    """save_index then load_index, without open_index, round-trips too."""
    built = open_current(corpus, tmp_path / "first", builtin_analyzer).index
    path = tmp_path / "elsewhere" / "copy.json"
    save_index(built, path)
    loaded = load_index(path, builtin_analyzer)
    assert passages_of(loaded) == passages_of(built)
    assert answers_of(loaded) == answers_of(built)


def test_index_location_is_outside_the_source_tree(corpus: Path, make_corpus, tmp_path: Path) -> None:
    """The default folder follows XDG_CACHE_HOME, and each corpus path has its own file."""
    assert default_index_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "quotebot"
    assert REPO_ROOT not in default_index_dir().parents
    other = make_corpus({"x.txt": "x"}, name="other corpus!")
    first, second = index_path(tmp_path, corpus), index_path(tmp_path, other)
    assert first != second
    assert first.parent == second.parent == tmp_path
    assert " " not in second.name and "!" not in second.name
    assert index_path(tmp_path, corpus) == first


def test_refused_links_do_not_make_the_index_stale(make_corpus, tmp_path: Path, index_dir: Path) -> None:
    """A corpus with a link out of it reopens its saved index without rebuilding, and the link stays unread."""
    outside = tmp_path / "secret.txt"
    outside.write_text("Nothing here may be indexed.", encoding="utf-8")
    corpus = make_corpus({"a.txt": "Alpha is the first letter."})
    os.symlink(outside, corpus / "secret.txt")
    built = open_index(corpus, index_dir)
    assert built.rebuilt
    assert any("secret.txt: a link to outside the corpus folder" in warning for warning in built.warnings)
    reopened = open_index(corpus, index_dir)
    assert not reopened.rebuilt
    assert list(reopened.index.documents) == ["a.txt"]


def _tampered(payload: dict[str, Any], change: str) -> dict[str, Any]:
    first = payload["passages"][0]
    if change == "huge count":
        first["terms"][next(iter(first["terms"]))] = 10**12
    elif change == "float count":
        first["terms"][next(iter(first["terms"]))] = 1e308
    elif change == "nan built_at":
        payload["built_at"] = float("nan")
    elif change == "far built_at":
        payload["built_at"] = 1e300
    elif change == "negative offsets":
        first["start"], first["end"] = -5, -5 + len(first["text"])
    elif change == "overlapping spans":
        second = payload["passages"][1]
        shift = second["start"] - first["start"]
        second["start"] -= shift
        second["end"] -= shift
    elif change == "span past the document":
        last = payload["passages"][-1]
        last["start"] += 10**6
        last["end"] += 10**6
    return payload


@pytest.mark.parametrize(
    "change",
    [
        "huge count",
        "float count",
        "nan built_at",
        "far built_at",
        "negative offsets",
        "overlapping spans",
        "span past the document",
    ],
)
def test_tampered_index_file_is_rebuilt(corpus: Path, index_dir: Path, builtin_analyzer, change: str) -> None:
    """Impossible counts, times and spans are refused before anything is allocated, and the index is rebuilt."""
    first = open_current(corpus, index_dir, builtin_analyzer)
    expected = answers_of(first.index)
    payload = json.loads(first.path.read_bytes())
    assert len(payload["passages"]) >= 2
    first.path.write_text(json.dumps(_tampered(payload, change)), encoding="utf-8")
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any(warning.startswith("rebuilding the index") for warning in opened.warnings), opened.warnings
    assert answers_of(opened.index) == expected


@pytest.mark.parametrize("special", ["fifo", "dev-zero"])
def test_special_file_in_place_of_the_index_is_not_read(
    corpus: Path, index_dir: Path, builtin_analyzer, special: str
) -> None:
    """A FIFO (which would block a read) or a link to /dev/zero (endless) as the index file: rebuilt, no hang."""
    first = open_current(corpus, index_dir, builtin_analyzer)
    first.path.unlink()
    if special == "fifo":
        os.mkfifo(first.path)
    else:
        os.symlink("/dev/zero", first.path)
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert first.path.is_file() and not first.path.is_symlink()


def test_saved_index_holding_a_forbidden_text_is_rebuilt_without_it(make_corpus, index_dir: Path) -> None:
    """An index saved without the guard (as `quotebot index build` saves it) is rebuilt when the bot opens it."""
    secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-part"
    corpus = make_corpus({"a.txt": "Alpha is the first letter.", "env.txt": f"DISCORD_TOKEN={secret}"})
    assert "env.txt" in open_index(corpus, index_dir).index.documents
    guarded = open_index(corpus, index_dir, forbidden_texts=(secret,))
    assert guarded.rebuilt
    assert list(guarded.index.documents) == ["a.txt"]
    assert all(secret not in passage.text for passage in guarded.index.passages)
    assert all(secret not in warning for warning in guarded.warnings)
    assert not open_index(corpus, index_dir, forbidden_texts=(secret,)).rebuilt


def test_documents_in_memory_keep_their_source_url_through_a_save(tmp_path: Path, builtin_analyzer) -> None:
    """An index built from fetched documents links answers to their pages, after a reload too."""
    from index.documents import Document
    from index.passage_index import build_index_from_documents

    page = Document(
        doc_id="ferries.html",
        title="Harbour ferries",
        text="The harbour ferry leaves the north pier every twenty minutes from six in the morning.\n",
        sha256="0" * 64,
        size=90,
        mtime_ns=0,
        source_url="https://example.org/ferries",
    )
    notes = Document(doc_id="notes.md", title="Notes", text=NOTES, sha256="1" * 64, size=len(NOTES), mtime_ns=0)
    built = build_index_from_documents([page, notes], label="guild 42", analyzer=builtin_analyzer)
    assert built.corpus == "guild 42"
    path = tmp_path / "guild.json"
    save_index(built, path)
    for opened in (built, load_index(path, builtin_analyzer)):
        answer = opened.ask("When does the harbour ferry leave?", top_k_passages=3)
        top = answer.passages[0].to_json()
        assert top["doc"] == "ferries.html"
        assert top["source_url"] == "https://example.org/ferries"
        others = [p.to_json() for p in opened.ask("cease-fire talks Doha", top_k_passages=3).passages]
        assert others and all("source_url" not in passage for passage in others)


def test_documents_in_memory_without_text_are_refused(builtin_analyzer) -> None:
    from index.documents import Document
    from index.passage_index import build_index_from_documents

    blank = Document(doc_id="blank.md", title="Blank", text="  \n\n", sha256="2" * 64, size=4, mtime_ns=0)
    with pytest.raises(CorpusError, match="no text to index in guild 7"):
        build_index_from_documents([blank], label="guild 7", analyzer=builtin_analyzer)


def test_passage_text_replaced_with_text_of_the_same_length_is_rebuilt(
    corpus: Path, index_dir: Path, builtin_analyzer
) -> None:
    """A stored passage whose text isn't its document's slice is caught, even when spans and lengths still fit."""
    first = open_current(corpus, index_dir, builtin_analyzer)
    expected = answers_of(first.index)
    payload = json.loads(first.path.read_bytes())
    passage = payload["passages"][0]
    passage["text"] = "x" * len(passage["text"])
    first.path.write_text(json.dumps(payload), encoding="utf-8")
    opened = open_current(corpus, index_dir, builtin_analyzer)
    assert opened.rebuilt
    assert any("aren't its text" in warning for warning in opened.warnings), opened.warnings
    assert opened.index.passages[0].text != "x" * len(passage["text"])
    assert answers_of(opened.index) == expected


def test_html_document_is_answered_and_its_saved_index_stays_current(
    make_corpus, index_dir: Path, builtin_analyzer
) -> None:
    """An HTML page's passages are slices of its extracted text, so reopening the saved index doesn't rebuild it."""
    page = (REPO_ROOT / "tests" / "index" / "fixtures" / "deploy.htm").read_bytes()
    corpus = make_corpus({"deploy.htm": page})
    first = open_current(corpus, index_dir, builtin_analyzer)
    answer = first.index.ask("What must be set before the bot starts?").to_json()
    assert answer["found"]
    assert "DISCORD_TOKEN" in answer["passages"][0]["quote"]
    again = open_current(corpus, index_dir, builtin_analyzer)
    assert not again.rebuilt


def test_block_openings_round_trip(make_corpus, index_dir: Path, builtin_analyzer) -> None:
    """A passage cut from a long table keeps its table's opening through a save and a load."""
    rows = "".join(f"| `option_{number}` | Sets limit number {number} of the harbour. |\n" for number in range(60))
    corpus = make_corpus({"options.md": "# Options\n\n| Option | What it does |\n|---|---|\n" + rows})
    built = open_current(corpus, index_dir, builtin_analyzer).index
    loaded = open_current(corpus, index_dir, builtin_analyzer)
    assert not loaded.rebuilt
    document = loaded.index.documents["options.md"]
    assert document.openings and document.openings == built.documents["options.md"].openings
    assert all(opening.startswith("| Option | What it does |\n|---|---|\n") for _, opening in document.openings)
    question = "which option sets limit number 59 of the harbour?"
    assert loaded.index.ask(question).to_json() == built.ask(question).to_json()
