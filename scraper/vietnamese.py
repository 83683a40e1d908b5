"""Vietnamese text and dates: NFC, search folding, day-first dates in Vietnam time (+07:00)."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

# Invisible characters that survive HTML decoding and break hashing and search.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u3000]+")


def nfc(text: str) -> str:
    """Return text in Unicode NFC with zero-width characters and soft hyphens removed."""
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


_ENTITY = re.compile(r"&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def clean_line(text: str) -> str:
    """Return one line of text in NFC, spaces (NBSP included) collapsed, stray entities decoded.

    CMS templates that escape twice leave "&#226;" as text after HTML decoding; it is decoded once.
    """
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return _SPACES.sub(" ", nfc(text)).strip()


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# An open syllable ending in oa, oe or uy: old style puts the tone on the last vowel (hoà, thuỷ),
# new style on the one before (hòa, thủy). Not when a consonant follows (hoàng, khuyết) or a
# vowel before makes the pair a triphthong's tail, which both styles write alike.
_OLD_TONE = re.compile(r"(?<![aeiouy\u0300-\u036f])([oO])([aAeE])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])"
                       r"|(?<![q\u0300-\u036f])([uU])([yY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])")


def new_style_tones(text: str) -> str:
    """Return NFC text with old-style tone placement (hoà, thuỷ) moved to the new style (hòa, thủy)."""
    decomposed = unicodedata.normalize("NFD", text)

    def move(match: re.Match) -> str:
        first, second, tone = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
            match.group(4), match.group(5), match.group(6))
        return first + tone + second

    return unicodedata.normalize("NFC", _OLD_TONE.sub(move, decomposed))


def fold(text: str) -> str:
    """Return a search key: lower case, no tone marks or diacritics, đ folded to d."""
    # đ is a letter of its own with no Unicode decomposition, so it is mapped by hand.
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class VnDate:
    """A date read from a portal page, with how precise the page was."""

    value: datetime
    precision: str  # "minute", "day" or "month" (never "year": a bare year is never a date)

    def isoformat(self) -> str:
        """Return ISO 8601 with the +07:00 offset."""
        return self.value.isoformat()


_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?")
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d/])(\d{1,2})\s*[:hH]\s*(\d{2})(?::(\d{2}))?(?:\s*(SA|CH|AM|PM)\b)?", re.IGNORECASE)


def parse_vn_datetime(raw: str) -> VnDate | None:
    """Read a day-first Vietnamese date (and time if shown) as Vietnam time, or None.

    Understands weekday prefixes ("Thứ hai - 17/07/2023 05:44"), "Đăng ngày 21 - 03 - 2023",
    "ngày 26 tháng 6 năm 2023", SharePoint's 12-hour "07/06/2023 4:27 CH" (SA = AM, CH = PM),
    Liferay's "15:55 | 10/07/2026" and ISO 8601. A bare year is never turned into a date.
    """
    text = nfc(raw)
    day_match = _WORDS.search(text) or _DMY.search(text)
    if day_match:
        day, month, year = (int(g) for g in day_match.groups())
        year += 2000 if year < 100 else 0
        rest = text[: day_match.start()] + " " + text[day_match.end() :]
    else:
        iso = _ISO.search(text)
        if not iso:
            return _month_only(text)
        if iso.group(4) and iso.group(7):
            return _iso_with_offset(iso)
        year, month, day = (int(g) for g in iso.groups()[:3])
        rest = f"{iso.group(4)}:{iso.group(5)}" if iso.group(4) else ""
    try:
        date = datetime(year, month, day, tzinfo=VIETNAM_TZ)
    except ValueError:
        return None
    time_match = _TIME.search(rest)
    if not time_match:
        return VnDate(date, "day")
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    hour = _to_24_hour(hour, (time_match.group(4) or "").upper())
    if hour > 23 or minute > 59:
        return VnDate(date, "day")
    return VnDate(date.replace(hour=hour, minute=minute), "minute")


def _month_only(text: str) -> VnDate | None:
    """Read "tháng 3/2024" or "tháng 3 năm 2024" as the month's first day, with month precision."""
    match = _MONTH.search(text)
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    return VnDate(datetime(year, month, 1, tzinfo=VIETNAM_TZ), "month") if 1 <= month <= 12 else None


def _iso_with_offset(iso: re.Match) -> VnDate | None:
    """Read an ISO 8601 time with its own offset and express it in Vietnam time."""
    offset = iso.group(7).replace("Z", "+00:00")
    if ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    stamp = f"{iso.group(1)}-{iso.group(2)}-{iso.group(3)}T{iso.group(4)}:{iso.group(5)}:{iso.group(6) or '00'}{offset}"
    try:
        return VnDate(datetime.fromisoformat(stamp).astimezone(VIETNAM_TZ), "minute")
    except ValueError:
        return None


def _to_24_hour(hour: int, marker: str) -> int:
    """Turn a 12-hour clock reading with SA/CH (or AM/PM) into a 24-hour one."""
    if marker in ("CH", "PM") and hour < 12:
        return hour + 12
    if marker in ("SA", "AM") and hour == 12:
        return 0
    return hour


def contains_date(text: str) -> bool:
    """Tell whether text holds a day-first or worded date."""
    return bool(_DMY.search(text) or _WORDS.search(text))


def parse_announced_time(raw: str) -> VnDate | None:
    """Read the time a sitemap or feed gives an entry (W3C Datetime, RFC 822), or None.

    Sitemap `<lastmod>` and Atom `<updated>` are W3C Datetime (ISO 8601: a date alone has day
    precision); RSS `<pubDate>` is RFC 822. A time without an offset is Vietnam time.
    """
    text = (raw or "").strip()
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        try:
            stamp = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        precision = "minute"
    else:
        precision = "minute" if "T" in text or " " in text else "day"
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=VIETNAM_TZ)
    return VnDate(stamp.astimezone(VIETNAM_TZ), precision)


_ISO_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DAY_FIRST_DAY = re.compile(r"(?:(\d{1,2})/)?(\d{1,2})/(\d{4})")


def date_bound(text: str, last: bool = False) -> str:
    """Return the first day (or, with last, the last day) of the span a reader's date names, as YYYY-MM-DD.

    ISO forms (`2024`, `2024-02`, `2024-02-01`) and the day-first forms Vietnamese write
    (`01/02/2024` is 1 February, `02/2024` February) are read; a bare year or month is the whole
    of it. Anything else, or a day that does not exist (`2024-13-45`), raises ValueError.
    """
    text = text.strip()
    iso, day_first = _ISO_DAY.fullmatch(text), _DAY_FIRST_DAY.fullmatch(text)
    if iso:
        year, month, day = iso.group(1), iso.group(2), iso.group(3)
    elif day_first:
        day, month, year = day_first.group(1), day_first.group(2), day_first.group(3)
    else:
        raise ValueError(f"{text!r} is not a date: write 2024, 2024-02, 2024-02-01 or 01/02/2024")
    try:
        first = datetime(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the calendar") from None
    if not last:
        return first.strftime("%Y-%m-%d")
    if day:
        end = first
    elif month:
        end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        end = first.replace(month=12, day=31)
    return end.strftime("%Y-%m-%d")
