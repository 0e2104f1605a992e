"""Finding and reading the documents of a corpus.

A corpus is a folder, searched recursively, or a single file. Documents are
`.txt`, `.md`, `.markdown` and `.mdx` files read as UTF-8 with universal newlines, so character
offsets into `Document.text` match `open(path, encoding="utf-8").read()`; `.html`
and `.htm` pages, whose text is their main text as trafilatura extracts it; and `.pdf`
files, whose text is their pages' as pypdf extracts it (see `index.pdf`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.encodings import UTF8, decode_text
from index.errors import CorpusError
from index.html import HTML_SUFFIXES, extract_html, is_html
from index.markdown import heading_title
from index.pdf import PDF_SUFFIX, PdfError, is_pdf, pdf_text
from index.progress import READING, BuildProgress, no_progress
from index.sections import is_markdown, read_front_matter

DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".mdx", *HTML_SUFFIXES, PDF_SUFFIX)
DEFAULT_MAX_FILE_MB = 20.0
# The reason given for a file of a type quotebot doesn't read; such files are summed up in one warning.
UNREAD_TYPE = "a file type quotebot doesn't read"
# How much of a file is sniffed for NUL bytes to call it binary.
_BINARY_SNIFF_BYTES = 8192

# The title is taken whole and its closing "#"s cut in Python: a lazy title before "[ \t#]*$" made a
# heading line of spaces take time quadratic in its length (minutes for 100,000 spaces).
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<title>.*)$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


@dataclass(frozen=True, slots=True)
class Document:
    """One document of the corpus, with its text as read."""

    doc_id: str
    """Path relative to the corpus root, with `/` separators."""
    title: str
    text: str
    sha256: str
    size: int
    """Size of the file in bytes."""
    mtime_ns: int
    encoding: str = UTF8
    """How the file was decoded: UTF-8, else the encoding detected (e.g. "cp1252")."""
    source_url: str | None = None
    """Where the document came from, when it was fetched from the web (answers link to it)."""
    markdown: bool = False
    """Whether the text is Markdown: a `.md`, `.markdown` or `.mdx` file, or a web page's main text."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file left out of the corpus, and why."""

    doc_id: str
    size: int
    mtime_ns: int
    reason: str
    """Starts with the document id, e.g. "notes.txt is not UTF-8 text"."""


@dataclass(slots=True)
class CorpusLoad:
    """The documents that could be read, and the files that were skipped."""

    documents: list[Document]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return skip_warnings(self.skipped)


