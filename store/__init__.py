"""The fact store: sourced facts about Korean AI programs and institutions in SQLite."""
