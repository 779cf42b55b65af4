"""My data: /mydata (everything the bot holds about the person) and /forgetme."""
