"""Fixtures for cog tests: a small corpus, a live index over it, and an interaction factory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cog_fakes import DOCUMENTS, InteractionFactory, make_interaction

from bot.index_service import IndexService
from index.passage_index import Analyzer, build_index


@pytest.fixture
def corpus(make_corpus) -> Path:
    """A three-document corpus on disk."""
    return make_corpus(DOCUMENTS)


@pytest.fixture
def service(corpus: Path, builtin_analyzer: Analyzer) -> IndexService:
    """An index service over the corpus, rebuilding from the same folder."""
    return IndexService(
        build_index(corpus, analyzer=builtin_analyzer),
        lambda: build_index(corpus, analyzer=builtin_analyzer),
        top_k=3,
        min_confidence=0.3,
    )


@pytest.fixture(name="make_interaction")
def make_interaction_fixture() -> InteractionFactory:
    """The factory of autospec'd interactions."""
    return make_interaction
