"""Passages kept compactly: one UTF-8 text buffer and a few offset arrays.

A million `Passage` objects with their strings take well over a gigabyte of
Python objects and seconds to load. Here the texts live in one byte buffer
(memory-mapped from disk when loaded), and a `Passage` is made only when one
is asked for, which is a handful per question.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from index.passages import Passage

TEXT_DTYPE = np.dtype(np.uint8)
OFFSET_DTYPE = np.dtype(np.int64)
# Texts are encoded this many passages at a time, so no single step holds the GIL for long.
_ENCODE_BATCH = 10_000


class PassageStore(Sequence[Passage]):
    """A read-only sequence of passages backed by arrays.

    Passage `i` belongs to document `doc_ids[d]` where `d` is the last
    document whose `first_passages[d] <= i`; its text is the UTF-8 bytes
    `text[text_offsets[i]:text_offsets[i + 1]]` and its span in the document
    is `spans[i]` (start, end).
    """

    def __init__(
        self,
        doc_ids: Sequence[str],
        first_passages: Sequence[int],
        text: np.ndarray,
        text_offsets: np.ndarray,
        spans: np.ndarray,
    ) -> None:
        count = len(spans)
        if len(doc_ids) != len(first_passages) or len(text_offsets) != count + 1:
            raise ValueError("the passage arrays don't match each other")
        if list(first_passages) != sorted(first_passages) or (first_passages and first_passages[0] != 0):
            raise ValueError("documents are out of passage order")
        if count and (int(text_offsets[0]) != 0 or int(text_offsets[-1]) != len(text)):
            raise ValueError("the text offsets don't cover the text")
        self.doc_ids = list(doc_ids)
        self.first_passages = [int(first) for first in first_passages]
        self.text = text
        self.text_offsets = text_offsets
        self.spans = spans

    @classmethod
    def from_passages(
        cls, passages: Sequence[Passage], doc_ids: Sequence[str], first_passages: Sequence[int]
    ) -> PassageStore:
        """Pack `passages` (in document order) into arrays."""
        return cls.from_texts(
            [passage.text for passage in passages],
            [(passage.start, passage.end) for passage in passages],
            doc_ids,
            first_passages,
        )

    @classmethod
    def from_texts(
        cls,
        texts: Sequence[str],
        spans: Sequence[tuple[int, int]],
        doc_ids: Sequence[str],
        first_passages: Sequence[int],
    ) -> PassageStore:
        """Pack passage texts and their (start, end) spans, in document order, into arrays.

        Done in batches: no single step holds the GIL long enough to stall an event loop.
        """
        offsets = np.zeros(len(texts) + 1, dtype=OFFSET_DTYPE)
        span_array = np.empty((len(texts), 2), dtype=OFFSET_DTYPE)
        pieces: list[bytes] = []
        position = 0
        for batch_start in range(0, len(texts), _ENCODE_BATCH):
            batch_end = min(batch_start + _ENCODE_BATCH, len(texts))
            batch = [text.encode("utf-8") for text in texts[batch_start:batch_end]]
            sizes = np.fromiter(map(len, batch), dtype=OFFSET_DTYPE, count=len(batch))
            offsets[batch_start + 1 : batch_end + 1] = position + np.cumsum(sizes)
            position += int(sizes.sum())
            pieces.append(b"".join(batch))
            span_array[batch_start:batch_end] = spans[batch_start:batch_end]
        text = np.empty(position, dtype=TEXT_DTYPE)
        cursor = 0
        for piece in pieces:
            text[cursor : cursor + len(piece)] = np.frombuffer(piece, dtype=TEXT_DTYPE)
            cursor += len(piece)
        return cls(doc_ids, first_passages, text, offsets, span_array)

    def __len__(self) -> int:
        return len(self.spans)

    @overload
    def __getitem__(self, position: int) -> Passage: ...

    @overload
    def __getitem__(self, position: slice) -> list[Passage]: ...

    def __getitem__(self, position: int | slice) -> Passage | list[Passage]:
        if isinstance(position, slice):
            return [self._passage(number) for number in range(*position.indices(len(self)))]
        count = len(self)
        if position < 0:
            position += count
        if not 0 <= position < count:
            raise IndexError("passage position out of range")
        return self._passage(position)

    def __iter__(self) -> Iterator[Passage]:
        for position in range(len(self)):
            yield self._passage(position)

    def _passage(self, position: int) -> Passage:
        document = bisect.bisect_right(self.first_passages, position) - 1
        start, end = (int(value) for value in self.spans[position])
        raw = self.text[int(self.text_offsets[position]) : int(self.text_offsets[position + 1])].tobytes()
        # A damaged file shows replacement characters rather than failing a question.
        text = raw.decode("utf-8", errors="replace")
        return Passage(
            doc_id=self.doc_ids[document],
            ordinal=position - self.first_passages[document] + 1,
            start=start,
            end=end,
            text=text,
        )
