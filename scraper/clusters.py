"""Near-duplicate clusters: one provincial release republished by several portals shares a cluster_id.

Each new article gets a MinHash signature over word 3-grams of its normalised text (datasketch);
a MinHash LSH index finds archived articles of other portals whose estimated Jaccard similarity
passes CLUSTER_THRESHOLD. The article joins their cluster, or founds one with them. Articles are
linked, never dropped. One index per archive file per process, shared by every spider of a run,
so portals crawled at the same time find each other's copies; signatures are stored
(`minhashes`), so the index is rebuilt from the archive when a run starts.
"""

from __future__ import annotations

import re
import sqlite3

import numpy as np
from datasketch import MinHash, MinHashLSH

from scraper.fingerprint import normalised_text

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures are its uint32 values
_DTYPE = np.uint32
CLUSTER_THRESHOLD = 0.5  # syndicated copies with edits score 0.7 and up; other articles on a topic, under 0.2
SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")

_indexes: dict[str, "ClusterIndex"] = {}


def signature_bytes(text: str) -> bytes:
    """Return a text's MinHash as stored bytes (pure and picklable: it runs in the extraction pool)."""
    return signature(text).hashvalues.astype(_DTYPE).tobytes()


def _from_bytes(blob: bytes) -> MinHash:
    """Return the MinHash stored as bytes."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(blob, dtype=_DTYPE))


def signature(text: str) -> MinHash:
    """Return the MinHash of a text's word 3-grams (lower case, NFC, tone placement folded)."""
    words = _WORD.findall(normalised_text(text).lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash


class ClusterIndex:
    """The LSH index of one archive's signatures, with each article's portal and cluster."""

    def __init__(self, conn: sqlite3.Connection):
        self.lsh = MinHashLSH(threshold=CLUSTER_THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[int, MinHash] = {}
        self.portal: dict[int, str] = {}
        rows = conn.execute(
            "SELECT m.article_id, m.signature, a.portal_id FROM minhashes m JOIN articles a ON a.id = m.article_id")
        for article_id, blob, portal_id in rows:
            self._add(article_id, portal_id, _from_bytes(blob))

    def _add(self, article_id: int, portal_id: str, minhash: MinHash) -> None:
        self.lsh.insert(article_id, minhash)
        self.signatures[article_id] = minhash
        self.portal[article_id] = portal_id

    def matches(self, portal_id: str, blob: bytes) -> tuple[list[int], MinHash]:
        """Return the other portals' near-duplicates of a signature, and its MinHash; the index is unchanged."""
        minhash = _from_bytes(blob)
        found = [
            other for other in self.lsh.query(minhash)
            if self.portal[other] != portal_id and minhash.jaccard(self.signatures[other]) >= CLUSTER_THRESHOLD
        ]
        return sorted(found), minhash

    def add(self, article_id: int, portal_id: str, minhash: MinHash) -> None:
        """Index an article whose row is committed (a rolled-back id is reused by the next insert)."""
        if article_id not in self.signatures:
            self._add(article_id, portal_id, minhash)


def index_for(path: str, conn: sqlite3.Connection) -> ClusterIndex:
    """Return the process-wide index of an archive file, built from its stored signatures on first use."""
    if path not in _indexes:
        _indexes[path] = ClusterIndex(conn)
    return _indexes[path]
