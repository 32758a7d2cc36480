import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { apiFront } from "@/server/http/front";
import type { Services } from "@/server/services";

export interface ApiServer {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The public /api/v1 over real HTTP without Next: a node:http server on 127.0.0.1 (`port`, or one
 * the OS picks) answering through the web process's own fast front (server/http/front.ts) over the
 * given services; anything the front does not serve is a plain 404.
 */
export async function startApiServer(services: Services, port = 0): Promise<ApiServer> {
  const serve = apiFront(() => services);
  const server = createServer((req, res) => {
    serve(req, res)
      .then((served) => {
        if (!served) res.writeHead(404).end();
      })
      .catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
