import pytest
from django.urls import NoReverseMatch, reverse


@pytest.mark.django_db
def test_the_benchmarks_bare_view_is_not_mounted_unless_asked_for(anonymous):
    with pytest.raises(NoReverseMatch):
        reverse("bench_bare")
    assert anonymous.get("/bench/bare").status_code == 404
