"""The composer: one post written once for several platforms, each platform's variant its own
SMO task. The main form holds what the variants share; each platform's section may give its
own text, hashtags, image and alt text, publish time and backlink (blank: the main one's).

Each variant is checked by the post form itself (SmoTaskForm) on the values it will have, so
the composer refuses exactly what the post form refuses, against each platform's own limit.
"""

from dataclasses import dataclass, field

from django import forms
from django.forms.models import model_to_dict
from django.forms.utils import ErrorDict
from django.utils import timezone

from planner.forms.base import DateTimeInput
from planner.forms.tasks import SmoTaskForm
from planner.models import Platform, Task

# What a platform's variant can have of its own; the rest (title, campaign, status, UTM tags,
# assignee, hours, cost) the variants share.
VARIANT_FIELDS = ("post_text", "hashtags", "image", "image_alt", "backlink_url", "scheduled_at")
SAME_AS_MAIN = "Blank: the same as the main post's."


class ComposeForm(SmoTaskForm):
    """The main post: the post form without its platform, with the platforms to post on."""

    platforms = forms.ModelMultipleChoiceField(
        queryset=Platform.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Each platform gets its own post, which you can adjust below.",
    )

    class Meta(SmoTaskForm.Meta):
        # The platform goes once the post form has set up its choices (see __init__).
        fields = tuple(name for name in SmoTaskForm.Meta.fields if name != "published_url")

    def __init__(self, *args, platforms, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["platform"]  # each variant's is its section's
        self.order_fields(["platforms", "title", "campaign"])
        self.fields["platforms"].queryset = Platform.objects.filter(
            pk__in=[p.pk for p in platforms]
        )
        self.fields["platforms"].label = "Add platforms" if editing else "Post on"
        self.fields["estimated_hours"].help_text = "For each platform's post."
        self.fields["production_cost"].help_text = "For each platform's post."
        self.fields["image"].help_text = "Used by every platform that does not upload its own."
        self.editing = editing

    def _check_approval(self, status):
        if not self.editing:  # a new post; when editing, each variant's own review state counts
            super()._check_approval(status)


class VariantForm(forms.Form):
    """What a platform's section shows: its own values, blank where it takes the main post's.
    Only shown: the values are checked as a whole post by SmoTaskForm (Section.checked)."""

    post_text = forms.CharField(
        required=False, label="Text", widget=forms.Textarea(attrs={"rows": 4})
    )
    hashtags = forms.CharField(required=False)
    image = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    image_alt = forms.CharField(required=False, label="Image alt text")
    backlink_url = forms.CharField(required=False, label="Backlink URL")
    scheduled_at = forms.CharField(
        required=False, label="Scheduled publish time", widget=DateTimeInput()
    )
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in VARIANT_FIELDS:
            if name != "image":
                self.fields[name].widget.attrs["placeholder"] = "Same as the main post"
        self.fields["post_text"].help_text = SAME_AS_MAIN


@dataclass
class Section:
    """One platform's part of the composer: its shown form, and (bound) the whole post it
    makes checked by the post form."""

    prefix: str
    platform: Platform
    task: Task | None  # the saved variant when editing a group
    shown: VariantForm
    checked: SmoTaskForm | None = None
    other_errors: list = field(default_factory=list)
    saved: dict = field(default_factory=dict)  # a saved variant's values, before this edit

    @property
    def image_name(self):
        return self.saved.get("image_name", "")

    @property
    def own_image(self):
        return bool(self.shown.files.get(self.shown.add_prefix("image")))


class Composer:
    """The main form and a section per platform: the group's variants first (when editing),
    then the business's other platforms, which can be added."""

    def __init__(self, request, group=None, variants=()):
        business = request.business
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        self.business, self.group, self.data = business, group, data
        platforms = list(Platform.objects.for_business(business))
        taken = {task.platform_id for task in variants}
        first = variants[0] if variants else None
        self.first_values = _values(first) if first else {}
        self.main = ComposeForm(
            data,
            files,
            business=business,
            instance=_main_instance(first),
            platforms=[p for p in platforms if p.pk not in taken],
            editing=group is not None,
            initial={"assignee": request.user.pk} if first is None else {},
        )
        self.sections = [
            _section(f"t{task.pk}", task.platform, task, data, files, first) for task in variants
        ] + [
            _section(f"p{platform.pk}", platform, None, data, files, None)
            for platform in platforms
            if platform.pk not in taken
        ]

    def chosen(self):
        """The platforms ticked in the main form (by id), as posted or as shown."""
        if self.main.is_bound:
            return {str(pk) for pk in self.main.data.getlist("platforms")}
        return set()

    def included(self):
        chosen = self.chosen()
        return [s for s in self.sections if s.task is not None or str(s.platform.pk) in chosen]

    def is_valid(self):
        """Check the main form, then each included platform's whole post; False if anything
        is refused (each section then holds its errors)."""
        main_valid = self.main.is_valid()
        included = self.included()
        if not included:
            self.main.add_error("platforms", "Choose at least one platform to post on.")
            return False
        valid = main_valid
        for section in included:
            section.checked = SmoTaskForm(
                self._merged(section),
                self._files(section),
                business=self.business,
                instance=section.task,
            )
            valid = section.checked.is_valid() and valid
            self._show_errors(section)
        return valid

    def _merged(self, section):
        """The post the section makes. A new one: its own values where given, else the main
        post's. A saved one: its own values, changed where its section was, or where the main
        post changed a value this variant shared with it (the first variant's)."""
        own = section.shown.add_prefix
        merged = {}
        for name in SmoTaskForm.Meta.fields:
            if name == "platform":
                merged[name] = str(section.platform.pk)
            elif name == "image":
                continue  # the main image is put on the variant when it is saved
            elif section.task is not None:
                merged[name] = self._kept_or_changed(section, name)
            elif name == "published_url":  # the composer does not set it
                merged[name] = ""
            elif name in VARIANT_FIELDS and self.data.get(own(name), "").strip():
                merged[name] = self.data[own(name)]
            else:
                merged[name] = self.data.get(name, "")
        merged["seen_version"] = self.data.get(own("seen_version"), "")
        return merged

    def _kept_or_changed(self, section, name):
        posted = self.data.get(section.shown.add_prefix(name))
        if name in VARIANT_FIELDS and posted is not None and name in section.shown.changed_data:
            return posted  # typed in this platform's section
        saved = section.saved.get(name)
        main_changed = name in self.main.fields and name in self.main.changed_data
        if main_changed and _same(saved, self.first_values.get(name)):  # it had the main's
            return self.data.get(name, "")
        return "" if saved is None else saved

    def _files(self, section):
        upload = section.shown.files.get(section.shown.add_prefix("image"))
        return {"image": upload} if upload else {}

    def _show_errors(self, section):
        """The post form's errors beside the section's fields; those of shared fields only
        when the main form has not said the same."""
        shown = ErrorDict()
        for name, errors in section.checked.errors.items():
            if name in VARIANT_FIELDS:
                inherited = not self.data.get(section.shown.add_prefix(name), "").strip()
                hint = [f"(The main post’s {_label(name)} is used: give {section.platform}’s own.)"]
                shown[name] = errors if not inherited else errors + hint
            elif name == "__all__" or name not in self.main.errors:
                label = _label(name) if name != "__all__" else ""
                section.other_errors += [f"{label}: {e}" if label else e for e in errors]
        section.shown._errors = shown

    def variants(self):
        """(task, seen version, keeps its image) of each included section, ready to save: call
        after is_valid(). A variant keeps its image when it uploads its own, or (editing) has
        one other than the first variant's: a new main image goes to the others."""
        found = []
        for section in self.included():
            checked = section.checked
            keeps = section.own_image or (
                section.task is not None
                and section.image_name not in ("", self.first_values.get("image_name", ""))
            )
            task = checked.save(commit=False)
            found.append((task, checked.cleaned_data.get("seen_version"), keeps))
        return found

    @property
    def main_image(self):
        image = self.main.cleaned_data.get("image")
        return image if image and hasattr(image, "read") and self.main.files.get("image") else None


def _main_instance(first):
    """The main post shown when editing: the first variant's values (a copy: never saved)."""
    if first is None:
        return None
    values = {f.attname: getattr(first, f.attname) for f in Task._meta.concrete_fields}
    values.pop("id")
    values["image"] = ""  # an image uploaded here replaces the variants' (see ComposeForm)
    return Task(**values)


def _section(prefix, platform, task, data, files, first):
    initial, saved, none_of_its_own = {}, {}, []
    if task is not None:  # its own values, where they differ from the main post's
        saved = _values(task)
        for name in VARIANT_FIELDS:
            value = getattr(task, name)
            if name == "image" or value == getattr(first, name):
                continue
            if value in ("", None):
                none_of_its_own.append(name)  # blank, but not the main post's
            else:
                initial[name] = _local(value) if name == "scheduled_at" else value
        initial["seen_version"] = task.version
    shown = VariantForm(data, files, prefix=prefix, initial=initial)
    for name in none_of_its_own:
        shown.fields[name].widget.attrs["placeholder"] = "None for this platform"
    return Section(prefix, platform, task, shown, saved=saved)


def _values(task):
    """The task's values as the post form takes them (ids for its choices), read before any
    form changes it."""
    values = model_to_dict(task, fields=SmoTaskForm.Meta.fields)
    values["image_name"] = task.image.name or ""
    return values


def _same(saved, first):
    return (saved in ("", None) and first in ("", None)) or saved == first


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _label(name):
    return str(Task._meta.get_field(name).verbose_name) if name != "seen_version" else "version"
