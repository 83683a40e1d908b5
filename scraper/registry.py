"""The portal registry: rows of spiders/portals.toml as frozen dataclasses, with clear errors."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

LEVELS = ("province", "district", "commune")
STATUSES = ("unchecked", "active", "frozen", "redirected", "offline")
# Family names are spider names. Families without a spider of their own yet are crawled by
# `generic`; the name is still recorded so the row is right when their spider lands.
FAMILIES = (
    "auto",
    "generic",
    "nukeviet",
    "sharepoint",
    "sharepoint_dated",
    "vnpt",
    "websphere",
    "liferay",
    "wordpress",
)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$")


class RegistryError(ValueError):
    """A registry file or row that cannot be used; the message names file, row and field."""


@dataclass(frozen=True)
class Hints:
    """A small closed set of per-family or per-portal overrides for discovery and extraction."""

    feed_urls: tuple[str, ...] = ()
    """Feed paths or URLs to read first (RSS or Atom)."""
    listing_urls: tuple[str, ...] = ()
    """Listing pages to start from when there is no feed, or to complete it."""
    listing_link_css: str = ""
    """CSS selector of links to listing pages (the categories) on the home page."""
    article_link_css: str = ""
    """CSS selector of article links on listing pages."""
    next_page_css: str = ""
    """CSS selector of the next-page link on listing pages."""
    article_css: str = ""
    """CSS selector of the element holding the whole article (title, date, body)."""
    title_css: str = ""
    """CSS selector of the article title."""
    date_css: str = ""
    """CSS selector of the element holding the article's own publication date."""
    author_css: str = ""
    """CSS selector of the byline as the platform marks it up, read when the text prints none."""
    summary_css: str = ""
    """CSS selector of the lead paragraph (sapo)."""
    drop_css: tuple[str, ...] = ()
    """CSS selectors of furniture inside the article element (share bars, ratings, related lists)."""
    article_url_pattern: str = ""
    """Regular expression (searched, any case) that article URLs match: which web-archive captures to recover."""
    other_hosts: tuple[str, ...] = ()
    """Hosts besides base_url's that requests for this portal may reach (a successor's portal, a CDN)."""

    def merged(self, override: Hints) -> Hints:
        """Return these hints with every field that `override` sets replaced by its value."""
        changes = {f.name: getattr(override, f.name) for f in fields(Hints) if getattr(override, f.name)}
        return Hints(**{**{f.name: getattr(self, f.name) for f in fields(Hints)}, **changes})


@dataclass(frozen=True)
class Portal:
    """One portal of the registry."""

    id: str
    name: str
    province: str
    unit: str
    level: str
    base_url: str
    family: str = "auto"
    status: str = "unchecked"
    successor: str = ""
    start_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()
    hints: Hints = field(default_factory=Hints)

    @property
    def host(self) -> str:
        """Return the host name of the portal's base URL."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def spider_name(self) -> str:
        """Return the spider that crawls this portal (`auto` is decided by detection first)."""
        return spider_for_family(self.family)


def spider_for_family(family: str) -> str:
    """Return the spider of a family: its own when it has one, `generic` otherwise."""
    return family if family in SPIDER_FAMILIES else "generic"


# Families that have a spider module of their own (spiders/<family>.py).
SPIDER_FAMILIES = ("generic", "liferay", "nukeviet", "sharepoint", "sharepoint_dated", "vnpt", "websphere", "wordpress")

_REQUIRED = ("id", "name", "province", "unit", "level", "base_url")
_TEXT_FIELDS = ("id", "name", "province", "unit", "level", "base_url", "family", "status", "successor")
_LIST_FIELDS = ("start_urls", "feed_urls")
_HINT_LIST_FIELDS = ("feed_urls", "listing_urls", "drop_css", "other_hosts")


def load_registry(path: str | Path) -> list[Portal]:
    """Load and validate every [[portal]] row of a registry file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{path}: registry file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    rows = data.get("portal", [])
    if not isinstance(rows, list) or not rows:
        raise RegistryError(f"{path}: no [[portal]] rows")
    portals = [_portal_from_row(row, path, n) for n, row in enumerate(rows, start=1)]
    _check_unique(portals, path)
    return portals


