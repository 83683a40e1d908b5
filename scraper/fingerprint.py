"""Content fingerprints: equal texts give equal hashes whatever their Unicode form or spacing."""

from __future__ import annotations

import hashlib
import re

from scraper.vietnamese import new_style_tones, nfc

_WHITESPACE = re.compile(r"\s+")


def normalised_text(text: str) -> str:
    """Return text in NFC, new-style tone placement, no invisible characters, whitespace runs as one space.

    Only for comparing: the stored text keeps the portal's own spelling.
    """
    return _WHITESPACE.sub(" ", new_style_tones(nfc(text))).strip()


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of the normalised text."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()
