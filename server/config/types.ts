/**
 * The effective configuration: `config.toml` keys after layering (see
 * loader.ts). Field names are the TOML keys, so values can be read straight
 * from the merged table. Only keys the server acts on are typed; the rest stay
 * reachable through `raw`.
 */
import type { SandboxMode } from '../../protocol/items';

export type ApprovalPolicy = 'untrusted' | 'on-failure' | 'on-request' | 'never' | { granular: Record<string, boolean> };
export type WireApi = 'responses' | 'chat';

export interface ModelProviderConfig {
  name?: string;
  base_url?: string;
  env_key?: string;
  env_key_instructions?: string;
  wire_api?: WireApi;
  query_params?: Record<string, string>;
  http_headers?: Record<string, string>;
  env_http_headers?: Record<string, string>;
  request_max_retries?: number;
  stream_max_retries?: number;
  stream_idle_timeout_ms?: number;
  requires_openai_auth?: boolean;
}

interface SandboxWorkspaceWrite {
  writable_roots?: string[];
  network_access?: boolean;
  exclude_tmpdir_env_var?: boolean;
  exclude_slash_tmp?: boolean;
}

export interface EffectiveConfig {
  model?: string;
  model_provider?: string;
  model_providers?: Record<string, ModelProviderConfig>;
  model_reasoning_effort?: string;
  model_reasoning_summary?: string;
  approval_policy?: ApprovalPolicy;
  sandbox_mode?: SandboxMode;
  sandbox_workspace_write?: SandboxWorkspaceWrite;
  profile?: string;
  profiles?: Record<string, Record<string, unknown>>;
  features?: Record<string, boolean>;
  projects?: Record<string, { trust_level?: string }>;
  instructions?: string;
  developer_instructions?: string;
  hooks?: Record<string, unknown>;
  /** The whole merged table, for keys not typed above. */
  raw: Record<string, unknown>;
}

/** Admin constraints from the system `requirements.toml`. */
export interface ConfigRequirementsToml {
  file: string;
  allowed_approval_policies?: ApprovalPolicy[];
  allowed_sandbox_modes?: SandboxMode[];
  /** Feature flags pinned to a value. */
  features?: Record<string, boolean>;
  allow_managed_hooks_only?: boolean;
  /** Managed hooks: event arrays plus `managed_dir` (where the admin ships the scripts). */
  hooks?: Record<string, unknown>;
  /** Allowed MCP servers by name, each optionally pinned to an `identity` (`command` or `url`). */
  mcp_servers?: Record<string, { identity?: { command?: string; url?: string } }>;
}
