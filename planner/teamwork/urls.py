from django.urls import path

from planner.teamwork import link_views, views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("tasks/<int:pk>/review/<slug:action>/", views.task_review, name="task_review"),
]
business_patterns += [
    path("activity/", views.business_activity, name="business_activity"),
    path("tasks/<int:pk>/activity/", views.task_activity, name="task_activity"),
    path("review-links/", link_views.review_link_list, name="review_link_list"),
    path("review-links/<int:pk>/revoke/", link_views.review_link_revoke, name="review_link_revoke"),
    path("tasks/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path(
        "tasks/<int:pk>/comments/<int:comment_pk>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "tasks/<int:pk>/comments/<int:comment_pk>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
]

urlpatterns = [
    path("notifications/", views.notification_inbox, name="notification_inbox"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    # A client's review link: the secret is the key (planner/teamwork/links.py).
    path("review/<slug:token>/", link_views.review_link_page, name="review_link_page"),
    path(
        "review/<slug:token>/<str:ref>/image/",
        link_views.review_link_image,
        name="review_link_image",
    ),
    path(
        "review/<slug:token>/<str:ref>/<slug:action>/",
        link_views.review_link_decide,
        name="review_link_decide",
    ),
]
