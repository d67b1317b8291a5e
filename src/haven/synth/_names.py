"""Name lists per naming tradition: data only.

Every synthetic person is a random combination of a common given name and a common family
name of one tradition; no list holds a real person's full name. An entry with `|` lists
spelling variants ("Mohamed|Mohammed|Muhammad"), the first being the usual Latin form; a
gendered family name is written "male/female" ("Иванов/Иванова"). Cyrillic entries get their
Latin variants from the romanisation schemes in `_translit.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CITIES", "LOCAL_PHONES", "ORIGINS", "RUSSIFIED_GIVEN", "TRANSIT", "WORKING_NAMES", "Origin",
]


@dataclass(frozen=True)
class Origin:
    """A naming tradition and the country whose citizenship goes with it.

    Attributes:
        code: ISO 3166-1 alpha-2 code of the citizenship.
        given_f: female given names.
        given_m: male given names.
        family: family names, "male/female" when gendered.
        schemes: romanisation schemes (Cyrillic traditions); the first is the passport form.
        family_first: the tradition writes the family name first (Hungarian, Vietnamese, Chinese).
        middle_f: Vietnamese-style middle names that go with the given name (female).
        middle_m: the same for men.
        second_given: share of people with a second given name.
        compound_family: share of people with two family names (Portuguese, Brazilian).
        nicknames: given name -> short or pet forms used as aliases.
        native: Latin spelling -> native-script spelling (Arabic, Han), written by some NGOs.
        phone_prefixes: mobile number prefixes after the country code.
        phone_digits: digits after the country code.
        passport: passport number shape: L = letter, 9 = digit, X = letter or digit.
    """

    code: str
    given_f: tuple[str, ...]
    given_m: tuple[str, ...]
    family: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    phone_digits: int
    passport: str
    schemes: tuple[str, ...] = ()
    family_first: bool = False
    middle_f: tuple[str, ...] = ()
    middle_m: tuple[str, ...] = ()
    second_given: float = 0.0
    compound_family: float = 0.0
    nicknames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    native: dict[str, str] = field(default_factory=dict)


_RO = Origin(
    code="RO",
    given_f=("Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Mihaela", "Ana", "Cristina",
             "Florentina", "Daniela", "Roxana", "Georgiana", "Larisa", "Bianca", "Ionela",
             "Nicoleta", "Ștefania", "Mădălina", "Simona", "Loredana", "Alina", "Denisa"),
    given_m=("Ion", "Andrei", "Alexandru", "Gheorghe", "Constantin", "Mihai", "Florin",
             "Vasile", "Ionuț", "Marian", "Cristian", "Adrian", "Ștefan", "Nicolae", "Costel",
             "Cătălin", "Răzvan", "Dumitru", "Valentin", "Bogdan"),
    family=("Popescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
            "Ciobanu", "Ionescu", "Rusu", "Munteanu", "Constantin", "Mihai", "Lungu", "Ștefan",
            "Țurcanu", "Moldovan", "Bălan", "Dinu", "Neagu", "Sârbu", "Mocanu", "Tănase",
            "Păun", "Ștefănescu", "Vâlcu", "Oprea", "Lăcătuș", "Florea", "Dobre"),
    second_given=0.15,
    nicknames={"Ionela": ("Ela",), "Alexandra": ("Alex", "Sandra"), "Gheorghe": ("Gică",),
               "Constantin": ("Costi", "Titi"), "Ionuț": ("Nuțu",), "Mădălina": ("Mădă",),
               "Daniela": ("Dana",), "Georgiana": ("Gina",), "Nicolae": ("Nicu",)},
    phone_prefixes=("72", "73", "74", "75", "76", "77"),
    phone_digits=9,
    passport="059999999",
)

_MD = Origin(
    code="MD",
    given_f=("Ana", "Maria", "Natalia", "Tatiana", "Elena", "Cristina", "Olga", "Irina",
             "Svetlana", "Doina", "Nadejda", "Veronica", "Ecaterina", "Victoria"),
    given_m=("Ion", "Vasile", "Sergiu", "Andrei", "Igor", "Vladimir", "Victor", "Nicolae",
             "Alexandru", "Dumitru", "Eugeniu", "Oleg", "Petru", "Vitalie"),
    family=("Ceban", "Rotari", "Rusu", "Lungu", "Cojocaru", "Țurcan", "Munteanu", "Ciobanu",
            "Sîrbu", "Guțu", "Bodrug", "Cebotari", "Rotaru", "Popa", "Cazacu", "Melnic",
            "Botnari", "Moraru"),
    nicknames={"Natalia": ("Nata",), "Ecaterina": ("Katea", "Katia"), "Vladimir": ("Vova",),
               "Alexandru": ("Sașa",), "Victoria": ("Vika",)},
    phone_prefixes=("60", "67", "68", "69", "78", "79"),
    phone_digits=8,
    passport="LL9999999",
)

_BG = Origin(
    code="BG",
    given_f=("Мария", "Иванка", "Елена", "Десислава", "Йорданка", "Цветелина", "Радка",
             "Гергана", "Петя", "Росица", "Станка", "Анелия", "Снежана", "Жана", "Надежда",
             "Виктория", "Христина"),
    given_m=("Иван", "Георги", "Димитър", "Николай", "Христо", "Стоян", "Петър", "Тодор",
             "Асен", "Йордан", "Костадин", "Любомир", "Цветан", "Жельо", "Стефан"),
    family=("Иванов/Иванова", "Петров/Петрова", "Георгиев/Георгиева", "Димитров/Димитрова",
            "Стоянов/Стоянова", "Христов/Христова", "Николов/Николова", "Тодоров/Тодорова",
            "Илиев/Илиева", "Ангелов/Ангелова", "Жеков/Жекова", "Цветков/Цветкова",
            "Йорданов/Йорданова", "Костов/Костова", "Щерев/Щерева", "Асенов/Асенова",
            "Мутафчиев/Мутафчиева", "Чолаков/Чолакова"),
    schemes=("bg_official", "bg_old", "bg_german"),
    nicknames={"Йорданка": ("Данчето", "Дани"), "Иванка": ("Ваня",), "Христо": ("Ицо",),
               "Николай": ("Ники",), "Георги": ("Гошо",), "Десислава": ("Деси",),
               "Цветелина": ("Цеци",), "Петър": ("Пешо",)},
    phone_prefixes=("87", "88", "89", "98"),
    phone_digits=9,
    passport="389999999",
)

_UA = Origin(
    code="UA",
    given_f=("Оксана", "Наталія", "Юлія", "Ірина", "Олена", "Катерина", "Анастасія",
             "Вікторія", "Тетяна", "Світлана", "Людмила", "Олександра", "Яна", "Євгенія"),
    given_m=("Олександр", "Андрій", "Сергій", "Віталій", "Юрій", "Дмитро", "Олег", "Богдан",
             "Тарас", "Микола", "Володимир", "Євген", "Ігор", "Ярослав"),
    family=("Хмельницький/Хмельницька", "Шевченко", "Коваленко", "Бондаренко", "Ткаченко",
            "Кравченко", "Мельник", "Бойко", "Ковальчук", "Савчук", "Лисенко", "Гончаренко",
            "Кузьменко", "Поліщук", "Олійник", "Задорожний/Задорожна", "Ющенко",
            "Кравець", "Яковенко", "Білецький/Білецька"),
    schemes=("ua_national", "ua_german", "ua_scholarly", "ru_bgn"),
    nicknames={"Олександр": ("Саша", "Сашко"), "Олександра": ("Саша",), "Наталія": ("Наташа",),
               "Юлія": ("Юля",), "Анастасія": ("Настя",), "Катерина": ("Катя",),
               "Володимир": ("Вова",), "Дмитро": ("Діма",), "Вікторія": ("Віка",)},
    phone_prefixes=("50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"),
    phone_digits=9,
    passport="LL999999",
)

# Ukrainians are often written down in the Russian form of their given name (Aleksandr).
RUSSIFIED_GIVEN: dict[str, str] = {
    "Олександр": "Александр", "Андрій": "Андрей", "Сергій": "Сергей", "Віталій": "Виталий",
    "Юрій": "Юрий", "Дмитро": "Дмитрий", "Микола": "Николай", "Володимир": "Владимир",
    "Євген": "Евгений", "Ігор": "Игорь", "Наталія": "Наталья", "Юлія": "Юлия",
    "Ірина": "Ирина", "Олена": "Елена", "Катерина": "Екатерина", "Анастасія": "Анастасия",
    "Вікторія": "Виктория", "Тетяна": "Татьяна", "Світлана": "Светлана",
    "Людмила": "Людмила", "Олександра": "Александра", "Євгенія": "Евгения",
}

_RU = Origin(
    code="RU",
    given_f=("Наталья", "Ольга", "Елена", "Татьяна", "Юлия", "Анастасия", "Екатерина",
             "Ксения", "Мария", "Дарья", "Алёна", "Ирина"),
    given_m=("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Юрий", "Максим",
             "Иван", "Евгений", "Николай", "Артём", "Михаил"),
    family=("Иванов/Иванова", "Смирнов/Смирнова", "Кузнецов/Кузнецова", "Попов/Попова",
            "Соколов/Соколова", "Лебедев/Лебедева", "Козлов/Козлова", "Новиков/Новикова",
            "Морозов/Морозова", "Волков/Волкова", "Соловьёв/Соловьёва", "Зайцев/Зайцева"),
    schemes=("ru_icao", "ru_bgn", "ru_german"),
    nicknames={"Александр": ("Саша",), "Наталья": ("Наташа",), "Екатерина": ("Катя",),
               "Дмитрий": ("Дима",), "Анастасия": ("Настя",), "Ксения": ("Ксюша",)},
    phone_prefixes=("903", "905", "915", "916", "925", "926", "965", "977", "985", "999"),
    phone_digits=10,
    passport="759999999",
)

_NG = Origin(
    code="NG",
    # English virtue names are very common among Nigerian women; Edo, Yoruba and Igbo names.
    given_f=("Blessing", "Joy", "Precious", "Favour", "Gift", "Mercy", "Peace", "Happiness",
             "Osaretin", "Isoken", "Ivie", "Efe", "Eghosa", "Osasere", "Funmilayo", "Adeola",
             "Oluwaseun", "Folake", "Chiamaka", "Ngozi", "Nkechi", "Chioma", "Adaeze"),
    given_m=("Osagie", "Osaro", "Efosa", "Osahon", "Ehis", "Adebayo", "Olumide", "Babatunde",
             "Oluwaseun", "Chukwuemeka", "Obinna", "Ikenna", "Chinedu", "Emmanuel", "Godwin",
             "Samuel", "Friday", "Sunday"),
    family=("Osagie", "Okafor", "Eze", "Omoruyi", "Obasuyi", "Aigbe", "Osaghae", "Ogbeide",
            "Idahosa", "Ehigiator", "Adeyemi", "Ogunleye", "Adewale", "Ogundipe", "Igbinedion",
            "Okonkwo", "Nwosu", "Obi", "Uzoma", "Edosomwan", "Iyamu", "Osayande"),
    second_given=0.3,
    nicknames={"Chukwuemeka": ("Emeka",), "Oluwaseun": ("Seun",), "Osasere": ("Osas",),
               "Osaretin": ("Osas", "Tina"), "Babatunde": ("Tunde",), "Funmilayo": ("Funmi",),
               "Chiamaka": ("Amaka",), "Olumide": ("Mide",), "Ehis": ("Ehi",)},
    phone_prefixes=("803", "806", "813", "816", "703", "706", "802", "808", "812", "805",
                    "807", "815", "905"),
    phone_digits=10,
    passport="A99999999",
)

_VN = Origin(
    code="VN",
    given_f=("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Hằng", "Ngọc", "Yến",
             "Nhung", "Thủy", "Anh", "Phương"),
    given_m=("Minh", "Hùng", "Dũng", "Tuấn", "Nam", "Quang", "Đức", "Hải", "Long", "Thành",
             "Phong", "Sơn", "Tùng", "Cường"),
    family=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Nguyễn", "Trần", "Nguyễn"),
    family_first=True,
    middle_f=("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim"),
    middle_m=("Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công"),
    phone_prefixes=("90", "91", "93", "94", "96", "97", "98", "32", "33", "35", "70", "77",
                    "86", "88"),
    phone_digits=9,
    passport="L9999999",
)

_HU = Origin(
    code="HU",
    given_f=("Anna", "Katalin", "Erzsébet", "Zsófia", "Eszter", "Réka", "Krisztina", "Ildikó",
             "Viktória", "Nikolett", "Tünde", "Gyöngyi", "Bernadett"),
    given_m=("László", "István", "József", "Zoltán", "Sándor", "Gábor", "Ferenc", "Attila",
             "Tamás", "Zsolt", "Gyula", "Béla", "Ödön"),
    family=("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
            "Németh", "Farkas", "Balogh", "Papp", "Lakatos", "Oláh", "Szűcs", "Rácz",
            "Fekete", "Sárközi", "Kolompár", "Szőke", "Erdős", "Kőműves"),
    family_first=True,
    nicknames={"Erzsébet": ("Erzsi", "Böske"), "Katalin": ("Kati",), "István": ("Pista",),
               "József": ("Jóska",), "Krisztina": ("Kriszti",), "Viktória": ("Viki",)},
    phone_prefixes=("20", "30", "31", "50", "70"),
    phone_digits=9,
    passport="LL9999999",
)

_NL = Origin(
    code="NL",
    given_f=("Sanne", "Lisa", "Anouk", "Fleur", "Demi", "Kim", "Britt", "Romy", "Naomi",
             "Chantal", "Sharon", "Priscilla", "Esmée", "Iris"),
    given_m=("Jan", "Kevin", "Dennis", "Mark", "Thijs", "Bram", "Jeroen", "Stefan", "Ricardo",
             "Sven", "Ruben", "Joost", "Daan"),
    family=("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
            "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
            "Peters", "Hendriks", "van Leeuwen", "Dekker", "van der Meer", "van der Linden",
            "Kramer", "Brouwer", "de Wit", "van der Heijden"),
    nicknames={"Priscilla": ("Pris",), "Chantal": ("Chan",), "Naomi": ("Nao",)},
    phone_prefixes=("61", "62", "63", "64", "65", "68"),
    phone_digits=9,
    passport="LLXXXXXX9",
)

_AL = Origin(
    code="AL",
    given_f=("Elira", "Arta", "Blerta", "Drita", "Ermira", "Jonida", "Klodiana", "Mirela",
             "Rezarta", "Anisa", "Elsa", "Fatjona", "Xhesika", "Klea"),
    given_m=("Arben", "Besnik", "Dritan", "Gjergj", "Ilir", "Klodian", "Mërgim", "Erion",
             "Ardit", "Fatmir", "Gëzim", "Sokol", "Xhevahir", "Çlirim"),
    family=("Hoxha", "Shehu", "Leka", "Krasniqi", "Gashi", "Dervishi", "Çela", "Kola", "Mema",
            "Prifti", "Rama", "Hysa", "Berisha", "Marku", "Bajrami", "Muça", "Gjoka"),
    nicknames={"Xhesika": ("Xhesi",), "Klodiana": ("Kloda",), "Xhevahir": ("Xheva",)},
    phone_prefixes=("69",),
    phone_digits=9,
    passport="LL9999999",
)

_PL = Origin(
    code="PL",
    given_f=("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Magdalena", "Ewa",
             "Monika", "Żaneta", "Paulina", "Justyna", "Łucja"),
    given_m=("Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Łukasz", "Marcin", "Grzegorz",
             "Jarosław", "Mariusz", "Zbigniew", "Wojciech"),
    family=("Nowak", "Kowalski/Kowalska", "Wiśniewski/Wiśniewska", "Wójcik", "Kowalczyk",
            "Kamiński/Kamińska", "Lewandowski/Lewandowska", "Zieliński/Zielińska",
            "Szymański/Szymańska", "Woźniak", "Dąbrowski/Dąbrowska", "Kozłowski/Kozłowska",
            "Jankowski/Jankowska", "Mazur", "Krawczyk", "Żak", "Michałowski/Michałowska"),
    nicknames={"Katarzyna": ("Kasia",), "Małgorzata": ("Gosia",), "Magdalena": ("Magda",),
               "Krzysztof": ("Krzysiek",), "Wojciech": ("Wojtek",), "Łukasz": ("Łukasz",)},
    phone_prefixes=("50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88"),
    phone_digits=9,
    passport="LL9999999",
)

_MA = Origin(
    code="MA",
    given_f=("Fatima|Fatma|Fatimah", "Fatima Zahra|Fatima-Zahra|Fatimazahra", "Khadija|Khadidja",
             "Aicha|Aisha|Aïcha", "Meryem|Maryam|Mariam", "Salma", "Nadia", "Samira",
             "Zineb|Zaynab|Zainab", "Hafsa|Hafssa", "Imane|Iman", "Houda|Huda"),
    given_m=("Mohamed|Mohammed|Muhammad|Mohamad|Mhamed", "Ahmed|Ahmad", "Youssef|Yusuf|Youcef",
             "Abdelkader|Abdel Kader|Abdelkadir", "Hassan|Hasan", "Rachid|Rashid",
             "Mustapha|Mustafa|Moustapha", "Brahim|Ibrahim", "Said|Saïd|Saeed",
             "Omar|Umar", "Karim|Kareem", "Hamza"),
    family=("El Amrani|Elamrani|Amrani", "Benali|Ben Ali", "El Idrissi|Elidrissi|Idrissi",
            "Alaoui|El Alaoui", "Bennani", "Tazi", "Berrada", "El Fassi|Elfassi",
            "Ouali|El Ouali", "Chaoui|Chaoui", "Boukhari|El Boukhari", "Mansouri|El Mansouri",
            "Haddad|Hadad", "Ait Ali|Aït Ali|Aitali"),
    nicknames={"Mohamed|Mohammed|Muhammad|Mohamad|Mhamed": ("Simo", "Hamid"),
               "Youssef|Yusuf|Youcef": ("Youss",), "Fatima Zahra|Fatima-Zahra|Fatimazahra":
               ("Zahra",)},
    native={"Mohamed": "محمد", "Ahmed": "أحمد", "Youssef": "يوسف", "Hassan": "حسن",
            "Fatima": "فاطمة", "Khadija": "خديجة", "Salma": "سلمى", "Nadia": "نادية",
            "El Amrani": "العمراني", "Benali": "بن علي", "El Idrissi": "الإدريسي",
            "Bennani": "بناني", "Tazi": "التازي", "Haddad": "حداد"},
    phone_prefixes=("61", "62", "65", "66", "67", "70", "76"),
    phone_digits=9,
    passport="LL9999999",
)

_CN = Origin(
    code="CN",
    given_f=("Fang", "Li Na|Lina|Li-Na", "Xiu Ying|Xiuying|Xiu-Ying", "Jing", "Yan",
             "Xiao Hong|Xiaohong|Xiao-Hong", "Mei", "Hui", "Ling", "Ying"),
    given_m=("Wei", "Jun", "Lei", "Qiang", "Xiao Ming|Xiaoming|Xiao-Ming", "Jian Guo|Jianguo",
             "Hao", "Bin", "Tao", "Yong"),
    family=("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
            "Xu", "Lin"),
    family_first=True,
    native={"Wang": "王", "Li": "李", "Zhang": "张", "Liu": "刘", "Chen": "陈", "Yang": "杨",
            "Huang": "黄", "Zhao": "赵", "Wu": "吴", "Zhou": "周", "Xu": "徐", "Lin": "林",
            "Fang": "芳", "Wei": "伟", "Jing": "静", "Yan": "燕", "Mei": "梅", "Jun": "军",
            "Lei": "磊", "Qiang": "强", "Tao": "涛", "Yong": "勇", "Li Na": "丽娜",
            "Xiu Ying": "秀英", "Xiao Ming": "小明"},
    phone_prefixes=("130", "131", "135", "136", "138", "139", "150", "158", "186", "188"),
    phone_digits=11,
    passport="E99999999",
)

_BR = Origin(
    code="BR",
    given_f=("Ana", "Maria", "Juliana", "Fernanda", "Patrícia", "Aline", "Camila", "Bruna",
             "Letícia", "Gabriela", "Jéssica", "Conceição", "Luana"),
    given_m=("João", "José", "Carlos", "Lucas", "Rafael", "Thiago", "Marcos", "Luiz",
             "André", "Rodrigo", "Wellington", "Anderson"),
    family=("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves",
            "Pereira", "Lima", "Gomes", "Ribeiro", "Carvalho", "Araújo", "Conceição"),
    second_given=0.35,
    compound_family=0.7,
    nicknames={"Gabriela": ("Gabi",), "Fernanda": ("Nanda",), "Rafael": ("Rafa",),
               "Juliana": ("Juju", "Ju")},
    phone_prefixes=("119", "219", "319", "419", "519", "619", "719", "819", "919"),
    phone_digits=11,
    passport="LL999999",
)

_PT = Origin(
    code="PT",
    given_f=("Maria", "Ana", "Beatriz", "Inês", "Sofia", "Joana", "Catarina", "Mariana"),
    given_m=("João", "José", "António", "Francisco", "Rui", "Nuno", "Tiago", "Gonçalo"),
    family=("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
            "Martins", "Jesus", "Sousa", "Fernandes", "Gonçalves", "Magalhães"),
    second_given=0.4,
    compound_family=0.8,
    phone_prefixes=("91", "92", "93", "96"),
    phone_digits=9,
    passport="L999999",
)

_ER = Origin(
    code="ER",
    # Eritreans carry no family name: the second name is the father's given name.
    given_f=("Selam|Selamawit", "Helen", "Saba", "Feven|Fiven", "Senait|Senayt", "Mulu",
             "Yordanos|Yordanose", "Rahel|Rachel", "Luwam|Luam", "Tsega|Tsegai", "Hiwet",
             "Freweyni|Frewoyni"),
    given_m=("Yonas|Yonatan", "Tesfay|Tesfaye|Tesfai", "Mehari|Meharie", "Kidane|Kidan",
             "Aman|Amanuel", "Semere|Semre", "Yohannes|Yohanes|Johannes", "Dawit|Dawid",
             "Filmon|Philemon", "Biniam|Biniyam|Bereket", "Habtom|Habtu", "Samuel"),
    family=("Tesfay|Tesfaye|Tesfai", "Gebremariam|Gebre Mariam|Ghebremariam",
            "Haile|Hailè", "Kidane|Kidan", "Mehari|Meharie", "Tekle|Teckle",
            "Woldemichael|Wolde Michael|Woldemikael", "Ghebreyesus|Gebreyesus",
            "Berhane|Berhe", "Asmerom|Asmerome", "Tewolde|Tewelde", "Yemane|Yemané"),
    phone_prefixes=("71", "72", "73"),
    phone_digits=7,
    passport="P9999999",
)

# Nationals of the registering countries, who appear mostly among suspects.
_DE = Origin(
    code="DE",
    given_f=("Sabine", "Claudia", "Nicole", "Stefanie", "Julia", "Katrin", "Jennifer"),
    given_m=("Thomas", "Michael", "Andreas", "Stefan", "Markus", "Jürgen", "Sven", "Dirk",
             "Uwe", "Jörg"),
    family=("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Hoffmann", "Koch", "Schäfer", "Krüger", "Braun"),
    phone_prefixes=("151", "152", "157", "162", "163", "176", "177", "178", "179"),
    phone_digits=11,
    passport="CXXXXXXXX",
)
_BE = Origin(
    code="BE",
    given_f=("Marie", "Nathalie", "Sofie", "Valérie", "Els", "Ann", "Isabelle"),
    given_m=("Luc", "Marc", "Kevin", "Pieter", "Jean", "Philippe", "Frédéric", "Bart", "Koen",
             "Geert"),
    family=("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Dubois",
            "Lambert", "Dupont", "Goossens", "Wouters", "De Smet", "Vermeulen"),
    phone_prefixes=("470", "472", "475", "476", "477", "478", "479", "484", "485", "486",
                    "487", "488", "489", "495", "496", "497", "498", "499"),
    phone_digits=9,
    passport="LL999999",
)
_IT = Origin(
    code="IT",
    given_f=("Giulia", "Francesca", "Chiara", "Federica", "Valentina", "Sara"),
    given_m=("Giuseppe", "Antonio", "Salvatore", "Francesco", "Luca", "Marco", "Gennaro",
             "Vincenzo", "Nicola", "Davide"),
    family=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "De Luca", "Lombardo", "Caruso"),
    phone_prefixes=("320", "328", "329", "333", "338", "339", "340", "347", "348", "349"),
    phone_digits=10,
    passport="YA9999999",
)
_ES = Origin(
    code="ES",
    given_f=("María", "Carmen", "Lucía", "Laura", "Cristina", "Marta"),
    given_m=("José", "Antonio", "Manuel", "Francisco", "David", "Javier", "Jesús", "Carlos",
             "Sergio", "Rubén"),
    family=("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
            "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz"),
    compound_family=0.8,
    phone_prefixes=("60", "61", "62", "63", "64", "65", "66", "67", "68", "69"),
    phone_digits=9,
    passport="LLL999999",
)

ORIGINS: dict[str, Origin] = {
    o.code: o for o in (_RO, _MD, _BG, _UA, _RU, _NG, _VN, _HU, _NL, _AL, _PL, _MA, _CN, _BR,
                        _PT, _ER, _DE, _BE, _IT, _ES)
}

# Working names used in sexual exploitation; an alias a victim may also give as her name.
WORKING_NAMES: tuple[str, ...] = (
    "Bianca", "Jessica", "Angel", "Candy", "Naomi", "Sabrina", "Vanessa", "Kelly", "Lola",
    "Diamond", "Ruby", "Nikita", "Paris", "Barbie", "Mia", "Roxy", "Stella", "Sandy",
)

# Mobile plans of countries of exploitation without a name list: victims often carry a
# local SIM card of the country where they are exploited.
LOCAL_PHONES: dict[str, tuple[tuple[str, ...], int]] = {
    "FR": (("60", "61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"), 9),
    "AT": (("650", "660", "664", "676", "680", "699"), 10),
}

# Places for route events (recruitment, transit, exploitation), by country.
CITIES: dict[str, tuple[str, ...]] = {
    "RO": ("București", "Iași", "Constanța", "Craiova", "Galați", "Bacău", "Slatina"),
    "MD": ("Chișinău", "Bălți", "Cahul", "Orhei"),
    "BG": ("София", "Пловдив", "Варна", "Сливен", "Бургас", "Пазарджик"),
    "UA": ("Київ", "Харків", "Одеса", "Львів", "Хмельницький", "Вінниця"),
    "RU": ("Москва", "Санкт-Петербург", "Ростов-на-Дону", "Краснодар"),
    "NG": ("Benin City", "Lagos", "Ibadan", "Enugu", "Abuja", "Port Harcourt"),
    "VN": ("Hà Nội", "Nghệ An", "Hà Tĩnh", "Hải Phòng", "Quảng Bình"),
    "HU": ("Budapest", "Miskolc", "Debrecen", "Nyíregyháza", "Ózd"),
    "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Venlo", "Zwolle"),
    "AL": ("Tiranë", "Durrës", "Elbasan", "Shkodër", "Fier"),
    "PL": ("Warszawa", "Łódź", "Kraków", "Wrocław", "Białystok"),
    "MA": ("Casablanca", "Tanger", "Fès", "Béni Mellal", "Oujda"),
    "CN": ("Fuzhou", "Wenzhou", "Shenyang", "Harbin"),
    "BR": ("São Paulo", "Goiânia", "Belém", "Recife", "Fortaleza"),
    "PT": ("Lisboa", "Porto", "Braga"),
    "ER": ("Asmara", "Keren", "Mendefera"),
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Dortmund", "Leipzig"),
    "BE": ("Bruxelles", "Antwerpen", "Gent", "Liège", "Charleroi"),
    "IT": ("Torino", "Castel Volturno", "Roma", "Milano", "Palermo", "Foggia", "Latina"),
    "ES": ("Madrid", "Barcelona", "Almería", "Murcia", "Huelva", "Valencia"),
    "FR": ("Paris", "Lyon", "Marseille", "Lille"),
    "GB": ("London", "Birmingham", "Manchester"),
    "AT": ("Wien", "Graz", "Linz"),
    "GR": ("Athína", "Thessaloníki"),
    "TR": ("İstanbul", "Edirne"),
    "LY": ("Tripoli", "Sabha"),
    "NE": ("Agadez",),
    "SD": ("Khartoum",),
}
# Countries victims passed through on the way from their country of origin.
TRANSIT: dict[str, tuple[str, ...]] = {
    "NG": ("NE", "LY", "IT"), "ER": ("SD", "LY", "IT"), "VN": ("RU", "PL", "FR"),
    "UA": ("PL", "HU"), "MD": ("RO",), "RO": ("HU", "AT"), "BG": ("RO", "HU"),
    "AL": ("GR", "IT"), "MA": ("ES",), "CN": ("RU", "FR"), "BR": ("PT",), "RU": ("PL",),
    "HU": ("AT",), "PL": ("DE",),
}
