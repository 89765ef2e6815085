/**
 * The built-in model catalog (what `model/list` offers when config adds
 * nothing) and helpers to describe a configured model that is not in it.
 */
interface ReasoningEffortOption {
  reasoningEffort: string;
  description: string;
}

export interface CatalogModel {
  id: string;
  model: string;
  displayName: string;
  description: string;
  supportedReasoningEfforts: ReasoningEffortOption[];
  defaultReasoningEffort: string;
  inputModalities: ('text' | 'image')[];
  hidden: boolean;
}

const efforts = (...levels: [string, string][]): ReasoningEffortOption[] =>
  levels.map(([reasoningEffort, description]) => ({ reasoningEffort, description }));

const LOW: [string, string] = ['low', 'Fast responses with lighter reasoning'];
const MEDIUM: [string, string] = ['medium', 'Balances speed and reasoning depth for everyday tasks'];
const HIGH: [string, string] = ['high', 'Greater reasoning depth for complex problems'];
const XHIGH: [string, string] = ['xhigh', 'Extra high reasoning depth for complex problems'];

/** The default model for new threads when config names none. */
export const DEFAULT_MODEL = 'gpt-5.1-codex';
export const DEFAULT_PROVIDER = 'openai';

export const BUILT_IN_MODELS: readonly CatalogModel[] = [
  {
    id: 'gpt-5.1-codex',
    model: 'gpt-5.1-codex',
    displayName: 'GPT-5.1-Codex',
    description: 'Optimized for agentic coding tasks.',
    supportedReasoningEfforts: efforts(LOW, MEDIUM, HIGH),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    hidden: false,
  },
  {
    id: 'gpt-5.1-codex-max',
    model: 'gpt-5.1-codex-max',
    displayName: 'GPT-5.1-Codex-Max',
    description: 'Long-horizon agentic coding with deeper reasoning.',
    supportedReasoningEfforts: efforts(LOW, MEDIUM, HIGH, XHIGH),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    hidden: false,
  },
  {
    id: 'gpt-5.1-codex-mini',
    model: 'gpt-5.1-codex-mini',
    displayName: 'GPT-5.1-Codex-Mini',
    description: 'Cheaper, faster coding model with less reasoning.',
    supportedReasoningEfforts: efforts(MEDIUM, HIGH),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    hidden: false,
  },
  {
    id: 'gpt-5.1',
    model: 'gpt-5.1',
    displayName: 'GPT-5.1',
    description: 'General-purpose model with broad world knowledge.',
    supportedReasoningEfforts: efforts(LOW, MEDIUM, HIGH),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    hidden: false,
  },
  {
    id: 'gpt-5',
    model: 'gpt-5',
    displayName: 'GPT-5',
    description: 'Previous general-purpose model.',
    supportedReasoningEfforts: efforts(['minimal', 'Fastest responses with minimal reasoning'], LOW, MEDIUM, HIGH),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    hidden: true,
  },
];

/** A catalog entry for a model named in config that the catalog does not know. */
export function configuredModel(model: string, reasoningEffort: string | undefined): CatalogModel {
  const effort = reasoningEffort ?? 'medium';
  return {
    id: model,
    model,
    displayName: model,
    description: 'Model from config.toml',
    supportedReasoningEfforts: efforts(LOW, MEDIUM, HIGH).some((e) => e.reasoningEffort === effort)
      ? efforts(LOW, MEDIUM, HIGH)
      : efforts(LOW, MEDIUM, HIGH, [effort, 'Configured reasoning effort']),
    defaultReasoningEffort: effort,
    inputModalities: ['text'],
    hidden: false,
  };
}
