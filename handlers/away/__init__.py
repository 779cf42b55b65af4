"""/away: a person's "away until", when the bot leaves them alone but for urgent announcements."""
