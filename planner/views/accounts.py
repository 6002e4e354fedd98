from django.contrib.auth import login
from django.shortcuts import redirect, render

from planner.forms import SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="planner.auth_backends.UsernameOrEmailBackend")
        return redirect("business_create")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)
