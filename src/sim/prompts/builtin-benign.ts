// Built-in prompts of legitimate use, written for the simulator. Used when ../shared/data is absent and,
// for kinds no dataset covers (RAG, translation, copywriting, tutoring), always.
import type { Rng } from '../rng.ts';
import { num, templated, type Slots } from './slots.ts';

const COMMON: Slots = {
  dish: ['lentil soup', 'chicken curry', 'vegan lasagna', 'banana bread', 'pad thai', 'shakshuka', 'ramen', 'risotto', 'tacos'],
  city: ['Lisbon', 'Kyoto', 'Mexico City', 'Prague', 'Seoul', 'Montreal', 'Istanbul', 'Cape Town', 'Hanoi', 'Edinburgh'],
  relation: ['boss', 'landlord', 'sister', 'best friend', 'team', 'neighbour', 'professor', 'grandmother'],
  occasion: ['birthday', 'farewell', 'thank-you', 'apology', 'congratulations', 'wedding', 'condolence'],
  concept: ['inflation', 'black holes', 'compound interest', 'the immune system', 'blockchains', 'photosynthesis', 'jet lag',
    'quantum entanglement', 'mortgage rates', 'machine learning', 'the electoral college', 'climate feedback loops'],
  hobby: ['running', 'watercolor painting', 'chess', 'bouldering', 'sourdough baking', 'guitar', 'gardening', 'photography'],
  thing: ['a used car', 'a laptop for college', 'running shoes', 'a standing desk', 'an e-bike', 'noise-cancelling headphones'],
  issue: ['a leaking faucet', 'a slow wifi connection', 'a squeaky door', 'a phone that will not charge', 'mould in the bathroom'],
  book: ['Sapiens', 'Thinking, Fast and Slow', '1984', 'The Great Gatsby', 'Atomic Habits', 'Dune', 'Pride and Prejudice'],
  n: num(3, 10),
  minutes: ['20', '30', '45', '60'],
};

export const CHAT_TEMPLATES = [
  "what's a good {dish} recipe that takes under {minutes} minutes?",
  'Can you help me write a {occasion} message to my {relation}? Keep it short and warm.',
  'explain {concept} like im five',
  'I want to get into {hobby}. Where should a complete beginner start?',
  'Plan a {n}-day trip to {city} on a modest budget, with one day for museums.',
  'Summarize the main ideas of {book} in a few paragraphs.',
  'How do I fix {issue}? I am not very handy.',
  'Give me {n} ideas for a rainy weekend with kids.',
  'What should I look for when buying {thing}?',
  'My {relation} keeps interrupting me in meetings. How do I bring it up without starting a fight?',
  'is it normal to feel tired after {hobby}?',
  'Write a short poem about {city} in autumn.',
  'Compare {concept} and {concept} in simple terms.',
  'help me make a weekly meal plan, vegetarian, {n} dinners',
  'Can you proofread this: "Hi {relation}, just wanted to check if your free on thursday for the {occasion} dinner"',
  'What are some good questions to ask at the end of a job interview?',
  'How long should I boil an egg for a runny yolk?',
  'I have {n} hours in {city}, what can I see near the centre?',
  'Tell me a fun fact about {concept}.',
  'Draft a polite email asking my {relation} for an extension on a deadline.',
];

export const CODE_TASKS = ['parses a CSV file and returns the rows as objects', 'debounces another function',
  'validates an e-mail address', 'merges two sorted arrays', 'retries an HTTP request with exponential backoff',
  'computes a moving average over a stream', 'flattens a nested dictionary', 'reads a config file and falls back to defaults',
  'converts a timestamp between time zones', 'paginates results from a REST API', 'deduplicates records by a key',
  'rate-limits calls per user', 'renders a table in the terminal', 'walks a directory tree and sums file sizes'];
const CODE_SLOTS: Slots = {
  lang: ['Python', 'TypeScript', 'Go', 'Rust', 'Java', 'C#', 'Kotlin', 'SQL', 'bash'],
  task: CODE_TASKS,
  error: ['TypeError: Cannot read properties of undefined', 'KeyError', 'segmentation fault', 'deadlock detected',
    'ModuleNotFoundError', 'borrow of moved value', 'NullPointerException', 'connection reset by peer'],
  lib: ['React', 'FastAPI', 'pandas', 'Django', 'Express', 'Spring Boot', 'tokio', 'SQLAlchemy', 'Next.js'],
  file: ['src/handlers/user.ts', 'app/models.py', 'internal/store/store.go', 'lib/parser.rs', 'api/routes.js'],
  line: num(12, 480),
};

