"""The five meeting places of the KIS study, as the demo shows them.

Each zone has a profile that makes the generated scans plausible: how many people are
usually present, and which ages, company, roles, postures and activities dominate.
Weights are relative; codes not listed get a small share so every code occurs. A zone's
conditions are what it offers: staff_hosting and movable_seats hold during some sessions only
(patterns.py says how often), and organised_activity is added while a programme runs there.
How busy each site is, and when, is in patterns.py. One zone per site is a counting line,
with how many people pass it in an ordinary hour and by which mode (passing.py).
"""

VISITOR_MIX = {"visitor": 10, "staff": 1}

SITES = [
    {
        "name": "Nieuwe Bibliotheek Almere",
        "kind": "library",
        "address": "Stadhuisplein 101",
        "city": "Almere",
        "neighbourhood": "Stadshart",
        "indoors": True,
        "open_days": (0, 1, 2, 3, 4, 5, 6),
        "hours": (10, 14, 19),
        "zones": [
            {
                "name": "Entree en leesplein",
                "area_m2": 420,
                # Everyone who comes in passes the entrance: a line to count passers-by.
                "counting_line": True,
                "passers": {
                    "per_hour": 150,
                    "mode": {"on_foot": 90, "pushchair": 6, "wheelchair": 3, "other": 1},
                },
                "people": 14,
                "age": {"25-64": 5, "15-24": 2, "65+": 2, "0-14": 1},
                "posture": {"standing": 4, "sitting_fixed": 3, "sitting_movable": 2},
                "activity": {
                    "conversing": 3,
                    "reading_games": 3,
                    "waiting": 2,
                    "phone": 2,
                    "people_watching": 1,
                },
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_present",
                    "staff_hosting",
                    "well_lit",
                    "movable_seats",
                ),
            },
            {
                "name": "Leestafels",
                "area_m2": 260,
                "people": 11,
                "age": {"15-24": 4, "25-64": 4, "65+": 3},
                "posture": {"sitting_fixed": 4, "sitting_movable": 5, "standing": 1},
                "activity": {
                    "reading_games": 6,
                    "phone": 3,
                    "working": 1,
                    "conversing": 1,
                },
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "well_lit",
                    "movable_seats",
                ),
            },
            {
                "name": "Kinderhoek",
                "area_m2": 150,
                "people": 9,
                "age": {"0-14": 6, "25-64": 4, "65+": 1},
                "posture": {"sitting_informal": 4, "standing": 3, "sitting_movable": 2},
                "activity": {
                    "reading_games": 4,
                    "active_play": 3,
                    "conversing": 2,
                    "people_watching": 1,
                },
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_hosting",
                    "well_lit",
                ),
            },
            {
                "name": "Koffiebar",
                "area_m2": 90,
                "people": 10,
                "age": {"25-64": 5, "65+": 4, "15-24": 2},
                "posture": {"sitting_movable": 6, "standing": 2},
                "activity": {"eating_drinking": 5, "conversing": 4, "phone": 1},
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_present",
                    "movable_seats",
                ),
            },
        ],
    },
    {
        "name": "Wijkpark Cromvliet",
        "kind": "park",
        "address": "",
        "city": "Den Haag",
        "neighbourhood": "Laak",
        "indoors": False,
        "open_days": (0, 1, 2, 3, 4, 5, 6),
        "hours": (10, 15, 18),
        "zones": [
            {
                "name": "Speelplaats",
                "area_m2": 900,
                "people": 12,
                "age": {"0-14": 6, "25-64": 4, "65+": 1},
                "posture": {"standing": 5, "sitting_fixed": 2, "sitting_informal": 2},
                "activity": {"active_play": 6, "people_watching": 3, "conversing": 2},
                "conditions": ("accessible", "usable", "equipped"),
            },
            {
                "name": "Grasveld",
                "area_m2": 3500,
                "people": 8,
                "age": {"15-24": 3, "25-64": 4, "0-14": 2},
                "posture": {"sitting_informal": 4, "standing": 3, "lying": 1},
                "activity": {
                    "active_play": 3,
                    "resting": 3,
                    "eating_drinking": 2,
                    "conversing": 2,
                },
                "conditions": ("accessible", "usable"),
            },
            {
                "name": "Bankjes bij de vijver",
                # The path along the pond passes the benches: who passes, who sits down.
                "counting_line": True,
                "passers": {
                    "per_hour": 90,
                    "mode": {
                        "on_foot": 68,
                        "bicycle": 18,
                        "pushchair": 6,
                        "wheelchair": 2,
                        "other": 6,
                    },
                },
                "area_m2": 600,
                "people": 6,
                "age": {"65+": 4, "25-64": 3, "15-24": 1},
                "posture": {"sitting_fixed": 6, "standing": 2},
                "activity": {
                    "resting": 4,
                    "people_watching": 3,
                    "conversing": 2,
                    "phone": 1,
                },
                "conditions": ("accessible", "usable", "equipped"),
            },
        ],
    },
    {
        "name": "Markt Rotterdam-Zuid",
        "kind": "market",
        "address": "",
        "city": "Rotterdam",
        "neighbourhood": "Afrikaanderwijk",
        "indoors": False,
        "open_days": (2, 5),
        "hours": (10, 13, 15),
        "zones": [
            {
                "name": "Kraampjesrij groente en fruit",
                # The market's main aisle: a line across it counts the shoppers passing.
                "counting_line": True,
                "passers": {
                    "per_hour": 700,
                    "mode": {
                        "on_foot": 86,
                        "pushchair": 6,
                        "bicycle": 3,
                        "wheelchair": 2,
                        "other": 3,
                    },
                },
                "area_m2": 1200,
                "people": 35,
                "age": {"25-64": 6, "65+": 3, "15-24": 1, "0-14": 1},
                "role": {"visitor": 6, "trader": 2},
                "posture": {"standing": 9, "sitting_fixed": 1},
                "activity": {"buying_selling": 7, "conversing": 3, "waiting": 1},
                "conditions": ("accessible", "usable", "equipped"),
            },
            {
                "name": "Stoffen en kleding",
                "area_m2": 800,
                "people": 20,
                "age": {"25-64": 6, "65+": 3, "15-24": 2},
                "role": {"visitor": 6, "trader": 2},
                "posture": {"standing": 9},
                "activity": {
                    "buying_selling": 6,
                    "conversing": 3,
                    "people_watching": 1,
                },
                "conditions": ("accessible", "usable", "equipped"),
            },
            {
                "name": "Eetkramen en plein",
                "area_m2": 500,
                "people": 16,
                "age": {"25-64": 5, "15-24": 3, "0-14": 2, "65+": 2},
                "role": {"visitor": 7, "trader": 1},
                "posture": {"standing": 5, "sitting_movable": 2, "sitting_informal": 2},
                "activity": {
                    "eating_drinking": 6,
                    "conversing": 4,
                    "people_watching": 2,
                },
                "conditions": ("accessible", "usable", "equipped", "movable_seats"),
            },
        ],
    },
    {
        "name": "VerHalenHuis Tilburg",
        "kind": "community_centre",
        "address": "",
        "city": "Tilburg",
        "neighbourhood": "Stokhasselt",
        "indoors": True,
        "open_days": (0, 1, 2, 3, 4, 5),
        "hours": (10, 14, 19),
        "zones": [
            {
                "name": "Huiskamer",
                # The front door opens onto the living room: everyone passes through it.
                "counting_line": True,
                "passers": {
                    "per_hour": 25,
                    "mode": {"on_foot": 90, "wheelchair": 5, "pushchair": 3, "other": 2},
                },
                "area_m2": 120,
                "people": 9,
                "age": {"65+": 5, "25-64": 4, "15-24": 1},
                "posture": {"sitting_movable": 7, "standing": 2},
                "activity": {"conversing": 6, "eating_drinking": 3, "reading_games": 2},
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_hosting",
                    "well_lit",
                    "movable_seats",
                ),
            },
            {
                "name": "Keuken en eettafel",
                "area_m2": 70,
                "people": 6,
                "age": {"25-64": 4, "65+": 3},
                "posture": {"standing": 4, "sitting_movable": 4},
                "activity": {"eating_drinking": 4, "working": 3, "conversing": 3},
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_present",
                    "staff_hosting",
                ),
            },
            {
                "name": "Verhalenzaal",
                "area_m2": 160,
                "people": 8,
                "age": {"65+": 4, "25-64": 4, "0-14": 1},
                "posture": {"sitting_movable": 7, "standing": 1},
                "activity": {"cultural": 5, "programme": 4, "conversing": 1},
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_present",
                    "movable_seats",
                ),
            },
        ],
    },
    {
        "name": "Krachtstation Kanaleneiland",
        "kind": "community_centre",
        "address": "",
        "city": "Utrecht",
        "neighbourhood": "Kanaleneiland",
        "indoors": True,
        "open_days": (0, 1, 2, 3, 4, 5),
        "hours": (10, 15, 19),
        "zones": [
            {
                "name": "Entree",
                "counting_line": True,
                "passers": {
                    "per_hour": 45,
                    "mode": {"on_foot": 90, "pushchair": 5, "wheelchair": 3, "other": 2},
                },
                "area_m2": 60,
                "people": 5,
                "age": {"25-64": 5, "15-24": 2, "65+": 1},
                "posture": {"standing": 6, "sitting_fixed": 1},
                "activity": {"waiting": 3, "conversing": 3, "phone": 2},
                "conditions": ("accessible", "usable", "staff_present", "well_lit"),
            },
            {
                "name": "Ontmoetingsruimte",
                "area_m2": 200,
                "people": 12,
                "age": {"25-64": 5, "15-24": 3, "65+": 2, "0-14": 2},
                "posture": {"sitting_movable": 6, "standing": 3},
                "activity": {
                    "conversing": 5,
                    "eating_drinking": 3,
                    "programme": 2,
                    "reading_games": 1,
                },
                "conditions": (
                    "accessible",
                    "usable",
                    "equipped",
                    "staff_hosting",
                    "movable_seats",
                    "well_lit",
                ),
            },
            {
                "name": "Werkplaats",
                "area_m2": 110,
                "people": 6,
                "age": {"15-24": 3, "25-64": 4},
                "posture": {"standing": 5, "sitting_movable": 2},
                "activity": {"reading_games": 4, "working": 3, "conversing": 2},
                "conditions": ("accessible", "usable", "equipped"),
            },
            {
                "name": "Buitenplein",
                "area_m2": 350,
                "people": 7,
                "age": {"0-14": 3, "15-24": 3, "25-64": 3},
                "posture": {"standing": 4, "sitting_informal": 3},
                "activity": {"active_play": 3, "conversing": 3, "resting": 2},
                "conditions": ("accessible", "usable"),
            },
        ],
    },
]

