"""Knowledge bases: each Discord server's own documents, kept in a database (SQLite or PostgreSQL).

No discord import: the bot's cogs and the command line both use it.
"""
