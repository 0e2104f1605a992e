"""quotebot's Discord side and command line.

Importing this package doesn't import discord: `quotebot ask` never pays for it.
"""
