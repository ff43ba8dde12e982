"""What multiprocessing protects, and what it leaves open, measured: the numbers of chapter 7's Python corners.

    python3 book/src/ch07-security/security.py

Standard library only (Python 3.8+). The /proc and /dev/shm parts need Linux
and are skipped elsewhere. Timings are the median of 5 runs.
"""

import hashlib
import hmac
import importlib.util
import json
import multiprocessing
import multiprocessing.util
import os
import pickle
import secrets
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from multiprocessing.connection import (AuthenticationError, Client, Connection, Listener, answer_challenge,
                                        deliver_challenge)

KEY = secrets.token_bytes(32)
SECRET = {"user": "alice", "password": "hunter2", "balance": 1234567}
LINUX = os.path.isdir("/proc/self")


def median_seconds(f, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def connection_pair():
    """Two connected multiprocessing Connections over a Unix socket pair, in this process."""
    a, b = socket.socketpair()
    return Connection(a.detach()), Connection(b.detach())


def authenticated_pair(key):
    """A connection pair after the handshake Listener.accept() and Client() do with an authkey."""
    server, client = connection_pair()

    def client_side():  # what Client(address, authkey=key) does after connecting
        answer_challenge(client, key)
        deliver_challenge(client, key)

    thread = threading.Thread(target=client_side)
    thread.start()
    deliver_challenge(server, key)  # what Listener.accept() does
    answer_challenge(server, key)
    thread.join()
    return server, client


def serve(listener, count):
    for _ in range(count):
        try:
            with listener.accept() as conn:
                conn.send_bytes(b"hello")  # one round trip, with or without a handshake before it
                conn.recv_bytes()  # until the client hangs up
        except (AuthenticationError, EOFError, OSError):
            pass


def serve_process(authkey, count, report):
    listener = Listener(("127.0.0.1", 0), backlog=count, authkey=authkey)
    report.send(listener.address)
    serve(listener, count)
    listener.close()


def connect_cost(authkey, count=200):
    """Seconds per Client() connection to a Listener in another process, handshake included."""
    times = []
    for _ in range(5):
        receive, report = multiprocessing.Pipe(duplex=False)
        server = multiprocessing.Process(target=serve_process, args=(authkey, count, report))
        server.start()
        address = receive.recv()
        start = time.perf_counter()
        for _ in range(count):
            with Client(address, authkey=authkey) as conn:
                conn.recv_bytes()
        times.append((time.perf_counter() - start) / count)
        server.join()
    return statistics.median(times)


def read_proc(pid, name):
    with open(f"/proc/{pid}/{name}", "rb") as f:
        return f.read()


def part_a():
    print("A. multiprocessing.connection with an authkey")
    with_key, without = connect_cost(KEY), connect_cost(None)
    print(f"   Client() to a Listener in another process: {with_key * 1e3:.3f} ms with an authkey, {without * 1e3:.3f} ms without "
          f"(the HMAC challenge both ways: {(with_key - without) * 1e3:.3f} ms per connection)")
    listener = Listener(("127.0.0.1", 0), authkey=KEY)
    server = threading.Thread(target=serve, args=(listener, 1))
    server.start()
    try:
        Client(listener.address, authkey=b"a wrong key")
        print("   a wrong authkey: connected (unexpected)")
    except AuthenticationError as e:
        print(f"   a wrong authkey: AuthenticationError({e})")
    server.join()
    listener.close()

    server, client = authenticated_pair(KEY)
    client.send(SECRET)
    raw = os.read(server.fileno(), 4096)
    print(f"   after the handshake, client.send({SECRET}) puts {len(raw)} bytes on the socket:")
    print(f"   {raw!r}")
    print(f"   the password in clear on the wire: {b'hunter2' in raw}")
    rounds = 5_000

    def round_trips():
        for _ in range(rounds):
            client.send(SECRET)
            server.recv()

    per = median_seconds(round_trips) / rounds
    print(f"   send() + recv() of that dict, one process, socket pair: {per * 1e6:.1f} us per message")

    if LINUX:
        print(f"   /proc/<pid>/cmdline is mode {os.stat('/proc/self/cmdline').st_mode & 0o777:o} (every user), "
              f"/proc/<pid>/environ mode {os.stat('/proc/self/environ').st_mode & 0o777:o} (owner and root)")
        authkey = bytes(multiprocessing.current_process().authkey)
        child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(3,))
        child.start()
        time.sleep(0.3)  # until the child runs its own command line
        shown = read_proc(child.pid, "cmdline") + read_proc(child.pid, "environ")
        command = read_proc(child.pid, "cmdline").replace(b"\0", b" ").decode()
        print(f"   a spawn child's command line: {command}")
        print(f"   its authkey in /proc/<child>/cmdline or environ: "
              f"{authkey in shown or authkey.hex().encode() in shown} (it travels through a pipe)")
        child.terminate()
        child.join()
        argv = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)", "--key=" + KEY.hex()])
        time.sleep(0.3)
        print(f"   a key passed as an argument, in /proc/<child>/cmdline: "
              f"{KEY.hex().encode() in read_proc(argv.pid, 'cmdline')}")
        argv.kill()
        argv.wait()


