/** Word lists of the generated movie reviews: small and bounded, so a tiny BPE learns them. */

export const TITLES = [
  'The Long Harbor',
  'Midnight Run',
  'Silver Lake',
  'The Last Orchard',
  'Paper Kings',
  'Northern Lights',
  'The Quiet Room',
  'Red Desert',
  'Blue Summer',
  'The Glass City',
  'Iron Hearts',
  'Distant Shores',
];

export const GENRES = [
  'drama',
  'comedy',
  'thriller',
  'horror film',
  'romance',
  'western',
  'documentary',
  'mystery',
  'war film',
  'musical',
];

export const SUBJECTS = [
  'acting',
  'plot',
  'script',
  'soundtrack',
  'direction',
  'cast',
  'pacing',
  'cinematography',
  'ending',
  'dialogue',
  'story',
  'music',
  'lead actor',
  'lead actress',
  'villain',
  'humor',
];

export const OPENERS = [
  'this movie',
  'the film',
  'this film',
  'the movie',
  'honestly, this movie',
  'from the opening scene, the film',
];

/** Graded adjectives: AFINN-165 scores most of these words, which is what the reward reads. */
export const POSITIVE = [
  'great',
  'wonderful',
  'brilliant',
  'excellent',
  'amazing',
  'beautiful',
  'fantastic',
  'good',
  'charming',
  'superb',
  'fun',
  'lovely',
  'perfect',
  'funny',
  'awesome',
];

export const NEGATIVE = [
  'terrible',
  'awful',
  'boring',
  'bad',
  'dull',
  'horrible',
  'weak',
  'stupid',
  'disappointing',
  'poor',
  'ugly',
  'annoying',
  'lame',
  'worst',
  'sad',
];

export const NEUTRAL = [
  'long',
  'short',
  'slow',
  'quiet',
  'simple',
  'familiar',
  'serious',
  'loud',
  'strange',
  'typical',
];

export const INTENSIFIERS = ['really', 'very', 'truly', 'quite', 'so', 'pretty', 'rather'];

export const POSITIVE_VERDICTS = [
  'i loved it',
  'i would watch it again',
  'highly recommended',
  'a real pleasure to watch',
  'i enjoyed every minute',
  'one of the best films this year',
  'worth every minute',
];

export const NEGATIVE_VERDICTS = [
  'i hated it',
  'a waste of time',
  'i would not recommend it',
  'i almost fell asleep',
  'not worth the ticket',
  'one of the worst films this year',
  'i wanted my money back',
];

export const NEUTRAL_VERDICTS = [
  'it was fine, i guess',
  'you might like it',
  'it is what it is',
  'watch it if you are curious',
  'nothing more to say',
];

export const CONTEXTS = [
  'i watched {title} last night',
  'i saw {title} with my family',
  '{title} is a {genre} about a small town',
  '{title} is a {genre} set by the sea',
  'my friends took me to see {title}',
  '{title} is the new {genre} everyone talks about',
];
