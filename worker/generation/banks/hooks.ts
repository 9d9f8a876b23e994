// Title templates ("hooks") and calls to action of the template writer, in
// English, Portuguese (Portugal) and Spanish (Spain). Every hook promises a
// list of practical tips, because that is what the writer's slides are: a
// title that promises "myth vs fact" or "before and after" over a list of
// tips would not keep its promise (issue 15 item 9). A hook with `{n}`
// promises exactly that many tips. The hook's id is the learning loop's hook
// arm, the same in every language.
import type { WriterLanguage } from "../brief";

export interface Hook {
  id: string;
  /** `{topic}` is the topic (capitalised when it opens the title); `{n}`, where present, the number of tips shown. */
  text: Record<WriterLanguage, string>;
  /** The proposal's angle, in words for the review inbox. */
  angle: Record<WriterLanguage, string>;
}

const hook = (id: string, en: string, pt: string, es: string, angle: [string, string, string]): Hook => ({
  id,
  text: { en, pt, es },
  angle: { en: angle[0], pt: angle[1], es: angle[2] },
});

export const HOOKS: readonly Hook[] = [
  hook("nobody-tells", "{topic}: what nobody tells you", "{topic}: o que ninguém te conta", "{topic}: lo que nadie te cuenta", ["insider tips", "dicas de quem sabe", "trucos de quien sabe"]),
  hook("beginners-guide", "The beginner's guide to {topic}", "Guia para principiantes: {topic}", "Guía para principiantes: {topic}", ["beginner's guide", "guia para principiantes", "guía para principiantes"]),
  hook("simple-steps", "{topic} in {n} simple steps", "{topic} em {n} passos simples", "{topic} en {n} pasos sencillos", ["step-by-step", "passo a passo", "paso a paso"]),
  hook("quick-wins", "{n} quick wins for {topic}", "{n} truques rápidos para {topic}", "{n} trucos rápidos para {topic}", ["quick wins", "truques rápidos", "trucos rápidos"]),
  hook("wish-i-knew", "What I wish I knew about {topic}", "O que gostava de ter sabido sobre {topic}", "Lo que me habría gustado saber sobre {topic}", ["lessons learned", "lições aprendidas", "lecciones aprendidas"]),
  hook("one-minute", "{topic}, explained in one minute", "{topic} num minuto", "{topic} en un minuto", ["one-minute explainer", "explicação rápida", "explicación rápida"]),
  hook("try-today", "Try this today: {topic}", "Experimenta hoje: {topic}", "Pruébalo hoy: {topic}", ["try it today", "para experimentar hoje", "para probar hoy"]),
  hook("checklist", "Your checklist for {topic}", "A tua checklist para {topic}", "Tu checklist para {topic}", ["checklist", "checklist", "checklist"]),
  hook("difference", "{topic}: {n} things that make the difference", "{topic}: {n} coisas que fazem a diferença", "{topic}: {n} cosas que marcan la diferencia", ["what matters most", "o que mais conta", "lo que más cuenta"]),
  hook("stop-overthinking", "Stop overthinking {topic}", "Para de complicar: {topic}", "Deja de complicarte: {topic}", ["keep it simple", "sem complicar", "sin complicarse"]),
  hook("lazy", "The lazy approach to {topic}", "O método preguiçoso: {topic}", "El método para vagos: {topic}", ["low effort", "mínimo esforço", "mínimo esfuerzo"]),
  hook("ideas-that-work", "{n} ideas for {topic} that actually work", "{n} ideias para {topic} que resultam mesmo", "{n} ideas para {topic} que funcionan de verdad", ["ideas that work", "ideias que resultam", "ideas que funcionan"]),
  hook("short-version", "{topic}: the short version", "{topic}: a versão curta", "{topic}: la versión corta", ["short version", "versão curta", "versión corta"]),
  hook("start-here", "{topic}: start here", "{topic}: começa por aqui", "{topic}: empieza por aquí", ["getting started", "por onde começar", "por dónde empezar"]),
  hook("small-changes", "Small changes, big results: {topic}", "Pequenas mudanças, grandes resultados: {topic}", "Pequeños cambios, grandes resultados: {topic}", ["small changes", "pequenas mudanças", "pequeños cambios"]),
  hook("cheat-sheet", "{topic}: the cheat sheet", "Cábula: {topic}", "Chuleta: {topic}", ["cheat sheet", "cábula", "chuleta"]),
  hook("no-stress", "{topic} without the stress", "{topic} sem stress", "{topic} sin estrés", ["stress-free", "sem stress", "sin estrés"]),
  hook("right-way", "{topic}, the right way", "{topic} como deve ser", "{topic} como debe ser", ["done right", "como deve ser", "como debe ser"]),
  hook("save-this", "Save this: {n} tips for {topic}", "Guarda isto: {n} dicas para {topic}", "Guárdalo: {n} consejos para {topic}", ["save for later", "para guardar", "para guardar"]),
  hook("pro-secrets", "{n} pro secrets for {topic}", "{n} segredos de profissional para {topic}", "{n} secretos de profesional para {topic}", ["pro secrets", "segredos de profissional", "secretos de profesional"]),
  hook("do-this-first", "Do this first: {topic}", "Faz isto primeiro: {topic}", "Haz esto primero: {topic}", ["first step", "primeiro passo", "primer paso"]),
  hook("really-helps", "{topic}: what really helps", "{topic}: o que ajuda de verdade", "{topic}: lo que ayuda de verdad", ["what helps", "o que ajuda", "lo que ayuda"]),
  hook("underrated", "{topic}: the underrated tricks", "{topic}: os truques mais subestimados", "{topic}: los trucos más infravalorados", ["underrated tricks", "truques subestimados", "trucos infravalorados"]),
  hook("rules", "{n} rules for {topic}", "{n} regras para {topic}", "{n} reglas para {topic}", ["rules of thumb", "regras de ouro", "reglas de oro"]),
  hook("easy-fixes", "{n} easy fixes for {topic}", "{n} ajustes fáceis para {topic}", "{n} ajustes fáciles para {topic}", ["easy fixes", "ajustes fáceis", "ajustes fáciles"]),
  hook("honest-advice", "Honest advice on {topic}", "Conselhos sinceros sobre {topic}", "Recomendaciones sinceras sobre {topic}", ["honest advice", "conselhos sinceros", "recomendaciones sinceras"]),
  hook("easy-way", "{topic}: the easy way", "{topic}: o caminho mais fácil", "{topic}: el camino más fácil", ["the easy way", "o caminho mais fácil", "el camino más fácil"]),
  hook("real-life", "{topic} in real life", "{topic} na vida real", "{topic} en la vida real", ["real life", "vida real", "vida real"]),
  hook("before-you-begin", "Before you begin: {topic}", "Antes de começares: {topic}", "Antes de empezar: {topic}", ["before you begin", "antes de começar", "antes de empezar"]),
  hook("starter-kit", "{topic}: the starter kit", "{topic}: o kit básico", "{topic}: el kit básico", ["starter kit", "kit básico", "kit básico"]),
];

export const CTAS: Record<WriterLanguage, readonly string[]> = {
  en: ["Save this for later.", "Share it with a friend who needs it.", "Follow for more like this.", "Which tip will you try first?"],
  pt: ["Guarda para mais tarde.", "Partilha com quem precisa.", "Segue para mais dicas.", "Qual vais experimentar primeiro?"],
  es: ["Guárdalo para después.", "Compártelo con quien lo necesite.", "Síguenos para más.", "¿Cuál vas a probar primero?"],
};

/** Whether the hook promises a number of tips. */
export const isNumbered = (h: Hook) => h.text.en.includes("{n}");
