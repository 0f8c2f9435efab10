// The pages' own words in the markets' languages (user content is translated by the API, not here),
// problems included (`problemText`: by the problem's stable code, never the server's English detail).
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
    min_spend: "Min. spend", left: "{n} left", sold_out: "Sold out", node: "Node", unmute: "Tap to unmute",
    auto_reply: "Auto-reply", no_room: "No room given: open /watch?room=<room id>", sign_in_first: "Sign in to comment",
  },
  id: {
    live: "LIVE", offline: "Belum tayang", connecting: "Menghubungkan…", reconnecting: "Pindah ke node lain…",
    comments: "Komentar", say: "Tanya atau sapa", send: "Kirim", market: "Pasar",
    signin: "Masuk", signin_local: "Masuk (uji lokal)", name: "Nama Anda", products: "Di layar",
    buy: "Beli", claim: "Klaim kupon", claimed: "Kode Anda", ends_in: "Berakhir dalam", starts_in: "Mulai dalam",
    flash: "Flash sale", ended: "Berakhir", not_sold: "Tidak dijual di pasar Anda", pinned: "Disematkan",
    translated: "diterjemahkan", held: "Menunggu tinjauan", rejected: "Tidak diterbitkan", off: "diskon",
    min_spend: "Min. belanja", left: "Sisa {n}", sold_out: "Habis", node: "Server", unmute: "Ketuk untuk menyalakan suara",
    auto_reply: "Balasan otomatis", no_room: "Ruang tidak ada", sign_in_first: "Masuk untuk berkomentar",
  },
  ar: {
    live: "مباشر", offline: "غير متصل", connecting: "جارٍ الاتصال…", reconnecting: "جارٍ التحويل إلى خادم آخر…",
    comments: "التعليقات", say: "اطرح سؤالاً أو قل مرحباً", send: "إرسال", market: "السوق",
    signin: "تسجيل الدخول", signin_local: "تسجيل الدخول (مُصدر محلي)", name: "اسمك", products: "على الشاشة",
    buy: "شراء", claim: "احصل على القسيمة", claimed: "رمزك", ends_in: "ينتهي خلال", starts_in: "يبدأ خلال",
    flash: "تخفيضات سريعة", ended: "انتهى", not_sold: "غير متوفر في سوقك", pinned: "مثبّت",
    translated: "مترجم", held: "بانتظار المراجعة", rejected: "لم يُنشر", off: "خصم",
    min_spend: "الحد الأدنى للشراء", left: "المتبقي: {n}", sold_out: "نفدت الكمية", node: "الخادم",
    unmute: "اضغط لتشغيل الصوت", auto_reply: "رد تلقائي", no_room: "لا توجد غرفة", sign_in_first: "سجّل الدخول للتعليق",
  },
  de: {
    live: "LIVE", offline: "Offline", connecting: "Verbinde…", reconnecting: "Wechsle zu einem anderen Knoten…",
    comments: "Kommentare", say: "Frag etwas oder sag hallo", send: "Senden", market: "Markt",
    signin: "Anmelden", signin_local: "Anmelden (lokale Testanmeldung)", name: "Dein Name", products: "Im Bild",
    buy: "Kaufen", claim: "Gutschein sichern", claimed: "Dein Code", ends_in: "Endet in", starts_in: "Beginnt in",
    flash: "Blitzangebot", ended: "Beendet", not_sold: "In deinem Markt nicht erhältlich", pinned: "Angeheftet",
    translated: "übersetzt", held: "Wird geprüft", rejected: "Nicht veröffentlicht", off: "Rabatt",
    min_spend: "Mindestbestellwert", left: "Noch {n} verfügbar", sold_out: "Ausverkauft", node: "Knoten",
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
    min_spend: "Achat min.", left: "Plus que {n}", sold_out: "Épuisé", node: "Nœud", unmute: "Touchez pour le son",
    auto_reply: "Réponse automatique", no_room: "Aucun salon indiqué", sign_in_first: "Connectez-vous pour commenter",
  },
  ja: {
    live: "ライブ", offline: "オフライン", connecting: "接続中…", reconnecting: "別のノードに切り替え中…",
    comments: "コメント", say: "質問してみよう", send: "送信", market: "マーケット",
    signin: "ログイン", signin_local: "ログイン（ローカル発行）", name: "お名前", products: "紹介中",
    buy: "購入", claim: "クーポンを受け取る", claimed: "あなたのコード", ends_in: "終了まで", starts_in: "開始まで",
    flash: "タイムセール", ended: "終了", not_sold: "お住まいの市場では販売していません", pinned: "固定",
    translated: "翻訳済み", held: "確認待ち", rejected: "非公開", off: "オフ", min_spend: "最低購入額",
    left: "残り{n}枚", sold_out: "売り切れ", node: "ノード", unmute: "タップして音声オン", auto_reply: "自動返信",
    no_room: "ルームが指定されていません", sign_in_first: "コメントするにはログイン",
  },
  zh: {
    live: "直播中", offline: "未开播", connecting: "连接中…", reconnecting: "正在切换节点…",
    comments: "评论", say: "提问或打个招呼", send: "发送", market: "市场",
    signin: "登录", signin_local: "登录（本地签发）", name: "你的名字", products: "正在讲解",
    buy: "购买", claim: "领取优惠券", claimed: "你的券码", ends_in: "距结束", starts_in: "距开始",
    flash: "限时秒杀", ended: "已结束", not_sold: "你所在市场不售", pinned: "置顶",
    translated: "已翻译", held: "待审核", rejected: "未发布", off: "优惠", min_spend: "满",
    left: "仅剩{n}张", sold_out: "已抢光", node: "节点", unmute: "点击开启声音", auto_reply: "自动回复",
    no_room: "未指定直播间", sign_in_first: "登录后评论",
  },
  es: {
    live: "EN VIVO", offline: "Fuera del aire", connecting: "Conectando…", reconnecting: "Cambiando de servidor…",
    comments: "Comentarios", say: "Haz una pregunta o saluda", send: "Enviar", market: "Mercado",
    signin: "Iniciar sesión", signin_local: "Iniciar sesión (emisor local)", name: "Tu nombre", products: "En pantalla",
    buy: "Comprar", claim: "Obtener cupón", claimed: "Tu código", ends_in: "Termina en", starts_in: "Empieza en",
    flash: "Oferta relámpago", ended: "Finalizada", not_sold: "No disponible en tu mercado", pinned: "Fijado",
    translated: "traducido", held: "En revisión", rejected: "No publicado", off: "de descuento",
    min_spend: "Compra mín.", left: "Quedan {n}", sold_out: "Agotado", node: "Servidor",
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
    min_spend: "ซื้อขั้นต่ำ", left: "เหลือ {n} สิทธิ์", sold_out: "สิทธิ์เต็มแล้ว", node: "เซิร์ฟเวอร์",
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
    min_spend: "Đơn tối thiểu", left: "Còn {n} mã", sold_out: "Đã hết mã", node: "Máy chủ",
    unmute: "Chạm để bật tiếng", auto_reply: "Trả lời tự động", no_room: "Chưa chọn phòng live",
    sign_in_first: "Đăng nhập để bình luận",
  },
  ms: {
    live: "LIVE", offline: "Luar talian", connecting: "Menyambung…", reconnecting: "Bertukar ke pelayan lain…",
    comments: "Komen", say: "Tanya soalan atau tegur hos", send: "Hantar", market: "Pasaran",
    signin: "Log masuk", signin_local: "Log masuk (pengeluar tempatan)", name: "Nama anda", products: "Di skrin",
    buy: "Beli", claim: "Tuntut baucar", claimed: "Kod anda", ends_in: "Tamat dalam", starts_in: "Bermula dalam",
    flash: "Jualan kilat", ended: "Telah tamat", not_sold: "Tidak dijual di pasaran anda", pinned: "Disemat",
    translated: "diterjemah", held: "Menunggu semakan", rejected: "Tidak disiarkan", off: "diskaun",
    min_spend: "Min. belanja", left: "Baki {n}", sold_out: "Habis ditebus", node: "Pelayan",
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
    min_spend: "Min. na gastos", left: "{n} na lang ang natitira", sold_out: "Ubos na", node: "Server",
    unmute: "I-tap para may tunog", auto_reply: "Awtomatikong sagot", no_room: "Walang tinukoy na room",
    sign_in_first: "Mag-sign in para makapag-komento",
  },
};