def skip_warnings(skipped: Sequence[Skipped]) -> list[str]:
    """One warning per skipped file, except files of unread types: those are summed up in one.

    "skipped 3 files of types quotebot doesn't read: .rst (2), .docx (1)": a docs folder holding
    images or build files would otherwise bury the warnings that matter.
    """
    warnings = [f"skipped {item.reason}" for item in skipped if not is_unread_type(item)]
    types = Counter(file_type(item.doc_id) for item in skipped if is_unread_type(item))
    if types:
        total = sum(types.values())
        counts = ", ".join(f"{name} ({count})" for name, count in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
        files = "file" if total == 1 else "files"
        warnings.append(f"skipped {total} {files} of types quotebot doesn't read: {counts}")
    return warnings


def is_unread_type(item: Skipped) -> bool:
    """Whether `item` was skipped only because quotebot doesn't read files of its type."""
    return item.reason == f"{item.doc_id}: {UNREAD_TYPE}"


def file_type(doc_id: str) -> str:
    """A file's type as the summary names it: its suffix in lower case, e.g. ".rst"."""
    return Path(doc_id).suffix.lower() or "no extension"


class SkippedDocument(Exception):
    """A file that can't be used as a document; the message says why."""


@dataclass(slots=True)
class CorpusFiles:
    """The document files of a corpus, and the entries refused while walking it."""

    files: list[tuple[str, Path]]
    """`(doc_id, path)` of every document file, sorted by id."""
    refused: list[Skipped] = field(default_factory=list)
    """Links out of the corpus, names that aren't UTF-8, folders that vanished or can't be listed."""


def document_files(corpus: Path) -> CorpusFiles:
    """Every document file in `corpus`, and what was refused on the way.

    Hidden files and folders (a leading dot, so `.env` too) are left out. A
    single file given directly is used whatever its suffix, since the user
    chose it. Nothing outside the corpus folder's real path is read: a link
    that resolves inside it is followed, any other link is refused. Only
    regular files are read (never a FIFO or a device, which could block).
    """
    if not corpus.exists():
        raise CorpusError(f"corpus not found: {corpus}")
    if corpus.is_file():
        return CorpusFiles([(corpus.name, corpus)])
    if not corpus.is_dir():
        raise CorpusError(f"corpus is neither a file nor a folder: {corpus}")
    walked = _walk(corpus)
    walked.files.sort()
    return walked


def _walk(root: Path) -> CorpusFiles:
    """Walk `root` iteratively (no recursion limit, linear in depth), refusing what leaves it."""
    real_root = root.resolve()
    walked = CorpusFiles(files=[])
    followed_links: set[Path] = set()
    pending: list[tuple[Path, str]] = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            if not prefix:
                raise CorpusError(f"can't list {folder}: {error.strerror or error}") from None
            # A folder that vanished or can't be listed is skipped, as a vanishing file is.
            walked.refused.append(_refused(prefix.rstrip("/"), f"can't list the folder: {error.strerror or error}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            doc_id = prefix + entry.name
            if not _is_utf8(doc_id):
                walked.refused.append(_refused(doc_id, "its name isn't UTF-8"))
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = path.resolve(strict=True)
                    if not target.is_relative_to(real_root):
                        walked.refused.append(_refused(doc_id, "a link to outside the corpus folder"))
                        continue
                    if any(part.startswith(".") for part in target.relative_to(real_root).parts):
                        # A link must not bring in what a hidden name keeps out, such as `env.txt -> .env`.
                        walked.refused.append(_refused(doc_id, "a link to a hidden file or folder"))
                        continue
                    if target.is_dir():
                        # A link to an enclosing folder would walk it again; a folder reached twice is walked once.
                        if not folder.resolve().is_relative_to(target) and target not in followed_links:
                            followed_links.add(target)
                            pending.append((path, doc_id + "/"))
                        continue
                    is_file = target.is_file()
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((path, doc_id + "/"))
                    continue
                else:
                    is_file = entry.is_file(follow_symlinks=False)
            except (OSError, RuntimeError):
                walked.refused.append(_refused(doc_id, "a broken link"))
                continue
            if not is_file:
                continue
            if path.suffix.lower() in DOCUMENT_SUFFIXES:
                walked.files.append((doc_id, path))
            else:
                walked.refused.append(_refused(doc_id, UNREAD_TYPE))
    return walked


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of the name arrive as surrogate escapes
        return False
    return True


def _refused(doc_id: str, why: str) -> Skipped:
    shown = doc_id.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return Skipped(shown, -1, -1, f"{shown}: {why}")


def read_document(path: Path, doc_id: str, max_bytes: int) -> Document:
    """Read one document, or raise `SkippedDocument` saying why it can't be used."""
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise SkippedDocument(
                f"{doc_id} is {stat.st_size / 1_000_000:.1f} MB, over the "
                f"{max_bytes / 1_000_000:.0f} MB limit per file (QUOTEBOT_MAX_FILE_MB)"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise SkippedDocument(f"can't read {doc_id}: {error.strerror or error}") from None
    text, page_title, encoding = document_text(raw, doc_id)
    if is_html(doc_id) and not text.strip():
        raise SkippedDocument(f"{doc_id}: no main text found in the page")
    if is_pdf(doc_id) and not text.strip():
        raise SkippedDocument(f"{doc_id}: no text found in the PDF (a scan needs OCR first)")
    markdown = is_markdown_file(doc_id)
    return Document(
        doc_id=doc_id,
        title=page_title or document_title(text, doc_id, markdown=markdown),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        encoding=encoding,
        markdown=markdown,
    )


def is_markdown_file(doc_id: str) -> bool:
    """Whether a corpus file's document text is Markdown: a Markdown file, or an HTML page (extracted as Markdown)."""
    return is_markdown(doc_id) or is_html(doc_id)


def document_text(raw: bytes, doc_id: str, encoding: str | None = None) -> tuple[str, str | None, str]:
    """A file's document text, the title an HTML page or a PDF gives, and the encoding it was read with.

    `encoding`, when given (a saved index knows it), is used rather than detected. Raises `SkippedDocument`
    when the file can't be read as the document it names. A PDF is read by pypdf, and its encoding is
    reported as UTF-8, the encoding of the text pypdf gives.
    """
    if is_pdf(doc_id):
        try:
            text, title = pdf_text(raw)
            return text, title, UTF8
        except PdfError as error:
            raise SkippedDocument(f"{doc_id}: {error}") from None
    if b"\x00" in raw[:_BINARY_SNIFF_BYTES]:
        raise SkippedDocument(f"{doc_id} is a binary file, not text")
    if encoding is not None:
        try:
            read: tuple[str, str] | None = (raw.decode(encoding), encoding)
        except (LookupError, UnicodeDecodeError):
            raise SkippedDocument(f"{doc_id} is no longer {encoding} text") from None
    else:
        read = decode_text(raw)
    if read is None:
        raise SkippedDocument(f"{doc_id} is text in no encoding quotebot recognises (not UTF-8)")
    decoded, encoding = read
    text, page_title = readable_text(decoded, doc_id)
    return text, page_title, encoding


def readable_text(decoded: str, doc_id: str) -> tuple[str, str | None]:
    """A decoded file's document text, with universal newlines, and the title an HTML page gives.

    An HTML page's text is its main text as trafilatura extracts it, as Markdown, so passage offsets
    are into that text, not into the markup.
    """
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if not is_html(doc_id):
        return text, None
    page = extract_html(text.removeprefix("\ufeff"))
    return page.text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"), page.title


def load_corpus(
    corpus: Path,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    forbidden_texts: Sequence[str] = (),
    progress: BuildProgress = no_progress,
) -> CorpusLoad:
    """Read every document of `corpus`, skipping unusable files with a warning.

    A document that holds any of `forbidden_texts` (the bot passes its own token)
    is skipped too: a last guard, whatever else let such a file into the corpus.

    Raises `CorpusError` when the corpus is missing or no document is usable.
    """
    walked = document_files(corpus)
    files = walked.files
    if not files:
        refused = "".join(f"; {warning}" for warning in skip_warnings(walked.refused))
        raise CorpusError(f"no .txt, .md, .html or .pdf documents in {corpus}{refused}")
    max_bytes = int(max_file_mb * 1_000_000)
    load = CorpusLoad(documents=[], skipped=list(walked.refused))
    for number, (doc_id, path) in enumerate(files, start=1):
        progress(READING, number - 1, len(files))
        try:
            document = read_document(path, doc_id, max_bytes)
        except SkippedDocument as skipped:
            load.skipped.append(_skipped(path, doc_id, str(skipped)))
            continue
        if not document.text.strip():
            load.skipped.append(Skipped(doc_id, document.size, document.mtime_ns, f"{doc_id}: it is empty"))
            continue
        if holds_any(document.text, forbidden_texts):
            reason = f"{doc_id}: it holds a secret (the bot's token), so it is never indexed"
            load.skipped.append(Skipped(doc_id, document.size, document.mtime_ns, reason))
            continue
        load.documents.append(document)
    progress(READING, len(files), len(files))
    if not load.documents:
        raise CorpusError(f"no usable documents in {corpus}: {'; '.join(load.warnings)}")
    return load


def holds_any(text: str, forbidden_texts: Sequence[str]) -> bool:
    """Whether `text` contains one of `forbidden_texts` (empty ones never match), also once read as Markdown.

    Markdown shows "a\\_b" as "a_b": a token written with backslash escapes (as trafilatura writes a web page's
    underscores) is found too.
    """
    forbidden = [item for item in forbidden_texts if item]
    if not forbidden:
        return False
    shown = (text, text.replace("\\", "")) if "\\" in text else (text,)
    return any(item in version for item in forbidden for version in shown)


def _skipped(path: Path, doc_id: str, reason: str) -> Skipped:
    try:
        stat = path.stat()
    except OSError:
        return Skipped(doc_id, -1, -1, reason)
    return Skipped(doc_id, stat.st_size, stat.st_mtime_ns, reason)


def _without_closing_hashes(title: str) -> str:
    """An ATX heading's text without its closing sequence: "Setup ##" -> "Setup", but "C#" stays "C#"."""
    title = title.rstrip(" \t")
    opened = title.rstrip("#")
    if opened != title and (not opened or opened[-1] in " \t"):
        title = opened.rstrip(" \t")
    return title


def document_title(text: str, doc_id: str, *, markdown: bool | None = None) -> str:
    """A Markdown document's front-matter `title`, else the first Markdown heading, else the file name's.

    `markdown` says whether the text is Markdown; by default, whether `doc_id` names a Markdown file.
    """
    if is_markdown(doc_id) if markdown is None else markdown:
        front_matter = read_front_matter(text)
        if front_matter.title:
            return front_matter.title
        text = text[front_matter.body_start :]  # its lines are not headings
    lines = text.lstrip("\ufeff").split("\n", 200)[:200]
    for number, line in enumerate(lines):
        atx = _ATX_HEADING.match(line)
        title = _without_closing_hashes(atx.group("title")) if atx else ""
        if title:
            return " ".join(heading_title(title).split())
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if line.strip() and _SETEXT_UNDERLINE.match(following) and not line.lstrip().startswith(("-", "*", "+")):
            return line.strip()
    return title_from_filename(doc_id)


# Lower-case file names lose the case of acronyms: these get it back ("faq.txt" is "FAQ").
FILENAME_ACRONYMS = frozenset(
    "faq api cli url urls html css pdf json yaml toml sql http https ssh ssl tls dns ui ux sdk gpu cpu os id ids"
    " io ip tcp udp vpn xml csv rss jwt oauth".split()
)


def title_from_filename(doc_id: str) -> str:
    """`guides/getting_started.md` becomes "Getting started"; `faq.md` "FAQ"; `iOS-setup.md` "iOS setup".

    The name's own letter case is kept. Known acronyms written in lower case are upper-cased,
    and the first word gets a capital only when it is all lower case.
    """
    stem = Path(doc_id).stem
    words = [part for part in re.split(r"[-_\s]+", stem) if part]
    if not words:
        return doc_id
    words = [word.upper() if word in FILENAME_ACRONYMS else word for word in words]
    if words[0].islower():
        words[0] = words[0][0].upper() + words[0][1:]
    return " ".join(words)
