"""Mini-competitions: call-offs with reopened competition among a lot's suppliers."""
