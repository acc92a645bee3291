"""Production serving: gunicorn with the shop's config module, and the RQ worker, both stop
gracefully on SIGTERM; metrics add up across worker processes and worker restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus

from shop.adapters.jobs.queue_stats import RqQueueStats
from tests.integration.apps import fresh_server_env
from tests.integration.gunicorn import gunicorn_server
from tests.support.log_capture import audit_external_log

pytestmark = pytest.mark.timeout(180)

# A production worker (the default SHOP_ENV) needs its payment provider chosen explicitly.
WORKER_ENV = {"SHOP_LOG_FORMAT": "json", "SHOP_PAYMENT_PROVIDER": "test"}


def test_an_in_flight_request_completes_after_sigterm(
    migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(migrated_postgres_url, redis_url)
    with gunicorn_server(env, workers=2, app="tests.integration.slow_wsgi:app") as server:
        answer: dict[str, object] = {}

        def slow_request() -> None:
            response = requests.get(f"{server.url}/slow?seconds=3", timeout=30)
            answer["status"], answer["body"] = response.status_code, response.text

        client = threading.Thread(target=slow_request)
        client.start()
        time.sleep(1.0)  # the request is being served
        server.process.send_signal(signal.SIGTERM)
        client.join(30)
        assert answer == {"status": 200, "body": "done"}
        assert server.process.wait(30) == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.url}/healthz", timeout=2)


def _total(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def test_metrics_add_up_across_worker_processes_and_restarts(
    migrated_postgres_url: str, redis_url: str
) -> None:
    # Each worker is recycled after about 7 requests: 40 requests outlive several of them.
    env = fresh_server_env(migrated_postgres_url, redis_url, GUNICORN_MAX_REQUESTS="7")
    with gunicorn_server(env, workers=2, threads=2) as server:
        healthz = {"route": "/healthz", "status": "200"}
        before = requests.get(f"{server.url}/metrics", timeout=10).text
        for _ in range(40):
            response = requests.get(f"{server.url}/healthz", headers={"Connection": "close"})
            assert response.status_code == 200
        after = requests.get(f"{server.url}/metrics", timeout=10).text
        for name in ("shop_http_requests_total", "shop_http_request_duration_seconds_count"):
            assert _total(after, name, **healthz) - _total(before, name, **healthz) == 40
        log = server.log_path.read_text()
    assert log.count("Autorestarting worker") >= 2 or log.count("Booting worker") >= 4, log[-3000:]


def test_the_worker_finishes_its_job_on_sigterm_then_exits(redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    job = Queue("default", connection=connection).enqueue("time.sleep", 2)
    worker = subprocess.Popen(
        [sys.executable, "-m", "shop.entrypoints.cli", "worker"],
        env={**os.environ, **WORKER_ENV, "REDIS_URL": redis_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while Job.fetch(job.id, connection=connection).get_status() != JobStatus.STARTED:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    audit_external_log(output, "shop worker")
    assert worker.returncode == 0, output
    assert Job.fetch(job.id, connection=connection).get_status() == JobStatus.FINISHED
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    (done,) = [line for line in lines if line.get("logger") == "shop.jobs"]
    assert done["job_id"] == job.id
    assert done["outcome"] == "finished"
    assert done["duration_ms"] >= 1900


def test_a_failed_job_is_logged_with_its_cause_and_counted(redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    job = Queue("emails", connection=connection).enqueue("builtins.int", "not a number")
    result = subprocess.run(
        [sys.executable, "-m", "shop.entrypoints.cli", "worker", "--burst"],
        env={**os.environ, **WORKER_ENV, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    audit_external_log(result.stderr, "shop worker --burst")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (failed,) = [line for line in lines if line.get("logger") == "shop.jobs"]
    assert (failed["job_id"], failed["outcome"]) == (job.id, "failed")
    assert (failed["error"], failed["level"]) == ("ValueError", "ERROR")
    assert "not a number" not in json.dumps(failed)  # the job's arguments stay out
    depths = {d.name: d for d in RqQueueStats(connection).depths()}
    assert depths["emails"].failed == 1
    assert depths["emails"].queued == 0
