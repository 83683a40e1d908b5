"""pywb on loopback: the software of Common Crawl's index server, over WARC files the tests write.

Common Crawl's index (index.commoncrawl.org) is pywb serving one ZipNum index per crawl, at
`/<crawl>-index` (docs/web-archives.md). Here the real pywb (PyPI, in `.venv-pywb`, which
`make test` builds) serves the same: `cdx-indexer` (pywb's) indexes the WARC files into sorted
CDXJ, `write_zipnum` groups the lines into gzip'd blocks with a summary (`.idx`) and a location
file (`.loc`), the layout pywb's ZipNumIndexSource reads (pywb/warcserver/index/zipnum.py), and
`wayback` serves the index API and replays (`/<crawl>/<timestamp>id_/<url>`).

Only `collinfo.json` is not pywb's: Common Crawl publishes its own list of crawls (pywb's answers
another format), so the tests serve that file from the stand-in in scraper/demo/webarchive.py.
"""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
from pathlib import Path

from scraper.demo.fleet import ROOT, free_port
from scraper.demo.platforms import _wait_until

PYWB_BIN = ROOT / ".venv-pywb" / "bin"


def missing_pywb() -> str:
    """Return what is missing to run pywb here ('' when nothing is)."""
    return "" if (PYWB_BIN / "wayback").exists() else f"{PYWB_BIN / 'wayback'} (run `make test`, which builds .venv-pywb)"


def cdxj_lines(root: Path, folder: Path) -> list[bytes]:
    """Index every WARC file under root/folder with pywb's cdx-indexer: sorted CDXJ lines, filenames relative to root."""
    out = subprocess.run([str(PYWB_BIN / "cdx-indexer"), "--sort", "--cdxj", "--recurse", "--dir-root", str(root),
                          "--output", "-", str(folder)], check=True, capture_output=True).stdout
    return [line + b"\n" for line in out.splitlines() if line.strip()]


def write_zipnum(lines: list[bytes], folder: Path, lines_per_block: int) -> Path:
    """Write sorted CDXJ lines as a ZipNum cluster (one part file of gzip'd blocks, its summary and
    its location file); return the summary's path."""
    folder.mkdir(parents=True, exist_ok=True)
    part, summary = folder / "cdx-00000.gz", []
    with part.open("wb") as blocks:
        for number, start in enumerate(range(0, len(lines), lines_per_block)):
            block = lines[start:start + lines_per_block]
            member = gzip.compress(b"".join(block), mtime=0)
            key = b" ".join(block[0].split(b" ", 2)[:2]).decode()  # "urlkey timestamp" of the block's first line
            summary.append(f"{key}\t{part.name}\t{blocks.tell()}\t{len(member)}\t{number}\n")
            blocks.write(member)
    (folder / "cluster.idx").write_text("".join(summary))
    (folder / "cluster.loc").write_text(f"{part.name}\t{part}\n")
    return folder / "cluster.idx"


class PywbServer:
    """pywb's `wayback` on 127.0.0.1 serving one ZipNum collection per crawl; a context manager.

    crawls: crawl id -> the folder (under warc_root) holding that crawl's WARC files. The index
    API of a crawl is `<base_url>/<crawl>-index`, as on index.commoncrawl.org.
    """

    def __init__(self, folder: Path, warc_root: Path, crawls: dict[str, Path], lines_per_block: int = 2,
                 blocks_per_page: int = 1):
        self.folder, self.warc_root, self.crawls = folder, warc_root, crawls
        self.lines_per_block, self.blocks_per_page = lines_per_block, blocks_per_page
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = folder / "pywb.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def index_api(self, crawl: str) -> str:
        return f"{self.base_url}/{crawl}-index"

    def __enter__(self) -> PywbServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        collections = {}
        for crawl, warcs in self.crawls.items():
            summary = write_zipnum(cdxj_lines(self.warc_root, warcs), self.folder / "indexes" / crawl,
                                   self.lines_per_block)
            collections[crawl] = {"index": {"type": "zipnum", "path": str(summary), "max_blocks": self.blocks_per_page},
                                  "archive_paths": str(self.warc_root) + "/"}
        # YAML is a superset of JSON: pywb reads this file as its config.yaml
        config = {"debug": False, "cdx_api_endpoint": "-index", "collections": collections, "framed_replay": False}
        (self.folder / "config.yaml").write_text(json.dumps(config, indent=1))
        self.port = free_port()
        self.process = subprocess.Popen([str(PYWB_BIN / "wayback"), "--bind", "127.0.0.1", "--port", str(self.port)],
                                        cwd=self.folder, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT)
        _wait_until(self._answers, "pywb wayback", self.process)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def log(self) -> list[str]:
        """Return the request lines pywb's server logged ("GET /CC-MAIN-…-index?url=… HTTP/1.1")."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line.split('"')[1] for line in lines if line.count('"') >= 2 and line.split('"')[1][:4] in ("GET ", "HEAD")]

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
