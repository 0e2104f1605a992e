"""Persisting a large (bm25s) index as memory-mapped numpy arrays.

The index file itself stays a small JSON manifest (documents, settings, and
which folder of arrays is current); the passages' texts and the score matrix
are `.npy` files in a folder beside it:

    <name>-<digest>.json            the manifest, replaced atomically
    <name>-<digest>.arrays/<generation>/data.npy, indices.npy, ...

A save writes a new generation folder under a temporary name, syncs it,
renames it into place, and only then switches the manifest, so a reader
sees the old index or the new one, never a mix. Old generations are removed
afterwards (the previous one is kept a little while for readers that are
opening it right now).

Loading parses `.npy` headers only (`allow_pickle=False`, so a file can't run
code) and maps the data (`mmap_mode="r"`): nothing is re-tokenized and pages
are read as questions touch them. Shapes, dtypes, sizes and the offsets'
consistency are checked, so a damaged or truncated file is reported as
corrupt (and rebuilt by `open_index`) rather than failing a question later.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index.bm25s_engine import OFFSET_DTYPE, PASSAGE_ID_DTYPE, SCORE_DTYPE, Bm25sEngine, ScoreMatrix
from index.passage_store import TEXT_DTYPE, PassageStore
from index.passages import Passage
from index.safe_files import read_regular_file, regular_file_size

VOCABULARY_FILE = "vocabulary.txt"
# name -> (dtype, number of dimensions)
ARRAYS: dict[str, tuple[np.dtype, int]] = {
    "data": (SCORE_DTYPE, 1),
    "indices": (PASSAGE_ID_DTYPE, 1),
    "indptr": (OFFSET_DTYPE, 1),
    "text": (TEXT_DTYPE, 1),
    "text_offsets": (OFFSET_DTYPE, 1),
    "spans": (OFFSET_DTYPE, 2),
}
_GENERATION = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{8}$")
# A staging folder this old was left by a save that died.
_STALE_STAGING_SECONDS = 3600.0


def arrays_dir(manifest: Path) -> Path:
    """The folder holding the array generations of the index at `manifest`."""
    return manifest.with_name(manifest.stem + ".arrays")


def save_arrays(
    engine: Bm25sEngine,
    passages: PassageStore,
    manifest: Path,
    header: dict[str, Any],
    write_manifest: Callable[[Path, bytes], None],
    encode: Callable[[dict[str, Any]], bytes],
) -> None:
    """Write a new generation of arrays, then switch `manifest` (= `header` + where they are) to it."""
    root = arrays_dir(manifest)
    root.mkdir(parents=True, exist_ok=True)
    generation = f"{time.time_ns():016x}-{secrets.token_hex(4)}"
    staging = root / f".{generation}.tmp"
    staging.mkdir()
    matrix = engine.matrix
    arrays = {
        "data": matrix.data,
        "indices": matrix.indices,
        "indptr": matrix.indptr,
        "text": passages.text,
        "text_offsets": passages.text_offsets,
        "spans": passages.spans,
    }
    files: dict[str, dict[str, Any]] = {}
    try:
        for name, array in arrays.items():
            dtype, _ = ARRAYS[name]
            path = staging / f"{name}.npy"
            with path.open("wb") as file:
                np.save(file, np.ascontiguousarray(array, dtype=dtype), allow_pickle=False)
                file.flush()
                os.fsync(file.fileno())
            files[name] = {"shape": list(array.shape), "bytes": path.stat().st_size}
        if any("\n" in term for term in engine.vocabulary):
            raise ValueError("a term holds a line break")  # the tokenizer splits on whitespace: never happens
        vocabulary = "\n".join(engine.vocabulary).encode("utf-8")
        with (staging / VOCABULARY_FILE).open("wb") as file:
            file.write(vocabulary)
            file.flush()
            os.fsync(file.fileno())
        files[VOCABULARY_FILE] = {"terms": len(engine.vocabulary), "bytes": len(vocabulary)}
        os.replace(staging, root / generation)
        _sync_folder(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    payload = dict(header)
    payload["arrays"] = {
        "folder": f"{root.name}/{generation}",
        "passages": len(passages),
        "files": files,
    }
    try:
        write_manifest(manifest, encode(payload))
    except BaseException:
        shutil.rmtree(root / generation, ignore_errors=True)
        raise
    _remove_old_generations(root, keep=generation)


def remove_arrays(manifest: Path) -> None:
    """Remove the array folder of `manifest`, if any (the index is now stored as plain JSON)."""
    shutil.rmtree(arrays_dir(manifest), ignore_errors=True)


def load_arrays(
    manifest: Path, payload: dict[str, Any], doc_ids: list[str], first_passages: list[int]
) -> tuple[Bm25sEngine, PassageStore]:
    """The engine and passages a manifest points to.

    Raises ValueError, KeyError, TypeError or OSError when anything is
    missing, truncated or inconsistent.
    """
    spec = payload["arrays"]
    folder_name = str(spec["folder"])
    root_name, _, generation = folder_name.partition("/")
    if root_name != arrays_dir(manifest).name or not _GENERATION.match(generation):
        raise ValueError(f"unexpected array folder {folder_name!r}")
    folder = manifest.parent / root_name / generation
    files = spec["files"]
    arrays: dict[str, np.ndarray] = {}
    for name, (dtype, dimensions) in ARRAYS.items():
        path = folder / f"{name}.npy"
        expected = files[name]
        size = regular_file_size(path)
        if size != int(expected["bytes"]):
            raise ValueError(f"{name}.npy has {size} bytes, {expected['bytes']} expected")
        array = np.load(path, mmap_mode="r", allow_pickle=False)
        if array.dtype != dtype or array.ndim != dimensions or list(array.shape) != list(expected["shape"]):
            raise ValueError(f"{name}.npy holds {array.dtype} {array.shape}, not what the manifest says")
        arrays[name] = array
    passage_count = int(spec["passages"])
    vocabulary_bytes = read_regular_file(folder / VOCABULARY_FILE, int(files[VOCABULARY_FILE]["bytes"]) + 1)
    if len(vocabulary_bytes) != int(files[VOCABULARY_FILE]["bytes"]):
        raise ValueError(f"{VOCABULARY_FILE} has the wrong size")
    vocabulary = vocabulary_bytes.decode("utf-8").split("\n") if vocabulary_bytes else []
    _check(arrays, passage_count, len(vocabulary), len(first_passages))
    if first_passages and first_passages[-1] > passage_count:
        raise ValueError("the documents hold more passages than the arrays")
    matrix = ScoreMatrix(arrays["data"], arrays["indices"], arrays["indptr"], passage_count)
    engine = Bm25sEngine(vocabulary, matrix, k1=float(payload["k1"]), b=float(payload["b"]))
    passages = PassageStore(doc_ids, first_passages, arrays["text"], arrays["text_offsets"], arrays["spans"])
    return engine, passages


def to_store(passages: list[Passage] | PassageStore, doc_ids: list[str], first_passages: list[int]) -> PassageStore:
    """`passages` as a store, packing them if they are a plain list."""
    if isinstance(passages, PassageStore):
        return passages
    return PassageStore.from_passages(passages, doc_ids, first_passages)


def _check(arrays: dict[str, np.ndarray], passage_count: int, vocabulary_size: int, documents: int) -> None:
    """The invariants a query relies on; each check reads at most one array once."""
    indptr, indices, data = arrays["indptr"], arrays["indices"], arrays["data"]
    if passage_count <= 0 or documents <= 0:
        raise ValueError("no passages")
    if len(indptr) != vocabulary_size + 1 or int(indptr[0]) != 0 or int(indptr[-1]) != len(indices):
        raise ValueError("the score matrix's column offsets don't match its vocabulary and entries")
    if len(data) != len(indices) or np.any(np.diff(indptr) < 0):
        raise ValueError("the score matrix's columns are out of order")
    if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= passage_count):
        raise ValueError("the score matrix points at passages that don't exist")
    offsets, spans = arrays["text_offsets"], arrays["spans"]
    if len(offsets) != passage_count + 1 or spans.shape != (passage_count, 2):
        raise ValueError("the passage arrays don't match the passage count")
    if int(offsets[0]) != 0 or int(offsets[-1]) != len(arrays["text"]) or np.any(np.diff(offsets) < 0):
        raise ValueError("the passage text offsets are out of order")


def _remove_old_generations(root: Path, keep: str) -> None:
    """Drop every generation but `keep` and the one before it, and dead staging folders."""
    generations = sorted(child.name for child in root.iterdir() if _GENERATION.match(child.name))
    previous = [name for name in generations if name < keep][-1:]
    now = time.time()
    for child in root.iterdir():
        if child.name in (keep, *previous):
            continue
        if child.name.startswith("."):
            try:
                if now - child.stat().st_mtime < _STALE_STAGING_SECONDS:
                    continue  # another process may be saving right now
            except OSError:
                continue
        shutil.rmtree(child, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders can't be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
