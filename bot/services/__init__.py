"""Domain services: async functions over an AsyncSession returning plain data; no aiogram here."""
