import os from 'node:os';
import { type NamespaceModule } from '../core/appServer';
import { invalidRequest } from '../rpc/errors';
import { InitializeParams, type InitializeResponse } from '../../protocol/initialize';
import { SERVER_VERSION } from '../version';

/** `initialize`: the handshake. Every other method needs it first. */
export const initializeModule: NamespaceModule = (registry, server) => {
  registry.register(
    'initialize',
    InitializeParams,
    (params, session): InitializeResponse => {
      if (session.initialized) throw invalidRequest('Already initialized');
      session.initialized = true;
      session.clientInfo = params.clientInfo;
      session.experimentalApi = params.capabilities?.experimentalApi ?? false;
      session.setOptOut(params.capabilities?.optOutNotificationMethods);
      const client = `${params.clientInfo.name}; ${params.clientInfo.version}`;
      return {
        userAgent: `codex-vscode-server/${SERVER_VERSION} (${os.type()} ${os.release()}; ${os.arch()}) (${client})`,
        codexHome: server.codexHome,
        platformFamily: process.platform === 'win32' ? 'windows' : 'unix',
        platformOs: process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : process.platform,
      };
    },
    { beforeInitialize: true },
  );
};
