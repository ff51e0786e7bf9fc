"""The audit trail: every change and every decision, with who, what and when."""