def _portal_from_row(row: dict, path: Path, n: int) -> Portal:
    """Build one Portal from a TOML table, or raise a RegistryError naming the field."""
    where = f"{path}: portal #{n}" + (f" ({row['id']})" if isinstance(row.get("id"), str) else "")
    unknown = set(row) - set(_TEXT_FIELDS) - set(_LIST_FIELDS) - {"hints"}
    if unknown:
        raise RegistryError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    for name in _REQUIRED:
        if not row.get(name):
            raise RegistryError(f"{where}: field '{name}' is missing")
    for name in _TEXT_FIELDS:
        if name in row and not isinstance(row[name], str):
            raise RegistryError(f"{where}: field '{name}' must be a string")
    _check_choices(row, where)
    values = {name: row[name] for name in _TEXT_FIELDS if name in row}
    for name in _LIST_FIELDS:
        values[name] = _string_tuple(row.get(name, []), f"{where}: field '{name}'")
    values["hints"] = _hints_from_row(row.get("hints", {}), where)
    return Portal(**values)


def _check_choices(row: dict, where: str) -> None:
    """Check id form, URL scheme and the closed vocabularies of level, family and status."""
    if not _ID.match(row["id"]):
        raise RegistryError(
            f"{where}: field 'id' must be '<province>.<unit>' in ASCII lower case, got '{row['id']}'"
        )
    url = urlsplit(row["base_url"])
    if url.scheme not in ("http", "https") or not url.hostname:
        raise RegistryError(f"{where}: field 'base_url' must be an http(s) URL, got '{row['base_url']}'")
    for name, allowed in (("level", LEVELS), ("family", FAMILIES), ("status", STATUSES)):
        if name in row and row[name] not in allowed:
            raise RegistryError(f"{where}: field '{name}' is '{row[name]}', expected one of {', '.join(allowed)}")


def _hints_from_row(table: object, where: str) -> Hints:
    """Build Hints from a [portal.hints] table."""
    if not isinstance(table, dict):
        raise RegistryError(f"{where}: field 'hints' must be a table")
    known = {f.name for f in fields(Hints)}
    for name, value in table.items():
        if name not in known:
            raise RegistryError(f"{where}: unknown field 'hints.{name}'")
        if name not in _HINT_LIST_FIELDS and not isinstance(value, str):
            raise RegistryError(f"{where}: field 'hints.{name}' must be a string")
    values = {
        name: _string_tuple(value, f"{where}: field 'hints.{name}'") if name in _HINT_LIST_FIELDS else value
        for name, value in table.items()
    }
    return Hints(**values)


def _string_tuple(value: object, where: str) -> tuple[str, ...]:
    """Return a list of strings as a tuple, or raise naming the field."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where} must be a list of strings")
    return tuple(value)


def _check_unique(portals: list[Portal], path: Path) -> None:
    """Raise if two rows share an id."""
    seen: set[str] = set()
    for n, portal in enumerate(portals, start=1):
        if portal.id in seen:
            raise RegistryError(f"{path}: portal #{n} ({portal.id}): field 'id' repeats an earlier row")
        seen.add(portal.id)


def select_portals(portals: list[Portal], ids: tuple[str, ...] | list[str]) -> list[Portal]:
    """Return the portals with these ids, in the order given; unknown ids raise with a suggestion."""
    by_id = {p.id: p for p in portals}
    chosen = []
    for portal_id in ids:
        if portal_id not in by_id:
            close = difflib.get_close_matches(portal_id, list(by_id), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise RegistryError(f"unknown portal '{portal_id}'{hint}")
        chosen.append(by_id[portal_id])
    return chosen
