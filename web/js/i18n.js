// The pages' own words in the markets' languages (user content is translated by the API, not here).

const STRINGS = {
  en: {
    live: "LIVE", offline: "Offline", connecting: "Connecting…", reconnecting: "Switching to another node…",
    comments: "Comments", say: "Ask a question or say hi", send: "Send", market: "Market",
    signin: "Sign in", signin_local: "Sign in (local issuer)", name: "Your name", products: "On screen",
    buy: "Buy", claim: "Claim coupon", claimed: "Your code", ends_in: "Ends in", starts_in: "Starts in",
    flash: "Flash sale", ended: "Ended", not_sold: "Not sold in your market", pinned: "Pinned",
    translated: "translated", held: "Waiting for review", rejected: "Not published", off: "off",
    min_spend: "Min. spend", left: "left", sold_out: "Sold out", node: "Node", unmute: "Tap to unmute",
    auto_reply: "Auto-reply", no_room: "No room given: open /watch?room=<room id>", sign_in_first: "Sign in to comment",
  },
  id: {
    live: "LANGSUNG", offline: "Offline", connecting: "Menghubungkan…", reconnecting: "Pindah ke node lain…",
    comments: "Komentar", say: "Tanya atau sapa", send: "Kirim", market: "Pasar",
    signin: "Masuk", signin_local: "Masuk (penerbit lokal)", name: "Nama Anda", products: "Di layar",
    buy: "Beli", claim: "Klaim kupon", claimed: "Kode Anda", ends_in: "Berakhir dalam", starts_in: "Mulai dalam",
    flash: "Flash sale", ended: "Berakhir", not_sold: "Tidak dijual di pasar Anda", pinned: "Disematkan",
    translated: "diterjemahkan", held: "Menunggu tinjauan", rejected: "Tidak diterbitkan", off: "diskon",
    min_spend: "Min. belanja", left: "tersisa", sold_out: "Habis", node: "Node", unmute: "Ketuk untuk suara",
    auto_reply: "Balasan otomatis", no_room: "Ruang tidak ada", sign_in_first: "Masuk untuk berkomentar",
  },
  ar: {
    live: "مباشر", offline: "غير متصل", connecting: "جارٍ الاتصال…", reconnecting: "جارٍ التحويل إلى خادم آخر…",
    comments: "التعليقات", say: "اطرح سؤالاً أو قل مرحباً", send: "إرسال", market: "السوق",
    signin: "تسجيل الدخول", signin_local: "تسجيل الدخول (مُصدر محلي)", name: "اسمك", products: "على الشاشة",
    buy: "شراء", claim: "احصل على القسيمة", claimed: "رمزك", ends_in: "ينتهي خلال", starts_in: "يبدأ خلال",
    flash: "تخفيضات سريعة", ended: "انتهى", not_sold: "غير متوفر في سوقك", pinned: "مثبّت",
    translated: "مترجم", held: "بانتظار المراجعة", rejected: "لم يُنشر", off: "خصم",
    min_spend: "الحد الأدنى للشراء", left: "متبقٍ", sold_out: "نفدت الكمية", node: "الخادم",
    unmute: "اضغط لتشغيل الصوت", auto_reply: "رد تلقائي", no_room: "لا توجد غرفة", sign_in_first: "سجّل الدخول للتعليق",
  },
  de: {
    live: "LIVE", offline: "Offline", connecting: "Verbinde…", reconnecting: "Wechsle zu einem anderen Knoten…",
    comments: "Kommentare", say: "Frag etwas oder sag hallo", send: "Senden", market: "Markt",
    signin: "Anmelden", signin_local: "Anmelden (lokaler Aussteller)", name: "Dein Name", products: "Im Bild",
    buy: "Kaufen", claim: "Gutschein sichern", claimed: "Dein Code", ends_in: "Endet in", starts_in: "Beginnt in",
    flash: "Blitzangebot", ended: "Beendet", not_sold: "In deinem Markt nicht erhältlich", pinned: "Angeheftet",
    translated: "übersetzt", held: "Wird geprüft", rejected: "Nicht veröffentlicht", off: "Rabatt",
    min_spend: "Mindestbestellwert", left: "übrig", sold_out: "Ausverkauft", node: "Knoten",
    unmute: "Tippen für Ton", auto_reply: "Automatische Antwort", no_room: "Kein Raum angegeben",
    sign_in_first: "Zum Kommentieren anmelden",
  },
  fr: {
    live: "EN DIRECT", offline: "Hors ligne", connecting: "Connexion…", reconnecting: "Passage à un autre nœud…",
    comments: "Commentaires", say: "Posez une question", send: "Envoyer", market: "Marché",
    signin: "Se connecter", signin_local: "Se connecter (émetteur local)", name: "Votre nom", products: "À l’écran",
    buy: "Acheter", claim: "Obtenir le coupon", claimed: "Votre code", ends_in: "Se termine dans",
    starts_in: "Commence dans", flash: "Vente flash", ended: "Terminé", not_sold: "Non vendu sur votre marché",
    pinned: "Épinglé", translated: "traduit", held: "En attente de modération", rejected: "Non publié", off: "de remise",
    min_spend: "Achat min.", left: "restants", sold_out: "Épuisé", node: "Nœud", unmute: "Touchez pour le son",
    auto_reply: "Réponse automatique", no_room: "Aucun salon indiqué", sign_in_first: "Connectez-vous pour commenter",
  },
  ja: {
    live: "ライブ", offline: "オフライン", connecting: "接続中…", reconnecting: "別のノードに切り替え中…",
    comments: "コメント", say: "質問してみよう", send: "送信", market: "マーケット",
    signin: "ログイン", signin_local: "ログイン（ローカル発行）", name: "お名前", products: "紹介中",
    buy: "購入", claim: "クーポンを受け取る", claimed: "あなたのコード", ends_in: "終了まで", starts_in: "開始まで",
    flash: "タイムセール", ended: "終了", not_sold: "お住まいの市場では販売していません", pinned: "固定",
    translated: "翻訳", held: "確認待ち", rejected: "非公開", off: "オフ", min_spend: "最低購入額",
    left: "残り", sold_out: "売り切れ", node: "ノード", unmute: "タップして音声オン", auto_reply: "自動返信",
    no_room: "ルームが指定されていません", sign_in_first: "コメントするにはログイン",
  },
  zh: {
    live: "直播中", offline: "未开播", connecting: "连接中…", reconnecting: "正在切换节点…",
    comments: "评论", say: "提问或打个招呼", send: "发送", market: "市场",
    signin: "登录", signin_local: "登录（本地签发）", name: "你的名字", products: "正在讲解",
    buy: "购买", claim: "领取优惠券", claimed: "你的券码", ends_in: "距结束", starts_in: "距开始",
    flash: "限时秒杀", ended: "已结束", not_sold: "你所在市场不售", pinned: "置顶",
    translated: "已翻译", held: "待审核", rejected: "未发布", off: "优惠", min_spend: "满",
    left: "剩余", sold_out: "已抢光", node: "节点", unmute: "点击开启声音", auto_reply: "自动回复",
    no_room: "未指定直播间", sign_in_first: "登录后评论",
  },
};

export function pickLanguage(languages) {
  for (const tag of languages) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (STRINGS[base]) return base;
  }
  return "en";
}

export function translator(language) {
  const table = STRINGS[pickLanguage([language])];
  return (key) => table[key] ?? STRINGS.en[key] ?? key;
}

// 125 seconds -> "02:05" (or "1:02:05"), digits in the locale's numbering system.
export function formatCountdown(seconds, locale) {
  const total = Math.max(0, Math.ceil(seconds));
  const nf = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const parts = hours ? [hours, minutes, secs] : [minutes, secs];
  return parts.map((p) => nf.format(p)).join(":");
}

export function bcp47(locale) {
  return String(locale || "en").replace(/_/g, "-");
}