# Relative weights for the categories a zone profile does not set.
DEFAULT_WEIGHTS = {
    "gender": {"man": 10, "woman": 11, "unknown": 1},
    "company": {"alone": 5, "pair": 4, "group": 3, "large_group": 1},
    "role": VISITOR_MIX,
    "regular": {"regular": 4, "new": 2, "unknown": 3},
}

# Encounter mix per site kind; parties differ most between places.
ENCOUNTER_TYPES = {
    "eye_contact": 30,
    "greeting": 24,
    "short_chat": 20,
    "conversation": 10,
    "help": 8,
    "joint_activity": 6,
    "friction": 2,
}
PARTIES = {
    "library": {"visitor_visitor": 7, "visitor_staff": 3, "staff_staff": 1},
    "park": {"visitor_visitor": 12, "visitor_staff": 1},
    "market": {"visitor_trader": 8, "visitor_visitor": 5, "staff_staff": 1},
    "community_centre": {"visitor_visitor": 6, "visitor_staff": 4, "staff_staff": 1},
}
ENCOUNTER_NOTES = [
    "over het weer",
    "om de hond",
    "bij de koffieautomaat",
    "kind speelt mee",
    "helpt met de kar",
    "wijst de weg",
    "over de prijs",
    "lacht om een grap",
]

