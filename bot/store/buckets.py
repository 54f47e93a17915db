"""A request budget in the database that several processes draw from (GCRA, by reservation).

Discord allows a bot a number of requests per second in total (the global rate limit, 50/s
unless Discord raised it), whatever the number of processes sending them. The processes share
one schedule, kept in one row: its *theoretical arrival time* (``tat``), the moment by which
every turn reserved so far will have come at ``rate`` per second. A process reserves its next
few turns in one statement (``reserve``) and sends each at its time; the schedule moves on by
``1/rate`` per turn reserved, so however the turns are shared out, the processes together never
send faster than ``rate`` (after a quiet spell, up to ``burst`` at once). Reserving ahead keeps
a process's sending from waiting on database round trips; a turn reserved by a process that
then dies is simply not used.

This is the generic cell rate algorithm (GCRA), the token bucket written as one time stamp.
Times are the database's clock (``Dialect.epoch_now``), so the processes' own clocks never have
to agree; one ``UPDATE`` reads and moves the schedule, so concurrent reservations are ordered by
the row's lock (PostgreSQL re-evaluates the new value on the row another transaction just
changed) and never overlap — and, a statement on its own (``Database.write_one``), it costs
PostgreSQL one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class Reservation:
    now: float  # the database's clock when the reservation was made (epoch seconds)
    start: float  # the first turn reserved (epoch seconds); the others follow at 1/rate
    count: int
    rate: float

    @property
    def turns(self) -> tuple[float, ...]:
        """Seconds from ``now`` of each turn reserved."""
        return tuple(self.start + i / self.rate - self.now for i in range(self.count))


async def create(db: Database, name: str) -> None:
    """Make sure the budget ``name`` exists (idle: its first reservation may burst)."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO rate_bucket (name, tat) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
            (name,),
        )


async def reserve(db: Database, name: str, count: int, *, rate: float, burst: float) -> Reservation:
    """Reserve the next ``count`` turns of the budget ``name`` (``create`` it first)."""
    now, greatest = db.dialect.epoch_now, db.dialect.greatest
    row = await db.write_one(
        f"UPDATE rate_bucket SET tat = {greatest}(tat, {now} - ?) + ? WHERE name = ? "
        f"RETURNING tat, {now} AS now",
        ((burst - 1) / rate, count / rate, name),
    )
    if row is None:
        raise LookupError(f"no request budget named {name!r}: create() it first")
    end = float(row["tat"])
    return Reservation(float(row["now"]), end - count / rate, count, rate)
