/**
 * The socket transports: WebSocket on `ws://IP:PORT`, or WebSocket over a Unix
 * socket (`unix://`), both reached through the standard HTTP Upgrade
 * handshake. One JSON-RPC message per text frame. The same HTTP listener
 * answers the `/readyz` and `/healthz` probes. Anything carrying an `Origin`
 * header (a browser page) is refused with 403, and the auth policy is checked
 * before the upgrade completes, so before `initialize`.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServer } from '../core/appServer';
import { authorizeHandshake, type WebSocketAuthPolicy } from '../auth/wsAuth';
import { log } from '../log';
import { MAX_IN_FLIGHT_REQUESTS_PER_CLIENT } from '../rpc/connection';
import type { ListenTarget } from './listenUrl';

/** Requests one socket client may have in flight before getting "Server overloaded". */
export { MAX_IN_FLIGHT_REQUESTS_PER_CLIENT };
/** A client that lets this much output pile up unread is dropped rather than grow our memory without bound. */
const MAX_BUFFERED_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Pings detect peers that vanished without closing (network loss). */
const HEARTBEAT_INTERVAL_MS = 30_000;

export interface SocketListener {
  /** `ws://IP:PORT` (actual port when 0 was asked) or `unix://PATH`. */
  readonly url: string;
  close(): Promise<void>;
}

type SocketTarget = Extract<ListenTarget, { kind: 'ws' | 'unix' }>;

export async function serveWebSocket(server: AppServer, target: SocketTarget, auth: WebSocketAuthPolicy): Promise<SocketListener> {
  const httpServer = http.createServer(answerHttpRequest);
  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();

  httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log.debug('upgrade socket error:', error.message));
    if (request.headers.origin !== undefined) {
      rejectUpgrade(socket, 403, '');
      return;
    }
    void authorizeHandshake(auth, request.headers.authorization).then((decision) => {
      if (!decision.ok) {
        log.warn(`refused websocket client: ${decision.message}`);
        rejectUpgrade(socket, decision.status, decision.message);
        return;
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(request, socket, head, (ws) => attachClient(server, ws, clients));
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of clients) {
      const alive = ws as WebSocket & { awaitingPong?: boolean };
      if (alive.awaitingPong) {
        log.warn('websocket client stopped answering pings; dropping it');
        ws.terminate();
        continue;
      }
      alive.awaitingPong = true;
      ws.ping();
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  let url: string;
  if (target.kind === 'ws') {
    await listen(httpServer, { host: target.host, port: target.port });
    const address = httpServer.address() as net.AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `ws://${host}:${address.port}`;
  } else {
    await prepareUnixSocketPath(target.socketPath);
    await listen(httpServer, { path: target.socketPath });
    // Only our own user may connect: the socket is as private as the stdio pipe.
    fs.chmodSync(target.socketPath, 0o600);
    url = `unix://${target.socketPath}`;
  }

  return {
    url,
    close: async () => {
      clearInterval(heartbeat);
      for (const ws of clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      for (const ws of clients) ws.terminate();
      if (target.kind === 'unix') fs.rmSync(target.socketPath, { force: true });
    },
  };
}

function attachClient(server: AppServer, ws: WebSocket, clients: Set<WebSocket>): void {
  clients.add(ws);
  const { connection, session } = server.connect(
    (text) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_OUTPUT_BYTES) {
        log.warn('websocket client is not reading its messages; dropping it');
        ws.terminate();
        return;
      }
      ws.send(text);
    },
    { maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS_PER_CLIENT },
  );
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003, 'JSON-RPC messages must be text frames');
      return;
    }
    connection.receive(data.toString());
  });
  ws.on('pong', () => {
    (ws as WebSocket & { awaitingPong?: boolean }).awaitingPong = false;
  });
  ws.on('error', (error) => log.debug('websocket error:', error.message));
  ws.on('close', () => {
    clients.delete(ws);
    session.close();
  });
}

/** Health probes; everything else on plain HTTP is told to upgrade. */
function answerHttpRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.headers.origin !== undefined) {
    response.writeHead(403, { 'content-length': 0 }).end();
    return;
  }
  const pathname = (request.url ?? '/').split('?')[0];
  if (pathname === '/readyz' || pathname === '/healthz') {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET,HEAD', 'content-length': 0 }).end();
      return;
    }
    response.writeHead(200, { 'content-length': 0 }).end();
    return;
  }
  const body = "Connection header did not include 'upgrade'";
  response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

function rejectUpgrade(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const headers = [`HTTP/1.1 ${status} ${reason}`, 'connection: close', `content-length: ${Buffer.byteLength(body)}`];
  if (body) headers.push('content-type: text/plain; charset=utf-8');
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function listen(httpServer: http.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    httpServer.once('error', onError);
    httpServer.listen(options, () => {
      httpServer.off('error', onError);
      resolve();
    });
  });
}

/**
 * Creates the socket's folder (private) and clears a stale socket file left by
 * a crashed server; refuses when a live server still answers on it.
 */
async function prepareUnixSocketPath(socketPath: string): Promise<void> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return; // nothing there
  }
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another app-server is already listening on ${socketPath}`);
  fs.rmSync(socketPath, { force: true });
}
