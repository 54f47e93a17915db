"""AI-relevance on wordings the labels and the rule examples never show, in the seven languages.

Every sentence here was written for these tests: none is from the corpus, from
``tests/data/ai_labels/rule_examples.toml`` (which the model is fitted on) or from
``test_watch_relevance.py``. They check the kinds of AI change a first held-out evaluation
missed, and the look-alikes that must stay quiet:

- users' content used to improve products or technologies, or processed by automated systems;
  machine learning in a sentence about users' data; the opt-outs and controls over such use;
- legal boilerplate, "automatic" billing and decisions, security scanning, ordinary data use and
  ordinary settings;
- a document rewritten wholesale, with two AI sentences among a hundred unrelated changes, and
  a capture that swaps between two whole versions: every changed sentence is scored, wherever
  it sits and however much else changed.
"""

from __future__ import annotations

import random

import pytest

from bot.watch.diff import diff_lines
from bot.watch.reading import read
from bot.watch.relevance import judge_change, score_text, units
from bot.watch.relevance_lexicon import LANGUAGES

IMPLICIT_AI = {
    "en": [
        "We may use the documents you upload to develop and improve our technologies.",
        "The text you type into the app helps us improve our products, including new features.",
        "Content you create on the platform may be used to improve the services we offer.",
        "We process the messages you send with automated systems in order to improve the service.",
        "Your uploaded videos are analysed by automated tools that help us develop new products.",
        "We use machine learning to process the information you provide when you use the app.",
        "Machine learning techniques may be applied to your personal data to recommend content.",
        "You can stop us from using your content to improve our products by changing your "
        "settings.",
        "Go to Settings to choose whether your recordings can be used to improve our models.",
        "You may object to our use of your posts for machine learning.",
    ],
    "fr": [
        "Nous pouvons utiliser les fichiers que vous téléversez pour améliorer nos technologies.",
        "Vos messages sont analysés par des systèmes automatisés afin d'améliorer nos services.",
        "Nous utilisons l'apprentissage automatique pour analyser vos données personnelles.",
        "Vous pouvez désactiver dans les paramètres l'utilisation de vos publications pour "
        "améliorer nos modèles.",
    ],
    "it": [
        "Possiamo utilizzare i contenuti che pubblichi per migliorare i nostri prodotti e le "
        "nostre tecnologie.",
        "I tuoi messaggi sono elaborati da sistemi automatizzati per migliorare il servizio.",
        "Utilizziamo l'apprendimento automatico per analizzare i tuoi dati.",
        "Puoi disattivare nelle impostazioni l'uso dei tuoi contenuti per migliorare i nostri "
        "modelli.",
    ],
    "es": [
        "Podemos usar los archivos que subes para mejorar nuestros productos y tecnologías.",
        "Tus mensajes son analizados por sistemas automatizados para mejorar el servicio.",
        "Utilizamos aprendizaje automático para analizar tus datos personales.",
        "Puedes desactivar en la configuración el uso de tu contenido para mejorar nuestros "
        "productos.",
    ],
    "de": [
        "Wir können die von dir hochgeladenen Dateien nutzen, um unsere Produkte und "
        "Technologien zu verbessern.",
        "Deine Nachrichten werden von automatisierten Systemen analysiert, um den Dienst zu "
        "verbessern.",
        "Wir verwenden maschinelles Lernen, um deine Daten zu analysieren.",
        "Du kannst in den Einstellungen deaktivieren, dass deine Inhalte zur Verbesserung "
        "unserer Produkte verwendet werden.",
    ],
    "pt": [
        "Podemos usar os arquivos que você carrega para melhorar os nossos produtos e tecnologias.",
        "As suas mensagens são analisadas por sistemas automatizados para melhorar o serviço.",
        "Usamos aprendizado de máquina para analisar os seus dados pessoais.",
        "Você pode desativar nas configurações o uso do seu conteúdo para melhorar nossos "
        "produtos.",
    ],
    "id": [
        "Kami dapat menggunakan berkas yang Anda unggah untuk meningkatkan produk dan "
        "teknologi kami.",
        "Pesan Anda dianalisis oleh sistem otomatis untuk meningkatkan layanan.",
        "Kami menggunakan pembelajaran mesin untuk menganalisis data pribadi Anda.",
        "Anda dapat menonaktifkan penggunaan konten Anda untuk meningkatkan produk kami di "
        "pengaturan.",
    ],
}
# Known gaps, kept visible: an opt-out that names the improvement but not what it uses.
IMPLICIT_AI_GAPS = {
    "en": ["You can opt out of product improvement at any time in your privacy settings."],
    "fr": [
        "Vous pouvez désactiver l'amélioration des produits dans vos paramètres de confidentialité."
    ],
}
LOOK_ALIKES = {
    "en": [
        "These Terms shall be governed by and construed in accordance with the laws of England "
        "and Wales.",
        "Nothing in these Terms limits any rights you may have under applicable consumer law.",
        "You grant us a non-exclusive, worldwide licence to host, copy and display your content "
        "so that we can operate the Services.",
        "Your plan renews automatically each month and your card will be charged unless you "
        "cancel.",
        "We use automated decisions to approve or decline refunds and chargebacks.",
        "Invoices are generated automatically at the start of each billing cycle.",
        "We automatically scan files you upload for malware and other security threats.",
        "Automated tools help us detect spam, phishing and fraudulent accounts.",
        "Links in messages are automatically checked against lists of known malicious websites.",
        "We use your information to provide, maintain and improve our services and to "
        "communicate with you.",
        "We use device and usage information to fix bugs and improve performance.",
        "You can choose who can comment on your posts in your privacy settings.",
        "You can opt out of promotional emails by following the unsubscribe link.",
        "If you send us feedback or suggestions, we may use them without any obligation to you.",
        "Our staff complete annual training on privacy and security.",
        "You can buy and sell 3D models and textures in our marketplace.",
    ],
    "fr": [
        "Ces conditions sont régies par le droit français.",
        "Votre abonnement est renouvelé automatiquement chaque mois.",
        "Nous analysons automatiquement les fichiers envoyés pour détecter les virus.",
        "Nous utilisons vos informations pour fournir et améliorer nos services.",
        "Vous pouvez modifier vos paramètres de notification à tout moment.",
    ],
    "it": [
        "I presenti termini sono regolati dalla legge italiana.",
        "Il tuo abbonamento si rinnova automaticamente ogni mese.",
        "Analizziamo automaticamente i file caricati per rilevare malware.",
        "Utilizziamo le tue informazioni per fornire e migliorare i nostri servizi.",
        "Puoi modificare le impostazioni delle notifiche in qualsiasi momento.",
    ],
    "es": [
        "Estos términos se rigen por las leyes de España.",
        "Tu suscripción se renueva automáticamente cada mes.",
        "Analizamos automáticamente los archivos subidos para detectar virus.",
        "Usamos tu información para prestar y mejorar nuestros servicios.",
        "Puedes cambiar la configuración de las notificaciones en cualquier momento.",
    ],
    "de": [
        "Diese Bedingungen unterliegen deutschem Recht.",
        "Dein Abonnement verlängert sich automatisch jeden Monat.",
        "Wir prüfen hochgeladene Dateien automatisch auf Schadsoftware.",
        "Wir verwenden deine Informationen, um unsere Dienste bereitzustellen und zu verbessern.",
        "Du kannst deine Benachrichtigungseinstellungen jederzeit ändern.",
    ],
    "pt": [
        "Estes termos são regidos pelas leis de Portugal.",
        "A sua assinatura é renovada automaticamente todos os meses.",
        "Verificamos automaticamente os arquivos enviados para detectar vírus.",
        "Usamos as suas informações para fornecer e melhorar os nossos serviços.",
        "Você pode alterar as configurações de notificação a qualquer momento.",
    ],
    "id": [
        "Ketentuan ini diatur oleh hukum Republik Indonesia.",
        "Langganan Anda diperpanjang secara otomatis setiap bulan.",
        "Kami memindai berkas yang diunggah secara otomatis untuk mendeteksi malware.",
        "Kami menggunakan informasi Anda untuk menyediakan dan meningkatkan layanan kami.",
        "Anda dapat mengubah pengaturan notifikasi kapan saja.",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(lang, text) for lang, texts in table.items() for text in texts]


def test_every_language_is_tested():
    assert set(IMPLICIT_AI) == set(LOOK_ALIKES) == set(LANGUAGES)


@pytest.mark.parametrize(("lang", "text"), _cases(IMPLICIT_AI))
def test_ai_use_of_content_without_train_and_model_together_is_recognised(lang, text):
    rel = score_text(text)
    assert rel.ai_relevant, (lang, text, rel.score, sorted(read(text).groups))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason="known gap"))
        for case in _cases(IMPLICIT_AI_GAPS)
    ],
)
def test_known_gaps(lang, text):
    assert score_text(text).ai_relevant


