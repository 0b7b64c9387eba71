"""ILIAS: statements of its xAPI/cmi5 object, and Learning Locker's aggregate API it reads with."""
