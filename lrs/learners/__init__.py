"""Learners: people behind one or more xAPI identifiers, pseudonymous (no names stored)."""
