"""Where incidents are placed: country, first-level region and town. The sentences are written
for these tests."""

from __future__ import annotations

from datetime import date

from extraction import Extractor, Incident
from extraction.places import PlaceFinder
from extraction.text import Sentence

PUBLISHED = date(2024, 3, 14)


def one(extractor: Extractor, text: str) -> Incident:
    found = extractor.extract(text, published=PUBLISHED)
    assert len(found) == 1, [(i.sub_event_type, i.location) for i in found]
    return found[0]


def where(incident: Incident) -> tuple[str | None, str | None, str | None]:
    loc = incident.location
    return loc.country_code, loc.admin1, loc.place


# -- headers ----------------------------------------------------------------------------------

def test_a_bulletin_item_s_heading_gives_way_to_the_town_its_sentence_names(
        extractor: Extractor) -> None:
    text = ("RAKHINE UPDATE. SITTWE: Navy gunboats fired on the jetty of Kyauktaw late on "
            "Sunday; two fishermen died.")
    assert where(one(extractor, text)) == ("MMR", "Rakhine", "Kyauktaw")


def test_a_live_blog_entry_s_heading_is_its_place_over_a_country(extractor: Extractor) -> None:
    text = ("19:05 — Mazatlan: armed men torched three buses on the Mexico 15 highway overnight; "
            "nobody was hurt.")
    assert where(one(extractor, text)) == ("MEX", "Sinaloa", "Mazatlan")


def test_a_country_owning_an_army_is_not_where_it_fights(extractor: Extractor) -> None:
    text = ("Fighting between Myanmar's army and ethnic rebels shook Lashio overnight, residents "
            "said.")
    assert where(one(extractor, text)) == ("MMR", "Shan", "Lashio")


def test_a_road_named_after_where_it_leads_is_not_the_place(extractor: Extractor) -> None:
    text = ("SENEGAL | 11 FEB\n\nZIGUINCHOR: Youths burned tyres and stoned a gendarmerie post on "
            "the Bignona road overnight; three people were hurt.")
    assert where(one(extractor, text)) == ("SEN", "Ziguinchor", "Ziguinchor")


def test_a_grade_of_oil_is_not_the_place_it_is_named_after(extractor: Extractor) -> None:
    finder = PlaceFinder(extractor.knowledge.gazetteer)
    sentence = Sentence.make("Brent crude and Urals blend rose after a drone hit Tuapse.", 0)
    assert [m.surface for m in finder.find(sentence, set())] == ["Tuapse"]


def test_a_town_at_the_end_of_a_person_s_name_is_no_place(extractor: Extractor) -> None:
    finder = PlaceFinder(extractor.knowledge.gazetteer)
    sentence = Sentence.make("Army spokesman Abdullahi Aden Hassan said a bomber blew himself "
                             "up at the gate in Jowhar.", 0)
    assert [m.surface for m in finder.find(sentence, set())] == ["Jowhar"]


def test_a_spaced_dash_ends_a_header_name(extractor: Extractor) -> None:
    # "SOUTH SUDAN - Unity State" is a country and a state, not one long unknown name.
    text = ("SOUTH SUDAN - Unity State. Raiders shot dead two cattle keepers outside Leer town on "
            "12 March.")
    assert where(one(extractor, text)) == ("SSD", "Unity", "Leer")


def test_nr_in_a_bulletin_means_near(extractor: Extractor) -> None:
    text = ("NGA | BORNO | 12 MAR\n\n11 Mar: ISWAP fighters attacked an army base nr "
            "Ngurosoye-Kasugula; 6 sldrs KIA.")
    assert where(one(extractor, text)) == ("NGA", "Borno", "Ngurosoye-Kasugula")


def test_a_direction_cut_short_still_names_the_country(extractor: Extractor) -> None:
    text = ("S. SUDAN | JONGLEI | 04 MAR\n\n02 Mar: Armed raiders attacked a cattle camp nr "
            "Gumuruk payam; 6 herders killed.")
    assert one(extractor, text).location.country_code == "SSD"
    text = ("SOM | L. Shabelle | 12 MAR\n\n11 Mar: roadside bomb struck an army truck nr Janaale; "
            "3 soldiers killed.")
    assert where(one(extractor, text))[:2] == ("SOM", "Lower Shabelle")


# -- the region the article is about ----------------------------------------------------------

