/**
 * Past forms of common English irregular verbs, mapped to the base form before stemming, so that "found" meets
 * "findings" and "spoke" meets "speaks". Regular forms need no entry: the stemmer handles them.
 */
const FORMS = `
arise arose arisen|awake awoke awoken|be was were been|bear bore borne|beat beaten|become became|begin began begun|
bend bent|bet|bid|bind bound|bite bit bitten|bleed bled|blow blew blown|break broke broken|breed bred|
bring brought|build built|burn burnt|buy bought|catch caught|choose chose chosen|cling clung|come came|cost|
creep crept|cut|deal dealt|dig dug|do did done|draw drew drawn|dream dreamt|drink drank drunk|drive drove driven|
eat ate eaten|fall fell fallen|feed fed|feel felt|fight fought|find found|flee fled|fly flew flown|forbid forbade forbidden|
forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|give gave given|go went gone|
grind ground|grow grew grown|hang hung|have had|hear heard|hide hid hidden|hit|hold held|hurt|keep kept|kneel knelt|
know knew known|lay laid|lead led|lean leant|leap leapt|learn learnt|leave left|lend lent|let|lie lay lain|light lit|
lose lost|make made|mean meant|meet met|mislead misled|pay paid|prove proven|put|quit|read|ride rode ridden|ring rang rung|
rise rose risen|run ran|say said|see saw seen|seek sought|sell sold|send sent|set|shake shook shaken|shine shone|
shoot shot|show shown|shrink shrank shrunk|shut|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|
speak spoke spoken|speed sped|spend spent|spin spun|spit spat|split|spread|spring sprang sprung|stand stood|
steal stole stolen|stick stuck|sting stung|stink stank stunk|strike struck stricken|strive strove striven|
swear swore sworn|sweep swept|swim swam swum|swing swung|take took taken|teach taught|tear tore torn|tell told|
think thought|throw threw thrown|tread trod trodden|undergo underwent undergone|understand understood|
undertake undertook undertaken|upset|wake woke woken|wear wore worn|weave wove woven|weep wept|win won|wind wound|
withdraw withdrew withdrawn|write wrote written`;

/**
 * Forms that are also common words of their own are left out on purpose: "left" (the side), "met" (the Met),
 * "saw" (the tool), "lay" (lay people), "rose" (the flower), "bound"/"ground"/"wound" (nouns), "fell", "lit".
 */
const AMBIGUOUS = new Set(['left', 'met', 'saw', 'lay', 'rose', 'bound', 'ground', 'wound', 'fell', 'lit', 'won']);

export const IRREGULAR_BASE_FORM: ReadonlyMap<string, string> = new Map(
  FORMS.split('|').flatMap((entry) => {
    const [base, ...forms] = entry.trim().split(/\s+/);
    return base ? forms.filter((form) => !AMBIGUOUS.has(form)).map((form) => [form, base] as const) : [];
  }),
);
