// Topic and hook banks of the offline template writer (issue 9): eight common
// niches and a generic bank, hooks, tips and calls to action in English,
// Portuguese and Spanish. Content only; template-writer.ts decides.
import type { WriterLanguage } from "./brief";
import { fold } from "./brief-rules";

export type NicheId = "food" | "finance" | "fitness" | "habits" | "travel" | "tech" | "beauty" | "parenting" | "generic";

export interface NicheBank {
  id: NicheId;
  /** Words that identify the niche in a brief's `niche` (or, failing that, the brand's name). */
  keywords: string[];
  hashtags: string[];
  topics: Record<WriterLanguage, string[]>;
}

export const NICHES: NicheBank[] = [
  {
    id: "food",
    keywords: ["food", "cook", "recipe", "kitchen", "meal", "bake", "baking", "chef", "cuisine", "culinar", "comida", "cozinha", "receita", "cocina", "receta"],
    hashtags: ["#food", "#homecooking", "#recipes", "#mealprep"],
    topics: {
      en: [
        "meal prep for busy weeknights", "one-pan dinners", "batch cooking on Sundays", "pantry staples", "knife skills",
        "five-ingredient pasta", "high-protein breakfasts", "sheet-pan vegetables", "homemade bread", "freezer-friendly soups",
        "quick salad dressings", "cooking rice perfectly", "seasoning with herbs", "leftover makeovers", "lunchbox ideas", "easy weekend brunch",
      ],
      pt: [
        "marmitas para a semana", "jantares numa só panela", "pão caseiro", "sopas para congelar", "temperos com ervas",
        "pequenos-almoços proteicos", "legumes no forno", "arroz perfeito", "aproveitar sobras", "molhos para saladas",
      ],
      es: [
        "tuppers para la semana", "cenas en una sola sartén", "pan casero", "sopas para congelar", "aliños para ensaladas",
        "desayunos con proteína", "verduras al horno", "arroz perfecto", "aprovechar las sobras", "cocinar con hierbas",
      ],
    },
  },
  {
    id: "finance",
    keywords: ["finan", "money", "budget", "invest", "saving", "debt", "wealth", "dinheiro", "poupan", "dinero", "ahorro", "frugal", "orcamento", "presupuesto"],
    hashtags: ["#personalfinance", "#budgeting", "#moneytips", "#savings"],
    topics: {
      en: [
        "building an emergency fund", "the 50/30/20 budget", "paying off credit card debt", "index fund investing", "cutting subscription costs",
        "saving on groceries", "automating your savings", "retirement accounts", "negotiating your salary", "tracking every expense",
        "a no-spend month", "sinking funds", "compound interest", "side income ideas", "reading your pay slip", "insurance you actually need",
      ],
      pt: [
        "fundo de emergência", "orçamento 50/30/20", "pagar dívidas do cartão", "investir em fundos de índice", "cortar subscrições",
        "poupar no supermercado", "automatizar a poupança", "juros compostos", "registar despesas", "um mês sem gastos",
      ],
      es: [
        "fondo de emergencia", "presupuesto 50/30/20", "pagar deudas de la tarjeta", "invertir en fondos indexados", "recortar suscripciones",
        "ahorrar en el súper", "automatizar el ahorro", "interés compuesto", "registrar cada gasto", "un mes sin gastos",
      ],
    },
  },
  {
    id: "fitness",
    keywords: ["fitness", "gym", "workout", "training", "exercise", "strength", "running", "yoga", "treino", "ginásio", "entrenamiento", "gimnasio", "athlet"],
    hashtags: ["#fitness", "#workout", "#strengthtraining", "#fitnesstips"],
    topics: {
      en: [
        "a 20-minute full-body workout", "progressive overload", "warming up properly", "bodyweight training at home", "recovery days",
        "building a running habit", "core strength", "mobility for desk workers", "protein timing", "your first pull-up",
        "kettlebell basics", "training on a busy schedule", "stretching after workouts", "tracking your lifts", "walking for fitness", "sleep and muscle growth",
      ],
      pt: [
        "treino de corpo inteiro em 20 minutos", "sobrecarga progressiva", "aquecimento", "treino em casa", "dias de recuperação",
        "começar a correr", "força do core", "mobilidade para quem trabalha sentado", "a primeira elevação", "alongamentos",
      ],
      es: [
        "entrenamiento de cuerpo completo en 20 minutos", "sobrecarga progresiva", "calentamiento", "entrenar en casa", "días de descanso",
        "empezar a correr", "fuerza del core", "movilidad para oficinistas", "la primera dominada", "estiramientos",
      ],
    },
  },
  {
    id: "habits",
    keywords: ["habit", "productiv", "routine", "focus", "self-improvement", "mindset", "discipline", "time management", "hábito", "produtiv", "rutina", "productiv"],
    hashtags: ["#habits", "#productivity", "#selfimprovement", "#routine"],
    topics: {
      en: [
        "morning routines that stick", "time blocking", "the two-minute rule", "a weekly review", "deep work sessions",
        "habit stacking", "saying no politely", "an evening shutdown ritual", "single-tasking", "a distraction-free phone",
        "journaling in five minutes", "planning a calm week", "beating procrastination", "inbox zero", "walking meetings", "tracking habits",
      ],
      pt: [
        "rotinas matinais", "blocos de tempo", "a regra dos dois minutos", "revisão semanal", "trabalho profundo",
        "empilhar hábitos", "dizer não", "ritual de fim de dia", "procrastinação", "diário em cinco minutos",
      ],
      es: [
        "rutinas de mañana", "bloques de tiempo", "la regla de los dos minutos", "revisión semanal", "trabajo profundo",
        "apilar hábitos", "decir que no", "ritual de cierre del día", "procrastinación", "diario en cinco minutos",
      ],
    },
  },
  {
    id: "travel",
    keywords: ["travel", "trip", "destination", "wander", "backpack", "tourism", "holiday", "vacation", "viagem", "viagens", "viaje", "turismo", "nomad"],
    hashtags: ["#travel", "#traveltips", "#wanderlust", "#travelguide"],
    topics: {
      en: [
        "packing carry-on only", "cheap flight hunting", "a weekend in Lisbon", "travel insurance", "jet lag",
        "solo travel safety", "travelling by train in Europe", "local food markets", "travel budgets", "hidden beaches",
        "travel photography", "booking apartments", "airport layovers", "slow travel", "road trip planning", "travelling with a laptop",
      ],
      pt: [
        "viajar só com bagagem de mão", "voos baratos", "um fim de semana no Porto", "seguro de viagem", "jet lag",
        "viajar sozinho", "comboios pela Europa", "mercados locais", "orçamento de viagem", "praias escondidas",
      ],
      es: [
        "viajar solo con equipaje de mano", "vuelos baratos", "un fin de semana en Sevilla", "seguro de viaje", "jet lag",
        "viajar en solitario", "trenes por Europa", "mercados locales", "presupuesto de viaje", "playas escondidas",
      ],
    },
  },
  {
    id: "tech",
    keywords: ["tech", "software", "gadget", "coding", "developer", "programming", "computer", "digital", "ai ", "apps", "tecnolog", "programa", "código"],
    hashtags: ["#tech", "#techtips", "#productivitytools", "#coding"],
    topics: {
      en: [
        "password managers", "keyboard shortcuts", "backing up your photos", "two-factor authentication", "a faster laptop",
        "learning to code", "smart home basics", "choosing a phone", "writing with AI assistants", "spreadsheet formulas",
        "cloud storage", "home Wi-Fi", "open-source apps", "browser extensions", "automating boring tasks", "reading tech specs",
      ],
      pt: [
        "gestores de palavras-passe", "atalhos de teclado", "cópias de segurança das fotos", "autenticação de dois fatores", "um portátil mais rápido",
        "aprender a programar", "casa inteligente", "escolher um telemóvel", "folhas de cálculo", "automatizar tarefas",
      ],
      es: [
        "gestores de contraseñas", "atajos de teclado", "copias de seguridad de fotos", "autenticación en dos pasos", "un portátil más rápido",
        "aprender a programar", "casa inteligente", "elegir un móvil", "hojas de cálculo", "automatizar tareas",
      ],
    },
  },
  {
    id: "beauty",
    keywords: ["beauty", "skin", "makeup", "hair", "cosmetic", "nails", "glow", "beleza", "pele", "maquilha", "belleza", "piel", "maquillaje"],
    hashtags: ["#beauty", "#skincare", "#makeuptips", "#selfcare"],
    topics: {
      en: [
        "a simple skincare routine", "sunscreen every day", "makeup for beginners", "curly hair care", "double cleansing",
        "choosing a foundation shade", "night skincare", "brow grooming", "a five-minute makeup look", "hydrating dry skin",
        "retinol basics", "heat protection for hair", "clean makeup brushes", "lip care in winter", "nail care at home", "reading ingredient labels",
      ],
      pt: [
        "rotina de skincare simples", "protetor solar todos os dias", "maquilhagem para iniciantes", "cabelo encaracolado", "limpeza dupla",
        "escolher a base", "cuidados de noite", "sobrancelhas", "maquilhagem em cinco minutos", "pele seca",
      ],
      es: [
        "rutina de skincare sencilla", "protector solar a diario", "maquillaje para principiantes", "pelo rizado", "doble limpieza",
        "elegir el tono de base", "cuidado de noche", "cejas", "maquillaje en cinco minutos", "piel seca",
      ],
    },
  },
  {
    id: "parenting",
    keywords: ["parent", "kids", "baby", "family", "mom", "mum", "dad", "toddler", "children", "pais", "família", "bebé", "crianças", "padres", "familia", "niños"],
    hashtags: ["#parenting", "#familylife", "#parentingtips", "#kids"],
    topics: {
      en: [
        "bedtime routines for toddlers", "screen time rules", "picky eaters", "calm mornings before school", "handling tantrums",
        "reading with kids", "chores by age", "family meal planning", "rainy day activities", "sibling fights",
        "pocket money", "talking about feelings", "school lunch ideas", "travelling with kids", "quality time on busy days", "sleep regressions",
      ],
      pt: [
        "rotinas de deitar", "regras para ecrãs", "crianças esquisitas a comer", "manhãs calmas antes da escola", "birras",
        "ler com os filhos", "tarefas por idade", "atividades para dias de chuva", "mesada", "falar sobre emoções",
      ],
      es: [
        "rutinas para dormir", "normas de pantallas", "niños que comen mal", "mañanas tranquilas antes del cole", "rabietas",
        "leer con los niños", "tareas por edad", "actividades para días de lluvia", "la paga", "hablar de emociones",
      ],
    },
  },
  {
    id: "generic",
    keywords: [],
    hashtags: ["#tips", "#dailytips", "#learnsomething"],
    topics: {
      en: [
        "morning routines that stick", "saving money on groceries", "a 10-minute workout", "planning a calm week", "writing better emails",
        "sleeping through the night", "learning a language daily", "decluttering one drawer", "cooking once, eating thrice", "walking meetings",
        "a tidy desk", "reading more books", "drinking more water", "a weekly reset", "learning a new skill", "taking better notes",
      ],
      pt: [
        "rotinas matinais", "poupar no supermercado", "um treino de 10 minutos", "planear uma semana calma", "escrever melhores emails",
        "dormir melhor", "aprender uma língua", "arrumar uma gaveta", "ler mais livros", "beber mais água",
      ],
      es: [
        "rutinas de mañana", "ahorrar en el súper", "un entrenamiento de 10 minutos", "planear una semana tranquila", "escribir mejores correos",
        "dormir mejor", "aprender un idioma", "ordenar un cajón", "leer más libros", "beber más agua",
      ],
    },
  },
];

