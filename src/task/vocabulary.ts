/**
 * Word lists and sentence templates of the generated movie reviews. Small and bounded so a
 * tiny BPE (1–2k merges) and a 64-token model learn them. Lists are written as comma-separated
 * groups to keep the file short; `{slot}` names in templates are filled by `corpus.ts`.
 *
 * Invariant (tested): every word outside the graded lists, the affect verbs and the
 * tone-specific templates has no AFINN-165 weight, so a review's reward comes only from the
 * words chosen for its sentiment.
 */

/** 'a, b c, d' → ['a', 'b c', 'd']; several groups are joined first. */
const list = (...groups: string[]): string[] => groups.join(', ').split(', ');

export type Tone = 'positive' | 'negative';

// ---- Neutral filler (AFINN weight 0) ----

export const TITLES = list(
  'The Long Harbor, Silver Lake, The Last Orchard, Paper Kings, Northern Lights',
  'The Quiet Room, Red Desert, Blue Summer, The Glass City, Iron Bells, Distant Shores',
  'Midnight Train, The Winter Garden, Seven Rivers, The Night Shift, Echo Park',
);

export const GENRES = list(
  'drama, thriller, horror film, western, documentary, mystery, musical, family film',
  'science fiction film, spy film, sports drama, period piece, road movie, heist movie',
  'animated film, monster movie',
);

export const NAMES = list(
  'Anna Cole, Mark Hale, Lena Ross, David Marsh, Nora Quinn, Tom Avery, Julia Stone',
  'Sam Porter, Ella Ward, Ben Carter, Lucy Hart, Owen Brooks, Clara Bell',
);

export const ROLES = list(
  'detective, mother, father, teacher, captain, doctor, chef, sheriff, singer, coach',
  'pilot, nurse, lawyer, farmer, young boxer, old sailor',
);

export const PLOTS = list(
  'a small town, two brothers, a young teacher, an old sailor, a family by the sea',
  'a detective in the city, a band on tour, a girl and her horse, three friends on the road',
  'a chef and her kitchen, a pilot far from home, a quiet village, a long winter',
);

export const PLACES = list(
  'a small town, the mountains, a quiet village, the desert, a city by the sea, a fishing village',
);

export const COMPANIONS = list('family, friends, sister, brother, parents, kids, roommate');

export const OCCASIONS = list(
  'a Sunday afternoon, a long flight, a Friday night, the weekend, a cold evening',
);

/** Singular aspects of a film; PLURAL_SUBJECTS take "were" / "are". */
export const SUBJECTS = list(
  'acting, plot, script, soundtrack, director, cast, pacing, cinematography, ending',
  'dialogue, story, music, editing, writing, final act, premise, twist, lead actor',
  'lead actress, villain, camera work, set design, first half, second half',
);

export const PLURAL_SUBJECTS = list('characters, special effects, performances, costumes, visuals');

/** The film itself as a subject; `{genre}` and `{title}` are filled in. */
export const FILM_REFERENCES = list(
  'this movie, the film, this film, the movie, {title}, this {genre}, the new {genre}',
);

/** Adverbs of degree; unscored, but a negator may reach across one of them ("not very good"). */
export const INTENSIFIERS = list('really, very, truly, quite, so, rather, incredibly, absolutely');

export const NEUTRAL_ADJECTIVES = list(
  'long, short, slow, quiet, simple, familiar, serious, loud, typical, average, ordinary',
  'plain, standard, modest, unusual, different, quirky, dark, subtle, old fashioned',
);

/** Sentence openers that frame a judgement ("Honestly, the plot was weak."). */
export const DISCOURSE_MARKERS = list(
  'Honestly, From the opening scene, To my surprise, In the end, Frankly, All in all',
);

// ---- Graded sentiment words (AFINN weight in brackets where it matters) ----

/** Adjectives by AFINN strength: strong (4–5), moderate (3), mild (1–2). */
export const ADJECTIVES: Record<Tone, Record<'strong' | 'moderate' | 'mild', string[]>> = {
  positive: {
    strong: list(
      'superb, outstanding, breathtaking, wonderful, brilliant, amazing, fantastic',
      'stunning, terrific, awesome',
    ),
    moderate: list(
      'great, good, excellent, beautiful, charming, lovely, delightful, impressive, nice',
      'pleasant, magnificent, splendid, perfect, exciting, heartwarming',
    ),
    mild: list(
      'enjoyable, entertaining, solid, clever, powerful, gripping, sweet, strong, lively',
      'elegant, interesting, memorable',
    ),
  },
  negative: {
    strong: list('terrible, awful, horrible, dreadful, atrocious, ridiculous, boring, bad'),
    moderate: list(
      'dull, weak, stupid, disappointing, poor, annoying, lame, pointless, painful, awkward',
      'confusing, sloppy, uninspired, unfunny, embarrassing',
    ),
    mild: list('forgettable, silly, lazy, lifeless, hollow'),
  },
};

