"""Records: files -> parsed documents -> records -> the organisation, with schemas and visibility."""