def test_a_village_the_gazetteer_lacks_is_placed_in_the_region_of_the_header(
        extractor: Extractor) -> None:
    text = ("MALI | MOPTI | 03 MAR\n\n01 Mar: Armed men on motorbikes killed four herders near "
            "the village of Tinkarewal.")
    assert where(one(extractor, text)) == ("MLI", "Mopti", "Tinkarewal")


def test_a_town_goes_to_the_region_the_article_names_over_a_bigger_namesake(
        extractor: Extractor) -> None:
    text = ("CHHATTISGARH - Monthly note. On 2 March, Maoist rebels shot dead a village guard "
            "in Bijapur.")
    assert where(one(extractor, text))[:2] == ("IND", "Chhattisgarh")


# -- names that are not where it happened -----------------------------------------------------

def test_a_language_in_a_translation_note_is_not_a_region(extractor: Extractor) -> None:
    text = ("[Translated from Somali] Gunmen killed two traders in the village of Buulo-Mareer "
            "Dhexe on Tuesday, elders in Lower Shabelle said.")
    assert one(extractor, text).location.country_code == "SOM"


def test_a_currency_is_not_a_country(extractor: Extractor) -> None:
    text = ("The agency appealed for US$ 4 million after floods killed 30 people in the village "
            "of Kivumu-Rugembe, Burundi, on Sunday.")
    assert one(extractor, text).location.country_code == "BDI"


def test_a_country_that_brokered_a_deal_is_not_where_it_happened(extractor: Extractor) -> None:
    text = ("Under a China-brokered truce, the rebels handed the town of Kyaukthayet back to "
            "Myanmar's army on Monday.")
    assert one(extractor, text).location.country_code == "MMR"


def test_rivers_are_not_the_towns_they_share_a_name_with(extractor: Extractor) -> None:
    text = "Floods along the Tana and Athi rivers killed seven people in eastern Kenya on Friday."
    assert where(one(extractor, text)) == ("KEN", None, None)


def test_a_capital_quoted_as_a_source_is_not_where_it_happened(extractor: Extractor) -> None:
    text = ("According to Kinshasa, Rwandan soldiers fought beside the M23 rebels who attacked "
            "Bukavu on Friday, killing 12 people.")
    assert where(one(extractor, text)) == ("COD", "South Kivu", "Bukavu")


def test_an_incident_told_in_the_title_is_where_the_story_says(extractor: Extractor) -> None:
    text = ("Families began returning on Wednesday to the locality of Kalehe-Nord, in South Kivu "
            "province, a local official said.")
    found = extractor.extract(text, published=PUBLISHED,
                              title="The army recovers the control of a locality after combats")
    assert [where(i) for i in found] == [("COD", "South Kivu", "Kalehe-Nord")]


def test_where_the_wounded_were_taken_is_not_where_they_were_hit(extractor: Extractor) -> None:
    text = ("Four soldiers hurt by a landmine were airlifted to Nairobi on Monday, Garissa police "
            "said.")
    assert one(extractor, text).location.place == "Garissa"


# -- "X's Y": Y lies in X ---------------------------------------------------------------------

def test_a_province_named_with_its_country_is_that_country_s(extractor: Extractor) -> None:
    text = ("Coalition aircraft struck rebel camps in Yemen's Red Sea coastal province on "
            "Saturday, killing four fighters.")
    assert where(one(extractor, text)) == ("YEM", None, None)


def test_congo_alone_is_the_democratic_republic(extractor: Extractor) -> None:
    text = ("Militiamen killed seven villagers in the village of Kpandroma-Ngezi in "
            "northeastern Congo on Sunday.")
    assert where(one(extractor, text))[0] == "COD"
    text = ("Rebels overran the mining town of Rubaya-Centre in eastern Congo's North Kivu "
            "province on Tuesday, killing three soldiers.")
    assert where(one(extractor, text))[:2] == ("COD", "North Kivu")


# -- the most telling place of a sentence -----------------------------------------------------

def test_a_town_named_to_say_where_lies_the_place_is_not_the_place(
        extractor: Extractor) -> None:
    text = ("Twenty km north of Djibo, militants ambushed a convoy at Gasseliki on Sunday, "
            "killing six soldiers.")
    assert where(one(extractor, text)) == ("BFA", "Sahel", "Gasseliki")
    text = ("Paramilitary fighters ransacked shops in the market of Abu Haraz-Gharb, 30 km west "
            "of El Obeid, on Friday.")
    assert where(one(extractor, text))[1:] == ("North Kordofan", "Abu Haraz-Gharb")


