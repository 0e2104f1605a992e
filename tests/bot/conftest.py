"""Fixtures for the bot's tests: a fresh fake Discord server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from fake_discord import FakeDiscord


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    """A fresh fake Discord for the test."""
    async with FakeDiscord() as fake:
        yield fake
