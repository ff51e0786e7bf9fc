"""Bids: sealed until the deadline, with the exact time of receipt and a fingerprint."""
