"""Name, place and spelling tables for generate.py, written from public knowledge of Assam's
communities and districts. Lists are ordered most common first (generate.py draws Zipf-like)."""

from __future__ import annotations

import random

COMMUNITIES = {
    "assamese": {
        "language": "assamese",
        "surnames": ["Das", "Kalita", "Saikia", "Gogoi", "Baruah", "Bora", "Deka", "Sarma", "Nath",
                     "Hazarika", "Phukan", "Medhi", "Talukdar", "Choudhury", "Mahanta", "Bhuyan",
                     "Rajkhowa", "Borah", "Goswami", "Dutta", "Sonowal", "Konwar", "Buragohain"],
        "boys": ["Pranjal", "Rahul", "Bikash", "Dipankar", "Nayan", "Jintu", "Manash", "Ankur",
                 "Dhruba", "Bhaskar", "Pallab", "Hiranya", "Rupam", "Mridul", "Kamal", "Anup",
                 "Partha", "Bhargab", "Jyotish", "Biswajit", "Utpal", "Himangshu", "Debajit",
                 "Niloy", "Porag", "Rituraj", "Abhijit", "Dhiraj", "Naren", "Kaushik"],
        "girls": ["Puja", "Priyanka", "Rashmi", "Jyoti", "Mousumi", "Bornali", "Dipika", "Pallavi",
                  "Nayanmoni", "Rinku", "Junmoni", "Karishma", "Chayanika", "Anamika", "Barsha",
                  "Gitanjali", "Madhurima", "Sikha", "Trishna", "Ananya", "Bhagyashree", "Kabita"],
        "men": ["Dilip", "Ramesh", "Hemanta", "Bipul", "Jogen", "Pradip", "Tarun", "Ganesh",
                "Lakhi", "Nitul", "Bhaben", "Dipak", "Khagen", "Mukul", "Naba"],
        "women": ["Anima", "Rina", "Minati", "Junu", "Bina", "Kalpana", "Rupa", "Dipali", "Anjali",
                  "Jonali", "Pranati", "Hiramoni", "Nilima"],
        "pets_m": ["Bablu", "Raju", "Bapu", "Tutu", "Babu", "Montu", "Bitu", "Pinku", "Jonti"],
        "pets_f": ["Munni", "Moni", "Pinky", "Rinki", "Tuni", "Buli", "Mamoni", "Juri", "Lili"],
        "middle": ["Kumar", "Chandra", "Jyoti", "Prasad"],
        "devi": True,
    },
    "bodo": {
        "language": "bodo",
        "surnames": ["Basumatary", "Narzary", "Brahma", "Boro", "Daimary", "Mushahary", "Swargiary",
                     "Ramchiary", "Goyary", "Islary", "Hazowary", "Baglary", "Owary"],
        "boys": ["Jwngdao", "Swmkhwr", "Raju", "Bipul", "Dwimalu", "Rwisumwi", "Gwmwn", "Onsai",
                 "Sanjib", "Ronjit", "Bikram", "Khwmsi", "Mithinga", "Bishnu"],
        "girls": ["Swmkhwri", "Rwimali", "Jwngsri", "Onjali", "Mwnsri", "Sulekha", "Dwisri",
                  "Rimpi", "Jwhwlao", "Bidisha", "Gwmwthi"],
        "men": ["Derhasat", "Ranjit", "Birendra", "Gobinda", "Rabiram", "Hari", "Dhaneswar"],
        "women": ["Jamuna", "Rupali", "Anjali", "Mainao", "Swrgwmi", "Bijuli", "Kamala"],
        "pets_m": ["Bablu", "Raju", "Gwdan", "Tutu", "Babu"],
        "pets_f": ["Munni", "Moni", "Bwisagi", "Rinki", "Sonali"],
        "devi": False,
    },
    "muslim": {
        "language": "bengali",
        "surnames": ["Ali", "Islam", "Uddin", "Hussain", "Ahmed", "Rahman", "Sheikh", "Mia",
                     "Haque", "Khan", "Mondal", "Sarkar", "Mollah", "Laskar", "Choudhury",
                     "Barbhuiya", "Mazumder"],
        "boys": ["Rafiqul", "Rahim", "Karim", "Jakir", "Saiful", "Abdul", "Nur", "Aminul",
                 "Rajib", "Sahidul", "Anowar", "Mofidul", "Habibur", "Jahirul", "Sofikul",
                 "Rubul", "Mizanur", "Ashraful", "Faruk", "Imran", "Hasan", "Monirul", "Azizul"],
        "girls": ["Rahima", "Fatema", "Nasrin", "Hasina", "Rehana", "Salma", "Amina", "Jesmin",
                  "Sahida", "Rumena", "Marjina", "Sultana", "Anowara", "Monowara", "Jahanara",
                  "Rupjan", "Sabina", "Asma", "Nurjahan", "Kulsuma"],
        "men": ["Abdul", "Nur", "Kader", "Rashid", "Jalal", "Samsul", "Abul", "Motiur", "Harun",
                "Kasem", "Majibur", "Sirajul"],
        "women": ["Rahima", "Amina", "Asiya", "Jamila", "Rabeya", "Hajera", "Sokina", "Marium",
                  "Jarina", "Sufia", "Ajufa"],
        "pets_m": ["Bablu", "Raju", "Babu", "Sonu", "Rana", "Mithu", "Bacchu"],
        "pets_f": ["Munni", "Moni", "Rupa", "Pinky", "Shilpi", "Mina", "Beauty"],
        "female_marker": ["Begum", "Khatun", "Nessa", "Bibi", "Begom", "Khatoon"],
        "md": True,
    },
    "adivasi": {
        "language": "sadri",
        "surnames": ["Munda", "Oraon", "Tanti", "Kurmi", "Karmakar", "Bhumij", "Santhal", "Tirkey",
                     "Kujur", "Lakra", "Ekka", "Kisan", "Gowala", "Nayak", "Bhuyan"],
        "boys": ["Sunil", "Rajesh", "Anil", "Suresh", "Manoj", "Ramesh", "Joseph", "Paul",
                 "Prakash", "Bijay", "Santosh", "Sanjay", "Ajay", "Pawan", "Dinesh", "Rohit"],
        "girls": ["Sunita", "Anita", "Pooja", "Rani", "Mary", "Sarita", "Lalita", "Kiran",
                  "Basanti", "Sumitra", "Rekha", "Priya", "Sita", "Geeta"],
        "men": ["Ram", "Shyam", "Budhu", "Mangal", "Somra", "Birsa", "Lakhan", "Ramu", "Bhola"],
        "women": ["Sita", "Budhni", "Phulmani", "Sukurmani", "Lakshmi", "Somari", "Parbati"],
        "pets_m": ["Raju", "Babu", "Bablu", "Sonu", "Chhotu", "Golu"],
        "pets_f": ["Munni", "Rani", "Pinky", "Guddi", "Chhoti"],
        "middle": ["Kumar"],
        "devi": True,
    },
    "mising": {
        "language": "mising",
        "surnames": ["Pegu", "Doley", "Taid", "Payeng", "Kutum", "Pait", "Mili", "Morang", "Regon",
                     "Kaman", "Patir", "Medok"],
        "boys": ["Dipul", "Monuj", "Rintu", "Jiten", "Ranoj", "Bhaity", "Nobin", "Lakhya", "Junel",
                 "Ajit", "Buddhin"],
        "girls": ["Junali", "Rumi", "Nirmali", "Jonmoni", "Mamoni", "Bonti", "Ruplekha", "Anu",
                  "Pinki", "Lipika"],
        "men": ["Tileswar", "Dharani", "Lakheswar", "Bhadra", "Jogen", "Purnakanta"],
        "women": ["Jamuna", "Rupali", "Binita", "Pramila", "Kunti", "Lakhi"],
        "pets_m": ["Babu", "Raju", "Tutu", "Bapu"],
        "pets_f": ["Moni", "Munni", "Tuni", "Buli"],
        "devi": False,
    },
    "bengali_hindu": {
        "language": "bengali",
        "surnames": ["Das", "Dey", "Paul", "Sarkar", "Roy", "Ghosh", "Saha", "Biswas", "Dutta",
                     "Bhattacharjee", "Chakraborty", "Sen", "Nandi", "Debnath", "Malakar"],
        "boys": ["Sumon", "Dipak", "Bapi", "Subrata", "Amit", "Suman", "Tapas", "Biplab", "Sujit",
                 "Pintu", "Rajib", "Sourav", "Arup", "Mithun", "Gopal"],
        "girls": ["Mousumi", "Rina", "Puja", "Tumpa", "Mitali", "Sumitra", "Rumpa", "Papiya",
                  "Shyamali", "Sonali", "Dipa", "Moumita", "Ritu", "Anjana"],
        "men": ["Haripada", "Nitai", "Gour", "Sukumar", "Manik", "Nirmal", "Bimal", "Ratan"],
        "women": ["Kalpana", "Shefali", "Anjali", "Basanti", "Namita", "Gita", "Sandhya"],
        "pets_m": ["Bapi", "Bablu", "Raju", "Tukai", "Pintu", "Montu"],
        "pets_f": ["Munni", "Mou", "Tumpa", "Rinku", "Pinky"],
        "middle": ["Kumar", "Chandra", "Ranjan"],
        "devi": True,
    },
}

