"""A documentation folder built into a static web site, to measure answers from web pages.

Each Markdown page becomes an HTML page the way a documentation generator writes one (MkDocs' own theme is the
model): markdown-it-py renders the content, with admonitions, tables and a "¶" permalink after every heading, and
the page around it has a navigation bar listing every page, a sidebar with the page's table of contents, an "Edit
on GitHub" link, and a footer with the copyright and previous/next links. The text a reader sees is the Markdown
file's; everything around it is the chrome an extractor must leave out.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

_TOP_HEADING = re.compile(r"^# (.+)$", re.MULTILINE)
_SECTION_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="header-anchor"')


def _renderer() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(admon_plugin)
        .use(anchors_plugin, max_level=6, permalink=True, permalinkSymbol="¶", permalinkBefore=False)
    )


def _title(markdown: str, path: Path) -> str:
    heading = _TOP_HEADING.search(markdown)
    return heading.group(1).strip() if heading else path.stem.replace("-", " ").capitalize()


def build_site(source: Path, target: Path, site_name: str = "MkDocs") -> list[Path]:
    """Write one `.html` page into `target` for each `.md` page of `source`, at the same relative path."""
    renderer = _renderer()
    pages = sorted(source.rglob("*.md"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    links = {page: "/" + page.relative_to(source).with_suffix(".html").as_posix() for page in pages}
    titles = {page: html.escape(_title(texts[page], page)) for page in pages}
    navigation = "".join(
        f'<li class="nav-item"><a class="nav-link" href="{links[page]}">{titles[page]}</a></li>' for page in pages
    )
    written = []
    for number, page in enumerate(pages):
        title = titles[page]
        content = renderer.render(texts[page])
        contents = "".join(
            f'<li class="toc-level-{level}"><a href="#{anchor}">{heading}</a></li>'
            for level, anchor, heading in _SECTION_HEADING.findall(content)
        )
        previous = f'<a rel="prev" href="{links[pages[number - 1]]}">Previous</a>' if number else ""
        following = f'<a rel="next" href="{links[pages[number + 1]]}">Next</a>' if number + 1 < len(pages) else ""
        edit = f"https://github.com/example/docs/edit/main/docs/{page.relative_to(source).as_posix()}"
        document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - {site_name}</title></head>
<body>
<div class="navbar"><a class="navbar-brand" href="/">{site_name}</a>
<ul class="nav navbar-nav">{navigation}</ul>
<a href="#" data-toggle="modal" data-target="#search">Search</a> <a href="{edit}">Edit on GitHub</a></div>
<div class="container"><div class="col-md-3"><div class="sidebar"><ul class="nav">{contents}</ul></div></div>
<div class="col-md-9" role="main">
{content}
</div></div>
<footer><hr><p>Copyright &copy; 2014 The {site_name} authors.</p>
<p>Documentation built with {site_name}.</p>{previous} {following}</footer>
</body></html>
"""
        destination = target / page.relative_to(source).with_suffix(".html")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(document, encoding="utf-8")
        written.append(destination)
    return written
