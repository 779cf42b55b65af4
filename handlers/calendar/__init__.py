"""/calendar: a member's personal calendar feed — its secret URL, renewing and revoking it, and
whether it carries all the cluster's events."""
