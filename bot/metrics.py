"""What an instance counts for Prometheus (`GET /metrics`), in a registry of its own: a process
normally runs one app, but tests create many, and the global registry would mix their counts."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Collection, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.services.outbox import Outcome, Outgoing

# Handler latency: most updates take milliseconds, a chart or an export a second or more.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "clusterbot_updates",
            "Updates handled, by type and outcome (handled, unhandled: no handler wanted it, error)",
            ["type", "outcome"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "clusterbot_handler_seconds",
            "Time from an update's arrival at the dispatcher until it was handled, by type",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.outbox_delivered = Counter(
            "clusterbot_outbox_delivered",
            "Outbox rows the sender of this instance recorded, by result (sent, unreachable, failed, retry)",
            ["result"],
            registry=r,
        )
        self.outbox_retry_after = Counter(
            "clusterbot_outbox_retry_after", "429 Too Many Requests answers to the sender", registry=r
        )
        self.outbox_pending = Gauge(
            "clusterbot_outbox_pending",
            "Outbox rows due or waiting to be sent (all instances; read from the database when scraped)",
            registry=r,
        )
        self.outbox_oldest_pending_seconds = Gauge(
            "clusterbot_outbox_oldest_pending_seconds", "Age of the oldest due outbox row (0 when none)", registry=r
        )
        self.database_up = Gauge("clusterbot_database_up", "1 when the database answered the last scrape", registry=r)
        self.ticks = Counter(
            "clusterbot_ticks",
            "Scheduler ticks, by result (ran; follower: another instance holds the ticker lease)",
            ["result"],
            registry=r,
        )
        self.tick_seconds = Histogram("clusterbot_tick_seconds", "Duration of the ticks this instance ran", registry=r)
        self.tick_failures = Counter("clusterbot_tick_failures", "Tick jobs that failed, by job", ["job"], registry=r)
        self.enqueued = Counter(
            "clusterbot_enqueued",
            "Messages the ticks put into the outbox, by kind (reminder, checkin, nudge, digest …)",
            ["kind"],
            registry=r,
        )

    def delivered(self, outcomes: Iterable[Outcome]) -> None:
        for result, count in Tally("retry" if o.status == "pending" else o.status for o in outcomes).items():
            self.outbox_delivered.labels(result).inc(count)

    def count_enqueued(self, messages: Iterable[Outgoing], added: Collection[str]) -> None:
        """Of the `messages` a tick offered, those whose keys the outbox took (`added`), by kind."""
        keys = set(added)
        for kind, count in Tally(m.kind for m in messages if m.key in keys).items():
            self.enqueued.labels(kind).inc(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
