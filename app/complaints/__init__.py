"""Complaints to the Complaints Board for Public Procurement (Klagenævnet for Udbud) against a
tender's award, and the board's decisions."""
