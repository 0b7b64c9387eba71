"""Statement storage and retrieval: the Statement, Activities, Agents resources of xAPI."""