/** Title templates: `{topic}` (capitalised when it starts the title) and `{n}` (a small number). */
export const HOOKS: Record<WriterLanguage, string[]> = {
  en: [
    "{topic}: what nobody tells you", "The beginner's guide to {topic}", "{n} mistakes with {topic}", "Stop overthinking {topic}",
    "{topic} in {n} simple steps", "Why {topic} matters more than you think", "Try this today: {topic}", "{topic}: myth vs fact",
    "What I wish I knew about {topic}", "{topic}, explained in one minute", "Before and after: {topic}", "{n} quick wins for {topic}",
    "The checklist for {topic}", "Is {topic} worth it?", "{topic} for complete beginners", "The lazy approach to {topic}",
  ],
  pt: [
    "{topic}: o que ninguém te conta", "Guia para iniciantes: {topic}", "{n} erros com {topic}", "Pare de complicar: {topic}",
    "{topic} em {n} passos simples", "Porque é que {topic} importa", "Experimenta hoje: {topic}", "{topic}: mito ou facto",
    "O que gostava de ter sabido sobre {topic}", "{topic} explicado num minuto", "{n} vitórias rápidas: {topic}", "A checklist: {topic}",
  ],
  es: [
    "{topic}: lo que nadie te cuenta", "Guía para principiantes: {topic}", "{n} errores con {topic}", "Deja de complicarte: {topic}",
    "{topic} en {n} pasos sencillos", "Por qué importa: {topic}", "Pruébalo hoy: {topic}", "{topic}: mito o realidad",
    "Lo que ojalá hubiera sabido sobre {topic}", "{topic} explicado en un minuto", "{n} victorias rápidas: {topic}", "La checklist: {topic}",
  ],
};