// Problems the viewer page shows (a refused claim or comment, a refused stream, a network failure) and
// the few other texts it writes itself, merged into the tables above: one table per language, every
// key of `en` in each. Server problems are worded from their stable `code`, never from the English
// `detail` (functions/shared/errors.py).
const MESSAGES = {
  en: {
    not_translated: "not translated · {language}", copy: "Copy code", copied: "Copied", share: "Share", code_short: "Code", claiming: "Claiming…", claiming_slow: "Still working: many viewers are claiming right now.", watch_signin: "Sign in to watch this live show", diagnostics: "Connection details",
    video_label: "Live video", default_name: "Viewer", show_ended: "This show has ended",
    stream_refused: "You can't watch this stream", err_generic: "Something went wrong. Please try again.",
    err_network: "No connection. Check your network and try again.",
    err_server: "The service is unavailable right now. Please try again later.",
    err_busy: "The sale is very busy right now. Please try again.",
    err_rate_limited: "You're going too fast. Wait a moment and try again.",
    err_sign_in: "Your sign-in has expired. Please sign in again.", err_forbidden: "You can't do that here.",
    err_muted: "You've been muted in this room for now.", err_banned: "You can't comment in this room.",
    err_rejected: "Your comment couldn't be posted.", err_comment_empty: "Write something first.",
    err_comment_too_long: "Your comment is too long.",
    err_comment_characters: "Your comment contains characters that can't be sent.",
    err_room_not_found: "This live room doesn't exist.",
    err_market_not_served: "This show isn't available in your market.",
    err_coupon_market: "This coupon isn't available in your market.",
    err_coupon_exhausted: "All coupons have been claimed.", err_coupon_limit: "You already have this coupon.",
    err_sale_not_open: "The sale hasn't started yet.", err_sale_closed: "The sale is over.",
    err_not_in_segment: "This coupon is for a different group of viewers.",
    err_offer_gone: "This offer is no longer available.",
  },
  id: {
    not_translated: "tidak diterjemahkan · {language}", copy: "Salin kode", copied: "Tersalin", share: "Bagikan", code_short: "Kode", claiming: "Mengklaim…", claiming_slow: "Masih diproses: banyak penonton sedang mengklaim.", watch_signin: "Masuk untuk menonton siaran langsung ini", diagnostics: "Detail koneksi",
    video_label: "Video siaran langsung", default_name: "Penonton", show_ended: "Siaran ini telah berakhir",
    stream_refused: "Anda tidak dapat menonton siaran ini", err_generic: "Terjadi kesalahan. Silakan coba lagi.",
    err_network: "Tidak ada koneksi. Periksa jaringan Anda dan coba lagi.",
    err_server: "Layanan sedang tidak tersedia. Silakan coba lagi nanti.",
    err_busy: "Promo sedang sangat ramai. Silakan coba lagi.",
    err_rate_limited: "Terlalu cepat. Tunggu sebentar lalu coba lagi.",
    err_sign_in: "Sesi masuk Anda telah berakhir. Silakan masuk lagi.",
    err_forbidden: "Anda tidak dapat melakukan itu di sini.", err_muted: "Anda sedang dibisukan di ruang ini.",
    err_banned: "Anda tidak dapat berkomentar di ruang ini.", err_rejected: "Komentar Anda tidak dapat dikirim.",
    err_comment_empty: "Tulis sesuatu terlebih dahulu.", err_comment_too_long: "Komentar Anda terlalu panjang.",
    err_comment_characters: "Komentar Anda berisi karakter yang tidak dapat dikirim.",
    err_room_not_found: "Ruang siaran ini tidak ada.",
    err_market_not_served: "Siaran ini tidak tersedia di pasar Anda.",
    err_coupon_market: "Kupon ini tidak berlaku di pasar Anda.", err_coupon_exhausted: "Semua kupon sudah diklaim.",
    err_coupon_limit: "Anda sudah memiliki kupon ini.", err_sale_not_open: "Promo belum dimulai.",
    err_sale_closed: "Promo sudah berakhir.", err_not_in_segment: "Kupon ini untuk kelompok penonton lain.",
    err_offer_gone: "Penawaran ini sudah tidak tersedia.",
  },
  ar: {
    not_translated: "غير مترجم · {language}", copy: "نسخ الرمز", copied: "تم النسخ", share: "مشاركة", code_short: "الرمز", claiming: "جارٍ الحصول على القسيمة…", claiming_slow: "ما زلنا نعمل على طلبك: كثير من المشاهدين يطلبون الآن.", watch_signin: "سجّل الدخول لمشاهدة هذا البث المباشر", diagnostics: "تفاصيل الاتصال",
    video_label: "فيديو البث المباشر", default_name: "مشاهد", show_ended: "انتهى هذا البث",
    stream_refused: "لا يمكنك مشاهدة هذا البث", err_generic: "حدث خطأ ما. يُرجى المحاولة مرة أخرى.",
    err_network: "لا يوجد اتصال. تحقّق من شبكتك وحاول مرة أخرى.",
    err_server: "الخدمة غير متاحة حالياً. يُرجى المحاولة لاحقاً.",
    err_busy: "العرض مزدحم جداً الآن. يُرجى المحاولة مرة أخرى.",
    err_rate_limited: "أنت ترسل بسرعة كبيرة. انتظر قليلاً ثم حاول مرة أخرى.",
    err_sign_in: "انتهت صلاحية تسجيل دخولك. يُرجى تسجيل الدخول مرة أخرى.", err_forbidden: "لا يمكنك القيام بذلك هنا.",
    err_muted: "تم كتمك في هذه الغرفة مؤقتاً.", err_banned: "لا يمكنك التعليق في هذه الغرفة.",
    err_rejected: "تعذّر نشر تعليقك.", err_comment_empty: "اكتب شيئاً أولاً.",
    err_comment_too_long: "تعليقك طويل جداً.", err_comment_characters: "يحتوي تعليقك على رموز لا يمكن إرسالها.",
    err_room_not_found: "غرفة البث هذه غير موجودة.", err_market_not_served: "هذا البث غير متاح في سوقك.",
    err_coupon_market: "هذه القسيمة غير متاحة في سوقك.", err_coupon_exhausted: "تم الحصول على جميع القسائم.",
    err_coupon_limit: "لديك هذه القسيمة بالفعل.", err_sale_not_open: "لم يبدأ العرض بعد.",
    err_sale_closed: "انتهى العرض.", err_not_in_segment: "هذه القسيمة مخصّصة لفئة أخرى من المشاهدين.",
    err_offer_gone: "هذا العرض لم يعد متاحاً.",
  },
  de: {
    not_translated: "nicht übersetzt · {language}", copy: "Code kopieren", copied: "Kopiert", share: "Teilen", code_short: "Code", claiming: "Wird gesichert…", claiming_slow: "Dauert noch etwas: gerade sichern sich viele den Gutschein.", watch_signin: "Melde dich an, um die Live-Show zu sehen", diagnostics: "Verbindungsdetails",
    video_label: "Live-Video", default_name: "Zuschauer", show_ended: "Diese Show ist beendet",
    stream_refused: "Du kannst diesen Stream nicht ansehen",
    err_generic: "Etwas ist schiefgelaufen. Bitte versuch es noch einmal.",
    err_network: "Keine Verbindung. Prüfe dein Netzwerk und versuch es noch einmal.",
    err_server: "Der Dienst ist gerade nicht verfügbar. Bitte versuch es später noch einmal.",
    err_busy: "Gerade ist sehr viel los. Bitte versuch es noch einmal.",
    err_rate_limited: "Du bist zu schnell. Warte kurz und versuch es dann noch einmal.",
    err_sign_in: "Deine Anmeldung ist abgelaufen. Bitte melde dich erneut an.",
    err_forbidden: "Das ist hier nicht erlaubt.", err_muted: "Du bist in diesem Raum vorübergehend stummgeschaltet.",
    err_banned: "Du kannst in diesem Raum nicht kommentieren.",
    err_rejected: "Dein Kommentar konnte nicht veröffentlicht werden.", err_comment_empty: "Schreib zuerst etwas.",
    err_comment_too_long: "Dein Kommentar ist zu lang.",
    err_comment_characters: "Dein Kommentar enthält Zeichen, die nicht gesendet werden können.",
    err_room_not_found: "Diesen Live-Raum gibt es nicht.",
    err_market_not_served: "Diese Show ist in deinem Markt nicht verfügbar.",
    err_coupon_market: "Dieser Gutschein gilt nicht in deinem Markt.",
    err_coupon_exhausted: "Alle Gutscheine sind vergeben.", err_coupon_limit: "Du hast diesen Gutschein schon.",
    err_sale_not_open: "Das Angebot hat noch nicht begonnen.", err_sale_closed: "Das Angebot ist vorbei.",
    err_not_in_segment: "Dieser Gutschein ist für eine andere Zuschauergruppe.",
    err_offer_gone: "Dieses Angebot ist nicht mehr verfügbar.",
  },
  fr: {
    not_translated: "non traduit · {language}", copy: "Copier le code", copied: "Copié", share: "Partager", code_short: "Code", claiming: "Obtention…", claiming_slow: "Encore un instant : beaucoup de spectateurs demandent le coupon.", watch_signin: "Connectez-vous pour regarder ce direct", diagnostics: "Détails de connexion",
    video_label: "Vidéo en direct", default_name: "Spectateur", show_ended: "Ce direct est terminé",
    stream_refused: "Vous ne pouvez pas regarder ce direct",
    err_generic: "Une erreur s’est produite. Veuillez réessayer.",
    err_network: "Pas de connexion. Vérifiez votre réseau et réessayez.",
    err_server: "Le service est momentanément indisponible. Veuillez réessayer plus tard.",
    err_busy: "La vente est très sollicitée en ce moment. Veuillez réessayer.",
    err_rate_limited: "Vous allez trop vite. Patientez un instant puis réessayez.",
    err_sign_in: "Votre session a expiré. Veuillez vous reconnecter.",
    err_forbidden: "Cette action n’est pas autorisée ici.",
    err_muted: "Vous êtes temporairement réduit au silence dans ce salon.",
    err_banned: "Vous ne pouvez pas commenter dans ce salon.",
    err_rejected: "Votre commentaire n’a pas pu être publié.", err_comment_empty: "Écrivez d’abord quelque chose.",
    err_comment_too_long: "Votre commentaire est trop long.",
    err_comment_characters: "Votre commentaire contient des caractères qui ne peuvent pas être envoyés.",
    err_room_not_found: "Ce salon en direct n’existe pas.",
    err_market_not_served: "Ce direct n’est pas disponible sur votre marché.",
    err_coupon_market: "Ce coupon n’est pas disponible sur votre marché.",
    err_coupon_exhausted: "Tous les coupons ont été obtenus.", err_coupon_limit: "Vous avez déjà ce coupon.",
    err_sale_not_open: "La vente n’a pas encore commencé.", err_sale_closed: "La vente est terminée.",
    err_not_in_segment: "Ce coupon est réservé à un autre groupe de spectateurs.",
    err_offer_gone: "Cette offre n’est plus disponible.",
  },
  ja: {
    not_translated: "未翻訳・{language}", copy: "コードをコピー", copied: "コピーしました", share: "シェア", code_short: "コード", claiming: "受け取り中…", claiming_slow: "処理中です。多くの方が受け取っています。", watch_signin: "ログインしてライブを視聴", diagnostics: "接続の詳細",
    video_label: "ライブ映像", default_name: "視聴者", show_ended: "この配信は終了しました", stream_refused: "この配信は視聴できません",
    err_generic: "問題が発生しました。もう一度お試しください。", err_network: "接続できません。ネットワークを確認して、もう一度お試しください。",
    err_server: "現在サービスを利用できません。しばらくしてからもう一度お試しください。", err_busy: "ただいま大変混み合っています。もう一度お試しください。",
    err_rate_limited: "操作が速すぎます。少し待ってからもう一度お試しください。", err_sign_in: "ログインの有効期限が切れました。もう一度ログインしてください。",
    err_forbidden: "この操作はできません。", err_muted: "このルームでは現在コメントが制限されています。", err_banned: "このルームではコメントできません。",
    err_rejected: "コメントを投稿できませんでした。", err_comment_empty: "コメントを入力してください。", err_comment_too_long: "コメントが長すぎます。",
    err_comment_characters: "送信できない文字が含まれています。", err_room_not_found: "このライブルームは存在しません。",
    err_market_not_served: "この配信はお住まいの市場では視聴できません。", err_coupon_market: "このクーポンはお住まいの市場では利用できません。",
    err_coupon_exhausted: "クーポンはすべて配布済みです。", err_coupon_limit: "このクーポンはすでに受け取っています。",
    err_sale_not_open: "セールはまだ始まっていません。", err_sale_closed: "セールは終了しました。", err_not_in_segment: "このクーポンは別の対象の視聴者向けです。",
    err_offer_gone: "このオファーは終了しました。",
  },
  zh: {
    not_translated: "未翻译 · {language}", copy: "复制券码", copied: "已复制", share: "分享", code_short: "券码", claiming: "领取中…", claiming_slow: "仍在处理：很多观众正在领取。", watch_signin: "登录后观看直播", diagnostics: "连接详情",
    video_label: "直播视频", default_name: "观众", show_ended: "本场直播已结束", stream_refused: "你无法观看此直播",
    err_generic: "出了点问题，请重试。", err_network: "网络连接失败，请检查网络后重试。", err_server: "服务暂时不可用，请稍后再试。",
    err_busy: "当前抢购人数过多，请重试。", err_rate_limited: "操作太频繁，请稍等片刻再试。", err_sign_in: "登录已过期，请重新登录。",
    err_forbidden: "你无法在此执行该操作。", err_muted: "你已被暂时禁言。", err_banned: "你无法在此直播间评论。", err_rejected: "你的评论未能发布。",
    err_comment_empty: "请先输入内容。", err_comment_too_long: "评论太长了。", err_comment_characters: "评论中含有无法发送的字符。",
    err_room_not_found: "该直播间不存在。", err_market_not_served: "该直播在你所在的市场不可观看。", err_coupon_market: "该优惠券在你所在的市场不可用。",
    err_coupon_exhausted: "优惠券已被领完。", err_coupon_limit: "你已领取过该优惠券。", err_sale_not_open: "活动尚未开始。",
    err_sale_closed: "活动已结束。", err_not_in_segment: "该优惠券仅限特定观众领取。", err_offer_gone: "该优惠已失效。",
  },
  es: {
    not_translated: "sin traducir · {language}", copy: "Copiar código", copied: "Copiado", share: "Compartir", code_short: "Código", claiming: "Obteniendo…", claiming_slow: "Un momento: muchas personas están pidiendo el cupón.", watch_signin: "Inicia sesión para ver este directo", diagnostics: "Detalles de conexión",
    video_label: "Video en vivo", default_name: "Espectador", show_ended: "Esta transmisión ha terminado",
    stream_refused: "No puedes ver esta transmisión", err_generic: "Algo salió mal. Inténtalo de nuevo.",
    err_network: "Sin conexión. Revisa tu red e inténtalo de nuevo.",
    err_server: "El servicio no está disponible en este momento. Inténtalo más tarde.",
    err_busy: "La oferta está muy concurrida ahora. Inténtalo de nuevo.",
    err_rate_limited: "Vas demasiado rápido. Espera un momento e inténtalo de nuevo.",
    err_sign_in: "Tu sesión ha caducado. Vuelve a iniciar sesión.", err_forbidden: "No puedes hacer eso aquí.",
    err_muted: "Te han silenciado en esta sala por ahora.", err_banned: "No puedes comentar en esta sala.",
    err_rejected: "No se pudo publicar tu comentario.", err_comment_empty: "Escribe algo primero.",
    err_comment_too_long: "Tu comentario es demasiado largo.",
    err_comment_characters: "Tu comentario contiene caracteres que no se pueden enviar.",
    err_room_not_found: "Esta sala en vivo no existe.",
    err_market_not_served: "Esta transmisión no está disponible en tu mercado.",
    err_coupon_market: "Este cupón no está disponible en tu mercado.",
    err_coupon_exhausted: "Ya se reclamaron todos los cupones.", err_coupon_limit: "Ya tienes este cupón.",
    err_sale_not_open: "La oferta aún no ha comenzado.", err_sale_closed: "La oferta ha terminado.",
    err_not_in_segment: "Este cupón es para otro grupo de espectadores.",
    err_offer_gone: "Esta oferta ya no está disponible.",
  },
  th: {
    not_translated: "ไม่ได้แปล · {language}", copy: "คัดลอกโค้ด", copied: "คัดลอกแล้ว", share: "แชร์", code_short: "โค้ด", claiming: "กำลังเก็บคูปอง…", claiming_slow: "ยังดำเนินการอยู่ มีผู้ชมกำลังเก็บคูปองจำนวนมาก", watch_signin: "เข้าสู่ระบบเพื่อดูไลฟ์นี้", diagnostics: "รายละเอียดการเชื่อมต่อ",
    video_label: "วิดีโอไลฟ์สด", default_name: "ผู้ชม", show_ended: "ไลฟ์นี้จบแล้ว",
    stream_refused: "คุณไม่สามารถรับชมไลฟ์นี้ได้", err_generic: "เกิดข้อผิดพลาด โปรดลองอีกครั้ง",
    err_network: "ไม่มีการเชื่อมต่อ โปรดตรวจสอบเครือข่ายแล้วลองอีกครั้ง",
    err_server: "ระบบไม่พร้อมให้บริการในขณะนี้ โปรดลองใหม่ภายหลัง",
    err_busy: "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้ง",
    err_rate_limited: "คุณส่งเร็วเกินไป โปรดรอสักครู่แล้วลองอีกครั้ง",
    err_sign_in: "การเข้าสู่ระบบหมดอายุแล้ว โปรดเข้าสู่ระบบอีกครั้ง", err_forbidden: "คุณไม่สามารถทำรายการนี้ได้",
    err_muted: "คุณถูกปิดการแสดงความคิดเห็นในห้องนี้ชั่วคราว", err_banned: "คุณไม่สามารถแสดงความคิดเห็นในห้องนี้ได้",
    err_rejected: "ไม่สามารถโพสต์ความคิดเห็นของคุณได้", err_comment_empty: "โปรดพิมพ์ข้อความก่อน",
    err_comment_too_long: "ความคิดเห็นยาวเกินไป", err_comment_characters: "ความคิดเห็นมีอักขระที่ส่งไม่ได้",
    err_room_not_found: "ไม่พบห้องไลฟ์นี้", err_market_not_served: "ไลฟ์นี้ไม่มีให้รับชมในประเทศของคุณ",
    err_coupon_market: "คูปองนี้ใช้ไม่ได้ในประเทศของคุณ", err_coupon_exhausted: "คูปองถูกเก็บหมดแล้ว",
    err_coupon_limit: "คุณเก็บคูปองนี้ไปแล้ว", err_sale_not_open: "การขายยังไม่เริ่ม",
    err_sale_closed: "การขายสิ้นสุดแล้ว", err_not_in_segment: "คูปองนี้สำหรับผู้ชมกลุ่มอื่น",
    err_offer_gone: "ข้อเสนอนี้ไม่มีแล้ว",
  },
  vi: {
    not_translated: "chưa dịch · {language}", copy: "Sao chép mã", copied: "Đã sao chép", share: "Chia sẻ", code_short: "Mã", claiming: "Đang lưu mã…", claiming_slow: "Vẫn đang xử lý: nhiều người đang lưu mã cùng lúc.", watch_signin: "Đăng nhập để xem buổi live này", diagnostics: "Chi tiết kết nối",
    video_label: "Video phát trực tiếp", default_name: "Người xem", show_ended: "Phiên live này đã kết thúc",
    stream_refused: "Bạn không thể xem phiên live này", err_generic: "Đã xảy ra lỗi. Vui lòng thử lại.",
    err_network: "Không có kết nối. Hãy kiểm tra mạng và thử lại.",
    err_server: "Dịch vụ hiện không khả dụng. Vui lòng thử lại sau.",
    err_busy: "Hiện có quá nhiều người đang săn mã. Vui lòng thử lại.",
    err_rate_limited: "Bạn thao tác quá nhanh. Hãy đợi một chút rồi thử lại.",
    err_sign_in: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
    err_forbidden: "Bạn không thể thực hiện thao tác này.",
    err_muted: "Bạn đang bị tạm khóa bình luận trong phòng này.",
    err_banned: "Bạn không thể bình luận trong phòng này.", err_rejected: "Không thể đăng bình luận của bạn.",
    err_comment_empty: "Hãy nhập nội dung trước.", err_comment_too_long: "Bình luận của bạn quá dài.",
    err_comment_characters: "Bình luận có ký tự không thể gửi.", err_room_not_found: "Phòng live này không tồn tại.",
    err_market_not_served: "Phiên live này không khả dụng tại thị trường của bạn.",
    err_coupon_market: "Mã này không áp dụng tại thị trường của bạn.", err_coupon_exhausted: "Mã đã được lưu hết.",
    err_coupon_limit: "Bạn đã lưu mã này rồi.", err_sale_not_open: "Chương trình chưa bắt đầu.",
    err_sale_closed: "Chương trình đã kết thúc.", err_not_in_segment: "Mã này dành cho nhóm người xem khác.",
    err_offer_gone: "Ưu đãi này không còn nữa.",
  },
  ms: {
    not_translated: "tidak diterjemah · {language}", copy: "Salin kod", copied: "Disalin", share: "Kongsi", code_short: "Kod", claiming: "Menuntut…", claiming_slow: "Masih diproses: ramai penonton sedang menuntut.", watch_signin: "Log masuk untuk menonton siaran langsung ini", diagnostics: "Butiran sambungan",
    video_label: "Video siaran langsung", default_name: "Penonton", show_ended: "Siaran ini telah tamat",
    stream_refused: "Anda tidak boleh menonton siaran ini", err_generic: "Berlaku ralat. Sila cuba lagi.",
    err_network: "Tiada sambungan. Semak rangkaian anda dan cuba lagi.",
    err_server: "Perkhidmatan tidak tersedia buat masa ini. Sila cuba sebentar lagi.",
    err_busy: "Jualan sangat sibuk sekarang. Sila cuba lagi.",
    err_rate_limited: "Anda terlalu pantas. Tunggu sebentar dan cuba lagi.",
    err_sign_in: "Log masuk anda telah tamat tempoh. Sila log masuk semula.",
    err_forbidden: "Anda tidak boleh berbuat demikian di sini.",
    err_muted: "Anda telah dibisukan dalam bilik ini buat sementara.",
    err_banned: "Anda tidak boleh memberi komen dalam bilik ini.", err_rejected: "Komen anda tidak dapat disiarkan.",
    err_comment_empty: "Tulis sesuatu dahulu.", err_comment_too_long: "Komen anda terlalu panjang.",
    err_comment_characters: "Komen anda mengandungi aksara yang tidak boleh dihantar.",
    err_room_not_found: "Bilik siaran langsung ini tidak wujud.",
    err_market_not_served: "Siaran ini tidak tersedia di pasaran anda.",
    err_coupon_market: "Baucar ini tidak tersedia di pasaran anda.",
    err_coupon_exhausted: "Semua baucar telah dituntut.", err_coupon_limit: "Anda sudah memiliki baucar ini.",
    err_sale_not_open: "Jualan belum bermula.", err_sale_closed: "Jualan telah tamat.",
    err_not_in_segment: "Baucar ini untuk kumpulan penonton lain.",
    err_offer_gone: "Tawaran ini tidak lagi tersedia.",
  },
  fil: {
    not_translated: "hindi naisalin · {language}", copy: "Kopyahin ang code", copied: "Nakopya na", share: "Ibahagi", code_short: "Code", claiming: "Kinukuha…", claiming_slow: "Sandali pa: maraming nanonood ang kumukuha ngayon.", watch_signin: "Mag-sign in para mapanood ang live na ito", diagnostics: "Detalye ng koneksyon",
    video_label: "Live na video", default_name: "Manonood", show_ended: "Tapos na ang live na ito",
    stream_refused: "Hindi mo mapapanood ang stream na ito", err_generic: "Nagkaproblema. Pakisubukan ulit.",
    err_network: "Walang koneksyon. Tingnan ang network mo at subukan ulit.",
    err_server: "Hindi available ang serbisyo ngayon. Pakisubukan ulit mamaya.",
    err_busy: "Masyadong maraming sabay-sabay ngayon. Pakisubukan ulit.",
    err_rate_limited: "Masyado kang mabilis. Maghintay sandali at subukan ulit.",
    err_sign_in: "Nag-expire na ang pag-sign in mo. Mag-sign in ulit.", err_forbidden: "Hindi mo ito magagawa rito.",
    err_muted: "Naka-mute ka muna sa room na ito.", err_banned: "Hindi ka makakapag-komento sa room na ito.",
    err_rejected: "Hindi mai-post ang komento mo.", err_comment_empty: "Magsulat muna ng kahit ano.",
    err_comment_too_long: "Masyadong mahaba ang komento mo.",
    err_comment_characters: "May mga character sa komento mo na hindi maipapadala.",
    err_room_not_found: "Walang ganitong live room.",
    err_market_not_served: "Hindi available ang live na ito sa merkado mo.",
    err_coupon_market: "Hindi available ang kupon na ito sa merkado mo.",
    err_coupon_exhausted: "Naubos na ang lahat ng kupon.", err_coupon_limit: "Nasa iyo na ang kupon na ito.",
    err_sale_not_open: "Hindi pa nagsisimula ang sale.", err_sale_closed: "Tapos na ang sale.",
    err_not_in_segment: "Para sa ibang grupo ng manonood ang kupon na ito.",
    err_offer_gone: "Hindi na available ang alok na ito.",
  },
};
for (const [language, words] of Object.entries(MESSAGES)) Object.assign(STRINGS[language], words);

