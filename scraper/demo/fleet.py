"""A scale-out crawl on one machine, for the tests and bench/scaleout.py: a real redis-server on
loopback, one `govnews ingest` and N `govnews crawl --redis` processes, as an operator starts them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from scraper.settings import LOOPBACK_SETTINGS

_SCRIPT = Path(sys.executable).parent / "govnews"
# The installed console script, as cron calls it; `python -m scraper.cli` where it is not installed.
GOVNEWS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "scraper.cli"]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_flags(**extra) -> list[str]:
    """Return --set flags for crawling replicas on loopback (LOOPBACK_SETTINGS, then extra)."""
    flags = []
    for name, value in {**LOOPBACK_SETTINGS, **extra}.items():
        flags += ["--set", f"{name}={value}"]
    return flags


class RedisServer:
    """Debian's redis-server on 127.0.0.1 and a free port, no persistence; a context manager."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.port = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def __enter__(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=self.port).ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Done:
    """What one govnews process printed and returned."""

    returncode: int
    stdout: str
    stderr: str


@dataclass
class FleetRun:
    """One scale-out crawl: the writer's and each worker's output, and the workers' wall time."""

    writer: Done
    workers: list[Done]
    seconds: float


def run_fleet(registry: Path, db: Path, redis_url: str, workers: int, flags: list[str], until_idle: float = 8,
              timeout: float = 300) -> FleetRun:
    """Start the writer, then `workers` workers at once; wait for all; time the workers (first start to last exit)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([*GOVNEWS, "ingest", "--redis", redis_url, "--db", str(db), "--until-idle", str(until_idle)],
                              cwd=db.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 60
    while not server.exists("govnews:ready"):  # the writer has published the archive
        if writer.poll() is not None or time.monotonic() > deadline:
            out, err = writer.communicate()
            raise RuntimeError(f"govnews ingest did not start: {err[-2000:]}")
        time.sleep(0.05)
    started = time.monotonic()
    crawlers = [subprocess.Popen([*GOVNEWS, "crawl", "--all", "--redis", redis_url, "--registry", str(registry), "-v",
                                  *flags], cwd=db.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(workers)]
    outputs = [p.communicate(timeout=timeout) for p in crawlers]
    done = [Done(p.returncode, out, err) for p, (out, err) in zip(crawlers, outputs)]
    seconds = time.monotonic() - started
    out, err = writer.communicate(timeout=timeout)
    return FleetRun(Done(writer.returncode, out, err), done, seconds)
