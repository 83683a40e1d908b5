"""Adapters for ../shared/benchmarks/score_extraction.py: html -> text callables."""

from scraper.extract import NotAnArticle, extract_article


def govnews_text(html: str) -> str:
    """Return the article text govnews extracts from a page (no family hints), or '' if none."""
    try:
        result = extract_article(html, "", known_article=True)  # every benchmark page is an article
    except NotAnArticle:
        return ""
    # the benchmarks' gold is the body: the text, and the byline that stood at its end
    return "\n".join(filter(None, [result.text, result.author]))
