from __future__ import annotations

from django_tasks import task

from tandem.assessments import services


@task()
def purge_anonymous_responses() -> int:
    """Delete anonymous answers and results nobody kept within seven days."""
    return services.purge_anonymous_responses()