export const ANGLES: Record<WriterLanguage, string[]> = {
  en: ["myth vs fact", "step-by-step", "before and after", "common mistakes", "quick win", "checklist"],
  pt: ["mito ou facto", "passo a passo", "antes e depois", "erros comuns", "vitória rápida", "checklist"],
  es: ["mito o realidad", "paso a paso", "antes y después", "errores comunes", "victoria rápida", "checklist"],
};

export const TIPS: Record<WriterLanguage, string[]> = {
  en: [
    "Start with one small change this week.", "Keep it to five minutes, not fifty.", "Write down what worked, every evening.",
    "Prepare tomorrow's first step tonight.", "Repeat it for seven days before judging.", "Skip anything that does not serve the goal.",
    "Do the hardest part first, while you are fresh.", "Ask someone to try it with you.",
  ],
  pt: [
    "Começa com uma pequena mudança esta semana.", "Cinco minutos chegam, não cinquenta.", "Anota o que resultou, todas as noites.",
    "Prepara hoje o primeiro passo de amanhã.", "Repete durante sete dias antes de julgar.", "Corta o que não serve o objetivo.",
    "Faz a parte mais difícil primeiro.", "Convida alguém para experimentar contigo.",
  ],
  es: [
    "Empieza con un pequeño cambio esta semana.", "Cinco minutos bastan, no cincuenta.", "Apunta lo que funcionó, cada noche.",
    "Prepara hoy el primer paso de mañana.", "Repítelo siete días antes de juzgar.", "Quita lo que no sirve al objetivo.",
    "Haz primero la parte más difícil.", "Invita a alguien a probarlo contigo.",
  ],
};

export const CTAS: Record<WriterLanguage, string[]> = {
  en: ["Save this for later.", "Share it with a friend who needs it.", "Follow for more like this.", "Which tip will you try first?"],
  pt: ["Guarda para mais tarde.", "Partilha com quem precisa.", "Segue para mais dicas.", "Qual vais experimentar primeiro?"],
  es: ["Guárdalo para después.", "Compártelo con quien lo necesite.", "Síguenos para más.", "¿Cuál vas a probar primero?"],
};

const GENERIC = NICHES.find((n) => n.id === "generic")!;

/** The bank for a brief's niche (or, with none, the brand's name); the generic bank only when nothing matches. */
export function resolveNiche(niche: string, brandName: string): NicheBank {
  const match = (text: string) => {
    const t = ` ${fold(text)} `;
    return NICHES.find((n) => n.keywords.some((k) => t.includes(fold(k))));
  };
  return (niche.trim() ? match(niche) : undefined) ?? (niche.trim() ? undefined : match(brandName)) ?? GENERIC;
}
