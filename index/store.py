"""Persisting an index: no pickle, atomic writes, rebuilt when stale.

A small corpus (rank-bm25) is one JSON file holding everything; a large one
(bm25s) is a JSON manifest beside a folder of memory-mapped numpy arrays
(`index.array_store`). Either way a file from elsewhere is only ever parsed
as data, so it can't run code. The file is written to a temporary name and
renamed over the old one, so a crash mid-write leaves the old index intact.
`open_index` checks the persisted index against the corpus (sizes and
modification times first, content hashes for files that look changed) and
rebuilds it when it is corrupt or stale, with a warning rather than a crash.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import ranking
from index.documents import (
    DEFAULT_MAX_FILE_MB,
    Skipped,
    SkippedDocument,
    document_files,
    document_text,
    holds_any,
)
from index.errors import IndexFileError
from index.passage_index import Analyzer, DocumentInfo, PassageIndex, build_index
from index.passages import MAX_PASSAGE_CHARS, MIN_PASSAGE_CHARS, Passage
from index.progress import SAVING, BuildProgress, no_progress
from index.ranking import EngineChoice, RankBM25Engine, choose_engine
from index.safe_files import read_regular_file
from index.sections import Sections

FORMAT = "quotebot-index"
FORMAT_VERSION = 9


@dataclass(slots=True)
class OpenedIndex:
    """An index ready to serve, and what happened while opening it."""

    index: PassageIndex
    path: Path
    rebuilt: bool
    warnings: list[str] = field(default_factory=list)
    save_error: str | None = None
    """Why a rebuilt index couldn't be saved (also among `warnings`); it serves all the same."""


def default_index_dir() -> Path:
    """`$XDG_CACHE_HOME/quotebot`, else `~/.cache/quotebot`: outside the source tree."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "quotebot"


def index_path(index_dir: Path, corpus: Path) -> Path:
    """Where the index of `corpus` lives: one file per corpus path."""
    resolved = corpus.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", resolved.name)[:40] or "corpus"
    return index_dir / f"{name}-{digest}.json"


@dataclass(frozen=True, slots=True)
class SavedIndex:
    """One index file in the index folder, as `quotebot index list` shows it."""

    path: Path
    corpus: str | None
    """The corpus path it was built from; None when the file can't be read as an index."""
    built_at: float | None
    documents: int
    bytes_on_disk: int
    """The file and its array folder, if any."""

    @property
    def corpus_exists(self) -> bool:
        return self.corpus is not None and Path(self.corpus).exists()


def saved_indexes(index_dir: Path) -> list[SavedIndex]:
    """Every index file in `index_dir` (its `*.json` files but the command-sync state), by path."""
    if not index_dir.is_dir():
        return []
    found: list[SavedIndex] = []
    for path in sorted(index_dir.glob("*.json")):
        # The bot keeps its command-sync state beside the indexes.
        if path.name == "command-sync.json" or not path.is_file() or path.is_symlink():
            continue
        from index.array_store import arrays_dir

        arrays = arrays_dir(path)
        size = path.stat().st_size + sum(
            item.stat().st_size for item in arrays.rglob("*") if item.is_file() and not item.is_symlink()
        )
        corpus: str | None = None
        built_at: float | None = None
        documents = 0
        try:
            payload = json.loads(read_regular_file(path))
            if isinstance(payload, dict) and payload.get("format") == FORMAT:
                corpus = str(payload["corpus"])
                built_at = _checked_time(payload["built_at"], "built_at")
                documents = len(payload["documents"])
        except (IndexFileError, ValueError, KeyError, TypeError, RecursionError):
            corpus = None
        found.append(SavedIndex(path, corpus, built_at, documents, size))
    return found


def remove_saved_index(path: Path) -> None:
    """Remove an index file and its array folder. Raises OSError if the file can't be removed."""
    from index.array_store import remove_arrays

    remove_arrays(path)
    path.unlink(missing_ok=True)


def save_index(index: PassageIndex, path: Path) -> None:
    """Write `index` to `path` atomically. Raises OSError if it can't."""
    engine = index.engine
    if engine.name == "bm25s":
        _save_large(index, path)
        return
    if not isinstance(engine, RankBM25Engine):
        raise TypeError(f"can't persist a {type(engine).__name__} as JSON")
    document_ids = {doc_id: number for number, doc_id in enumerate(index.documents)}
    payload = _header(index) | {
        "passages": [
            {
                "doc": document_ids[passage.doc_id],
                "start": passage.start,
                "end": passage.end,
                "text": passage.text,
                "terms": engine.term_counts(position),
            }
            for position, passage in enumerate(index.passages)
        ],
    }
    write_atomically(path, _encode(payload))
    from index.array_store import remove_arrays

    remove_arrays(path)  # left from when the corpus was large


