"""Competency frameworks (IMS CASE JSON, Moodle CSV) and what evidences their competencies."""
