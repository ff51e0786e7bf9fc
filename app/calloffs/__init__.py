"""Call-off orders under framework agreements (issue 7; the CPR guard comes first)."""