// Problem `code` -> the key of its words. Every code the viewer page can meet (the comment post, the
// coupon claim, the room read, routing/WHEP refusals, the gateway) is listed:
// tests/web/test_i18n_tables.py scans those routes' sources and fails on a code missing here.
// Codes a normal page never causes (it always sends a fresh, valid Idempotency-Key) get the generic text.
export const ERROR_KEYS = {
  network: "err_network",
  "internal-error": "err_server", "auth-unconfigured": "err_server", "coupon-key-unconfigured": "err_server",
  "unknown-segment": "err_server",
  "claim-contended": "err_busy", "storage-unavailable": "err_busy", "auth-unavailable": "err_busy",
  "node-busy": "err_busy",
  "too-many-comments": "err_rate_limited", "too-many-offers": "err_rate_limited",
  unauthorized: "err_sign_in", forbidden: "err_forbidden", "not-comment-author": "err_forbidden",
  "market-not-in-pool": "err_sign_in",
  "author-muted": "err_muted", "author-banned": "err_banned", "comment-rejected": "err_rejected",
  "comment-empty": "err_comment_empty", "comment-too-long": "err_comment_too_long",
  "payload-too-large": "err_comment_too_long",
  "control-characters": "err_comment_characters", "invalid-utf8": "err_comment_characters",
  "room-ended": "show_ended", "room-not-found": "err_room_not_found", "market-not-served": "err_market_not_served",
  "market-not-eligible": "err_coupon_market", "market-not-in-campaign": "err_coupon_market",
  "coupon-exhausted": "err_coupon_exhausted", "per-user-limit-reached": "err_coupon_limit",
  "claims-not-open": "err_sale_not_open", "claims-closed": "err_sale_closed",
  "not-in-segment": "err_not_in_segment", "campaign-not-found": "err_offer_gone",
  "idempotency-key-required": "err_generic", "invalid-idempotency-key": "err_generic",
  "idempotency-key-reused": "err_generic",
  "reply-target-not-found": "err_generic", "validation-failed": "err_generic", "bad-content-length": "err_generic",
};

