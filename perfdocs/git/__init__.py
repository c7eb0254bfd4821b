"""The one door to git: running it (run), reading commits and tags (log), finding the
configured clones (clones), and what changed since a ref (changed). No module outside
this package starts git."""
