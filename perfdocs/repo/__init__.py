"""The repository around the records: init, scaffolding, CODEOWNERS, exports."""
