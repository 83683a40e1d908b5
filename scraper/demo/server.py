"""Serve replica portals over real HTTP on loopback, each on an address of its own (127.0.0.N)."""

from __future__ import annotations

import json

import hashlib
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from scraper.demo.sites import Reply, ReplicaSite

logger = logging.getLogger(__name__)

FIRST_HOST = 11  # replicas listen on 127.0.0.11, 127.0.0.12, ...
DEMO_PORT = 8701  # fixed, so that article URLs stay the same from one demo run to the next


def _handler_for(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    """Return a request handler class bound to one replica site."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Microsoft-IIS/7.5" if site.family == "sharepoint" else "Apache"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            site.log(method, self.path, self.headers.get("User-Agent", ""))
            time.sleep(getattr(site, "latency", 0))  # a slow portal (services have no latency)
            parts = urlsplit(self.path)
            if getattr(site, "failing", 0):  # broken on purpose: every request answers with this status
                reply = Reply(site.failing, b"<html><body><h1>Server Error</h1></body></html>")
            elif getattr(site, "moved_to", ""):  # the portal moved: everything redirects, path kept
                reply = Reply(301, b"", headers=(("Location", site.moved_to + self.path),))
            elif hasattr(site, "handle_request"):  # services that read request headers (Range)
                reply = site.handle_request(method, parts.path, parse_qs(parts.query), self.headers, parts.query)
            elif method == "POST" and hasattr(site, "handle_post"):
                reply = site.handle_post(parts.path, body)
            else:
                reply = site.handle(method, parts.path, parse_qs(parts.query))
            etag = f'"{hashlib.sha1(reply.body).hexdigest()[:16]}"' if reply.status == 200 else ""
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if etag:
                self.send_header("ETag", etag)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            logger.debug("%s: %s", site.portal_id, format % args)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that logs a client's dropped connection instead of printing a traceback."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        logger.debug("client %s dropped the connection", client_address)


def toml_string(text: str) -> str:
    """Return text as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


class ReplicaServer:
    """Run replica sites on loopback; use as a context manager or call start() and stop()."""

    def __init__(self, sites: list[ReplicaSite], port: int = 0):
        self.sites = sites
        self.port = port
        self._servers: list[_QuietServer] = []

    def start(self) -> ReplicaServer:
        """Listen on 127.0.0.<11+i> for site i and serve in background threads (once)."""
        if self._servers:
            return self
        for i, site in enumerate(self.sites):
            server = _QuietServer((f"127.0.0.{FIRST_HOST + i}", self.port), _handler_for(site))
            host, port = server.server_address[:2]
            site.base_url = f"http://{host}:{port}"
            threading.Thread(target=server.serve_forever, name=f"replica-{site.portal_id}", daemon=True).start()
            self._servers.append(server)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def registry_toml(self, auto: bool = False) -> str:
        """Return a registry with one row per replica site, at the addresses it listens on.

        With auto, every row says family = "auto", so the crawl must detect the family itself.
        """
        rows = []
        for site in self.sites:
            family = "auto" if auto or site.family != "nukeviet" else site.family
            rows.append(
                "[[portal]]\n"
                f'id = "{site.portal_id}"\n'
                f'name = {toml_string(site.name)}\n'
                f'province = {toml_string(site.province)}\n'
                f'unit = {toml_string(site.unit)}\n'
                'level = "district"\n'
                f'base_url = "{site.base_url}/"\n'
                f'family = "{family}"\n'
                'status = "active"\n'
            )
        return "\n".join(rows)

    def write_registry(self, path: Path) -> Path:
        """Write registry_toml() to path and return it."""
        path.write_text(self.registry_toml(), encoding="utf-8")
        return path