SCRIPT_OF = {"assamese": "assamese", "bodo": "assamese", "mising": "assamese",
             "muslim": "bengali", "bengali_hindu": "bengali", "adivasi": "devanagari"}

_D = [
    ("Dhubri", ["Dhuburi", "Dhubury"], None, ["Kokrajhar", "Goalpara", "South Salmara-Mankachar", "Bongaigaon"], ["muslim", "muslim", "bengali_hindu", "bodo"]),
    ("South Salmara-Mankachar", ["South Salmara", "Mankachar"], "Dhubri", ["Dhubri", "Goalpara"], ["muslim", "muslim", "muslim"]),
    ("Kokrajhar", ["Kokrajar"], None, ["Dhubri", "Chirang", "Bongaigaon"], ["bodo", "bodo", "muslim", "adivasi"]),
    ("Chirang", [], None, ["Kokrajhar", "Bongaigaon", "Barpeta", "Baksa"], ["bodo", "bodo", "adivasi"]),
    ("Bongaigaon", ["Bongaigaon"], None, ["Kokrajhar", "Chirang", "Barpeta", "Goalpara", "Dhubri"], ["assamese", "muslim", "bodo", "bengali_hindu"]),
    ("Goalpara", ["Gowalpara"], None, ["Dhubri", "Bongaigaon", "Barpeta", "Kamrup"], ["muslim", "assamese", "bodo"]),
    ("Barpeta", ["Borpeta"], None, ["Bongaigaon", "Chirang", "Baksa", "Bajali", "Nalbari", "Kamrup", "Goalpara"], ["muslim", "muslim", "assamese"]),
    ("Bajali", ["Pathsala"], "Barpeta", ["Barpeta", "Baksa", "Nalbari"], ["assamese", "assamese", "muslim"]),
    ("Baksa", ["Bagsa"], None, ["Chirang", "Barpeta", "Bajali", "Nalbari", "Tamulpur", "Udalguri"], ["bodo", "assamese", "adivasi"]),
    ("Tamulpur", [], "Baksa", ["Baksa", "Nalbari", "Kamrup", "Udalguri"], ["bodo", "assamese"]),
    ("Nalbari", ["Nalbary"], None, ["Barpeta", "Bajali", "Baksa", "Tamulpur", "Kamrup"], ["assamese", "assamese", "muslim"]),
    ("Kamrup", ["Kamrup Rural"], None, ["Goalpara", "Barpeta", "Nalbari", "Kamrup Metropolitan", "Darrang", "Morigaon"], ["assamese", "muslim", "bodo"]),
    ("Kamrup Metropolitan", ["Kamrup (M)", "Kamrup Metro", "Guwahati"], "Kamrup", ["Kamrup", "Morigaon", "Darrang"], ["assamese", "bengali_hindu", "muslim", "adivasi"]),
    ("Darrang", ["Mangaldoi"], None, ["Udalguri", "Kamrup", "Morigaon", "Sonitpur"], ["muslim", "assamese"]),
    ("Udalguri", ["Odalguri"], None, ["Baksa", "Tamulpur", "Darrang", "Sonitpur"], ["bodo", "adivasi", "assamese"]),
    ("Morigaon", ["Marigaon"], None, ["Kamrup", "Darrang", "Nagaon"], ["assamese", "muslim"]),
    ("Nagaon", ["Nowgong", "Nagoan"], None, ["Morigaon", "Sonitpur", "Hojai", "Golaghat", "Karbi Anglong"], ["muslim", "assamese", "assamese", "bengali_hindu"]),
    ("Hojai", [], "Nagaon", ["Nagaon", "Karbi Anglong", "Dima Hasao"], ["muslim", "bengali_hindu"]),
    ("Sonitpur", ["Tezpur"], None, ["Darrang", "Udalguri", "Biswanath", "Nagaon"], ["assamese", "adivasi", "bodo"]),
    ("Biswanath", ["Biswanath Chariali"], "Sonitpur", ["Sonitpur", "Lakhimpur", "Golaghat"], ["assamese", "adivasi", "mising"]),
    ("Lakhimpur", ["North Lakhimpur"], None, ["Biswanath", "Dhemaji", "Majuli"], ["assamese", "mising", "mising"]),
    ("Dhemaji", [], None, ["Lakhimpur", "Dibrugarh", "Majuli"], ["mising", "mising", "assamese"]),
    ("Majuli", [], "Jorhat", ["Lakhimpur", "Dhemaji", "Jorhat", "Sivasagar"], ["mising", "assamese"]),
    ("Jorhat", [], None, ["Majuli", "Golaghat", "Sivasagar"], ["assamese", "adivasi"]),
    ("Golaghat", [], None, ["Jorhat", "Nagaon", "Karbi Anglong"], ["assamese", "adivasi"]),
    ("Sivasagar", ["Sibsagar", "Sivsagar"], None, ["Jorhat", "Charaideo", "Dibrugarh", "Majuli"], ["assamese", "adivasi"]),
    ("Charaideo", [], "Sivasagar", ["Sivasagar", "Dibrugarh"], ["assamese", "adivasi"]),
    ("Dibrugarh", [], None, ["Sivasagar", "Charaideo", "Tinsukia", "Dhemaji"], ["assamese", "adivasi", "adivasi"]),
    ("Tinsukia", [], None, ["Dibrugarh"], ["adivasi", "assamese", "bengali_hindu"]),
    ("Cachar", ["Silchar"], None, ["Hailakandi", "Karimganj", "Dima Hasao"], ["bengali_hindu", "muslim"]),
    ("Hailakandi", ["Hailakandy"], None, ["Cachar", "Karimganj"], ["muslim", "bengali_hindu"]),
    ("Sribhumi", ["Karimganj", "Sreebhumi"], None, ["Cachar", "Hailakandi"], ["muslim", "bengali_hindu"]),
]
DISTRICTS = [{"name": n, "spellings": s, "parent": p, "neighbours": nb, "communities": c}
             for n, s, p, nb, c in _D]