def _save_large(index: PassageIndex, path: Path) -> None:
    """A JSON manifest and a folder of numpy arrays: see `index.array_store`."""
    from index.array_store import save_arrays, to_store
    from index.bm25s_engine import Bm25sEngine

    engine = index.engine
    if not isinstance(engine, Bm25sEngine):
        raise TypeError(f"can't persist a {type(engine).__name__} as arrays")
    documents = list(index.documents.values())
    passages = to_store(
        index.passages, [document.doc_id for document in documents], [document.first_passage for document in documents]
    )
    save_arrays(engine, passages, path, _header(index), write_atomically, _encode)


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _header(index: PassageIndex) -> dict[str, Any]:
    """What every index file records besides its passages and engine data."""
    engine = index.engine
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "corpus": index.corpus,
        "built_at": index.built_at,
        "build_seconds": index.build_seconds,
        "analyzer": index.analyzer.fingerprint,
        "passage_chars": _passage_chars(),
        "engine": engine.name,
        "k1": engine.k1,
        "b": engine.b,
        "max_file_mb": index.max_file_mb,
        "documents": [
            {
                "id": document.doc_id,
                "title": document.title,
                "sha256": document.sha256,
                "size": document.size,
                "mtime_ns": document.mtime_ns,
                "passages": document.passage_count,
                "encoding": document.encoding,
                "source_url": document.source_url,
                "markdown": document.markdown,
                "sections": [[start, path] for start, path in zip(*_section_columns(document), strict=True)],
                "openings": [[start, opening] for start, opening in document.openings],
            }
            for document in index.documents.values()
        ],
        "skipped": [
            {"id": item.doc_id, "size": item.size, "mtime_ns": item.mtime_ns, "reason": item.reason}
            for item in index.skipped
        ],
    }


def _passage_chars() -> list[int]:
    """The passage size limits the index was split with: other limits make other passages."""
    return [MAX_PASSAGE_CHARS, MIN_PASSAGE_CHARS]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_index(path: Path, analyzer: Analyzer) -> PassageIndex:
    """Read an index file. Raises `IndexFileError` if it is corrupt or unusable."""
    try:
        payload = json.loads(read_regular_file(path))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        # RecursionError: garbage such as "[[[[..." nested deeper than the parser goes.
        raise IndexFileError(f"{path} is not valid JSON") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise IndexFileError(f"{path} is not a quotebot index")
    if payload.get("version") != FORMAT_VERSION:
        raise IndexFileError(f"{path} has format version {payload.get('version')!r}, not {FORMAT_VERSION}")
    if payload.get("analyzer") != analyzer.fingerprint:
        raise IndexFileError(f"{path} was built with another tokenizer ({payload.get('analyzer')})")
    if payload.get("passage_chars") != _passage_chars():
        raise IndexFileError(f"{path} was built with other passage sizes")
    try:
        if payload.get("engine") == "bm25s":
            return _large_index_from_payload(path, payload, analyzer)
        return _index_from_payload(payload, analyzer)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as error:
        raise IndexFileError(f"{path} is corrupt ({type(error).__name__}: {error})") from None
    except (OSError, EOFError) as error:
        # A missing or unreadable array file of a large index.
        raise IndexFileError(f"{path} is corrupt ({type(error).__name__}: {error})") from None


def _large_index_from_payload(path: Path, payload: dict[str, Any], analyzer: Analyzer) -> PassageIndex:
    from index.array_store import load_arrays

    documents = _documents_from_payload(payload)
    engine, passages = load_arrays(
        path,
        payload,
        [document.doc_id for document in documents],
        [document.first_passage for document in documents],
    )
    if sum(document.passage_count for document in documents) != len(passages):
        raise ValueError(f"{len(passages)} passages stored, {sum(d.passage_count for d in documents)} expected")
    return PassageIndex(
        corpus=str(payload["corpus"]),
        documents=documents,
        passages=passages,
        engine=engine,
        analyzer=analyzer,
        built_at=_checked_time(payload["built_at"], "built_at"),
        build_seconds=_checked_time(payload["build_seconds"], "build_seconds"),
        skipped=_skipped_from_payload(payload),
        max_file_mb=float(payload["max_file_mb"]),
    )


