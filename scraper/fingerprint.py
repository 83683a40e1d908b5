"""Content fingerprints: equal texts give equal hashes whatever their Unicode form or spacing."""

from __future__ import annotations

import hashlib
import re

from scraper.vietnamese import nfc

_WHITESPACE = re.compile(r"\s+")


def normalised_text(text: str) -> str:
    """Return text in NFC, without invisible characters, with all whitespace runs as one space."""
    return _WHITESPACE.sub(" ", nfc(text)).strip()


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of the normalised text."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()
