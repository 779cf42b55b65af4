"""Events with RSVP: /event, /events, the answers, the secretariat's live report, reminders."""
