"""What distributing the stations job costs in Python, measured: chapter 9's Python corner.

    python3 book/src/ch09-beyond-one-machine/cluster.py [FILE]

A. route: which of 4 workers `hash(name) % 4` picks for a few names, in three
   fresh interpreters. str hashes are seeded per process (PYTHONHASHSEED), so
   they disagree: the mistake exercise 28's `route` must avoid. zlib.crc32 of
   the bytes, a fixed function, agrees everywhere.
B. connect: a multiprocessing.connection Client connecting to a Listener in another
   process on localhost, with an authkey: from nothing to a first message answered.
C. shuffle: one worker's partial results (a dict of 10 000 stations, [min, max,
   sum, count] each) pickled, and the bytes that would cross the network. With
   FILE (a stations file) the dict is that file's first 1 M rows; without, made up.

Standard library only (Python 3.8+).
"""

import multiprocessing.connection
import os
import pickle
import platform
import subprocess
import sys
import time
import zlib

NAMES = ["Abha", "Oslo", "Zürich", "東京", "Riga", "Lima"]


# ANCHOR: route
def routes_in_a_fresh_interpreter(expression, env=None):
    """Evaluates `expression` (a function of `name`) per name in a new python3 process."""
    code = f"import sys, zlib; print(' '.join(str({expression}) for name in sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", code, *NAMES], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def part_a():
    print("A. the worker (of 4) each name is routed to, in three fresh interpreters:")
    print("   names:", " ".join(NAMES))
    seeded = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    for how, expression, env in [
        ("hash(name) % 4", "hash(name) % 4", seeded),
        ("hash(name) % 4, PYTHONHASHSEED=0", "hash(name) % 4", {**seeded, "PYTHONHASHSEED": "0"}),
        ("zlib.crc32(name.encode()) % 4", "zlib.crc32(name.encode()) % 4", seeded),
    ]:
        runs = [routes_in_a_fresh_interpreter(expression, env) for _ in range(3)]
        verdict = "agree" if len(set(runs)) == 1 else "DISAGREE"
        print(f"   {how:36} {' | '.join(runs)}  -> {verdict}")
# ANCHOR_END: route


def serve(address_out, count, authkey):
    """Another process: accepts `count` connections, echoing one message on each."""
    with multiprocessing.connection.Listener(("127.0.0.1", 0), backlog=count, authkey=authkey) as listener:
        address_out.put(listener.address)
        for _ in range(count):
            with listener.accept() as conn:
                conn.send(conn.recv())


def connect_times(authkey, count):
    addresses = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(addresses, count, authkey))
    server.start()
    address = addresses.get()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        with multiprocessing.connection.Client(address, authkey=authkey) as conn:
            conn.send("hello")
            assert conn.recv() == "hello"
        times.append(time.perf_counter() - start)
    server.join()
    return sorted(times)[count // 2]


def part_b(count=50):
    print("B. connect to another process, one message there and back (median of 50):")
    for how, authkey in [("with an authkey", b"workbench"), ("without", None)]:
        print(f"   {how:16} {connect_times(authkey, count) * 1e3:.2f} ms")


def partials(path):
    stations = {}
    if path is None:
        for i in range(10_000):
            stations[f"station {i}".encode()] = [-123, 456, 100_000, 1000]
        return stations
    with open(path, "rb") as f:
        for _, line in zip(range(1_000_000), f):
            name, temperature = line.split(b";")
            tenths = int(temperature.replace(b".", b""))
            s = stations.setdefault(name, [tenths, tenths, 0, 0])
            s[0], s[1] = min(s[0], tenths), max(s[1], tenths)
            s[2] += tenths
            s[3] += 1
    return stations


def part_c(path):
    stations = partials(path)
    start = time.perf_counter()
    for _ in range(10):
        data = pickle.dumps(stations, protocol=pickle.HIGHEST_PROTOCOL)
    dumps = (time.perf_counter() - start) / 10
    start = time.perf_counter()
    for _ in range(10):
        pickle.loads(data)
    loads = (time.perf_counter() - start) / 10
    names = sum(len(n) for n in stations)
    print(
        f"C. one worker's partials: {len(stations)} stations, {len(data) / 1e6:.2f} MB pickled "
        f"({len(data) / len(stations):.0f} bytes each; the names are {names / len(stations):.1f}); "
        f"dumps {dumps * 1e3:.1f} ms, loads {loads * 1e3:.1f} ms"
    )


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else None
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores")
    part_a()
    part_b()
    part_c(path)


if __name__ == "__main__":
    main()
