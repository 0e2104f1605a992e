"""`quotebot docs add|list|remove|shared|reread` and `quotebot ask --server ID`: a server's knowledge base from a shell.

The same database and the same index as the bot's, so a moderator with shell access can fill a server's
knowledge base in bulk, and anyone can check what a server's members will be answered.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.settings import Settings
from bot.wording import counted
from index.documents import Document, load_corpus
from index.errors import CorpusError, QuotebotError
from index.passage_index import PassageIndex

if TYPE_CHECKING:
    # Imported where used: SQLAlchemy takes a quarter of a second to import, and `quotebot ask` needs none of it.
    from knowledge.base import AddOutcome, KnowledgeBase, KnowledgeLimits

T = TypeVar("T")
MEGABYTE = 1024 * 1024


def server_id(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise argparse.ArgumentTypeError(f"a server id is the guild's Discord id (digits only), not {value!r}")
    return int(value)


def add_docs_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    docs = commands.add_parser("docs", help="manage a Discord server's own documents (its knowledge base)")
    actions = docs.add_subparsers(dest="docs_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a .txt, .md, .markdown, .mdx, .html or .pdf file, or a web page by URL")
    add.add_argument("source", help="a file path, or an http(s) URL")
    add.add_argument("--title", help="the document's title (default: the one it names, else its file name)")
    listing = actions.add_parser("list", help="list the server's documents")
    listing.add_argument("--json", action="store_true", help="print one JSON object per document")
    remove = actions.add_parser("remove", help="remove a document by name (see `docs list`)")
    remove.add_argument("name")
    shared = actions.add_parser(
        "shared", help="whether the server is also answered from the shared corpus (show it, or set it on or off)"
    )
    shared.add_argument("choice", nargs="?", choices=("on", "off"), help="on (the default) or off")
    for action, handler in ((add, _docs_add), (listing, _docs_list), (remove, _docs_remove), (shared, _docs_shared)):
        action.add_argument("--server", type=server_id, required=True, help="the server's (guild's) Discord id")
        action.set_defaults(handler=handler)
    reread = actions.add_parser(
        "reread",
        help="extract stored documents again from their original bytes, with this version's extractors "
        "(after an upgrade: web pages added before get their headings)",
    )
    reread.add_argument("names", nargs="*", metavar="NAME", help="the documents to read again (default: all)")
    servers = reread.add_mutually_exclusive_group(required=True)
    servers.add_argument("--server", type=server_id, help="the server's (guild's) Discord id")
    servers.add_argument("--every-server", action="store_true", help="every server that has documents")
    reread.set_defaults(handler=_docs_reread)


def knowledge_limits(settings: Settings) -> KnowledgeLimits:
    from knowledge.base import KnowledgeLimits

    return KnowledgeLimits(max_documents=settings.max_documents, max_text_bytes=int(settings.max_text_mb * MEGABYTE))


def _with_knowledge_base(settings: Settings, work: Callable[[KnowledgeBase], Awaitable[T]]) -> T:
    from knowledge.base import KnowledgeBase
    from knowledge.database import open_database

    async def run() -> T:
        database = await open_database(settings.resolved_database_url)
        try:
            return await work(KnowledgeBase(database, knowledge_limits(settings)))
        finally:
            await database.close()

    return asyncio.run(run())


def added_by_shell() -> str:
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def describe_outcome(outcome: AddOutcome, seconds: float) -> str:
    document = outcome.document
    verb = "added" if outcome.created else "replaced" if outcome.changed else "unchanged:"
    return f"{verb} {document.name} ({document.title}): {counted(document.passage_count, 'passage')}, {seconds:.1f} s"


def _docs_add(arguments: argparse.Namespace, settings: Settings) -> int:
    from knowledge.ingestion import add_file, add_url

    source: str = arguments.source
    started = time.perf_counter()

    async def add(kb: KnowledgeBase) -> AddOutcome:
        if source.startswith(("http://", "https://")):
            return await add_url(
                kb,
                arguments.server,
                url=source,
                added_by=added_by_shell(),
                title=arguments.title,
                allow_private=settings.allow_private_urls,
            )
        path = Path(source).expanduser()
        max_bytes = int(settings.max_upload_mb * MEGABYTE)
        try:
            if not path.is_file():
                raise CorpusError(f"no such file: {source}")
            if path.stat().st_size > max_bytes:
                raise CorpusError(f"{path.name} is larger than the {settings.max_upload_mb:g} MB a file may have")
            data = path.read_bytes()
        except OSError as error:
            raise CorpusError(f"can't read {source}: {error.strerror or error}") from None
        return await add_file(
            kb,
            arguments.server,
            filename=path.name,
            data=data,
            added_by=added_by_shell(),
            title=arguments.title,
            max_bytes=max_bytes,
        )

    outcome = _with_knowledge_base(settings, add)
    print(describe_outcome(outcome, time.perf_counter() - started))
    return 0


def _docs_list(arguments: argparse.Namespace, settings: Settings) -> int:
    documents = _with_knowledge_base(settings, lambda kb: kb.list(arguments.server))
    if arguments.json:
        for document in documents:
            print(
                json.dumps(
                    {
                        "name": document.name,
                        "title": document.title,
                        "source_url": document.source_url,
                        "content_type": document.content_type,
                        "size": document.size,
                        "passages": document.passage_count,
                        "added_by": document.added_by,
                        "added_at": document.added_at.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    if not documents:
        print(f"server {arguments.server} has no documents of its own yet: add one with `quotebot docs add`")
        return 0
    for document in documents:
        source = document.source_url or document.name
        print(
            f"{document.name}\t{document.title}\t{source}\t{document.size} bytes\t"
            f"{counted(document.passage_count, 'passage')}\t{document.added_by}\t{document.added_at:%Y-%m-%d %H:%M} UTC"
        )
    return 0


def _docs_remove(arguments: argparse.Namespace, settings: Settings) -> int:
    removed = _with_knowledge_base(settings, lambda kb: kb.remove(arguments.server, arguments.name))
    if removed is None:
        print(
            f"quotebot: error: server {arguments.server} has no document named {arguments.name!r} "
            "(see `quotebot docs list`)",
            file=sys.stderr,
        )
        return 1
    print(f"removed {removed.name} ({removed.title})")
    return 0


def _docs_reread(arguments: argparse.Namespace, settings: Settings) -> int:
    from knowledge.ingestion import reread

    names: list[str] = arguments.names
    if arguments.every_server and names:
        print("quotebot: error: name documents only with --server: names differ between servers", file=sys.stderr)
        return 2

    async def read_again(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
        said: list[str] = []
        failures: list[str] = []
        servers = await kb.guild_ids() if arguments.every_server else [arguments.server]
        for server in servers:
            documents = await kb.list(server)
            for name in sorted(set(names) - {document.name for document in documents}):
                failures.append(f"server {server} has no document named {name!r} (see `quotebot docs list`)")
            changed = unchanged = 0
            for document in documents:
                if names and document.name not in names:
                    continue
                try:
                    outcome = await reread(kb, server, document)
                except QuotebotError as error:
                    failures.append(f"{document.name} (server {server}) was left as it is: {error}")
                    continue
                changed += outcome.changed
                unchanged += not outcome.changed
                if outcome.changed:
                    said.append(
                        f"read again {document.name} ({document.title}): "
                        f"{counted(outcome.document.passage_count, 'passage')}"
                    )
            said.append(f"server {server}: {counted(changed, 'document')} changed, {unchanged} unchanged")
        return said, failures

    said, failures = _with_knowledge_base(settings, read_again)
    print("\n".join(said) if said else "no server has documents of its own yet")
    for failure in failures:
        print(f"quotebot: error: {failure}", file=sys.stderr)
    return 1 if failures else 0


def shared_corpus_state(include: bool, own_documents: int) -> str:
    """What `docs shared` and `/docs shared` say about the choice."""
    if include:
        return "the shared corpus answers in this server, beside its own documents"
    if own_documents == 0:
        return (
            "the shared corpus is left out, but the server has no documents of its own yet: "
            "until it has, it is answered from the shared corpus"
        )
    return "the shared corpus is left out: the server is answered from its own documents only"


def _docs_shared(arguments: argparse.Namespace, settings: Settings) -> int:
    choice: str | None = arguments.choice

    async def apply(kb: KnowledgeBase) -> tuple[bool, int]:
        if choice is not None:
            await kb.set_shared_corpus(arguments.server, choice == "on")
        return await kb.uses_shared_corpus(arguments.server), len(await kb.names(arguments.server))

    include, own = _with_knowledge_base(settings, apply)
    print(f"server {arguments.server}: {shared_corpus_state(include, own)}")
    return 0


def open_server_index(server: int, settings: Settings, corpus: Path, index_dir: Path) -> PassageIndex:
    """The index a server's members are answered from: its documents, plus the shared corpus unless it left it out."""
    from knowledge.guild_index import build_guild_index

    async def read(kb: KnowledgeBase) -> tuple[list[Document], bool]:
        return await kb.documents(server), await kb.uses_shared_corpus(server)

    guild_documents, uses_shared = _with_knowledge_base(settings, read)
    # As in the bot: leaving the shared corpus out only applies beside documents of the server's own.
    shared = load_corpus(corpus, settings.max_file_mb).documents if uses_shared or not guild_documents else []
    return build_guild_index(shared, guild_documents, guild_id=server, index_dir=index_dir)