# ANCHOR: surprise
class Surprise:
    """Harmless here; in an attacker's hands the callable is os.system and the argument a shell command."""

    def __reduce__(self):
        return (print, ("   code ran while unpickling: the sender chose the function and its arguments",))
# ANCHOR_END: surprise


def part_b():
    print("B. pickle runs code chosen by the sender")
    data = pickle.dumps(Surprise())
    print(f"   pickle.dumps(Surprise()) = {data!r}")
    pickle.loads(data)
    server, client = connection_pair()
    client.send(Surprise())
    print("   the same object through Connection.send, then recv() on the other end:")
    got = server.recv()
    print(f"   recv() returned {got!r} (what print returned)")
    rounds = 5_000

    def pickled():
        for _ in range(rounds):
            client.send(SECRET)
            server.recv()

    def as_json():
        for _ in range(rounds):
            client.send_bytes(json.dumps(SECRET).encode())
            json.loads(server.recv_bytes(1 << 16))

    print(f"   per message: send/recv (pickle) {median_seconds(pickled) / rounds * 1e6:.1f} us, "
          f"send_bytes/recv_bytes(maxlength) + json {median_seconds(as_json) / rounds * 1e6:.1f} us")


def toy_keystream(key, nonce, length):
    """A stream cipher's keystream, made of SHA-256 blocks: for this demonstration only."""
    out = b""
    block = 0
    while len(out) < length:
        out += hashlib.sha256(key + nonce + block.to_bytes(8, "big")).digest()
        block += 1
    return out[:length]


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def part_c():
    print("C. sealing with the standard library")
    message = json.dumps(SECRET).encode()
    rounds = 20_000

    def tag_and_check():
        for _ in range(rounds):
            tag = hmac.digest(KEY, message, "sha256")
            assert hmac.compare_digest(tag, hmac.digest(KEY, message, "sha256"))

    per = median_seconds(tag_and_check) / rounds
    print(f"   HMAC-SHA256 tag and check of a {len(message)}-byte message: {per * 1e6:.2f} us "
          f"(integrity only: the message itself stays readable)")
    found = importlib.util.find_spec("cryptography") is not None
    print(f"   encryption with authentication (ChaCha20-Poly1305, AES-GCM) is not in the standard library: "
          f"it needs the third-party 'cryptography' package (importable here: {found}; not used by this script)")
    p1, p2 = b"transfer 100 to bob", b"transfer 999 to eve"
    nonce = b"\0" * 12
    c1 = xor(p1, toy_keystream(KEY, nonce, len(p1)))
    c2 = xor(p2, toy_keystream(KEY, nonce, len(p2)))
    print(f"   one nonce used twice with a stream cipher: c1 ^ c2 == p1 ^ p2: {xor(c1, c2) == xor(p1, p2)}; "
          f"knowing p1 gives p2 = {xor(xor(c1, c2), p1)!r}")


def hostile(header, maxlength=None, then=1):
    """Feeds `header` and 10 bytes to recv_bytes; returns (outcomes, largest allocation peak in MiB)."""
    server, client = connection_pair()
    os.write(client.fileno(), header + b"0123456789")
    client.close()
    outcomes = []
    tracemalloc.start()
    for _ in range(then):
        try:
            got = server.recv_bytes(maxlength)
            outcomes.append(f"returned {got!r}")
        except Exception as e:
            outcomes.append(f"{type(e).__name__}({e})")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    server.close()
    return outcomes, peak / 2**20


