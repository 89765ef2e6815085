import * as fs from 'node:fs';
import * as path from 'node:path';

/** The config.toml "Open config.toml" creates when there is none: every line a comment, so it changes nothing until edited. */
export const CONFIG_TEMPLATE = `# Codex configuration (https://github.com/openai/codex/blob/main/docs/config.md).
# Every line below is a comment: uncomment and edit what you need, save, and
# the next prompt uses it.

# ── OpenAI (the default provider) ──
# Sign in from the chat's welcome card ("Use an OpenAI API key"), or export
# OPENAI_API_KEY before starting VS Code.
# model = "gpt-5.1-codex"
# model_reasoning_effort = "medium"   # low | medium | high
# openai_base_url = "https://my-proxy.example/v1"

# ── A local model with Ollama (http://127.0.0.1:11434) ──
# model_provider = "ollama"
# model = "qwen2.5-coder:7b"

# ── A local model with LM Studio (http://127.0.0.1:1234) ──
# model_provider = "lmstudio"
# model = "qwen2.5-coder-7b-instruct"

# ── Any OpenAI-compatible server ──
# model_provider = "my-server"
# model = "my-model"
#
# [model_providers.my-server]
# name = "My server"
# base_url = "http://127.0.0.1:8080/v1"
# wire_api = "responses"          # or "chat" for /v1/chat/completions only
# env_key = "MY_SERVER_API_KEY"   # environment variable holding its key, if it needs one
`;

/**
 * Creates the user's config.toml with the template when it does not exist (an existing one is
 * never touched). Only an absolute path to a file named config.toml is accepted: the path comes
 * from the server's `config/read`.
 */
export function ensureConfigFile(file: string): 'created' | 'exists' {
  if (!path.isAbsolute(file) || path.basename(file) !== 'config.toml') throw new Error(`Not a config.toml path: ${file}`);
  if (fs.existsSync(file)) return 'exists';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, CONFIG_TEMPLATE, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // Created meanwhile by someone else: theirs stays.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  }
  return 'created';
}
