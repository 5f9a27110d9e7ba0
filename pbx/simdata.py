"""Seed data for the simulator: a believable call center, the same on every run."""

import hashlib

FIRST_NAMES = (
    "Ali", "Reza", "Mohammad", "Hossein", "Mehdi", "Amir", "Sara", "Maryam",
    "Fatemeh", "Zahra", "Narges", "Leila", "Nasrin", "Parisa", "Shirin", "Mina",
    "Hamid", "Saeed", "Majid", "Farhad", "Kaveh", "Babak", "Arash", "Dariush",
    "Behnaz", "Elham", "Mahsa", "Nazanin", "Roya", "Soheila", "Yasaman", "Niloofar",
    "Omid", "Pouya", "Siavash", "Vahid", "Javad", "Hadi", "Parvin", "Ladan",
)  # fmt: skip
LAST_NAMES = (
    "Ahmadi", "Hosseini", "Mohammadi", "Rezaei", "Karimi", "Moradi", "Jafari",
    "Rahimi", "Hashemi", "Ghorbani", "Sadeghi", "Kazemi", "Mousavi", "Tehrani",
    "Shirazi", "Esfahani", "Tabrizi", "Najafi", "Akbari", "Sharifi", "Nouri",
    "Farahani", "Bagheri", "Alavi", "Kiani", "Zand", "Yazdani", "Rostami", "Safavi",
    "Golzari",
)  # fmt: skip

PEOPLE = 112

# Queue number, name, strategy and the people (by index) who are its members.
# Some people sit in two or three queues; people 110 and 111 are in none.
QUEUES = (
    ("901", "Sales", "rrmemory", tuple(range(50, 90))),
    ("902", "Support", "leastrecent", tuple(range(0, 60))),
    ("903", "Billing", "ringall", tuple(range(85, 100))),
    ("904", "VIP", "ringall", (0, 1, 2, 55, 56, 57, 95, 96)),
    ("905", "Retention", "fewestcalls", tuple(range(100, 110)) + (86, 87)),
    ("906", "Night Shift", "linear", tuple(range(20, 25))),
)


def object_id(kind, key):
    """Return a stable 24-hex id like the PBX's Mongo ObjectIds."""
    digest = hashlib.sha1(f"{kind}:{key}".encode(), usedforsecurity=False)
    return digest.hexdigest()[:24]


def jalali_date(index):
    """Return a plausible Jalali creation date for the index-th record."""
    month, day = 1 + index % 12, 1 + index * 7 % 29
    hour, minute = 8 + index % 10, index * 13 % 60
    return f"1402-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{index % 60:02d}"


def person_name(index):
    """Return the index-th person's name; unique for the first 120 people."""
    first = FIRST_NAMES[index * 7 % len(FIRST_NAMES)]
    last = LAST_NAMES[index * 11 % len(LAST_NAMES)]
    return f"{first} {last}"


def extension_number(index):
    """Return the phone extension of the index-th person."""
    return str(1001 + index)


def operator_number(index):
    """Return the operator number mapped on a person's phone, or ""."""
    # Every fourth person logs in with an operator number that differs from the phone.
    return str(201 + index) if index % 4 == 1 else ""


def agent_number(index):
    """Return the number to pause for the index-th person."""
    return operator_number(index) or extension_number(index)


def seed_queues():
    """Return {number: queue object} shaped like queues/search rows."""
    return {
        number: _queue(position, number, name, strategy)
        for position, (number, name, strategy, _) in enumerate(QUEUES)
    }


def seed_extensions():
    """Return {number: extension object} shaped like users/search rows, no queues."""
    extensions = {}
    for index in range(PEOPLE):
        extension = _extension(index)
        extensions[extension["number"]] = extension
    return extensions


def seed_members():
    """Return {(queue, agent): paused} for every membership."""
    members = {}
    for number, _, _, people in QUEUES:
        for index in people:
            # A few Support agents start paused so the dashboard has something to show.
            members[(number, agent_number(index))] = number == "902" and index % 10 == 7
    return members


def _queue(position, number, name, strategy):
    """Build one queue object with the keys queues/search returns."""
    return {
        "_id": object_id("queue", number),
        "name": name,
        "number": number,
        "strategy": strategy,
        "ringinuse": "no",
        "call_record": "yes",
        "setinterfacevar": "yes",
        "autofill": "yes",
        "setqueuevar": "yes",
        "setqueueentryvar": "yes",
        "persistentmembers": "yes",
        "shared_lastcall": "yes",
        "announce_holdtime": "no",
        "announce_position": "yes",
        "joinempty": "yes",
        "leavewhenempty": "no",
        "reportholdtime": "no",
        "maxlen": "0",
        "announce_frequency": "60",
        "min_announce_frequency": "15",
        "periodic_announce_frequency": "0",
        "music": "default",
        "queue_callswaiting": "queue-callswaiting",
        "queue_thankyou": "queue-thankyou",
        "queue_thereare": "queue-thereare",
        "queue_youarenext": "queue-youarenext",
        "retry": "5",
        "servicelevel": "60",
        "timeout": "15",
        "weight": "0",
        "wrapuptime": "10",
        "monitor_type": "MixMonitor",
        "monitor_format": "wav49",
        "more_options": "",
        "date": jalali_date(position),
    }


def _extension(index):
    """Build one extension object with the keys users/search returns."""
    number = extension_number(index)
    no_answer = {"type": "voicemail", "value": number}
    return {
        "_id": object_id("user", number),
        "user_type": "SIP",
        "active": "yes",
        "name": person_name(index),
        "number": number,
        "cid_number": number,
        "secret": "******",
        "deny": "0.0.0.0/0.0.0.0",
        "permit": "0.0.0.0/0.0.0.0",
        "dtmfmode": "rfc2833",
        "context": "main_routing",
        "host": "dynamic",
        "type": "friend",
        "port": "",
        "qualify": "yes",
        "canreinvite": "no",
        "directmedia": "no",
        "nat": "force_rport,comedia",
        "call_record": "yes",
        "push_notification": "no",
        "email": "",
        "forward_policy": {
            "Busy": {},
            "No Answer": no_answer,
            "UnAvailable": {},
            "All": {},
        },
        "callgroup": "1",
        "pickupgroup": "1",
        "callcounter": "yes",
        "faxdetect": "no",
        "call_limit": "2",
        "more_options": "",
        "description": "",
        "date": jalali_date(index),
        "mapped": operator_number(index),
    }
