"""briefbot: chat front ends and the platform-neutral briefing core."""