def test_a_name_the_gazetteer_lacks_may_start_with_a_particle(extractor: Extractor) -> None:
    text = ("IS fighters ambushed a patrol near the town of al-Qaryatayn-Gharbi in eastern Homs "
            "province on Sunday, killing five soldiers.")
    assert where(one(extractor, text)) == ("SYR", "Homs", "al-Qaryatayn-Gharbi")


def test_a_settlement_noun_names_a_place_wherever_it_stands(extractor: Extractor) -> None:
    text = ("Bandits raided Dogon Kawo-Sabon, a hamlet of herders in Zamfara state, on Sunday "
            "night and abducted 30 people.")
    assert where(one(extractor, text)) == ("NGA", "Zamfara", "Dogon Kawo-Sabon")
    text = ("Armed men attacked Tayba-Gharb village on Saturday, killing 14 civilians, in "
            "Sudan's Gezira state.")
    assert one(extractor, text).location.place == "Tayba-Gharb"
    text = ("Militants set fire to a mobile phone mast on the outskirts of Garbaharey-Dhexe on "
            "Sunday night, officials in Gedo region said.")
    assert where(one(extractor, text)) == ("SOM", "Gedo", "Garbaharey-Dhexe")
    # ... but not when it qualifies another noun
    text = ("Gunmen exchanged fire with Meitei village volunteers at Khoijuman in Manipur on "
            "Sunday; two people died.")
    assert one(extractor, text).location.place == "Khoijuman"


def test_an_area_named_alone_is_the_place(extractor: Extractor) -> None:
    text = ("Police fired tear gas at protesters in the Mabvuku-Tafara area on Monday, Harare "
            "police said.")
    assert where(one(extractor, text)) == ("ZWE", "Harare", "Mabvuku-Tafara")


def test_a_suburb_named_with_its_city_is_the_place(extractor: Extractor) -> None:
    text = ("Security forces used tear gas against an opposition march in Conakry's "
            "Koloma-Soloprimo suburb on Thursday.")
    assert where(one(extractor, text)) == ("GIN", "Conakry", "Koloma-Soloprimo")


def test_a_village_beats_the_town_its_district_is_named_after(extractor: Extractor) -> None:
    text = ("In Beni territory of North Kivu province, ADF fighters killed nine farmers in "
            "Kalau-Mbau overnight, a local leader said.")
    assert where(one(extractor, text)) == ("COD", "North Kivu", "Kalau-Mbau")


def test_a_village_beats_a_district_the_gazetteer_lacks(extractor: Extractor) -> None:
    text = ("IRAQ (DUHOK) - Villagers in Bamerni-Sheladze district say Turkish troops built a new "
            "outpost above the village of Kani Rash-Masi on Monday.")
    assert where(one(extractor, text)) == ("IRQ", "Duhok", "Kani Rash-Masi")


def test_a_town_only_namesakes_abroad_bear_is_a_place_all_the_same(extractor: Extractor) -> None:
    text = "Gunmen shot six people dead in Liancourt, in Haiti's Artibonite department, on Sunday."
    assert where(one(extractor, text)) == ("HTI", "Artibonite", "Liancourt")
    text = ("Gunmen raided the commune of Liancourt in the lower Artibonite on Saturday, killing "
            "six people.")
    assert where(one(extractor, text)) == ("HTI", "Artibonite", "Liancourt")


def test_a_local_government_area_is_named_without_its_kind(extractor: Extractor) -> None:
    text = ("Gunmen attacked Kwall-Tasa in Riyom Local Government Area, Plateau State, on "
            "Friday, killing four people.")
    assert where(one(extractor, text)) == ("NGA", "Plateau", "Riyom")


def test_a_village_of_another_region_than_the_sentence_names_is_a_namesake(
        extractor: Extractor) -> None:
    text = ("A drone fell on a van in the village Berezovka, in Belgorod region, on Saturday, "
            "killing one man.")
    assert where(one(extractor, text)) == ("RUS", "Belgorod", "Berezovka")
    text = ("A lorry was hit by a drone near Oktyabrsky village on Monday, wounding two men, "
            "Russia's Belgorod governor said.")
    assert where(one(extractor, text)) == ("RUS", "Belgorod", "Oktyabrsky")


