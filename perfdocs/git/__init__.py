"""The one door to git: running it, reading its log, and what changed."""
