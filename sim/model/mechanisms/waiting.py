"""Waiting for a place (issue #25 item 2): the VV waiting list as the Zorginstituut keeps it, in two parts, and the
uptake of the Wlz at home that feeds the second.

* **Active** ('actief wachtend': urgent and active placement): a resident who asks for a place (``policy.wish``)
  waits at least ``admission_placement_months`` before a free place admits it (the care office mediates, the home
  takes the client in; the Treeknorm allows 6-13 weeks), a crisis at once; without a free place it waits longer.
  ``policy.wish`` sets the flag ``PLACEABLE`` when the asker may be placed this month, ``policy.admit`` reads it.
  The people waiting are counted where they wait (``policy.admit``: ``waiting_VV`` ..).
* **By preference** ('wachtend uit voorzorg' and 'wacht op voorkeur': registered, not asking now): an older resident
  with a right to a place who keeps the Wlz at home by preference (VPT, MPT or pgb; ``policy.prefers_home``) while a
  carer makes it responsible, and whose need has reached the level from which it would ask (``admit_need``), is on
  the list by preference (counted each month in ``waiting_precaution_VV``). When the carer stops, a crisis comes or
  its need reaches ``wlz_home_need_limit`` (the heaviest care, seldom responsible at home), it asks (active);
  whoever has no right, or need below the threshold, never registers.
* **Uptake of the Wlz at home**: the share of older people who prefer the Wlz at home (``wlz_home_preference``, the
  2015 share) grows by ``wlz_home_uptake_growth`` (relative, a year) from 2015 through ``wlz_home_uptake_until``
  and is held after: CBS counted 14,000 psychogeriatric Wlz clients at home in 2015 and 22,000 in 2018 (news
  2019/50), ActiZ 68,908 VV clients with Wlz care at home in 2023 next to 122,445 in nursing homes. The person's
  fixed uniform (stream ``home_preference``) decides, so a person who prefers home keeps preferring it.

No draws, no fields of its own (``waiting`` is policy's). Pure functions; ``policy`` calls them.
"""
from sim.model.mechanisms.common import rule
from sim.model.state import A

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {}
FIELDS = ()
COUNTERS = ("waiting_precaution_VV",)
PARAMETERS = ("admission_placement_months", "admit_need", "wlz_home_need_limit", "wlz_home_preference",
              "wlz_home_uptake_growth", "wlz_home_uptake_until")
A_PRECAUTION_VV = A["waiting_precaution_VV"]
UPTAKE_FROM_YEAR = 2015   # the Wlz (and its routes at home: VPT, MPT, pgb as a right) starts


@rule
def home_preference_share(p, year):
    """The share of older people with a Wlz right who prefer the Wlz at home in ``year``: the 2015 share, grown
    by ``wlz_home_uptake_growth`` a year (relative to it) from 2015 through ``wlz_home_uptake_until``, at most 1."""
    years = min(max(year - UPTAKE_FROM_YEAR, 0), max(p.wlz_home_uptake_until - UPTAKE_FROM_YEAR, 0.0))
    return min(1.0, p.wlz_home_preference * (1.0 + p.wlz_home_uptake_growth * years))


@rule
def home_still_responsible(p, need, young):
    """Does a preference for the Wlz at home still hold at this need? For an older client up to
    ``wlz_home_need_limit`` (from there care at home is seldom responsible and efficient: it moves to the active
    list); a younger (VG/LG/ZG) client's always."""
    return young or need < p.wlz_home_need_limit


@rule
def placeable(p, crisis, waiting):
    """May an asker be placed this month (a free place given)? A crisis at once, the others once they have waited
    the placement time (``admission_placement_months``, months on the list so far)."""
    return crisis or waiting >= p.admission_placement_months


@rule
def waits_by_preference(p, need, has_carer, prefers_home, vv):
    """Is a VV client with a right who does not ask on the list by preference ('uit voorzorg')? It keeps the Wlz at
    home by preference with a carer, and its need has reached the level from which it would ask."""
    return vv and prefers_home and has_carer and need >= p.admit_need
