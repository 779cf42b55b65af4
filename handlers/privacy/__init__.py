"""Who sees my contacts: a member chooses who sees their phones and their e-mails (/privacy)."""
