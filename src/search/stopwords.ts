/**
 * English stop words: function words that carry no topic, plus the question words people start a question with
 * ("what", "who", "how"…), which never appear in the answer in the same role. The list follows the common
 * NLTK/Lucene lists; words are in their folded, lower-case, apostrophe-free form (as the analyzer produces them).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren arent as at be because been before being below
  between both but by can cannot could couldn couldnt d did didn didnt do does doesn doesnt doing don dont down during
  each few for from further had hadn hadnt has hasn hasnt have haven havent having he her here hers herself him himself
  his how i if in into is isn isnt it its itself just ll m me might mightn more most much must mustn my myself needn no
  nor not now o of off on once only or other our ours ourselves out over own re s same shan she should shouldn
  shouldnt so some such t than that thats the their theirs them themselves then there theres these they this those
  through to too under until up upon us ve very was wasn wasnt we were weren werent what whats when where which while
  who whom whose why will with won wont would wouldn wouldnt y you your yours yourself yourselves
  tell told say says said according anyone anybody anything someone something going gonna`
    .split(/\s+/)
    .filter(Boolean),
);
