"""The LRS side of the platform adapters (`adapters/`): the write-path hook, raw statements,
Moodle sites and pull mode, activity mappings, and Learning Locker's aggregate API for ILIAS.

Nothing here knows what a platform's statements look like; that is `adapters/`.
"""
