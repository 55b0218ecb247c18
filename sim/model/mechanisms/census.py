"""The mid-year census: in July every living resident is counted by age band, limitation, place,
package and access, household help and carer (the stock indicators). Changes no state, no draws.

``extramuralised_admission_need`` is the subset of the extramuralised (at home, a package that gave access
under the 2012 rules, none now) whose need would make them ask for a place had they access (``admit_need``
with a carer, ``admit_need_alone`` without): the people the reform kept out of an institution, as the
Kamerbrief of 2013 counts them (77,900 who would otherwise have been admitted), not every VV1-3 holder.
``institution_vv_low`` and ``institution_vv4`` count the VV institution residents with a VV1-3 and a VV4
package: the package mix inside, which the Kamerbrief gives for 2013 (VV1-3 and half of VV4: 38 % of the places).
``entitled_ggz``: the holders with access in the GGZ sector, so that Wlz clients can be counted as CBS does (without GGZ);
``entitled_home_vg``: VG holders with access at home (CBS's VG clients with Wlz care at home).
``wlz_care_home`` and ``wlz_care_institution``: Wlz clients as CBS counts them (Monitor Langdurige Zorg, without GGZ):
holders with access who get Wlz care, at home (a full package at home: ``care.wlz_at_home``, VV from
``wlz_package_min_level_home``, the younger sectors always) or with a stay; a holder of a lighter package kept by the
transitional right at home gets its care from the Wmo and the Zvw and is no Wlz client in that count.

Carers are counted as SCP counts informal helpers: every person of a resident's care network who gives hours
in July (the main carer and each secondary helper, ``carer_network.py``), each with the hours a week they give;
only main carers carry strain, so only they can be overburdened. ``carers_long``: in an episode of more than
three months; ``carers_cbs``: helping more than three months or more than 8 h a week (CBS's definition of a
mantelzorger), ``carers_cbs_over_8h`` those of them giving more than 8 h; ``informal_receivers`` (and of them
``informal_receivers_75plus``, ``informal_receivers_65_74``): residents at home helped by their network, with the
hours a week it gives them (``informal_given_week_c``: per receiver as CBS asks the receivers, per carer as SCP asks
the helpers). SCP counts everyone who helped in the past 12 months, the census those who help in July: a
month-of-last-help field would not be enough, since the helpers of an episode that ended are no longer known
(``helpers`` is reset), nor the networks of the residents who died or moved into an institution that year."""
import numpy as np

from sim.model.mechanisms.care import wlz_at_home
from sim.model.mechanisms.carer_network import LONG_MONTHS
from sim.model.mechanisms.common import age_years, centi, current_need, step
from sim.model.mechanisms.packages import GGZ, VG, VV
from sim.model.mechanisms.policy import admission_threshold
from sim.model.state import A, CA, C_N65, INSTITUTION

C_CARERS, C_CARERS_OVER, C_CARER_HOURS = CA["carers"], CA["carers_overburdened"], CA["carer_hours_week_c"]  # per cell

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {}
FIELDS = ()
COUNTERS = ("n65", "n75", "n80", "n65_74", "n75_84", "n85", "lim65_74", "lim75_84", "lim85", "n75_home",
            "n80_intramural", "intramural_total", "entitled", "entitled_home", "extramuralised_home", "clients",
            "wellbeing_clients_micro", "household_75_84", "household_85plus", "carers", "carers_over_8h",
            "carers_overburdened", "clients_home_VV", "clients_home_VG", "clients_home_LG", "clients_home_ZG",
            "clients_home_GGZ", "clients_institution_VV", "clients_institution_VG", "clients_institution_LG",
            "clients_institution_ZG", "clients_institution_GGZ", "extramuralised_admission_need",
            "institution_vv_low", "institution_vv4", "entitled_ggz", "entitled_home_vg", "wlz_care_home",
            "wlz_care_institution", "carers_main", "carers_long", "carers_cbs", "carers_cbs_over_8h",
            "informal_receivers_75plus", "informal_receivers", "informal_receivers_65_74", "n65_74_home",
            "informal_given_week_c")
PARAMETERS = ("limitation_phys", "strain_threshold", "wlz_package_min_level_home")
(A_N65, A_N75, A_N80, A_N65_74, A_N75_84, A_N85, A_LIM65_74, A_LIM75_84, A_LIM85, A_N75_HOME, A_N80_INTRAMURAL,
 A_INTRAMURAL_TOTAL, A_ENTITLED, A_ENTITLED_HOME, A_EXTRAMURALISED_HOME, A_CLIENTS, A_WELLBEING_CLIENTS_MICRO,
 A_HOUSEHOLD_75_84, A_HOUSEHOLD_85PLUS, A_CARERS, A_CARERS_OVER_8H, A_CARERS_OVERBURDENED) = (A[c] for c in COUNTERS[:22])
A_EXTRAMURALISED_NEED = A["extramuralised_admission_need"]
A_INSTITUTION_VV_LOW, A_INSTITUTION_VV4 = A["institution_vv_low"], A["institution_vv4"]
A_ENTITLED_GGZ, A_ENTITLED_HOME_VG = A["entitled_ggz"], A["entitled_home_vg"]
A_WLZ_CARE_HOME, A_WLZ_CARE_INSTITUTION = A["wlz_care_home"], A["wlz_care_institution"]
A_CARERS_MAIN, A_CARERS_LONG, A_CARERS_CBS = A["carers_main"], A["carers_long"], A["carers_cbs"]
A_CARERS_CBS_8H, A_RECEIVERS_75 = A["carers_cbs_over_8h"], A["informal_receivers_75plus"]
A_RECEIVERS, A_RECEIVERS_65_74, A_N65_74_HOME = A["informal_receivers"], A["informal_receivers_65_74"], A["n65_74_home"]
A_GIVEN_WEEK = A["informal_given_week_c"]
A_CLIENTS_HOME0 = A["clients_home_VV"]   # + sector - 1, + 5 in an institution


