"""Hostile file trees: links in and out, odd names, FIFOs, deep nesting, huge lines; nothing outside is read."""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import CorpusError
from index.passage_index import Analyzer, build_index

CANARY = "CANARYOUTSIDETHEROOT"
ENV_SECRET = "DISCORD_TOKEN=ENVSECRETNEVERINDEXED"
WORDS = ("the", "council", "met", "in", "old", "hall", "roads", "harbour", "budget", "keeper")
DEEP_LEVELS = 200
HUGE_LINE_CHARACTERS = 60_000

sentences = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(lambda words: " ".join(words) + ".")
prose = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
# Name bytes never hold "/" or NUL, which no file name can; 0x80-0xFF alone aren't UTF-8.
odd_name_bytes = st.one_of(
    st.binary(min_size=1, max_size=12).map(lambda raw: raw.replace(b"/", b"_").replace(b"\x00", b"_")),
    st.just(b"\xff\xfe bad"),
    st.just(b"line\nbreak"),
    st.just(b"-rf --help"),
    st.just(b"-"),
    st.integers(min_value=100, max_value=251).map(lambda length: b"n" * length),
)
odd_file_names = st.builds(lambda stem, suffix: stem + suffix, odd_name_bytes, st.sampled_from([b".txt", b".md", b""]))
elements = st.one_of(
    st.tuples(st.just("text"), odd_file_names, prose),
    st.tuples(st.just("link to outside file"), odd_file_names),
    st.tuples(st.just("link to outside folder"), odd_name_bytes),
    st.tuples(st.just("link to parent"), odd_name_bytes),
    st.tuples(st.just("link loop"), odd_name_bytes),
    st.tuples(st.just("link to self"), odd_file_names),
    st.tuples(st.just("link inside"), odd_file_names),
    st.tuples(st.just("link to .env"), odd_file_names),
    st.tuples(st.just("absolute link to outside file"), odd_file_names),
    st.tuples(st.just("fifo"), odd_file_names),
    st.tuples(st.just("deep"), prose),
    st.tuples(st.just("huge line"), st.sampled_from(["base64", "one word", "words without ends"])),
    st.tuples(st.just("empty"), odd_file_names),
    st.tuples(st.just("binary"), st.binary(min_size=1, max_size=64)),
)


def _unique(folder: bytes, name: bytes) -> bytes:
    """`folder/name`, or a numbered variant when that name is taken (the strategies may repeat names)."""
    candidate, number = name, 0
    while os.path.lexists(os.path.join(folder, candidate)) or candidate in (b".", b".."):
        number += 1
        candidate = b"%d-%s" % (number, name)
    return os.path.join(folder, candidate[:255])


def _huge_line(shape: str) -> str:
    if shape == "base64":
        return "![logo](data:image/png;base64," + base64.b64encode(os.urandom(HUGE_LINE_CHARACTERS * 3 // 4)).decode()
    if shape == "one word":
        return "a" * HUGE_LINE_CHARACTERS
    return " ".join(WORDS[position % len(WORDS)] for position in range(HUGE_LINE_CHARACTERS // 6))


def _plant(root: bytes, outside: bytes, element: tuple) -> None:
    """Create one hostile element under `root`; `outside` holds the canary file and a canary folder."""
    kind, detail = element[0], element[1]
    canary_file = os.path.join(outside, b"canary.txt")
    if kind == "text":
        with open(_unique(root, detail), "w", encoding="utf-8") as file:
            file.write(element[2])
    elif kind == "link to outside file":
        os.symlink(os.path.relpath(canary_file, root), _unique(root, detail))
    elif kind == "absolute link to outside file":
        os.symlink(canary_file, _unique(root, detail))
    elif kind == "link to outside folder":
        os.symlink(os.path.join(outside, b"folder"), _unique(root, detail))
    elif kind == "link to parent":
        os.symlink(b"..", _unique(root, detail))
    elif kind == "link loop":
        first, second = _unique(root, detail + b"-a"), _unique(root, detail + b"-b")
        os.symlink(second, first)
        os.symlink(first, second)
    elif kind == "link to self":
        path = _unique(root, detail)
        os.symlink(path, path)
    elif kind == "link inside":
        os.makedirs(os.path.join(root, b"inner"), exist_ok=True)
        with open(os.path.join(root, b"inner", b"target.txt"), "w", encoding="utf-8") as file:
            file.write("The keeper met the council in the old hall.")
        os.symlink(os.path.join(b"inner", b"target.txt"), _unique(root, detail))
    elif kind == "link to .env":
        os.symlink(b".env", _unique(root, detail))
    elif kind == "fifo":
        os.mkfifo(_unique(root, detail))
    elif kind == "deep":
        folder = _unique(root, b"deep")
        folder = os.path.join(folder, *[b"d"] * DEEP_LEVELS)
        os.makedirs(folder)
        with open(os.path.join(folder, b"bottom.txt"), "w", encoding="utf-8") as file:
            file.write(detail)
    elif kind == "huge line":
        with open(_unique(root, b"huge.md"), "w", encoding="utf-8") as file:
            file.write(_huge_line(detail))
    elif kind == "empty":
        open(_unique(root, detail), "wb").close()
    elif kind == "binary":
        with open(_unique(root, b"binary.txt"), "wb") as file:
            file.write(b"\x00" + detail)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.lists(elements, min_size=1, max_size=8))
def test_hostile_tree_builds_without_reading_outside_the_root(tree: list[tuple], builtin_analyzer: Analyzer) -> None:
    """Whatever the tree holds, the build finishes, and no passage or doc id comes from outside it or from `.env`."""
    with tempfile.TemporaryDirectory() as base:
        base_bytes = os.fsencode(base)
        root, outside = os.path.join(base_bytes, b"corpus"), os.path.join(base_bytes, b"outside")
        os.makedirs(os.path.join(outside, b"folder"))
        os.mkdir(root)
        for canary in (os.path.join(outside, b"canary.txt"), os.path.join(outside, b"folder", b"canary.txt")):
            with open(canary, "w", encoding="utf-8") as file:
                file.write(f"The {CANARY} must never be quoted.")
        with open(os.path.join(root, b".env"), "w", encoding="utf-8") as file:
            file.write(ENV_SECRET + "\n")
        for element in tree:
            _plant(root, outside, element)

        try:
            index = build_index(Path(os.fsdecode(root)), analyzer=builtin_analyzer, workers=1)
        except CorpusError as error:
            assert "no" in str(error) and "document" in str(error), str(error)
            return

        for passage in index.passages:
            assert CANARY not in passage.text
            assert "ENVSECRET" not in passage.text
        for doc_id in index.documents:
            parts = PurePosixPath(doc_id).parts
            assert not PurePosixPath(doc_id).is_absolute() and ".." not in parts, doc_id
            assert ".env" not in parts, doc_id
            # The id must encode: no surrogate left over from an undecodable name.
            doc_id.encode("utf-8")