TOWNS = ["Bilasipara", "Gauripur", "Howly", "Sarthebari", "Tezpur Town", "Dhekiajuli", "Kaliabor",
         "Jonai", "Silapathar", "Bihpuria", "Sonari", "Lanka", "Abhayapuri", "Boko"]
VILLAGE_CORES = ["Kalgachia", "Bhella", "Baghbar", "Mandia", "Chenga", "Jania", "Dolgoma",
                 "Kamar", "Bhakat", "Dighal", "Moinbari", "Batha", "Rupahi", "Kachu", "Garu",
                 "Bagi", "Haldi", "Simla", "Amguri", "Bamun", "Koch", "Kumar", "Nij", "Pani",
                 "Ahom", "Kath", "Kalia", "Borka", "Dakhin", "Ujani", "Namoni", "Majer", "Hati",
                 "Tamuli", "Kuwari", "Deori", "Laluk", "Mukalmua", "Rangamati", "Bhogpur"]
VILLAGE_SUFFIXES = ["gaon", "gaon", "bari", "guri", "para", "chapori", "pather", "jhar", "pur", " Gaon"]
PLACES = ["LP School relief camp", "L.P.S. camp", "Lower Primary School", "embankment",
          "bandh", "dyke near the river", "railway station", "Rly Stn", "ferry ghat",
          "Brahmaputra bank", "Luit bank", "namghar camp", "ME School camp", "bus stand",
          "weekly market", "bazar", "high school relief camp", "char island"]

