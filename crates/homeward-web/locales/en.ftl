# Homeward web interface: English. Field labels come from the catalogue in English; the other
# languages translate them as field-{scope}-{name}.

## Frame
skip-to-content = Skip to content
language = Language
logout = Log out
nav-label = Main
footer-privacy = Records describe children at risk. Share nothing outside the people who need it for the child's protection.
back-to-dashboard = Back to the dashboard
nav-dashboard = Dashboard
nav-cases = Cases
nav-case-new = Register a child
nav-tracing = Tracing requests
nav-tracing-new = New tracing request
nav-users = Users
nav-audit = Audit trail

## Roles and scopes
role-caseworker = Caseworker
role-supervisor = Supervisor
role-community_volunteer = Community volunteer
role-checkpoint_officer = Checkpoint officer
role-government_officer = Government officer
role-analyst = Analyst
role-administrator = Administrator
scope-own = own records
scope-team = team
scope-agency = agency
scope-all = all records
scope-default = Role's default

## Errors
error-forbidden-title = Not allowed for your role
error-forbidden-text = Your role ({ $role }) does not allow this page. If your work needs it, ask an administrator.
error-not-found-title = Not found
error-not-found-text = This record was not found or is not visible to you. Check the reference, or ask your supervisor.
error-csrf-title = The form has expired
error-csrf-text = This form was opened in an earlier session. Go back, reload the page and submit it again.
error-bad-form-title = The form could not be read
error-bad-form-text = Go back, reload the page and try again.
error-internal-title = Something went wrong
error-internal-text = Nothing was changed. Try again; if it happens again, give the administrator incident { $incident }.
error-required = This is required.

## Login
login-title = Log in
login-intro = Homeward keeps the records of separated and unaccompanied children. Log in with the account your administrator gave you.
login-username = Username
login-password = Password
login-submit = Log in
login-error-expired = The login form had expired. Enter your username and password again.
login-error-missing = Enter both your username and your password.
login-error-rate = Too many login attempts. Wait { $seconds } seconds and try again.
login-error-wrong = The username or password is wrong, or the account is disabled.

## Lists
list-case-title = Cases
list-tracing-title = Tracing requests
search-label = Reference or name (any script)
search-label-reference = Reference
filters = Filters
filter-any = Any
filter-status = Status
filter-age_min = Age from
filter-age_max = Age to
filter-district = District
search-submit = Search
search-clear = Clear
search-names-withheld = Your role does not see names, so you can search by reference only.
search-capped = The name search looked at the first { $n } records only; add filters to narrow it.
list-none = No records match.
list-summary = { $total ->
    [one] 1 record
   *[other] { $total } records
}, page { $page } of { $pages }
col-reference = Reference
col-name = Name
col-sex = Sex
col-age = Age
col-district = District
col-risk = Risk
col-status = Status
col-updated = Updated
pager-label = Pages
pager-prev = Previous page
pager-next = Next page
pager-newer = Newer entries
pager-older = Older entries

## Record page and history
saved = Saved.
kind-case = Child case
kind-tracing = Tracing request
edit = Edit
history = Change history
redacted-note = Names, contacts, addresses and notes are withheld for your role.
registered-on = Registered
updated-on = last changed
version = version
history-title = Change history of { $reference }
back-to-record = Back to the record
history-empty = No changes recorded.
col-when = When
col-who = Who
col-field = Field
col-value = New value
value-withheld = (withheld for your role)
value-cleared = (cleared)
value-entries = { $n ->
    [one] 1 entry
   *[other] { $n } entries
}
registered-case-title = Child registered
registered-tracing-title = Tracing request registered
registered-text = The reference is { $reference }. Write it on the child's or family's card; a caseworker will follow up.

## Forms
form-case-new-title = Register a child
form-tracing-new-title = New tracing request
form-case-edit-title = Edit case { $reference }
form-tracing-edit-title = Edit tracing request { $reference }
form-conflict = Someone else changed this record since you opened it. Your changes are below but were not saved: open the record again, then make your change again.
form-errors-title = Please correct the following
form-required-note = Fields marked * are required. Fill in what you know; everything else can be added later.
choose = Choose…
answer-yes = Yes
answer-no = No
answer-unknown = Not recorded
remove-row = Remove this entry when saving
save = Save
cancel = Cancel
row-family_details = Family member { $n }
row-children_sought = Child sought { $n }
add-family_details = Add another family member
add-children_sought = Add another child
section-identity = Identity
section-protection = Protection
section-family = Family
section-separation = Separation
section-care = Care
section-consent = Consent
section-documents = Documents
section-notes = Notes
section-inquirer = Person asking
section-children = Children sought
section-other = Other

## Dashboard
dashboard-title = Welcome, { $name }
dashboard-figures = Key figures
figure-open-cases = open cases
figure-high-risk = open cases at high risk
figure-unaccompanied = unaccompanied children
figure-open-tracing = open tracing requests
risk-not-assessed = Not assessed
chart-risk-title = Open cases by risk level
dashboard-my-cases = My open cases, latest changes first
dashboard-recent-cases = Open cases in your scope, latest changes first
dashboard-create-only = Your role registers children and tracing requests. The case files are kept by caseworkers, who will follow up.

