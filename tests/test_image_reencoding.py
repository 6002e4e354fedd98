"""Post images are re-encoded on upload: camera metadata and GPS positions are not stored, the
name carries the real format's extension, and the file is served with the real type."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from planner.models import Task
from tests.factories import SmoTaskFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps(size=(40, 20), orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def post(client, business, platform, name, content):
    return client.post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "With image",
            "status": "draft",
            "estimated_hours": "0",
            "image": SimpleUploadedFile(name, content),
            "image_alt": "a picture",
        },
    )


def stored(task):
    with task.image.open("rb") as file:
        return file.read()


def test_gps_and_camera_metadata_are_not_stored(client_for, business, editor, platform):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the sample has GPS
    response = post(client_for(editor), business, platform, "holiday.jpg", original)
    assert response.status_code == 302
    task = Task.objects.get()
    data = stored(task)
    assert data != original
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 20)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert 0x010F not in exif and 0x0110 not in exif
    assert b"CameraMaker" not in data


def test_the_orientation_is_applied_before_the_metadata_goes(
    client_for, business, editor, platform
):
    # Orientation 6: the camera was turned; viewers rotate the 40×20 pixels to 20×40.
    post(client_for(editor), business, platform, "turned.jpg", jpeg_with_gps(orientation=6))
    with Image.open(io.BytesIO(stored(Task.objects.get()))) as image:
        assert image.size == (20, 40)
        assert ORIENTATION not in image.getexif()


def test_png_text_chunks_are_not_stored(client_for, business, editor, platform):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location: 52.52N 13.40E")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG", pnginfo=info)
    post(client_for(editor), business, platform, "p.png", buffer.getvalue())
    assert b"secret location" not in stored(Task.objects.get())


@pytest.mark.parametrize("name", ["report.pdf", "vector.eps", "page.ps", "scan.tiff"])
def test_the_real_format_names_and_types_the_stored_file(
    client_for, business, editor, platform, name
):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    client = client_for(editor)
    assert post(client, business, platform, name, buffer.getvalue()).status_code == 302
    task = Task.objects.get()
    assert task.image.name.endswith(".png")
    response = client.get(reverse("task_image", args=[business.pk, task.pk]))
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "PPM", "ICO"])
def test_formats_outside_the_four_are_refused(client_for, business, editor, platform, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, format=fmt)
    response = post(client_for(editor), business, platform, "x.png", buffer.getvalue())
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, GIF or WebP image." in response.content.decode()
    assert not Task.objects.exists()


def test_an_animated_gif_keeps_its_frames(client_for, business, editor, platform):
    frames = [Image.new("RGB", (10, 10), rgb) for rgb in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=120)
    post(client_for(editor), business, platform, "a.gif", buffer.getvalue())
    with Image.open(io.BytesIO(stored(Task.objects.get()))) as image:
        assert image.format == "GIF" and image.n_frames == 3


def test_a_stored_file_that_is_not_an_image_is_only_downloaded(
    client_for, business, platform, viewer, settings
):
    # Stored before uploads were re-encoded, under an image's name.
    task = SmoTaskFactory(business=business, platform=platform)
    task.image.save("old.png", io.BytesIO(b"%PDF-1.4 not an image"), save=True)
    response = client_for(viewer).get(reverse("task_image", args=[business.pk, task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
