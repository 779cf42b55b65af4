"""The roadmap, one module a job: browse.py (the list, item cards, the .ics and the timeline, for
members), manage.py (the secretariat's new item, deadline, policy, close, cancel, reopen), owners.py
(the owners editor), answers.py (owners answer a reminder: done, more time, not mine),
decisions.py (the secretariat approves or declines more time, keeps one who said "not mine"),
denied.py (why not, when a check failed); filters.py (the checks, written once), dialogs.py (states
and their typed data), callbacks.py, ui.py (texts and keyboards), scheduled.py (the reminders'
tick). Who is told what: bot/services/roadmap/notices.py."""