def _documents_from_payload(payload: dict[str, Any]) -> list[DocumentInfo]:
    documents: list[DocumentInfo] = []
    first_passage = 0
    for entry in payload["documents"]:
        count = int(entry["passages"])
        documents.append(
            DocumentInfo(
                doc_id=str(entry["id"]),
                title=str(entry["title"]),
                sha256=str(entry["sha256"]),
                size=int(entry["size"]),
                mtime_ns=int(entry["mtime_ns"]),
                first_passage=first_passage,
                passage_count=count,
                encoding=str(entry["encoding"]),
                source_url=_optional_text(entry.get("source_url"), "source_url"),
                sections=_sections_from_payload(entry.get("sections", [])),
                markdown=_checked_flag(entry["markdown"], "markdown"),
                openings=_openings_from_payload(entry.get("openings", [])),
            )
        )
        first_passage += count
    return documents


def _section_columns(document: DocumentInfo) -> tuple[tuple[int, ...], tuple[str, ...]]:
    return document.sections.starts, document.sections.paths


def _openings_from_payload(value: Any) -> tuple[tuple[int, str], ...]:
    """A document's `[[passage start, opening], ...]` (see `index.markdown.block_openings`)."""
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) for pair in value
    ):
        raise ValueError("openings are not a list of [start, text] pairs")
    openings = tuple((int(start), opening) for start, opening in value)
    if any(later[0] <= earlier[0] for earlier, later in itertools.pairwise(openings)):
        raise ValueError("openings are out of order")
    return openings


def _sections_from_payload(value: Any) -> Sections:
    """A document's `[[start, heading path], ...]`, in order of their starts."""
    if not isinstance(value, list) or not all(isinstance(pair, list) and len(pair) == 2 for pair in value):
        raise ValueError("sections are not a list of [start, path] pairs")
    starts = tuple(int(start) for start, _ in value)
    if any(later < earlier for earlier, later in itertools.pairwise(starts)):
        raise ValueError("sections are out of order")
    return Sections(starts, tuple(str(path) for _, path in value))


def _checked_flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{name} is not true or false")


def _optional_text(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} is not text")


def _skipped_from_payload(payload: dict[str, Any]) -> list[Skipped]:
    return [
        Skipped(str(item["id"]), int(item["size"]), int(item["mtime_ns"]), str(item["reason"]))
        for item in payload["skipped"]
    ]


def _expanded_terms(counts: dict[str, Any], text_chars: int) -> list[str]:
    """A passage's terms, each repeated its count; counts are checked before anything is allocated.

    A term occurs at most once per character of its passage: a tampered count such as 10**12 or
    1e308 would otherwise be expanded into a list until memory runs out.
    """
    checked: list[tuple[str, int]] = []
    total = 0
    for term, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or not 0 < count <= text_chars:
            raise ValueError(f"the count of {str(term)[:40]!r} is impossible for its passage")
        total += count
        checked.append((str(term), count))
    if total > text_chars:
        raise ValueError("a passage holds more terms than characters")
    return [term for term, count in checked for _ in range(count)]


def _checked_time(value: Any, name: str) -> float:
    """A timestamp or a duration of the index file: finite, and not after a century from now."""
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= time.time() + 100 * 365 * 86400:
        raise ValueError(f"{name} is {value!r}")
    return number


def _index_from_payload(payload: dict[str, Any], analyzer: Analyzer) -> PassageIndex:
    documents = _documents_from_payload(payload)
    first_passage = sum(document.passage_count for document in documents)
    entries = payload["passages"]
    if len(entries) != first_passage or not entries:
        raise ValueError(f"{len(entries)} passages stored, {first_passage} expected")
    passages: list[Passage] = []
    passage_terms: list[list[str]] = []
    for document in documents:
        for ordinal in range(1, document.passage_count + 1):
            entry = entries[len(passages)]
            if documents[int(entry["doc"])] is not document:
                raise ValueError("passages are out of document order")
            text = str(entry["text"])
            start, end = int(entry["start"]), int(entry["end"])
            if end - start != len(text):
                raise ValueError("a passage's span doesn't match its text")
            previous_end = passages[-1].end if ordinal > 1 else 0
            # A document's length in characters is at most its size in bytes.
            if start < previous_end or end > document.size:
                raise ValueError("a passage's span is outside its document or overlaps the one before")
            passages.append(Passage(document.doc_id, ordinal, start, end, text))
            passage_terms.append(_expanded_terms(dict(entry["terms"]), len(text)))
    skipped = _skipped_from_payload(payload)
    engine = RankBM25Engine(passage_terms, k1=float(payload["k1"]), b=float(payload["b"]))
    return PassageIndex(
        corpus=str(payload["corpus"]),
        documents=documents,
        passages=passages,
        engine=engine,
        analyzer=analyzer,
        built_at=_checked_time(payload["built_at"], "built_at"),
        build_seconds=_checked_time(payload["build_seconds"], "build_seconds"),
        skipped=skipped,
        max_file_mb=float(payload["max_file_mb"]),
    )


