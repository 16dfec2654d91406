"""Export jobs: a file that takes more than a moment (导出本屏, the deck, a large table) is made in
the background while the page shows its progress (排队中 / 正在生成… / 完成 / 失败与原因), then
downloaded with its file name.

Why not Dash background callbacks: their job runs in a new process per call (DiskcacheManager)
or in a Celery worker, without the request that carries the user's session, so the scope would
have to be re-established by hand in a second code path; a new process cannot reuse the warm
browser that makes a screen render fast (exports/screen.py); the file would travel base64 inside
a callback's JSON (4/3 of a 2 MB PNG, parsed by the renderer); and the export menu is plain links
on every page, lists included. So the export routes (web/exports.py) check the request as before,
then hand the work to a thread of the same worker, and the job's state and file go to a store
every worker reads: Redis when COCKPIT_CACHE_REDIS_URL names one (production), else an embedded
diskcache directory on this machine (gunicorn's workers share it).

A job belongs to the user who started it: its id is a random 128-bit token and its record names
its owner; a status or file request from anyone else, or for an id that never was, gets the same
404 as a forged one, never a hint that it exists.
"""
from __future__ import annotations

import hashlib
import io
import logging
import pickle
import secrets
import tempfile
import threading
import time
from pathlib import Path

import flask
from flask import Blueprint, jsonify, send_file

import access
from urls import ROUTES
from views.runtime import current

log = logging.getLogger(__name__)
blueprint = Blueprint("export_jobs", __name__)

KEEP_SECONDS = 15 * 60   # a finished job's file waits this long for its download
STALE_SECONDS = 300      # a job not heard of for this long died with its worker (a render
                         # waits at most 120 s for a browser, then takes at most 60 s)
QUEUED, RUNNING, DONE, FAILED = "排队中", "正在生成…", "完成", "失败"


class JobStore:
    """Job records and files, by id, with an expiry; Redis or diskcache behind one small surface."""

    def __init__(self, settings) -> None:
        digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
        self.prefix = f"cockpit:{digest}:export-job:"
        if settings.cache_redis_url:
            import redis

            self.redis = redis.Redis.from_url(settings.cache_redis_url, socket_timeout=3, socket_connect_timeout=3)
            self.disk = None
        else:
            import diskcache

            self.redis = None
            self.disk = diskcache.Cache(str(Path(tempfile.gettempdir()) / f"cockpit-export-jobs-{digest}"),
                                        size_limit=2 ** 30)

    def put(self, key: str, value) -> None:
        if self.redis is not None:
            self.redis.set(self.prefix + key, pickle.dumps(value), ex=KEEP_SECONDS)
        else:
            self.disk.set(self.prefix + key, value, expire=KEEP_SECONDS)

    def get(self, key: str):
        if self.redis is not None:
            raw = self.redis.get(self.prefix + key)
            return None if raw is None else pickle.loads(raw)  # noqa: S301 - written by this code only
        return self.disk.get(self.prefix + key)


_stores: dict[int, JobStore] = {}
_stores_lock = threading.Lock()


def store_of(rt) -> JobStore:
    with _stores_lock:
        found = _stores.get(id(rt))
        if found is None:
            found = _stores[id(rt)] = JobStore(rt.settings)
        return found


class Job:
    """What the work of a job may say while it runs: job.queued() / job.running()."""

    def __init__(self, store: JobStore, job_id: str, record: dict) -> None:
        self.store, self.id, self.record = store, job_id, record

    def _set(self, **changes) -> None:
        self.record.update(changes, updated=time.time())
        self.store.put(self.id, self.record)

    def queued(self) -> None:
        self._set(state=QUEUED)

    def running(self) -> None:
        self._set(state=RUNNING)


class _NoJob:
    """The job of a file made while its request waits (a GET): nobody to tell."""

    def queued(self) -> None:
        pass

    def running(self) -> None:
        pass


NO_JOB = _NoJob()


def start(owner: str, what: str, work) -> str:
    """Run work(job) -> (body, file name, mimetype) in the background for `owner`; the job's id.

    The work runs in a copy of this request's context (the same user, address, app), after the
    request has answered; what it raises becomes the job's failure, in words for the user when it
    is one of ours (JobFailed), else a general one (logged)."""
    rt = current()
    store = store_of(rt)
    job_id = secrets.token_urlsafe(16)
    record = {"owner": owner, "what": what, "state": QUEUED, "message": "", "started": time.time(),
              "updated": time.time()}
    store.put(job_id, record)
    job = Job(store, job_id, record)

    @flask.copy_current_request_context
    def run() -> None:
        try:
            body, name, mimetype = work(job)
            store.put(job_id + ":file", body)
            job._set(state=DONE, name=name, mimetype=mimetype, size=len(body))
        except JobFailed as exc:
            job._set(state=FAILED, message=str(exc))
        except Exception:  # noqa: BLE001 - a job's failure is reported, never lost
            log.exception("export job %s (%s) failed", job_id, what)
            job._set(state=FAILED, message="生成文件时出错，请稍后重试")

    threading.Thread(target=run, name=f"export-job-{job_id[:6]}", daemon=True).start()
    return job_id


class JobFailed(Exception):
    """The job ends in failure with this message for the user (e.g. '导出任务繁忙，请稍后再试')."""


def _own(job_id: str):
    """(store, record) of the current user's job, or None: a stranger's job and a forged id alike."""
    rt = current()
    try:
        actor = rt.grant(require="export").actor
    except access.Denied:
        return None
    if not job_id or len(job_id) > 64:
        return None
    store = store_of(rt)
    record = store.get(job_id)
    if not record or not secrets.compare_digest(str(record.get("owner")), actor.name):
        return None
    if record["state"] in (QUEUED, RUNNING) and time.time() - record["updated"] > STALE_SECONDS:
        record = {**record, "state": FAILED, "message": "导出被中断（服务进程已重启），请重新导出"}
    return store, record


def _missing():
    return jsonify({"state": FAILED, "message": "没有这个导出任务（已过期或不属于您）"}), 404


@blueprint.get(ROUTES["export_job"][0])
def status(job: str):
    """The job's state for the page: state, message, seconds since it started, and the file's
    link once it is made."""
    found = _own(job)
    if found is None:
        return _missing()
    _, record = found
    body = {"state": record["state"], "message": record.get("message", ""), "what": record["what"],
            "seconds": round(time.time() - record["started"], 1)}
    if record["state"] == DONE:
        body["file"] = current().urls.build("export_job_file", job=job)
        body["name"] = record["name"]
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@blueprint.get(ROUTES["export_job_file"][0])
def file(job: str):
    found = _own(job)
    if found is None:
        return _missing()
    store, record = found
    body = store.get(job + ":file") if record["state"] == DONE else None
    if body is None:
        return _missing()
    return send_file(io.BytesIO(body), mimetype=record["mimetype"], as_attachment=True,
                     download_name=record["name"])
