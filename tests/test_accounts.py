"""Sign up, log in (username or e-mail), log out."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()


def test_sign_up_logs_in_and_asks_for_a_business(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "maria",
            "email": "maria@example.com",
            "password1": "roasted-beans-2026",
            "password2": "roasted-beans-2026",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("business_create")
    assert client.get(reverse("business_create")).status_code == 200
    assert User.objects.get(username="maria").email == "maria@example.com"


def test_password_rules_apply(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "sam", "email": "s@example.com", "password1": "short1", "password2": "short1"},
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["password2"])
    assert "at least 12 characters" in errors
    response = client.post(
        reverse("signup"),
        {
            "username": "sam",
            "email": "s@example.com",
            "password1": "password1234",
            "password2": "password1234",
        },
    )
    assert "too common" in " ".join(response.context["form"].errors["password2"])
    assert not User.objects.filter(username="sam").exists()


def test_duplicate_email_is_refused(client, db):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("signup"),
        {
            "username": "new",
            "email": "TAKEN@example.com",
            "password1": "roasted-beans-2026",
            "password2": "roasted-beans-2026",
        },
    )
    assert "already exists" in response.context["form"].errors["email"][0]


def test_log_in_with_username_or_email(client, db):
    user = UserFactory(username="lena", email="lena@example.com")
    for identifier in ("lena", "lena@example.com", "LENA@example.com"):
        response = client.post(reverse("login"), {"username": identifier, "password": PASSWORD})
        assert response.status_code == 302, identifier
        assert int(client.session["_auth_user_id"]) == user.pk
        client.post(reverse("logout"))
        assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, db):
    UserFactory(username="lena")
    response = client.post(reverse("login"), {"username": "lena", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client, db):
    for url in (reverse("home"), reverse("business_create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.get(reverse("signup")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
