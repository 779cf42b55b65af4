"""What every feature's handlers share: registration, access filters and refusals, replies,
rendering, command menus and notices, errors, fallbacks."""
