"""What a reader types, turned into an FTS5 query on articles_fts, folded the way it is indexed.

The index (migration m012) holds title and text with đ replaced by d, tokenized by FTS5's
unicode61 with remove_diacritics 2, which folds case and every other Vietnamese diacritic and
splits on anything that is not a letter or digit. A query folded here meets the same tokens
whatever the user typed: "Định Quán", "dinh quan", "ĐỊNH QUÁN" or the same words in NFD.

The reader's language (docs/search.md), the same in the search box, the canned queries and
`govnews export --search`:

- words typed together are one term, matched as a phrase: Vietnamese words are several
  syllables, and `dinh quan` means Định Quán, not định here and quân there;
- a comma or `AND` separates terms, each of which must match (`sầu riêng, Định Quán`);
- `"…"` is a phrase too (an unclosed quote closes at the end); `-term` and `NOT term` exclude;
  `OR` (capitals) between terms matches either side; `word*` matches words starting so;
- anything else is text: hyphens, slashes, dots and quotes inside document numbers
  (`35-NQ/TW`, `Covid-19`, `vắc-xin`) split syllables as the index does, and never reach FTS5
  as syntax. A query with no term to look for matches nothing (`""`), never an error.

`search_ranked` also finds the syllables of a term apart (`apart=True`), ranked below every
match of the term together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.vietnamese import fold

# a quoted phrase (maybe negated, maybe unclosed), a comma, or a bare word
_TOKEN = re.compile(r'-?"[^"]*"?|,|[^\s,"]+')
_SYLLABLE = re.compile(r"\w+")  # FTS5's unicode61 splits on everything else
NO_MATCH = '""'  # an empty phrase: valid FTS5, matches no row


@dataclass
class Term:
    """One thing to look for: its folded syllables, typed together."""

    syllables: list[str]
    negated: bool = False
    quoted: bool = False
    prefix: bool = False

    def fts(self, apart: bool) -> str:
        """Return the term in FTS5 syntax: a phrase, or (apart) its syllables each required."""
        star = " *" if self.prefix else ""
        if apart and not self.quoted and len(self.syllables) > 1:
            return "(" + " AND ".join(f'"{s}"' for s in self.syllables) + f"{star})"
        return f'"{" ".join(self.syllables)}"{star}'


def parse(query: str) -> list[list[Term]]:
    """Return the clauses of a reader's query (any one may match), each a list of terms (all must)."""
    clauses: list[list[Term]] = [[]]
    current: Term | None = None
    negate_next = False

    def close() -> None:
        nonlocal current
        if current is not None and current.syllables:
            clauses[-1].append(current)
        current = None

    for token in _TOKEN.findall(query or ""):
        if token in ("OR", "AND", "NOT", ","):
            close()
            if token == "OR":
                clauses.append([])
            negate_next = token == "NOT"
            continue
        if token.lstrip("-").startswith('"'):
            close()
            inner = token.lstrip("-").strip('"')
            current = Term(_SYLLABLE.findall(fold(inner)), negated=token.startswith("-") or negate_next, quoted=True)
            close()
            negate_next = False
            continue
        negated = (token.startswith("-") and len(token) > 1) or negate_next
        syllables = _SYLLABLE.findall(fold(token.lstrip("-") if negated and token.startswith("-") else token))
        if negated:  # `-word` and `NOT word` exclude that one word (or a "phrase")
            close()
            current = Term(syllables, negated=True, prefix=token.endswith("*"))
            close()
            negate_next = False
            continue
        if current is None:
            current = Term([])
        current.syllables += syllables
        current.prefix = token.endswith("*")
        if current.prefix:  # a prefix ends its term
            close()
    close()
    return [clause for clause in clauses if clause]


def to_fts(query: str, apart: bool = False) -> str:
    """Return the FTS5 MATCH expression of a reader's query (NO_MATCH when it names nothing to find)."""
    parts = []
    for clause in parse(query):
        wanted = [t.fts(apart) for t in clause if not t.negated]
        if not wanted:
            continue  # FTS5 cannot list everything but: a clause of exclusions alone finds nothing
        expression = "(" + " AND ".join(wanted) + ")"
        for term in (t for t in clause if t.negated):
            expression = f"({expression} NOT {term.fts(False)})"
        parts.append(expression)
    return " OR ".join(parts) if parts else NO_MATCH


def fold_match(query: str) -> str:
    """Return the FTS5 query of what a reader typed: terms together (SQL functions govnews_match and,
    for Datasette's search box and `?_search=`, escape_fts)."""
    return to_fts(query)


def fold_apart(query: str) -> str:
    """Return the FTS5 query of what a reader typed with each term's syllables apart (govnews_apart)."""
    return to_fts(query, apart=True)

