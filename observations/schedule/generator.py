"""The schedule generator: a balanced plan of slots, shown for confirmation, then saved.

What it promises (the page, the CLI and the property tests rely on it):

- `per_window` is the number of sessions per site in each time window, per week, per kind
  of day (weekday / weekend day). Over the date range, restricted to the chosen weekdays,
  each site's cell (kind of day × window) gets per_window × weeks slots, where weeks is the
  number of days in the range / 7 (a partial week counts pro rata; rounded half up, and at
  least one slot when the range holds days of that kind).
- The slots of a cell are spread over its distinct days (slot i prefers the i-th equal
  share of those days, and within it the weekday this site has used least, so a site is not
  always observed on Monday) and over the window (starts on 15-minute steps anywhere the
  slot fits, chosen with the seeded random generator).
- A site is planned only when the whole slot falls inside one of its opening periods (no
  opening hours: always open), and never twice at overlapping times (slots already saved
  count too).
- An observer (active fieldworker with an active account) is planned only when available
  for the whole slot (no availability rows: any time) and not away that day, and never in
  two slots less than GAP apart, counting the slots they already hold in any study.
- Observers are assigned by least load (slots, a pair's second observer included), ties
  broken by the seeded random generator; a repair pass then moves slots from anyone two or
  more slots above an observer who could have taken one of them, so nobody who could have
  relieved you has two slots fewer than you.
- round(paired_share × slots) of the slots get a second observer, spread over the plan.
- The same request and seed give the same plan. What cannot be planned is said in
  `Plan.problems`, in the user's language; nothing is left out silently.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from .. import audit
from ..extensions import db
from ..models import Membership, Site, Slot, Study, User
from ..validation import Invalid
from . import availability
from .balance import balance_of
from .book import GAP, Book, sites_of
from .plan import WEEKEND, Plan, PlannedSlot, PlanRequest, Window

STEP = timedelta(minutes=15)  # start times lie on quarter hours


def kind_of(day: date) -> str:
    """ "weekend" for Saturday and Sunday, else "weekday"."""
    return "weekend" if day.weekday() in WEEKEND else "weekday"


def slot_count(request: PlanRequest, days: int) -> int:
    """Slots per cell: per_window × weeks, rounded half up, at least one when days exist."""
    weeks = ((request.last_day - request.first_day).days + 1) / 7
    return max(1, int(request.per_window * weeks + 0.5)) if days else 0


@dataclass
class _Cell:
    """One site's kind of day × window, with its days and how many slots it should get."""

    site: Site
    kind: str
    window: Window
    rotation: int
    days: list[date]
    target: int
    planned: int = 0
    ever_open: bool = False


@dataclass
class _Draft:
    """A slot being planned."""

    cell: _Cell
    starts: datetime
    ends: datetime
    observers: list[Membership] = field(default_factory=list)


def _cells(sites: list[Site], request: PlanRequest) -> list[_Cell]:
    """Every site's kind-of-day × window cells, with their days and targets."""
    days = [
        request.first_day + timedelta(days=n)
        for n in range((request.last_day - request.first_day).days + 1)
    ]
    days = [day for day in days if day.weekday() in request.weekdays]
    cells = []
    for site_index, site in enumerate(sites):
        for kind in ("weekday", "weekend"):
            of_kind = [day for day in days if kind_of(day) == kind]
            for window_index, window in enumerate(request.windows):
                rotation = (site_index * len(request.windows) + window_index) % 7
                target = slot_count(request, len(of_kind))
                if target:
                    cells.append(_Cell(site, kind, window, rotation, of_kind, target))
    return cells


