"""The background worker: runs due work, one transaction per job batch, and leaves a
heartbeat after each round."""

from ewaste.worker.heartbeat import SILENT_AFTER, WorkerStatus, this_worker, worker_status
from ewaste.worker.jobs import JOBS, Job, record_round, run_due_jobs, run_forever

__all__ = [
    "JOBS",
    "SILENT_AFTER",
    "Job",
    "WorkerStatus",
    "record_round",
    "run_due_jobs",
    "run_forever",
    "this_worker",
    "worker_status",
]
