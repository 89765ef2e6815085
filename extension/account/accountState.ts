/**
 * Who the server signs model requests as, and with which provider: read with
 * `account/read` and `modelProvider/list` on each connection and after
 * `account/updated`. Decides when the chat shows the welcome card: the
 * provider needs an OpenAI account, none is saved, and no key is in the
 * server's environment. No `vscode` import: tests drive it with a real server.
 */
import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { AccountInfo } from '../../webview/protocol';
import type { AppServerClient } from '../services';

export interface AccountSnapshot extends AccountInfo {
  /** The provider new threads use (`model_provider`). */
  providerId?: string;
  providerName?: string;
  signedIn: boolean;
}

type Client = Pick<AppServerClient, 'state' | 'request' | 'onNotification' | 'onDidChangeState'>;

export class AccountState {
  private current: AccountSnapshot = { needsSetup: false, signedIn: false };
  private readonly emitter = new Emitter<AccountSnapshot>();
  private readonly disposables: { dispose(): void }[] = [];
  private refreshing: Promise<void> | undefined;
  private again = false;

  readonly onDidChange: Event<AccountSnapshot> = this.emitter.event;

  constructor(
    private readonly client: Client,
    /** Whether the server's environment has this variable (e.g. OPENAI_API_KEY): then no sign-in is needed. */
    private readonly envHasKey: (name: string) => boolean,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.disposables.push(
      client.onDidChangeState((state) => state === 'connected' && void this.refresh()),
      client.onNotification('account/updated', () => void this.refresh()),
    );
    if (client.state === 'connected') void this.refresh();
  }

  get snapshot(): AccountSnapshot {
    return this.current;
  }

  /** Reads the account and provider again (after sign-in, logout or a config change). Concurrent calls coalesce. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.read()
      .catch((error: Error) => this.log(`account/read failed: ${error.message}`))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const account = await this.client.request('account/read', {});
    const providers = await this.client.request('modelProvider/list', {}).catch(() => undefined);
    const providerId = providers?.defaultProviderId;
    const providerName = providers?.data.find((p) => p.id === providerId)?.name ?? providerId;
    const signedIn = account.account !== null;
    const envKey = account.requiresOpenaiAuth && this.envHasKey('OPENAI_API_KEY');
    const needsSetup = account.requiresOpenaiAuth && !signedIn && !envKey;
    const label = signedIn
      ? account.account?.type === 'apiKey'
        ? 'OpenAI API key'
        : 'ChatGPT account'
      : envKey
        ? 'OPENAI_API_KEY'
        : needsSetup
          ? 'Not signed in'
          : providerName;
    this.current = { needsSetup, label, providerId, providerName, signedIn };
    this.emitter.fire(this.current);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.emitter.dispose();
  }
}
