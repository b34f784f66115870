// How a reply meets the claim it answers, from its opening words: "I agree", "Yes, and" take the claim's side;
// "I disagree", "No —" the other; "Sure, but", "I agree that …, but" concede and then object (the other side, less
// surely). Only the opening counts: later "yes" and "no" answer other things.
export interface Opening {
  /** +1 agrees with the claim answered, -1 disagrees. */
  polarity: number;
  /** 1 for a plain opening, 0.5 for a conceding one ("Sure, but"). */
  weight: number;
  /** The opening as written (offsets into the reply text). */
  start: number;
  end: number;
}

const AGREE = /^(?:(?:yes|yeah|yep|agreed|exactly|absolutely|indeed|right|true|this|same|\+1)\b[,.!:;—–-]?|i (?:fully |strongly |completely |totally |mostly |basically )?agree\b(?! that)|i agree with (?:you|this|that|the (?:post|comment|op))\b|strongly agree\b|good point\b|well said\b)/i;
const DISAGREE = /^(?:(?:no|nope|nah|wrong)\b\s*[,.!:;—–-]|i (?:strongly |mostly |somewhat |partly )?disagree\b|i don[’']?t (?:think so|agree|buy (?:it|this|that))\b|not really\b|not so\b|that[’']?s (?:not (?:true|right|correct)|false|wrong)\b|this is (?:not (?:true|right|correct)|false|wrong)\b|strongly disagree\b|i[’']?m not (?:convinced|sure that[’']?s right)\b|(?:this|that|it) (?:doesn[’']?t|does not) (?:mean anything|follow|make (?:any )?sense|hold up)\b|(?:this|that) makes no sense\b)/i;
/** "Sure, but", "Yes, but", "I agree that X, but", "Fair, but", "Well, yes, but": conceding, then objecting. */
const CONCEDE = /^(?:(?:well,? )?(?:sure|yes|yeah|true|fair|granted|agreed|ok|okay|right)(?: enough)?,? but\b|i agree (?:that |with )?[^.?!]{0,160}?,? but\b|(?:that[’']?s |this is )?(?:a )?fair (?:point|enough),? but\b)/i;

/** How a reply opens toward what it answers, or null when its opening says neither. */
export function openingOf(text: string): Opening | null {
  const lead = /^\s*/.exec(text)![0].length;
  const t = text.slice(lead);
  const c = CONCEDE.exec(t);
  if (c) return { polarity: -1, weight: 0.5, start: lead, end: lead + c[0].length };
  const d = DISAGREE.exec(t);
  if (d) return { polarity: -1, weight: 1, start: lead, end: lead + d[0].replace(/[,.!:;—–-]$/, '').length };
  const a = AGREE.exec(t);
  // "Yes, I didn't like this so much" agrees; "This shouldn't …" opens a sentence: "this" agrees only alone.
  if (a && !(/^this\b/i.test(a[0]) && !/^this[.!]?\s*$/i.test(t.split(/\n/)[0]))) return { polarity: 1, weight: 1, start: lead, end: lead + a[0].replace(/[,.!:;—–-]$/, '').length };
  return null;
}