/** "beautifully shot", "poorly written": adverb [±2..4] + participle [0]. */
export const MANNER_ADVERBS: Record<Tone, string[]> = {
  positive: list('beautifully, wonderfully, perfectly'),
  negative: list('badly, poorly'),
};
export const PARTICIPLES = list('shot, acted, written, edited, directed, cast, paced');

/** "I loved the soundtrack" / "I hated the ending". */
export const AFFECT_VERBS: Record<Tone, string[]> = {
  positive: list('loved, enjoyed, liked, adored'),
  negative: list('hated, disliked'),
};

// ---- Sentence templates ----

/**
 * Judgements whose sentiment comes from their slots: `{adj}` an adjective phrase of the
 * review's tone, `{a-adj}` the same with an article, `{be}` agrees with the last subject.
 */
export const JUDGEMENTS = list(
  '{film} {be} {adj}, the {subject} {be} {adj}, the {subject} {be} {adj} and {adj}',
  'the {subject} {be} {adj} and the {subject} {be} {adj}, I thought the {subject} {was} {adj}',
  'the {subject} felt {adj}, {title} {be} {a-adj} {genre}, it {be} {a-adj} {genre}',
  '{name} {be} {adj} as the {role}, {name} gives {a-adj} performance as the {role}',
  '{film} {be} {manner} {participle}, I {affect} the {subject}, what {a-adj} {genre}',
  'the {subject} {be} {adj} from start to finish',
);

/** Judgements that need their tone spelled out, negations included. */
export const TONE_JUDGEMENTS: Record<Tone, string[]> = {
  positive: list(
    'the {subject} {be} not bad at all, {film} {be} never boring for a second',
    'I was never bored, I did not expect to enjoy it this much, I have no complaints',
    'it {be} a real pleasure to watch, I smiled the whole way through',
  ),
  negative: list(
    'it {benot} worth it, the {subject} {be} not good at all, I did not enjoy the {subject}',
    "I didn't like the {subject}, the {subject} {be} not very good, I was so bored",
    'the {subject} {be} a mess, it {be} a waste of two hours',
  ),
};

/** Neutral reviews describe without judging. */
export const NEUTRAL_SENTENCES = list(
  'the {subject} {be} {neutral}, the {subject} {be} {neutral} and the {subject} {be} {neutral}',
  'it runs about two hours, it {be} {a-neutral} {genre} set in {place}',
  '{name} plays the {role}, the story takes place in {place}',
  'it {be} based on a book, most of it {be} shot in {place}',
  'the {subject} {be} about what you would expect, the {subject} {be} {neutral} at times',
);

/** Scene-setting sentences; EVENT_INTROS may continue with "and {judgement}". */
export const EVENT_INTROS = list(
  'I watched {title} last night, I saw {title} with my {companion}',
  'I went to see {title} on {occasion}, my {companion} took me to see {title}',
  'I finally caught {title} on {occasion}',
);
export const FACT_INTROS = list(
  '{title} is a {genre} about {plot}, {title} is the new {genre} from {name}',
  '{title} follows {plot}, I had heard a lot about {title}',
);

export const VERDICTS: Record<Tone | 'neutral', string[]> = {
  positive: list(
    'I loved it, highly recommended, one of the best films this year, worth every minute',
    'I enjoyed every minute, a real gem, I would love to watch it again',
    'a solid eight out of ten, a must see and a new favorite of mine',
  ),
  negative: list(
    'I hated it, a waste of time, I would not recommend it, not worth the ticket',
    'one of the worst films this year, what a disappointment, I regret watching it',
    'a complete mess, avoid it',
  ),
  neutral: list(
    'it is what it is, five out of ten, make of it what you will, it is an average {genre}',
    'not much more to say, watch it if you have two hours to spare',
  ),
};

/** Joins of a clause of one tone and a clause of the other ("X, but Y"). */
export const CONTRAST_CONNECTIVES = ['but', 'although', 'while', 'and yet'];
export const MIXED_VERDICTS = list(
  'overall it is a mixed bag, overall I am of two minds about it, so it goes both ways',
);
