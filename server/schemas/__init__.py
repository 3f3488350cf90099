"""Marshmallow schemas, one module per concern (fields, entries, sync, comments, accounts,
progress): unknown fields are refused; server-owned fields are dump-only."""
