"""Knowledge bases: each server's documents and settings.

Revision ID: 0001_knowledge_bases
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_knowledge_bases"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("uses_shared_corpus", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("text_bytes", sa.Integer(), nullable=False),
        sa.Column("passage_count", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.String(40), nullable=True),
        sa.UniqueConstraint("guild_id", "name", name="uq_documents_guild_name"),
    )
    op.create_index("ix_documents_guild_id", "documents", ["guild_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_guild_id", table_name="documents")
    op.drop_table("documents")
    op.drop_table("guild_settings")
