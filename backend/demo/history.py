"""The demo's past: three months of service jobs (with events, parts and ratings), sales visits
and the reps' routes, drawn from the seed so the boards tell a story.

Some models fail more than others, a few engineers are rated lower (and cause more repeat
visits), a few jobs breach their SLA, and today a handful of jobs are open on the dispatch board.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from backend.demo import names

Row = tuple[Any, ...]
SHANGHAI_OFFSET = timedelta(hours=8)
KM_PER_DEG = 111.32
DAYS = 90  # the history's reach
ROUTE_DAYS = 30  # reps' location pings are kept for the last month only
BASE_RATE = 0.45  # service requests per device over DAYS, before the model's own factor
SLA_HOURS = {"urgent": (2, 8), "high": (4, 24), "normal": (8, 48)}  # the settings' defaults
RAISED = {"normal": "high", "high": "urgent", "urgent": "urgent"}
RATED = 0.7  # of completed jobs the customer rates


@dataclass(frozen=True)
class EngineerCraft:
    """How an engineer tends to do: mean score given, chance that his fix does not last."""

    mean_score: float
    repeat_chance: float


@dataclass
class Job:
    device: int
    created: datetime
    engineer: int | None


def _local(moment: datetime) -> datetime:
    return moment + SHANGHAI_OFFSET  # naive Shanghai wall time, only to place working hours


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class History:
    """Draws from its own seeded Random after the rest of the plan, in a fixed order."""

    def __init__(self, rng: random.Random, now: datetime, plan: dict[str, list[Row]]) -> None:
        self.rng = rng
        self.now = now
        self.plan = plan
        users = plan["users"]
        self.engineers = [i for i, u in enumerate(users) if u[3] == "engineer"]
        self.reps = [i for i, u in enumerate(users) if u[3] == "rep"]
        self.craft = {e: self._craft() for e in self.engineers}
        self.skilled: dict[str, list[int]] = {}
        for e in self.engineers:
            for skill in users[e][5]:
                self.skilled.setdefault(skill, []).append(e)
        self.out: dict[str, list[Row]] = {
            key: [] for key in ("work_orders", "events", "part_usage", "ratings")
        }
        self.out |= {"visits": [], "pings": []}

    def _craft(self) -> EngineerCraft:
        roll = self.rng.random()
        if roll < 0.12:  # struggling: lower scores, fixes that come back
            return EngineerCraft(3.0, 0.25)
        if roll < 0.35:
            return EngineerCraft(4.7, 0.04)
        return EngineerCraft(4.3, 0.08)

    def moment(self, days_ago_max: int, days_ago_min: int = 1) -> datetime:
        """A working-hours moment (Shanghai) between the given numbers of days ago, in UTC."""
        day = _local(self.now).date() - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))
        wall = datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randrange(60)))
        return (wall - SHANGHAI_OFFSET).replace(tzinfo=self.now.tzinfo)

    # --- service jobs ---------------------------------------------------------------------------

    def jobs(self) -> None:
        devices = self.plan["devices"]
        planned: list[Job] = []
        for index, device in enumerate(devices):
            spec = names.PRODUCTS[device[1]]
            rate = BASE_RATE * names.FAILURE_FACTOR.get(spec.sku, 1.0)
            for _ in range(_poisson(self.rng, rate)):
                planned.append(Job(index, self.moment(DAYS), None))
        # In time order, repeats included: a repeat is served when its day comes.
        queue = sorted(planned, key=lambda j: j.created, reverse=True)
        while queue:
            repeat = self._service(queue.pop())
            if repeat is not None:
                bisect.insort(queue, repeat, key=lambda j: -j.created.timestamp())

    def _engineer_for(self, skill: str) -> int | None:
        choices = self.skilled.get(skill) or self.engineers
        return self.rng.choice(choices) if choices else None

    def _service(self, job: Job) -> Job | None:
        """One job from request to rating; returns the repeat visit it causes, if any."""
        rng = self.rng
        device = self.plan["devices"][job.device]
        account = self.plan["accounts"][device[0]]
        spec = names.PRODUCTS[device[1]]
        engineer = job.engineer or self._engineer_for(spec.skill)
        if engineer is None:
            return None
        priority = rng.choices(("normal", "high", "urgent"), weights=(80, 15, 5))[0]
        if account[5]:  # VIP
            priority = RAISED[priority]
        respond_h, resolve_h = SLA_HOURS[priority]
        created = job.created
        t = created + timedelta(minutes=rng.uniform(1, 8))
        events: list[Row] = [(created, "created", None, "new", None)]
        if rng.random() < 0.04:  # called off before anyone went
            events.append((t, "cancelled", "new", "cancelled", None))
            self._write(
                job,
                engineer=None,
                priority=priority,
                status="cancelled",
                times={},
                events=events,
                respond_h=respond_h,
                resolve_h=resolve_h,
            )
            return None
        first_offer = t
        if rng.random() < 0.15:  # the first engineer asked said no
            other = self._engineer_for(spec.skill)
            events.append((t, "offered", "new", "offered", other))
            t += timedelta(minutes=rng.uniform(1, 4))
            events.append((t, "declined", "offered", "new", other))
            t += timedelta(minutes=rng.uniform(1, 3))
        events.append((t, "offered", "new", "offered", engineer))
        offered = t
        slow = rng.random() < 0.04  # a backlog morning: the acceptance comes late
        t += timedelta(minutes=rng.uniform(60 * respond_h, 90 * respond_h) if slow
                       else rng.uniform(1, 15))  # fmt: skip
        accepted = t
        events.append((t, "accepted", "offered", "accepted", engineer))
        t += timedelta(minutes=rng.uniform(2, 10))
        events.append((t, "en_route", "accepted", "en_route", engineer))
        t += timedelta(minutes=rng.uniform(15, 75))
        arrived = t
        events.append((t, "arrived", "en_route", "on_site", engineer))
        waits = rng.random() < 0.05  # waiting for a part: the job runs for days
        t += (
            timedelta(hours=rng.uniform(30, 80))
            if waits
            else timedelta(minutes=rng.uniform(25, 160))
        )
        completed = t
        if completed >= self.now - timedelta(hours=2):
            return None  # still running: the history only keeps finished jobs
        events.append((t, "completed", "on_site", "completed", engineer))
        craft = self.craft[engineer]
        late = accepted > created + timedelta(hours=respond_h) or completed > created + timedelta(
            hours=resolve_h
        )
        rating = None
        if rng.random() < RATED:
            at = completed + timedelta(hours=rng.uniform(0.5, 36))
            if at < self.now:
                mean = craft.mean_score - names.SCORE_PENALTY.get(spec.sku, 0.0) - late * 1.2
                score = max(1, min(5, round(rng.gauss(mean, 0.7))))
                rating = (score, self._comment(score), at)
                events.append((at, "rated", "completed", "rated", None))
        status = "rated" if rating else "completed"
        self._write(
            job,
            engineer=engineer,
            priority=priority,
            status=status,
            times={"offered": offered, "accepted": accepted, "arrived": arrived,
                   "completed": completed, "first_offer": first_offer},
            events=events,
            respond_h=respond_h,
            resolve_h=resolve_h,
            rating=rating,
            parts=self._parts(spec.skill),
        )  # fmt: skip
        chance = craft.repeat_chance + names.REPEAT_EXTRA.get(spec.sku, 0.0)
        if rng.random() < chance:
            again = completed + timedelta(days=rng.uniform(2, 25))
            if again < self.now - timedelta(days=1):
                return Job(job.device, again, None)
        return None

    def _comment(self, score: int) -> str | None:
        if score <= 2:
            return self.rng.choice(names.LOW_COMMENTS)
        if score == 5 and self.rng.random() < 0.3:
            return self.rng.choice(names.HIGH_COMMENTS)
        return None

    def _parts(self, skill: str) -> list[tuple[int, int]]:
        if self.rng.random() > 0.6:
            return []
        trade = [i for i, p in enumerate(names.PARTS) if p.skill == skill]
        picks = self.rng.sample(trade, k=min(len(trade), self.rng.choice((1, 1, 2))))
        return [(part, self.rng.choice((1, 1, 1, 2))) for part in picks]

    def _write(
        self,
        job: Job,
        *,
        engineer: int | None,
        priority: str,
        status: str,
        times: dict[str, datetime],
        events: list[Row],
        respond_h: int,
        resolve_h: int,
        rating: tuple[int, str | None, datetime] | None = None,
        parts: list[tuple[int, int]] | None = None,
    ) -> None:
        device = self.plan["devices"][job.device]
        spec = names.PRODUCTS[device[1]]
        problem = self.rng.choice(names.PROBLEMS[spec.skill])
        resolution = self.rng.choice(names.RESOLUTIONS) if "completed" in times else None
        index = len(self.out["work_orders"])
        last = max(e[0] for e in events)
        self.out["work_orders"].append(
            (job.device, device[0], device[1], "qr" if self.rng.random() < 0.6 else "staff",
             None, None, problem, priority, status, engineer,
             None, device[5], device[6], times.get("offered"), None,
             job.created + timedelta(hours=respond_h), job.created + timedelta(hours=resolve_h),
             times.get("accepted"), times.get("arrived"), times.get("completed"),
             resolution, None, job.created, last)
        )  # fmt: skip
        actor = {"created": "customer", "rated": "customer", "cancelled": "staff"}
        for at, kind, before, after, who in events:
            lat, lng = (device[5], device[6]) if kind in ("arrived", "completed") else (None, None)
            self.out["events"].append(
                (index, at, kind, before, after, None, actor.get(kind, "staff"), who, lat, lng)
            )
        for part, qty in parts or []:
            self.out["part_usage"].append((index, part, qty))
        if rating:
            score, comment, at = rating
            self.out["ratings"].append((index, score, comment, at, score <= 2))

    # --- today's open jobs on the dispatch board ------------------------------------------------

    def open_jobs(self) -> None:
        """A few requests waiting (one already overdue) and a few in the hands of engineers
        who are on duty today; every one on a device no other open job has."""
        users = self.plan["users"]
        on_duty = [e for e in self.engineers if users[e][8] == "available"]
        devices = list(range(len(self.plan["devices"])))
        self.rng.shuffle(devices)
        plans = [("new", 30), ("new", 95), ("new", 9 * 60 + 20)]  # (status, minutes ago)
        plans += [("accepted", 25), ("en_route", 40), ("on_site", 70), ("on_site", 130)]
        for status, minutes in plans:
            device_index = devices.pop()
            spec = names.PRODUCTS[self.plan["devices"][device_index][1]]
            holder = None
            if status != "new":
                fits = [e for e in on_duty if spec.skill in users[e][5]]
                if not fits:
                    continue
                holder = fits[0]
                on_duty.remove(holder)
            created = self.now - timedelta(minutes=minutes)
            job = Job(device_index, created, holder)
            steps: list[tuple[datetime, str, str | None, str, int | None]] = [
                (created, "created", None, "new", None)
            ]
            times: dict[str, datetime] = {}
            if holder is not None:
                times["offered"] = created + timedelta(minutes=2)
                times["accepted"] = created + timedelta(minutes=5)
                steps.append((times["offered"], "offered", "new", "offered", holder))
                steps.append((times["accepted"], "accepted", "offered", "accepted", holder))
                if status in ("en_route", "on_site"):
                    steps.append((created + timedelta(minutes=8), "en_route", "accepted",
                                  "en_route", holder))  # fmt: skip
                if status == "on_site":
                    times["arrived"] = created + timedelta(minutes=minutes - 20)
                    steps.append((times["arrived"], "arrived", "en_route", "on_site", holder))
            self._write(job, engineer=holder, priority="normal", status=status, times=times,
                        events=steps, respond_h=8, resolve_h=48)  # fmt: skip

    # --- field sales: visits and routes ---------------------------------------------------------

    def visits(self) -> None:
        accounts = self.plan["accounts"]
        owned: dict[int, list[int]] = {}
        for i, account in enumerate(accounts):
            if account[6] is not None:
                owned.setdefault(account[6], []).append(i)
        today = _local(self.now).date()
        for rep in self.reps:
            mine = owned.get(rep, [])
            if not mine:
                continue
            pace = self.rng.uniform(2.5, 5.5)  # visits a day: reps differ
            for days_ago in range(DAYS, 0, -1):
                day = today - timedelta(days=days_ago)
                if day.weekday() >= 5:
                    continue
                stops = self.rng.sample(mine, k=min(len(mine), _poisson(self.rng, pace)))
                self._day(rep, day, stops, days_ago <= ROUTE_DAYS)

    def _day(self, rep: int, day: Any, stops: list[int], tracked: bool) -> None:
        accounts = self.plan["accounts"]
        clock = datetime.combine(day, time(9, self.rng.randrange(40))) - SHANGHAI_OFFSET
        clock = clock.replace(tzinfo=self.now.tzinfo)
        path: list[tuple[datetime, float, float]] = []
        for stop in stops:
            lat, lng = accounts[stop][8], accounts[stop][9]
            if lat is None:
                continue
            clock += timedelta(minutes=self.rng.uniform(20, 60))  # on the road
            on_site = self.rng.random() > 0.08
            metres = self.rng.uniform(5, 60) if on_site else self.rng.uniform(300, 2500)
            angle = self.rng.uniform(0, 2 * math.pi)
            at_lat = lat + metres / 1000 * math.sin(angle) / KM_PER_DEG
            at_lng = lng + metres / 1000 * math.cos(angle) / (
                KM_PER_DEG * math.cos(math.radians(lat))
            )
            path.append((clock, at_lat, at_lng))
            out = clock + timedelta(minutes=self.rng.uniform(20, 70))
            outcome = self.rng.choice(names.VISIT_OUTCOMES)
            self.out["visits"].append(
                (rep, stop, clock, clock, round(at_lat, 6), round(at_lng, 6),
                 round(self.rng.uniform(5, 30), 1), round(metres, 1), on_site, out,
                 None, outcome, None, clock - timedelta(days=2))
            )  # fmt: skip
            path.append((out, at_lat, at_lng))
            clock = out
        if tracked and len(path) > 1:
            self._pings(rep, path)

    def _pings(self, rep: int, path: list[tuple[datetime, float, float]]) -> None:
        """A fix every two minutes along the day's legs, a few of them too inaccurate to use."""
        for (t0, lat0, lng0), (t1, lat1, lng1) in itertools.pairwise(path):
            steps = max(1, int((t1 - t0).total_seconds() // 120))
            for k in range(steps):
                f = k / steps
                accuracy = 150.0 if self.rng.random() < 0.03 else self.rng.uniform(4, 25)
                jitter = self.rng.gauss(0, 0.00005)
                self.out["pings"].append(
                    (rep, t0 + (t1 - t0) * f, round(lat0 + (lat1 - lat0) * f + jitter, 6),
                     round(lng0 + (lng1 - lng0) * f + jitter, 6), round(accuracy, 1))
                )  # fmt: skip

    def contacted(self) -> list[Row]:
        """Accounts with their last contact moved up to their latest visit's check-out."""
        latest: dict[int, datetime] = {}
        for visit in self.out["visits"]:
            latest[visit[1]] = max(latest.get(visit[1], visit[9]), visit[9])
        rows = []
        for i, account in enumerate(self.plan["accounts"]):
            last = account[11]
            if i in latest and (last is None or latest[i] > last):
                last = latest[i]
            rows.append((*account[:11], last))
        return rows


def build_history(rng: random.Random, now: datetime, plan: dict[str, list[Row]]) -> None:
    """Adds the history's rows to the plan (and updates the accounts' last contact)."""
    history = History(rng, now, plan)
    history.jobs()
    history.open_jobs()
    history.visits()
    plan["accounts"] = history.contacted()
    plan.update(history.out)
