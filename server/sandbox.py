"""Take network access away from the query worker, so no query can reach out.

pyoxigraph evaluates ``SERVICE`` and ``LOAD`` with an HTTP client in Rust that no
Python hook sees. :mod:`server.policy` refuses both before a request is sent to the
worker, but that is a second reading of the request beside the engine's own, and
two readings can disagree. So the worker process also runs under a seccomp filter
that refuses to create any socket but a Unix one: whatever the engine's parser makes
of a request, it cannot open a connection. The pipes to the web process exist before
the filter is installed and are not affected.

The filter is installed only when no ``SERVICE`` endpoint is allowed (setting
``allowed_service_endpoints``, empty by default): a server that federates needs the
network, and then only the policy stands between a query and the network.

Linux on x86-64 and AArch64 only; elsewhere :func:`deny_network` returns ``False``
and the server logs that the policy alone guards the network.

>>> isinstance(sandbox_supported(), bool)
True
"""

from __future__ import annotations

import ctypes
import errno
import platform
import sys

#: Per machine: the audit architecture, and the numbers of ``socket`` and
#: ``io_uring_setup`` (io_uring can open sockets without the ``socket`` call).
_MACHINES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}

#: x32 system calls on x86-64 have this bit set; they are refused.
_X32_BIT = 0x40000000

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SYS_SECCOMP = {"x86_64": 317, "aarch64": 277}

_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

_AF_UNIX = 1


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def sandbox_supported() -> bool:
    """Whether this platform can run the query worker without network access."""
    return sys.platform == "linux" and platform.machine() in _MACHINES


def _program(machine: str) -> list[tuple[int, int, int, int]]:
    """The BPF program: refuse non-native calls, ``io_uring_setup``, and non-Unix sockets.

    Offsets are into ``struct seccomp_data``: ``nr`` at 0, ``arch`` at 4, the low
    32 bits of the first argument at 16 (both machines are little-endian).
    """
    arch, socket_nr, uring_nr = _MACHINES[machine]
    deny = (_RET_K, 0, 0, _RET_ERRNO | errno.EACCES)
    allow = (_RET_K, 0, 0, _RET_ALLOW)
    return [
        (_LD_W_ABS, 0, 0, 4),             # 0: A = arch
        (_JEQ_K, 1, 0, arch),             # 1: native → 3
        deny,                             # 2
        (_LD_W_ABS, 0, 0, 0),             # 3: A = nr
        (_JGE_K, 4, 0, _X32_BIT),         # 4: x32 → 9
        (_JEQ_K, 3, 0, uring_nr),         # 5: io_uring_setup → 9
        (_JEQ_K, 0, 3, socket_nr),        # 6: socket → 7, else → 10
        (_LD_W_ABS, 0, 0, 16),            # 7: A = domain
        (_JEQ_K, 1, 0, _AF_UNIX),         # 8: AF_UNIX → 10
        deny,                             # 9
        allow,                            # 10
    ]


def deny_network() -> bool:
    """Forbid this process (every thread of it) to open network sockets, for good.

    Returns:
        ``True`` once the filter is in place; ``False`` on a platform without
        seccomp support or when the kernel refused the filter.
    """
    machine = platform.machine()
    if not sandbox_supported():
        return False
    program = _program(machine)
    filters = (_SockFilter * len(program))(*[_SockFilter(*row) for row in program])
    fprog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    result = libc.syscall(_SYS_SECCOMP[machine], _SECCOMP_SET_MODE_FILTER,
                          _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog))
    return bool(result == 0)

