"""Keyworker Assistant: the domain of a keyworker's caseload."""

__version__ = "0.1.0"
