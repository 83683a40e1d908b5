"""Search queries folded the way articles_fts is indexed: no tone marks or diacritics, đ = d, any case.

The index (migration m012) holds title and text with đ replaced by d, tokenized by FTS5's
unicode61 with remove_diacritics 2, which folds case and every other Vietnamese diacritic. A
query folded here therefore meets the same tokens whatever the user typed: "Định Quán",
"dinh quan", "ĐỊNH QUÁN" or the same words in NFD.
"""

from __future__ import annotations

import re

from datasette.utils import escape_fts

from scraper.vietnamese import fold

# FTS5's operators are upper case only; folding them would turn "OR" into the word "or".
_OPERATORS = re.compile(r"\b(AND|OR|NOT|NEAR)\b")


def fold_match(query: str) -> str:
    """Return an FTS5 query (operators, phrases, prefix*, column:) with its words folded."""
    parts = _OPERATORS.split(query)
    return "".join(part if index % 2 else fold(part) for index, part in enumerate(parts))


def escape_folded(query: str) -> str:
    """Return the query folded and escaped as Datasette's search box does: every word must match, "phrases" as phrases."""
    return escape_fts(fold(query))
