from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and monitoring: the app answers and its database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
