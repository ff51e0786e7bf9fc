"""Purchases outside the platform, registered or imported, classified against the frameworks."""
