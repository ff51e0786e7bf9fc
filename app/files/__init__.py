"""Uploaded files: checked for size, type and name, stored in the database with a fingerprint."""
