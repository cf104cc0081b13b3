from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class SchemeVersion(models.Model):
    """One version of a scheme's YAML text.

    A new text is a new version: a cycle pins a version, so editing a scheme later never changes
    what a published cycle was scored with. ``save`` refuses to change the text of a stored row.
    """

    scheme_id = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    warnings = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_id", "version"], name="scheme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = SchemeVersion.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValueError(  # internal
                    "a scheme version's text never changes; create a new version"
                )
        super().save(*args, **kwargs)
