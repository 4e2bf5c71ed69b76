"""Interface words printed by the outputs, one catalogue per language.

English is the schema: every field of :class:`builders.model.Strings` is a word some output prints. French,
Spanish and German are built in; a course overrides any word under ``strings:`` in course.yml.
Placeholders in braces (``{score}``) are filled in by the output that prints the string.
"""

from __future__ import annotations

from ..model import Strings

_FR = dict(
    contents="Table des matières", lesson="Leçon", objectives="Objectifs d'apprentissage",
    check_your_understanding="Vérifiez vos connaissances", answers="Réponses",
    answer_key="Corrigé", glossary="Glossaire", notes="Notes", figure="Figure",
    cover="Couverture", title_page="Page de titre", authors="Auteurs", version="Version",
    license="Licence", question="Question", points="points", point="point",
    explanation="Explication", correct_answer="Bonne réponse", model_answer="Réponse modèle",
    your_answer="Votre réponse", go_to_answer="Réponse", back_to_question="Retour à la question",
    true="Vrai", false="Faux", tick_one="Cochez une case.",
    tick_all="Cochez toutes les bonnes réponses.", fill_blank="Complétez.",
    match_items="Associez chaque élément de gauche à un élément de droite.",
    order_items="Numérotez les éléments dans le bon ordre.", write_answer="Rédigez votre réponse.",
    worksheet="Fiche d'exercices", name="Nom", class_name="Classe", date="Date", page="Page",
    of="sur", teacher_copy="Exemplaire de l'enseignant", answers_at_a_glance="Réponses en bref",
    check_answer="Vérifier", next="Suivant", previous="Précédent", try_again="Réessayer",
    start="Commencer", exit="Quitter", results="Résultats", correct="Correct",
    incorrect="Incorrect", partly_correct="Partiellement correct", your_score="Votre score",
    passed="Réussi", failed="Pas encore réussi", completed="Terminé", pass_mark="Seuil de réussite",
    progress="Progression", answered="Répondu", not_answered="Sans réponse",
    attempts_left="Essais restants", no_attempts_left="Plus d'essai",
    answer_recorded="Votre réponse a été enregistrée.", choose="Choisir…", position="Position",
    preview_notice="Aperçu : les résultats ne sont pas enregistrés.", resume="Reprendre",
    submit_answer="Envoyer la réponse", blank="blanc", max_characters="{count} caractères au maximum.",
    enter_number="Saisissez un nombre.", answer_first="Répondez d'abord à la question.",
    positions_unique="Donnez une position différente à chaque élément.",
    finish_hint="Répondez à toutes les questions pour obtenir votre résultat.",
    session_ended="Votre progression est enregistrée. Vous pouvez fermer cette fenêtre.",
    page_count="{count} pages",
    landmarks="Repères", page_list="Pages", also_accepted="Également accepté",
    callout_note="Remarque", callout_tip="Conseil", callout_warning="Attention",
    callout_example="Exemple", callout_key_takeaways="À retenir", callout_primary_source="Source primaire",
    callout_activity="Activité", further_reading="Pour aller plus loin", bibliography="Bibliographie",
    rubric="Grille d'évaluation", criterion="Critère", levels="Niveaux",
    rubric_self_assess="Évaluez votre réponse à l'aide de la grille.",
    accessibility_summary=(
        "Un manuel au texte redimensionnable, avec une table des matières, des titres dans l'ordre, "
        "un texte de remplacement pour chaque image, des en-têtes de tableau, des notes et un glossaire "
        "reliés, et des questions d'autoévaluation dont les réponses sont reliées et lisibles sans script."
    ),
)
_ES = dict(
    contents="Índice", lesson="Lección", objectives="Objetivos de aprendizaje",
    check_your_understanding="Comprueba lo que has aprendido", answers="Respuestas",
    answer_key="Solucionario", glossary="Glosario", notes="Notas", figure="Figura",
    cover="Cubierta", title_page="Portada", authors="Autores", version="Versión",
    license="Licencia", question="Pregunta", points="puntos", point="punto",
    explanation="Explicación", correct_answer="Respuesta correcta", model_answer="Respuesta modelo",
    your_answer="Tu respuesta", go_to_answer="Respuesta", back_to_question="Volver a la pregunta",
    true="Verdadero", false="Falso", tick_one="Marca una.", tick_all="Marca todas las correctas.",
    fill_blank="Completa el espacio.",
    match_items="Relaciona cada elemento de la izquierda con uno de la derecha.",
    order_items="Numera los elementos en el orden correcto.", write_answer="Escribe tu respuesta.",
    worksheet="Hoja de ejercicios", name="Nombre", class_name="Clase", date="Fecha",
    page="Página", of="de", teacher_copy="Ejemplar del profesor",
    answers_at_a_glance="Respuestas de un vistazo", check_answer="Comprobar", next="Siguiente",
    previous="Anterior", try_again="Intentar de nuevo", start="Empezar", exit="Salir",
    results="Resultados", correct="Correcto", incorrect="Incorrecto",
    partly_correct="Parcialmente correcto", your_score="Tu puntuación", passed="Aprobado",
    failed="Aún no aprobado", completed="Completado", pass_mark="Nota mínima",
    progress="Progreso", answered="Respondida", not_answered="Sin responder",
    attempts_left="Intentos restantes", no_attempts_left="No quedan intentos",
    answer_recorded="Tu respuesta se ha guardado.", choose="Elige…", position="Posición",
    preview_notice="Vista previa: los resultados no se registran.", resume="Continuar",
    submit_answer="Enviar respuesta", blank="espacio en blanco", max_characters="Hasta {count} caracteres.",
    enter_number="Escribe un número.", answer_first="Primero responde a la pregunta.",
    positions_unique="Da a cada elemento una posición distinta.",
    finish_hint="Responde a todas las preguntas para obtener tu resultado.",
    session_ended="Tu progreso se ha guardado. Puedes cerrar esta ventana.",
    page_count="{count} páginas",
    landmarks="Puntos de referencia", page_list="Páginas", also_accepted="También se acepta",
    callout_note="Nota", callout_tip="Consejo", callout_warning="Atención",
    callout_example="Ejemplo", callout_key_takeaways="Ideas clave", callout_primary_source="Fuente primaria",
    callout_activity="Actividad", further_reading="Lecturas recomendadas", bibliography="Bibliografía",
    rubric="Rúbrica", criterion="Criterio", levels="Niveles",
    rubric_self_assess="Evalúa tu respuesta con la rúbrica.",
    accessibility_summary=(
        "Un libro de texto adaptable con índice, encabezados en orden, texto alternativo para cada "
        "imagen, encabezados de tabla, notas y glosario enlazados, y preguntas de autoevaluación "
        "cuyas respuestas están enlazadas y se pueden leer sin scripts."
    ),
)
_DE = dict(
    contents="Inhalt", lesson="Lektion", objectives="Lernziele",
    check_your_understanding="Überprüfe dein Wissen", answers="Lösungen",
    answer_key="Lösungsschlüssel", glossary="Glossar", notes="Anmerkungen", figure="Abbildung",
    cover="Umschlag", title_page="Titelseite", authors="Autoren", version="Version",
    license="Lizenz", question="Frage", points="Punkte", point="Punkt",
    explanation="Erklärung", correct_answer="Richtige Antwort", model_answer="Musterantwort",
    your_answer="Deine Antwort", go_to_answer="Lösung", back_to_question="Zurück zur Frage",
    true="Wahr", false="Falsch", tick_one="Kreuze eine Antwort an.",
    tick_all="Kreuze alle richtigen Antworten an.", fill_blank="Ergänze die Lücke.",
    match_items="Ordne jedem Begriff links einen Begriff rechts zu.",
    order_items="Nummeriere die Einträge in der richtigen Reihenfolge.",
    write_answer="Schreibe deine Antwort.", worksheet="Arbeitsblatt", name="Name",
    class_name="Klasse", date="Datum", page="Seite", of="von",
    teacher_copy="Exemplar für Lehrkräfte", answers_at_a_glance="Lösungen auf einen Blick",
    check_answer="Prüfen", next="Weiter", previous="Zurück", try_again="Noch einmal",
    start="Beginnen", exit="Beenden", results="Ergebnisse", correct="Richtig",
    incorrect="Falsch", partly_correct="Teilweise richtig", your_score="Deine Punktzahl",
    passed="Bestanden", failed="Noch nicht bestanden", completed="Abgeschlossen",
    pass_mark="Bestehensgrenze", progress="Fortschritt", answered="Beantwortet",
    not_answered="Nicht beantwortet", attempts_left="Verbleibende Versuche",
    no_attempts_left="Keine Versuche mehr", answer_recorded="Deine Antwort wurde gespeichert.",
    choose="Auswählen…", position="Position",
    preview_notice="Vorschau: Ergebnisse werden nicht gespeichert.", resume="Fortsetzen",
    submit_answer="Antwort abschicken", blank="Lücke", max_characters="Höchstens {count} Zeichen.",
    enter_number="Gib eine Zahl ein.", answer_first="Beantworte zuerst die Frage.",
    positions_unique="Gib jedem Eintrag eine andere Position.",
    finish_hint="Beantworte alle Fragen, um dein Ergebnis zu erhalten.",
    session_ended="Dein Fortschritt wurde gespeichert. Du kannst dieses Fenster schließen.",
    page_count="{count} Seiten",
    landmarks="Orientierungspunkte", page_list="Seiten", also_accepted="Ebenfalls richtig",
    callout_note="Hinweis", callout_tip="Tipp", callout_warning="Achtung",
    callout_example="Beispiel", callout_key_takeaways="Das Wichtigste", callout_primary_source="Quelle",
    callout_activity="Aktivität", further_reading="Weiterführende Literatur", bibliography="Literaturverzeichnis",
    rubric="Bewertungsraster", criterion="Kriterium", levels="Stufen",
    rubric_self_assess="Bewerte deine Antwort mit dem Bewertungsraster.",
    accessibility_summary=(
        "Ein anpassbares Lehrbuch mit Inhaltsverzeichnis, Überschriften in richtiger Reihenfolge, "
        "Alternativtext für jedes Bild, Tabellenköpfen, verlinkten Anmerkungen und Glossar sowie "
        "Fragen zur Selbstkontrolle, deren Lösungen verlinkt und ohne Skripte lesbar sind."
    ),
)

CATALOGUES: dict[str, Strings] = {
    "en": Strings(),
    "fr": Strings(**_FR),
    "es": Strings(**_ES),
    "de": Strings(**_DE),
}

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


def primary_subtag(language: str) -> str:
    return language.split("-", 1)[0].lower()


def catalogue_for(language: str) -> Strings | None:
    """The built-in catalogue for a BCP 47 tag (``fr-CA`` -> French), or None."""
    return CATALOGUES.get(primary_subtag(language))


def direction_of(language: str) -> str:
    return "rtl" if primary_subtag(language) in RTL_LANGUAGES else "ltr"