@pytest.mark.parametrize(("lang", "text"), _cases(LOOK_ALIKES))
def test_look_alikes_are_not_flagged(lang, text):
    rel = score_text(text)
    assert not rel.ai_relevant, (lang, text, rel.score, sorted(read(text).groups))


# -- long changes --------------------------------------------------------------------------------
# A hundred ordinary clauses per language: subject x duty x condition. A version is rewritten
# wholesale by changing every condition's wording and shuffling the paragraphs.
CLAUSES = {
    "en": (
        ["You", "Each account holder", "The subscriber", "Any member", "A registered user"],
        [
            "must keep the account password confidential",
            "must be at least sixteen years old",
            "may cancel the subscription at the end of any billing period",
            "must not resell access to the service",
            "is responsible for all charges on the account",
        ],
        ["at all times", "while these terms apply", "as the law requires", "unless a court "
         "orders otherwise"],
        ["during the whole term of this agreement", "for as long as the account stays open",
         "where local law so provides", "except where a judge decides differently"],
    ),
    "fr": (
        ["Vous", "Chaque titulaire de compte", "L'abonné", "Tout membre", "Un utilisateur inscrit"],
        [
            "doit garder le mot de passe du compte secret",
            "doit avoir au moins seize ans",
            "peut résilier l'abonnement à la fin de chaque période de facturation",
            "ne doit pas revendre l'accès au service",
            "est responsable de tous les frais du compte",
        ],
        ["en tout temps", "tant que ces conditions s'appliquent", "comme la loi l'exige",
         "sauf décision contraire d'un tribunal"],
        ["pendant toute la durée du contrat", "aussi longtemps que le compte reste ouvert",
         "lorsque le droit local le prévoit", "à moins qu'un juge n'en décide autrement"],
    ),
    "it": (
        ["Tu", "Ogni titolare di account", "L'abbonato", "Qualsiasi membro",
         "Un utente registrato"],
        [
            "deve mantenere segreta la password dell'account",
            "deve avere almeno sedici anni",
            "può annullare l'abbonamento alla fine di ogni periodo di fatturazione",
            "non deve rivendere l'accesso al servizio",
            "è responsabile di tutti gli addebiti dell'account",
        ],
        ["in ogni momento", "finché si applicano questi termini", "come richiede la legge",
         "salvo diversa decisione di un tribunale"],
        ["per tutta la durata del contratto", "finché l'account resta aperto",
         "quando la legge locale lo prevede", "a meno che un giudice decida diversamente"],
    ),
    "es": (
        ["Tú", "Cada titular de la cuenta", "El suscriptor", "Cualquier miembro",
         "Un usuario registrado"],
        [
            "debe mantener en secreto la contraseña de la cuenta",
            "debe tener al menos dieciséis años",
            "puede cancelar la suscripción al final de cada periodo de facturación",
            "no debe revender el acceso al servicio",
            "es responsable de todos los cargos de la cuenta",
        ],
        ["en todo momento", "mientras se apliquen estos términos", "como exige la ley",
         "salvo que un tribunal ordene otra cosa"],
        ["durante toda la vigencia del contrato", "mientras la cuenta siga abierta",
         "cuando la ley local lo prevea", "a menos que un juez decida otra cosa"],
    ),
    "de": (
        ["Du", "Jeder Kontoinhaber", "Der Abonnent", "Jedes Mitglied", "Ein registrierter Nutzer"],
        [
            "muss das Kontopasswort geheim halten",
            "muss mindestens sechzehn Jahre alt sein",
            "kann das Abonnement zum Ende jedes Abrechnungszeitraums kündigen",
            "darf den Zugang zum Dienst nicht weiterverkaufen",
            "haftet für alle Gebühren des Kontos",
        ],
        ["jederzeit", "solange diese Bedingungen gelten", "wie es das Gesetz verlangt",
         "sofern ein Gericht nichts anderes anordnet"],
        ["während der gesamten Vertragslaufzeit", "solange das Konto geöffnet bleibt",
         "wo das örtliche Recht es vorsieht", "wenn ein Richter nicht anders entscheidet"],
    ),
    "pt": (
        ["Você", "Cada titular de conta", "O assinante", "Qualquer membro",
         "Um utilizador registado"],
        [
            "deve manter a palavra-passe da conta em segredo",
            "deve ter pelo menos dezasseis anos",
            "pode cancelar a assinatura no fim de cada período de faturação",
            "não deve revender o acesso ao serviço",
            "é responsável por todas as cobranças da conta",
        ],
        ["em todos os momentos", "enquanto estes termos se aplicarem", "como a lei exige",
         "salvo decisão contrária de um tribunal"],
        ["durante toda a vigência do contrato", "enquanto a conta permanecer aberta",
         "quando a lei local o prever", "a menos que um juiz decida de outra forma"],
    ),
    "id": (
        ["Anda", "Setiap pemilik akun", "Pelanggan", "Setiap anggota", "Pengguna terdaftar"],
        [
            "wajib merahasiakan kata sandi akun",
            "harus berusia minimal enam belas tahun",
            "dapat membatalkan langganan pada akhir setiap periode tagihan",
            "tidak boleh menjual kembali akses ke layanan",
            "bertanggung jawab atas semua biaya akun",
        ],
        ["setiap saat", "selama ketentuan ini berlaku", "sebagaimana diwajibkan hukum",
         "kecuali pengadilan memutuskan lain"],
        ["selama seluruh masa perjanjian", "selama akun tetap terbuka",
         "apabila hukum setempat mengaturnya", "kecuali hakim memutuskan berbeda"],
    ),
}  # fmt: skip
# Two AI sentences per language, to hide in a long change.
HIDDEN_AI = {
    "en": (
        "Recordings and files you share with us may be used to improve our products and "
        "technologies.",
        "You can turn off the use of your posts for training our machine learning models in "
        "your account settings.",
    ),
    "fr": (
        "Les enregistrements et fichiers que vous partagez peuvent servir à améliorer nos "
        "produits et technologies.",
        "Vous pouvez refuser dans les paramètres que vos publications servent à entraîner nos "
        "modèles d'apprentissage automatique.",
    ),
    "it": (
        "Le registrazioni e i file che condividi possono essere usati per migliorare i nostri "
        "prodotti e tecnologie.",
        "Puoi disattivare nelle impostazioni l'uso dei tuoi post per addestrare i nostri modelli "
        "di apprendimento automatico.",
    ),
    "es": (
        "Las grabaciones y archivos que compartes pueden utilizarse para mejorar nuestros "
        "productos y tecnologías.",
        "Puedes desactivar en la configuración el uso de tus publicaciones para entrenar "
        "nuestros modelos de aprendizaje automático.",
    ),
    "de": (
        "Aufnahmen und Dateien, die du mit uns teilst, können zur Verbesserung unserer "
        "Produkte und Technologien genutzt werden.",
        "Du kannst in den Einstellungen der Nutzung deiner Beiträge für das Training unserer "
        "Modelle für maschinelles Lernen widersprechen.",
    ),
    "pt": (
        "As gravações e arquivos que você compartilha podem ser usados para melhorar os nossos "
        "produtos e tecnologias.",
        "Você pode desativar nas configurações o uso das suas publicações para treinar os "
        "nossos modelos de aprendizado de máquina.",
    ),
    "id": (
        "Rekaman dan berkas yang Anda bagikan dapat digunakan untuk meningkatkan produk dan "
        "teknologi kami.",
        "Anda dapat menonaktifkan penggunaan unggahan Anda untuk melatih model pembelajaran "
        "mesin kami di pengaturan.",
    ),
}


