"""Marshmallow schemas: unknown fields are refused; server-owned fields are dump-only."""
