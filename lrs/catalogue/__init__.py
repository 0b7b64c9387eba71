"""The course catalogue: what admins deep-link into their platform, and what a completion
evidences (competency codes of a framework)."""