@step
def count(p, st, i, has_right, household, acc, cell_acc):
    """Counts one living resident (``household``: household help delivered this month)."""
    ay = age_years(st, i)
    inst = st.residence[i] == INSTITUTION
    limited = np.float64(st.phys[i]) < p.limitation_phys
    if ay >= 65:
        acc[A_N65] += 1
        cell_acc[st.cell[i], C_N65] += 1
        if ay < 75:
            acc[A_N65_74] += 1
            acc[A_LIM65_74] += 1 if limited else 0
            acc[A_N65_74_HOME] += 1 if not inst else 0
    if ay >= 75:
        acc[A_N75] += 1
        acc[A_N75_HOME] += 1 if not inst else 0
        if ay < 85:
            acc[A_N75_84] += 1
            acc[A_LIM75_84] += 1 if limited else 0
            acc[A_HOUSEHOLD_75_84] += 1 if household > 0.0 else 0
        else:
            acc[A_N85] += 1
            acc[A_LIM85] += 1 if limited else 0
            acc[A_HOUSEHOLD_85PLUS] += 1 if household > 0.0 else 0
    if ay >= 80:
        acc[A_N80] += 1
        acc[A_N80_INTRAMURAL] += 1 if inst else 0
    acc[A_INTRAMURAL_TOTAL] += 1 if inst else 0
    if st.level[i] > 0:
        acc[A_CLIENTS_HOME0 + st.sector[i] - 1 + (5 if inst else 0)] += 1
        if inst and st.sector[i] == VV:
            acc[A_INSTITUTION_VV_LOW] += 1 if st.level[i] <= 3 else 0
            acc[A_INSTITUTION_VV4] += 1 if st.level[i] == 4 else 0
        acc[A_CLIENTS] += 1
        acc[A_WELLBEING_CLIENTS_MICRO] += np.int64(np.float64(st.wellbeing[i]) * 1e6 + 0.5)
        if has_right:
            acc[A_ENTITLED] += 1
            acc[A_ENTITLED_HOME] += 1 if not inst else 0
            acc[A_ENTITLED_GGZ] += 1 if st.sector[i] == GGZ else 0
            acc[A_ENTITLED_HOME_VG] += 1 if (not inst and st.sector[i] == VG) else 0
            if st.sector[i] != GGZ:
                if inst:
                    acc[A_WLZ_CARE_INSTITUTION] += 1
                elif wlz_at_home(p, True, st.sector[i], st.level[i]):
                    acc[A_WLZ_CARE_HOME] += 1
        elif not inst:
            acc[A_EXTRAMURALISED_HOME] += 1   # had access under the 2012 rules (any level), not now
            acc[A_EXTRAMURALISED_NEED] += 1 if current_need(st, i) >= admission_threshold(p, st.carer[i] > 0) else 0
    if not inst:
        count_carers(p, st, i, ay, acc, cell_acc)


@step
def count_carers(p, st, i, ay, acc, cell_acc):
    """The care network of a resident at home: its main carer and each secondary helper who gives hours."""
    hours = np.float64(st.carer_hours[i])
    given = np.float64(st.informal_given[i])
    long = st.care_months[i] > LONG_MONTHS
    c = st.cell[i]
    if given > 0.0:   # a resident helped, and the hours a week its network gives (SCP/CBS: hours per receiver)
        acc[A_RECEIVERS] += 1
        acc[A_RECEIVERS_75] += 1 if ay >= 75 else 0
        acc[A_RECEIVERS_65_74] += 1 if 65 <= ay < 75 else 0
        acc[A_GIVEN_WEEK] += centi(given)
    if st.carer[i] > 0 and hours > 0.0:   # the main carer
        over = np.float64(st.strain[i]) > p.strain_threshold
        acc[A_CARERS] += 1
        acc[A_CARERS_MAIN] += 1
        acc[A_CARERS_OVER_8H] += 1 if hours > 8.0 else 0
        acc[A_CARERS_OVERBURDENED] += 1 if over else 0
        acc[A_CARERS_LONG] += 1 if long else 0
        acc[A_CARERS_CBS] += 1 if (long or hours > 8.0) else 0
        acc[A_CARERS_CBS_8H] += 1 if hours > 8.0 else 0
        cell_acc[c, C_CARERS] += 1
        cell_acc[c, C_CARERS_OVER] += 1 if over else 0
    n = np.int64(st.helpers[i])
    helped = given - hours
    if n > 0 and helped > 0.0:   # the secondary helpers, each giving an equal part of their hours
        each = helped / n
        acc[A_CARERS] += n
        acc[A_CARERS_OVER_8H] += n if each > 8.0 else 0
        acc[A_CARERS_LONG] += n if long else 0
        acc[A_CARERS_CBS] += n if (long or each > 8.0) else 0
        acc[A_CARERS_CBS_8H] += n if each > 8.0 else 0
        cell_acc[c, C_CARERS] += n
    if given > 0.0:
        cell_acc[c, C_CARER_HOURS] += centi(given)