def test_a_village_the_gazetteer_lacks_goes_to_the_region_of_a_town_named_before(
        extractor: Extractor) -> None:
    text = ("Fighting broke out near Mrauk-U on Monday. On Tuesday, rebels shelled "
            "Kyaukpandu-Ywa town, killing three civilians.")
    found = extractor.extract(text, published=PUBLISHED)
    assert [where(i) for i in found] == [("MMR", "Rakhine", "Mrauk U"),
                                         ("MMR", "Rakhine", "Kyaukpandu-Ywa")]


# -- which country an article is about ---------------------------------------------------------

def test_another_spelling_of_a_city_abroad_needs_the_article_to_be_about_its_country(
        extractor: Extractor) -> None:
    text = ("MUMBAI: Four workers died when a wall gave way at a construction site in the Kurla "
            "area on Monday.")
    assert where(one(extractor, text)) == ("IND", "Maharashtra", "Kurla")
    # ... or to name it or a region of it, whoever acts
    text = "WEST BANK - Israeli troops raided Jenin on Tuesday and killed two men, the army said."
    assert where(one(extractor, text))[:2] == ("PSE", "West Bank")


def test_a_small_town_names_its_country_when_only_people_name_another(
        extractor: Extractor) -> None:
    text = ("Israeli settlers torched two cars in the village of Turmus-Sharqi, east of Ramallah, "
            "late on Friday, villagers said.")
    assert where(one(extractor, text))[:2] == ("PSE", "West Bank")


def test_on_a_tie_the_country_named_beats_the_people_named(extractor: Extractor) -> None:
    text = ("Rwandan troops patrolled the coast of Mozambique on Monday. A day later, insurgents "
            "beheaded three fishermen near the village of Nkoe-Pwani.")
    assert one(extractor, text).location.country_code == "MOZ"


# -- first-level regions under other names ----------------------------------------------------

def test_a_philippine_province_names_its_region(extractor: Extractor) -> None:
    text = ("Communist rebels ambushed an army truck in the village of San Roque-Bato in "
            "Northern Samar on Saturday, wounding two soldiers.")
    assert where(one(extractor, text)) == ("PHL", "Eastern Visayas", "San Roque-Bato")
    text = ("Soldiers clashed with guerrillas for an hour in the hills of Las Navas town, "
            "Northern Samar province, on Friday; four rebels died.")
    assert where(one(extractor, text)) == ("PHL", "Eastern Visayas", "Las Navas")


def test_regions_are_found_under_the_names_the_press_uses(extractor: Extractor) -> None:
    areas = {name: extractor.knowledge.area(name) for name in
             ("Zawiya", "Murqub", "Atacora", "Islamabad Capital Territory", "State of Mexico",
              "Kyiv")}
    assert {name: sorted(area.admin1) if area else None for name, area in areas.items()} == {
        "Zawiya": [("LBY", "Az Zawiyah")], "Murqub": [("LBY", "Al Marqab")],
        "Atacora": [("BEN", "Atakora")], "Islamabad Capital Territory": [("PAK", "Islamabad")],
        "State of Mexico": [("MEX", "Mexico")], "Kyiv": [("UKR", "Kyiv City")]}


def test_a_region_named_with_its_kind_is_that_region(extractor: Extractor) -> None:
    text = "A Russian drone hit a warehouse in the Kyiv region on Monday, killing three people."
    assert where(one(extractor, text)) == ("UKR", "Kyiv Oblast", None)
    text = "A Russian missile hit an apartment block in Kyiv on Monday, killing three people."
    assert where(one(extractor, text)) == ("UKR", "Kyiv City", "Kyiv")


def test_gaza_alone_is_palestinian(extractor: Extractor) -> None:
    text = "Rescuers said 14 people died when an air strike flattened a house in Gaza on Tuesday."
    assert where(one(extractor, text))[:2] == ("PSE", "Gaza Strip")


def test_a_region_name_abroad_is_not_where_an_article_about_another_country_happens(
        extractor: Extractor) -> None:
    text = ("NIGERIA - Security review. Across the North-West, bandits killed 40 villagers in "
            "raids on farming settlements in March.")
    assert one(extractor, text).location.country_code == "NGA"


