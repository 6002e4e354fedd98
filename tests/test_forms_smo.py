"""Bad input on the SMO post form: platform text rules, links, schedule, money, hours, the image,
and rows of another business smuggled into the POST."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from planner.models import DailyRollup, Task
from tests.factories import CampaignFactory, PlatformFactory
from tests.form_checks import all_rows, assert_refused

NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
BAD_URL = "Enter a valid URL."
LONG_URL = "https://shop.example/" + "p" * 100  # X counts any URL as 23


@pytest.fixture
def platforms(business):
    return {
        kind: PlatformFactory(business=business, kind=kind, handle=f"acme_{kind}")
        for kind in ("x", "linkedin", "instagram", "facebook")
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def png(pad=0, size=(4, 4), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue() + b"\0" * pad  # bytes after the end of the image are ignored


def png_of_exactly(size_in_bytes):
    return png(pad=size_in_bytes - len(png()))


def smo_data(platform, /, **changes):
    return {
        "platform": platform.pk,
        "title": "Roast day",
        "post_text": "We roast on Fridays",
        "hashtags": "",
        "status": "draft",
        "estimated_hours": "1.5",
        **changes,
    }


def create(client, business, data):
    return client.post(reverse("smo_create", args=[business.pk]), data)


# --- the happy path ---------------------------------------------------------------------------


def test_valid_post_is_saved_in_the_business(
    client_for, business, editor, platform, campaign, other_business, media
):
    image = SimpleUploadedFile("roast.png", png(), content_type="image/png")
    data = smo_data(
        platform,
        campaign=campaign.pk,
        assignee=editor.pk,
        backlink_url="https://shop.example/roast",
        scheduled_at="2026-12-04T09:30",
        status="scheduled",
        production_cost="12.50",
        image=image,
        image_alt="A tray of fresh beans",
        business=other_business.pk,  # ignored: the business comes from the URL
        kind="smm",  # ignored: the kind comes from the URL
    )
    response = create(client_for(editor), business, data)
    task = Task.objects.get()
    assert response.status_code == 302
    assert (task.business, task.kind, task.platform, task.campaign) == (
        business,
        "smo",
        platform,
        campaign,
    )
    assert (task.assignee, task.production_cost) == (editor, Decimal("12.50"))
    assert task.image and len(stored_files(media)) == 1
    assert DailyRollup.objects.filter(business=business, kind="smo").exists()


# --- platform text rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, text, hashtags, message",
    [
        ("x", "a" * 281, "", "281 of 280 weighted characters"),
        ("x", "a" * 257 + " " + LONG_URL, "", "281 of 280 weighted characters"),
        ("x", "日" * 141, "", "282 of 280 weighted characters"),
        ("x", "a" + "日" * 140, "", "281 of 280 weighted characters"),
        ("x", "a" * 275, "#abc", "281 of 280 weighted characters"),  # "\n\n#abc" is appended
        ("linkedin", "a" * 3001, "", "3,001 of 3,000 characters"),
        ("instagram", "a" * 2201, "", "2,201 of 2,200 characters"),
        ("facebook", "a" * 63207, "", "63,207 of 63,206 characters"),
    ],
    ids=["x", "x-url", "x-cjk", "x-latin-and-cjk", "x-hashtags", "linkedin", "instagram", "fb"],
)
def test_text_over_the_platform_limit_is_refused(
    client_for, business, editor, platforms, kind, text, hashtags, message
):
    data = smo_data(platforms[kind], post_text=text, hashtags=hashtags)
    response = create(client_for(editor), business, data)
    assert_refused(response, "post_text", f"Too long for this platform: {message}")
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize(
    "kind, text",
    [
        ("x", "a" * 280),
        ("x", "a" * 256 + " " + LONG_URL),
        ("x", "日" * 140),
        ("x", "a" * 278 + "\r\n" + "b"),  # a browser's CRLF counts as one line break
        ("linkedin", "a" * 3000),
        ("instagram", "a" * 2200),
        ("facebook", "a" * 63206),
    ],
    ids=["x", "x-url", "x-cjk", "x-crlf", "linkedin", "instagram", "facebook"],
)
def test_text_at_the_exact_limit_is_accepted(client_for, business, editor, platforms, kind, text):
    response = create(client_for(editor), business, smo_data(platforms[kind], post_text=text))
    assert response.status_code == 302
    assert Task.objects.get().post_text == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "emoji",
    [
        "🇫🇷",  # a flag: two regional indicators
        "1️⃣",  # a keycap
        "👍🏽",  # a skin tone
        "👨‍👩‍👧",  # a ZWJ sequence
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # a tag sequence
        "▶️",  # U+FE0F makes these emoji: their base is not a pictograph
        "©️",
        "™️",
    ],
    ids=["flag", "keycap", "skin-tone", "zwj", "tag-sequence", "play", "copyright", "trademark"],
)
def test_x_counts_each_emoji_sequence_as_two(client_for, business, editor, platforms, emoji):
    client = client_for(editor)
    response = create(client, business, smo_data(platforms["x"], post_text=emoji * 141))
    assert_refused(response, "post_text", "282 of 280 weighted characters")
    response = create(client, business, smo_data(platforms["x"], post_text=emoji * 140))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "text, hashtags",
    [
        ("Hello", "#one #two #three #four #five #six"),
        ("Hello #one #two #three #four #five #six", ""),
        ("Hello #one #two #three", "four, five six"),
    ],
    ids=["in-the-field", "in-the-text", "split"],
)
def test_six_hashtags_on_instagram_are_refused(
    client_for, business, editor, platforms, text, hashtags
):
    data = smo_data(platforms["instagram"], post_text=text, hashtags=hashtags)
    response = create(client_for(editor), business, data)
    assert_refused(response, "post_text", "At most 5 hashtags on this platform; this post has 6.")
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize(
    "text, hashtags",
    [
        ("Hello", "#one #two #three #four #five"),
        ("Hello #one #two", "three four #five"),
        ("Hello #one #two #three #four #five", "#one"),  # a repeated tag counts once
    ],
)
def test_five_hashtags_on_instagram_are_accepted(
    client_for, business, editor, platforms, text, hashtags
):
    data = smo_data(platforms["instagram"], post_text=text, hashtags=hashtags)
    response = create(client_for(editor), business, data)
    assert response.status_code == 302
    assert Task.objects.count() == 1


def test_six_hashtags_on_facebook_are_accepted(client_for, business, editor, platforms):
    data = smo_data(platforms["facebook"], hashtags="#1 #2 #3 #4 #5 #6")
    assert create(client_for(editor), business, data).status_code == 302


# --- other fields -----------------------------------------------------------------------------

NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."


@pytest.mark.parametrize(
    "changes, field, message",
    [
        pytest.param({"backlink_url": "ftp://x.example/a"}, "backlink_url", BAD_URL, id="ftp"),
        pytest.param({"backlink_url": "javascript:alert(1)"}, "backlink_url", BAD_URL, id="js"),
        pytest.param({"published_url": "ftp://x.example/p"}, "published_url", BAD_URL, id="pub"),
        pytest.param(
            {"status": "scheduled", "scheduled_at": ""},
            "scheduled_at",
            "A scheduled post needs a publish time.",
            id="scheduled-without-time",
        ),
        pytest.param(
            {"scheduled_at": "next friday"},
            "scheduled_at",
            "Enter a valid date/time.",
            id="bad-time",
        ),
        pytest.param(
            {"status": "active"},
            "status",
            "Select a valid choice. active is not one of the available choices.",
            id="smm-status",
        ),
        pytest.param(
            {"production_cost": "-0.01"}, "production_cost", NOT_NEGATIVE, id="negative-cost"
        ),
        pytest.param(
            {"production_cost": "ten"}, "production_cost", "Enter a number.", id="text-cost"
        ),
        pytest.param(
            {"estimated_hours": "1.3"},
            "estimated_hours",
            "Hours are counted in quarter hours",
            id="hours-not-quarter",
        ),
        pytest.param(
            {"estimated_hours": "-1"},
            "estimated_hours",
            "Enter a positive number of hours.",
            id="negative-hours",
        ),
        pytest.param(
            {"estimated_hours": "two"}, "estimated_hours", "Enter a number.", id="text-hours"
        ),
        pytest.param(
            {"hashtags": "#bad-tag"},
            "hashtags",
            "Each hashtag is one word of letters, digits or _.",
            id="bad-hashtag",
        ),
        pytest.param({"title": ""}, "title", "This field is required.", id="no-title"),
    ],
)
def test_bad_input_is_refused(client_for, business, editor, platform, changes, field, message):
    response = create(client_for(editor), business, smo_data(platform, **changes))
    assert_refused(response, field, message)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize("hours", ["0", "0.25", "1.5", "2.75"])
def test_quarter_hours_are_accepted(client_for, business, editor, platform, hours):
    response = create(client_for(editor), business, smo_data(platform, estimated_hours=hours))
    assert response.status_code == 302
    assert Task.objects.get().estimated_hours == Decimal(hours)


# --- the image --------------------------------------------------------------------------------


def upload(content, name="x.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "image, message",
    [
        pytest.param(upload(b"not an image"), "Upload a valid image.", id="not-an-image"),
        pytest.param(
            upload(png(fmt="BMP"), "x.bmp", "image/bmp"),
            "Upload a JPEG, PNG, GIF or WebP image.",
            id="bmp",
        ),
    ],
)
def test_a_file_that_is_not_a_web_image_is_refused(
    client_for, business, editor, platform, media, image, message
):
    data = smo_data(platform, image=image, image_alt="Beans")
    response = create(client_for(editor), business, data)
    assert_refused(response, "image", message)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()
    assert stored_files(media) == []


def test_image_over_the_size_limit_is_refused(
    client_for, business, editor, platform, media, settings
):
    assert settings.MAX_IMAGE_BYTES == 5 * 1024 * 1024
    image = upload(png_of_exactly(settings.MAX_IMAGE_BYTES + 1))
    data = smo_data(platform, image=image, image_alt="Beans")
    response = create(client_for(editor), business, data)
    assert_refused(response, "image", "The image is larger than 5 MB.")
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()
    assert stored_files(media) == []


def test_image_of_exactly_the_size_limit_is_accepted(
    client_for, business, editor, platform, media, settings
):
    image = upload(png_of_exactly(settings.MAX_IMAGE_BYTES))
    data = smo_data(platform, image=image, image_alt="Beans")
    response = create(client_for(editor), business, data)
    assert response.status_code == 302
    # Stored re-encoded (planner/images.py): the padding that made it 5 MB is not kept.
    assert 0 < Task.objects.get().image.size < settings.MAX_IMAGE_BYTES


@pytest.mark.parametrize("alt", ["", "   "])
def test_image_without_alt_text_is_refused(client_for, business, editor, platform, media, alt):
    data = smo_data(platform, image=upload(png()), image_alt=alt)
    response = create(client_for(editor), business, data)
    assert_refused(response, "image_alt", "Describe the image for people who cannot see it.")
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()
    assert stored_files(media) == []


# --- rows of another business ------------------------------------------------------------------


@pytest.fixture
def foreign_ids(other_business, outsider):
    return {
        "platform": PlatformFactory(business=other_business, kind="facebook", handle="rival").pk,
        "campaign": CampaignFactory(business=other_business).pk,
        "assignee": outsider.pk,
    }


@pytest.mark.parametrize("field", ["platform", "campaign", "assignee"])
def test_a_row_of_another_business_is_not_a_valid_choice(
    client_for, business, editor, platform, foreign_ids, field
):
    data = smo_data(platform, **{field: foreign_ids[field]})
    response = create(client_for(editor), business, data)
    assert_refused(response, field, NOT_A_CHOICE)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize("field", ["platform", "campaign", "assignee"])
def test_editing_onto_a_row_of_another_business_changes_nothing(
    client_for, business, editor, platform, smo_task, foreign_ids, field
):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smo_edit", args=[business.pk, smo_task.pk]),
        smo_data(platform, **{field: foreign_ids[field]}),
    )
    assert_refused(response, field, NOT_A_CHOICE)
    assert all_rows() == before


def test_bad_input_on_edit_changes_nothing(client_for, business, editor, platform, smo_task):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smo_edit", args=[business.pk, smo_task.pk]),
        smo_data(platform, title="Renamed", backlink_url="javascript:alert(1)"),
    )
    assert_refused(response, "backlink_url", BAD_URL)
    assert all_rows() == before
