"""A shared server that stops answering mid-statement is given up, not waited for for ever.

A field technician on a VPN that drops packets (a new user's finding) saw the window wait
without end: a statement sent to a server that can no longer answer waits on a TCP socket
with no keepalive and no timeout. Each connection to PostgreSQL and MariaDB now has
keepalive probes and an unacknowledged-data timeout (``DEAD_PEER_SECONDS``).

This machine cannot drop packets (no iptables, no netem), so the test reads the options
off the real sockets of real connections; that the kernel then ends the wait is the
kernel's documented behaviour (tcp(7): TCP_USER_TIMEOUT, TCP_KEEPIDLE/INTVL/CNT).
"""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest

from desktop.storage.database import DEAD_PEER_SECONDS, Database


def _socket_of(database: Database) -> socket.socket:
    raw = database.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        fd = driver.pgconn.socket if database.backend == "postgresql" else driver._sock.fileno()
        return socket.socket(fileno=os.dup(fd))
    finally:
        raw.close()


def test_server_connections_give_up_a_silent_server(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("a local file has no network between it and the program")
    sock = _socket_of(db)
    try:
        assert sock.family in (socket.AF_INET, socket.AF_INET6)  # the tests' servers: TCP
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
        interval = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
        count = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
        assert idle + interval * count <= DEAD_PEER_SECONDS, (idle, interval, count)
        user_timeout = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)
        assert user_timeout == DEAD_PEER_SECONDS * 1000
    finally:
        sock.close()
    # The connection still works with the options (nothing the server refuses).
    assert db.schema_state() is not None


def test_a_setting_typed_in_the_url_wins(db: Database) -> None:
    if db.backend != "postgresql":
        pytest.skip("libpq's keepalive settings are URL options on PostgreSQL only")
    url = db.url.update_query_dict({"keepalives_idle": "7"})
    typed = Database(url)
    try:
        sock = _socket_of(typed)
        try:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 7
        finally:
            sock.close()
    finally:
        typed.dispose()
