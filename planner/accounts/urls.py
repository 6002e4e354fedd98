from django.urls import path

from planner.accounts import views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("members/invite/", views.invitation_create, name="invitation_create"),
    path(
        "members/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "members/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("members/leave/", views.member_leave, name="member_leave"),
]

urlpatterns = [
    path("invitations/", views.invitations_waiting, name="invitations_waiting"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<slug:token>/", views.invitation_detail, name="invitation_detail"),
]
