"""Persisting a bm25s index: memory-mapped arrays, atomic switch, no pickle, rebuild on corruption."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index import array_store, ranking
from index.array_store import arrays_dir
from index.passage_index import Analyzer
from index.passage_store import PassageStore
from index.sentences import SentenceSplitter
from index.store import index_path, load_index, open_index
from index.tokens import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = REPO_ROOT / "corpus" / "article.txt"
QUESTIONS = ("Who did Blinken meet in Saudi Arabia?", "cease-fire in Gaza", "hostages")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The data-free analyzer."""
    return Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with the bundled article and a second document."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "article.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.md").write_text(
        "# Notes\n\nThe delegation met officials in Riyadh to talk about reconstruction and aid.\n\n"
        "Markets reacted calmly to the talks, and oil prices held steady through the week.\n",
        encoding="utf-8",
    )
    return folder


def _generation(manifest: Path) -> Path:
    folder = json.loads(manifest.read_text(encoding="utf-8"))["arrays"]["folder"]
    return manifest.parent / folder


def _answers(index: object) -> list[tuple[bool, list[tuple[str, int, float, str]]]]:
    results = []
    for question in QUESTIONS:
        answer = index.ask(question)  # type: ignore[attr-defined]
        passages = [(r.passage.doc_id, r.passage.ordinal, round(r.score, 9), r.quote) for r in answer.passages]
        results.append((answer.found, passages))
    return results


def test_round_trip_is_memory_mapped_and_answers_alike(corpus: Path, tmp_path: Path, analyzer: Analyzer) -> None:
    """A saved bm25s index loads memory-mapped, without its texts in the manifest, and answers as built."""
    index_dir = tmp_path / "index"
    built = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert built.rebuilt and built.index.engine.name == "bm25s"
    manifest = index_path(index_dir, corpus)
    payload = json.loads(manifest.read_text(encoding="utf-8"))
    assert "passages" not in payload and payload["engine"] == "bm25s"
    assert "Blinken" not in manifest.read_text(encoding="utf-8")

    loaded = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert not loaded.rebuilt and loaded.warnings == []
    assert isinstance(loaded.index.passages, PassageStore)
    assert isinstance(loaded.index.engine.matrix.data, np.memmap)  # type: ignore[attr-defined]
    assert isinstance(loaded.index.passages.text, np.memmap)
    assert list(loaded.index.passages) == list(built.index.passages)
    assert loaded.index.vocabulary_size == built.index.vocabulary_size
    assert loaded.index.documents == built.index.documents
    assert _answers(loaded.index) == _answers(built.index)
    assert _answers(loaded.index)[0][0]  # the article answers its own question


