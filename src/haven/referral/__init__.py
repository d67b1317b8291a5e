"""Support pathways, legal clocks, consent, services and referrals (filled in below)."""
