"""Joining the cluster: by phone, by invite, or by request to the secretariat (router), and the
secretariat's decision on a request (decision)."""
