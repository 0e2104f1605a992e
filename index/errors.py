"""Errors whose message is meant for the person at the keyboard or in Discord."""

from __future__ import annotations


class QuotebotError(Exception):
    """Base class: the message is short, complete and safe to show as is."""


class CorpusError(QuotebotError):
    """The corpus can't be read: missing, empty, or with no usable document."""


class QuestionError(QuotebotError):
    """The question can't be asked: empty or absurdly long."""


class IndexFileError(QuotebotError):
    """A persisted index file is corrupt, stale or from another format."""
