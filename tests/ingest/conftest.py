"""Fixtures for the fetching tests: loopback web servers, and a guard that fails any test reaching the network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from web_server import WebServer

# The stand-in for a public web host: a loopback address (so nothing leaves the machine) that a
# test lets through with allowed_networks, while 127.0.0.1 stays refused. Linux routes all of 127/8.
STAND_IN_PUBLIC_HOST = "127.0.0.2"


def _is_loopback(host: object) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every DNS lookup or connection to anything but loopback fails the test, loudly."""
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            attempts.append(f"DNS lookup of {host!r}")
            raise AssertionError(f"a test tried to look up {host!r} in real DNS")
        return real_getaddrinfo(host, *args, **kwargs)

    def check_address(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            attempts.append(f"connection to {address!r}")
            raise AssertionError(f"a test tried to connect to {address!r}, off this machine")

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        check_address(address)
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        check_address(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield attempts
    # Even an attempt that some code caught and hid fails the test.
    assert not attempts, f"the test tried to reach the network: {attempts}"


@pytest_asyncio.fixture
async def web_server() -> AsyncIterator[WebServer]:
    """The test pages on 127.0.0.1 and a free port."""
    server = WebServer("127.0.0.1")
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest_asyncio.fixture
async def public_server() -> AsyncIterator[WebServer]:
    """The test pages on the stand-in public address, 127.0.0.2."""
    server = WebServer(STAND_IN_PUBLIC_HOST)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
