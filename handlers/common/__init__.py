"""What every feature's handlers share: registration, replies, rendering, command menus, errors, fallbacks."""
