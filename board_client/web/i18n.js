// The browser's words in the three languages of the product. The page follows the board's
// language; the start page follows the browser's.

const STRINGS = {
  da: {
    "start.title": "Planche",
    "start.lead": "En fælles tavle til møder i læringsnetværk.",
    "create.heading": "Opret en tavle",
    "create.title": "Tavlens titel",
    "create.language": "Sprog",
    "create.name": "Dit navn (valgfrit)",
    "create.submit": "Opret tavle",
    "join.heading": "Deltag med en kode",
    "join.code": "Kode",
    "join.name": "Dit navn",
    "join.submit": "Deltag",
    "status.connecting": "Forbinder…",
    "status.online": "Forbundet",
    "status.offline": "Offline – dine noter gemmes og sendes, når forbindelsen er tilbage",
    "status.unsent": "Ikke sendt endnu: {n}",
    "note.new": "Ny note",
    "note.area": "Område",
    "note.add": "Tilføj",
    "note.edit": "Rediger",
    "note.save": "Gem",
    "note.cancel": "Annuller",
    "note.delete": "Slet",
    "note.move": "Flyt til",
    "note.by": "af {name}",
    "note.pending": "venter på at blive sendt",
    "note.hidden": "Skrevet i stilhed – vises, når facilitator afslører noterne",
    "note.hint": "Enter tilføjer noten, Shift+Enter giver en ny linje.",
    "board.code": "Kode til at deltage: {code}",
    "board.viewer": "Du ser tavlen uden at skrive.",
    "board.notoken": "Du er ikke med på denne tavle endnu.",
    "board.join": "Deltag med tavlens kode",
    "board.unauthorized": "Din adgang til tavlen gælder ikke længere. Deltag igen med koden.",
    "board.empty": "Ingen noter endnu.",
  },
  sv: {
    "start.title": "Planche",
    "start.lead": "En gemensam tavla för möten i lärande nätverk.",
    "create.heading": "Skapa en tavla",
    "create.title": "Tavlans titel",
    "create.language": "Språk",
    "create.name": "Ditt namn (valfritt)",
    "create.submit": "Skapa tavla",
    "join.heading": "Gå med med en kod",
    "join.code": "Kod",
    "join.name": "Ditt namn",
    "join.submit": "Gå med",
    "status.connecting": "Ansluter…",
    "status.online": "Ansluten",
    "status.offline": "Offline – dina lappar sparas och skickas när anslutningen är tillbaka",
    "status.unsent": "Inte skickade än: {n}",
    "note.new": "Ny lapp",
    "note.area": "Område",
    "note.add": "Lägg till",
    "note.edit": "Redigera",
    "note.save": "Spara",
    "note.cancel": "Avbryt",
    "note.delete": "Ta bort",
    "note.move": "Flytta till",
    "note.by": "av {name}",
    "note.pending": "väntar på att skickas",
    "note.hidden": "Skriven i tystnad – visas när samtalsledaren visar lapparna",
    "note.hint": "Enter lägger till lappen, Shift+Enter ger en ny rad.",
    "board.code": "Kod för att gå med: {code}",
    "board.viewer": "Du ser tavlan utan att skriva.",
    "board.notoken": "Du är inte med på den här tavlan än.",
    "board.join": "Gå med med tavlans kod",
    "board.unauthorized": "Din åtkomst till tavlan gäller inte längre. Gå med igen med koden.",
    "board.empty": "Inga lappar än.",
  },
  en: {
    "start.title": "Planche",
    "start.lead": "A shared board for learning-network meetings.",
    "create.heading": "Create a board",
    "create.title": "Board title",
    "create.language": "Language",
    "create.name": "Your name (optional)",
    "create.submit": "Create board",
    "join.heading": "Join with a code",
    "join.code": "Code",
    "join.name": "Your name",
    "join.submit": "Join",
    "status.connecting": "Connecting…",
    "status.online": "Connected",
    "status.offline": "Offline – your notes are kept and sent when the connection is back",
    "status.unsent": "Not sent yet: {n}",
    "note.new": "New note",
    "note.area": "Area",
    "note.add": "Add",
    "note.edit": "Edit",
    "note.save": "Save",
    "note.cancel": "Cancel",
    "note.delete": "Delete",
    "note.move": "Move to",
    "note.by": "by {name}",
    "note.pending": "waiting to be sent",
    "note.hidden": "Written in silence – shown when the facilitator reveals the notes",
    "note.hint": "Enter adds the note, Shift+Enter starts a new line.",
    "board.code": "Code to join: {code}",
    "board.viewer": "You are watching this board without writing.",
    "board.notoken": "You have not joined this board yet.",
    "board.join": "Join with the board's code",
    "board.unauthorized": "Your access to this board is no longer valid. Join again with the code.",
    "board.empty": "No notes yet.",
  },
};

export const LANGUAGES = Object.keys(STRINGS);

export function pickLanguage(wanted) {
  const base = (wanted || "").slice(0, 2).toLowerCase();
  return LANGUAGES.includes(base) ? base : "en";
}

export function translator(lang) {
  const table = STRINGS[pickLanguage(lang)];
  return (key, values = {}) =>
    (table[key] ?? STRINGS.en[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
}

// Fills every element marked data-i18n="key" (text) or data-i18n-placeholder="key".
export function translatePage(root, lang) {
  const t = translator(lang);
  document.documentElement.lang = pickLanguage(lang);
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  return t;
}