// The key of a problem's words: by its code, else by its HTTP status (a gateway's 429 or 5xx carries no
// code: api.js names those `http-<status>`), else the generic text.
export function problemKey(error) {
  const code = String(error?.code || "");
  if (Object.hasOwn(ERROR_KEYS, code)) return ERROR_KEYS[code];
  const status = Number(error?.status) || Number(code.match(/^http-(\d{3})$/)?.[1]) || 0;
  if (status === 429) return "err_rate_limited";
  if (status === 401) return "err_sign_in";
  if (status >= 500) return "err_server";
  return null;
}

// What the viewer reads about a failed request, in `language`. An unknown code gets the generic text
// in the viewer's language; only an English reader sees the server's own (English) `detail` for it.
export function problemText(error, language) {
  const t = translator(language);
  const key = problemKey(error);
  if (key) return t(key);
  const detail = error?.problem?.detail;
  return pickLanguage([language]) === "en" && typeof detail === "string" && detail ? detail : t("err_generic");
}

// Same language for a reader: "en" reads "en-GB"; "zh-Hans" is not "zh-Hant" (as the API's
// functions/comments/translation.same_language).
export function sameLanguage(a, b) {
  const [x, y] = [String(a || "").toLowerCase().split("-"), String(b || "").toLowerCase().split("-")];
  if (x[0] !== y[0]) return false;
  const script = (parts) => parts.slice(1).find((p) => p.length === 4);
  return !script(x) || !script(y) || script(x) === script(y);
}

// A language's name in the reader's language ("ja" -> "Japanese", "日本語" for a Japanese reader).
export function languageName(tag, inLanguage = "en") {
  try { return new Intl.DisplayNames([inLanguage], { type: "language" }).of(tag) || tag; } catch { return tag; }
}

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