def test_auto_setting_reopens_a_large_index_without_rebuilding(
    corpus: Path, tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With "auto", a corpus past the threshold is saved as arrays and reopened as is; a forced engine rebuilds."""
    monkeypatch.setattr(ranking, "AUTO_BM25S_MIN_PASSAGES", 2)
    index_dir = tmp_path / "index"
    assert open_index(corpus, index_dir, analyzer=analyzer).index.engine.name == "bm25s"
    reopened = open_index(corpus, index_dir, analyzer=analyzer)
    assert not reopened.rebuilt
    forced = open_index(corpus, index_dir, analyzer=analyzer, engine="rank-bm25")
    assert forced.rebuilt and forced.index.engine.name == "rank-bm25"
    assert any("engine" in warning for warning in forced.warnings)
    # Stored as plain JSON again: the arrays are gone.
    assert not arrays_dir(index_path(index_dir, corpus)).exists()
    assert "passages" in json.loads(index_path(index_dir, corpus).read_text(encoding="utf-8"))


def test_changed_bm25_parameters_rebuild(
    corpus: Path, tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index saved with other k1/b is rebuilt with the current ones."""
    index_dir = tmp_path / "index"
    open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    monkeypatch.setattr(ranking, "DEFAULT_K1", 0.9)
    reopened = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert reopened.rebuilt
    assert any("BM25 parameters" in warning for warning in reopened.warnings)


def test_saving_again_switches_generations_and_keeps_at_most_one_old(
    corpus: Path, tmp_path: Path, analyzer: Analyzer
) -> None:
    """Each save writes a new array folder, switches the manifest to it and prunes older ones."""
    index_dir = tmp_path / "index"
    manifest = index_path(index_dir, corpus)
    generations = []
    for _ in range(3):
        open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s", force_rebuild=True)
        generations.append(_generation(manifest))
    assert len(set(generations)) == 3
    remaining = sorted(child for child in arrays_dir(manifest).iterdir())
    assert remaining == sorted(generations[1:])
    assert not load_index(manifest, analyzer).warnings


def test_failed_save_leaves_the_old_index(
    corpus: Path, tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that dies midway leaves the previous manifest and arrays usable, and no half-written folder."""
    index_dir = tmp_path / "index"
    open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    manifest = index_path(index_dir, corpus)
    before = manifest.read_bytes()
    calls = 0
    real_save = np.save

    def failing_save(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        real_save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(array_store.np, "save", failing_save)
    opened = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s", force_rebuild=True)
    assert any("couldn't save" in warning for warning in opened.warnings)
    assert manifest.read_bytes() == before
    assert [child.name for child in arrays_dir(manifest).iterdir()] == [_generation(manifest).name]
    monkeypatch.setattr(array_store.np, "save", real_save)
    assert not open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s").rebuilt


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-40])


def _zero_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"\x00" * 16
    path.write_bytes(bytes(data))


def _indices_out_of_range(path: Path) -> None:
    array = np.load(path, allow_pickle=False)
    array[0] = 10**6
    with path.open("wb") as file:
        np.save(file, array, allow_pickle=False)  # same size, so only the values give it away


def _shuffled_offsets(path: Path) -> None:
    array = np.load(path, allow_pickle=False)
    array[1], array[2] = array[2] + 5, array[1]
    with path.open("wb") as file:
        np.save(file, array, allow_pickle=False)


CORRUPTIONS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated scores": ("data.npy", _truncate),
    "missing indices": ("indices.npy", lambda path: path.unlink()),
    "garbage header": ("indptr.npy", _zero_header),
    "empty text": ("text.npy", lambda path: path.write_bytes(b"")),
    "passage out of range": ("indices.npy", _indices_out_of_range),
    "offsets out of order": ("text_offsets.npy", _shuffled_offsets),
    "vocabulary cut": ("vocabulary.txt", _truncate),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupt_array_files_are_rebuilt(case: str, corpus: Path, tmp_path: Path, analyzer: Analyzer) -> None:
    """A damaged array file means a rebuild with a warning, never a crash, and the answers come back right."""
    index_dir = tmp_path / "index"
    built = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    expected = _answers(built.index)
    name, damage = CORRUPTIONS[case]
    damage(_generation(index_path(index_dir, corpus)) / name)
    reopened = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert reopened.rebuilt
    assert any("corrupt" in warning for warning in reopened.warnings), reopened.warnings
    assert _answers(reopened.index) == expected
    assert not open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s").rebuilt


@pytest.mark.parametrize(
    "edit",
    [
        lambda payload: payload["arrays"].update(folder="../../elsewhere/0000000000000000-00000000"),
        lambda payload: payload["arrays"].update(passages=payload["arrays"]["passages"] + 1),
        lambda payload: payload["arrays"]["files"]["data"].update(shape=[3]),
        lambda payload: payload["arrays"].pop("files"),
        lambda payload: payload["documents"][0].update(passages=10**6),
    ],
    ids=["folder outside", "passage count", "shape", "no files", "document passages"],
)
def test_inconsistent_manifest_is_rebuilt(
    edit: Callable[[dict[str, object]], None], corpus: Path, tmp_path: Path, analyzer: Analyzer
) -> None:
    """A manifest that doesn't match its arrays, or points outside its folder, is rebuilt with a warning."""
    index_dir = tmp_path / "index"
    open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    manifest = index_path(index_dir, corpus)
    payload = json.loads(manifest.read_text(encoding="utf-8"))
    edit(payload)
    manifest.write_text(json.dumps(payload), encoding="utf-8")
    reopened = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert reopened.rebuilt
    assert any("corrupt" in warning for warning in reopened.warnings), reopened.warnings


class _Trap:
    """Unpickling this would create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.marker, "pickle ran"))  # type: ignore[return-value]


def test_pickled_array_never_runs(corpus: Path, tmp_path: Path, analyzer: Analyzer) -> None:
    """An object array (pickled) in place of a score file is refused unread and rebuilt; its code never runs."""
    index_dir = tmp_path / "index"
    open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    manifest = index_path(index_dir, corpus)
    target = _generation(manifest) / "data.npy"
    marker = tmp_path / "pwned"
    trap = np.empty(1, dtype=object)
    trap[0] = _Trap(marker)
    with target.open("wb") as file:
        np.save(file, trap, allow_pickle=True)
    payload = json.loads(manifest.read_text(encoding="utf-8"))
    payload["arrays"]["files"]["data"]["bytes"] = target.stat().st_size
    payload["arrays"]["files"]["data"]["shape"] = [1]
    manifest.write_text(json.dumps(payload), encoding="utf-8")
    assert pickle.loads(pickle.dumps(1)) == 1  # pickle itself works here; only the loader refuses it
    reopened = open_index(corpus, index_dir, analyzer=analyzer, engine="bm25s")
    assert reopened.rebuilt
    assert any("corrupt" in warning for warning in reopened.warnings)
    assert not marker.exists()