class _Generator:
    """One run of the generator over a request."""

    def __init__(self, study: Study, request: PlanRequest):
        self.study, self.request = study, request
        self.rng = random.Random(request.seed)
        self.sites = sites_of(study, request.site_ids)
        self.team = availability.observers(study)
        self.book = Book(study, self.sites, self.team, request)
        self.duration = timedelta(minutes=request.duration_minutes)
        self.used_weekdays: dict[tuple[int, int], int] = {}
        self.drafts: list[_Draft] = []
        self.problems: list[str] = []
        self.closed: set[tuple[str, str, str]] = set()  # (site, kind of day, window) never open

    def run(self) -> Plan:
        """Place the slots, pair some, balance the load; return the plan."""
        if not self.team:
            self.problems.append(_("The study has no active observers: nothing was planned."))
        elif not self.sites:
            self.problems.append(_("No active site to plan: nothing was planned."))
        else:
            cells = _cells(self.sites, self.request)
            # Chronological order of preferred days keeps everyone's load growing evenly.
            demands = sorted(
                ((cell, i) for cell in cells for i in range(cell.target)),
                key=lambda d: (d[1] / d[0].target, d[0].site.name, d[0].kind, d[0].window.starts),
            )
            for cell, index in demands:
                self._place(cell, index)
            self._cell_problems(cells)
            self.closed = {(c.site.name, c.kind, c.window.label) for c in cells if not c.ever_open}
            self._pair()
            self._repair()
        return self._plan()

    def _day_order(self, cell: _Cell, index: int) -> tuple[list[date], list[date]]:
        """Days to try for the cell's index-th slot: its share of the days, then the rest."""
        count, target = len(cell.days), cell.target
        first = index * count // target
        share = cell.days[first : max(first + 1, (index + 1) * count // target)]
        share.sort(
            key=lambda day: (
                self.used_weekdays.get((cell.site.id, day.weekday()), 0),
                (day.weekday() - cell.rotation) % 7,
            )
        )
        middle = share[0]
        rest = sorted(
            (day for day in cell.days if day not in share),
            key=lambda day: (abs((day - middle).days), day),
        )
        return share, rest

    def _starts(self, window: Window) -> list[time]:
        """The quarter hours in the window at which the slot fits, in seeded random order."""
        moment = datetime.combine(date.min, window.starts)
        latest = datetime.combine(date.min, window.ends) - self.duration
        options = []
        while moment <= latest:
            options.append(moment.time())
            moment += STEP
        self.rng.shuffle(options)
        return options

    def _least_loaded(self, candidates: list[Membership]) -> Membership:
        """The candidate with the fewest slots, ties broken by the seeded generator."""
        keys = {m.user_id: (self.book.load(m), self.rng.random()) for m in candidates}
        return min(candidates, key=lambda m: keys[m.user_id])

    def _options(self, cell: _Cell, index: int):
        """(in its share of days?, starts, ends, free observers) for each time the slot fits."""
        share, rest = self._day_order(cell, index)
        starts_options = self._starts(cell.window)
        for day in share + rest:
            for start in starts_options:
                starts = datetime.combine(day, start, self.book.zone)
                ends = starts + self.duration
                if not availability.site_is_open(cell.site, starts, ends):
                    continue
                cell.ever_open = True
                if self.book.site_busy[cell.site.id].clashes(starts, ends):
                    continue
                free = [m for m in self.team if self.book.free(m, starts, ends)]
                if free:
                    yield day in share, starts, ends, free

    def _lightest(self, starts: datetime, ends: datetime) -> int:
        """The lowest load among the observers available then (busy or not)."""
        loads = [self.book.load(m) for m in self.team if availability.is_available(m, starts, ends)]
        return min(loads, default=0)

    def _place(self, cell: _Cell, index: int) -> None:
        """Plan the cell's index-th slot in its share of days, at a time when an observer
        as lightly loaded as anyone available then is free (else the first time that works)."""
        fallback = None
        for in_share, starts, ends, free in self._options(cell, index):
            if fallback is not None and not in_share:
                break
            chosen = self._least_loaded(free)
            if in_share and self.book.load(chosen) > self._lightest(starts, ends):
                fallback = fallback or (starts, ends, chosen)
                continue
            self._book_draft(cell, starts, ends, chosen)
            return
        if fallback is not None:
            self._book_draft(cell, *fallback)

    def _book_draft(self, cell: _Cell, starts: datetime, ends: datetime, member) -> None:
        """Add a slot to the plan with its first observer."""
        draft = _Draft(cell, starts, ends)
        self.book.assign(draft, member)
        self.book.site_busy[cell.site.id].add(starts, ends)
        key = (cell.site.id, starts.weekday())
        self.used_weekdays[key] = self.used_weekdays.get(key, 0) + 1
        cell.planned += 1
        self.drafts.append(draft)

    def _cell_problems(self, cells: list[_Cell]) -> None:
        """Say which cells got fewer slots than asked, and why."""
        kinds = {"weekday": _("weekdays"), "weekend": _("weekend days")}
        for cell in cells:
            where = {"site": cell.site.name, "days": kinds[cell.kind], "window": cell.window.label}
            if not cell.ever_open:
                self.problems.append(
                    _("%(site)s is closed on %(days)s during %(window)s: nothing planned.", **where)
                )
            elif cell.planned < cell.target:
                self.problems.append(
                    _(
                        "%(site)s, %(days)s %(window)s: %(planned)d of %(target)d slots planned; "
                        "no observer was free or the site was fully booked for the others.",
                        planned=cell.planned,
                        target=cell.target,
                        **where,
                    )
                )

    def _pair(self) -> None:
        """Give round(paired_share × slots) slots, spread over the plan, a second observer."""
        total = len(self.drafts)
        wanted = int(self.request.paired_share * total + 0.5)
        if not wanted:
            return
        ordered = sorted(self.drafts, key=lambda d: (d.starts, d.cell.site.name))
        spread = [ordered[int((j + 0.5) * total / wanted)] for j in range(wanted)]
        candidates = spread + [d for d in ordered if d not in spread]
        paired = 0
        for draft in candidates:
            if paired == wanted:
                break
            free = [
                m
                for m in self.team
                if m not in draft.observers and self.book.free(m, draft.starts, draft.ends)
            ]
            if free:
                self.book.assign(draft, self._least_loaded(free))
                paired += 1
        if paired < wanted:
            self.problems.append(
                _(
                    "Only %(paired)d of the %(wanted)d paired slots asked for could get a "
                    "second observer.",
                    paired=paired,
                    wanted=wanted,
                )
            )

    def _repair(self) -> None:
        """Move slots from heavily loaded observers to those two or more slots below them."""
        moved = True
        while moved:
            moved = False
            for member in sorted(self.team, key=lambda m: (-self.book.load(m), m.observer_code)):
                for draft in list(self.book.drafts[member.user_id]):
                    other = self._relief(member, draft)
                    if other is not None:
                        self.book.unassign(draft, member)
                        self.book.assign(draft, other)
                        moved = True
                        break
                if moved:
                    break

    def _relief(self, member: Membership, draft: _Draft) -> Membership | None:
        """The least-loaded observer two slots below the member who could take the draft."""
        limit = self.book.load(member) - 2
        able = [
            m
            for m in self.team
            if self.book.load(m) <= limit
            and m not in draft.observers
            and self.book.free(m, draft.starts, draft.ends, leaving=draft)
        ]
        return min(able, key=lambda m: (self.book.load(m), m.observer_code)) if able else None

    def _plan(self) -> Plan:
        """The drafts as a Plan, in time order, with its balance summary."""
        slots = [
            PlannedSlot(
                site_id=d.cell.site.id,
                site_name=d.cell.site.name,
                zone_ids=[z.id for z in d.cell.site.zones if z.active],
                zone_names=[z.name for z in d.cell.site.zones if z.active],
                starts_at=d.starts,
                ends_at=d.ends,
                window=d.cell.window.label,
                observer_ids=[m.user_id for m in d.observers],
                observer_codes=[m.observer_code for m in d.observers],
            )
            for d in sorted(self.drafts, key=lambda d: (d.starts, d.cell.site.name))
        ]
        balance = balance_of(self.request, self.sites, self.team, slots, self.closed)
        return Plan(self.request, slots, balance, self.problems)


def generate(study: Study, request: PlanRequest) -> Plan:
    """A balanced plan for the request (nothing is stored)."""
    return _Generator(study, request).run()


def _stale(study: Study, plan: Plan) -> list[str]:
    """What in the plan no longer holds: sites gone, observers gone or busy, sites taken."""
    sites = {site.id: site for site in sites_of(study, [])}
    team = {m.user_id: m for m in availability.observers(study)}
    book = Book(study, list(sites.values()), list(team.values()), plan.request)
    found = []
    for slot in plan.slots:
        period = (slot.starts_at, slot.ends_at)
        when = f"{slot.site_name} {slot.starts_at:%Y-%m-%d %H:%M}"
        if slot.site_id not in sites or book.site_busy[slot.site_id].clashes(*period):
            found.append(when)
            continue
        book.site_busy[slot.site_id].add(*period)
        for user_id in slot.observer_ids:
            if user_id not in team or book.person_busy[user_id].clashes(*period, GAP):
                found.append(when)
                break
            book.person_busy[user_id].add(*period)
    return found


def save(study: Study, plan: Plan, actor: User) -> list[Slot]:
    """Store the plan's slots with one audit event; refuse a plan that went stale."""
    stale = _stale(study, plan)
    if stale:
        raise Invalid.single(
            "plan",
            _(
                "The plan is out of date: the schedule changed since it was made (%(slots)s). "
                "Generate it again.",
                slots=", ".join(stale[:3]) + (" …" if len(stale) > 3 else ""),
            ),
        )
    zones = {site.id: [z for z in site.zones if z.active] for site in sites_of(study, [])}
    slots = []
    for planned in plan.slots:
        observers = [*planned.observer_ids, None]
        slot = Slot(
            study_id=study.id,
            site_id=planned.site_id,
            starts_at=planned.starts_at,
            duration_minutes=int((planned.ends_at - planned.starts_at).total_seconds() // 60),
            fieldworker_id=observers[0],
            partner_id=observers[1],
            time_window=planned.window,
            status="planned",
            zones=list(zones[planned.site_id]),
        )
        db.session.add(slot)
        slots.append(slot)
    request = plan.request
    audit.record(
        "create",
        "schedule",
        f"{request.first_day.isoformat()}..{request.last_day.isoformat()}",
        changes={
            "slots": [None, len(slots)],
            "first_day": [None, request.first_day.isoformat()],
            "last_day": [None, request.last_day.isoformat()],
            "parameters": [None, request_summary(request)],
        },
        actor=actor,
        study_id=study.id,
    )
    db.session.flush()
    return slots


def request_summary(request: PlanRequest) -> dict:
    """The request's parameters as plain JSON values (for the audit log)."""
    return {
        "sites": list(request.site_ids),
        "weekdays": list(request.weekdays),
        "windows": [w.label for w in request.windows],
        "per_window": request.per_window,
        "duration_minutes": request.duration_minutes,
        "paired_share": request.paired_share,
        "seed": request.seed,
    }
