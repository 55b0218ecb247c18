"""The care network of a resident at home: the main carer (``carers.py``) and secondary helpers, the hours a
week spread over them, and the care episode's length.

SCP (de Klerk et al. 2015, *Informele hulp: wie doet er wat?*): 43 % of all informal helpers are the main
(central) carer of the person they help, so a person receiving informal help has on average about 2.3 helpers;
the main carer gives most hours. A care episode starts when the network first gives hours; its helpers are
drawn then (``carer_helpers``): geometric, mean ``carer_helpers_mean`` times the resident's network quality, at
most ``MAX_HELPERS``. The helpers together give at most ``helper_cap`` hours a week each and at most the share
``helper_share`` of the hours asked. Of their hours, the share ``helper_relief`` is taken off the main carer
(the main carer is asked that much less, so its strain grows less); the rest only fills what the main carer
cannot give (the cap). ``helper_relief = 0`` leaves the main carer's hours and strain as without helpers. The
episode lasts while the network gives hours (``care_months``); it ends, and the helpers with it, in the first
month without any (no carer, a breakdown not yet replaced).

The census (July) counts every helper as SCP counts carers: a person who gives help, with the hours a week they
give now; long help is help in an episode of more than ``LONG_MONTHS`` months (SCP: 'langdurig', > 3 months).

``informal_asked`` and ``informal_given`` expose, per resident at home this month, the hours a week the network
was asked (the hours the informal shortfall counts: with a carer all the informal need, without one the part
not turned into formal demand) and the hours the main carer and the helpers gave; their difference, when
positive, is the month's informal shortfall (a carer at the cap, no carer, a breakdown). Other mechanisms and
indicators may read them after ``carers.month`` (pass B).
"""
from sim.model.mechanisms.common import rule

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"carer_helpers": 40}
FIELDS = (
    ("helpers", "int8", 0, "secondary helpers of the care network (besides the main carer)"),
    ("care_months", "int16", 0, "months the current care episode has lasted (months with informal hours given)"),
    ("informal_asked", "float32", 0.0, "hours a week the network was asked this month (the shortfall's base)"),
    ("informal_given", "float32", 0.0, "hours a week the main carer and the helpers gave this month"),
)
COUNTERS = ()
PARAMETERS = ("carer_helpers_mean", "helper_cap", "helper_relief", "helper_share")

MAX_HELPERS = 6      # a network's helpers besides the main carer, at most
LONG_MONTHS = 3      # SCP/CBS: help that lasts more than three months is 'long' (langdurig)
MAX_EPISODE = 30000  # care_months stops counting here (int16)


@rule
def helpers_drawn(p, network, u):
    """Secondary helpers of a new care episode: P(n >= k) = q^k with q = m / (1 + m), m = carer_helpers_mean *
    network (a geometric count of mean m), at most MAX_HELPERS."""
    m = p.carer_helpers_mean * network
    if m <= 0.0:
        return 0
    q = m / (1.0 + m)
    n = 0
    tail = q
    while n < MAX_HELPERS and u < tail:
        n += 1
        tail *= q
    return n


@rule
def spread(p, asked, cap, helpers):
    """(main carer's hours, helpers' hours) a week, of ``asked`` hours, the main carer giving at most ``cap``.
    Without helpers the main carer gives min(asked, cap), as before the network."""
    if helpers <= 0 or asked <= 0.0:
        return (asked if asked < cap else cap), 0.0
    offered = helpers * p.helper_cap
    most = p.helper_share * asked
    if offered > most:
        offered = most
    taken = p.helper_relief * offered   # taken off the main carer
    main_asked = asked - taken
    main = main_asked if main_asked < cap else cap
    fill = main_asked - main            # what the main carer cannot give, filled by the helpers' other hours
    rest = offered - taken
    if fill > rest:
        fill = rest
    return main, taken + fill


@rule
def episode_months(care_months, given):
    """The care episode's length after this month: one month longer while the network gives hours, else ended."""
    if given <= 0.0:
        return 0
    return care_months + 1 if care_months < MAX_EPISODE else care_months
