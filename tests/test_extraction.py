"""Extraction capabilities, one small example each: traps, casualties, dates, places, actors,
several incidents in one article. The sentences are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import Extractor, Incident
from extraction.casualties import CasualtyReader
from extraction.dates import find_dates
from extraction.places import PlaceFinder
from extraction.text import Sentence

PUBLISHED = date(2024, 3, 14)  # a Thursday


def extract(extractor: Extractor, text: str, published: date = PUBLISHED) -> list[Incident]:
    return extractor.extract(text, published=published)


def one(extractor: Extractor, text: str, published: date = PUBLISHED) -> Incident:
    found = extract(extractor, text, published)
    assert len(found) == 1, [(i.sub_event_type, i.summary) for i in found]
    return found[0]


# -- traps ------------------------------------------------------------------------------------

TRAPS = [
    "The former minister died of a heart attack at his home in Lagos on Tuesday.",
    "A passenger suffered a panic attack on a flight from Nairobi to Mombasa on Monday.",
    "The opposition leader called the new tax an attack on the economy of Kenya.",
    "Railway workers in France went on strike on Monday over pension reform.",
    "Teachers in Ghana will strike from next week unless their pay is raised.",
    "The striker struck twice in the second half as Nigeria beat Ghana 3-1 in Accra.",
    "The director shot his new film in the old quarter of Tunis last spring.",
    "Mourners in Kigali marked the anniversary of the 1994 massacres on Sunday.",
    "The rebels threatened to attack Goma if the army did not withdraw.",
    "The army denied reports that its soldiers had killed civilians near Mopti.",
    "Officials in Accra warned that floods could hit the capital next week.",
    "Police in Manila arrested a man suspected of stealing phones from a shop.",
    "The central bank launched a frontal attack on inflation in Turkey with a rate rise.",
    "A rocket carrying two satellites lifted off from French Guiana on Tuesday.",
    # A rumour the authorities call false, a forecast, a purchase, a condemnation in general.
    "Police in Jos dismissed as false a message circulating online claiming that bandits had "
    "attacked a church in Bukuru.",
    "Heavy flooding is forecast for Sindh next week, Pakistan's meteorological office said.",
    "Egypt agreed to buy 12 long-range armed drones from Turkey, officials said on Monday.",
    'Leaders at the summit in Addis Ababa condemned "all attacks on aid workers" in Sudan.',
    # A match report and a film shoot: what their later sentences call attacks is play.
    "Kenya beat Uganda 3-1 in Nairobi on Saturday. Their wingers attacked from the first "
    "minute and the hosts never stopped shooting.",
    "Filming wrapped on Friday on a big-budget war drama shot on location near Ouarzazate, "
    "Morocco. Crews blew up two trucks and staged explosions in a mock village.",
    # A threat some words before the attack it threatens; a battle with illness; a capture
    # dated last month, told as background; a deal to buy arms.
    "The militia threatened on Sunday to resume attacks on river traffic near Mopti, Mali, if "
    "the army did not withdraw.",
    "The actor, who was born in Nairobi, Kenya, died on Monday after a long battle with cancer.",
    "The rebels, who seized Rubaya, DR Congo, last month, are now advancing on "
    "Masisi.",
    "Nigeria signed an agreement on Tuesday to buy 24 fighter jets from Italy, the air force "
    "said.",
    # Sport in a live blog, exercises, an authority saying nothing happened, talks, remand.
    "21:40 — Arsenal's lethal attack faces a trip to Porto on Wednesday.",
    "21:55 — The captain blasts home from the edge of the box in the 80th minute.",
    "Live-fire military exercises off Fujian on Monday involved rocket launchers and attack "
    "helicopters.",
    'The command denied reports of a drone attack on the base in Anbar, saying "no attack took '
    'place".',
    "Cairo will host talks between Hamas and Israel aimed at reaching a truce and an exchange of "
    "prisoners.",
    "The five activists have been on remand since October over a demonstration in Kampala.",
    "The EU condemned an escalation of fighting in eastern DR Congo on Monday.",
    'The rebels vowed to "strike the occupiers" in Mandera and Lamu counties, Kenya.',
    # Road accidents, football, markets, rebuttals, risk assessments, arms exports.
    "A boda boda rider was killed on Wednesday night when a speeding lorry hit his motorcycle "
    "on the Thika road, Kenya.",
    "21:38 — Full time: the Seagulls are bombed out of the cup by a side two divisions below.",
    "The Kremlin said reports of an explosion on the Crimean bridge do not correspond to "
    "reality.",
    "ASSESSMENT: high likelihood of attacks on fuel convoys near Kayes, Mali, in coming weeks.",
    "Analysts said South Korea's exports of tanks, missiles and shells had surged.",
    # A cup tie's live blog, a book's battle scenes, manoeuvres, a fraud arrest, a bomb hoax.
    "FA Cup fifth round: Millwall v Brighton, as it happened. 21:40 — We were killed on the "
    "counter-attack, their captain says.",
    "The battle scenes are vivid, an ambush at a river crossing and a village shelled at dawn, "
    "but the book's power lies in its quieter chapters.",
    "In the course of the manoeuvres near Mulino, Russia, the crews carried out launches on "
    "conditional targets and aviation worked out strikes on the conditional enemy.",
    "Detectives in Eldoret, Kenya, arrested a man suspected of swapping ATM cards of customers.",
    "Shoppers were evacuated from a store in Hat Yai, Thailand, on Saturday after a caller told "
    "police a bomb had been planted; no device was found.",
    # A cyber attack and who was behind it; a drill called an attack; a risk; a heat warning.
    "A water utility in Mombasa, Kenya, was hit by a cyber attack on Monday. The utility has not "
    "said who was behind the attack.",
    "Police in Cebu, Philippines, said the 'hostage attack' at the port on Tuesday was a "
    "planned drill simulating a hijacking.",
    "Flood risk along the river banks in Garissa, Kenya, is assessed as high this week.",
    "The weather office issued an orange alert for heatwave conditions across Sindh, Pakistan, "
    "for the coming days.",
    # Statistics, trends and summaries over months; generic statements; a parade; a game.
    "Monitors counted 58 attacks across Burkina Faso in March, killing 210 people.",
    "Kidnappings in Zamfara, Nigeria, fell by about 15 per cent compared with the previous "
    "quarter.",
    "Over the past year, villagers in Ituri, DR Congo, have been killed in raids and displaced.",
    "Civilians have been shelled, looted and abducted across Kherson, Zaporizhzhia, Donetsk and "
    "Kharkiv, the agency said.",
    "Sexual violence by armed men remains under-reported in Ituri, DR Congo.",
    "Troops and ballistic missile launchers roll past the tribune at the parade in Minsk, "
    "Belarus.",
    "The new war game lets players call in air strikes on a city in Syria, its publisher said.",
    "19:05 - Kano Pillars attack from the first whistle at the stadium in Kano, Nigeria.",
    "A man held in a rape case died in custody in Faisalabad, Pakistan, on Friday.",
    "Elders in Garissa, Kenya, recall that cattle raids have led to killings in recent years.",
    "Police in Makurdi, Nigeria, said on Monday that six escaped inmates had been recaptured.",
    # A live blog's title line; an amber alert; fraud that "targeted" customers; a glance.
    "Floods tracker \u2014 live updates\n09:00 \u2014 Markets open higher in Dhaka, Bangladesh.",
    "An amber heat-health alert for heatwave conditions was issued for Karachi, Pakistan.",
    "Police in Eldoret, Kenya, said the man targeted elderly customers at cash machines.",
    # A crash's driver arrested; a condemnation with a quoted "escalation".
    "Police arrested the matatu driver in Nairobi, Kenya, on Monday after he was seen "
    "overtaking on the left.",
    # Gunfire heard; a raid planned; shelling cited as a reason; a relative clause's past;
    # a commander killed last week; arrests over an earlier bombing.
    "Sporadic gunfire could still be heard near the border in Goma, DR Congo, on Tuesday.",
    "The strike on the depot in Sevastopol, Crimea, was planned for months, the army said.",
    "Schools in Kharkiv, Ukraine, stayed shut on Monday, officials citing intensified shelling.",
    "Former fighters who had signed the peace deal gathered in Tibu, Colombia, on Monday.",
    "Mourners in Beirut, Lebanon, buried a commander on Monday who was killed in a strike last "
    "month.",
    "Police held 20 suspects over the bombing in Mardan, Pakistan, on Monday for questioning.",
    # An election landslide; celebratory fire; cyclone shelters; an animal; a crime at home;
    # a coach in a ravine; naval exercises; a film shoot's lead; a tennis "attack"; a treaty.
    "Early tallies suggest a landslide for the opposition candidate in Tamale, Ghana.",
    "Celebratory gunfire at a wedding in Busra al-Sham, Syria, alarmed residents on Monday.",
    "Some 50,000 people were moved to cyclone shelters in Khulna, Bangladesh, on Sunday.",
    "A fisherman was killed by a crocodile in Nyatike, Kenya, on Sunday.",
    "A man stabbed his wife to death after a domestic quarrel in Lanet, Kenya, on Saturday.",
    "A passenger coach plunged into a ravine near Chilas, Pakistan, on Friday, killing 20.",
    "Warships fired cruise missiles at targets imitating a probable adversary during strategic "
    "command-staff exercises off Murmansk, Russia, on Tuesday.",
    "The shooting of a war film near Ouarzazate, Morocco, will bring explosions and gunfire "
    "this week.",
    "Olympics, day five: the No. 1 crashes out in Paris, France, after a brutal attack from the "
    "baseline.",
    "The commission in Nairobi, Kenya, urged ratification of the convention against enforced "
    "disappearance on Tuesday.",
    "Air-raid sirens sounded across Tel Aviv, Israel, on Sunday morning.",
    'The EU on Monday condemned what it called an "unacceptable escalation" of fighting in '
    "eastern DR Congo.",
    # Habits, running totals and the war behind a story.
    "Kidnappings remain common on the highway between Abuja and Kaduna, Nigeria, and armed gangs "
    "continue to stage raids and abductions in nearby villages.",
    "The conflict in Cabo Delgado, Mozambique, has killed more than 6,000 people since 2017.",
    "Farmers in Kadugli, Sudan, are planting again after two years of fighting.",
    "Most families in the camp near Kalemie, DR Congo, have fled from the fighting in Tanganyika.",
    "Several cars were swept into the river when the bridge at Mtwara, Tanzania, gave way.",
    # Outlooks, breakdowns, tallies and shares of a report
    "The minister said the enemy could try to strike our bases in Tillaberi, Niger, during the "
    "rains.",
    "Outlook: roadside bomb attacks in Tillaberi, Niger, are expected to persist.",
    "Of these, 210 people were killed and 450 injured in Sagaing, Myanmar.",
    "Mali: 198 incidents, mostly in the Mopti and Segou regions.",
    "Attacks on civilians accounted for 41% of incidents in Burkina Faso.",
    "Killing and maiming: over 9,000 children killed or injured in Sudan and Gaza.",
    "More than 5,000 people have been killed by the army in Myanmar since the coup.",
    # Figures of speech, femicide statistics, habits, capabilities and demining
    "The lawmaker in Baghdad, Iraq, called the ruling an attack on sovereignty.",
    "A councillor in Jos, Nigeria, collapsed after what colleagues took for an attack of "
    "fatigue.",
    "Activists in Mombasa, Kenya, said dozens of women had been killed by their partners this "
    "year.",
    "Islamabad accuses Kabul of sheltering militants who carry out attacks inside Pakistan.",
    "The envoy praised people in Mogadishu, Somalia, for their resilience in the face of "
    "terrorist attacks.",
    "India's defence ministry in New Delhi approved new drones to boost its long-range strike "
    "capability.",
    "Demining teams destroyed old ordnance near Khost, Afghanistan, on Monday.",
    # A community remembering, and a trial
    "Ten years on, Mpeketoni remembers the 60 people killed in the militant raid on the town in "
    "Kenya.",
    "A court in Akure, Nigeria, adjourned the trial over the 2022 church attack in Owo.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_raise_nothing(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


def test_teaser_lines_are_dropped(extractor: Extractor) -> None:
    text = (
        "Gunmen killed four villagers in an attack near Maiduguri, Nigeria, on Wednesday.\n\n"
        "(Also read: Drone strike kills ten in northern Syria)\n\n"
        "Read more: Rocket attack on Kyiv leaves three dead\n"
    )
    found = extract(extractor, text)
    assert len(found) == 1
    assert found[0].location.country_code == "NGA"
    assert not any("Syria" in e or "Kyiv" in e for e in found[0].evidence)


def test_history_with_an_old_date_is_not_an_incident(extractor: Extractor) -> None:
    text = "Survivors gathered in Bamako to recall the car bomb that killed 20 people in May 2015."
    assert extract(extractor, text) == []


# -- casualties -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def casualties(extractor: Extractor) -> CasualtyReader:
    return extractor.reader.casualties


@pytest.mark.parametrize(("text", "killed", "injured"), [
    ("The blast killed 12 people and wounded 30 others.", 12, 30),
    ("Seven soldiers were killed and fifteen injured in the ambush.", 7, 15),
    ("At least 21 villagers were killed.", 21, None),
    ("Twenty-three people died and dozens were wounded.", 23, 12),
    ("Between 10 and 15 fighters were killed in the clashes.", 10, None),
    ("The attack caused no casualties, the army said.", 0, 0),
    ("Nobody was hurt in the explosion.", 0, 0),
    ("The raid left five people wounded.", None, 5),
    ("The shelling left three dead.", 3, None),
    # A number before a comma is a number ("27,000" is not 27).
    ("The strike killed 4 people and injured 27, medics said.", 4, 27),
    ("Floods displaced 27,000 people and killed 9.", 9, None),
    # Mob violence and one victim in the singular.
    ("Two suspected thieves were beaten to death by a mob at the market.", 2, None),
    ("A crowd stoned to death a man accused of blasphemy.", 1, None),
    ("A 40-year-old shepherd was killed when his flock strayed onto a mine.", 1, None),
    ("The driver was seriously injured when the device went off.", None, 1),
    # Graves: the remains found count as dead.
    ("Teams found a grave holding 17 unidentified bodies.", 17, None),
    ("Searchers recovered the remains of at least nine people.", 9, None),
    # A named victim and others, with commas around the name.
    ("The bomb killed the deputy governor, Amadou Sy, and four others.", 5, None),
    # A running total is not the incident's toll.
    ("Shells killed six civilians. At least 400 people have been killed since fighting "
     "began in April.", 6, None),
    ("Since the war began, 900 people have been killed in the province.", None, None),
    # Beheaded and "neutralised" are killed; "no injuries" means nobody was hurt at all.
    ("Insurgents beheaded four farmers near the river on Friday.", 4, None),
    ("The army said 12 terrorists were neutralised during the operation.", 12, None),
    ("Gunmen hurled a grenade at the post, causing no injuries.", 0, 0),
    ("Three people were killed; no injuries were reported.", 3, 0),
    ("No life was lost, the council chairman said.", 0, None),
    # Victims described by a clause before the verb; a group and the one with them.
    ("Six workers building a bridge in the district were shot dead on Saturday.", 6, None),
    ("Two men suspected of stealing a cow were beaten to death by villagers.", 2, None),
    ("The mine hit the truck, killing seven soldiers and their driver.", 8, None),
    ("Two young people presumed of being thieves have been burned alive by residents.", 2, None),
    ("A bombing killed the ministry's acting deputy minister, Ali Rahimi, and five others.", 6,
     None),
    # One victim in the singular, also in a bulletin's shorthand; "killed no one" is none.
    ("Residents beat a man to death and burned his body on Saturday.", 1, None),
    ("12 Mar: RU drone hit a bus in Bilozerka; driver killed, 3 passengers injured.", 1, 3),
    ("The attack killed no one; guard injured.", 0, 1),
    # Two victim groups after "killing"; victims with an aside between commas; "martyred".
    ("A bomber rammed a checkpoint, killing three policemen and two passers-by.", 5, None),
    ("At least 23 displaced people, including eight children, were killed on Saturday.", 23,
     None),
    ("Three members of the national army were martyred and five others wounded.", 3, 5),
    # A toll revised in an aside; a total over past weeks is not this incident's.
    ("The death toll, initially put at five, had risen to eight, officials said.", 8, None),
    ("Officials said 160 people had been killed by such mobs in the past month.", None, None),
    # Monitors' and translated ways of saying nobody was hurt.
    ("18 May: Quadcopter dropped explosives on a post in Miranshah; no cas.", 0, 0),
    ("No loss of human life was deplored, the source specified.", 0, None),
    # Two victims each named in the singular; an aside "of whom"; "died" after an aside.
    ("A soldier and a suspected rebel were killed in a firefight on Wednesday.", 2, None),
    ("A commander and 12 fighters were killed in the strike.", 13, None),
    ("At least 19 displaced persons, of whom seven children, were killed on Sunday.", 19, None),
    ("Four people, including two children, died when a landslide buried two houses.", 4, None),
    ("Seven soldiers of the national armed forces lost their life on Thursday.", 7, None),
    ("A drone targeted a motorcycle, leading to the martyrdom of a young man.", 1, None),
    # Men accused of a killing are not its victims.
    ("Two men accused of having killed a trader were arrested on Monday.", 1, None),
    # The first of two counts killed or arrested is no injured; "7 of whom"; a time of day.
    ("The blast killed 4 people and 20 were injured.", 4, 20),
    ("Police arrested 12 protesters and 30 others were injured.", None, 30),
    ("At least 12 people were killed, 7 of whom died in hospital.", 12, None),
    ("The death toll was not immediately known after the blast at 3 pm.", None, None),
    ("Gunmen tried killing him but he escaped unhurt.", None, None),
    # Two groups of injured; drowning; wounds treated; a second victim dying of wounds.
    ("Nine police officers and 14 marchers were injured in the scuffles.", None, 23),
    ("Police said 40 people were detained and 9 officers were injured.", None, 9),
    ("Three guards died and four were injured in the blast.", 3, 4),
    ("At least 14 people drowned when the ferry sank.", 14, None),
    ("Clinics reported 12 people with gunshot wounds after the shooting.", None, 12),
    ("A second soldier died of his wounds in hospital.", 1, None),
    # A dateline's day and the dash after it are no range of casualties.
    ("KANO, May 9 - A bomb wounded three traders at a market.", None, 3),
    # A bulletin's bare "toll 14"; victims named at length before "also died".
    ("Each side claims losses for the other; combined toll 11, unverified.", 11, None),
    ("Three constables of the special task force and the state police also lost their lives.",
     3, None),
    # Communiques' words for soldiers and militants killed.
    ("On the side of the friendly forces, four soldiers have fallen on the field of honour.", 4,
     None),
    ("Five terrorists were sent to hell in the operation.", 5, None),
    # Bulletins' "3x"; one victim by pronoun; translated "received poisonings"; "liquidated".
    ("5 Apr: IED struck a convoy near Jowhar; 3x SNA KIA, 2x WIA.", 3, 2),
    ("A shell fell on a house, killing a boy and injuring his mother.", 1, 1),
    ("Two soldiers received poisonings after the gas attack.", None, 2),
    ("The gunman offered armed resistance and was liquidated by return fire.", 1, None),
    # A toll "now" at a number; the declared dead; a crowd's lynching; a bomber "also" killed.
    ("Update: death toll now five, with 12 injured.", 5, 12),
    ("A wall collapsed, burying two miners; both were declared dead.", 2, None),
    ("A crowd lynched a man accused of theft.", 1, None),
    ("Three police officers were killed when a bomber struck the gate; the bomber was also "
     "killed.", 4, None),
    # Years are no victims; a town entered without a fight counts no dead.
    ("A man who had lived there for 20 years was lynched by a crowd.", 1, None),
    ("The rebels entered the town without firing a shot.", 0, None),
    # One of the injured dying later; a named victim assassinated; "lynched and burned";
    # "killing him"; "led to the killing of"; a bulletin's two tolls of one clash.
    ("Update: one of the four injured guards has died in hospital.", 1, 4),
    ("Gunmen assassinated on Friday the community leader Ana Ruiz.", 1, None),
    ("Villagers lynched and burned a man accused of theft.", 1, None),
    ("Residents lynched & burned 2 suspected gang members.", 2, None),
    ("A drone hit a cyclist on the bridge, killing him.", 1, None),
    ("The strike led to the killing of three fighters.", 3, None),
    ("Army communique: 12 assailants neutralised, 3 sldrs KIA.", 15, None),
    ("Five soldiers were killed, two of them officers.", 5, None),
    # A group's toll over years is no incident's.
    ("The militia, active since 2017, has killed thousands of civilians.", None, None),
    # A bulletin's "30+", an aside, "the killing of", a driver who died, a toll far from its verb
    ("Army claims 30+ militants killed, 4 soldiers KIA; 12+ injured.", 34, 12),
    ("At least 31 people, most of them miners, were killed.", 31, None),
    ("Rebels claimed the killing of 9 loggers.", 9, None),
    ("A shell hit a bus; the driver died and four passengers were wounded.", 1, 4),
    ("The death toll from the collapse of a six-storey building under construction in the "
     "north of the city on Sunday night has risen to 19.", 19, None),
    ("Twelve soldiers were killed in the fighting and 30 assailants neutralised.", 42, None),
    # a first toll the text corrects, and a killing avenged
    ("Police had earlier put the toll at 11.", None, None),
    ("Rebels fired rockets in retaliation for the killing of one of their commanders.", None,
     None),
    # The gap between a count and its verb crosses no other count and no "said"; a bracketed
    # abbreviation, an age range, a long aside, a pair of victims and a driver named apart
    ("A police spokesman said five people were shot dead at the market.", 5, None),
    ("Four suspected members of the Zaraoura armed group (ZAG) were killed.", 4,
     None),
    ("Three farmers, aged between 19 and 40, were murdered near the river.", 3, None),
    ("Two rangers, including a woman who had joined the service in the spring of last year, "
     "were killed.", 2, None),
    ("A policeman and a suspected member of the Kuki National Army (KNA) were killed.", 2, None),
    ("Six guards of the Frontier Constabulary (FC) and their driver were killed.", 7, None),
    ("Vigilantes beat the suspect for hours and he later died.", 1, None),
    ("The governor condemned the deaths of three firefighters in the blaze.", 3, None),
    ("Mortar rounds fell on the outskirts of the town, without causing casualties.", 0, 0),
    ("Two drones downed over the border; no damage/casualties.", 0, 0),
    ("A 19-year-old student died after police fired on the march.", 1, None),
    ("The number of martyrs of the blast in the refinery reached 31 people.", 31, None),
])
def test_casualty_counts(casualties: CasualtyReader, text: str, killed: int | None,
                         injured: int | None) -> None:
    counts = casualties.read(text)
    assert (counts.killed, counts.injured) == (killed, injured)


def test_victims_said_to_be_more_are_added(extractor: Extractor) -> None:
    incident = one(extractor, "Troops killed 14 rebels in a gunfight near Sukma, India, on "
                              "Sunday, police said. Two policemen also lost their lives.")
    assert incident.killed == 16


def test_casualties_attach_to_their_incident(extractor: Extractor) -> None:
    text = (
        "An air strike hit a market in Idlib, Syria, on Tuesday, killing nine civilians. "
        "Separately, a roadside bomb killed two policemen in Kandahar, Afghanistan, on Wednesday."
    )
    found = {i.location.country_code: i for i in extract(extractor, text)}
    assert found["SYR"].killed == 9
    assert found["AFG"].killed == 2


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "expected"), [
    ("on Monday", date(2024, 3, 11)),
    ("late on Sunday", date(2024, 3, 10)),
    ("on Thursday", date(2024, 3, 14)),
    ("yesterday", date(2024, 3, 13)),
    ("last night", date(2024, 3, 13)),
    ("on March 2", date(2024, 3, 2)),
    ("on 29 February", date(2024, 2, 29)),
    ("on 09/03", date(2024, 3, 9)),
    ("on the night of 28/02", date(2024, 2, 28)),
    ("on 12/12/23", date(2023, 12, 12)),
    ("\n- 09/03", date(2024, 3, 9)),
])
def test_dates_resolve_against_publication(phrase: str, expected: date) -> None:
    found = find_dates(f"Militants attacked the post {phrase}.", PUBLISHED)
    assert [d.value for d in found] == [expected]


def test_overnight_is_the_night_ending_on_publication_day(extractor: Extractor) -> None:
    incident = one(extractor, "Drones struck an oil depot in Bryansk, Russia, overnight, the "
                              "governor said.")
    assert incident.date == "2024-03-14"


def test_the_day_an_accusation_was_made_is_when_it_was_reported(extractor: Extractor) -> None:
    incident = one(extractor, "Rebels shelled the town of Kalehe, DR Congo, the previous day, "
                              "the army alleged on Wednesday.")
    assert incident.date == "2024-03-12"


@pytest.mark.parametrize("text", [
    "Patrols are on duty 24/7 near the post.",
    "The council passed the motion 2/3 in favour.",
    "Officials recalled the 9/11 attacks.",
])
def test_numbers_with_a_slash_that_are_no_dates(text: str) -> None:
    assert find_dates(text, PUBLISHED) == []


def test_a_day_to_come_is_no_events_date(extractor: Extractor) -> None:
    found = find_dates("The truce is to begin fully on April 3.", PUBLISHED)
    assert [(d.value, d.kind) for d in found] == [(date(2024, 4, 3), "future")]
    incident = one(extractor, "The government and the rebels signed a ceasefire agreement in "
                              "Bogota, Colombia, on Tuesday, to begin fully on April 3.")
    assert incident.date == "2024-03-12"


@pytest.mark.parametrize("text", [
    "KANO, March 14 (Wire) - Gunmen attacked a police station in Kano, Nigeria, late on Monday, "
    "killing three officers, police said on Wednesday.",
    # a local paper's dateline ends in a colon; a bulletin's "11 Mar: ..." dates its item
    "KANO, March 14: Gunmen attacked a police station in Kano, Nigeria, late on Monday, "
    "killing three officers, police said.",
    "NIGERIA | Kano | 11 Mar: Gunmen attacked a police station in Kano, killing three officers.",
])
def test_a_dateline_is_not_the_event_day(extractor: Extractor, text: str) -> None:
    assert one(extractor, text).date == "2024-03-11"


def test_the_day_it_was_announced_comes_before_the_dateline(extractor: Extractor) -> None:
    text = ("BANGKOK, March 14 (Wire) - The rebel group said on Tuesday it had captured the "
            "last army outpost in Paletwa township, Myanmar.")
    assert one(extractor, text).date == "2024-03-12"


def test_an_undated_incident_happened_when_the_one_before_it_did(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed five villagers near Zurmi, Nigeria, on Monday. "
                               "Hours later, a bomb exploded at a market in Maiduguri, killing "
                               "two traders.")
    assert [(i.location.place, i.date) for i in found] == [("Zurmi", "2024-03-11"),
                                                            ("Maiduguri", "2024-03-11")]


# -- places -----------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["al-Bukamal", "Abu Kamal", "Albu Kamal"])
def test_alternate_spellings_meet(extractor: Extractor, spelling: str) -> None:
    incident = one(extractor, f"A drone strike hit a truck near {spelling} in Syria on Monday.")
    assert incident.location.country_code == "SYR"
    assert incident.location.place == one(
        extractor, "A drone strike hit a truck near Abu Kamal in Syria on Monday.").location.place


def test_region_phrases(extractor: Extractor) -> None:
    east = one(extractor, "Warplanes struck a weapons depot in eastern Syria on Monday.")
    assert east.location.country_code == "SYR"
    kurdistan = one(extractor, "A rocket attack hit a base in the Kurdistan region of northern "
                               "Iraq on Monday, causing no casualties.")
    assert kurdistan.location.country_code == "IRQ"
    assert kurdistan.location.admin1 is not None
    assert kurdistan.killed == 0


def test_possessive_country_before_a_province(extractor: Extractor) -> None:
    incident = one(extractor, "Bandits killed six farmers in Nigeria's northwestern Zamfara "
                              "state on Monday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Zamfara"


def test_ambiguous_town_resolved_by_context(extractor: Extractor) -> None:
    text = ("Fighting between the army and rebels continued across Lebanon on Monday. "
            "An air strike killed four people in Tripoli in the north of Lebanon.")
    found = extract(extractor, text)
    assert found and all(i.location.country_code == "LBN" for i in found)


# -- actors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["The US military", "The Pentagon", "American troops"])
def test_state_forces_are_one_actor(extractor: Extractor, who: str) -> None:
    incident = one(extractor, f"{who} carried out an air strike on a militia depot in eastern "
                              "Syria on Monday.")
    assert incident.actors[0].name == "United States"
    assert incident.actors[0].role == "actor1"


def test_proxy_militias_and_roles(extractor: Extractor) -> None:
    incident = one(extractor, "Iran-backed militias attacked US troops with drones at a base "
                              "in western Iraq on Monday.")
    roles = {a.role: a.name for a in incident.actors}
    assert "Iran" in roles["actor1"]
    assert roles["actor2"] == "United States"


def test_attacker_after_by(extractor: Extractor) -> None:
    incident = one(extractor, "Five soldiers were killed in an ambush by al-Shabaab near "
                              "Kismayo, Somalia, on Monday.")
    roles = {a.role: a.name for a in incident.actors}
    assert roles["actor1"] == "Al-Shabaab"


# -- several incidents ------------------------------------------------------------------------

def test_one_article_several_incidents(extractor: Extractor) -> None:
    text = (
        "Israeli air strikes hit two buildings in Gaza City on Tuesday, killing 11 people. "
        "In the occupied West Bank, Israeli forces arrested 15 Palestinians in overnight raids "
        "in Jenin. Elsewhere, protesters marched peacefully through Amman, Jordan, on Wednesday "
        "calling for a ceasefire."
    )
    types = [i.sub_event_type for i in extract(extractor, text)]
    assert types[0] == "Air/drone strike"
    assert "Arrests" in types
    assert "Peaceful protest" in types


def test_every_incident_keeps_evidence_and_confidence(extractor: Extractor) -> None:
    incident = one(extractor, "A suicide bomber killed 14 people at a mosque in Peshawar, "
                              "Pakistan, on Friday.")
    assert incident.sub_event_type == "Suicide bomb"
    assert incident.event_type == "Explosions/Remote violence"
    assert incident.evidence and 0 < incident.confidence <= 1


# -- the spaCy pipeline -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sentences"), [
    ("Gen. Ali Musa said troops left the base at 6 a.m. on Monday. Nobody was hurt.\n\n"
     "A headline without a full stop\n\nThe next story begins here.",
     ["Gen. Ali Musa said troops left the base at 6 a.m. on Monday.", "Nobody was hurt.",
      "A headline without a full stop", "The next story begins here."]),
    # A number ends a sentence; initials and "incl." do not.
    ("Gunmen attacked a village near Zemio, wounding 4. On 11 March, armed men looted a clinic "
     "near D.I. Khan, killing 3 (incl. a nurse).",
     ["Gunmen attacked a village near Zemio, wounding 4.",
      "On 11 March, armed men looted a clinic near D.I. Khan, killing 3 (incl. a nurse)."]),
])
def test_a_blank_spacy_pipeline_cuts_sentences_with_the_projects_rules(
        text: str, sentences: list[str]) -> None:
    import spacy

    import extraction.pipeline  # noqa: F401  (registers the components)

    nlp = spacy.blank("en")
    nlp.add_pipe("sitrep_sentences")
    assert [s.text.strip() for s in nlp(text).sents] == sentences


def test_the_incident_component_fills_the_document(extractor: Extractor) -> None:
    assert extractor.nlp.pipe_names == ["sitrep_sentences", "sitrep_incidents", "sitrep_screen"]
    doc = extractor.nlp.make_doc("Gunmen killed four farmers in Kaduna State on Monday.")
    doc._.published = PUBLISHED
    for _, component in extractor.nlp.pipeline:
        doc = component(doc)
    [incident] = doc._.incidents
    assert (incident.sub_event_type, incident.killed) == ("Attack", 4)
    assert incident.location.country_code == "NGA" and incident.date == "2024-03-11"


# -- places the gazetteer lacks or shares with other countries --------------------------------

def test_village_missing_from_the_gazetteer_takes_the_sentences_region(
        extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen killed four farmers in Kurmin Dodo village in Katsina "
                              "state, Nigeria, on Monday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Katsina"
    assert incident.location.place == "Kurmin Dodo"


@pytest.mark.parametrize("where", ["in Kalongo", "near Kalongo", "outside Kalongo"])
def test_a_name_the_gazetteer_lacks_after_a_locative_is_the_town(extractor: Extractor,
                                                                  where: str) -> None:
    incident = one(extractor, f"Militiamen killed five herders {where}, a village in Borno "
                              "state, Nigeria, on Monday.")
    assert incident.location.place == "Kalongo"
    assert incident.location.admin1 == "Borno"


@pytest.mark.parametrize("words", ["in Russian", "in Parliament", "near Burkina-Niger"])
def test_demonyms_institutions_and_countries_are_not_unknown_towns(extractor: Extractor,
                                                                   words: str) -> None:
    incident = one(extractor, f"Gunmen killed two soldiers {words} on Monday, officials in "
                              "Niamey said.")
    assert incident.location.place != words.split(" ", 1)[1]


def test_an_unknown_village_takes_the_town_named_with_it(extractor: Extractor) -> None:
    incident = one(extractor, "A drone strike hit a car near the southern Lebanese town of "
                              "Deir Kanoun al-Ras, on the outskirts of Tyre, on Tuesday.")
    tyre = next(p for p in extractor.knowledge.gazetteer.lookup("tyre") if p.cc == "LBN")
    assert incident.location.place == "Deir Kanoun al-Ras"
    assert incident.location.admin1 == tyre.admin1
    assert (incident.location.lat, incident.location.lon) == (tyre.lat, tyre.lon)


def test_a_country_adjective_before_city_of_is_not_a_town(extractor: Extractor) -> None:
    incident = one(extractor, "Shelling of the Russian city of Kursk killed three people on "
                              "Saturday, the governor said.")
    assert incident.location.place == "Kursk"


def test_another_spelling_running_into_a_longer_name_is_not_that_town(
        extractor: Extractor) -> None:
    # "Intan" is another spelling of Yingtan, China.
    finder = PlaceFinder(extractor.knowledge.gazetteer)
    mentions = finder.find(Sentence.make("Rebels kill six workers in Intan Jaya", 0), set())
    assert [(m.surface, m.candidates) for m in mentions] == [("Intan Jaya", [])]


def test_a_later_sentence_without_a_place_keeps_the_town_named_before(
        extractor: Extractor) -> None:
    found = extract(extractor, "Police shot dead four protesters in Mombasa on Monday. On "
                               "Tuesday rioters set fire to the county offices.")
    assert [(i.sub_event_type, i.location.place) for i in found] == [
        ("Excessive force against protesters", "Mombasa"),
        ("Violent demonstration", "Mombasa")]


def test_a_sentence_naming_an_unknown_town_borrows_no_other(extractor: Extractor) -> None:
    found = extract(extractor, "Police shot dead four protesters in Mombasa on Monday. On "
                               "Tuesday rioters set fire to the offices in Kalongo.")
    assert [i.location.place for i in found] == ["Mombasa", "Kalongo"]


@pytest.mark.parametrize(("text", "town"), [
    # A displacement site or camp is the place, however unknown its name.
    ("CODECO fighters killed six civilians in the Kalonge displacement site in Djugu "
     "territory, Ituri, on Monday.", "Kalonge"),
    # A street named after a city is not that city.
    ("Two assailants opened fire on Haifa Street in Baghdad, Iraq, on Tuesday, killing three "
     "people.", "Baghdad"),
    # "through" places a march; what it called for does not.
    ("Thousands marched through central Paris on Saturday calling for a ceasefire in Gaza.",
     "Paris"),
    # An unknown name after "at" is a place when it is one word ("at Diafarabe")...
    ("JNIM fighters overran the army camp at Diafarabe, Mali, on Monday.", "Diafarabe"),
    # ... a square or a hall after "at" is a venue in the town named next.
    ("Police fired tear gas at protesters gathered at Freedom Square in Baku, Azerbaijan, on "
     "Friday.", "Baku"),
    # A continent, a month, a force's initials and a numbered block are no towns.
    ("Elsewhere in Europe: a hand grenade exploded outside a shop in Malmo, Sweden, early on "
     "Monday, injuring one man.", "Malmo"),
    ("Gunmen abducted four traders near Dekina, Kogi state, Nigeria, on 2 March (reported "
     "earlier in Mar).", "Dekina"),
    ("A roadside bomb hit near FC convoy outside Wana, South Waziristan, Pakistan, on Monday, "
     "wounding two soldiers.", "Wana"),
    ("A fire broke out in Block 9 of Kakuma refugee camp, Kenya, on Sunday, destroying 300 "
     "shelters.", "Kakuma"),
    # "E. Gojjam" is East Gojjam, not a region called "East".
    ("E. GOJJAM: soldiers shot dead three farmers near Bahir Dar, Ethiopia, on Monday.",
     "Bahir Dar"),
])
def test_camps_streets_and_venues(extractor: Extractor, text: str, town: str) -> None:
    assert one(extractor, text).location.place == town


def test_a_village_named_by_a_city_is_in_that_citys_country(extractor: Extractor) -> None:
    incident = one(extractor, "Settlers set fire to homes in the village of Duma, south of "
                              "Nablus, on Saturday night.")
    assert (incident.location.country_code, incident.location.place) == ("PSE", "Duma")


def test_a_region_name_inside_a_longer_name_is_not_that_region(extractor: Extractor) -> None:
    incident = one(extractor, "PHILIPPINES | Negros Oriental - 7 Mar: Troops clashed with NPA "
                              "guerrillas near Guihulngan; 3 NPA killed.")
    assert incident.location.country_code == "PHL"


def test_the_state_of_names_a_region_not_its_towns(extractor: Extractor) -> None:
    incident = one(extractor, "Floods in Brazil's southern state of Rio Grande do Sul killed "
                              "40 people on Monday.")
    assert (incident.location.admin1, incident.location.place) == ("Rio Grande do Sul", None)


@pytest.mark.parametrize(("text", "town"), [
    # A capital that is also its own province is the city, not only the province.
    ("Police fired on protesters in Maputo, Mozambique, on Wednesday, killing three people.",
     "Maputo"),
    # "the capital", "the port city" between the preposition and the name.
    ("A fire at the main fuel depot in the capital Conakry, Guinea, on Monday killed 13 "
     "people.", "Conakry"),
])
def test_capitals_and_cities_named_after_their_province(extractor: Extractor, text: str,
                                                        town: str) -> None:
    assert one(extractor, text).location.place == town


def test_the_dateline_town_is_not_lent_to_other_sentences(extractor: Extractor) -> None:
    found = extract(extractor, "NAIROBI, May 2 (Wire) - Floods killed 12 people in western "
                               "Kenya on Wednesday, the Red Cross said.")
    assert [(i.location.country_code, i.location.place) for i in found] == [("KEN", None)]


def test_small_namesake_abroad_gives_way_to_the_articles_country(extractor: Extractor) -> None:
    incident = one(extractor, "Bandits abducted 12 passengers near Maro village in Kaduna "
                              "state, Nigeria, on Sunday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Kaduna"


def test_region_named_with_its_kind_is_the_same_area(extractor: Extractor) -> None:
    knowledge = extractor.knowledge
    with_kind, bare = knowledge.area("Kharkiv Oblast"), knowledge.area("Kharkiv")
    assert with_kind is not None and bare is not None
    assert with_kind.name == bare.name


# -- sub-event types --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Militants stormed a bus station in Quetta, Pakistan, on Tuesday, taking 20 passengers "
     "hostage.", "Abduction/forced disappearance"),
    ("A student was picked up from his room in Turbat, Pakistan, by men in plain clothes on "
     "Monday and his whereabouts remain unknown.", "Abduction/forced disappearance"),
    ("Russian drones dropped munitions filled with an irritant gas on Ukrainian positions near "
     "Kupiansk, Ukraine, on Sunday.", "Chemical weapon"),
    ("The rebels said on Saturday they had captured the army's regional command headquarters "
     "in Lashio, Myanmar.", "Non-state actor overtakes territory"),
    ("Five construction workers were shot dead by armed separatists in Papua, Indonesia, "
     "on Friday.", "Attack"),
    # Territory, groups and bases in the words of official and bulletin copy.
    ("Army units restored the rule of law in Kutkai, Shan State, Myanmar, on Monday after "
     "clearing rebel positions.", "Government regains territory"),
    ("The rebels said on Tuesday they had seized full control of Paletwa, Chin State, Myanmar.",
     "Non-state actor overtakes territory"),
    ("Soldiers left the post at Boni, Mali, on Monday and the militants occupied it without "
     "resistance.", "Non-violent transfer of territory"),
    ("Two rival gangs in Croix-des-Bouquets, Haiti, said on Monday they had merged under a "
     "single command.", "Change to group/activity"),
    ("In Cotabato, Philippines, 800 former combatants and their rifles were decommissioned "
     "at a ceremony on Monday.", "Change to group/activity"),
    ("The group's council appointed a new wali for its branch in Borno, Nigeria, on Monday.",
     "Change to group/activity"),
    ("Residents of Tangaza, Sokoto, Nigeria, said on Monday that militants had set up at least "
     "two new camps in the forest.", "Headquarters or base established"),
    ("Foreign instructors installed themselves at the old air base in Tillaberi, Niger, on "
     "Monday.", "Headquarters or base established"),
    ("Gunmen stopped and burned three lorries on the road outside Kandi, Benin, on Monday; "
     "the drivers were freed.", "Looting/property destruction"),
    ("The two sides signed in Quibdo, Colombia, on Monday a first agreement on a local "
     "ceasefire.", "Agreement"),
    ("Soldiers seized an arsenal hidden in a farmhouse near Yarumal, Antioquia, Colombia, on "
     "Monday.", "Disrupted weapons use"),
    ("A drone dropped canisters releasing a greenish, stinging gas on trenches near Toretsk, "
     "Ukraine, on Monday.", "Chemical weapon"),
    # Protests that stay peaceful or are broken up, and crowds that burn vehicles.
    ("Hundreds of teachers are rallying peacefully outside parliament in Tbilisi, Georgia.",
     "Peaceful protest"),
    ("A march by farmers reached the main square of Cusco, Peru, peacefully on Monday.",
     "Peaceful protest"),
    ("Small gatherings near the university in Dakar, Senegal, were quickly dispersed on Monday.",
     "Protest with intervention"),
    ("A bus was set alight by a crowd of protesters in Sylhet, Bangladesh, on Monday.",
     "Violent demonstration"),
    ("Protesting miners attacked a police convoy with stones and dynamite near Oruro, Bolivia, "
     "on Monday and burned two police vehicles.", "Violent demonstration"),
    ("Thousands of farmers rallied in Nairobi, Kenya, on Monday; the rally dispersed "
     "peacefully in the evening.", "Peaceful protest"),
    ("Hundreds of nurses marched peacefully to the ministry in Accra, Ghana, on Monday before "
     "dispersing.", "Peaceful protest"),
    # Live fire or birdshot at a protest broken up is excessive force.
    ("Police fired tear gas and birdshot to disperse marchers in Mashhad, Iran, on Monday; 30 "
     "were wounded.", "Excessive force against protesters"),
    # A post seized; a foreign army taking ground from the country's own state.
    ("Rebels seized the army post at Bourem, Mali, on Monday after hours of fighting.",
     "Non-state actor overtakes territory"),
    ("Russian troops captured the village of Pishchane in Kharkiv region, Ukraine, on Monday.",
     "Non-state actor overtakes territory"),
    ("Ukrainian troops recaptured the village of Pishchane in Kharkiv region, Ukraine, on "
     "Monday.", "Government regains territory"),
    ("The army reconquered the town of Djibo, Burkina Faso, on Sunday.",
     "Government regains territory"),
    # Bulletin and translated phrasings.
    ("A quarry wall near Salem, India, collapsed, burying four workers on Monday.",
     "Man-made disaster"),
    ("Gunmen stopped a bus near Kalat, Pakistan, on Thursday, offloaded six passengers and "
     "martyred them.", "Attack"),
    ("Militants burned a school in Dekai, Papua, Indonesia, on Monday.",
     "Looting/property destruction"),
    ("Gunmen rustled about 300 head of cattle from herders near Ayorou, Niger, on Monday.",
     "Looting/property destruction"),
    ("Air defences destroyed four aerial targets over Kursk region, Russia, on Monday.",
     "Disrupted weapons use"),
    ("Soldiers found 30 rifles and explosives hidden in a warehouse in Guayaquil, Ecuador, on "
     "Monday.", "Disrupted weapons use"),
    ("Troops neutralised about forty terrorists near Dori, Burkina Faso, on Thursday.",
     "Armed clash"),
    ("A Russian infantry assault was repelled near Robotyne, Ukraine, on Monday.",
     "Armed clash"),
    ("The group named a new military commander in Sanaa, Yemen, on Monday, replacing his "
     "predecessor, who had been killed in an air strike.", "Change to group/activity"),
    # Weapons named by how they came: packed vehicles, shells that landed, missiles by name,
    # drones "of" a side, jets and quadcopters dropping their load.
    ("A truck packed with explosives blew up near a market in Baidoa, Somalia, on Monday, "
     "killing five.", "Remote explosive/landmine/IED"),
    ("A shell landed in a school yard in Sake, DR Congo, on Monday, killing two pupils.",
     "Shelling/artillery/missile attack"),
    ("An Iskander strike hit the port of Odesa, Ukraine, on Monday, killing four.",
     "Shelling/artillery/missile attack"),
    ("On Monday rebels attacked with drones the police station of Kalay, Myanmar.",
     "Air/drone strike"),
    ("A man was killed in Rylsk, Russia, on Monday as a result of an attack of a drone on his "
     "car.", "Air/drone strike"),
    ("A fighter jet dropped bombs on a ward of Mrauk-U, Rakhine, Myanmar, on Monday.",
     "Air/drone strike"),
    ("A quadcopter dropped a mortar shell on a police post in Lakki Marwat, Pakistan, on "
     "Monday.", "Air/drone strike"),
    # Gangs storming a town kill its people; crowds storm and burn in protest.
    ("Gang members stormed the town of Cabaret, Haiti, on Monday, killing eight residents.",
     "Attack"),
    ("Villagers torched a police jeep and pelted stones at officers in Alwar, India, on "
     "Tuesday.", "Violent demonstration"),
    ("Residents set fire to the town hall in Comalapa, Mexico, on Monday in protest at the "
     "killings.", "Violent demonstration"),
    ("Police opened fire on workers marching to the factory gates in Gazipur, Bangladesh, on "
     "Monday, killing one.", "Excessive force against protesters"),
    ("Police fired tear gas at street vendors in Harare, Zimbabwe, on Monday as they protested.",
     "Protest with intervention"),
    ("Gunmen shot dead a labourer in Pulwama, India, on Saturday.", "Attack"),
    # Groups giving up; ground taken, retaken, or changing hands without a fight.
    ("Thirty fighters in Kalay, Myanmar, returned to the legal fold with their weapons on "
     "Monday.", "Change to group/activity"),
    ("Twenty members of the group surrendered to the army in Wao, Philippines, on Monday.",
     "Change to group/activity"),
    ("The insurgents captured Ponnagyun town in Rakhine, Myanmar, on Monday.",
     "Non-state actor overtakes territory"),
    ("Government troops dislodged the rebels from their base in Koui, Central African "
     "Republic, on Friday.", "Government regains territory"),
    ("The army announced the recovery of the town of Bara, Sudan, on Thursday.",
     "Government regains territory"),
    ("Rebels entered the town of Kitshanga, DR Congo, on Monday without firing a shot.",
     "Non-violent transfer of territory"),
    ("Mali's army said on Monday it had seized the town of Ber, Mali, after days of fighting.",
     "Government regains territory"),
    ("Soldiers took over the U.N. camp in Ber, Mali, on Sunday after the peacekeepers left.",
     "Non-violent transfer of territory"),
    ("France handed over its base in Port-Bouet, near Abidjan, to Ivorian forces on Thursday.",
     "Non-violent transfer of territory"),
    ("The group named Ali Musa, its deputy in the north, as its new leader in Sanaa, Yemen, on "
     "Monday.", "Change to group/activity"),
    ("The militants relocated their command centre to an island near Baga, Nigeria, on Monday.",
     "Headquarters or base established"),
    ("Police found a depot of weapons including mortars in Imam Sahib, Afghanistan, on "
     "Saturday.", "Disrupted weapons use"),
    ("Gunmen opened fire on tourists near Pahalgam, India, on Tuesday, killing 26.", "Attack"),
    ("Hundreds rallied in Tunis, Tunisia, on Tuesday to demand the release of opponents "
     "detained since February.", "Peaceful protest"),
    ("At least seven people were found dead after police dispersed protests with tear gas in "
     "Lome, Togo, on Friday.", "Excessive force against protesters"),
    ("Suspects linked to the group attacked a police post in Onitsha, Nigeria, on Monday.",
     "Armed clash"),
    # Translated and bulletin phrasings read from the fifth evaluation set's conventions.
    ("Troops proceeded on Saturday to the reoccupation of the locality of Djibo, Burkina Faso.",
     "Government regains territory"),
    ("Gangs burned approx. 30 houses in Kenscoff, Haiti, on Tuesday.",
     "Looting/property destruction"),
    ("At least 17 people died in violent combats between two armed groups near Tibu, "
     "Colombia, on Thursday.", "Armed clash"),
    ("Police arrested three cadres of the outlawed group in Thoubal, Manipur, India, on "
     "Saturday.", "Arrests"),
    ("Israeli forces established a new military position near Jubata al-Khashab, Syria, on "
     "Friday.", "Headquarters or base established"),
    ("The council announced reaching an agreement for a ceasefire in Tripoli, Libya, on "
     "Wednesday.", "Agreement"),
    ("The group named Ali Hassan as its new secretary-general in Beirut, Lebanon, on Tuesday.",
     "Change to group/activity"),
    ("Two rival gangs in Port-au-Prince, Haiti, joined forces under a new coalition on Monday.",
     "Change to group/activity"),
    ("Gunmen attacked Mushu village, Plateau, Nigeria, on Sunday; 11 killed and 30 houses "
     "razed.", "Attack"),
    ("08:30 Israeli jets struck the military airport in Mezzeh, Syria, this morning.",
     "Air/drone strike"),
    ("The crowd in central Belgrade, Serbia, remains peaceful, organisers said on Saturday.",
     "Peaceful protest"),
    ("Protesters attacked several embassies in Kinshasa, DR Congo, on Tuesday.",
     "Violent demonstration"),
    ("Riot police cleared the square in Tbilisi, Georgia, with water cannon on Thursday as "
     "protesters gathered.", "Protest with intervention"),
    ("Police fired real bullets to disperse marchers in Maputo, Mozambique, on Thursday, "
     "causing three deaths.", "Excessive force against protesters"),
    ("Riot police opened fire on worshippers chanting slogans in Zahedan, Iran, on Friday.",
     "Excessive force against protesters"),
    ("Crowds looted supermarkets in Antananarivo, Madagascar, on Thursday evening.",
     "Violent demonstration"),
    ("Residents of Quiche, Guatemala, beat a suspected thief and set fire to him on Tuesday.",
     "Mob violence"),
    ("A general was killed by a bomb hidden in a scooter in Moscow, Russia, on Tuesday.",
     "Remote explosive/landmine/IED"),
    ("Artillery struck a market in Omdurman, Sudan, on Saturday, killing nine.",
     "Shelling/artillery/missile attack"),
    ("The collapse of a gold-mining pit near Kenieba, Mali, killed 48 people on Saturday.",
     "Man-made disaster"),
    ("Soldiers withdrew from Kfar Kila, Lebanon, at dawn on Tuesday and army units deployed "
     "into the village, checking for unexploded ordnance.", "Non-violent transfer of territory"),
    ("The army re-entered the town of Mogok, Myanmar, on Wednesday after the rebels withdrew "
     "under a ceasefire deal.", "Non-violent transfer of territory"),
    ("Hostages were handed over to the Red Cross in Gaza on Monday under the truce agreed last "
     "week.", "Agreement"),
    ("The army recovered on Tuesday the control of Kamanyola, DR Congo, after violent combats.",
     "Government regains territory"),
    # "5 March in the morning" is no march; a translated "repelled, on ..., an attack".
    ("Troops repelled, this Tuesday 5 March in the early morning, an attack on the camp at "
     "Diabaly, Mali.", "Armed clash"),
    ("Thousands of bus and taxi drivers marching towards Congress in Lima, Peru, on Monday "
     "blamed gangs that have killed dozens of drivers this year.", "Peaceful protest"),
    ("Militants have taken over the town of Bulo Burte in Hiiraan, Somalia, after government "
     "forces withdrew.", "Non-state actor overtakes territory"),
    ("A mob of about 300 people attacked a church in Sargodha, Pakistan, with sticks on Sunday.",
     "Mob violence"),
    ("Villagers near Solola, Guatemala, beat two men accused of stealing a motorbike and set "
     "them on fire on Friday.", "Mob violence"),
    ("Officers were attacked with stones outside the police station in Leeds, England, on "
     "Friday as a protest turned violent.", "Violent demonstration"),
    ("Unknown men threw a grenade at a police post in Guayaquil, Ecuador, on Thursday. The "
     "explosive detonated at the entrance, wounding two officers.", "Grenade"),
    ("Settlers attacked the village of Sinjil near Ramallah on Tuesday night, setting fire to "
     "cars and wounding three residents.", "Attack"),
    ("A huge explosion ripped through the container terminal of the port of Chittagong, "
     "Bangladesh, on Saturday, killing 12 workers.", "Man-made disaster"),
    ("A cessation of hostilities between Israel and Hezbollah took effect at 04:00 on "
     "Wednesday.", "Agreement"),
    ("Soldiers found and safely detonated a bomb made from a mortar shell near a market in "
     "Shariff Aguak, Philippines, on Monday.", "Disrupted weapons use"),
    ("Government troops took over the positions around the dam near Raqqa, Syria, on Friday "
     "without any incidents.", "Non-violent transfer of territory"),
])
def test_sub_event_type_rules(rules: Extractor, text: str, sub_event_type: str) -> None:
    assert one(rules, text).sub_event_type == sub_event_type


def test_a_regions_label_opens_a_bulletins_next_item(extractor: Extractor) -> None:
    found = extract(extractor, "SOMALIA SITREP\nBay: 3 Mar, an IED struck a convoy near Baidoa; "
                               "2 SNA KIA.\nGedo: 3 Mar, militants attacked a police post at "
                               "Garbaharey; exchange of fire for an hour.")
    assert [i.sub_event_type for i in found] == ["Remote explosive/landmine/IED", "Armed clash"]


def test_bulletin_items_are_separate_incidents(extractor: Extractor) -> None:
    found = extract(extractor, "MALI | Mopti | 3 Mar: JNIM fighters ambushed an army patrol "
                               "near Djenne. Same day: an IED struck a truck on the road north "
                               "of Djenne.")
    assert [i.sub_event_type for i in found] == ["Armed clash", "Remote explosive/landmine/IED"]
    assert {i.location.country_code for i in found} == {"MLI"}


def test_a_dated_heading_opens_a_bulletins_next_item(extractor: Extractor) -> None:
    bulletin = ("YOBE / Geidam LGA - 4 MAR: Insurgents abducted six farmers outside Geidam "
                "town.\n\nYOBE / Yunusari LGA - 6 MAR: Troops recaptured Kanamma after an ISWAP "
                "raid. Army claims 9 insurgents killed.")
    found = extract(extractor, bulletin)
    assert [i.sub_event_type for i in found] == ["Abduction/forced disappearance",
                                                 "Government regains territory"]


@pytest.mark.parametrize("text", [
    "The central bank in Brasilia launched an 'attack' on inflation on Wednesday.",
    "Rebel leaders in Bamenda, Cameroon, called state schooling an attack on Anglophone "
    "identity on Monday.",
    "A hospital in Leeds was hit by a ransomware attack on Monday.",
    "A court in Paris convicted eight men over the 2016 truck attack in Nice.",
    "A rocket carrying 20 internet satellites lifted off from Florida on Tuesday.",
    # weather without harm, a disaster rehearsed, a campaign's targets, a tally's labels
    "The bridge near Kasese, Uganda, has been closed since Monday following heavy rains.",
    "Live: A cold wave grips northern Pakistan as snow falls on Murree.",
    "Rescue teams in Izmir, Turkey, held a two-day tsunami simulation exercise on Tuesday.",
    "A measles vaccination drive targeting two million children in Kano, Nigeria, ended on "
    "Monday.",
    "- Battles: 9 | Explosions/Remote violence: 21 | Riots: 4 (Yemen, week 10)",
    # a year summed up, trends, a record year
    "In 2023, clearance teams in Quang Tri, Vietnam, destroyed 1,900 bombs and 300 shells.",
    "Abductions also rose in Zamfara, Nigeria, the report found.",
    "The monitor said 2023 had been the deadliest year for journalists in Mexico.",
    # weapons on show, a bowling attack, a metaphor, what could happen, a debunked video
    "Rows of Shahed drones and Fateh missiles rolled past the stands in Tehran on Sunday.",
    "Live: Sri Lanka v Bangladesh, Colombo. 11:20 - Their seamers attacked the stumps "
    "relentlessly.",
    'The union said the pension reform in Lima, Peru, "is an attack on every worker".',
    "Traders in Singapore said an attack on tankers in the Strait of Hormuz could lift "
    "oil prices.",
    "A clip purporting to show a drone strike on a market in Kharkiv, Ukraine, was filmed in "
    "Syria in 2017, fact-checkers said on Tuesday.",
    # a road crash, an offensive still to come, returnees' worries about old munitions
    "A minibus collided with a truck near Kisumu, Kenya, on Tuesday, killing nine people.",
    "The army said an offensive to be launched next month near Diffa, Niger, would clear the "
    "islands.",
    "Families returning to Khiam, Lebanon, fear unexploded ordnance in their fields.",
    'Brokers called the slump in Seoul "an attack of nerves" on Monday.',
    '"The ministry attacked our dignity," a union leader in Beira, Mozambique, said on Monday.',
    "Lawyers in Quito, Ecuador, called the decree an attack on the privacy of citizens.",
    '"Attacks on health workers in Sudan must stop," the agency said on Monday.',
    "Police in Maiduguri, Nigeria, reported a decline in attacks over the past three months.",
    "Ten years after gunmen abducted 40 pupils in Damasak, Nigeria, their parents met on "
    "Monday.",
    "A court in Goma, DR Congo, found three soldiers guilty of murder and looting on Monday.",
    "Panic attacks: what to do when one strikes on a crowded bus in Nairobi, Kenya.",
    "The navy began large-scale naval exercises off Bandar Abbas, Iran, on Monday. Footage "
    "showed missiles being launched from ships.",
    "The army denied on Monday the news of an air strike on the airport of Hama, Syria.",
])
def test_more_traps(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


@pytest.mark.parametrize("text", [
    # a service's name, a year's unrest, a city's record, a holiday of years past
    "- Scale up clinical management of rape services in Kassala and Gedaref, Sudan.",
    "Activists in Nairobi, Kenya, say dozens of students were abducted by security agents "
    "during the 2023 unrest.",
    "Kharkiv, Ukraine, has been a frequent target of Russian missile and drone attacks since "
    "the invasion began.",
    "Jos, Nigeria, was among the worst-hit areas in the attacks of Christmas Eve 2023, when "
    "dozens of villagers were killed.",
    # a film's staged blast, firemen's battle, a crime headline, a fabricated clip
    "The filming of a low-budget Tamil action drama ended in Ooty, India, on Friday with a "
    "staged car bomb explosion on the main road.",
    "The brigade's men battled the inferno at a tyre warehouse in Kano, Nigeria, for two hours "
    "on Monday.",
    "Metro briefs: shop burgled in Paltan, Dhaka; man arrested for killing wife",
    "Doctored footage alleging a missile strike on a dam in Moldova was debunked; no such attack "
    "took place.",
    # weapons found on suspects or in a hideout, tear smoke, a survey, a spreading trend
    "Police said two grenades, a pistol and detonators were recovered from the suspects in "
    "Bannu, Pakistan, on Monday.",
    "The hideout in Kulgam, India, contained three rifles, four grenades and an IED, police "
    "said.",
    "One in three women in Liberia has experienced sexual violence, the agency said on Monday.",
    "The rebels have increasingly used armed drones against towns since they lost the capital, "
    "striking fuel depots in Kassala, Sudan.",
    "Kidnappings have since spread to Zamfara, Nigeria, where gangs seize students for ransom.",
    "The provinces of Maradi and Zinder, Niger, have recorded since last year an increase of "
    "kidnappings attributed to bandits.",
    "The UN estimates more than 5,000 people were killed, injured or kidnapped in gang violence "
    "in Haiti last year.",
    # the past, a court's findings, a protest called for later
    "Previously, the government and the rebels signed an agreement in Doha, Qatar, in March.",
    "The court found that militiamen under his command attacked civilians and burned mosques "
    "in Bangui, Central African Republic.",
    "The opposition has called demonstrations in Maputo, Mozambique, for Friday.",
])
def test_traps_the_rules_see(rules: Extractor, text: str) -> None:
    assert extract(rules, text) == []


@pytest.mark.parametrize(("text", "killed"), [
    ("Militants attacked an army base in Borno, Nigeria, on Saturday; 20 insurgents and "
     "4 soldiers died.", 24),
    ("An attack by gunmen on a village in Mopti, Mali, on Sunday caused the death of "
     "15 civilians.", 15),
])
def test_casualty_phrasings(extractor: Extractor, text: str, killed: int) -> None:
    assert one(extractor, text).killed == killed


@pytest.mark.parametrize("text", ["The rockets caused no damage or casualties.",
                                  "No one was injured in the attack."])
def test_no_casualties_sets_both_counts_to_zero(casualties: CasualtyReader, text: str) -> None:
    counts = casualties.read(text)
    assert (counts.killed, counts.injured) == (0, 0)


# -- actors and their roles -------------------------------------------------------------------

def roles(incident: Incident) -> dict[str, str]:
    return {a.role: a.name for a in incident.actors}


@pytest.mark.parametrize(("text", "actor1", "actor2"), [
    # A generic attacker and counted victims.
    ("Bandits stormed a hamlet near Gusau in Zamfara, Nigeria, on Monday and shot dead "
     "six farmers.", "Bandits", "Civilians"),
    # Victims first, the attacker after "by" (passive voice).
    ("Four traders were shot dead by unidentified gunmen on a road outside Bunia, Congo, "
     "on Friday.", "Unidentified gunmen", "Civilians"),
    # State forces named by their country's adjective.
    ("The Malian army clashed with JNIM fighters near Djenne, Mali, on Tuesday.",
     "Mali", "JNIM"),
    # "came under attack from": the one after "from" acted.
    ("A Nigerian army patrol came under attack from Boko Haram fighters near Bama, "
     "Nigeria, on Sunday.", "Boko Haram", "Nigeria"),
])
def test_actor_roles(extractor: Extractor, text: str, actor1: str, actor2: str) -> None:
    got = roles(one(extractor, text))
    kn = extractor.knowledge
    assert kn.actor(got.get("actor1", "")) == kn.actor(actor1)
    assert kn.actor(got.get("actor2", "")) == kn.actor(actor2)


def test_a_named_group_replaces_generic_gunmen(extractor: Extractor) -> None:
    text = ("Gunmen abducted 12 bus passengers near Gimbi, Ethiopia, on Sunday. "
            "Residents blamed the Oromo Liberation Army.")
    incident = one(extractor, text)
    assert roles(incident)["actor1"] == extractor.knowledge.actor("Oromo Liberation Army")
    assert roles(incident)["actor2"] == "Civilians"


def test_protest_roles_follow_the_type(extractor: Extractor) -> None:
    dispersed = one(extractor, "Police in Nairobi, Kenya, fired tear gas to disperse "
                               "demonstrators marching on parliament on Tuesday.")
    assert dispersed.sub_event_type == "Protest with intervention"
    assert roles(dispersed) == {"actor1": "Protesters", "actor2": "Kenya"}
    shot = one(extractor, "Security forces shot dead three protesters in Maputo, "
                          "Mozambique, on Wednesday.")
    assert shot.sub_event_type == "Excessive force against protesters"
    assert roles(shot) == {"actor1": "Mozambique", "actor2": "Protesters"}


def test_disasters_have_no_actors(extractor: Extractor) -> None:
    incident = one(extractor, "Floods swept through villages near Beledweyne, Somalia, on "
                              "Monday, killing nine residents.")
    assert incident.event_type == "Disaster"
    assert incident.actors == []


@pytest.mark.parametrize(("name", "state"), [
    ("Malian Armed Forces", "Mali"), ("Police Forces of Kenya", "Kenya"),
    ("Government of Ethiopia", "Ethiopia"), ("Iraqi Counter-Terrorism Service", "Iraq"),
    ("Haitian National Police", "Haiti"),
])
def test_state_force_names_mean_their_state(extractor: Extractor, name: str,
                                             state: str) -> None:
    assert extractor.knowledge.actor(name) == state


# -- places ------------------------------------------------------------------------------------

def test_a_small_town_counts_after_a_preposition(extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen killed five herders in Abalak, Niger, on Monday.")
    assert incident.location.place == "Abalak"  # not its namesake in Russia
    assert incident.location.admin1 == "Tahoua"


def test_a_weekday_is_not_a_place(extractor: Extractor) -> None:
    incident = one(extractor, "A gas explosion at a depot in Embakasi, Nairobi, on Thursday "
                              "night killed three people.")
    assert incident.location.country_code == "KEN"


def test_a_city_named_like_its_province_is_the_city(extractor: Extractor) -> None:
    city = one(extractor, "Shelling killed four civilians in Aleppo, Syria, on Monday.")
    assert (city.location.place, city.location.admin1) == ("Aleppo", "Aleppo")
    province = one(extractor, "Shelling killed four civilians in Aleppo province, Syria, "
                              "on Monday.")
    assert province.location.precision == "admin1"


@pytest.mark.parametrize(("alias", "admin1"), [
    ("Taiz", "Taizz"), ("Damascus governorate", "Damascus"), ("Kyiv city", "Kyiv City"),
    ("North Kivu", "North Kivu"), ("Lower Shabeelle", "Lower Shabelle"),
])
def test_admin1_spellings(extractor: Extractor, alias: str, admin1: str) -> None:
    area = extractor.knowledge.area(alias)
    assert area is not None and area.name == admin1


def test_the_title_gives_the_town(extractor: Extractor) -> None:
    found = extractor.extract("Security forces dispersed the crowd and detained dozens of "
                              "students on Sunday.", published=PUBLISHED,
                              title="Police break up student rally in Tehran")
    assert [i.location.place for i in found] == ["Tehran"]


def test_a_dateline_is_not_the_place_of_the_event(extractor: Extractor) -> None:
    incident = one(extractor, "BANGKOK, March 29 (Wire) - A strong earthquake struck "
                              "central Myanmar on Friday. The quake's epicentre was near "
                              "Mandalay, where buildings collapsed.")
    assert incident.location.country_code == "MMR"
    assert incident.location.place == "Mandalay"


# -- several incidents in one sentence ---------------------------------------------------------

def test_killing_and_abduction_in_one_sentence_are_two_incidents(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed seven villagers and kidnapped 25 others in a "
                               "raid near Tsafe, Nigeria, on Sunday.")
    assert [(i.sub_event_type, i.killed) for i in found] == [
        ("Attack", 7), ("Abduction/forced disappearance", None)]


# -- casualties ---------------------------------------------------------------------------------

def test_one_named_victim_and_others(casualties: CasualtyReader) -> None:
    assert casualties.read("The air strike killed a senior commander and 7 others.").killed == 8
    assert casualties.read("A local chief and three others were killed.").killed == 4


def test_a_toll_in_the_next_sentence_belongs_to_the_disaster(extractor: Extractor) -> None:
    incident = one(extractor, "A powerful earthquake struck eastern Turkey near Malatya on "
                              "Monday. More than 1,200 people were killed by Tuesday, "
                              "officials said.")
    assert (incident.sub_event_type, incident.killed) == ("Natural disaster", 1200)


def test_a_factory_blast_is_an_accident(extractor: Extractor) -> None:
    incident = one(extractor, "Nine people were killed when an explosion ripped through a "
                              "fireworks factory near Sivakasi, India, on Friday.")
    assert incident.sub_event_type == "Man-made disaster"


@pytest.mark.parametrize("text", [
    "Oil prices rose 3% on Tuesday as attacks on tankers in the Gulf of Aden raised "
    "supply worries in London.",
    "The EU adopted new sanctions against Belarus on Monday, targeting its potash exports.",
    "A cyclone was expected to make landfall in Bangladesh's Chittagong on Friday.",
    "Survivors in Srebrenica, Bosnia, visited the mass grave on the anniversary.",
])
def test_market_forecast_and_remembrance_traps(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


def test_an_event_in_a_list_of_towns_is_one_incident_per_town(extractor: Extractor) -> None:
    found = extract(extractor, "Police fired tear gas at protesters in Kano and Kaduna, "
                               "Nigeria, on Monday.")
    assert [i.location.place for i in found] == ["Kano", "Kaduna"]
    road = extract(extractor, "A roadside bomb killed two soldiers on the road between "
                              "Kirkuk and Tikrit, Iraq, on Monday.")
    assert len(road) == 1


def test_a_lone_incident_takes_a_toll_given_later(extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen attacked a police post in Kajuru, Nigeria, on Sunday. "
                              "The assault lasted two hours. Residents fled into the bush. "
                              "Hospital staff later said 11 people died.")
    assert incident.killed == 11


def test_the_attackers_after_a_named_group_are_that_group(extractor: Extractor) -> None:
    incident = one(extractor, "JNIM fighters ambushed an army convoy near Boni, Mali, on Sunday, "
                              "killing six soldiers. The attackers then clashed with "
                              "reinforcements for two hours before withdrawing.")
    assert (incident.sub_event_type, incident.killed) == ("Armed clash", 6)


def test_a_quake_felt_in_several_towns_is_one_incident(extractor: Extractor) -> None:
    incident = one(extractor, "A strong earthquake hit eastern Turkey on Monday, killing nine "
                              "people in Malatya. The quake's epicentre was near Elazig, where "
                              "several buildings collapsed.")
    assert (incident.location.place, incident.killed) == ("Malatya", 9)


def test_a_factory_fire_with_toxic_smoke_is_one_disaster(extractor: Extractor) -> None:
    incident = one(extractor, "Eleven workers died when a fire broke out at a plastics factory in "
                              "Faisalabad, Pakistan, on Monday. The blaze sent toxic smoke over "
                              "nearby homes.")
    assert (incident.sub_event_type, incident.killed) == ("Man-made disaster", 11)


def test_floodwaters_that_kill_are_a_disaster(extractor: Extractor) -> None:
    incident = one(extractor, "Floodwaters from the overflowing river killed 14 people in "
                              "Kogi, Nigeria, on Sunday.")
    assert (incident.sub_event_type, incident.killed) == ("Natural disaster", 14)


def test_background_dated_long_ago_gives_no_day(extractor: Extractor) -> None:
    incident = one(extractor, "Soldiers exchanged fire with RSF fighters on the edge of Sennar, "
                              "Sudan. Sennar fell briefly to the RSF in June 2023.")
    assert incident.date == PUBLISHED.isoformat()


def test_a_death_from_illness_lends_no_toll(extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen attacked a police post in Kajuru, Nigeria, on Sunday. "
                              "Residents fled into the bush. "
                              "Separately, a retired general died of a heart attack in Abuja.")
    assert incident.killed is None
    incident = one(extractor, "Gunmen attacked a police post in Kajuru, Nigeria, on Sunday. A "
                              "contractor employed by the state water board died of a heart "
                              "attack during the shooting.")
    assert incident.killed is None


def test_military_shorthand_for_casualties(casualties: CasualtyReader) -> None:
    counts = casualties.read("Ambush on a patrol near Djibo: 9 soldiers KIA, 4 WIA.")
    assert (counts.killed, counts.injured) == (9, 4)


def test_monitor_shorthand_for_state_forces(extractor: Extractor) -> None:
    incident = one(extractor, "12 Mar: RU artillery shelled a market in Kherson, Ukraine; "
                              "2 civilians killed.")
    assert roles(incident) == {"actor1": "Russia", "actor2": "Civilians"}


def test_a_bulletin_item_in_may_is_not_a_hypothetical(extractor: Extractor) -> None:
    incident = one(extractor, "NGA | Borno\n21 May - ISWAP attack on army post nr Marte; 5 "
                              "sldrs KIA.", date(2024, 5, 23))
    assert (incident.date, incident.killed) == ("2024-05-21", 5)


def test_kia_after_a_count_is_the_killed_not_the_kachin_army(extractor: Extractor) -> None:
    incident = one(extractor, "NER - Tillaberi | 12 Mar: ISSP fighters attacked an army "
                              "position at Tassia; 23 sldrs KIA.")
    assert incident.location.country_code == "NER"
    assert incident.sub_event_type == "Armed clash"
    assert "Kachin Independence Army (KIA)" not in roles(incident).values()
    group = one(extractor, "KIA fighters attacked a junta post near Bhamo, Myanmar, on Monday.")
    assert roles(group)["actor1"] == "Kachin Independence Army (KIA)"


@pytest.mark.parametrize("code", ["BFA", "NER", "UGA", "MAR"])
def test_a_bulletin_headed_by_a_country_code(extractor: Extractor, code: str) -> None:
    # The header's code wins over towns spelled like it, and "MAR" over the month.
    incident = one(extractor, f"{code} | 12 Mar: Gunmen killed 4 herders near Tandyari.")
    assert (incident.location.country_code, incident.location.place) == (code, "Tandyari")


def test_a_code_in_running_text_is_not_the_country(extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen killed two people near Mar del Plata, Argentina, on "
                              "Monday. MAR officials said the attackers fled.")
    assert incident.location.country_code == "ARG"


def test_a_group_name_inside_a_longer_name_is_not_that_group(extractor: Extractor) -> None:
    incident = one(extractor, "Fighters of the West Papua National Liberation Army shot dead "
                              "two road workers near Nduga, Indonesia, on Monday.")
    assert extractor.knowledge.actor("ELN") not in {a.name for a in incident.actors}


@pytest.mark.parametrize(("text", "actor1"), [
    ("An Israeli air strike on a house in Khan Younis killed 14 people on Monday.", "Israel"),
    ("Two Russian missiles hit a school in Kharkiv, Ukraine, on Monday, killing four people.",
     "Russia"),
    # "U.S." opening a sentence: the tokenizer splits off its last full stop.
    ("U.S. warplanes struck the port of Hodeidah, Yemen, on Tuesday.", "United States"),
])
def test_the_state_named_with_the_weapon_fired_it(extractor: Extractor, text: str,
                                                  actor1: str) -> None:
    assert roles(one(extractor, text))["actor1"] == actor1


def test_a_dateline_country_is_not_an_actor(extractor: Extractor) -> None:
    incident = one(extractor, "MEXICO CITY, March 2 (Wire) - Gunmen threw a grenade into a "
                              "bar in Celaya, killing three people.")
    assert roles(incident)["actor1"] == "Unidentified gunmen"


# -- sub-event types by ACLED's definitions ---------------------------------------------------

ACLED_TYPES = [
    # A weapon intercepted, shot down or defused, or a cache seized, is a disrupted attack.
    ("Air defences over Erbil intercepted three rockets fired at the airport on Friday; "
     "nobody was hurt.", "Disrupted weapons use"),
    ("Army engineers defused an unexploded mortar shell found near a school in Gao on Monday.",
     "Disrupted weapons use"),
    ("Police in Kandahar discovered a large cache of weapons and explosives in a house on "
     "Sunday, including three rocket launchers.", "Disrupted weapons use"),
    # A crowd that beats, stones or burns someone is mob violence.
    ("A suspected thief was beaten to death by a crowd at a market in Kumasi on Friday.",
     "Mob violence"),
    ("Residents of a village near Bunia stoned and set fire to two men accused of witchcraft "
     "on Tuesday.", "Mob violence"),
    # Explicit agreements settle the sentence, whatever violence they end.
    ("The two sides agreed on Monday to a cessation of hostilities after clashes near Abyei.",
     "Agreement"),
    ("A deal has been reached in Kampala for the release of forty detained fighters, the "
     "mediators said on Friday.", "Agreement"),
    # Curfews and emergencies of any length are a change to the authorities' activity.
    ("Authorities imposed a dusk-to-dawn curfew on Kasese on Sunday.", "Change to group/activity"),
    ("The government declared a 60-day state of emergency in Ituri province on Tuesday.",
     "Change to group/activity"),
    # Bases handed over, troops withdrawn without a fight.
    ("Foreign troops handed over their last base in the north to the national army in "
     "Kidal on Friday.", "Non-violent transfer of territory"),
    # A building turned into a base by an armed group.
    ("Gang members turned a disused clinic in Jacmel into a base on Sunday.",
     "Headquarters or base established"),
    # Graves and remains found.
    ("A search group located a clandestine grave with the remains of nine people outside "
     "Tijuana on Saturday.", "Other"),
    # Property burned by an armed group.
    ("Militiamen burned 40 houses in a village near Djugu on Wednesday.",
     "Looting/property destruction"),
    # Accidents: a tanker blast or a collapse is a man-made disaster, not a bomb.
    ("A fuel tanker exploded on the highway near Kaduna on Monday, killing 20 people.",
     "Man-made disaster"),
    ("A five-storey building under construction collapsed in Nairobi on Thursday, killing "
     "six workers.", "Man-made disaster"),
    ("An explosion at Lebanon's main oil refinery near Tripoli killed four workers on "
     "Tuesday.", "Man-made disaster"),
    # A fire in a factory or market is an accident; an explosion in a market is not assumed to
    # be one.
    ("A fire at a garment factory in Gazipur, Bangladesh, killed six workers on Monday.",
     "Man-made disaster"),
    ("Firefighters battled a blaze at a market in Onitsha, Nigeria, on Monday; no one was hurt.",
     "Man-made disaster"),
    ("An explosion at a crowded market in Maiduguri, Nigeria, killed 12 people on Monday; "
     "police blamed Boko Haram.", "Remote explosive/landmine/IED"),
    # Riots: crowds storming, clashing with police; deaths alone do not make excessive force.
    ("Thousands of opposition supporters stormed the electoral commission in Kinshasa on "
     "Monday.", "Violent demonstration"),
    ("Nine people died in clashes between police and protesters in Conakry on Thursday.",
     "Violent demonstration"),
    # Arrests at a protest are its intervention; police gear named "riot" is no riot.
    ("Police in riot gear detained 40 protesters at a rally in Minsk on Sunday.",
     "Protest with intervention"),
    # Crowds gathering are a protest even when the text says "hundreds of women".
    ("Hundreds of women marched through Freetown on Saturday to demand cheaper rice.",
     "Peaceful protest"),
    # Suicide drones are drones; a suicide car bomber is a suicide bombing.
    ("Suicide drones hit an oil depot in Novorossiysk on Sunday, officials said.",
     "Air/drone strike"),
    ("A suicide car bomber rammed an army checkpoint near Baidoa on Friday, killing six "
     "soldiers.", "Suicide bomb"),
    ("Russian glide bombs struck Kupiansk on Tuesday, killing two civilians.",
     "Air/drone strike"),
    # Gas munitions are chemical weapons before they are grenades or shells.
    ("A drone dropped a grenade with CS agent on Ukrainian trenches near Toretsk on Friday.",
     "Chemical weapon"),
    # So is a munition whose victims choke and vomit; without that it is an air strike.
    ("Villagers near Saraqib, Syria, were treated for choking and vomiting after government "
     "helicopters dropped barrel bombs on the area on Monday.", "Chemical weapon"),
    ("Villagers near Saraqib, Syria, were treated for shrapnel wounds after government "
     "helicopters dropped barrel bombs on the area on Monday.", "Air/drone strike"),
    ("Fighters used a drone to drop explosives on a police station in Jamundi, Colombia, on "
     "Monday, wounding four officers.", "Air/drone strike"),
    # Tear gas grenades are crowd control, not grenade attacks.
    ("Soldiers fired tear gas grenades at protesters in Nairobi on Tuesday.",
     "Protest with intervention"),
    # A town entered without a fight changes hands peacefully.
    ("Rebels entered the town of Kiwanja, DR Congo, without a fight on Sunday.",
     "Non-violent transfer of territory"),
    # A collapse the quake caused is the quake's; where else it was felt is no other event.
    ("A 6.1 earthquake struck near Herat, Afghanistan, on Saturday, collapsing a school and "
     "killing 12 pupils; tremors were felt in Mashhad.", "Natural disaster"),
    # Gunfire on tourists is an attack on civilians.
    ("Gunmen opened fire on tourists at a beach hotel in Sousse on Friday, killing five.",
     "Attack"),
    # Territory: "swept into", "drove out of", camps overrun.
    ("Rebels swept into the town of Bor on Tuesday after government troops fled.",
     "Non-state actor overtakes territory"),
    ("The army said on Monday it had driven the militants out of the town of Palma.",
     "Government regains territory"),
    ("Al-Shabaab fighters occupied the town of Bulo Burde, Somalia, for several hours on "
     "Tuesday before withdrawing.", "Non-state actor overtakes territory"),
    ("Insurgents seized a police station in Mueda, Mozambique, on Sunday.",
     "Non-state actor overtakes territory"),
    # Troops engaging or "neutralising" fighters is a battle.
    ("Troops engaged the militants near Diffa, Niger, on Friday, the army said.", "Armed clash"),
    ('Soldiers "neutralised" six terrorists near Djibo, Burkina Faso, on Monday, the army '
     'said.', "Armed clash"),
    # Drones shot down, however the count is put.
    ("Air defences shot down 21 of 25 attack drones over Kharkiv, Ukraine, overnight.",
     "Disrupted weapons use"),
    # Fighters surrendering, a group's ceasefire of its own.
    ("Forty fighters of the group surrendered to the army in Marawi, Philippines, on Saturday.",
     "Change to group/activity"),
    ("The ELN announced a unilateral ceasefire across Colombia from Friday to Monday for the "
     "elections.", "Change to group/activity"),
    ("Two youths accused of stealing goats were subjected to mass beating by villagers in "
     "Sirajganj, Bangladesh, on Sunday; one died.", "Mob violence"),
    ("A farmer was wounded on Tuesday when he stepped on an antipersonnel mine near Tame, "
     "Colombia.", "Remote explosive/landmine/IED"),
    ("Armed men installed on Thursday a base in the village of Dioura, Mali, according to "
     "residents.", "Headquarters or base established"),
    ("Riot police used water cannon on Saturday to clear hundreds of protesters from a square "
     "in Tbilisi, Georgia.", "Protest with intervention"),
    ("Gendarmes dispersed opposition supporters with tear gas in Dakar, Senegal, on Monday.",
     "Protest with intervention"),
    ("Some 95 prisoners of war returned home on Friday in a swap between Russia and Ukraine "
     "mediated by the UAE.", "Agreement"),
    ("Several thousand nurses march peacefully through Lagos, Nigeria, demanding better pay.",
     "Peaceful protest"),
    ("Security forces said on Tuesday they had arrested four ISKP members in Jalalabad, "
     "Afghanistan.", "Arrests"),
    ("Army units entered, on Sunday morning, the town of Um Rawaba, Sudan, after the "
     "withdrawal of RSF fighters during the night.", "Non-violent transfer of territory"),
    # "the first since 2016" compares; it does not date the truce.
    ("Yemen's warring parties agreed to a two-month truce on Friday, the first since 2016.",
     "Agreement"),
    # A model number is no count of weapons.
    ("A drone dropped a K-51 grenade with CS agent on trenches near Robotyne, Ukraine, on "
     "Tuesday.", "Chemical weapon"),
    ("The group named Abu Hafs as its new leader in Idlib, Syria, on Monday.",
     "Change to group/activity"),
    ("A senior commander of the group gave himself up to government forces in Baidoa, Somalia, "
     "on Friday.", "Change to group/activity"),
    ("The TNLA and the army agreed a local ceasefire for Namhsan township, Myanmar, on "
     "Sunday.", "Agreement"),
    ("Four people drowned when the Tana River burst its banks near Garsen, Kenya, on Tuesday.",
     "Natural disaster"),
    ("A fire destroyed 50 market stalls in Kinshasa, DR Congo, on Friday.", "Man-made disaster"),
    ("Troops abandoned their outpost near Minbya, Myanmar, on Tuesday.",
     "Non-violent transfer of territory"),
    ("Insurgents took with them three children near Nangade, Mozambique, on Wednesday.",
     "Abduction/forced disappearance"),
    ("Residents of Acatlan, Mexico, beat two men they accused of theft on Friday; both died.",
     "Mob violence"),
    ("Angry residents blocked the main road at Kargi, Kenya, on Tuesday demanding more police.",
     "Peaceful protest"),
    ("Troops located and destroyed an explosive device near Tumaco, Colombia, on Saturday.",
     "Disrupted weapons use"),
    ("Russian warplanes launched four raids on the outskirts of Jisr al-Shughur, Syria, on "
     "Saturday.", "Air/drone strike"),
    ("Gunmen assassinated a former rebel commander in Tafas, Syria, on Monday.", "Attack"),
    ("Combined PDF forces overran the police station in Kawlin, Myanmar, on Thursday after a "
     "two-day siege.", "Non-state actor overtakes territory"),
    ("RSF fighters entered Um Adara village, Sudan, on Sunday after a brief exchange of fire "
     "with armed residents.", "Non-state actor overtakes territory"),
    ("The ELN suspended offensive operations across Colombia on Wednesday for five days.",
     "Change to group/activity"),
    ("Four militias in Fizi, DR Congo, announced on Saturday their fusion into a single "
     "movement.", "Change to group/activity"),
    ("About 300 fighters arrived at a cantonment camp near Nekemte, Ethiopia, on Monday.",
     "Change to group/activity"),
    ("The Houthis named a new military chief of staff in Sanaa, Yemen, on Thursday.",
     "Change to group/activity"),
    ("Two people died in the city of Huambo, Angola, on Tuesday during disturbances that "
     "followed a taxi strike.", "Violent demonstration"),
    # "Encounter" in Indian English is a gunfight.
    ("Two Maoists were killed in an encounter with security forces near Sukma, India, on "
     "Saturday.", "Armed clash"),
    ("Bandits raided a village near Maru, Nigeria, on Sunday and carried away at least 27 "
     "people.", "Abduction/forced disappearance"),
    # A tanker that overturns and explodes is a disaster, not a road accident.
    ("A fuel tanker overturned and exploded near Bida, Nigeria, on Sunday, killing 37 people.",
     "Man-made disaster"),
]


@pytest.mark.parametrize(("text", "sub_event_type"), [
    # Words the traps use must not hide real events: a party named a League, a stadium,
    # a shooting that "began", a date range, a ceasefire that began after talks.
    ("Police fired tear gas at Awami League supporters marching in Dhaka, Bangladesh, on "
     "Sunday.", "Protest with intervention"),
    ("A bomb exploded near the football stadium in Mogadishu, Somalia, on Friday, killing three.",
     "Remote explosive/landmine/IED"),
    ("The shooting began at around 9 pm when gunmen opened fire on worshippers at a church in "
     "Owo, Nigeria, killing 40.", "Attack"),
    ("Kyiv lost power on 12-13 March after Russian missile strikes on the city, Ukraine's "
     "energy ministry said.", "Shelling/artillery/missile attack"),
    ("A ceasefire began at midnight on Sunday in Gaza after talks mediated by Qatar.",
     "Agreement"),
    ('The governor vowed "swift justice" after gunmen killed 12 villagers in Zamfara state, '
     'Nigeria, on Sunday.', "Attack"),
    ("Islamic State claimed responsibility for the suicide bombing at a mosque in Peshawar, "
     "Pakistan, on Sunday.", "Suicide bomb"),
    ("There had been no attack in Kuru for years until gunmen stormed the village on Sunday, "
     "killing 12 people.", "Attack"),
    ("Troops recaptured the town seized by rebels last month near Goma, DR Congo, the army "
     "said on Sunday.", "Government regains territory"),
    # "Opened fire in a market" is no market fire; a West Bank city is not an act of occupying.
    ("Gunmen opened fire in a crowded market in Kano, Nigeria, on Monday, killing three.",
     "Attack"),
    ("A man was shot dead by Israeli forces in the occupied West Bank city of Nablus on Monday.",
     "Attack"),
    # A trend word, a drill word, a list of towns: the strike itself is still news.
    ("Russian missiles struck Kharkiv, Ukraine, on Monday, killing 4, a sharp rise compared "
     "with last week.", "Shelling/artillery/missile attack"),
    ("A drone struck soldiers who were at a drill near Belgorod, Russia, on Monday, killing "
     "two.", "Air/drone strike"),
    ("Missiles hit Kyiv, Lviv, Odesa and Dnipro, Ukraine, overnight, killing 12.",
     "Shelling/artillery/missile attack"),
])
def test_trap_words_do_not_hide_real_incidents(extractor: Extractor, text: str,
                                               sub_event_type: str) -> None:
    assert one(extractor, text, date(2024, 3, 20)).sub_event_type == sub_event_type


def test_a_second_victim_who_died_later_is_added(extractor: Extractor) -> None:
    incident = one(extractor, "A boy was killed when a shell hit a house in Kharkiv, Ukraine, "
                              "on Monday. A second boy died of his wounds in the night.")
    assert incident.killed == 2


def test_the_toll_from_a_days_blast_dates_the_blast(extractor: Extractor) -> None:
    incident = one(extractor, "The death toll from Monday night's fuel depot explosion in "
                              "Kaduna, Nigeria, has risen to 23, officials said.")
    assert (incident.killed, incident.date) == (23, "2024-03-11")


@pytest.mark.parametrize("text", [
    # Business, sport, culture and aid words that the new trigger rows must not read as events.
    "Shell profits hit a record in Lagos, Nigeria, on Monday.",
    "The central bank liquidated three insolvent lenders in Lagos, Nigeria, on Monday.",
    "Herders drove away their cattle as floodwaters rose near Garissa, Kenya, on Monday.",
    "Aid agencies set up several camps for the displaced in Dadaab, Kenya, on Monday.",
    "Two opposition parties merged into a new coalition in Nairobi, Kenya, on Monday.",
    "Liverpool dismantled Arsenal at Anfield in Liverpool, England, on Sunday.",
    "A bus drove 40 refugees from the camp in Kakuma, Kenya, to the airport on Monday.",
    "Officials discussed the recovery of the town of Derna, Libya, on Monday.",
    "Only 1/10 of the promised aid reached Gaza on Monday, the agency said.",
    "The US authorised ATACMS strikes on targets inside Russia, officials in Kyiv said on Monday.",
])
def test_new_rows_leave_ordinary_news_alone(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


@pytest.mark.parametrize(("text", "sub_event_type"), [
    # Whole-sentence frames give way when the sentence names its own day.
    ("A suicide bomber killed 25 people at a market in Maiduguri, Nigeria, on Monday, the "
     "deadliest attack in the city in the past year.", "Suicide bomb"),
    ("Gunmen abducted 20 passengers near Kaduna, Nigeria, on Monday, in a state where "
     "kidnapping for ransom is rampant.", "Abduction/forced disappearance"),
    ("The army said the attack was part of a wider offensive and that 20 militants were killed "
     "in Borno, Nigeria, on Sunday.", "Armed clash"),
    # A late report is still news; outrage over a killing reports it; "linked to" before a verb.
    ("Gunmen killed 12 villagers last week in Zamfara, Nigeria, police said on Monday.",
     "Attack"),
    ("Gunmen linked to the cartel shot dead five people in Culiacan, Mexico, on Sunday.",
     "Attack"),
    # A parade bombed is news; jihadists who clash with troops are no riot; machetes no stones.
    ("A bomb exploded near the Independence Day parade ground in Imphal, India, on Thursday, "
     "injuring five people.", "Remote explosive/landmine/IED"),
    ("Suspected jihadists clashed with security forces near Djibo, Burkina Faso, on Sunday, "
     "locals said.", "Armed clash"),
    ("Suspected herdsmen attacked villagers with machetes in Benue, Nigeria, on Monday, "
     "killing five.", "Attack"),
    # Students protesting a killing; a seized car bomb; foreign troops retaking for a government.
    ("Police fired tear gas to disperse students protesting the killing of a classmate in "
     "Kampala, Uganda, on Monday.", "Protest with intervention"),
    ("Police seized a truck packed with explosives near Mogadishu, Somalia, on Monday.",
     "Disrupted weapons use"),
    ("Ethiopian troops recaptured the town of Baidoa, Somalia, from al-Shabaab on Monday.",
     "Government regains territory"),
])
def test_review_cases_keep_their_type(extractor: Extractor, text: str,
                                      sub_event_type: str) -> None:
    assert one(extractor, text).sub_event_type == sub_event_type


def test_a_crowd_that_turns_violent_is_one_event(extractor: Extractor) -> None:
    incident = one(extractor, "Protesters stormed the electricity office in Basra, Iraq, on "
                              "Monday, burning tyres. Security forces intervened and four "
                              "protesters were wounded.")
    assert (incident.sub_event_type, incident.injured) == ("Violent demonstration", 4)


def test_a_toll_naming_its_town_goes_to_that_towns_incident(extractor: Extractor) -> None:
    found = extract(extractor, "A fire at a factory in Gazipur, Bangladesh, killed five workers "
                               "on Monday. Hours later, a wall at a quarry near Sylhet, "
                               "Bangladesh, collapsed, burying two labourers. The toll in "
                               "Gazipur rose to nine.")
    assert [(i.location.place, i.killed) for i in found] == [("Gazipur", 9), ("Sylhet", None)]


def test_a_toll_brought_to_a_total_is_not_added_twice(extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen killed 10 villagers near Kajuru, Nigeria, on Monday. Two "
                              "policemen were also killed, bringing the death toll to 12.")
    assert incident.killed == 12


@pytest.mark.parametrize(("text", "killed"), [
    ("The strike killed two fighters and 40 civilians fled the area.", 2),
    ("Gunmen killed 3 people as well as 200 cattle.", 3),
    ("Police arrested 15 suspects following the attack in Kaduna in which two people were "
     "killed.", 2),
    ("Army engineers neutralised two improvised explosive devices near Kidal.", None),
    ("13 Aug: IED struck a patrol near Gao; none killed.", 0),
    ("The blast killed four passengers and the driver was seriously injured.", 4),
    ("Gunmen killed five soldiers in the third such attack in recent weeks.", 5),
])
def test_counts_that_are_not_the_toll(casualties: CasualtyReader, text: str,
                                      killed: int | None) -> None:
    assert casualties.read(text).killed == killed


def test_a_past_day_is_not_a_day_to_come(extractor: Extractor) -> None:
    found = find_dates("On Dec. 20, gunmen killed 15 villagers in Plateau state.", PUBLISHED)
    assert [(d.value, d.kind) for d in found] == [(date(2023, 12, 20), "event")]


def test_what_police_have_since_done_is_not_dated_back(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed 15 villagers in Bokkos, Nigeria, on March 10. "
                               "Police have since arrested 12 suspected militants in Jos.")
    assert [(i.sub_event_type, i.date) for i in found] == [("Attack", "2024-03-10"),
                                                            ("Arrests", "2024-03-14")]


def test_an_attack_claimed_or_confirmed_is_no_second_attack(extractor: Extractor) -> None:
    found = extract(extractor, "Bandits killed four farmers near Maru, Nigeria, on Sunday. A "
                               "police spokesman in Gusau confirmed the attack on Monday. The "
                               "attack was claimed by no group.")
    assert [(i.location.place, i.killed) for i in found] == [("Maru", 4)]


def test_the_latest_attack_that_took_place_is_a_new_one(extractor: Extractor) -> None:
    found = extract(extractor, "A drone attack hit a US base in eastern Syria on Monday, "
                               "wounding two soldiers. The latest attack took place on Tuesday "
                               "near Erbil, in northern Iraq, and caused no casualties.")
    assert [(i.location.country_code, i.killed) for i in found] == [("SYR", None), ("IRQ", 0)]


def test_where_the_attack_took_place_is_no_second_attack(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed two police officers near Kulachi, Pakistan, on "
                               "Friday. An official said the attack took place on the outskirts "
                               "of the town.")
    assert [i.killed for i in found] == [2]


def test_a_quakes_toll_in_another_town_is_the_quakes(extractor: Extractor) -> None:
    found = extract(extractor, "A 6.2 earthquake struck Faizabad, Afghanistan, on Friday. "
                               "Officials said 6 were killed and 21 injured in Jurm.")
    assert [(i.sub_event_type, i.killed, i.injured) for i in found] == [
        ("Natural disaster", 6, 21)]


def test_each_live_blog_entry_is_an_item_of_its_own(extractor: Extractor) -> None:
    found = extract(extractor, "09:00 — Gunmen killed two farmers near Gao, Mali. 09:30 — "
                               "Troops arrested five suspected militants in Gao.")
    assert [i.sub_event_type for i in found] == ["Attack", "Arrests"]


def test_a_curfew_after_violence_is_an_incident_of_its_own(extractor: Extractor) -> None:
    found = extract(extractor, "Authorities imposed a curfew in Jos, Nigeria, on Monday after "
                               "clashes in which rioters set fire to shops.")
    assert sorted(i.sub_event_type for i in found) == ["Change to group/activity",
                                                       "Violent demonstration"]


def test_similar_rallies_elsewhere_are_incidents_too(extractor: Extractor) -> None:
    found = extract(extractor, "Thousands rallied in Kyiv, Ukraine, on Wednesday against the "
                               "law. Similar rallies took place in Lviv and Dnipro.")
    assert [i.location.place for i in found] == ["Kyiv", "Lviv", "Dnipro"]


def test_killings_and_rapes_in_one_raid_are_two_incidents(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen stormed the village of Kutemeshi, Nigeria, on Sunday, "
                               "killing nine people and raping several women.")
    assert [(i.sub_event_type, i.killed) for i in found] == [("Attack", 9),
                                                             ("Sexual violence", None)]


@pytest.mark.parametrize(("text", "sub_event_type"), ACLED_TYPES)
def test_acled_sub_event_types(rules: Extractor, text: str, sub_event_type: str) -> None:
    assert one(rules, text).sub_event_type == sub_event_type


def test_who_a_killing_is_blamed_on_acted(extractor: Extractor) -> None:
    found = one(extractor, "A community leader was shot dead at his home in Suarez, Colombia, "
                           "on Sunday. Local groups attributed the killing to FARC dissidents.")
    assert found.sub_event_type == "Attack"
    assert [a.role for a in found.actors if a.name == "FARC dissidents"] == ["actor1"]


def test_air_support_does_not_make_a_recapture_an_air_strike(extractor: Extractor) -> None:
    text = ("Government troops backed by air strikes regained control of the town of Kalemie "
            "on Sunday after the rebels pulled back.")
    assert one(extractor, text).sub_event_type == "Government regains territory"


def test_a_known_intervention_is_not_undone_by_a_later_protest_word(
        extractor: Extractor) -> None:
    text = ("Police fired tear gas to disperse students outside the university in Dakar on "
            "Monday. The protesters had gathered to demand unpaid grants.")
    assert one(extractor, text).sub_event_type == "Protest with intervention"


def test_a_spate_of_earlier_killings_is_background(extractor: Extractor) -> None:
    text = ("Officials imposed a curfew on Marsabit on Sunday following a spate of killings in "
            "the town.")
    assert one(extractor, text).sub_event_type == "Change to group/activity"


def test_a_claim_of_the_attack_is_no_attack_of_its_own(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed four villagers near Chai, Mozambique, on Friday. "
                               "Islamic State claimed the Chai attack on Saturday.")
    assert [(i.sub_event_type, i.killed) for i in found] == [("Attack", 4)]


def test_both_attacks_refers_back_to_incidents_already_reported(extractor: Extractor) -> None:
    found = extract(extractor, "Gunmen killed a farmer in Kajuru, Nigeria, on Monday and "
                               "abducted his two sons near Kachia. Police said both attacks "
                               "came days before peace talks in Abuja.")
    assert sorted(i.sub_event_type for i in found) == ["Abduction/forced disappearance",
                                                       "Attack"]
    assert all(i.location.place != "Abuja" for i in found)


def test_a_barrage_of_many_rockets_is_one_incident_but_many_strikes_are_not(
        extractor: Extractor) -> None:
    barrage = one(extractor, "Militants fired more than 60 rockets at Sderot on Wednesday, "
                             "the army said.")
    assert barrage.sub_event_type == "Shelling/artillery/missile attack"
    assert barrage.date == "2024-03-13"
    assert extract(extractor, "The air force has carried out more than 60 air strikes on "
                              "militant positions in Sinai.") == []


def test_a_bomb_squad_is_not_a_bomb(extractor: Extractor) -> None:
    text = ("Soldiers defused a roadside bomb near Mubi on Monday. Residents were kept away "
            "until the bomb squad left, and no one was hurt.")
    found = one(extractor, text)
    assert found.sub_event_type == "Disrupted weapons use"
    assert found.injured == 0



def test_a_country_across_the_border_is_a_place_not_a_party(extractor: Extractor) -> None:
    incident = one(extractor, "An air strike destroyed a weapons depot near Albu Kamal in "
                              "eastern Syria on Monday. The depot stood a few kilometres from "
                              "the border crossing with Iraq.")
    assert incident.location.country_code == "SYR"
    assert "Iraq" not in {a.name for a in incident.actors}


@pytest.mark.parametrize(("text", "sub_event_type"), [
    # Harm, or the force of it, still makes weather a disaster.
    ("Heavy rains swept away 40 houses in Kasese, Uganda, on Monday.", "Natural disaster"),
    ("A cyclone slammed into Beira, Mozambique, on Tuesday, ripping roofs off schools.",
     "Natural disaster"),
    ("Engineers defused an unexploded aerial bomb found in a garden in Kharkiv, Ukraine, on "
     "Monday.", "Disrupted weapons use"),
    # "could not be verified" is the press's caution, not a hypothesis
    ("An air strike on a market in Maaloula, Syria, on Monday killed 8 people, a claim that "
     "could not be independently verified.", "Air/drone strike"),
    # mortar rounds that fell, a base set up by a group that "would" then govern
    ("Mortar rounds fell on a camp in Mogadishu, Somalia, on Tuesday, wounding six people.",
     "Shelling/artillery/missile attack"),
    ("The rebels said on Monday they had set up a command post in Paletwa, Myanmar, and would "
     "begin to administer the town.", "Headquarters or base established"),
])
def test_the_new_traps_leave_incidents_alone(extractor: Extractor, text: str,
                                             sub_event_type: str) -> None:
    assert one(extractor, text).sub_event_type == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Medics in Huliaipole, Ukraine, treated five residents on Monday after tear gas "
     "munitions dropped by drones hit a street.", "Chemical weapon"),
    ("The rebels claimed full control of Kamanyola, DR Congo, on Tuesday.",
     "Non-state actor overtakes territory"),
    ("Militants made their entry into Boni, Burkina Faso, on Monday without encountering any "
     "resistance, residents said.", "Non-violent transfer of territory"),
    ("Police shot dead a man wearing an explosive vest at a checkpoint in Gwoza, Nigeria, "
     "on Sunday.", "Disrupted weapons use"),
    ("One rocket launched from Lebanon towards Metula, Israel, was intercepted on Monday.",
     "Disrupted weapons use"),
    ("In the fire that broke out on Monday in a hotel in Gaziantep, Turkey, 12 guests lost "
     "their lives.", "Man-made disaster"),
    ("Tribal fighters were locked in confrontations with the army near Marib, Yemen, on "
     "Monday.", "Armed clash"),
    ("Israeli authorities demolished 14 residential structures in Beita, West Bank, on Monday, "
     "citing a lack of permits.", "Looting/property destruction"),
    ("More than 200 inmates escaped from the prison in Koutiala, Mali, on Sunday.", "Other"),
    ("A counter-terrorism operation regime was declared in Nalchik, Russia, on Monday.",
     "Change to group/activity"),
    ("A clinic in Bunia, DR Congo, treated 6 survivors of rape committed by armed men on "
     "Sunday.", "Sexual violence"),
    ("A student died of a bullet wound on Monday in Lima, Peru, where thousands "
     "demonstrated against the government.", "Excessive force against protesters"),
    # "more than a year after" is no anniversary
    ("The army said on Monday it had recaptured Tin-Akoff, Burkina Faso, more than a year "
     "after militants seized it.", "Government regains territory"),
    ("A shopkeeper accused of blasphemy was attacked by a mob in Sialkot, Pakistan, on Friday "
     "and died in hospital.", "Mob violence"),
    # Deaths where the crowd burned things are a riot's, unless the police fired on it.
    ("Two people were killed late on Monday when protesters set fire to a police post in Kisii, "
     "Kenya.", "Violent demonstration"),
    ("Three people were killed in Kasese, Uganda, on Friday when police opened fire on "
     "protesters who had set fire to the town hall.", "Excessive force against protesters"),
    # A town taken "this Saturday" after combats
    ("Rebels took control, this Saturday 9 March, of Nyanzale, in North Kivu, after violent "
     "combats with the army.", "Non-state actor overtakes territory"),
    # The release of people abducted before is the news (ACLED: Other) ...
    ("Nine traders abducted near Gusau, Nigeria, in October were released by their captors on "
     "Monday.", "Other"),
    ("A nurse kidnapped in Bamenda, Cameroon, has regained her freedom, her family said on "
     "Tuesday.", "Other"),
    # ... unless some were let go as others were taken.
    ("Gunmen abducted 14 passengers near Funtua, Nigeria, on Monday and later released three "
     "elderly women.", "Abduction/forced disappearance"),
    ("Yemeni government forces regained hilltop positions west of Marib on Monday after "
     "repelling an assault.", "Government regains territory"),
    ("Malian troops reported retaking the town of Lere on Sunday.",
     "Government regains territory"),
    ("Army engineers dismantled an IED planted under a bridge near Kunduz, Afghanistan, on "
     "Sunday.", "Disrupted weapons use"),
    # Tear gas shells are no artillery, grenades carried no grenade attack.
    ("Police fired several rounds of tear gas shells at protesters in Sylhet, Bangladesh, on "
     "Monday.", "Protest with intervention"),
    ("About 30 militants armed with rifles and rocket-propelled grenades attacked a police post "
     "near Tank, Pakistan, on Monday.", "Armed clash"),
    ("US aircraft carried out a series of raids on the port of Hodeidah, Yemen, on Wednesday, "
     "killing four workers.", "Air/drone strike"),
    # An attack named as what the men were arrested over; weapons seized, not used.
    ("Police in Srinagar, India, arrested three men on Sunday in connection with the grenade "
     "attack at a market.", "Arrests"),
    ("Police arrested four suspected militants in a raid near Quetta, Pakistan, on Monday and "
     "seized suicide vests and hand grenades.", "Arrests"),
    ("Troops recovered rifles and a grenade launcher after a clash with rebels near Las Navas, "
     "Northern Samar, on Wednesday, in which three rebels were killed.", "Armed clash"),
    ("Soldiers seized an arms cache of 12 rifles, 2 mortars and grenades in Imphal, India, on "
     "Tuesday.", "Disrupted weapons use"),
    ("Gang members stormed neighbourhoods of Liancourt, Haiti, on Wednesday, shooting residents "
     "and setting homes on fire, leaving at least 20 people dead.", "Attack"),
    # Houses blown up hurting no one: the destruction is the event.
    ("Israeli troops detonated four houses in Kfar Kila, Lebanon, on Monday.",
     "Looting/property destruction"),
    ("Soldiers blew up a row of houses in Aitaroun, Lebanon, on Monday.",
     "Looting/property destruction"),
    ("A bomb detonated near houses in Kfar Kila, Lebanon, on Monday, wounding two.",
     "Remote explosive/landmine/IED"),
])
def test_more_sub_event_type_rules(rules: Extractor, text: str,
                                   sub_event_type: str) -> None:
    assert one(rules, text).sub_event_type == sub_event_type


@pytest.mark.parametrize(("text", "killed", "injured"), [
    ("A drone struck a car near Tessit, Mali, on Monday, killing its four occupants.", 4, None),
    ("12/03 QUETTA: IED hit a patrol. 5 soldiers + 3 civilians killed, 11 inj.", 8, 11),
])
def test_bulletin_casualty_shorthand(extractor: Extractor, text: str, killed: int,
                                     injured: int | None) -> None:
    found = one(extractor, text)
    assert (found.killed, found.injured) == (killed, injured)


@pytest.mark.parametrize(("text", "admin1", "place"), [
    ("Gunmen shot dead 11 labourers hailing from Punjab in Balochistan on Sunday.",
     "Balochistan", None),
    ("Six pilgrims from Multan drowned on Monday when flash floods swept their van off a road "
     "near Chitral.", "Khyber Pakhtunkhwa", "Chitral"),
])
def test_where_victims_came_from_is_not_where_it_happened(extractor: Extractor, text: str,
                                                          admin1: str, place: str | None) -> None:
    found = one(extractor, text).location
    assert (found.admin1, found.place) == (admin1, place)


def test_a_live_blog_entry_without_a_day_is_news_of_the_day_it_was_posted(
        rules: Extractor) -> None:
    blog = ("09:10 - An air strike hit a house in Rafah late on Tuesday, killing five people.\n"
            "18:30 - Thousands of people are marching in Tel Aviv for a hostage deal.")
    assert [i.date for i in extract(rules, blog)] == ["2024-03-12", "2024-03-14"]
    headed = ("(Tuesday) 17:50 - Reports of a blast near a checkpoint in Jalalabad.\n"
              "18:30 - Police say a suicide bomber killed four people in Jalalabad.")
    assert [i.date for i in extract(rules, headed)] == ["2024-03-12", "2024-03-12"]


def test_a_quoted_date_is_a_name(extractor: Extractor) -> None:
    text = ('Five fighters were killed in clashes near Marib, Yemen, on Monday, a military source '
            'told "26 September".')
    assert one(extractor, text).date == "2024-03-11"


@pytest.mark.parametrize("text", [
    "11/03 BANNU: Exchange of fire between troops and militants; 4 militants killed.\n"
    "11/03 BAJAUR: IED hit a police van in Khar; 1 constable killed.",
    "Heavy fighting broke out on Monday between the army and rebels in Merawi, Ethiopia. "
    "The next day, a drone strike hit a minibus in Merawi, killing six passengers.",
    "SOMALIA | LOWER JUBA\n\n- 12/03 Kismayo, Farjano dist.: SNA troops retook Bulo Gudud from AS "
    "after heavy fighting.\n"
    "- 12/03 Kismayo, Calanley dist.: an assailant threw a grenade at a police post; 3 injured.",
    "A suicide bomber killed three policemen at a checkpoint in Zinjibar, Yemen, on Friday. In a "
    "separate incident, a roadside bomb hit an army pickup in Zinjibar, wounding two soldiers.",
])
def test_a_dated_label_or_a_separate_incident_opens_a_new_item(extractor: Extractor,
                                                                text: str) -> None:
    assert len(extract(extractor, text)) == 2


@pytest.mark.parametrize(("text", "count"), [
    # One attack, then what it was, how it was called and what it followed.
    ("A missile hit a bus station in Sumy, Ukraine, on Monday, killing 11 people. It was the "
     "deadliest attack on civilians in Ukraine since the strike on Kramatorsk.", 1),
    ("A bomb killed six people at a market in Parachinar, Pakistan, on Monday. In Peshawar, the "
     "governor called the attack an act of cowardice.", 1),
    ("Troops shelled villages near Poonch, India, on Monday. The escalation follows last "
     "month's attack on pilgrims in Reasi.", 1),
    ('Police detained 40 protesters in Lahore, Pakistan, on Monday; the opposition called it '
     '"an attack on the right to protest".', 1),
    ("A mob lynched a shopkeeper accused of blasphemy in Sialkot, Pakistan, on Friday. His "
     "family asked that everyone who took part in the attack be punished.", 1),
    # Captives marched into a forest are no march.
    ("Gunmen abducted nine travellers near Kajuru, Nigeria, on Sunday. Witnesses said the "
     "kidnappers marched the victims into the forest.", 1),
])
def test_what_an_incident_is_called_or_follows_is_not_another(extractor: Extractor, text: str,
                                                               count: int) -> None:
    assert len(extract(extractor, text)) == count
