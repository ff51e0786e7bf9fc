"""What the suppliers' courses achieve: outcomes per call-off and each supplier's effect."""
