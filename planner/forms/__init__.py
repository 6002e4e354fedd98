"""Forms. Each one that offers a choice of rows is given the business and offers only its rows,
so an id of another business smuggled into a POST is an ordinary "not a valid choice" error.

One module per area; every name is importable from `planner.forms` as well:

- base: date widgets, VersionedForm (edit conflicts), member_users, quarter_hours
- business: BusinessForm, MemberRoleForm, BusinessImportForm (invitations: planner/accounts)
- platforms: PlatformForm
- campaigns: CampaignForm
- tasks: TaskForm, SmoTaskForm, SmmTaskForm, TASK_FORMS
- entries: TimeEntryForm, ResultEntryForm
- filters: TaskFilterForm, DashboardFilterForm
- moves: MoveTasksForm (deleting a platform or campaign)
"""

from planner.forms.base import (
    QUARTER,
    DateInput,
    DateTimeInput,
    User,
    VersionedForm,
    _same,
    _shown,
    member_users,
    quarter_hours,
)
from planner.forms.business import (
    BusinessForm,
    BusinessImportForm,
    BusinessSettingsForm,
    MemberRoleForm,
)
from planner.forms.campaigns import CampaignForm
from planner.forms.entries import ResultEntryForm, TimeEntryForm
from planner.forms.filters import DashboardFilterForm, TaskFilterForm
from planner.forms.moves import MoveTasksForm
from planner.forms.platforms import PlatformForm
from planner.forms.tasks import (
    IMAGE_FORMATS,
    MAX_IMAGE_PIXELS,
    TASK_FORMS,
    UTM_FIELDS,
    UTM_HELP,
    SmmTaskForm,
    SmoTaskForm,
    TaskForm,
)

__all__ = [
    "IMAGE_FORMATS",
    "MAX_IMAGE_PIXELS",
    "QUARTER",
    "TASK_FORMS",
    "UTM_FIELDS",
    "UTM_HELP",
    "BusinessForm",
    "BusinessImportForm",
    "BusinessSettingsForm",
    "CampaignForm",
    "DashboardFilterForm",
    "DateInput",
    "DateTimeInput",
    "MemberRoleForm",
    "MoveTasksForm",
    "PlatformForm",
    "ResultEntryForm",
    "SmmTaskForm",
    "SmoTaskForm",
    "TaskFilterForm",
    "TaskForm",
    "TimeEntryForm",
    "User",
    "VersionedForm",
    "_same",
    "_shown",
    "member_users",
    "quarter_hours",
]
