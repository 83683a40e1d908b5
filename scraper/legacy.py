"""Legacy Vietnamese font encodings (TCVN3/ABC, VNI-Windows, VISCII): detect, convert, or flag.

Old pages typed with legacy fonts decode "successfully" into garbage ("B¶o Th¾ng" is TCVN3 for
"Bảo Thắng"). viparse holds the conversion tables and the detectors: a font name (.VnTime,
VNI-Times) is certain; without one, detection scores each table's conversion against a model of
Vietnamese, which is reliable on sentences and not on fragments. So: convert on a font signal
or a confident detection over enough text, flag (and leave alone) what looks legacy but is unsure.
viparse is young: its version is pinned and tests/test_legacy.py holds it to our fixtures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from viparse.normalize.detector import detect_encoding, detect_encoding_by_content
from viparse.normalize.encodings import AUTO_DETECT_CHARMAPS, CHARMAPS
from viparse.normalize.tables import convert

# Latin-1 characters Vietnamese Unicode never uses; legacy tables put Vietnamese letters there.
_FOREIGN = re.compile(r"[¡-¿×÷ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïðñöøûüþÿ]")
_FONT = re.compile(r"""(?:face=["']?|font-family:\s*["']?)((?:\.Vn|VNI)[\w .-]*)""", re.IGNORECASE)
MIN_FOREIGN = 2  # fewer than this: Unicode text with a stray symbol (a false flag costs nothing)
MIN_CHARS_TO_TRUST = 200  # content detection needs sentences
MIN_CONFIDENCE = 0.75


@dataclass(frozen=True)
class LegacyVerdict:
    """What was found: the table used (converted), or a suspicion (flagged, not converted)."""

    encoding: str  # "" for Unicode; "tcvn3", "vni", "viscii" when converted; "tcvn3?" etc. when unsure
    converted: bool


UNICODE = LegacyVerdict("", False)


def legacy_verdict(text: str, html: str = "") -> LegacyVerdict:
    """Decide whether text is in a legacy encoding, from the page's fonts and the text itself."""
    fonts = _FONT.findall(html)
    if fonts and _FOREIGN.search(text):
        by_font = detect_encoding(fonts)  # a legacy font name is certain
        if by_font.encoding:
            return LegacyVerdict(by_font.encoding, True)
    if len(_FOREIGN.findall(text)) < MIN_FOREIGN:
        return UNICODE
    by_content = detect_encoding_by_content(text, AUTO_DETECT_CHARMAPS)
    if by_content.encoding and by_content.confidence >= MIN_CONFIDENCE and len(text) >= MIN_CHARS_TO_TRUST:
        return LegacyVerdict(by_content.encoding, True)
    return LegacyVerdict(f"{by_content.encoding or 'legacy'}?", False)


def to_unicode(text: str, verdict: LegacyVerdict) -> str:
    """Return text converted with the verdict's table (NFC), or unchanged when not converted."""
    if not verdict.converted:
        return text
    return unicodedata.normalize("NFC", convert(text, CHARMAPS[verdict.encoding]))
