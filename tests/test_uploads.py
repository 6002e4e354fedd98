"""Post image uploads: wrong type, a lying extension, too large, and image bombs are refused."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from planner.models import Task


def png(size, mode="1"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def post(client_for, business, editor, platform, upload):
    return client_for(editor).post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "With image",
            "status": "draft",
            "estimated_hours": "0",
            "image": upload,
            "image_alt": "a picture",
        },
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"just text", "Upload a valid image"),
        ("photo.jpg", b"%PDF-1.4 not a photo", "Upload a valid image"),  # lying extension
        ("anim.bmp", png((10, 10), "RGB"), None),  # a PNG named .bmp is still a PNG: accepted
    ],
)
def test_type_is_read_from_the_content(
    client_for, business, editor, platform, name, content, message
):
    response = post(client_for, business, editor, platform, SimpleUploadedFile(name, content))
    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["image"])
    assert not Task.objects.exists()


def test_an_image_format_we_do_not_take(client_for, business, editor, platform):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    response = post(
        client_for, business, editor, platform, SimpleUploadedFile("x.bmp", buffer.getvalue())
    )
    assert response.status_code == 400
    assert "JPEG, PNG, GIF or WebP" in response.context["form"].errors["image"][0]


def test_oversize_file(client_for, business, editor, platform, settings):
    settings.MAX_IMAGE_BYTES = 10_000
    noise = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(30_000)).save(noise, format="PNG")
    assert len(noise.getvalue()) > 10_000  # random pixels do not compress
    response = post(
        client_for, business, editor, platform, SimpleUploadedFile("big.png", noise.getvalue())
    )
    assert response.status_code == 400
    assert "larger than" in response.context["form"].errors["image"][0]


def test_image_bomb_by_dimensions(client_for, business, editor, platform):
    """A few kilobytes that would unpack to 64 megapixels."""
    bomb = png((8000, 8000))
    assert len(bomb) < 100_000
    response = post(client_for, business, editor, platform, SimpleUploadedFile("b.png", bomb))
    assert response.status_code == 400
    assert "40 megapixels" in response.context["form"].errors["image"][0]
    assert not Task.objects.exists()


def test_image_bomb_past_pillows_own_limit(client_for, business, editor, platform):
    """Pillow itself refuses to open this one (more than twice its pixel limit)."""
    bomb = png((15000, 15000))
    response = post(client_for, business, editor, platform, SimpleUploadedFile("b.png", bomb))
    assert response.status_code == 400
    assert "Upload a valid image" in response.context["form"].errors["image"][0]


def test_the_edit_page_links_the_image_to_the_members_only_view(
    client_for, business, editor, platform
):
    post(client_for, business, editor, platform, SimpleUploadedFile("a.png", png((4, 4), "RGB")))
    task = Task.objects.get()
    html = client_for(editor).get(reverse("smo_edit", args=[business.pk, task.pk])).content
    image_url = reverse("task_image", args=[business.pk, task.pk])
    assert f'href="{image_url}"'.encode() in html and b'href="/media/' not in html
    assert client_for(editor).get(image_url).status_code == 200
