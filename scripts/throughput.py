"""The benchmark's throughput part: pages served by gunicorn (2 sync workers) beside a bare
Flask+Jinja page (`bench_wsgi.py`) under the same server, driven in alternation by a load
generator (wrk, or a Python one where wrk is missing); per page the requests per second, their
ratio to the bare page's, and the workers' CPU (user + system, from /proc) per request.
Used by `benchmark.py`; it asserts nothing.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
BARE = "/bare/"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
CONNECTIONS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with two sync workers serving the app and the bare page, on a free port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                *gunicorn,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pythonpath",
                str(SCRIPTS),
                "--log-level",
                "warning",
                "bench_wsgi:app",
            ],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if len(self.workers()) == 2 and self._answers(BARE):
                return self
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def _answers(self, path: str) -> bool:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    def workers(self) -> list[int]:
        """The worker processes: the master's children, found in /proc."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def cpu_ms(self) -> float:
        """The workers' user + system time so far."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total * TICK_MS

    def cookie_for(self, email: str | None, password: str) -> str:
        """A logged-in session's Cookie header (none for a public page)."""
        if email is None:
            return ""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"email": email, "password": password}).encode()
        opener.open(self.base + "/login", form, timeout=30).read()
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def check(self, path: str, cookie: str) -> None:
        """The page answers 200 itself (not a redirect to the login) before it is driven."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status} under gunicorn")


def _wrk(base: str, path: str, cookie: str, seconds: int) -> tuple[int, int]:
    """(requests, non-2xx/3xx answers) from one wrk run."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, base + path], capture_output=True, text=True, check=True
    )
    requests = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return requests, int(bad.group(1)) if bad else 0


def _python_load(base: str, path: str, cookie: str, seconds: int) -> tuple[int, int]:
    """The same as wrk, by CONNECTIONS threads each sending one request after another."""
    host, port = base.removeprefix("http://").split(":")
    counts, bad = [0] * CONNECTIONS, [0] * CONNECTIONS
    until = time.monotonic() + seconds

    def drive(n: int) -> None:
        while time.monotonic() < until:
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            connection.close()
            counts[n] += 1
            bad[n] += response.status >= 400

    threads = [threading.Thread(target=drive, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), sum(bad)


def load_generator() -> tuple[str, object]:
    """wrk where it is installed, a Python load generator otherwise."""
    if shutil.which("wrk"):
        return "wrk (2 threads, 4 connections)", _wrk
    return f"a Python load generator ({CONNECTIONS} threads)", _python_load


def _run(server: Server, drive, path: str, cookie: str, seconds: int) -> tuple[float, int, float]:
    """(req/s, requests, worker CPU ms) of one run."""
    cpu_before, started = server.cpu_ms(), time.perf_counter()
    requests, bad = drive(server.base, path, cookie, seconds)
    elapsed, cpu = time.perf_counter() - started, server.cpu_ms() - cpu_before
    if bad:
        raise SystemExit(f"{path}: {bad} of {requests} answers under load were errors")
    return requests / elapsed, requests, cpu


def measure(pages: list[tuple[str | None, str, str]], password: str, rounds: int, seconds: int):
    """Per page: req/s, the bare page's req/s in the runs beside it, their ratio, and worker CPU
    ms per request for both (medians of the rounds; CPU over all of a page's requests)."""
    name, drive = load_generator()
    results = {}
    with Server() as server:
        cookies = {}
        for email, path, _label in pages:
            if email not in cookies:
                cookies[email] = server.cookie_for(email, password)
            server.check(path, cookies[email])
        for email, path, label in pages:
            _run(server, drive, path, cookies[email], 1)  # warm the workers' caches
            page, bare = [], []
            for _ in range(rounds):
                bare.append(_run(server, drive, BARE, "", seconds))
                page.append(_run(server, drive, path, cookies[email], seconds))
            rate = statistics.median(r[0] for r in page)
            bare_rate = statistics.median(r[0] for r in bare)
            results[label] = {
                "req_s": rate,
                "bare_req_s": bare_rate,
                "ratio": rate / bare_rate,
                "cpu_ms": sum(r[2] for r in page) / max(1, sum(r[1] for r in page)),
                "bare_cpu_ms": sum(r[2] for r in bare) / max(1, sum(r[1] for r in bare)),
            }
    return name, results
