"""The parse worker pool: a job that overruns its budget is killed, and the pool carries on."""

from __future__ import annotations

import pytest

from bot.watch.workers import JobError, ParseBudget, ParseFailed, ParsePool, ParseTimeout

HERE = "tests.unit.worker_jobs"


@pytest.fixture
async def pool():
    p = ParsePool(ParseBudget(seconds=2.0, workers=1))
    try:
        yield p
    finally:
        await p.close()


async def test_a_job_runs_in_a_worker_and_the_worker_is_reused(pool):
    out = await pool.run(f"{HERE}:echo", {"a": [1, "é"]}, b"body \xc3\xa9")
    assert out == {"params": {"a": [1, "é"]}, "size": 7, "text": "body é"}
    await pool.run(f"{HERE}:echo", {}, b"")
    assert pool.started == 1


async def test_an_overrunning_job_is_killed_and_the_next_job_gets_a_fresh_worker(pool):
    with pytest.raises(ParseTimeout, match=r"took longer than 2s to parse"):
        await pool.run(f"{HERE}:spin", {"seconds": 60})
    assert pool.killed == 1
    assert (await pool.run(f"{HERE}:echo", {}, b"ok"))["text"] == "ok"
    assert pool.started == 2


async def test_a_job_exception_comes_back_by_name_and_keeps_the_worker(pool):
    with pytest.raises(JobError) as caught:
        await pool.run(f"{HERE}:fail", {})
    assert (caught.value.kind, caught.value.message) == ("ValueError", "bad document")
    await pool.run(f"{HERE}:echo", {})
    assert pool.started == 1


async def test_a_dead_worker_is_a_parse_failure_and_is_replaced(pool):
    with pytest.raises(ParseFailed, match="exit code 3"):
        await pool.run(f"{HERE}:die", {})
    assert (await pool.run(f"{HERE}:echo", {}, b"x"))["size"] == 1
    assert pool.started == 2
