"""Actors, applications and steps shared by the Python tests (the same as the external conformance checks,
but through the Pythonic API: dicts, datetime.date and aware datetimes)."""
import datetime as dt

CST = dt.timezone(dt.timedelta(hours=8), "CST")
CLERK = {"id": "clerk-1", "role": "clerk"}
HEAD = {"id": "head-1", "role": "head"}
APP = {"id": "91320922MA1CONF01X", "role": "applicant"}


def reviewer(department):
    return {"id": "rev-" + department, "role": "reviewer", "department": department}


def d(text):
    return dt.date.fromisoformat(text)


def at(day, hm="10:00"):
    """An aware datetime in the bureau's zone (UTC+8) on `day` ('YYYY-MM-DD') at `hm`."""
    h, m = (int(x) for x in hm.split(":"))
    return dt.datetime.combine(d(day), dt.time(h, m), tzinfo=CST)


FACTS = {
    "road_excavation": {"road_opened_on": d("2012-05-01"), "road_overhauled_on": None,
                        "planned_start": d("2027-04-01"), "planned_end": d("2027-04-10"),
                        "on_carriageway": True, "emergency": False, "protection_exception_approved": False},
    "outdoor_advertising": {"area_m2": 4.0, "height_m": 2.5, "on_roof": False, "building_storeys": 5,
                            "term_months": 12, "electronic_screen": False},
    "construction_waste": {"volume_m3": 300, "route": "S226 - 城东路 - 消纳场", "disposal_site": "城东消纳场",
                           "vehicles": [{"plate": "苏J67890", "enclosed": True, "recorder": True}]},
}


def app(permit, when, materials=None, facts=None):
    return {"permit": permit, "applicant": {"id": APP["id"], "name": "示例工程有限公司"}, "actor": APP,
            "at": when, "facts": FACTS[permit] if facts is None else facts, "materials": materials or []}


def complete(e, permit, when):
    """The materials that make an application complete, found by asking precheck."""
    mats = []
    for _ in range(4):
        n = e.precheck(app(permit, when, mats))
        missing = [i["material"] for i in n["items"] if not i["material"].startswith("fact:")]
        if n["complete"] and not missing:
            return mats
        have = {x["id"] for x in mats}
        mats += [{"id": m, "format": "pdf", "expires_on": d("2030-12-31")} for m in missing if m not in have]
    raise AssertionError("precheck never became complete: %r" % (n,))


def accepted(e, permit, day):
    c = e.submit(app(permit, at(day), complete(e, permit, at(day))))
    c = e.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at(day, "11:00")})
    assert c["state"] == "under_review" and c["accepted_on"] == day, (c["state"], c["accepted_on"])
    return c