# Field notes in the fieldworker's words: about the place, never about an identifiable person.
FIELD_NOTES = {
    "library": [
        "Na schooltijd stroomt de kinderhoek vol; ouders raken aan de praat bij de bankjes.",
        "Medewerker bij de entree groet iedereen en wijst nieuwe bezoekers de weg.",
        "Leestafels vol met studerende jongeren; weinig contact, wel knikjes bij het wisselen"
        " van plek.",
        "Koffiebar is het ontmoetingspunt voor ouderen in de ochtend.",
    ],
    "park": [
        "Bij de speelplaats praten ouders met elkaar terwijl de kinderen spelen.",
        "Hondenbezitters groeten elkaar, ook als ze elkaar niet kennen.",
        "Grasveld leeg door de regen; alleen voorbijgangers.",
        "Bankjes aan de vijver in de zon goed bezet; kort praatje over het weer.",
    ],
    "market": [
        "Handelaren kennen veel vaste klanten bij naam; veel korte praatjes.",
        "Bij de eetkramen delen onbekenden een statafel.",
        "- rustig begin, na elven veel drukker",
        "Kramen met stoffen trekken vooral vrouwen van middelbare leeftijd.",
    ],
    "community_centre": [
        "Gastvrouw brengt twee bezoekers met elkaar in gesprek over de buurt.",
        "Verhalenmiddag trekt ouderen en een paar jongeren; daarna napraten bij de koffie.",
        "Werkplaats: samen aan een fiets sleutelen, generaties door elkaar.",
        "Buiten spelen kinderen terwijl ouders binnen koffie drinken.",
    ],
}
