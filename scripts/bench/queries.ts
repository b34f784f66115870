// The query mix every library is timed on.

/**
 * A realistic mix of queries: single topic words, multi-word topics, questions, and typos (marked so the output can
 * say how typo queries fare). Drawn from the seed corpus's topics and the development judgments in ../shared/eval.
 */
export const QUERIES: string[] = [
  'hyperstition',
  'hyperstiton',
  'hypersticion',
  'persona selection model',
  'persona selction model',
  'inoculation prompting',
  'filtering pretraining data',
  'pretrainig data filtering',
  'Lincoln character training',
  'tumblr bot Frank',
  'constitutional AI',
  'instrumental convergence power seeking',
  'canary string evals',
  'classical alignment theory',
  'clasical alignment theory',
  'sycophancy thumbs up',
  'self-fulfilling prophecy',
  'self fulfiling prophecy',
  "Yudkowsky's predictions and whether his model is falsifiable",
  'alignment faking',
  'RL versus SFT',
  'Twitter reaction dunks',
  "who should write the AI's personality",
  'base models trained only on data before a cutoff year',
  'spiritual bliss attractor',
  'emergent misalignment',
  'the void',
  'agency by default',
  'security commitments of compute providers',
  'evals leaking into training data',
  'GPT-4 base model',
  'what is the assistant character',
];
