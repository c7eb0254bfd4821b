"""Evidence links <-> git: link forms, the repository index, checks and write-back."""