def test_a_name_that_ends_a_longer_one_is_not_a_town(extractor: Extractor) -> None:
    text = ("RIO DE JANEIRO - Police killed three suspected gang members during a raid on the "
            "Complexo da Pedreira on Tuesday.")
    assert where(one(extractor, text))[:2] == ("BRA", "Rio de Janeiro")
    # ... nor one that starts it
    text = "Extortionists shot dead a mototaxi driver in San Juan de Lurigancho, Lima, on Monday."
    assert where(one(extractor, text)) == ("PER", "Lima", "San Juan de Lurigancho")
    text = ("A dissident front, the Comandos de la Frontera, has set up a camp in the hamlet of "
            "El Pital-Bajo near Tumaco, villagers say.")
    assert where(one(extractor, text)) == ("COL", "Narino", "El Pital-Bajo")
    # "as" joins no name
    text = ("PORT-AU-PRINCE - Heavy gunfire was heard in Solino as Viv Ansanm fighters moved "
            "into the district on Tuesday; two policemen were wounded.")
    assert where(one(extractor, text)) == ("HTI", "Ouest", "Solino")


def test_a_region_name_abroad_that_names_itself_only_does_not_count(
        extractor: Extractor) -> None:
    text = ("MEXICO / Jalisco — 12 May\n\n11 May, Zapopan: searchers found a clandestine grave "
            "with nine bodies on a ranch in the Santa Fe area; prosecutors confirmed.")
    found = extractor.extract(text, published=date(2024, 6, 3))
    assert [where(i)[:2] for i in found] == [("MEX", "Jalisco")]


# -- bulletins --------------------------------------------------------------------------------

def test_the_next_item_s_heading_lends_its_town_to_no_incident(extractor: Extractor) -> None:
    text = ("YEMEN - Weekly brief\n\nAL DHALE: Houthi gunners shelled army trenches on 01 Jun, "
            "killing two soldiers.\n\nMARIB: Quiet week.")
    found = extractor.extract(text, published=date(2024, 6, 3))
    assert [where(i) for i in found] == [("YEM", "Ad Dali", None)]


def test_an_incident_that_names_no_place_is_in_the_region_of_the_header(
        extractor: Extractor) -> None:
    text = ("SDN | KHARTOUM STATE | 12 MAR\n\n11 Mar: RSF fighters looted shops and burned a "
            "clinic overnight; no casualties reported.")
    assert where(one(extractor, text)) == ("SDN", "Khartoum", None)


def test_a_region_in_a_groups_name_is_not_where_it_acted(extractor: Extractor) -> None:
    found = extractor.extract("Gunmen attacked an army post near Kandi in northern Benin on "
                              "Thursday. The attack was later claimed by JNIM, al-Qaeda's "
                              "Sahel branch.", published=PUBLISHED)
    assert [i.location.country_code for i in found] == ["BEN"]


def test_a_nationality_names_the_country_when_nothing_else_does(extractor: Extractor) -> None:
    text = ("A gas tanker exploded at a depot in Kayole-Soweto on Thursday night, killing six "
            "people, the Kenyan government said.")
    assert where(one(extractor, text)) == ("KEN", None, "Kayole-Soweto")


def test_a_community_named_in_a_local_government_area_is_the_place(
        extractor: Extractor) -> None:
    text = "Gunmen attacked Agbeti community in Agatu LGA, Benue State, on Monday."
    assert where(one(extractor, text)) == ("NGA", "Benue", "Agbeti")


def test_who_lives_in_a_community_is_not_its_name(extractor: Extractor) -> None:
    for text in ("Gunmen attacked the Christian community in Bokkos, Plateau State, on Monday.",
                 "Gunmen attacked a Fulani hamlet near Bokkos, Plateau State, on Monday."):
        assert where(one(extractor, text)) == ("NGA", "Plateau", "Bokkos")


def test_a_world_news_blog_keeps_each_entry_in_its_country(extractor: Extractor) -> None:
    blog = ("World news - live\n"
            "06:40 - Brazil: Floods in Rio Grande do Sul have killed 12 people, officials say.\n"
            "07:30 - Brazil: Rescuers in Porto Alegre are searching for 40 missing people.\n"
            "08:15 - Bangladesh: A fire at a chemical warehouse in the Nimtali quarter killed 4 "
            "workers last night.")
    found = extractor.extract(blog, published=PUBLISHED)
    assert sorted(i.location.country_code or "" for i in found) == ["BGD", "BRA"]


def test_a_mediator_is_not_where_it_happened(extractor: Extractor) -> None:
    text = ("Under a truce mediated by China, rebels withdrew from Lashio, Myanmar, on Monday "
            "and troops entered the town without a fight.")
    assert where(one(extractor, text))[0] == "MMR"
