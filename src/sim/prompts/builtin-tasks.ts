// Built-in task prompts of the kinds distillers harvest (math word problems, instructions, code tasks),
// which evaluation labs and tutors also send: the overlap is what makes the hard negatives hard.
import { CODE_TASKS } from './builtin-benign.ts';
import { num, templated, type Slots } from './slots.ts';

const MATH_SLOTS: Slots = {
  name: ['Natasha', 'Omar', 'Mrs. Lee', 'Jamal', 'Priya', 'Tomas', 'Aiko', 'Greta', 'Diego', 'Farah', 'Ken', 'Lucia'],
  item: ['apples', 'stickers', 'marbles', 'cupcakes', 'books', 'tickets', 'pencils', 'seashells', 'coins', 'plants'],
  place: ['the market', 'a bake sale', 'the school fair', 'the garden centre', 'a bookstore', 'the farm'],
  a: num(3, 120), b: num(2, 48), c: num(2, 12), d: num(5, 95), price: num(2, 40),
};
export const MATH_TEMPLATES = [
  '{name} has {a} {item}. {name} buys {b} more packs with {c} {item} in each pack. How many {item} does {name} have now?',
  '{name} sells {item} at {place} for ${price} each. On Monday {a} were sold and on Tuesday {b} fewer than Monday. How much money was made in total?',
  'A tank holds {a} liters. It leaks {c} liters per hour while being filled at {b} liters per hour. How long until it is full if it starts empty?',
  '{name} reads {b} pages a day. The book has {a} pages more than {c} times {b}. How many days will it take to finish?',
  'There are {a} students. {d}% of them joined the trip and each paid ${price}. How much was collected?',
  '{name} walks {c} km to {place} at {b} km/h and rides back at {a} km/h. What is the total travel time in minutes?',
  'A rectangle has a perimeter of {a} cm and its length is {c} cm more than its width. What is its area?',
  '{name} saved ${a} in January and ${b} more each month after that. How much was saved after {c} months?',
  'A recipe needs {c} cups of flour for {b} {item}. How many cups are needed for {a} {item}?',
  '{name} bought {c} {item} at ${price} each and paid with a ${a} bill... wait, with two ${a} bills. How much change is due?',
  'The ratio of {item} to pencils in a box is {c}:{b}. If there are {a} {item}, how many items are in the box?',
  'A store discounts a ${a} jacket by {d}% and then adds {c}% tax. What is the final price?',
];

const INSTR_SLOTS: Slots = {
  topic: ['remote work', 'ocean plastic', 'electric cars', 'the printing press', 'sleep hygiene', 'urban gardening', 'cryptography',
    'the Silk Road', 'volcanoes', 'minimalism', 'public libraries', 'honeybees', 'space tourism', 'microfinance', 'jazz'],
  form: ['haiku', 'limerick', 'short story', 'tweet', 'product review', 'persuasive essay', 'dialogue', 'news headline', 'riddle'],
  sentence: ['The results were good but the process was slow.', 'I cannot believe they cancelled the show!', 'Prices went up again this quarter.',
    'The new policy affects every employee.', 'She finally finished the marathon.'],
  n: num(3, 10),
};
export const INSTRUCTION_TEMPLATES = [
  'Write a {form} about {topic}.',
  'Classify the sentiment of this sentence as positive, negative or neutral: "{sentence}"',
  'Generate {n} interview questions about {topic}.',
  'Rewrite the sentence to be more formal: "{sentence}"',
  'Explain the difference between {topic} and {topic}.',
  'List {n} facts about {topic} and rank them by how surprising they are.',
  'Summarize the history of {topic} in {n} sentences.',
  'Create a quiz with {n} multiple-choice questions on {topic}, with answers.',
  'Give arguments for and against {topic}.',
  'Turn this sentence into a question: "{sentence}"',
  'Write an analogy that explains {topic} to a child.',
  'Extract the subject, verb and object from: "{sentence}"',
];

const DISTILL_CODE_SLOTS: Slots = {
  lang: ['Python', 'C++', 'Java', 'JavaScript', 'Rust', 'Go'],
  task: CODE_TASKS,
  algo: ['Dijkstra\'s algorithm', 'a trie', 'an LRU cache', 'quicksort', 'a segment tree', 'union-find', 'KMP string search',
    'topological sort', 'a min-heap', 'the knapsack DP', 'A* search', 'a Bloom filter', 'longest increasing subsequence'],
  n: num(2, 9),
};
export const CODE_TASK_TEMPLATES = [
  'Implement {algo} in {lang}.',
  'Write a {lang} program that {task}.',
  'Solve this problem in {lang}: given an array of n integers, find the length of the longest subarray with sum divisible by {n}.',
  'Write {algo} in {lang} and analyse its time complexity.',
  'Create a {lang} class that {task}, with docstrings.',
  'Given a string s, return the number of distinct palindromic substrings. Use {lang}.',
  'Write a {lang} function to check whether a binary tree is balanced, then use {algo} as a second exercise.',
  'Debug this {lang} implementation of {algo} that fails on edge cases.',
];

/** Benchmark items an evaluation lab sweeps: multiple choice with a fixed harness format. */
const MC_SLOTS: Slots = {
  subject: ['high_school_physics', 'college_biology', 'professional_law', 'econometrics', 'world_religions', 'computer_security',
    'clinical_knowledge', 'formal_logic', 'moral_scenarios', 'astronomy', 'virology', 'management'],
  claim: ['the net force on the object is zero', 'the enzyme is denatured', 'the contract is voidable', 'the estimator is biased',
    'the statement is a tautology', 'the star is on the main sequence', 'the key exchange is vulnerable'],
  n: num(1, 4),
};
export const BENCHMARK_TEMPLATES = [
  'The following are multiple choice questions (with answers) about {subject}.\n\nWhich of the following is true if {claim}?\nA. only in case {n}\nB. always\nC. never\nD. it depends on context\nAnswer:',
  'Question ({subject}): Suppose {claim}. Which conclusion follows?\n(A) the first\n(B) the second\n(C) both\n(D) neither\nLet\'s think step by step.',
  '[{subject}] Evaluate: is it correct that {claim}? Answer "yes" or "no", then explain.',
  'Answer the following {subject} question. Give your final answer as a single letter.\nQ: If {claim}, what happens next?\nA) {n}\nB) nothing\nC) reversal\nD) collapse',
];

export function builtinTasks(variant: 0 | 1) {
  return {
    math: templated(MATH_TEMPLATES, MATH_SLOTS, variant),
    instruction: templated(INSTRUCTION_TEMPLATES, INSTR_SLOTS, variant),
    code: templated(CODE_TASK_TEMPLATES, DISTILL_CODE_SLOTS, variant),
    benchmark: templated(BENCHMARK_TEMPLATES, MC_SLOTS, variant),
  };
}