## Users and audit
users-title = Users
users-done-added = The user was added.
users-done-disabled = The account was disabled and its sessions ended.
users-done-enabled = The account was enabled.
users-done-password = The password was changed and the user's sessions ended.
users-error-self = You cannot disable your own account; ask another administrator.
col-username = Username
col-role = Role
col-agency = Agency
col-language = Language
col-actions = Actions
col-scope = Scope
col-team = Team
user-disabled = Disabled
user-active = Active
user-enable = Enable
user-disable = Disable
user-new-password = New password
user-reset-password = Set password
users-add-title = Add a user
users-add-submit = Add user
audit-title = Audit trail
audit-intact = The audit trail is intact: { $n } entries checked.
audit-broken = The audit trail is broken at entry { $seq }: { $reason }
audit-verify = Verify the whole trail
col-action = Action
col-target = Record or user
col-detail = Detail

## Choices: values the catalogue names; values not listed here are shown made readable.
choice-female = Female
choice-male = Male
choice-other = Other
choice-unknown = Unknown
choice-unaccompanied = Unaccompanied
choice-separated = Separated
choice-high = High
choice-medium = Medium
choice-low = Low
choice-open = Open
choice-closed = Closed
choice-transferred = Transferred
choice-duplicate = Duplicate
choice-tracing_in_progress = Tracing in progress
choice-verified = Verified
choice-reunified = Reunified
choice-idp = Internally displaced
choice-caafag = Associated with armed forces or groups
choice-gbv_survivor = Survivor of gender-based violence
choice-worst_forms_of_child_labor = Worst forms of child labour
choice-trafficked_smuggled = Trafficked or smuggled
choice-step_mother = Stepmother
choice-step_father = Stepfather
choice-other_family = Other family member
choice-other_nonfamily = Not family
choice-as = Assamese
choice-bn = Bengali
choice-hi = Hindi
choice-brx = Bodo
choice-ne = Nepali
choice-en = English
choice-ur = Urdu
choice-or = Odia
choice-sat = Santali
choice-kha = Khasi
choice-grt = Garo
choice-mni = Manipuri
choice-mjw = Karbi
choice-mrg = Mising
choice-alive = Alive
choice-dead = Dead
choice-national_id = National ID (Aadhaar)
choice-refugee_id = Refugee ID
choice-none = None
choice-applied = Applied for
choice-issued = Issued
choice-vital_interests = Vital interests
choice-beneficiary_interests = Best interests of the child
choice-legal_obligation = Legal obligation
choice-kafala = Kafala
choice-no_care = No care arrangement

## Potential matches
match-list-title = Potential matches
match-list-none = No potential matches yet.
match-probability = Probability
match-status-pending = Pending
match-status-confirmed = Confirmed
match-status-rejected = Rejected
match-withheld = Withheld
match-title = Potential match: { $case } and { $request }
match-child-registered = Registered child
match-child-sought = Child sought
match-parents = Parents named in the case
match-inquirer = Who is looking
match-other-agency = This record is held by another agency or team. Only what identification needs is shown, and this view is recorded in the audit trail.
match-request-withheld = The family has not consented to sharing their request; only its reference is shown.
match-why = Why these records were matched
match-why-text = Each compared field adds evidence for a match (green) or against it (red).
match-no-explanation = No explanation was recorded for this match.
match-col-field = Field
match-col-level = How the values compare
match-col-weight = Weight
match-col-status = Status
match-total-weight = Total weight
match-decision = Decision
match-decided-by = Decided by
match-decided-at = Decided on
match-reason = Reason
match-reason-hint = Say what you checked, or what did not agree.
match-decide = Confirm or reject this match
match-confirm = Confirm: this is the child sought
match-reject = Reject: this is not the child sought
match-save-decision = Save the decision
match-decision-saved = The decision was saved.
match-decision-required = Choose confirm or reject.
match-reason-required = Give a reason of at least 5 characters.
match-level-blank = Missing on one side
match-level-exact = Same
match-level-words = Same words, different order
match-level-swapped = First and last name swapped
match-level-sounds = Sounds alike, or a nickname
match-level-similar = Spelt similarly
match-level-half-words = Half the words shared
match-level-transposed = Day and month swapped
match-level-typo = One typing error
match-level-year-month = Same year and month
match-level-within-year = Within a year
match-level-within-years = { $n ->
    [one] Within 1 year
   *[other] Within { $n } years
}
match-level-different = Different
match-field-name_first = First name
match-field-name_last = Last name
match-field-name_nickname = Nickname
match-field-sex = Sex
match-field-age = Age
match-field-date_of_birth = Date of birth
match-field-mother_name = Mother's name
match-field-father_name = Father's name
match-field-village = Village
match-field-district = District
match-field-location_separation = Place of separation
match-field-date_of_separation = Date of separation
match-field-language = Language
dashboard-matches-waiting = { $n ->
    [one] 1 potential match waiting
   *[other] { $n } potential matches waiting
}
dashboard-matches-none = No potential matches are waiting for you.
dashboard-matches-more = { $n ->
    [one] 1 more is waiting: the newest are listed first.
   *[other] { $n } more are waiting: the newest are listed first.
}
