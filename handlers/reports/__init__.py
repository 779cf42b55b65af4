"""Progress reports: the dialog, the card, the secretariat's management, scheduled prompts and digests."""