def _clauses(lang: str, rewritten: bool) -> list[str]:
    subjects, duties, old, new = CLAUSES[lang]
    conditions = new if rewritten else old
    return [f"{s} {d} {c}." for s in subjects for d in duties for c in conditions]


def _version(lang: str, rewritten: bool, ai: tuple[str, ...] = (), seed: int = 0) -> list[str]:
    """Paragraphs of five clauses; a rewrite shuffles them and may carry the AI sentences,
    placed past the first 50 clauses."""
    sentences = _clauses(lang, rewritten)
    for offset, sentence in zip((57, 93), ai, strict=False):
        sentences.insert(offset, sentence)
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    if rewritten:
        random.Random(seed).shuffle(paragraphs)
    return paragraphs


def test_the_hundred_clauses_are_distinct_and_quiet():
    for lang in LANGUAGES:
        for rewritten in (False, True):
            clauses = _clauses(lang, rewritten)
            assert len(set(clauses)) == 100
            assert not any(score_text(c).ai_relevant for c in clauses), lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_wholesale_rewrite_is_ai_relevant_for_its_two_ai_sentences(lang):
    old = _version(lang, rewritten=False)
    new = _version(lang, rewritten=True, ai=HIDDEN_AI[lang])
    verdict = judge_change(diff_lines(old, new))
    assert verdict.edits >= 100  # every clause changed, and the two AI sentences came in
    assert verdict.relevance.ai_relevant
    flagged = [p for p in verdict.passages if p.ai_relevant]
    assert {p.text for p in flagged} == set(HIDDEN_AI[lang]), [p.text for p in flagged]
    assert {p.direction for p in flagged} == {"added"}
    assert verdict.passages[: len(flagged)] == tuple(flagged)  # they come first
    # The same rewrite without them is a change, but not an AI change.
    quiet = judge_change(diff_lines(old, _version(lang, rewritten=True)))
    assert quiet.edits >= 100 and not quiet.relevance.ai_relevant


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_capture_swapping_whole_versions_is_ai_relevant_both_ways(lang):
    a = _version(lang, rewritten=False)
    b = _version(lang, rewritten=True, ai=HIDDEN_AI[lang], seed=7)
    for old, new, direction in ((a, b, "added"), (b, a, "removed"), (a, b, "added")):
        verdict = judge_change(diff_lines(old, new))
        assert verdict.relevance.ai_relevant
        flagged = [p for p in verdict.passages if p.ai_relevant]
        assert {p.text for p in flagged} == set(HIDDEN_AI[lang])
        assert {p.direction for p in flagged} == {direction}


def test_no_limit_on_how_many_changed_sentences_are_scored():
    """300 changed sentences in one block (too many to pair as edits), the AI one last: it is
    scored like the first."""
    subjects, duties, old_conditions, new_conditions = CLAUSES["en"]
    lead = ("", "In addition, ", "For clarity, ")
    old = [f"{p}{s.lower() if p else s} {d} {c}." for p in lead for s in subjects for d in duties
           for c in old_conditions]  # fmt: skip
    new = [f"{p}{s.lower() if p else s} {d} {c}." for p in lead for s in subjects for d in duties
           for c in new_conditions]  # fmt: skip
    ai = "We may use the content you upload to develop new technologies."
    change = diff_lines([" ".join(old)], [" ".join([*new, ai])])
    assert len(change.added) == 301 and not any(p.pair is not None for p in change.added)
    verdict = judge_change(change)
    assert verdict.relevance.ai_relevant and verdict.edits == 601
    assert verdict.passages[0].text == ai and verdict.passages[0].ai_relevant
    assert sum(u.direction == "added" for u in units(change)) == 301
