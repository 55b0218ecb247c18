"""Well-being (0..1) and network quality. Well-being moves towards a target that falls with lost
functioning, unmet need, a poor network and institution life; where an investment runs organised
activities at a meeting place the loss from limitations is damped (de Kam 2012: well-being falls more
slowly as limitations grow; the Rotterdam integrated approach found no effect on quality of life, so the
prior of the size includes none). Meeting places nearby strengthen the network; cognitive decline erodes it.

Pass B, no draws, no counters: ``month`` updates the network (at home) and then well-being, from the
float64 network just computed (not the float32 stored).
"""
import numpy as np

from sim.model.mechanisms.common import clip01, rule, step
from sim.model.state import INSTITUTION

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {}
FIELDS = (
    ("network", "float32", "drawn", "network quality, 0..1"),
    ("wellbeing", "float32", "drawn", "well-being, 0..1"),
)
COUNTERS = ()
PARAMETERS = ("network_decay", "network_meeting_gain", "wellbeing_activities_damping", "wellbeing_adjust",
              "wellbeing_cog", "wellbeing_institution", "wellbeing_network", "wellbeing_phys", "wellbeing_unmet")


@rule
def wellbeing_month(p, wellbeing, phys, cog, unmet, network, in_institution, activities):
    damp = 1.0 - p.wellbeing_activities_damping * activities
    target = 1.0 - (p.wellbeing_phys * (1.0 - phys) + p.wellbeing_cog * (1.0 - cog)) * damp
    target -= p.wellbeing_unmet * unmet + p.wellbeing_network * (1.0 - network)
    if in_institution:
        target -= p.wellbeing_institution
    return clip01(wellbeing + p.wellbeing_adjust * (clip01(target) - wellbeing))


@rule
def network_month(p, network, cog, meeting_near):
    network = network + p.network_meeting_gain * meeting_near * (1.0 - network)
    return clip01(network - p.network_decay * (1.0 - cog) * network)


@step
def month(p, L, st, i, unmet):
    """Network and well-being of resident ``i`` given this month's ``unmet`` share."""
    phys = np.float64(st.phys[i])
    cog = np.float64(st.cog[i])
    network = np.float64(st.network[i])
    if st.residence[i] == INSTITUTION:
        wb = wellbeing_month(p, np.float64(st.wellbeing[i]), phys, cog, 0.0, network, True, 0.0)
    else:
        c = st.cell[i]
        network = network_month(p, network, cog, L.meeting_near[c])
        st.network[i] = np.float32(network)
        wb = wellbeing_month(p, np.float64(st.wellbeing[i]), phys, cog, unmet, network, False, L.activities[c])
    st.wellbeing[i] = np.float32(wb)
