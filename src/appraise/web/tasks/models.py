from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext


class TaskStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Task(models.Model):
    """A piece of long work (an import, a computation) with its progress, for a progress bar.

    ``problems`` holds the input problems of a failed task ({level, code, message, where}).
    """

    kind = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker process running it (``host:pid``, as its heartbeat names it); empty in sync mode.
    worker = models.CharField(max_length=64, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("task %(n)s: %(kind)s, %(status)s") % {
            "n": self.pk,
            "kind": self.kind,
            "status": self.get_status_display(),
        }


class StagedFile(models.Model):
    """A file uploaded for a task; deleted when the task succeeds, kept a while when it fails so
    that it can be run again (tasks.services.task_rerun, task_clean_staged)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name
