"""The navigation bar: a skip link to the content, and the current section marked for
assistive technology (aria-current), on the section's list and on its pages."""

import pytest
from django.urls import reverse

from planner.context_processors import section_of


@pytest.mark.parametrize(
    "url_name, section",
    [("dashboard", "dashboard"), ("dashboard_csv", "dashboard"), ("smo_detail", "smo"),
     ("smm_list", "smm"), ("campaign_detail", "campaign"), ("member_list", "member"),
     ("goal_list", "insights"), ("insights_forecast", "insights"), ("api_key_list", None),
     (None, None)],
)  # fmt: skip
def test_sections(url_name, section):
    assert section_of(url_name) == section


def test_the_current_section_is_marked_and_the_content_can_be_skipped_to(
    client_for, business, viewer, smo_task
):
    html = client_for(viewer).get(reverse("smo_detail", args=[business.pk, smo_task.pk]))
    page = html.content.decode()
    current = [
        part.split(">", 1)[1].split("<", 1)[0] for part in page.split('aria-current="true"')[1:]
    ]
    assert current == ["SMO posts"]
    assert page.index('href="#content"') < page.index("<nav") and 'id="content"' in page
