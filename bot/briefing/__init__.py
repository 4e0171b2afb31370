"""The platform-neutral briefing core: commands in, `Reply` objects out.

Nothing here knows a chat platform or a terminal; renderers in `bot.render` turn a
`Reply` into each front end's payload.
"""
