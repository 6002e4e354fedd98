"""Two people editing one row: the second save is refused and told what changed."""

import pytest
from django.urls import reverse

from planner.models import Campaign, Platform, Task

CAMPAIGN = {
    "name": "Launch",
    "start_date": "2026-10-01",
    "end_date": "2026-12-31",
    "budget": "1000",
}


def smo_data(task, **changes):
    return {
        "platform": task.platform_id,
        "title": task.title,
        "post_text": task.post_text,
        "status": "draft",
        "estimated_hours": "1",
        "backlink_url": task.backlink_url,
        **changes,
    }


def test_second_save_of_a_task_is_refused_and_shows_the_difference(
    client_for, business, editor, owner, smo_task
):
    url = reverse("smo_edit", args=[business.pk, smo_task.pk])
    opened = client_for(editor).get(url).context["form"]["seen_version"].value()
    first = client_for(owner).post(
        url, smo_data(smo_task, title="Owner's title", seen_version=opened)
    )
    assert first.status_code == 302
    second = client_for(editor).post(
        url, smo_data(smo_task, title="Editor's title", seen_version=opened)
    )
    assert second.status_code == 409
    message = second.context["form"].non_field_errors()[0]
    assert "changed this since you opened it" in message
    assert "Title: saved “Owner's title”, yours “Editor's title”" in message
    assert Task.objects.get(pk=smo_task.pk).title == "Owner's title"
    # The re-shown form carries the new version: saving again, knowingly, wins.
    again = second.context["form"]["seen_version"].value()
    third = client_for(editor).post(
        url, smo_data(smo_task, title="Editor's title", seen_version=again)
    )
    assert third.status_code == 302
    assert Task.objects.get(pk=smo_task.pk).title == "Editor's title"


@pytest.mark.parametrize("name", ["campaign", "platform"])
def test_campaigns_and_platforms_too(client_for, business, editor, campaign, platform, name):
    obj = campaign if name == "campaign" else platform
    url = reverse(f"{name}_edit", args=[business.pk, obj.pk])
    data = dict(CAMPAIGN) if name == "campaign" else {"kind": "facebook", "handle": "acme"}
    field = "name" if name == "campaign" else "handle"
    client = client_for(editor)
    assert client.post(url, {**data, field: "first", "seen_version": 0}).status_code == 302
    response = client.post(url, {**data, field: "second", "seen_version": 0})
    assert response.status_code == 409
    model = Campaign if name == "campaign" else Platform
    assert getattr(model.objects.get(pk=obj.pk), field) == "first"


def test_version_is_checked_in_the_update(business, smo_task):
    """Without a view: two saves from the same version, the second one is refused."""
    from planner import services

    a = Task.objects.get(pk=smo_task.pk)
    b = Task.objects.get(pk=smo_task.pk)
    a.title = "A"
    services.task_save(a, seen_version=a.version)
    b.title = "B"
    with pytest.raises(services.EditConflict) as raised:
        services.task_save(b, seen_version=b.version)
    assert raised.value.current.title == "A"
    assert Task.objects.get(pk=smo_task.pk).title == "A"