def stale_reason(
    index: PassageIndex, corpus: Path, max_file_mb: float, engine: EngineChoice | None = None
) -> str | None:
    """Why `index` no longer matches `corpus` (or the `engine` setting, when given), or None when it does.

    Sizes and modification times are compared first; a file that differs is
    hashed, so touching a file without changing it doesn't force a rebuild.
    """
    if index.corpus != str(corpus.resolve()):
        return "it was built from another corpus path"
    if index.max_file_mb != max_file_mb:
        return "the size limit per file changed"
    if (index.engine.k1, index.engine.b) != (ranking.DEFAULT_K1, ranking.DEFAULT_B):
        return "the BM25 parameters changed"
    if engine is not None and choose_engine(engine, len(index.passages)) != index.engine.name:
        return f"it uses the {index.engine.name} engine and the setting is {engine}"
    known = {document.doc_id: document for document in index.documents.values()}
    skipped = {item.doc_id: item for item in index.skipped}
    walked = document_files(corpus)
    files = walked.files
    if {doc_id for doc_id, _ in files} | {item.doc_id for item in walked.refused} != known.keys() | skipped.keys():
        return "documents were added or removed"
    for doc_id, path in files:
        stat = path.stat()
        if doc_id in skipped:
            item = skipped[doc_id]
            if (item.size, item.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                return f"{doc_id} changed"
            continue
        document = known[doc_id]
        if stat.st_size != document.size:
            return f"{doc_id} changed"
        # Read even when size and time match: the stored passages must be the document's own text.
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != document.sha256:
            return f"{doc_id} changed"
        if not _passages_match(index, document, raw):
            return f"the stored passages of {doc_id} aren't its text"
    return None


def _passages_match(index: PassageIndex, document: DocumentInfo, raw: bytes) -> bool:
    """Whether each stored passage of `document` is the slice of its text (read from `raw`) it claims to be."""
    try:
        text, _, _ = document_text(raw, document.doc_id, document.encoding)
    except SkippedDocument:
        return False
    passages = index.passages[document.first_passage : document.first_passage + document.passage_count]
    return all(text[passage.start : passage.end] == passage.text for passage in passages)


def open_index(
    corpus: Path,
    index_dir: Path,
    *,
    analyzer: Analyzer | None = None,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    force_rebuild: bool = False,
    engine: EngineChoice = "auto",
    workers: int | None = None,
    forbidden_texts: Sequence[str] = (),
    progress: BuildProgress = no_progress,
) -> OpenedIndex:
    """The persisted index of `corpus` if it is current, else a fresh build saved in its place.

    A persisted index with a passage holding any of `forbidden_texts` is rebuilt without it.

    `engine` and `workers` are passed to `build_index`; a persisted index
    built with another engine than `engine` calls for is rebuilt.

    Raises `CorpusError` if the corpus can't be indexed; the old file is then
    left as it was.
    """
    analyzer = analyzer or Analyzer()
    path = index_path(index_dir, corpus)
    warnings: list[str] = []
    if path.exists() and not force_rebuild:
        try:
            index = load_index(path, analyzer)
        except IndexFileError as error:
            warnings.append(f"rebuilding the index: {error}")
        else:
            try:
                reason = stale_reason(index, corpus, max_file_mb, engine)
            except OSError as error:
                reason = f"the corpus couldn't be checked ({error.strerror or error})"
            if reason is None and any(holds_any(passage.text, forbidden_texts) for passage in index.passages):
                # Saved by a build without the guard (`quotebot index build` doesn't know the token).
                reason = "a passage holds a secret (the bot's token)"
            if reason is None:
                return OpenedIndex(index, path, rebuilt=False, warnings=index.warnings)
            warnings.append(f"rebuilding the index: {reason}")
    index = build_index(
        corpus,
        analyzer=analyzer,
        max_file_mb=max_file_mb,
        engine=engine,
        workers=workers,
        forbidden_texts=forbidden_texts,
        progress=progress,
    )
    warnings.extend(index.warnings)
    # Said once, when the index is built: the offsets of such a document are into its text as decoded.
    warnings.extend(
        f"read {document.doc_id} as {document.encoding}: it isn't UTF-8"
        for document in index.documents.values()
        if document.encoding != "utf-8"
    )
    progress(SAVING, 0, 1)
    try:
        save_index(index, path)
    except OSError as error:
        save_error = f"couldn't save the index to {path}: {error.strerror or error}"
        return OpenedIndex(index, path, rebuilt=True, warnings=[*warnings, save_error], save_error=save_error)
    progress(SAVING, 1, 1)
    return OpenedIndex(index, path, rebuilt=True, warnings=warnings)
