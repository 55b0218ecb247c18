"""The extramuralisation schedule of DOMAIN.md §1, date by date (the date is the month a package was
indicated: the cuts apply to new clients)."""
import pytest

from sim.model.mechanisms.packages import GGZ, LG, VG, VV, ZG
from sim.model.mechanisms.policy import cut_table, has_access

access = has_access.py_func
ENACTED = cut_table("enacted")
NONE = cut_table("none")


def month(year, m=0):
    return year * 12 + m


@pytest.mark.parametrize("sector, level, year", [
    (VV, 1, 2013), (VV, 2, 2013), (VG, 1, 2013), (VG, 2, 2013), (GGZ, 1, 2013), (GGZ, 2, 2013),
    (VV, 3, 2014), (LG, 1, 2016), (LG, 3, 2016), (ZG, 1, 2016)])
def test_full_cuts_start_on_their_date(sector, level, year):
    assert access(ENACTED, sector, level, 0.99, month(year - 1, 11))
    assert not access(ENACTED, sector, level, 0.99, month(year, 0))
    assert not access(ENACTED, sector, level, 0.01, month(2030))
    assert access(NONE, sector, level, 0.5, month(2030))


def test_split_cuts_vg3_half_from_2015_and_vv4_quarter_from_2016():
    assert access(ENACTED, VG, 3, 0.2, month(2014, 11))
    assert not access(ENACTED, VG, 3, 0.49, month(2015))
    assert access(ENACTED, VG, 3, 0.51, month(2015))
    assert access(ENACTED, VV, 4, 0.2, month(2015, 11))
    assert not access(ENACTED, VV, 4, 0.24, month(2016))
    assert access(ENACTED, VV, 4, 0.26, month(2016))


def test_packages_indicated_before_the_cut_keep_their_right():
    """New clients lose access; a VV2 indicated in December 2012 keeps it in 2020."""
    assert access(ENACTED, VV, 2, 0.5, month(2012, 11))
    assert not access(ENACTED, VV, 2, 0.5, month(2013, 0))


def test_untouched_packages_keep_access():
    for sector, level in ((VV, 5), (VV, 8), (VG, 4), (LG, 2), (GGZ, 3), (GGZ, 5), (ZG, 2)):
        assert access(ENACTED, sector, level, 0.0, month(2040))
    assert not access(ENACTED, VV, 0, 0.5, month(2010))  # no package, no access
