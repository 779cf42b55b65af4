"""Joining the cluster: by phone, by invite, or by request to the secretariat."""
