"""The ids each front end gives people, communities and places, as the strings the core
stores and compares without reading them.

Only the front end that made an id reads it; the modules live here, below every front
end, because the composition root (turning `[admins]` config into trust rules), the
renderers (naming a channel) and the bot's own migrations need them too, and none of
them may depend on a chat client. No module here imports one.
"""
