from __future__ import annotations

from django.db import models


class EmailDeliveryStatus(models.TextChoices):
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"


class EmailDelivery(models.Model):
    """One email a background task owes, so a task run twice sends it once (see outbox.py).

    ``key`` names the email and its occasion (the task's id and the recipient's part). A claim
    is taken with an insert or a conditional update; the row says "sent" once the SMTP server
    has accepted the message.
    """

    key = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=EmailDeliveryStatus.choices)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="email_delivery_unique_key")]
        indexes = [models.Index(fields=["claimed_at"], name="email_delivery_claimed_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
