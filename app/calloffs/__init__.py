"""Call-off orders under framework agreements: choosing a supplier, the order life, the maximum."""