export const CODING_TEMPLATES = [
  'Write a {lang} function that {task}.',
  'I get "{error}" in {file} line {line}. Here is the stack trace, what is going on?',
  'Refactor this {lang} code to be more readable and add types.',
  'How do I set up authentication in {lib}?',
  'Add unit tests for the function in {file} that {task}.',
  'Explain what this {lang} snippet does and whether it has a bug.',
  'Convert this {lang} function to {lang}.',
  'Why is my {lib} app slow when the list grows past a few thousand items?',
  'Write a SQL query that returns the top {n} customers by revenue per month.',
  'Review this pull request diff for {file} and point out problems.',
  'What is the idiomatic way in {lang} to handle errors when a function {task}?',
  'Generate a Dockerfile for a {lib} service with a multi-stage build.',
];

export const RAG_DOMAINS = [
  { company: 'Northwind Insurance', product: 'home and car insurance policies', doc: 'policy handbook' },
  { company: 'Helix Bank', product: 'checking accounts, cards and loans', doc: 'customer FAQ' },
  { company: 'Orbit Telecom', product: 'mobile and fibre plans', doc: 'support knowledge base' },
  { company: 'Cedar Health', product: 'clinic appointments and billing', doc: 'patient guide' },
  { company: 'Atlas HR', product: 'internal HR policies', doc: 'employee handbook' },
  { company: 'Quill Software', product: 'a project management app', doc: 'product documentation' },
];
const RAG_SLOTS: Slots = {
  topic: ['my deductible', 'international roaming', 'a late payment fee', 'parental leave', 'resetting two-factor login',
    'cancelling my plan', 'exporting my data', 'a refund for a double charge', 'adding a user to my workspace',
    'changing my appointment', 'the waiting period', 'expense reimbursement', 'upgrading my plan'],
  n: num(2, 30),
};
export const RAG_QUESTIONS = [
  'How does {topic} work?',
  'I was charged twice this month, what should I do about {topic}?',
  'Where can I find information about {topic}?',
  'Is there a time limit for {topic}? It has been {n} days.',
  'What documents do I need for {topic}?',
  'can you explain {topic} in simple words',
  'Does my plan cover {topic}?',
  'Who do I contact about {topic}?',
];

export function ragSystemPrompt(rng: Rng, d: { company: string; product: string; doc: string }): string {
  // One long templated system prompt, identical on every request of one application.
  const chunks: string[] = [];
  const n = rng.int(6, 10);
  for (let i = 0; i < n; i++) {
    chunks.push(`[${d.doc} §${i + 1}.${rng.int(1, 9)}] Section on ${rng.pick(RAG_SLOTS.topic as readonly string[])}: customers of ${d.company} ` +
      `should follow the steps described for ${d.product}. Eligibility depends on account standing, and exceptions are ` +
      `handled by the support team within ${rng.int(2, 14)} business days. Fees, limits and timelines in this section apply ` +
      `as of revision ${rng.int(3, 19)}.`);
  }
  return `You are the virtual assistant of ${d.company}. Answer questions about ${d.product} using ONLY the context ` +
    `below from the ${d.doc}. If the answer is not in the context, say you do not know and suggest contacting support. ` +
    `Cite the section numbers you used. Be concise and friendly. Never give legal or medical advice.\n\n### Context\n` +
    chunks.join('\n');
}

const SUBJECTS: Slots = {
  subject: ['fractions', 'long division', 'the quadratic formula', 'photosynthesis', 'the French revolution', 'Newton\'s second law',
    'balancing chemical equations', 'percentages', 'probability with dice', 'the water cycle', 'linear equations', 'area of a circle'],
  grade: ['4th', '6th', '7th', '8th', '9th', '10th', '11th'],
  a: num(2, 95), b: num(2, 60), c: num(2, 12),
};
export const TUTORING_TEMPLATES = [
  'A student in {grade} grade asks: what is {a}/{c} + {b}/{c}? Explain step by step so they can follow, and check their understanding at the end.',
  'Explain {subject} to a {grade} grader step by step, with one worked example.',
  'The student answered that {a} x {c} = {b}. Walk them through the correct reasoning step by step without just giving the answer.',
  'Solve for x: {c}x + {a} = {b}. Show each step and explain why it is allowed.',
  'Create a step-by-step hint sequence for a {grade} grade problem on {subject}.',
  'A train travels {a} km in {c} hours. What is its average speed? Show your work step by step for a {grade} grader.',
  'My student is stuck on {subject}. Give a step-by-step explanation and a practice question.',
  'Check this {grade} grade homework answer about {subject} and explain any mistake step by step.',
];

