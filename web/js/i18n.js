// The pages' own words in the markets' languages (user content is translated by the API, not here).
// Every language a built-in market lists (plugins/markets/*/market.toml) has a table with every key
// of `en`: tests/web/test_i18n_tables.py fails otherwise. A tag picks its table by its base
// language ("zh-Hans" -> zh).

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
  es: {
    live: "EN VIVO", offline: "Fuera del aire", connecting: "Conectando…", reconnecting: "Cambiando de servidor…",
    comments: "Comentarios", say: "Haz una pregunta o saluda", send: "Enviar", market: "Mercado",
    signin: "Iniciar sesión", signin_local: "Iniciar sesión (emisor local)", name: "Tu nombre", products: "En pantalla",
    buy: "Comprar", claim: "Obtener cupón", claimed: "Tu código", ends_in: "Termina en", starts_in: "Empieza en",
    flash: "Oferta relámpago", ended: "Finalizada", not_sold: "No disponible en tu mercado", pinned: "Fijado",
    translated: "traducido", held: "En revisión", rejected: "No publicado", off: "de descuento",
    min_spend: "Compra mín.", left: "disponibles", sold_out: "Agotado", node: "Servidor",
    unmute: "Toca para activar el sonido", auto_reply: "Respuesta automática", no_room: "No se indicó ninguna sala",
    sign_in_first: "Inicia sesión para comentar",
  },
  th: {
    live: "ไลฟ์สด", offline: "ออฟไลน์", connecting: "กำลังเชื่อมต่อ…", reconnecting: "กำลังสลับไปเซิร์ฟเวอร์อื่น…",
    comments: "ความคิดเห็น", say: "ถามคำถามหรือทักทาย", send: "ส่ง", market: "ประเทศ",
    signin: "เข้าสู่ระบบ", signin_local: "เข้าสู่ระบบ (ผู้ออกโทเค็นในเครื่อง)", name: "ชื่อของคุณ",
    products: "กำลังนำเสนอ", buy: "ซื้อเลย", claim: "เก็บคูปอง", claimed: "โค้ดของคุณ", ends_in: "สิ้นสุดใน",
    starts_in: "เริ่มใน", flash: "แฟลชเซล", ended: "สิ้นสุดแล้ว", not_sold: "ไม่มีจำหน่ายในประเทศของคุณ",
    pinned: "ปักหมุด", translated: "แปลแล้ว", held: "รอตรวจสอบ", rejected: "ไม่ได้เผยแพร่", off: "ส่วนลด",
    min_spend: "ซื้อขั้นต่ำ", left: "สิทธิ์ที่เหลือ", sold_out: "สิทธิ์เต็มแล้ว", node: "เซิร์ฟเวอร์",
    unmute: "แตะเพื่อเปิดเสียง", auto_reply: "ตอบกลับอัตโนมัติ", no_room: "ไม่ได้ระบุห้องไลฟ์",
    sign_in_first: "เข้าสู่ระบบเพื่อแสดงความคิดเห็น",
  },
  vi: {
    live: "TRỰC TIẾP", offline: "Ngoại tuyến", connecting: "Đang kết nối…",
    reconnecting: "Đang chuyển sang máy chủ khác…", comments: "Bình luận", say: "Đặt câu hỏi hoặc chào shop",
    send: "Gửi", market: "Thị trường",
    signin: "Đăng nhập", signin_local: "Đăng nhập (bên cấp cục bộ)", name: "Tên của bạn", products: "Đang giới thiệu",
    buy: "Mua ngay", claim: "Lưu mã", claimed: "Mã của bạn", ends_in: "Kết thúc sau", starts_in: "Bắt đầu sau",
    flash: "Giờ vàng giá sốc", ended: "Đã kết thúc", not_sold: "Không bán tại thị trường của bạn", pinned: "Đã ghim",
    translated: "đã dịch", held: "Đang chờ duyệt", rejected: "Không được đăng", off: "giảm",
    min_spend: "Đơn tối thiểu", left: "mã còn lại", sold_out: "Đã hết mã", node: "Máy chủ",
    unmute: "Chạm để bật tiếng", auto_reply: "Trả lời tự động", no_room: "Chưa chọn phòng live",
    sign_in_first: "Đăng nhập để bình luận",
  },
  ms: {
    live: "LANGSUNG", offline: "Luar talian", connecting: "Menyambung…", reconnecting: "Bertukar ke pelayan lain…",
    comments: "Komen", say: "Tanya soalan atau tegur hos", send: "Hantar", market: "Pasaran",
    signin: "Log masuk", signin_local: "Log masuk (pengeluar tempatan)", name: "Nama anda", products: "Di skrin",
    buy: "Beli", claim: "Tuntut baucar", claimed: "Kod anda", ends_in: "Tamat dalam", starts_in: "Bermula dalam",
    flash: "Jualan kilat", ended: "Telah tamat", not_sold: "Tidak dijual di pasaran anda", pinned: "Disemat",
    translated: "diterjemah", held: "Menunggu semakan", rejected: "Tidak disiarkan", off: "diskaun",
    min_spend: "Min. belanja", left: "lagi", sold_out: "Habis ditebus", node: "Pelayan",
    unmute: "Ketik untuk hidupkan bunyi", auto_reply: "Balasan automatik", no_room: "Tiada bilik dinyatakan",
    sign_in_first: "Log masuk untuk komen",
  },
  fil: {
    live: "LIVE", offline: "Offline", connecting: "Kumokonekta…", reconnecting: "Lumilipat sa ibang server…",
    comments: "Mga komento", say: "Magtanong o mag-hi", send: "Ipadala", market: "Merkado",
    signin: "Mag-sign in", signin_local: "Mag-sign in (lokal na issuer)", name: "Pangalan mo", products: "Nasa screen",
    buy: "Bilhin", claim: "Kunin ang kupon", claimed: "Ang code mo", ends_in: "Matatapos sa",
    starts_in: "Magsisimula sa",
    flash: "Flash sale", ended: "Tapos na", not_sold: "Hindi mabibili sa merkado mo", pinned: "Naka-pin",
    translated: "isinalin", held: "Sinusuri pa", rejected: "Hindi nai-post", off: "diskwento",
    min_spend: "Min. na gastos", left: "natitira", sold_out: "Ubos na", node: "Server",
    unmute: "I-tap para may tunog", auto_reply: "Awtomatikong sagot", no_room: "Walang tinukoy na room",
    sign_in_first: "Mag-sign in para makapag-komento",
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
