"""The background worker: runs due work, one transaction per job batch."""

from ewaste.worker.jobs import JOBS, Job, run_due_jobs, run_forever

__all__ = ["JOBS", "Job", "run_due_jobs", "run_forever"]