# Spelling variation: (pattern, replacement) tried at random.
_VARIANTS = [("ee", "i"), ("i", "ee"), ("oo", "u"), ("u", "oo"), ("a", "o"), ("o", "a"),
             ("b", "v"), ("v", "b"), ("sh", "s"), ("s", "sh"), ("j", "z"), ("z", "j"),
             ("ph", "f"), ("f", "ph"), ("q", "k"), ("ksh", "kh"), ("y", "i"), ("ou", "au"),
             ("bh", "b"), ("dh", "d"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("ll", "l"),
             ("l", "ll"), ("tt", "t"), ("s", "x"), ("ch", "s"), ("w", "u"), ("ri", "ree")]
_TABLE = {"mohammad": ["Mohammed", "Md.", "Mohd.", "Muhammad"], "md.": ["Md", "Mohammad", "Mohd"],
          "hussain": ["Hossain", "Husain", "Hussen"], "baruah": ["Barua", "Boruah", "Borua"],
          "sarma": ["Sharma"], "sharma": ["Sarma"], "choudhury": ["Chowdhury", "Choudhuri"],
          "saikia": ["Xaikia", "Saikiya"], "begum": ["Begom", "Begam"], "khatun": ["Khatoon"],
          "uddin": ["Uddeen", "Udin"], "islam": ["Islaam"], "ahmed": ["Ahmad"],
          "bhattacharjee": ["Bhattacharya", "Bhattacharyya"], "basumatary": ["Basumatari", "Bosumatary"],
          "rahman": ["Rahaman", "Rehman"], "haque": ["Hoque", "Haq"], "kumar": ["Kr.", "Kumer"],
          "chandra": ["Ch.", "Chandro"], "prasad": ["Pd.", "Prasad"], "narendra": ["Naren"],
          "naren": ["Narendra"], "debajit": ["Deba"], "biswajit": ["Biswa"]}


def spell(rng: random.Random, word: str) -> str:
    """One spelling variant of a word: a table variant, a transliteration variant or a typo."""
    if not word:
        return word
    low = word.lower()
    if low in _TABLE and rng.random() < 0.7:
        return rng.choice(_TABLE[low])
    r = rng.random()
    if r < 0.7:
        for _ in range(4):
            a, b = rng.choice(_VARIANTS)
            i = low.find(a, 1)
            if i > 0:
                low = low[:i] + b + low[i + len(a):]
                break
    elif r < 0.8 and low.endswith(("a", "i")) and len(low) > 3:
        low = low + "h"
    else:
        i = rng.randrange(1, max(2, len(low)))
        op = rng.random()
        if op < 0.4:
            low = low[:i] + low[i + 1:]
        elif op < 0.7 and i < len(low) - 1:
            low = low[:i] + low[i + 1] + low[i] + low[i + 2:]
        else:
            low = low[:i] + rng.choice("aeioubdkmnrst") + low[i:]
    return low[:1].upper() + low[1:] if word[:1].isupper() else low


# Romanised → native script, letter by letter: good enough to read, imperfect as field entry is.
_CONS = {"kh": "খ", "gh": "ঘ", "ch": "চ", "jh": "ঝ", "th": "থ", "dh": "ধ", "ph": "ফ", "bh": "ভ",
         "sh": "শ", "k": "ক", "g": "গ", "c": "চ", "j": "জ", "t": "ত", "d": "দ", "n": "ন",
         "p": "প", "f": "ফ", "b": "ব", "m": "ম", "y": "য়", "r": "র", "l": "ল", "w": "ৱ",
         "s": "স", "h": "হ", "z": "জ", "v": "ভ", "q": "ক", "x": "ক্স"}
_VOW = {"aa": ("আ", "া"), "ee": ("ঈ", "ী"), "oo": ("ঊ", "ূ"), "ai": ("ঐ", "ৈ"), "ou": ("ঔ", "ৌ"),
        "au": ("ঔ", "ৌ"), "a": ("অ", ""), "i": ("ই", "ি"), "u": ("উ", "ু"), "e": ("এ", "ে"),
        "o": ("ও", "ো")}
_DEVA_CONS = {"য": "य", "়": "", "খ": "ख", "ঘ": "घ", "চ": "च", "ঝ": "झ", "থ": "थ", "ধ": "ध", "ফ": "फ",
              "ভ": "भ", "শ": "श", "ক": "क", "গ": "ग", "জ": "ज", "ত": "त", "দ": "द", "ন": "न",
              "প": "प", "ব": "ब", "ম": "म", "য়": "य", "র": "र", "ল": "ल", "ৱ": "व", "স": "स",
              "হ": "ह", "ক্স": "क्स", "অ": "अ", "আ": "आ", "ই": "इ", "ঈ": "ई", "উ": "उ", "ঊ": "ऊ",
              "এ": "ए", "ঐ": "ऐ", "ও": "ओ", "ঔ": "औ", "া": "ा", "ি": "ि", "ী": "ी", "ু": "ु",
              "ূ": "ू", "ে": "े", "ৈ": "ै", "ো": "ो", "ৌ": "ौ", "্": "्"}


def _word_to_bengali(w: str, assamese: bool) -> str:
    low = w.lower().rstrip(".")
    if low in ("md", "mohd"):
        return "মোঃ"
    out, i, prev_cons = [], 0, False
    while i < len(low):
        for length in (3, 2, 1):
            part = low[i:i + length]
            if part in _VOW and length <= 2:
                indep, sign = _VOW[part]
                if part == "a" and prev_cons and (i == len(low) - 1 or (sum(map(ord, low)) + i) % 2):
                    # a long ā is written with its sign (final, and about half of the others)
                    sign = "া"
                out.append(sign if prev_cons else indep)
                prev_cons = False
                i += length
                break
            if part in _CONS and length <= 3:
                if prev_cons:
                    out.append("্")
                c = _CONS[part]
                if assamese and c == "র":
                    c = "ৰ"
                out.append(c)
                prev_cons = True
                i += length
                break
        else:
            i += 1
    return "".join(out)


def to_script(text: str, script: str) -> str:
    words = []
    for w in text.split(" "):
        if not w:
            continue
        b = _word_to_bengali(w, script == "assamese")
        if script == "devanagari":
            b = "".join(_DEVA_CONS.get(ch, ch) for ch in b.replace("ৰ", "র").replace("মোঃ", "मो."))
            b = b.replace("্", "्")
        words.append(b)
    return " ".join(words)
