"""Framework tenders: content, lots, the approval gates, publication and amendments."""
