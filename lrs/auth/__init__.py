"""Organisations (tenants), their xAPI credentials and scopes, and request authentication."""
