"""The answer log: questions and what quotebot said, votes on the answers, and auto-answer channels.

Revision ID: 0002_answer_log
Revises: 0001_knowledge_bases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_answer_log"
down_revision = "0001_knowledge_bases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("doc_id", sa.String(200), nullable=True),
        sa.Column("passage_number", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_index("ix_answers_guild_id", "answers", ["guild_id"])
    op.create_index("ix_answers_asked_at", "answers", ["asked_at"])
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("answer_id", "voter", name="uq_votes_answer_voter"),
    )
    op.create_index("ix_votes_answer_id", "votes", ["answer_id"])
    op.create_table(
        "database_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "autoanswer_channels",
        sa.Column("guild_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("channel_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("open_thread", sa.Boolean(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("autoanswer_channels")
    op.drop_table("database_secrets")
    op.drop_index("ix_votes_answer_id", table_name="votes")
    op.drop_table("votes")
    op.drop_index("ix_answers_asked_at", table_name="answers")
    op.drop_index("ix_answers_guild_id", table_name="answers")
    op.drop_table("answers")