def part_d():
    print("D. hostile headers into Connection.recv_bytes (a 4-byte signed big-endian length, then 10 bytes)")
    cases = [
        ("declares 1 GiB", struct.pack("!i", 1 << 30), None, 1),
        ("declares 2 GiB - 1", struct.pack("!i", 0x7FFFFFFF), None, 1),
        ("declares 1 GiB, recv_bytes(maxlength=1 MiB)", struct.pack("!i", 1 << 30), 1 << 20, 1),
        ("-1, then an 8-byte length of 1 TiB", struct.pack("!i", -1) + struct.pack("!Q", 1 << 40), None, 1),
        ("declares -5 (negative), then read on", struct.pack("!i", -5), None, 2),
    ]
    for what, header, maxlength, then in cases:
        outcomes, peak = hostile(header, maxlength, then)
        print(f"   {what}: {'; then '.join(outcomes)}; peak allocated {peak:.1f} MiB")


def mode(path):
    return f"{os.lstat(path).st_mode & 0o777:03o}"


def file_system(path):
    """The type of the file system `path` is on, from /proc/self/mounts."""
    best, kind = "", "?"
    if LINUX:
        with open("/proc/self/mounts") as mounts:
            for line in mounts:
                fields = line.split()
                if path.startswith(fields[1]) and len(fields[1]) > len(best):
                    best, kind = fields[1], fields[2]
    return kind


def replace_plain(path, data):
    with open(path, "wb") as f:
        f.write(data)


def replace_atomically(path, data):
    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def part_e():
    print("E. files other users could read, or plant")
    old_umask = os.umask(0o022)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            at = lambda name: os.path.join(scratch, name)  # noqa: E731
            with open(at("open-w"), "w"):
                pass
            fd = os.open(at("created-then-chmod"), os.O_WRONLY | os.O_CREAT, 0o666)
            between = mode(at("created-then-chmod"))
            os.chmod(at("created-then-chmod"), 0o600)
            os.close(fd)
            os.close(os.open(at("o-excl"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            fd, temp = tempfile.mkstemp(dir=scratch)
            os.close(fd)
            print(f"   umask 022: open(path, 'w') gives {mode(at('open-w'))}; create then chmod: {between} until the "
                  f"chmod; os.open(O_CREAT | O_EXCL, 0o600) {mode(at('o-excl'))}; tempfile.mkstemp {mode(temp)}; "
                  f"multiprocessing's own temp dir {mode(multiprocessing.util.get_temp_dir())}")
            os.symlink(at("planted"), at("trap"))
            with open(at("trap"), "w") as f:
                f.write("followed")
            print(f"   open('trap', 'w') on a symlink to nowhere: created its target: {os.path.exists(at('planted'))}")
            os.remove(at("planted"))
            try:
                os.open(at("trap"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                print("   the same with O_CREAT | O_EXCL: opened (unexpected)")
            except FileExistsError as e:
                print(f"   the same with O_CREAT | O_EXCL: {type(e).__name__}, target created: "
                      f"{os.path.exists(at('planted'))}")
            if os.path.isdir("/dev/shm"):
                from multiprocessing import shared_memory
                shm = shared_memory.SharedMemory(create=True, size=4096)
                print(f"   SharedMemory(create=True): /dev/shm/{shm.name} mode {mode('/dev/shm/' + shm.name)}")
                shm.close()
                shm.unlink()
                fd, in_shm = tempfile.mkstemp(dir="/dev/shm")
                os.close(fd)
                try:
                    os.rename(in_shm, at("moved"))
                    print(f"   rename from /dev/shm to {file_system(scratch)}: worked (same file system)")
                except OSError as e:
                    os.unlink(in_shm)
                    print(f"   rename from /dev/shm ({file_system('/dev/shm')}) to the scratch directory "
                          f"({file_system(scratch)}): OSError errno {e.errno} ({e.strerror})")
            data = os.urandom(64 << 10)
            count = 50
            os.mkdir(at("replaced"))
            dest = os.path.join(at("replaced"), "dest")
            plain = median_seconds(lambda: [replace_plain(dest, data) for _ in range(count)]) / count
            atomic = median_seconds(lambda: [replace_atomically(dest, data) for _ in range(count)]) / count
            print(f"   replacing a 64 KiB file on {file_system(scratch)} ({scratch}): in place {plain * 1e3:.3f} ms, "
                  f"temp + fsync + os.replace + directory fsync {atomic * 1e3:.3f} ms; "
                  f"left in its directory: {os.listdir(at('replaced'))}")
    finally:
        os.umask(old_umask)


if __name__ == "__main__":
    import platform
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores, start method {multiprocessing.get_start_method()}")
    part_a()
    part_b()
    part_c()
    part_d()
    part_e()
