"""Tagged links in the task form (live preview), on the task page, and the warnings."""

from django.urls import reverse

from tests.factories import CampaignFactory, PlatformFactory, SmmTaskFactory, SmoTaskFactory


def preview(client, business, **params):
    response = client.get(reverse("utm_preview", args=[business.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_preview_tags_the_link(client_for, business, editor, platform, campaign):
    html = preview(
        client_for(editor),
        business,
        kind="smo",
        platform=platform.pk,
        campaign=campaign.pk,
        title="Roast day",
        backlink_url="https://shop.example/p?id=4#top",
    )
    assert (
        "https://shop.example/p?id=4&amp;utm_source=facebook&amp;utm_medium=social"
        "&amp;utm_campaign=launch&amp;utm_content=roast-day#top"
    ) in html
    assert "off-site-warning" not in html


def test_preview_uses_overrides_and_paid_medium(client_for, business, editor, platform):
    html = preview(
        client_for(editor),
        business,
        kind="smm",
        platform=platform.pk,
        title="Ad",
        destination_url="https://shop.example/",
        utm_medium="paid",
    )
    assert "utm_medium=paid" in html and "utm_source=facebook" in html


def test_preview_warns_when_the_link_leaves_the_website(client_for, business, editor, platform):
    html = preview(
        client_for(editor),
        business,
        kind="smo",
        platform=platform.pk,
        backlink_url="https://other-shop.example/x",
    )
    assert "off-site-warning" in html
    html = preview(
        client_for(editor),
        business,
        kind="smo",
        platform=platform.pk,
        backlink_url="https://www.shop.example/x",
    )
    assert "off-site-warning" not in html


def test_preview_reminds_instagram_posts_of_the_link_in_bio(client_for, business, editor):
    insta = PlatformFactory(business=business, kind="instagram")
    html = preview(
        client_for(editor),
        business,
        kind="smo",
        platform=insta.pk,
        backlink_url="https://shop.example/",
    )
    assert "instagram-note" in html and "link in bio" in html


def test_preview_never_reads_another_business(client_for, business, editor, other_business):
    theirs = PlatformFactory(business=other_business, kind="linkedin")
    their_campaign = CampaignFactory(business=other_business, slug="secret-plan")
    html = preview(
        client_for(editor),
        business,
        kind="smo",
        platform=theirs.pk,
        campaign=their_campaign.pk,
        backlink_url="https://shop.example/",
    )
    assert "linkedin" not in html and "secret-plan" not in html


def test_task_form_loads_the_preview(client_for, business, editor, platform):
    html = client_for(editor).get(reverse("smo_create", args=[business.pk])).content.decode()
    assert reverse("utm_preview", args=[business.pk]) + "?kind=smo" in html
    assert "vendor/htmx/htmx.min.js" in html


def test_task_page_shows_the_tagged_url_and_warnings(client_for, business, viewer):
    insta = PlatformFactory(business=business, kind="instagram", handle="acme.gram")
    post = SmoTaskFactory(
        business=business,
        platform=insta,
        title="Beans",
        backlink_url="https://elsewhere.example/beans",
    )
    html = (
        client_for(viewer).get(reverse("smo_detail", args=[business.pk, post.pk])).content.decode()
    )
    assert (
        'value="https://elsewhere.example/beans?utm_source=instagram&amp;utm_medium=social'
        '&amp;utm_content=beans"'
    ) in html
    assert 'data-testid="off-site-warning"' in html
    assert 'data-testid="instagram-note"' in html


def test_overrides_are_saved_and_used(client_for, business, editor, platform):
    ad = SmmTaskFactory(business=business, platform=platform, title="Ad")
    response = client_for(editor).post(
        reverse("smm_edit", args=[business.pk, ad.pk]),
        {
            "platform": platform.pk,
            "title": "Ad",
            "objective": "traffic",
            "bid_model": "cpc",
            "budget_type": "daily",
            "budget_amount": "20",
            "status": "draft",
            "estimated_hours": "0",
            "destination_url": "https://shop.example/landing",
            "utm_source": "li-sponsored",
            "utm_content": "variant-b",
        },
    )
    assert response.status_code == 302
    ad.refresh_from_db()
    assert ad.tagged_url == (
        "https://shop.example/landing?utm_source=li-sponsored&utm_medium=cpc&utm_content=variant-b"
    )


def test_campaign_slug_from_the_name(client_for, business, editor):
    client_for(editor).post(
        reverse("campaign_create", args=[business.pk]),
        {
            "name": "Été 2027: Cold Brew!",
            "start_date": "2027-06-01",
            "end_date": "2027-08-31",
            "budget": "100",
        },
    )
    assert business.campaigns.get().slug == "ete-2027-cold-brew"


def test_platform_list_reminds_instagram_without_link_in_bio(client_for, business, viewer):
    PlatformFactory(business=business, kind="instagram", has_website_link=False)
    html = client_for(viewer).get(reverse("platform_list", args=[business.pk])).content.decode()
    assert 'data-testid="instagram-bio-reminder"' in html
