"""Measure batch pause/resume against the stand-in: one batch call vs agent by agent.

Run with `make bench`. It prints figures and ratios; it asserts nothing.
"""

import statistics
import time
import tracemalloc

from pbx import Pair, SimotelClient
from pbx.simulator import start_simulator

ROUNDS = 5
QUEUE = "902"  # Support, 60 agents in the stand-in's seeded call center.


def timed(action, pairs, rounds=ROUNDS):
    """Return the median milliseconds of ACTION(pairs) over ROUNDS runs."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = action(pairs)
        samples.append((time.perf_counter() - started) * 1000)
        assert not result.failed and not result.unknown, result
    return statistics.median(samples)


def run(latency):
    with start_simulator(port=0, api_key="bench-key") as running:
        running.simulator.set_faults(latency={"*": latency})
        client = SimotelClient(running.url, api_key="bench-key")
        agents = running.simulator.queue_members(QUEUE)
        pairs = [Pair(QUEUE, agent) for agent in agents]

        batch = timed(client.pause, pairs) + timed(client.resume, pairs)
        tracemalloc.start()
        client.pause(pairs)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        running.simulator.set_faults(latency={"*": latency}, batch_missing=True)
        single = timed(client.pause, pairs, 2) + timed(client.resume, pairs, 2)
        client.close()
    return len(pairs), batch / 2, single / 2, peak


def main():
    print(
        f"{'PBX latency':>12} {'pairs':>6} {'batch ms':>9} {'one-by-one ms':>14} "
        f"{'ratio':>7} {'batch peak KiB':>15}"
    )
    for latency in (0.0, 0.005, 0.02):
        count, batch, single, peak = run(latency)
        print(
            f"{latency * 1000:>10.0f}ms {count:>6} {batch:>9.1f} {single:>14.1f} "
            f"{single / batch:>6.1f}x {peak / 1024:>15.0f}"
        )


if __name__ == "__main__":
    main()
