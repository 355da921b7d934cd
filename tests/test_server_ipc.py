"""Frames on a slot pipe between the web process and the query worker."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from server.workers import recv_frame, send_frame


def test_small_and_empty_frames_round_trip() -> None:
    left, right = socket.socketpair()
    with left, right:
        for payload in (b"", b"x", b"answer" * 100):
            send_frame(left.fileno(), payload)
            assert recv_frame(right.fileno()) == payload


def test_a_frame_larger_than_the_pipe_buffer_arrives_whole() -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)
    left, right = socket.socketpair()
    with left, right:
        writer = threading.Thread(target=send_frame, args=(left.fileno(), payload))
        writer.start()
        received = recv_frame(right.fileno())
        writer.join()
    assert received == payload


def test_a_closed_peer_is_end_of_file() -> None:
    left, right = socket.socketpair()
    with right:
        left.close()
        with pytest.raises(EOFError):
            recv_frame(right.fileno())


def test_a_peer_dying_mid_frame_is_end_of_file() -> None:
    left, right = socket.socketpair()
    with right:
        # a header promising 100 bytes, then only 10 and the end
        left.sendall((100).to_bytes(8, "big") + b"0123456789")
        left.close()
        with pytest.raises(EOFError):
            recv_frame(right.fileno())
