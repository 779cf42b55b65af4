"""Progress reports. dialog.py: /report to send (its states and data in form.py); sent.py: edit or
withdraw what one sent; status.py: /status, a project's history and files; pause.py: /pause;
card.py: what reports add to a project card; manage.py: the secretariat's leaders, cadences and
exports; scheduled.py: check-in prompts, nudges and the digest. filters.py holds the checks
(dialog by token, the project one may report for, members, leaders), ui.py the texts and
keyboards, callbacks.py the buttons. Who is told what: bot/services/reports/notices.py."""
