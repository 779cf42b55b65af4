"""Announcements: composing, sending, live figures, the chats the bot is in, /settings."""
