"""A Content-Security-Policy on every HTML page Datasette serves: only the page's own scripts run.

Crawled text (titles, authors, portal names) is shown on every page; a template or plugin that
forgets to escape it must not let a portal run script in a researcher's browser. Datasette's
pages carry inline <script> blocks of their own, so 'unsafe-inline' is not an option: each HTML
response is read whole (pages are small; streams and downloads are not HTML), the SHA-256 of
each inline script it carries is allowed by hash (CSP Level 2, "hash-source"), and nothing else
inline runs: no event-handler attribute (onerror, onload), no javascript: URL, no script
element added later through innerHTML. Scripts from the server itself ('self') still load.
'unsafe-eval' stays: vega compiles its chart expressions with the Function constructor, which
runs only the chart specification our own metadata writes.
"""

from __future__ import annotations

import base64
import hashlib
import re

# An inline <script> element (no src attribute) and its text, as the browser hashes it.
_INLINE_SCRIPT = re.compile(
    rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)

POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def policy_for(body: bytes) -> str:
    """Return the Content-Security-Policy of an HTML page: its own inline scripts allowed by hash."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"
            for script in _INLINE_SCRIPT.findall(body)
        }
    )
    return POLICY.format(hashes=" ".join(hashes)).replace("  ", " ")


def csp_wrapper(app):
    """Wrap Datasette's ASGI app: HTML responses get the page's Content-Security-Policy."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict | None = None
        chunks: list[bytes] = []

        async def capture(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html") or b"content-security-policy" in headers:
                    await send(message)  # JSON, CSV, streams, and a page with a stricter policy of its own
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [
                (k, v)
                for k, v in start.get("headers", [])
                if k.lower() not in (b"content-security-policy", b"content-length")
            ]
            headers += [
                (b"content-security-policy", policy_for(body).encode("ascii")),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"x-content-type-options", b"nosniff"),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped
