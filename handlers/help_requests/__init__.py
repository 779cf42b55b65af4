"""Help requests of progress reports: the secretariat's forward buttons, the recipients' answers,
the project card's open requests and their «Resolved»."""
