"""The documentation's links: README.md and docs/*.md link only to files and headings that exist.

README.md is the front page and stays short; the rest lives in docs/, one page per subject, each
reachable from the README. A relative link or image whose file was moved or renamed, or an
``#anchor`` whose heading was reworded, fails here instead of 404-ing on GitHub.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 320

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# [text](target) and ![alt](target), the target optionally in <>, optionally with a "title".
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, …


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def without_code(text: str) -> str:
    """The text with fenced code blocks removed and code spans blanked (links there are code)."""
    text = FENCE.sub("", text)
    return CODE_SPAN.sub(lambda m: "code" if "\n" not in m.group(2) else "code\n", text)


def link_targets(text: str) -> list[str]:
    prose = without_code(text)
    found = [m.group(1) for m in INLINE_LINK.finditer(prose)]
    found += [m.group(1) for m in REFERENCE_DEFINITION.finditer(prose)]
    return [target.strip("<>") for target in found]


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces → -."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text)
    kept = [c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in ("L", "N", "M")]
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, numbered as GitHub numbers repeated headings."""
    seen: dict[str, int] = {}
    result = set()
    for match in ATX_HEADING.finditer(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def broken_links(page: Path) -> list[str]:
    problems = []
    for target in link_targets(page.read_text(encoding="utf-8")):
        if EXTERNAL.match(target):
            continue
        path_part, _, anchor = target.partition("#")
        destination = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not destination.exists():
            problems.append(f"{target}: no such file ({destination})")
        elif anchor and destination.suffix == ".md" and unquote(anchor) not in anchors(destination):
            problems.append(f"{target}: no heading with anchor #{anchor} in {destination.name}")
    return problems


def test_the_link_parser_finds_links_and_images_but_not_code() -> None:
    text = (
        'See [the app](docs/app.md#speakers) and ![a shot](screenshots/x.png "title").\n'
        "A [link with `code`](<a b.md>), [ref]: other.md and `[not](a-link.md)`.\n"
        "```sh\n[also not](inside-a-fence.md)\n```\n"
        "[site](https://example.org) [mail](mailto:a@b.c) [here](#top)\n"
    )
    assert link_targets(text) == [
        "docs/app.md#speakers",
        "screenshots/x.png",
        "a b.md",
        "https://example.org",
        "mailto:a@b.c",
        "#top",
    ]
    assert link_targets("[ref]: other.md\n") == ["other.md"]


def test_github_slugs() -> None:
    assert github_slug("Try it (fresh machine, 2 commands)") == "try-it-fresh-machine-2-commands"
    assert github_slug("Measured (2-core CPU, no GPU)") == "measured-2-core-cpu-no-gpu"
    assert github_slug("For linguists: ELAN and Praat") == "for-linguists-elan-and-praat"
    assert github_slug("The `transcribe` command → files") == "the-transcribe-command--files"
    assert github_slug("Přepis (transcript)") == "přepis-transcript"


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# A heading\n", encoding="utf-8")
    page.write_text(
        "[ok](there.md#a-heading) [gone](missing.md) [bad anchor](there.md#nothing)\n"
        "![no image](screenshots/none.png) [self](#nowhere)\n",
        encoding="utf-8",
    )
    problems = broken_links(page)
    assert len(problems) == 4, problems
    assert [p.split(":")[0] for p in problems] == [
        "missing.md",
        "there.md#nothing",
        "screenshots/none.png",
        "#nowhere",
    ]


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {
        (README.parent / unquote(target.partition("#")[0])).resolve()
        for target in link_targets(README.read_text(encoding="utf-8"))
        if not EXTERNAL.match(target) and not target.startswith("#")
    }
    docs_pages = sorted(DOCS.glob("*.md"))
    assert docs_pages, "no pages in docs/"
    assert [p.name for p in docs_pages if p.resolve() not in linked] == []


def test_the_readme_stays_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/"


def test_the_readme_says_how_to_run_the_tests() -> None:
    text = README.read_text(encoding="utf-8")
    assert "## Running the tests" in text
    assert "python -m pytest" in text
    assert ".ci/run" in text
