from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from tandem.lib.constraints import one_of_choices


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    EDITOR = "editor", "Editor"
    VERIFIER = "verifier", "Verifier"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that can see other people's data or publish in Tandem's name: they must use MFA.
ROLES_REQUIRING_MFA = frozenset({Role.THERAPIST, Role.EDITOR, Role.VERIFIER, Role.ADMINISTRATOR})
STAFF_ROLES = frozenset({Role.EDITOR, Role.VERIFIER, Role.ADMINISTRATOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.CLIENT)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["role"] = Role.ADMINISTRATOR
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; the role decides what else they see."""

    # Stored lower-cased (see save), so a plain unique index is case-insensitive in effect.
    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField("name", max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(default=True)
    # Derived from the role on save, kept as a column because Django's admin reads it.
    is_staff = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            one_of_choices("role", Role, name="accounts_user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        self.is_staff = self.role in STAFF_ROLES
        self.is_superuser = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    @property
    def needs_mfa(self) -> bool:
        return self.role in ROLES_REQUIRING_MFA

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class AccessKind(models.TextChoices):
    RESULT = "result", "A result, in full"
    HISTORY = "history", "Results over time"
    CASELOAD = "caseload", "Latest score, on the caseload"
    EXPORT = "export", "A CSV export"


class AccessLog(models.Model):
    """One read of a person's data by someone other than them: who, what, when, on what basis.

    The row belongs to the person whose data was read (``subject``) and goes with their
    account. It outlives the reader's account: ``viewer`` empties itself and the copied name
    and role stay, so the person can still see who it was.
    """

    subject = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="access_log"
    )
    viewer = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(max_length=150)
    viewer_role = models.CharField(max_length=20, choices=Role.choices)
    kind = models.CharField(max_length=12, choices=AccessKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    # The consent the read relied on. A plain number, not a link: accounts knows nothing of
    # the app that keeps consents, and the row must outlive a revoked or erased consent.
    consent_id = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "at"], name="accounts_access_subject_idx")]
        constraints = [
            one_of_choices("kind", AccessKind, name="accounts_access_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_name} read {self.kind} of user {self.subject_id}"
