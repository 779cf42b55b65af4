"""The directory: browsing projects, organisations and people, search, inline mode."""
