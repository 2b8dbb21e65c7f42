import pytest

from nest_eval.reference import vocabulary as v

# Every alias domain.md lists, with the RPB it must resolve to (typed from domain.md, not
# taken from the module).
DOMAIN_ALIASES = {
    "Cardiff and Vale": [
        "Cardiff and Vale",
        "Caerdydd a'r Fro",
        "Cardiff and Vale UHB",
        "Cardiff",
        "Vale of Glamorgan",
        "Cardiff & Vale",
        "C&V",
    ],
    "Cwm Taf Morgannwg": [
        "Cwm Taf Morgannwg",
        "Cwm Taf Morgannwg UHB",
        "Bridgend",
        "Rhondda Cynon Taf",
        "Merthyr Tydfil",
    ],
    "Gwent": [
        "Gwent",
        "Aneurin Bevan UHB",
        "Aneurin Bevan",
        "Blaenau Gwent",
        "Caerphilly",
        "Monmouthshire",
        "Newport",
        "Torfaen",
    ],
    "North Wales": [
        "North Wales",
        "Gogledd Cymru",
        "Betsi Cadwaladr UHB",
        "Betsi",
        "Isle of Anglesey",
        "Gwynedd",
        "Conwy",
        "Denbighshire",
        "Flintshire",
        "Wrexham",
    ],
    "Powys": ["Powys", "Powys Teaching HB"],
    "West Glamorgan": [
        "West Glamorgan",
        "Gorllewin Morgannwg",
        "Swansea Bay UHB",
        "Western Bay",
        "Swansea Bay",
        "Swansea",
        "Neath Port Talbot",
    ],
    "West Wales": [
        "West Wales",
        "Gorllewin Cymru",
        "Hywel Dda UHB",
        "Hywel Dda",
        "Carmarthenshire",
        "Ceredigion",
        "Pembrokeshire",
    ],
}


@pytest.mark.parametrize(
    ("alias", "rpb"), [(a, r) for r, aliases in DOMAIN_ALIASES.items() for a in aliases]
)
def test_every_domain_alias_resolves(alias, rpb):
    assert v.resolve_rpb(alias) == rpb
    assert v.resolve_rpb(alias.upper()) == rpb
    assert v.resolve_rpb(f"  {alias.lower()} ") == rpb


def test_ampersand_is_and_and_punctuation_is_ignored():
    assert v.resolve_rpb("CARDIFF & VALE") == "Cardiff and Vale"
    assert v.resolve_rpb("Caerdydd a’r Fro") == "Cardiff and Vale"
    assert v.resolve_rpb("Neath-Port Talbot") == "West Glamorgan"


def test_all_22_local_authorities_resolve_to_their_rpb():
    authorities = [la for rpb in v.RPBS for la in rpb.local_authorities]
    assert len(authorities) == 22
    assert len(set(authorities)) == 22
    for rpb in v.RPBS:
        for la in rpb.local_authorities:
            assert v.resolve_rpb(la) == rpb.name


def test_unknown_rpb_is_an_error():
    with pytest.raises(v.UnknownNameError, match="Atlantis"):
        v.resolve_rpb("Atlantis")
    with pytest.raises(v.UnknownNameError):
        v.resolve_rpb("")


def test_seven_rpbs_in_published_order_with_slugs():
    assert v.RPB_NAMES == (
        "Cardiff and Vale",
        "Cwm Taf Morgannwg",
        "Gwent",
        "North Wales",
        "Powys",
        "West Glamorgan",
        "West Wales",
    )
    assert next(r.slug for r in v.RPBS) == "cardiff-and-vale"
    assert v.rpb_slug(v.WALES) == "wales"


def test_elements_six_core_five_foundations_resolve_from_key_english_welsh():
    assert len(v.CORE_ELEMENTS) == 6
    assert len(v.FOUNDATIONS) == 5
    for element in v.ELEMENTS:
        assert v.resolve_element(element.key) == element.key
        assert v.resolve_element(element.label_en) == element.key
        assert v.resolve_element(element.label("cy").upper()) == element.key
    assert v.resolve_element("Co-produced innovations") == "coproduced_innovation"
    with pytest.raises(v.UnknownNameError):
        v.resolve_element("Wellbeing")


def test_journey_scale_and_recommendations():
    assert [lvl.level for lvl in v.JOURNEY_LEVELS] == [1, 2, 3, 4]
    assert v.JOURNEY_LEVELS[3].label() == "embedded"
    assert [r.key for r in v.RECOMMENDATIONS] == list("ABCDEFGHIJKL")
    assert "Maturity Matrix" in v.RECOMMENDATIONS[1].text()
    assert "outcomes" in v.RECOMMENDATIONS[5].domains
    assert len(v.COMMISSIONER_ASKS) == 5
