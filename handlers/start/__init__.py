"""/start, /help, /language."""
