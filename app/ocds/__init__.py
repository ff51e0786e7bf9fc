"""Open data: the platform's framework tenders and call-offs published in the Open Contracting
Data Standard (OCDS 1.1.5 with the lots and techniques extensions), public and without login."""
