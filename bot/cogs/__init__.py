"""The bot's features, one cog per module; each module ends with `async def setup(bot)`."""
