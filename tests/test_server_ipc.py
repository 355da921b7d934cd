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


# --------------------------------------------------------------------------- write outcomes
def _outcome(store, write):  # type: ignore[no-untyped-def]
    from server.jobs import run_job

    answer = run_job(store, {"kind": "write_outcome", "write": write})
    assert answer["ok"]
    return answer["applied"], answer["total"]


def test_an_update_is_judged_applied_by_its_mark_which_goes_only_when_asked() -> None:
    import pyoxigraph as ox

    from kg.graph.store import open_store
    from server.jobs import WRITES_GRAPH, _with_mark, run_job

    def marks() -> int:
        return len(list(store.raw.quads_for_pattern(None, None, None,
                                                    ox.NamedNode(WRITES_GRAPH))))

    store = open_store(None)
    write = {"kind": "update", "sparql": "INSERT DATA { <urn:a> <urn:b> 1 } # end",
             "write_id": "w1"}
    assert _outcome(store, write) == (0, 1)
    # the worker died after the update's transaction, before it answered
    store.update(_with_mark(write["sparql"], "w1"))
    assert _outcome(store, write) == (1, 1)
    # checking does not remove it: a worker that dies before its answer gets out
    # leaves the mark for the next check
    assert marks() == 1 and _outcome(store, write) == (1, 1)
    assert run_job(store, {"kind": "forget_writes", "write_ids": ["w1"]})["ok"]
    assert marks() == 0
    # an update run as a job keeps its mark until the web process has the answer
    assert run_job(store, {**write, "write_id": "w2"})["ok"]
    assert marks() == 1


def test_a_text_ending_in_a_semicolon_or_comment_takes_the_mark() -> None:
    from kg.graph.store import open_store
    from server.jobs import _with_mark

    store = open_store(None)
    for text in ("INSERT DATA { <urn:a> <urn:b> 1 } ;", "INSERT DATA { <urn:a> <urn:b> 2 } # x",
                 "PREFIX e: <urn:e:> INSERT DATA { e:a e:b 3 }", ""):
        store.update(_with_mark(text, "m"))  # valid SPARQL every time


def test_graph_writes_are_judged_from_the_graph() -> None:
    from kg.graph.store import open_store

    store = open_store(None)
    body = b"<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> _:b .\n"
    put = {"kind": "graph_put", "graph": "urn:g", "body": body,
           "media_type": "application/n-triples"}
    assert _outcome(store, put) == (0, 1)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> . <urn:s> <urn:p> [] } }")
    assert _outcome(store, put) == (1, 1)
    assert _outcome(store, {"kind": "graph_delete", "graph": "urn:g"}) == (0, 1)
    batch = {"kind": "replace_graphs", "graphs": {
        "urn:g": "<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> _:b .\n",
        "urn:h": "<urn:x> <urn:p> <urn:o> .\n"}}
    assert _outcome(store, batch) == (1, 2)
