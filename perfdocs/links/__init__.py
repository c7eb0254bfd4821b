"""Evidence links <-> git: which repository a link names (refs), the per-branch index
(index), the link checks (check) and write-back (writeback). The link syntax itself is
perfdocs.records.linkforms."""
