"""Scheduled milestone digests: subscriptions, content, delivery and the scheduler.

Platform-neutral like the briefing core: `schedule` reads what people type,
`subscriptions` keeps the tables, `content` builds the digest `Reply`, `delivery`
posts it through a `Poster` at most once per period, `scheduler` wires APScheduler
to the engine, and `commands` answers `/digest` for any front end.
"""
