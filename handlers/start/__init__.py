"""/start (with invite links), /help, /language, /cancel and the main menu."""
