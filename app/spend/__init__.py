"""Spend tracking: where the money goes, how full each lot is, and how well jobcentres comply."""