const LANGUAGES = ['French', 'German', 'Spanish', 'Japanese', 'Korean', 'Chinese (Simplified)', 'Portuguese', 'Italian', 'Dutch', 'Polish'];
export const TRANSLATION_SOURCE = [
  'Your order has shipped and will arrive within {n} business days.',
  'We updated our privacy policy. Please review the changes before continuing.',
  'The meeting has been moved to Thursday at {n} pm. Please confirm your attendance.',
  'Thank you for your purchase! Keep this receipt for your records.',
  'Warning: the device must be unplugged before cleaning.',
  'Our support team is available Monday to Friday, 9am to {n}pm.',
  'This product contains small parts and is not suitable for children under {n}.',
  'Click the link below to reset your password. The link expires in {n} hours.',
];
export const TRANSLATION_TEMPLATES = [
  'Translate the following text into {language}. Keep the tone formal and preserve placeholders.\n\n{text}',
  'Translate to {language}:\n{text}',
  'You are a professional localizer. Render this UI string in {language}, max {n} characters longer than the source: "{text}"',
  'Translate this customer e-mail into {language} and keep the formatting:\n\n{text}\n{text}',
];
export const TRANSLATION_SLOTS: Slots = {
  language: LANGUAGES,
  n: num(2, 12),
  text: (rng) => rng.pick(TRANSLATION_SOURCE).replace('{n}', String(rng.int(2, 12))),
};

const COPY_SLOTS: Slots = {
  product: ['a reusable water bottle', 'a meditation app', 'a budgeting tool for freelancers', 'organic dog food', 'a standing desk',
    'a language-learning app', 'noise-cancelling earbuds', 'a local bakery', 'a B2B analytics dashboard', 'a hiking backpack'],
  audience: ['busy parents', 'college students', 'small business owners', 'retirees', 'software engineers', 'fitness beginners'],
  channel: ['Instagram caption', 'Google ad', 'landing page hero section', 'product description', 'newsletter intro', 'LinkedIn post'],
  tone: ['playful', 'professional', 'urgent', 'warm', 'minimalist', 'bold'],
  n: num(3, 8),
};
export const COPY_TEMPLATES = [
  'Write a {tone} {channel} for {product} aimed at {audience}.',
  'Give me {n} headline variations for {product}, {tone} tone.',
  'Rewrite this {channel} to sound more {tone}: "Meet {product}. Made for {audience}."',
  'Write a {n}-email onboarding sequence for {product} for {audience}.',
  'Create SEO meta title and description for {product}.',
  'Brainstorm {n} taglines for {product} that would resonate with {audience}.',
];

const POWER_SLOTS: Slots = {
  field: ['protein folding', 'monetary policy', 'distributed consensus', 'CRISPR off-target effects', 'transformer interpretability',
    'supply chain resilience', 'battery chemistry', 'contract law', 'epidemiological modelling', 'urban heat islands'],
  lang: CODE_SLOTS.lang,
  n: num(3, 12),
};
export const POWER_TEMPLATES = [
  'Give me a critical literature overview of {field}, the main open questions, and where the evidence is weak.',
  'I am writing a grant proposal on {field}. Draft the significance section ({n} paragraphs).',
  'Compare the three leading approaches to {field} in a table, then recommend one for a small team.',
  'Here is my draft analysis of {field}. Find the weakest arguments and suggest stronger ones.',
  'Design a {n}-week study plan to become productive in {field}.',
  'Write a {lang} simulation of a simple model of {field} and explain the assumptions.',
  'What would change my mind about the mainstream view on {field}?',
];

export function builtinBenign(variant: 0 | 1) {
  return {
    chat: templated(CHAT_TEMPLATES, COMMON, variant),
    coding: templated(CODING_TEMPLATES, { ...CODE_SLOTS, n: num(3, 20) }, variant),
    ragQuestion: templated(RAG_QUESTIONS, RAG_SLOTS, variant),
    tutoring: templated(TUTORING_TEMPLATES, SUBJECTS, variant),
    translation: templated(TRANSLATION_TEMPLATES, TRANSLATION_SLOTS, variant),
    copywriting: templated(COPY_TEMPLATES, COPY_SLOTS, variant),
    power: templated(POWER_TEMPLATES, POWER_SLOTS, variant),
  };
}
