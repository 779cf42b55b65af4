"""The roadmap: the list, item cards, management, answers to reminders, scheduled reminders."""
