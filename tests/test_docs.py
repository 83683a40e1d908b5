"""Docs kept honest: the data dictionary and the README's quick start."""

from pathlib import Path

from scraper.datasette.metadata import data_dictionary_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_data_dictionary_is_current():
    assert (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary_markdown()


def test_readme_quick_start_is_make_demo_and_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    assert [line for line in block.splitlines()[1:] if line.strip()] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
