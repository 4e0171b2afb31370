"""Renderers: one per front end, each turning a `Reply` into that platform's payload."""
