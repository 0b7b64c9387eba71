"""Derived tables kept current with the statements: evidence and participation."""
