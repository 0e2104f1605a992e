"""Whether a document's text is Markdown: web pages are now extracted as Markdown, keeping their headings.

Revision ID: 0003_markdown_text
Revises: 0002_answer_log

Documents added before keep the text they have: a Markdown file's is Markdown, and a web page's is the plain
text it was extracted as, until the page is added again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_markdown_text"
down_revision = "0002_answer_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("markdown", sa.Boolean(), nullable=False, server_default=sa.false()))
    documents = sa.table("documents", sa.column("markdown", sa.Boolean()), sa.column("content_type", sa.String()))
    op.execute(documents.update().where(documents.c.content_type == "text/markdown").values(markdown=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as documents:  # SQLite rebuilds the table
        documents.drop_column("markdown")
