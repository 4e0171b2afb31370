"""The Discord front end: a thin adapter from discord.py interactions to the briefing core."""
