/** A handful of one-sentence sources: one says what PARAPHRASE asks in other words, one shares its words only. */
export const FIXTURE = {
  'care.txt': 'We are now supporting up to half the women we work with to access basic primary care services.\n',
  'gallery.txt': 'Local women artists show their paintings of the harbour: come and see them in the new gallery.\n',
  'police.txt': 'Police raided three flats in the town centre on Saturday night and arrested two men.\n',
  'council.txt': 'The council will fine anyone caught drinking in the park after ten in the evening.\n',
  'trains.txt': 'Trains to the coast run every hour on weekdays and every two hours on Sundays.\n',
};

/** Answered by care.txt, with none of its words but "women"; gallery.txt shares more of them. */
export const PARAPHRASE = 'How many of the women need help seeing a GP?';

/** Answered by police.txt in its own words. */
export const IN_ITS_WORDS = 'Who was arrested after the raid on the flats?';
