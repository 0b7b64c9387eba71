"""Moodle: statements of the xAPI-vle/moodle-logstore_xapi plugin, and the web-service pull."""
